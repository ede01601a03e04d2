import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { type Kysely, type KyselyPlugin, sql } from 'kysely';
import type { Database } from '../../src/db/connection.ts';
import type { DB } from '../../src/db/schema.ts';
import { recordAudit, verifyAuditChain } from '../../src/platform/audit.ts';
import { type BackupHeader, backupTo, RestoreRefusedError, restoreFrom } from '../../src/platform/backup.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { enqueueJob, JobRunner } from '../../src/platform/jobs.ts';
import { TestClient } from '../support/client.ts';
import { createOrganisation, createUser } from '../support/factories.ts';
import { freshDatabase, startTestApp, type TestApp } from '../support/harness.ts';
import { createPerson } from '../support/people.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const withPostgres = Boolean(process.env.TEST_DATABASE_URL);

/** Rows per table, from the catalogue, so the comparison covers tables added after this test was written. */
async function rowCounts(db: Kysely<DB>): Promise<Record<string, number>> {
  const names = await sql<{ name: string }>`select c.relname as name from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = current_schema() and c.relkind in ('r', 'p') and c.relname <> 'schema_migration'
    order by 1`.execute(db);
  const counts: Record<string, number> = {};
  for (const { name } of names.rows) {
    const r = await sql<{ n: string }>`select count(*)::text as n from ${sql.raw(`"${name}"`)}`.execute(db);
    counts[name] = Number(r.rows[0]!.n);
  }
  return counts;
}

/** Each attachment's stored checksum and the checksum of the bytes actually held, by id. */
async function attachmentChecksums(db: Kysely<DB>): Promise<{ id: string; stored: string; actual: string }[]> {
  const rows = await db.selectFrom('attachment').select(['id', 'sha256', 'content']).orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    stored: r.sha256,
    actual: createHash('sha256').update(r.content).digest('hex'),
  }));
}

