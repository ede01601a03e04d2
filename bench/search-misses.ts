/**
 * Which queries the child index search misses, and why: for each query whose child is not in the top ten, the
 * tier the search reached, how many of the query's keys the child shares in each tier, how many people share any
 * of that tier's keys, and the child's score against the tenth result's.
 *
 *   node --import tsx bench/search-misses.ts --data-dir /tmp/ehh-1m --people 1000000 --errors 2
 *
 * Uses a PGlite database made by bench/search.ts with the same --people and --seed (it never loads one).
 */
import { join } from 'node:path';
import { sql } from 'kysely';
import { parseOptions } from '../src/cli/index.ts';
import { openPGlite } from '../src/db/connection.ts';
import { hashedKeys, queryKeyTiers } from '../src/features/people/matching/index-keys.ts';
import { modelWith, queryRecord, searchCoder, searchIndex } from '../src/features/people/search.ts';
import { type Child, generateChildren } from './lib/population.ts';
import { multiErrorQueries } from './lib/queries.ts';

const { strings } = parseOptions(process.argv.slice(2), {
  strings: ['people', 'queries', 'data-dir', 'seed', 'errors', 'only'],
});
const people = Number(strings.people ?? 1_000_000);
const queryCount = Number(strings.queries ?? 2000);
const seed = Number(strings.seed ?? 1);
const errors = Math.max(1, Math.min(3, Number(strings.errors ?? 2)));
const only = strings.only;
const today = new Date('2026-01-01T12:00:00Z');
const model = modelWith({ match: 16, possible: 8 });
const coder = searchCoder();

const database = await openPGlite(join(strings['data-dir'] ?? '/tmp/ehh-1m', 'pglite'));
// Statements each search sends (one per tier of keys it looks up).
let sent = 0;
const db = database.db.withPlugin({
  transformQuery: (args) => {
    sent++;
    return args.node;
  },
  transformResult: async (args) => args.result,
});
const CHUNK = 500_000;
const sampleEvery = Math.max(1, Math.floor(people / (queryCount * 4)));
const sampled: Child[] = [];
for (let first = 0; first < people; first += CHUNK) {
  const children = generateChildren(Math.min(CHUNK, people - first), seed + first / CHUNK, first);
  for (let k = 0; k < children.length; k += sampleEvery) sampled.push(children[k]!);
}
const byNhs = new Map<string, string>();
for (let i = 0; i < sampled.length; i += 5000) {
  const batch = sampled.slice(i, i + 5000);
  const rows = await sql<{ id: string; nhs_number: string }>`
    select id, nhs_number from person where nhs_number = any(${`{${batch.map((c) => c.nhsNumber).join(',')}}`}::text[])`.execute(
    db,
  );
  for (const r of rows.rows) byNhs.set(r.nhs_number, r.id);
}
const childOf = new Map(sampled.map((c) => [c.entity, c]));
const queries = multiErrorQueries(sampled, queryCount, seed + 100, errors).filter(
  (q) => !only || q.kind.includes(only),
);
let found = 0;
const statements: number[] = [];
const considered: number[] = [];
const byKind = new Map<string, { n: number; found: number }>();
for (const q of queries) {
  const id = byNhs.get(childOf.get(q.entity)!.nhsNumber)!;
  sent = 0;
  const r = await searchIndex(db, q.criteria, model, today, { limit: 50 });
  statements.push(sent);
  considered.push(r.considered);
  const rank = r.hits.findIndex((h) => h.id === id);
  const first = q.kind.split(' + ')[0]!;
  const k = byKind.get(first) ?? { n: 0, found: 0 };
  k.n++;
  if (rank >= 0 && rank < 10) {
    found++;
    k.found++;
    byKind.set(first, k);
    continue;
  }
  byKind.set(first, k);
  const c = childOf.get(q.entity)!;
  const tiers = queryKeyTiers(queryRecord(q.criteria), coder);
  const own = new Set(
    (
      await sql<{ k: string[] }>`select match_keys::text[] as k from person where id = ${id}`.execute(db)
    ).rows[0]!.k.map(Number),
  );
  const parts: string[] = [];
  for (const [name, keys] of Object.entries(tiers)) {
    const hashed = hashedKeys(keys);
    const shared = [...keys].filter((key) => own.has(hashedKeys([key])[0]!));
    const n = hashed.length
      ? ((
          await sql<{
            n: number;
          }>`select count(*)::int as n from (select 1 from person where match_keys && ${`{${hashed.join(',')}}`}::bigint[] limit 20000) x`.execute(
            db,
          )
        ).rows[0]?.n ?? 0)
      : 0;
    parts.push(`${name}: ${keys.size} keys, ${n} people, child shares [${shared.join(' ')}]`);
  }
  const tenth = r.hits[9]?.score;
  console.log(
    `MISS ${q.kind}\n  query ${JSON.stringify(q.criteria)}\n  child ${c.givenName} ${c.middleName ?? ''} ${c.familyName} ${c.dob} ${c.postcode}\n  rank ${rank} score ${rank >= 0 ? r.hits[rank]!.score : '-'} tenth ${tenth ?? '-'} considered ${r.considered} widened ${r.widened} truncated ${r.truncated}\n  ${parts.join('\n  ')}`,
  );
}
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((p / 100) * (xs.length - 1))];
console.log(
  `\nstatements a search: mean ${(statements.reduce((a, b) => a + b, 0) / statements.length).toFixed(2)}, max ${Math.max(...statements)}; ` +
    `candidates scored: median ${pct(considered, 50)}, p95 ${pct(considered, 95)}, max ${Math.max(...considered)}`,
);
console.log(`recall@10 ${((100 * found) / queries.length).toFixed(1)} % of ${queries.length}`);
for (const [k, v] of [...byKind].sort()) console.log(`${k}: ${((100 * v.found) / v.n).toFixed(1)} % of ${v.n}`);
await database.close();
