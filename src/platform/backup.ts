import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, renameSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { type Kysely, sql } from 'kysely';
import type { Q } from '../db/connection.ts';
import { currentVersion, listMigrations } from '../db/migrator.ts';
import type { DB } from '../db/schema.ts';
import { type VerifyResult, verifyAuditChain } from './audit.ts';

/**
 * Backup and restore in one portable format, so a backup from the embedded database restores into
 * PostgreSQL and the other way round: gzip'd newline-delimited JSON. Line 1 is a header; then, per
 * table in foreign-key order, a `{"table", "rows"}` line followed by exactly that many rows, each
 * Postgres's own `to_jsonb(row)` text (never parsed here, so bigints and numerics keep every
 * digit); the last line is a trailer with the row counts, so a truncated file is refused.
 */

export const BACKUP_FORMAT = 'early-help-backup';
export const BACKUP_VERSION = 1;

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_VERSION;
  schemaVersion: number;
  createdAt: string;
  server: string;
  tables: string[];
  sequences: { name: string; lastValue: string; isCalled: boolean }[];
}

export interface TableCount {
  table: string;
  rows: number;
}

export interface BackupSummary {
  schemaVersion: number;
  createdAt: string;
  tables: TableCount[];
}

export class RestoreRefusedError extends Error {}

const BATCH_ROWS = 1000;
const BATCH_BYTES = 4 * 1024 * 1024;
/** Tables holding files (bytea: attachments, up to ATTACHMENT_MAX_BYTES each) are read a row at a time. */
const BATCH_ROWS_WITH_FILES = 1;

interface TableInfo {
  name: string;
  pk: string[];
  columns: string[];
  identityAlways: boolean;
  /** Has a bytea column: rows may be megabytes each. */
  holdsFiles: boolean;
}

interface ForeignKey {
  child: string;
  parent: string;
  cols: string[];
  refcols: string[];
}

const ident = (name: string) => sql.raw(`"${name.replace(/"/g, '""')}"`);
const list = (names: string[], prefix = '') =>
  sql.raw(names.map((n) => `${prefix}"${n.replace(/"/g, '""')}"`).join(', '));

async function tables(db: Q): Promise<TableInfo[]> {
  const result = await sql<{
    name: string;
    pk: string[];
    columns: string[];
    identity_always: boolean;
    holds_files: boolean;
  }>`
    select c.relname as name,
      (select coalesce(json_agg(a.attname order by array_position(i.indkey::int2[], a.attnum)), '[]'::json)
         from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
        where i.indrelid = c.oid and i.indisprimary) as pk,
      (select json_agg(a.attname order by a.attnum) from pg_attribute a
        where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = '') as columns,
      exists (select 1 from pg_attribute a
        where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attidentity = 'a') as identity_always,
      exists (select 1 from pg_attribute a
        where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.atttypid = 'bytea'::regtype) as holds_files
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relkind in ('r', 'p') and not c.relispartition
      and c.relname <> 'schema_migration'
    order by c.relname`.execute(db);
  return result.rows.map((r) => ({
    name: r.name,
    pk: r.pk,
    columns: r.columns,
    identityAlways: r.identity_always,
    holdsFiles: r.holds_files,
  }));
}

async function foreignKeys(db: Q): Promise<ForeignKey[]> {
  const result = await sql<ForeignKey>`
    select ch.relname as child, pa.relname as parent,
      (select json_agg(a.attname order by k.i) from unnest(c.conkey) with ordinality k(attnum, i)
         join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum) as cols,
      (select json_agg(a.attname order by k.i) from unnest(c.confkey) with ordinality k(attnum, i)
         join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.attnum) as refcols
    from pg_constraint c
      join pg_class ch on ch.oid = c.conrelid
      join pg_class pa on pa.oid = c.confrelid
      join pg_namespace n on n.oid = ch.relnamespace
    where c.contype = 'f' and n.nspname = current_schema()`.execute(db);
  return result.rows;
}

/**
 * Parents before children (a topological sort, ties by name so the order is stable). Tables in a
 * foreign-key cycle, which the schema should not have, go last in name order: restore defers what
 * constraints it can, so deferrable cycles still restore.
 */
export function dependencyOrder(names: string[], fks: Pick<ForeignKey, 'child' | 'parent'>[]): string[] {
  const known = new Set(names);
  const parents = new Map(names.map((n) => [n, new Set<string>()]));
  for (const fk of fks) {
    if (fk.child !== fk.parent && known.has(fk.child) && known.has(fk.parent)) parents.get(fk.child)!.add(fk.parent);
  }
  const order: string[] = [];
  const placed = new Set<string>();
  for (;;) {
    const ready = names.filter((n) => !placed.has(n) && [...parents.get(n)!].every((p) => placed.has(p))).sort();
    if (ready.length === 0) break;
    for (const n of ready) {
      order.push(n);
      placed.add(n);
    }
  }
  return [...order, ...names.filter((n) => !placed.has(n)).sort()];
}