/** Runs the real command line against a database named by environment variables. */
function cli(args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/early-help'), ...args], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: '', ...env },
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += String(d);
    });
    child.stderr.on('data', (d) => {
      out += String(d);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

describe('backup and restore', () => {
  let source: TestApp;
  let dir: string;
  let file: string;
  let sourceCounts: Record<string, number>;
  let sourceFiles: { id: string; stored: string; actual: string }[];
  const opened: Database[] = [];

  async function fresh(engine: 'pglite' | 'postgres') {
    const database = await freshDatabase(engine);
    opened.push(database);
    return database;
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ehh-backup-'));
    file = join(dir, 'backup.ndjson.gz');
    source = await startTestApp('pglite');
    const db = source.database.db;
    const org = await createOrganisation(db, { name: 'Northbrook Primary School' });
    const user = await createUser(db, { organisationId: org.id, name: 'Amara Backupworth', roles: ['manager'] });
    await createUser(db, { organisationId: org.id, roles: ['practitioner'] });
    // A child row whose key sorts before its parent's: restore must still put the parent first.
    await db
      .insertInto('area')
      .values({ id: 'ffffffff-0000-4000-8000-000000000001', name: 'Riverside', kind: 'area', parent_id: null })
      .execute();
    await db
      .insertInto('area')
      .values({
        id: '00000000-0000-4000-8000-000000000002',
        name: 'Riverside North',
        kind: 'cluster',
        parent_id: 'ffffffff-0000-4000-8000-000000000001',
      })
      .execute();
    const client = new TestClient(source.app, source.clock);
    assert.equal((await client.signIn(user)).headers.location, '/');
    assert.equal((await client.get('/')).statusCode, 200);
    await client.post('/sign-out', {});
    // Text that JSON must escape, and an audit detail with nested keys in no particular order.
    await db.transaction().execute((trx) =>
      recordAudit(
        trx,
        { actor: null, at: new Date('2024-05-06T07:08:09.123Z') },
        {
          action: 'test.note',
          reason: 'line one\nline "two" \\ ünïcödé',
          details: { z: 1, a: { y: [1, 2], b: null } },
        },
      ),
    );
    // Attachments: every byte value, and one file whose backup line is larger than a restore batch.
    const child = await createPerson(db, {
      givenName: 'Ottilie',
      familyName: 'Backupworth',
      dateOfBirth: '2017-02-03',
    });
    const allBytes = Buffer.from(Array.from({ length: 256 * 4 }, (_, i) => i % 256));
    for (const content of [allBytes, randomBytes(Math.round(2.2 * 1024 * 1024))]) {
      await db
        .insertInto('attachment')
        .values({
          owner_kind: 'person',
          owner_id: child,
          person_id: child,
          organisation_id: org.id,
          uploaded_by: user.id,
          file_name: 'scan.pdf',
          media_type: 'application/pdf',
          extension: 'pdf',
          size_bytes: content.length,
          sha256: createHash('sha256').update(content).digest('hex'),
          description: 'A letter',
          content,
          created_at: new Date(),
        })
        .execute();
    }
    sourceFiles = await attachmentChecksums(db);
    assert.equal(sourceFiles.length, 2);
    // A job still waiting to run: restored, it runs.
    await enqueueJob(db, 'test.after-restore', { n: 7 }, { runAt: new Date('2026-12-07T10:00:00Z') });
    sourceCounts = await rowCounts(db);
    assert.ok(sourceCounts.audit_event! >= 4, 'the sign-in wrote audit events');
    const summary = await backupTo(db, file);
    assert.equal(summary.tables.find((t) => t.table === 'app_user')?.rows, 2);
  });

  after(async () => {
    for (const d of opened) await d.close();
    await source?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the file is gzip NDJSON: header, tables parents-first, rows, and an end marker', () => {
    const lines = gunzipSync(readFileSync(file)).toString('utf8').trimEnd().split('\n');
    const header = JSON.parse(lines[0]!) as BackupHeader;
    assert.equal(header.format, 'early-help-backup');
    assert.equal(header.version, 1);
    assert.ok(header.schemaVersion >= 1);
    assert.ok(!header.tables.includes('schema_migration'));
    const at = (t: string) => header.tables.indexOf(t);
    assert.ok(at('organisation') < at('app_user') && at('app_user') < at('user_role') && at('area') < at('team'));
    const end = JSON.parse(lines.at(-1)!);
    assert.equal(end.end, true);
    assert.deepEqual(end.rows, sourceCounts);
    const areaStart = lines.indexOf('{"table":"area","rows":2}');
    const areas = lines.slice(areaStart + 1, areaStart + 3).map((l) => JSON.parse(l).name);
    assert.deepEqual(areas, ['Riverside', 'Riverside North']);
  });

  test('restores into a fresh embedded database with the same rows, a verified audit chain and working sequences', async () => {
    const target = await fresh('pglite');
    const result = await restoreFrom(target.db, file);
    assert.deepEqual(await rowCounts(target.db), sourceCounts);
    assert.deepEqual(result.auditChain, { ok: true, checked: sourceCounts.audit_event });
    const files = await attachmentChecksums(target.db);
    assert.deepEqual(files, sourceFiles, 'attachments restore byte for byte');
    assert.ok(files.every((f) => f.stored === f.actual));
    const note = await target.db
      .selectFrom('audit_event')
      .select(['reason', 'occurred_at'])
      .where('action', '=', 'test.note')
      .executeTakeFirstOrThrow();
    assert.equal(note.reason, 'line one\nline "two" \\ ünïcödé');
    // The identity sequence continues after the restored ids, so the chain keeps growing.
    await target.db
      .transaction()
      .execute((trx) => recordAudit(trx, { actor: null, at: new Date() }, { action: 'after' }));
    assert.deepEqual(await verifyAuditChain(target.db), { ok: true, checked: sourceCounts.audit_event! + 1 });
  });

  test('waiting jobs are in the backup and run after a restore', async () => {
    const target = await fresh('pglite');
    await restoreFrom(target.db, file);
    const ran: unknown[] = [];
    const runner = new JobRunner(target.db, systemClock).register('test.after-restore', async ({ payload }) => {
      ran.push(payload);
    });
    assert.equal((await runner.runDue(new Date('2026-12-07T10:00:00Z'))).done, 1);
    assert.deepEqual(ran, [{ n: 7 }]);
  });

  test('restores into PostgreSQL, and a backup from PostgreSQL restores into the embedded database', {
    skip: withPostgres ? false : 'TEST_DATABASE_URL is not set',
  }, async () => {
    const pg = await fresh('postgres');
    const result = await restoreFrom(pg.db, file);
    assert.equal(result.auditChain.ok, true);
    assert.deepEqual(await rowCounts(pg.db), sourceCounts);
    assert.deepEqual(await attachmentChecksums(pg.db), sourceFiles, 'attachments restore byte for byte');
    await pg.db.transaction().execute((trx) => recordAudit(trx, { actor: null, at: new Date() }, { action: 'on-pg' }));

    const back = join(dir, 'from-postgres.ndjson.gz');
    await backupTo(pg.db, back);
    const lite = await fresh('pglite');
    const again = await restoreFrom(lite.db, back);
    assert.deepEqual(again.auditChain, { ok: true, checked: sourceCounts.audit_event! + 1 });
    assert.deepEqual(await rowCounts(lite.db), await rowCounts(pg.db));
    assert.deepEqual(await attachmentChecksums(lite.db), sourceFiles, 'and back again');
  });

  test('a table of files is read one row at a time, each key sent back without its content', async () => {
    // Files can be many megabytes each: a thousand-row batch of them would not fit in memory.
    const seen: { rows: number; files: number }[] = [];
    const watch: KyselyPlugin = {
      transformQuery: (args) => args.node,
      transformResult: async (args) => {
        const rows = args.result.rows as { row?: string }[];
        const files = rows.filter((r) => typeof r.row === 'string' && r.row.includes('"sha256"')).length;
        if (files) seen.push({ rows: rows.length, files });
        return args.result;
      },
    };
    const copy = join(dir, 'watched.ndjson.gz');
    await backupTo(source.database.db.withPlugin(watch), copy);
    assert.ok(
      seen.every((s) => s.rows === 1),
      `rows per read: ${seen.map((s) => s.rows).join(', ')}`,
    );
    assert.equal(seen.length, 2, 'each attachment was read on its own');
    const lines = gunzipSync(readFileSync(copy)).toString('utf8').trimEnd().split('\n');
    const start = lines.indexOf('{"table":"attachment","rows":2}');
    assert.ok(start > 0);
    assert.deepEqual(
      lines.slice(start + 1, start + 3).map((l) => JSON.parse(l).sha256),
      sourceFiles.map((f) => f.stored),
    );
  });

  test('refuses a database that already holds data, and changes nothing', async () => {
    const before = await rowCounts(source.database.db);
    await assert.rejects(restoreFrom(source.database.db, file), (err: Error) => {
      assert.ok(err instanceof RestoreRefusedError);
      assert.match(err.message, /already holds data \(in .*app_user/);
      return true;
    });
    assert.deepEqual(await rowCounts(source.database.db), before);
  });

  test('refuses a file that is not a backup or is cut short, and a database at another schema version', async () => {
    const target = await fresh('pglite');
    const empty = await rowCounts(target.db);
    const notBackup = join(dir, 'not-a-backup.txt');
    writeFileSync(notBackup, 'name,date of birth\n');
    await assert.rejects(restoreFrom(target.db, notBackup), RestoreRefusedError);
    const whole = readFileSync(file);
    const cut = join(dir, 'cut.ndjson.gz');
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.8)));
    await assert.rejects(restoreFrom(target.db, cut), RestoreRefusedError);
    assert.deepEqual(await rowCounts(target.db), empty);
    await target.db.insertInto('schema_migration').values({ version: 9999, name: 'later' }).execute();
    await assert.rejects(
      restoreFrom(target.db, file),
      /made at schema version \d+ but this database is at version 9999/,
    );
  });

  test('the early-help backup and restore commands', async () => {
    const env = { DATA_DIR: join(dir, 'cli-data') };
    const restored = await cli(['restore', file], env);
    assert.equal(restored.code, 0, restored.out);
    assert.match(restored.out, /app_user\s+2\n/);
    assert.match(restored.out, /Audit trail verified/);
    const again = await cli(['restore', file], env);
    assert.equal(again.code, 3);
    assert.match(again.out, /Restore refused: This database already holds data/);
    const copy = join(dir, 'cli-copy.ndjson.gz');
    const backed = await cli(['backup', copy], env);
    assert.equal(backed.code, 0, backed.out);
    assert.match(backed.out, /Backed up embedded PGlite/);
    const refused = await cli(['backup', copy], env);
    assert.equal(refused.code, 1);
    assert.match(refused.out, /already exists/);
  });
});
