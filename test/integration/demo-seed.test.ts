import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { ROLES } from '../../src/db/schema.ts';
import { DEMO_PASSWORD, seedDemo } from '../../src/db/seed/demo.ts';
import { isPermanentUpn, isTestNhsNumber } from '../../src/db/seed/identifiers.ts';
import { ageOn, isoDate } from '../../src/db/seed/random.ts';
import { DEMO_USERS } from '../../src/db/seed/users.ts';
import { verifyAuditChain } from '../../src/platform/audit.ts';
import { TestClient } from '../support/client.ts';
import type { TestUser } from '../support/factories.ts';
import { engines, freshDatabase, startTestApp, type TestApp } from '../support/harness.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

/** A fixed day, so two seedings can be compared; ages are counted from it. */
const TODAY = new Date('2026-03-02T10:00:00Z');
const today = isoDate(TODAY);

async function digest(db: Kysely<DB>): Promise<string> {
  const rows = await db
    .selectFrom('person')
    .select(['id', 'given_name', 'family_name', 'date_of_birth', 'expected_date_of_birth'])
    .orderBy('id')
    .execute();
  const text = rows.map((r) =>
    [r.id, r.given_name, r.family_name, r.date_of_birth, r.expected_date_of_birth].join('|'),
  );
  return createHash('sha256').update(text.join('\n')).digest('hex');
}

async function demoUser(db: Kysely<DB>, email: string): Promise<TestUser> {
  const def = DEMO_USERS.find((u) => u.email === email)!;
  const row = await db
    .selectFrom('app_user')
    .select(['id', 'organisation_id'])
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
  // Built from the documented password and setup key, not from the database.
  return {
    id: row.id,
    email,
    password: DEMO_PASSWORD,
    totpSecret: def.totpSecret,
    organisationId: row.organisation_id,
  };
}

