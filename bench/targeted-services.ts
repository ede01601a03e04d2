/**
 * The targeted services leader's Top 100: one query over every family in the leader's areas. Loads the demo, then
 * adds synthetic families to the demo leader's cluster (Airedale) so the cluster holds many thousand children, and
 * times the query.
 *   node --import tsx bench/targeted-services.ts [households=5000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openPGlite } from '../src/db/connection.ts';
import { migrate } from '../src/db/migrator.ts';
import { seedDemo } from '../src/db/seed/demo.ts';
import { demoId } from '../src/db/seed/random.ts';
import { families } from '../src/features/targeted-services/repository.ts';

const households = Number(process.argv[2] ?? 5000);

function percentile(xs: number[], p: number) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))]!;
}

const dir = mkdtempSync(join(tmpdir(), 'ehh-bench-tsl-'));
const database = await openPGlite(join(dir, 'pglite'));
try {
  await migrate(database.db);
  const now = new Date();
  await seedDemo(database.db, { onlyIfEmpty: false, today: now });
  const db = database.db;
  const area = demoId('area:airedale');
  const org = demoId('org:aire-council');
  let t = performance.now();
  // Two children per household; every other child has a level of need with two unmet needs and an involvement.
  await sql`
    with h as (
      insert into household (address_line1, address_line2, town, postcode, area_id)
      select 'Bench ' || g, null, 'Leeds', 'LS12 ' || (g % 9) || 'AB', ${area}::uuid from generate_series(1, ${households}) g
      returning id
    ), p as (
      insert into person (kind, given_name, family_name, date_of_birth, sex, created_at, updated_at)
      select 'child', 'Bench', 'Child ' || h.id, date '2015-01-01' + (k * 400), 'U', now(), now()
        from h cross join generate_series(0, 1) k
      returning id, family_name
    )
    insert into household_member (household_id, person_id, moved_in)
    select substring(p.family_name from 7)::uuid, p.id, date '2020-01-01' from p`.execute(db);
  await sql`
    insert into need_level (person_id, level, reason, recorded_at, organisation_id, indicators)
    select p.id, (array['early_help', 'targeted', 'specialist'])[1 + (abs(hashtext(p.id::text)) % 3)], 'Bench', now(),
           ${org}::uuid,
           '[{"id":"a","text":"Missed appointments","level":"early_help","subArea":"health","domain":"d"},
             {"id":"b","text":"Poor attendance","level":"targeted","subArea":"learning","domain":"d"}]'::jsonb
      from person p where p.given_name = 'Bench' and abs(hashtext(p.id::text)) % 2 = 0`.execute(db);
  await sql`
    insert into involvement (person_id, organisation_id, role, started_on)
    select p.id, ${org}::uuid, 'Family support', date '2025-01-01'
      from person p where p.given_name = 'Bench' and abs(hashtext(p.id::text)) % 2 = 0`.execute(db);
  await sql`analyze`.execute(db);
  const load = performance.now() - t;
  const children = await sql<{ n: number }>`
    select count(*)::int as n from household_member hm join household h on h.id = hm.household_id
     where h.area_id = ${area}::uuid`.execute(db);
  const leader = demoId('user:tsl@demo.early-help.invalid');
  const today = now.toISOString().slice(0, 10);
  await families(db, leader, today, now);
  const runs: number[] = [];
  let rows = 0;
  for (let i = 0; i < 15; i++) {
    t = performance.now();
    rows = (await families(db, leader, today, now)).length;
    runs.push(performance.now() - t);
  }
  console.log('| engine | households in cluster | children in cluster | rows | load (s) | p50 ms | p95 ms |');
  console.log('|---|---|---|---|---|---|---|');
  console.log(
    `| PGlite | ${households.toLocaleString('en-GB')} + demo | ${children.rows[0]!.n.toLocaleString('en-GB')} | ${rows} | ${(load / 1000).toFixed(0)} | ${percentile(runs, 0.5).toFixed(0)} | ${percentile(runs, 0.95).toFixed(0)} |`,
  );
} finally {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
}
