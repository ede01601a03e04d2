/**
 * Durable jobs: throughput (jobs/s draining a queue) and latency (enqueue to the end of the handler, with the runners
 * polling and jobs arriving one every --gap-ms) with one and with two runners, on the embedded engine and on
 * PostgreSQL (a throwaway server is started when the PostgreSQL binaries are found, or pass --url). Each job inserts
 * one row, in the transaction that marks it done. Two runners here are two JobRunners in one process, each with its
 * own worker id (and, on PostgreSQL, its own connections from the pool), as two instances would be.
 *   node --import tsx bench/jobs.ts [--jobs 300] [--latency-jobs 60] [--gap-ms 50] [--poll-ms 100] [--url postgres://…]
 */
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { type Database, openDatabase, openPGlite } from '../src/db/connection.ts';
import { migrate } from '../src/db/migrator.ts';
import { systemClock } from '../src/platform/clock.ts';
import { enqueueJob, JobRunner } from '../src/platform/jobs.ts';
import { findPgBin, type PgServer, startPostgres } from '../test/support/postgres-server.ts';

const { values: args } = parseArgs({
  options: {
    jobs: { type: 'string', default: '300' },
    'latency-jobs': { type: 'string', default: '60' },
    'poll-ms': { type: 'string', default: '100' },
    'gap-ms': { type: 'string', default: '50' },
    url: { type: 'string' },
  },
});
const JOBS = Number(args.jobs);
const LATENCY_JOBS = Number(args['latency-jobs']);
const POLL_MS = Number(args['poll-ms']);
const GAP_MS = Number(args['gap-ms']);

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((s.length - 1) * p))]!;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function runners(database: Database, n: number, onDone: (k: number) => void = () => {}) {
  return Array.from({ length: n }, () =>
    new JobRunner(database.db, systemClock, { pollIntervalMs: POLL_MS, batchSize: 10 }).register<{ k: number }>(
      'bench.effect',
      async ({ trx, payload }) => {
        await sql`insert into bench_effect (k) values (${payload.k})`.execute(trx);
        onDone(payload.k);
      },
    ),
  );
}

async function reset(database: Database) {
  await sql`create table if not exists bench_effect (k integer not null)`.execute(database.db);
  await sql`delete from bench_effect`.execute(database.db);
  await database.db.deleteFrom('job').execute();
}

async function throughput(database: Database, n: number): Promise<number> {
  await reset(database);
  await database.db.transaction().execute(async (trx) => {
    for (let k = 0; k < JOBS; k++) await enqueueJob(trx, 'bench.effect', { k });
  });
  const started = performance.now();
  const now = new Date(Date.now() + 1000);
  await Promise.all(runners(database, n).map((r) => r.runDue(now)));
  const seconds = (performance.now() - started) / 1000;
  const done = (await sql<{ n: number }>`select count(*)::int as n from bench_effect`.execute(database.db)).rows[0]!.n;
  if (done !== JOBS) throw new Error(`expected ${JOBS} effects, found ${done}`);
  return JOBS / seconds;
}

async function latency(database: Database, n: number): Promise<{ median: number; p95: number; worst: number }> {
  await reset(database);
  const enqueued = new Map<number, number>();
  const took: number[] = [];
  const rs = runners(database, n, (k) => took.push(performance.now() - enqueued.get(k)!));
  for (const r of rs) r.start();
  for (let k = 0; k < LATENCY_JOBS; k++) {
    enqueued.set(k, performance.now());
    await enqueueJob(database.db, 'bench.effect', { k });
    await sleep(GAP_MS);
  }
  for (let i = 0; i < 500 && took.length < LATENCY_JOBS; i++) await sleep(20);
  await Promise.all(rs.map((r) => r.stop()));
  if (took.length !== LATENCY_JOBS) throw new Error(`only ${took.length} of ${LATENCY_JOBS} jobs ran`);
  return { median: percentile(took, 0.5), p95: percentile(took, 0.95), worst: Math.max(...took) };
}

const rows: string[] = [];
async function measure(label: string, database: Database) {
  await migrate(database.db);
  for (const n of [1, 2]) {
    const rate = await throughput(database, n);
    const l = await latency(database, n);
    rows.push(
      `| ${label} | ${n} | ${Math.round(rate)} | ${l.median.toFixed(0)} | ${l.p95.toFixed(0)} | ${l.worst.toFixed(0)} |`,
    );
    console.error(rows.at(-1));
  }
}

const lite = await openPGlite(undefined);
await measure('PGlite (in memory)', lite);
await lite.close();

let server: PgServer | undefined;
let url = args.url;
if (!url && findPgBin()) {
  server = await startPostgres();
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query('create database bench_jobs');
  await admin.end();
  const u = new URL(server.url);
  u.pathname = '/bench_jobs';
  url = u.toString();
}
if (url) {
  const database = await openDatabase({ kind: 'postgres', url });
  await measure('PostgreSQL', database);
  await database.close();
}
await server?.stop();

console.log(
  `${JOBS} jobs drained for throughput; ${LATENCY_JOBS} jobs enqueued ${GAP_MS} ms apart for latency, runners polling every ${POLL_MS} ms.`,
);
console.log('| engine | runners | throughput (jobs/s) | latency median (ms) | p95 (ms) | worst (ms) |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