/**
 * The rows of one table as JSON text, in batches. Keyset pagination on the primary key; a table
 * that refers to itself is ordered by depth from its roots so that every parent row is restored
 * before its children (those, being small trees, are paged with OFFSET).
 */
async function* tableRows(db: Q, table: TableInfo, selfKeys: ForeignKey[]): AsyncGenerator<string[]> {
  const t = ident(table.name);
  if (table.pk.length === 0) {
    for (let offset = 0; ; offset += BATCH_ROWS) {
      const r = await sql<{ row: string }>`select to_jsonb(t)::text as row from ${t} t
        order by t::text limit ${BATCH_ROWS} offset ${offset}`.execute(db);
      if (r.rows.length) yield r.rows.map((x) => x.row);
      if (r.rows.length < BATCH_ROWS) return;
    }
  }
  const pk = list(table.pk);
  const tpk = list(table.pk, 't.');
  if (selfKeys.length) {
    const isRoot = sql.raw(
      selfKeys.map((fk) => `not (${fk.cols.map((c) => `t."${c}" is not null`).join(' and ')})`).join(' and '),
    );
    const joinsParent = sql.raw(
      selfKeys.map((fk) => `(${fk.cols.map((c, i) => `c."${c}" = w."${fk.refcols[i]}"`).join(' and ')})`).join(' or '),
    );
    const onDepth = sql.raw(table.pk.map((c) => `d."${c}" = t."${c}"`).join(' and '));
    for (let offset = 0; ; offset += BATCH_ROWS) {
      const r = await sql<{ row: string }>`
        with recursive walk as (
          select t.*, 0 as walk_depth from ${t} t where ${isRoot}
          union all
          select c.*, w.walk_depth + 1 from ${t} c join walk w on ${joinsParent} where w.walk_depth < 1000
        ), depth as (select ${pk}, max(walk_depth) as depth from walk group by ${pk})
        select to_jsonb(t)::text as row from ${t} t left join depth d on ${onDepth}
        order by coalesce(d.depth, 2147483647), ${tpk} limit ${BATCH_ROWS} offset ${offset}`.execute(db);
      if (r.rows.length) yield r.rows.map((x) => x.row);
      if (r.rows.length < BATCH_ROWS) return;
    }
  }
  // Keyset pagination: the next page starts after the last row's key, sent back alone (never a whole row, which
  // for a table of files would be the file).
  const batch = table.holdsFiles ? BATCH_ROWS_WITH_FILES : BATCH_ROWS;
  const key = sql.raw(
    `jsonb_build_object(${table.pk.map((c) => `'${c.replace(/'/g, "''")}', t."${c.replace(/"/g, '""')}"`).join(', ')})::text`,
  );
  let last: string | undefined;
  for (;;) {
    const after = last
      ? sql`where (${tpk}) > (select ${pk} from jsonb_populate_record(null::${t}, ${last}::jsonb))`
      : sql``;
    const r = await sql<{
      row: string;
      key: string;
    }>`select to_jsonb(t)::text as row, ${key} as key from ${t} t ${after}
      order by ${tpk} limit ${batch}`.execute(db);
    if (r.rows.length) yield r.rows.map((x) => x.row);
    if (r.rows.length < batch) return;
    last = r.rows.at(-1)!.key;
  }
}

async function count(db: Q, table: string): Promise<number> {
  const r = await sql<{ n: string }>`select count(*)::text as n from ${ident(table)}`.execute(db);
  return Number(r.rows[0]!.n);
}

async function sequences(db: Q): Promise<BackupHeader['sequences']> {
  const names = await sql<{ name: string }>`select c.relname as name from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    where c.relkind = 'S' and n.nspname = current_schema() order by c.relname`.execute(db);
  const out: BackupHeader['sequences'] = [];
  for (const { name } of names.rows) {
    const r = await sql<{ last_value: string; is_called: boolean }>`
      select last_value::text as last_value, is_called from ${ident(name)}`.execute(db);
    out.push({ name, lastValue: r.rows[0]!.last_value, isCalled: r.rows[0]!.is_called });
  }
  return out;
}

/**
 * Writes a consistent snapshot of every table (one repeatable-read, read-only transaction) to
 * `file`, readable only by its owner. The file appears under its name only once complete.
 */
