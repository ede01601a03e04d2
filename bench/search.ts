/**
 * Child index search at scale: latency and recall of queries with one or more errors, and what the app adds over the SQL.
 *
 *   node --import tsx bench/search.ts --engine pglite --people 1000000
 *   node --import tsx bench/search.ts --engine postgres --people 1000000 [--url postgres://…]
 *   node --import tsx bench/search.ts --engine pglite --people 1000000 --errors 2
 *
 * Loads a synthetic population of children (bench/lib/population.ts) into a fresh database with the same search
 * keys and match records the product writes, then runs queries a practitioner might type, each with one error
 * (bench/lib/queries.ts; `--errors 2` or 3 gives each query that many errors of different kinds at once), through the
 * product's own search function. Reports p50/p95/p99 latency and recall@1/@10,
 * overall and by kind of error; then, for a sample, the bare candidate SQL and the whole request through the JSON
 * API (HTTP, bearer token, audit), and their ratio. `--data-dir DIR` keeps a PGlite database to reuse next time.
 * Without --url, a temporary PostgreSQL server is started with initdb/pg_ctl (removed afterwards).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../src/app.ts';
import { parseOptions } from '../src/cli/index.ts';
import { loadConfig } from '../src/config.ts';
import { type Database, openDatabase, openPGlite } from '../src/db/connection.ts';
import { migrate } from '../src/db/migrator.ts';
import { TokenService } from '../src/features/api/service.ts';
import { type MatchVariant, matchKeysOf } from '../src/features/people/match-data.ts';
import { candidates } from '../src/features/people/match-repository.ts';
import {
  hashedKeys,
  INDEX_KEY_VERSION,
  keyArrayLiteral,
  queryKeyTiers,
} from '../src/features/people/matching/index-keys.ts';
import { modelWith, queryRecord, searchCoder, searchIndex } from '../src/features/people/search.ts';
import { createOrganisation, createUser } from '../test/support/factories.ts';
import { startPostgres } from '../test/support/postgres-server.ts';
import { type Child, generateChildren } from './lib/population.ts';
import { type BenchQuery, multiErrorQueries } from './lib/queries.ts';

const { strings } = parseOptions(process.argv.slice(2), {
  strings: ['engine', 'people', 'queries', 'api-queries', 'data-dir', 'url', 'seed', 'errors'],
});
const engine = strings.engine === 'postgres' ? 'postgres' : 'pglite';
const people = Number(strings.people ?? 100_000);
const queryCount = Number(strings.queries ?? 2000);
const apiCount = Number(strings['api-queries'] ?? 300);
const seed = Number(strings.seed ?? 1);
const errors = Math.max(1, Math.min(3, Number(strings.errors ?? 1)));
const today = new Date('2026-01-01T12:00:00Z');
const model = modelWith({ match: 16, possible: 8 });
const coder = searchCoder();

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const ms = (x: number) => x.toFixed(1);

// ---- The database -----------------------------------------------------------------------------------------

let database: Database;
let cleanup = async () => {};
let dataDir: string | undefined;
if (engine === 'pglite') {
  dataDir = strings['data-dir'] ?? mkdtempSync(join(tmpdir(), 'ehh-search-'));
  mkdirSync(dataDir, { recursive: true });
  database = await openPGlite(join(dataDir, 'pglite'));
  if (!strings['data-dir']) cleanup = async () => rmSync(dataDir!, { recursive: true, force: true });
} else {
  let url = strings.url ?? process.env.BENCH_DATABASE_URL;
  if (!url) {
    const server = await startPostgres();
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query('create database ehh_search_bench');
    await admin.end();
    const u = new URL(server.url);
    u.pathname = '/ehh_search_bench';
    url = u.toString();
    cleanup = async () => server.stop();
  }
  database = await openDatabase({ kind: 'postgres', url });
}
const db = database.db;
await migrate(db);

function variantOf(c: Child): MatchVariant {
  return {
    g: c.middleName ? `${c.givenName} ${c.middleName}` : c.givenName,
    f: c.familyName,
    d: `${Math.floor(c.dob / 10000)}-${String(Math.floor(c.dob / 100) % 100).padStart(2, '0')}-${String(c.dob % 100).padStart(2, '0')}`,
    s: c.sex,
    p: c.postcode,
    a: c.address,
    n: c.nhsNumber,
    ...(c.upn ? { u: c.upn } : {}),
    i: [c.laId],
  };
}

// The population is made and loaded in chunks, so that 12 million children never sit in memory at once; a
// sample of them is kept to make the queries from.
const CHUNK = 500_000;
const existing = Number((await sql<{ n: number }>`select count(*)::int as n from person`.execute(db)).rows[0]?.n ?? 0);
const load = existing !== people;
let loadSeconds = 0;
let indexSeconds = 0;
if (load) {
  if (existing) await sql`truncate person cascade`.execute(db);
  // Loading is faster with the index built once at the end, as a council's first bulk load would do.
  await sql`drop index if exists person_match_keys`.execute(db);
}
const sampleEvery = Math.max(1, Math.floor(people / (queryCount * 4)));
const sampled: Child[] = [];
const started = performance.now();
for (let first = 0; first < people; first += CHUNK) {
  const children = generateChildren(Math.min(CHUNK, people - first), seed + first / CHUNK, first);
  for (let k = 0; k < children.length; k += sampleEvery) sampled.push(children[k]!);
  if (!load) continue;
  for (let i = 0; i < children.length; i += 2000) {
    const rows = children.slice(i, i + 2000).map((c) => {
      const v = variantOf(c);
      return {
        given_name: c.givenName,
        middle_names: c.middleName,
        family_name: c.familyName,
        date_of_birth: v.d,
        sex: c.sex,
        nhs_number: c.nhsNumber,
        upn: c.upn,
        la_child_id: c.laId,
        match_keys: keyArrayLiteral(matchKeysOf([v], coder)),
        match_record: JSON.stringify([v]),
      };
    });
    await sql`insert into person (kind, given_name, middle_names, family_name, date_of_birth, sex, nhs_number, upn,
                                  la_child_id, match_keys, match_record, match_version, is_demo, updated_at)
              select 'child', r.given_name, r.middle_names, r.family_name, r.date_of_birth::date, r.sex, r.nhs_number,
                     r.upn, r.la_child_id, r.match_keys::bigint[], r.match_record::json, ${INDEX_KEY_VERSION}, true, now()
                from json_to_recordset(${JSON.stringify(rows)}::json) as r(given_name text, middle_names text,
                     family_name text, date_of_birth text, sex text, nhs_number text, upn text, la_child_id text,
                     match_keys text, match_record text)`.execute(db);
  }
  process.stderr.write(`loaded ${(first + children.length).toLocaleString('en-GB')}\n`);
}
if (load) {
  loadSeconds = (performance.now() - started) / 1000;
  const ti = performance.now();
  // As a DBA would for a first bulk load: memory for the index build (PGlite runs in 32-bit WebAssembly, so less).
  await db.transaction().execute(async (trx) => {
    await sql.raw(`set local maintenance_work_mem = '${engine === 'pglite' ? '256MB' : '1GB'}'`).execute(trx);
    await sql`create index person_match_keys on person using gin (match_keys)`.execute(trx);
  });
  await sql`analyze person`.execute(db);
  indexSeconds = (performance.now() - ti) / 1000;
}
const size = await sql<{ table: string; index: string }>`
  select pg_size_pretty(pg_table_size('person')) as table, pg_size_pretty(pg_relation_size('person_match_keys')) as index`.execute(
  db,
);

// ---- Queries ----------------------------------------------------------------------------------------------

const ids = new Map<number, string>();
for (let i = 0; i < sampled.length; i += 5000) {
  const batch = sampled.slice(i, i + 5000);
  const rows = await sql<{ id: string; nhs_number: string }>`
    select id, nhs_number from person where nhs_number = any(${`{${batch.map((c) => c.nhsNumber).join(',')}}`}::text[])`.execute(
    db,
  );
  const byNhs = new Map(rows.rows.map((r) => [r.nhs_number, r.id]));
  for (const c of batch) ids.set(c.entity, byNhs.get(c.nhsNumber)!);
}
const queries = multiErrorQueries(sampled, queryCount, seed + 100, errors);

async function runSearch(q: BenchQuery) {
  const t = performance.now();
  const r = await searchIndex(db, q.criteria, model, today, { limit: 50 });
  const elapsed = performance.now() - t;
  const rank = r.hits.findIndex((h) => h.id === ids.get(q.entity));
  // Other children who score exactly as the right one does cannot be told apart by what the query says (twenty
  // Smiths born on one day, for a query without a first name): "tied" counts the right child as found when it
  // scores at least as well as the tenth result.
  const tenth = r.hits[Math.min(9, r.hits.length - 1)]?.score ?? Number.POSITIVE_INFINITY;
  const tied = rank >= 0 && (rank < 10 || r.hits[rank]!.score >= tenth);
  return { elapsed, rank, tied, considered: r.considered };
}

for (const q of queries.slice(0, 50)) await runSearch(q); // warm the caches
const results = [] as { kind: string; elapsed: number; rank: number; tied: boolean; considered: number }[];
for (const q of queries) results.push({ kind: q.kind, ...(await runSearch(q)) });

function summary(rows: typeof results) {
  const lat = rows.map((r) => r.elapsed);
  return {
    n: rows.length,
    p50: pct(lat, 50),
    p95: pct(lat, 95),
    p99: pct(lat, 99),
    recall1: rows.filter((r) => r.rank === 0).length / rows.length,
    recall10: rows.filter((r) => r.rank >= 0 && r.rank < 10).length / rows.length,
    recall10Ties: rows.filter((r) => r.tied).length / rows.length,
    candidates: pct(
      rows.map((r) => r.considered),
      50,
    ),
  };
}

// ---- The bare SQL and the whole request through the API ----------------------------------------------------

const sample = queries.slice(0, apiCount);
const sqlTimes: number[] = [];
for (const q of sample) {
  const keys = hashedKeys(queryKeyTiers(queryRecord(q.criteria), coder).narrow);
  const t = performance.now();
  await candidates(db, { keys, kind: 'child', limit: 501 });
  sqlTimes.push(performance.now() - t);
}

const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SEED_DEMO: 'false' });
const app = await buildApp({ config, database });
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const org = await createOrganisation(db, { name: `Bench school ${Date.now()}` });
const user = await createUser(db, { roles: ['practitioner'], organisationId: org.id });
const { token } = await new TokenService(db, { now: () => new Date() }).createForEmail(
  user.email,
  { name: 'bench', expiresInDays: null },
  { requestId: 'bench', clientIp: '127.0.0.1' },
);
const apiTimes: number[] = [];
const callApi = async (q: BenchQuery) => {
  const t = performance.now();
  const res = await fetch(`${base}/api/v1/people/search`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...q.criteria, limit: 10 }),
  });
  await res.json();
  if (res.status !== 200) throw new Error(`API answered ${res.status}`);
  return performance.now() - t;
};
for (const q of sample.slice(0, 20)) await callApi(q);
for (const q of sample) apiTimes.push(await callApi(q));
await app.close();

// ---- Report -----------------------------------------------------------------------------------------------

const all = summary(results);
// With more than one error, queries are grouped by the first (each kind comes first equally often).
const firstKind = (k: string) => (errors === 1 ? k : `${k.split(' + ')[0]} + …`);
const kinds = [...new Set(results.map((r) => firstKind(r.kind)))].sort();
console.log(
  `Child index search, ${engine === 'pglite' ? 'embedded PGlite' : 'PostgreSQL'}, ${people.toLocaleString('en-GB')} children ` +
    `(${cpus().length} CPUs, ${Math.round(totalmem() / 2 ** 30)} GB). Table ${size.rows[0]!.table}, search-key index ${size.rows[0]!.index}.`,
);
if (loadSeconds) {
  console.log(`Generated and loaded in ${loadSeconds.toFixed(1)} s; key index built in ${indexSeconds.toFixed(1)} s.`);
}
console.log(
  `\n${queries.length.toLocaleString('en-GB')} ${errors === 1 ? 'single-error' : `${errors}-error`} queries through the search service (keys, SQL, scoring):\n`,
);
console.log(
  '| queries | n | p50 ms | p95 ms | p99 ms | recall@1 % | recall@10 % | recall@10 with ties % | median candidates |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
const line = (label: string, s: ReturnType<typeof summary>) =>
  console.log(
    `| ${label} | ${s.n} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.p99)} | ${(s.recall1 * 100).toFixed(1)} | ${(s.recall10 * 100).toFixed(1)} | ${(s.recall10Ties * 100).toFixed(1)} | ${s.candidates} |`,
  );
line('**all**', all);
for (const k of kinds) line(k, summary(results.filter((r) => firstKind(r.kind) === k)));
const ratio = pct(apiTimes, 50) / pct(sqlTimes, 50);
console.log(`\n${sample.length} of the queries, one at a time:\n`);
console.log('| measure | p50 ms | p95 ms |\n|---|---|---|');
console.log(`| candidate SQL alone (the narrow-key lookup) | ${ms(pct(sqlTimes, 50))} | ${ms(pct(sqlTimes, 95))} |`);
console.log(
  `| JSON API end to end (HTTP, token, keys, SQL, scoring, audit) | ${ms(pct(apiTimes, 50))} | ${ms(pct(apiTimes, 95))} |`,
);
console.log(`| ratio of medians, API / SQL | ${ratio.toFixed(2)} | |`);
console.log(
  JSON.stringify({
    bench: 'search',
    engine,
    people,
    table: size.rows[0]!.table,
    index: size.rows[0]!.index,
    loadSeconds,
    indexSeconds,
    all,
    errors,
    byKind: Object.fromEntries(kinds.map((k) => [k, summary(results.filter((r) => firstKind(r.kind) === k))])),
    sql: { p50: pct(sqlTimes, 50), p95: pct(sqlTimes, 95) },
    api: { p50: pct(apiTimes, 50), p95: pct(apiTimes, 95) },
    ratio,
  }),
);
await database.close();
await cleanup();
if (dataDir && strings['data-dir'] && !existsSync(dataDir)) process.exitCode = 1;
