import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Kysely, sql } from 'kysely';
import type { DB } from './schema.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 4)),
      name: file.slice(5, -4),
      sql: readFileSync(`${dir}${file}`, 'utf8'),
    }));
}

/**
 * Applies every migration not yet applied, each in its own transaction. On PostgreSQL an advisory
 * lock stops two instances starting together from applying the same migration twice.
 */
export async function migrate(db: Kysely<DB>, migrations = listMigrations()): Promise<Migration[]> {
  await sql`create table if not exists schema_migration (
    version integer primary key, name text not null, applied_at timestamptz not null default now())`.execute(db);
  const applied: Migration[] = [];
  for (const migration of migrations) {
    const done = await db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(815234001)`.execute(trx);
      const existing = await trx
        .selectFrom('schema_migration')
        .select('version')
        .where('version', '=', migration.version)
        .executeTakeFirst();
      if (existing) return false;
      await sql.raw(migration.sql).execute(trx);
      await trx.insertInto('schema_migration').values({ version: migration.version, name: migration.name }).execute();
      return true;
    });
    if (done) applied.push(migration);
  }
  return applied;
}

export async function currentVersion(db: Kysely<DB>): Promise<number> {
  const row = await sql<{ v: number | null }>`select max(version) as v from schema_migration`.execute(db);
  return row.rows[0]?.v ?? 0;
}