export async function backupTo(db: Kysely<DB>, file: string): Promise<BackupSummary> {
  const partial = `${file}.partial`;
  const out = createWriteStream(partial, { mode: 0o600 });
  const gzip = createGzip();
  gzip.pipe(out);
  const write = async (line: string) => {
    if (!gzip.write(`${line}\n`)) await once(gzip, 'drain');
  };
  try {
    const summary = await db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (trx) => {
        await sql`set transaction read only`.execute(trx);
        const infos = await tables(trx);
        const fks = await foreignKeys(trx);
        const order = dependencyOrder(
          infos.map((t) => t.name),
          fks,
        );
        const header: BackupHeader = {
          format: BACKUP_FORMAT,
          version: BACKUP_VERSION,
          schemaVersion: await currentVersion(trx),
          createdAt: new Date().toISOString(),
          server: (await sql<{ v: string }>`select current_setting('server_version') as v`.execute(trx)).rows[0]!.v,
          tables: order,
          sequences: await sequences(trx),
        };
        await write(JSON.stringify(header));
        const counts: TableCount[] = [];
        for (const name of order) {
          const info = infos.find((t) => t.name === name)!;
          const rows = await count(trx, name);
          await write(JSON.stringify({ table: name, rows }));
          let written = 0;
          const selfKeys = fks.filter((fk) => fk.child === name && fk.parent === name);
          for await (const batch of tableRows(trx, info, selfKeys)) {
            for (const row of batch) await write(row);
            written += batch.length;
          }
          if (written !== rows) throw new Error(`${name}: counted ${rows} rows but read ${written}`);
          counts.push({ table: name, rows });
        }
        await write(JSON.stringify({ end: true, rows: Object.fromEntries(counts.map((c) => [c.table, c.rows])) }));
        return { schemaVersion: header.schemaVersion, createdAt: header.createdAt, tables: counts };
      });
    gzip.end();
    await finished(out);
    renameSync(partial, file);
    return summary;
  } catch (err) {
    gzip.destroy();
    out.destroy();
    rmSync(partial, { force: true });
    throw err;
  }
}

/** Tables that migrations fill with reference data: present in a new database, replaced by a restore. */
function referenceTables(): Set<string> {
  const names = new Set<string>();
  for (const m of listMigrations()) {
    for (const match of m.sql.matchAll(/\binsert\s+into\s+"?([a-z_][a-z0-9_]*)"?/gi))
      names.add(match[1]!.toLowerCase());
  }
  return names;
}

/** Reads a backup file line by line; every line but the row lines is parsed. */
class BackupReader {
  private readonly file: ReturnType<typeof createReadStream>;
  private readonly lines: AsyncIterator<string>;
  lineNo = 0;

  constructor(file: string) {
    this.file = createReadStream(file);
    const input = this.file.pipe(createGunzip());
    this.lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })[Symbol.asyncIterator]();
  }

  async next(): Promise<string | undefined> {
    let r: IteratorResult<string>;
    try {
      r = await this.lines.next();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (code.startsWith('Z_')) {
        throw new RestoreRefusedError(
          this.lineNo === 0
            ? 'The file is not an Early Help Hub backup (it is not gzip-compressed)'
            : 'The backup file is damaged or incomplete (its compressed data ends early or is corrupt)',
        );
      }
      throw err;
    }
    if (r.done) return undefined;
    this.lineNo++;
    return r.value;
  }

  async json<T>(what: string): Promise<T> {
    const line = await this.next();
    if (line === undefined) throw new RestoreRefusedError(`The backup file ends early: ${what} is missing`);
    try {
      return JSON.parse(line) as T;
    } catch {
      throw new RestoreRefusedError(`The backup file is damaged at line ${this.lineNo}: ${what} is not valid`);
    }
  }

  async close() {
    await this.lines.return?.();
    this.file.destroy();
  }
}

export interface RestoreSummary extends BackupSummary {
  auditChain: VerifyResult;
}

/**
 * Restores a backup into a database migrated to the backup's schema version and holding no data
 * (only the reference data its migrations inserted, which the backup's copy replaces). Everything
 * happens in one transaction: a refused or failed restore leaves the database as it was.
 */
