import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.ts';
import { PGliteDialect } from './pglite-dialect.ts';
import type { DB } from './schema.ts';

/** A query runner: the database, or a transaction on it. Repositories take either. */
export type Q = Kysely<DB> | Transaction<DB>;

export type Engine = 'pglite' | 'postgres';

export interface Database {
  db: Kysely<DB>;
  /** Read-only queries (search, reports); the replica when one is configured, else the primary. */
  reader: Kysely<DB>;
  engine: Engine;
  /** A short description for /health and logs, with no credentials. */
  describe: string;
  close(): Promise<void>;
}

export class DataDirLockedError extends Error {}

// Dates stay 'YYYY-MM-DD' strings and bigints become numbers on both engines, so code sees one shape.
pg.types.setTypeParser(1082, (v) => v);
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

export async function openDatabase(database: Config['database']): Promise<Database> {
  if (database.kind === 'postgres') return openPostgres(database.url, database.replicaUrl);
  return openPGlite(database.dataDir);
}

function openPostgres(url: string, replicaUrl?: string): Database {
  const pool = new pg.Pool({ connectionString: url, max: 10, application_name: 'early-help-hub' });
  // An idle connection ended by the server (a restart, a failover) must not crash the process:
  // the pool drops it and opens a new one for the next query.
  pool.on('error', (err) => console.error(`Database connection lost: ${err.message}`));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const replicaPool = replicaUrl
    ? new pg.Pool({ connectionString: replicaUrl, max: 10, application_name: 'early-help-hub-reader' })
    : undefined;
  replicaPool?.on('error', (err) => console.error(`Replica connection lost: ${err.message}`));
  const reader = replicaPool ? new Kysely<DB>({ dialect: new PostgresDialect({ pool: replicaPool }) }) : db;
  const u = new URL(url);
  return {
    db,
    reader,
    engine: 'postgres',
    describe: `PostgreSQL at ${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`,
    async close() {
      await db.destroy();
      if (replicaPool) await reader.destroy();
    },
  };
}

/**
 * The embedded engine allows a single process per data directory: a lock file holding the owner's
 * pid refuses a second process with a clear message, and a stale lock (owner gone) is taken over.
 */
function takeLock(dataDir: string): () => void {
  const lockFile = join(dirname(dataDir), 'early-help.lock');
  mkdirSync(dirname(lockFile), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockFile, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(lockFile, 'utf8').trim());
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new DataDirLockedError(
          `The embedded database in ${dirname(dataDir)} is in use by another process (pid ${pid}). ` +
            'Stop it first, or set DATABASE_URL to use PostgreSQL for more than one process.',
        );
      }
      rmSync(lockFile, { force: true });
    }
  }
  throw new DataDirLockedError(`Could not lock the embedded database in ${dirname(dataDir)}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function openPGlite(dataDir: string | undefined): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const { fuzzystrmatch } = await import('@electric-sql/pglite/contrib/fuzzystrmatch');
  const { unaccent } = await import('@electric-sql/pglite/contrib/unaccent');
  const { citext } = await import('@electric-sql/pglite/contrib/citext');
  const release = dataDir ? takeLock(dataDir) : () => {};
  try {
    if (dataDir && !existsSync(dataDir)) mkdirSync(dataDir, { recursive: true });
    const pglite = await PGlite.create(dataDir ?? 'memory://', {
      extensions: { pg_trgm, fuzzystrmatch, unaccent, citext },
      parsers: { 1082: (v: string) => v, 20: (v: string) => Number(v), 1700: (v: string) => Number(v) },
    });
    const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
    return {
      db,
      reader: db,
      engine: 'pglite',
      describe: dataDir ? `embedded PGlite in ${dirname(dataDir)}` : 'embedded PGlite in memory',
      async close() {
        await db.destroy();
        await pglite.close();
        release();
      },
    };
  } catch (err) {
    release();
    throw err;
  }
}