for (const engine of engines()) {
  describe(`demo data on ${engine}`, () => {
    let t: TestApp;
    let seedMs = 0;
    before(async () => {
      t = await startTestApp(engine);
      const started = performance.now();
      assert.equal(await seedDemo(t.database.db, { onlyIfEmpty: true, today: TODAY }), true);
      seedMs = Math.round(performance.now() - started);
    });
    after(async () => t.close());

    test('seeding is quick', (ctx) => {
      ctx.diagnostic(`seeded in ${seedMs} ms on ${engine}`);
      assert.ok(seedMs < 20_000, `${seedMs} ms`);
    });

    test('about two hundred households with children in every age band', async () => {
      const db = t.database.db;
      const households = await db
        .selectFrom('household')
        .select(({ fn }) => fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      assert.ok(Number(households.n) >= 190, `${households.n} households`);
      const children = await db
        .selectFrom('person')
        .select(['date_of_birth', 'expected_date_of_birth'])
        .where('kind', '=', 'child')
        .execute();
      const bands = new Set(
        children.map((c) => {
          if (!c.date_of_birth) return c.expected_date_of_birth ? 'unborn' : 'unknown';
          const age = ageOn(c.date_of_birth, today);
          return age < 5 ? '0-4' : age < 11 ? '5-10' : age < 18 ? '11-17' : age <= 25 ? '18-25' : 'too old';
        }),
      );
      assert.deepEqual([...bands].sort(), ['0-4', '11-17', '18-25', '5-10', 'unborn']);
    });

    test('at least one user for every role, each with a second factor enrolled', async () => {
      const db = t.database.db;
      const roles = await db.selectFrom('user_role').select('role').distinct().execute();
      assert.deepEqual(roles.map((r) => r.role).sort(), [...ROLES].sort());
      const users = await db
        .selectFrom('app_user')
        .select(['email', 'totp_secret', 'totp_enrolled_at', 'is_demo'])
        .execute();
      assert.equal(users.length, DEMO_USERS.length);
      for (const u of users) {
        assert.match(u.email, /@demo\.early-help\.invalid$/);
        assert.ok(u.totp_secret && u.totp_enrolled_at && u.is_demo);
      }
      const tsl = await db
        .selectFrom('user_area')
        .innerJoin('area', 'area.id', 'user_area.area_id')
        .innerJoin('user_role', 'user_role.user_id', 'user_area.user_id')
        .select('area.name')
        .where('area.kind', '=', 'cluster')
        .where('user_role.role', '=', 'integrated_processes')
        .execute();
      const clusters = await db.selectFrom('area').select('name').where('kind', '=', 'cluster').execute();
      for (const c of clusters)
        assert.ok(
          tsl.some((x) => x.name === c.name),
          `a targeted services leader for ${c.name}`,
        );
      const managers = await db.selectFrom('user_team').select('user_id').where('is_manager', '=', true).execute();
      assert.ok(managers.length >= 5);
    });

    test('stored NHS numbers and UPNs pass their check algorithms; everything is marked as demo', async () => {
      const db = t.database.db;
      const people = await db.selectFrom('person').select(['nhs_number', 'upn', 'is_demo', 'shielded']).execute();
      const nhs = people.flatMap((p) => (p.nhs_number ? [p.nhs_number] : []));
      const upns = people.flatMap((p) => (p.upn ? [p.upn.trim()] : []));
      assert.ok(nhs.length > 300 && upns.length > 100);
      for (const n of nhs) assert.ok(isTestNhsNumber(n), n);
      for (const u of upns) assert.ok(isPermanentUpn(u), u);
      assert.ok(people.every((p) => p.is_demo));
      assert.ok(people.some((p) => p.shielded));
      const orgs = await db.selectFrom('organisation').select('is_demo').execute();
      assert.ok(orgs.length > 50 && orgs.every((o) => o.is_demo));
    });

    test('the directory belongs to the demo partnership, and every organisation is named as demo', async () => {
      const db = t.database.db;
      const services = await db
        .selectFrom('directory_service as s')
        .innerJoin('directory_organisation as d', 'd.id', 's.directory_organisation_id')
        .innerJoin('organisation as o', 'o.id', 'd.organisation_id')
        .select(['s.name', 'o.name as organisation'])
        .execute();
      const signpost = services.find((s) => s.name === 'Signpost intensive family support');
      const mst = services.find((s) => s.name === 'Multisystemic Therapy (MST)');
      assert.equal(signpost?.organisation, 'Aire City Council Children and Families (demo)');
      assert.equal(mst?.organisation, 'Aire City Council Children and Families (demo)');
      const orgs = await db.selectFrom('organisation').select('name').execute();
      assert.deepEqual(
        orgs.filter((o) => !o.name.endsWith('(demo)')),
        [],
      );
      // Attached to the partnership's own rows, not look-alikes added beside them.
      const names = orgs.map((o) => o.name);
      assert.equal(names.length, new Set(names).size);
      const areas = await db.selectFrom('area').select(['name', 'kind']).execute();
      assert.equal(areas.length, new Set(areas.map((a) => `${a.kind}:${a.name}`)).size);
      const clusters = await db
        .selectFrom('directory_service_area as sa')
        .innerJoin('area as a', 'a.id', 'sa.area_id')
        .innerJoin('area as p', 'p.id', 'a.parent_id')
        .select(['a.name', 'p.name as parent'])
        .where('a.kind', '=', 'cluster')
        .execute();
      assert.ok(clusters.length > 0);
      for (const c of clusters) assert.equal(c.parent, "Aire City Children's Partnership", c.name);
    });

    test('a demo user signs in with the documented password and setup key and sees their caseload', async () => {
      const db = t.database.db;
      const user = await demoUser(db, 'practitioner@demo.early-help.invalid');
      const client = new TestClient(t.app, t.clock);
      const res = await client.signIn(user);
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/');
      const child = await db
        .selectFrom('involvement as i')
        .innerJoin('person as p', 'p.id', 'i.person_id')
        .select(['p.id', 'p.given_name', 'p.family_name'])
        .where('i.user_id', '=', user.id)
        .where('i.ended_on', 'is', null)
        .where('p.kind', '=', 'child')
        .where('p.shielded', '=', false)
        .orderBy('p.family_name')
        .executeTakeFirstOrThrow();
      const page = await client.get('/people');
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes(child.family_name), 'a child from the caseload is listed');
      const card = await client.get(`/people/${child.id}`);
      assert.equal(card.statusCode, 200);
      assert.ok(card.body.includes('Amy Lockwood'), 'the card names the practitioner');
    });

    test('the front door queue shows an urgent contact and an overdue one; a decided one is not in it', async () => {
      const db = t.database.db;
      const user = await demoUser(db, 'kwame.boateng@demo.early-help.invalid');
      const client = new TestClient(t.app, t.clock);
      await client.signIn(user);
      const queue = await client.get('/front-door');
      assert.equal(queue.statusCode, 200);
      const rows = [...queue.body.matchAll(/data-qa="contact-row"[\s\S]*?>(FD-DEM00\d)</g)].map((m) => m[1]);
      assert.deepEqual(rows, ['FD-DEM001', 'FD-DEM002']);
      assert.match(queue.body, /Urgent/);
      assert.match(queue.body, /Overdue/);
      const decided = await db
        .selectFrom('contact_decision as d')
        .innerJoin('contact as c', 'c.id', 'd.contact_id')
        .select('c.reference')
        .execute();
      assert.deepEqual(decided, [{ reference: 'FD-DEM003' }]);
    });

    test('the demo practitioner has recorded conversations about a child, with an action on her work list', async () => {
      const db = t.database.db;
      const user = await demoUser(db, 'practitioner@demo.early-help.invalid');
      const conversations = await db
        .selectFrom('conversation')
        .select(['id', 'person_id'])
        .where('recorded_by', '=', user.id)
        .execute();
      assert.equal(conversations.length, 2);
      const client = new TestClient(t.app, t.clock);
      await client.signIn(user);
      const page = await client.get(`/people/${conversations[0]!.person_id}/notes`);
      assert.equal(page.statusCode, 200);
      assert.equal((page.body.match(/data-qa="conversation"/g) ?? []).length, 2);
      const work = await client.get('/work');
      assert.match(work.body, /An action agreed in a conversation/);
    });

    test('one demo family has an open early help episode, the demo practitioner its lead, and a team of three', async () => {
      const db = t.database.db;
      const user = await demoUser(db, 'practitioner@demo.early-help.invalid');
      const leads = await db
        .selectFrom('episode_lead as l')
        .innerJoin('episode as e', 'e.id', 'l.episode_id')
        .select(['e.id', 'e.status'])
        .where('l.user_id', '=', user.id)
        .where('l.ended_at', 'is', null)
        .execute();
      assert.equal(leads.length, 1);
      assert.equal(leads[0]!.status, 'open');
      const team = await db.selectFrom('episode_member').select('id').where('episode_id', '=', leads[0]!.id).execute();
      assert.equal(team.length, 3);
      const child = await db
        .selectFrom('episode_person')
        .select('person_id')
        .where('episode_id', '=', leads[0]!.id)
        .executeTakeFirstOrThrow();
      const client = new TestClient(t.app, t.clock);
      await client.signIn(user);
      const page = await client.get(`/people/${child.person_id}/episodes/${leads[0]!.id}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Ravi Okafor, Lea Housing Options \(demo\)/);
    });

    test('the demo child’s chronology shows entries from four features and says one is not shown', async () => {
      const db = t.database.db;
      const user = await demoUser(db, 'practitioner@demo.early-help.invalid');
      const child = await db
        .selectFrom('conversation')
        .select('person_id')
        .where('recorded_by', '=', user.id)
        .executeTakeFirstOrThrow();
      const client = new TestClient(t.app, t.clock);
      await client.signIn(user);
      const page = await client.get(`/people/${child.person_id}/chronology`);
      assert.equal(page.statusCode, 200);
      const kinds = new Set([...page.body.matchAll(/data-kind="([^"]+)" data-qa="entry"/g)].map((m) => m[1]));
      // The child index (registration, involvement), conversations, case notes and levels of need.
      for (const kind of ['registration', 'involvement', 'conversation', 'note']) {
        assert.ok(kinds.has(kind), `shows ${kind}: ${[...kinds].join(', ')}`);
      }
      assert.match(page.body, /data-qa="withheld"[\s\S]*?1 entry you cannot see/);
      assert.doesNotMatch(page.body, /see her GP this week/);
    });

    test('every demo person is searchable, and the children recorded twice wait in the review queue', async () => {
      const db = t.database.db;
      const unkeyed = await db.selectFrom('person').select('id').where('match_version', '=', 0).execute();
      assert.equal(unkeyed.length, 0, 'every person has search keys');
      const queued = await db
        .selectFrom('possible_duplicate as d')
        .innerJoin('person as a', 'a.id', 'd.person_id')
        .innerJoin('person as b', 'b.id', 'd.other_person_id')
        .select(['a.given_name as a', 'b.given_name as b', 'd.score', 'd.status'])
        .execute();
      assert.ok(queued.length >= 6, `${queued.length} pairs queued`);
      assert.ok(queued.every((q) => q.status === 'open' && q.score >= 8));
      const admin = await demoUser(db, 'admin@demo.early-help.invalid');
      const client = new TestClient(t.app, t.clock);
      await client.signIn(admin);
      const page = await client.get('/duplicates');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /pairs to review/);
    });

    test('one audit event records the seeding, with counts and no personal data', async () => {
      const events = await t.database.db
        .selectFrom('audit_event')
        .select(['action', 'actor_user_id', 'details'])
        .where('action', '=', 'demo.seeded')
        .execute();
      assert.equal(events.length, 1);
      assert.equal(events[0]!.actor_user_id, null);
      assert.deepEqual(Object.keys(events[0]!.details as object).sort(), [
        'households',
        'organisations',
        'people',
        'users',
      ]);
      assert.equal((await verifyAuditChain(t.database.db)).ok, true);
    });

    test('seeding again with onlyIfEmpty does nothing', async () => {
      const db = t.database.db;
      const before = await digest(db);
      assert.equal(await seedDemo(db, { onlyIfEmpty: true, today: new Date('2027-01-01T00:00:00Z') }), false);
      assert.equal(await digest(db), before);
      const events = await db.selectFrom('audit_event').select('id').where('action', '=', 'demo.seeded').execute();
      assert.equal(events.length, 1);
    });

    test('the same day gives identical data in another database', async () => {
      const other = await freshDatabase(engine);
      try {
        assert.equal(await seedDemo(other.db, { onlyIfEmpty: true, today: TODAY }), true);
        assert.equal(await digest(other.db), await digest(t.database.db));
      } finally {
        await other.close();
      }
    });
  });
}

// The command is engine-independent (it opens the configured database like the server does); a
// PostgreSQL database is quick to make empty for it, where an embedded one on disk is slow to create.
describe('early-help seed-demo', { skip: !engines().includes('postgres') }, () => {
  test('loads an empty database, then refuses a second time with a clear message', async () => {
    const database = await freshDatabase('postgres');
    try {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        DATABASE_URL: database.url,
        LOG_LEVEL: 'silent',
        NODE_ENV: 'test',
      };
      delete env.DATABASE_REPLICA_URL;
      const run = () =>
        new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
          execFile(
            process.execPath,
            [join(ROOT, 'bin/early-help'), 'seed-demo'],
            { cwd: ROOT, env, encoding: 'utf8' },
            (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
          );
        });
      const first = await run();
      assert.equal(first.status, 0, first.stderr);
      assert.match(first.stdout, /Demo data loaded into PostgreSQL/);
      assert.match(first.stdout, /admin@demo\.early-help\.invalid/);
      const households = await database.db.selectFrom('household').select('id').execute();
      assert.ok(households.length >= 190);
      const second = await run();
      assert.equal(second.status, 1);
      assert.match(second.stderr, /^Demo data not loaded: the database already has organisations$/m);
    } finally {
      await database.close();
    }
  });
});