export async function restoreFrom(db: Kysely<DB>, file: string): Promise<RestoreSummary> {
  if (!existsSync(file)) throw new RestoreRefusedError(`There is no backup file at ${file}`);
  const reader = new BackupReader(file);
  try {
    const header = await reader.json<BackupHeader>('the header');
    if (header?.format !== BACKUP_FORMAT || !Array.isArray(header.tables)) {
      throw new RestoreRefusedError(`${file} is not an Early Help Hub backup`);
    }
    if (header.version !== BACKUP_VERSION) {
      throw new RestoreRefusedError(`The backup is in format version ${header.version}; this release reads version 1`);
    }
    const version = await currentVersion(db);
    if (version !== header.schemaVersion) {
      throw new RestoreRefusedError(
        `The backup was made at schema version ${header.schemaVersion} but this database is at version ${version}. ` +
          'Restore it with the release that made it, into a new database, then upgrade.',
      );
    }
    const infos = await tables(db);
    const byName = new Map(infos.map((t) => [t.name, t]));
    const missing = header.tables.filter((t) => !byName.has(t));
    const extra = infos.map((t) => t.name).filter((t) => !header.tables.includes(t));
    if (missing.length || extra.length) {
      throw new RestoreRefusedError(
        `The backup's tables do not match this database's (${[...missing, ...extra].join(', ')}), although both are at schema version ${version}`,
      );
    }
    const reference = referenceTables();
    const counts = await db.transaction().execute(async (trx) => {
      await sql`set constraints all deferred`.execute(trx);
      const holding: string[] = [];
      for (const t of infos) {
        if (reference.has(t.name)) continue;
        const r = await sql<{ any: boolean }>`select exists (select 1 from ${ident(t.name)}) as any`.execute(trx);
        if (r.rows[0]!.any) holding.push(t.name);
      }
      if (holding.length) {
        throw new RestoreRefusedError(
          `This database already holds data (in ${holding.slice(0, 5).join(', ')}${holding.length > 5 ? ', …' : ''}). ` +
            'Restore only into a new, empty database: nothing has been changed.',
        );
      }
      for (const name of [...header.tables].reverse()) {
        if (reference.has(name)) await sql`delete from ${ident(name)}`.execute(trx);
      }
      const counts: TableCount[] = [];
      for (const expected of header.tables) {
        const section = await reader.json<{ table?: string; rows?: number }>(`the start of table ${expected}`);
        if (section.table !== expected || typeof section.rows !== 'number') {
          throw new RestoreRefusedError(
            `The backup file is damaged at line ${reader.lineNo}: expected table ${expected}`,
          );
        }
        const info = byName.get(expected)!;
        const insert = (rows: string[]) => {
          const cols = list(info.columns);
          const overriding = info.identityAlways ? sql`overriding system value` : sql``;
          return sql`insert into ${ident(expected)} (${cols}) ${overriding}
            select ${cols} from jsonb_populate_recordset(null::${ident(expected)}, ${`[${rows.join(',')}]`}::jsonb)`.execute(
            trx,
          );
        };
        let batch: string[] = [];
        let bytes = 0;
        for (let i = 0; i < section.rows; i++) {
          const row = await reader.next();
          if (row === undefined) throw new RestoreRefusedError(`The backup file ends early, in table ${expected}`);
          batch.push(row);
          bytes += row.length;
          if (batch.length >= BATCH_ROWS || bytes >= BATCH_BYTES) {
            await insert(batch);
            batch = [];
            bytes = 0;
          }
        }
        if (batch.length) await insert(batch);
        const restored = await count(trx, expected);
        if (restored !== section.rows) {
          throw new Error(`${expected}: the backup holds ${section.rows} rows but ${restored} were restored`);
        }
        counts.push({ table: expected, rows: restored });
      }
      const trailer = await reader.json<{ end?: boolean; rows?: Record<string, number> }>('the end marker');
      if (trailer.end !== true || counts.some((c) => trailer.rows?.[c.table] !== c.rows)) {
        throw new RestoreRefusedError('The backup file is damaged: its end marker does not match its contents');
      }
      for (const s of header.sequences ?? []) {
        const quoted = `"${s.name.replace(/"/g, '""')}"`;
        await sql`select setval(${quoted}::text::regclass, ${s.lastValue}::bigint, ${s.isCalled})`.execute(trx);
      }
      return counts;
    });
    return {
      schemaVersion: header.schemaVersion,
      createdAt: header.createdAt,
      tables: counts,
      auditChain: await verifyAuditChain(db),
    };
  } finally {
    await reader.close();
  }
}

/** Row counts as an aligned table for the command line. */
export function formatCounts(tables: TableCount[]): string {
  const width = Math.max(5, ...tables.map((t) => t.table.length));
  const total = tables.reduce((sum, t) => sum + t.rows, 0);
  return [
    ...tables.map((t) => `  ${t.table.padEnd(width)}  ${String(t.rows).padStart(10)}`),
    `  ${'total'.padEnd(width)}  ${String(total).padStart(10)}`,
  ].join('\n');
}
