import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import * as registry from '../../src/features/people/registry-repository.ts';
import { dateFields, idFrom, openEpisode, signedInClients, versionOn } from '../support/client.ts';
import { createEarlyHelpWorld, createUser, joinTeam, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp, workOf } from '../support/harness.ts';
import { createFamily, createPerson } from '../support/people.ts';

const episodeIdFrom = (location: unknown) => idFrom('episodes', location);

for (const engine of engines()) {
  describe(`The assessment and the plan joined (${engine})`, () => {
    let t: TestApp;
    let db: Kysely<DB>;
    let teacher: TestUser;
    let worker: TestUser;
    let other: TestUser;
    let boss: TestUser;
    let admin: TestUser;
    let stranger: TestUser;
    let partnershipId: string;
    let schoolId: string;
    let householdArea: string;
    const as = signedInClients(() => t);
    const work = (u: TestUser) => workOf(t, u.id);

    /** A child at the school, living at an address in the partnership, with an episode the worker leads. */
    const family = async (givenName: string, also: string[] = []) => {
      const { childId, address } = await createFamily(db, {
        child: { givenName },
        involvement: { organisationId: schoolId, userId: teacher.id },
        address: { line1: `${givenName} House`, postcode: 'LU1 1AA' },
        areaId: householdArea,
      });
      const household = await registry.findOrCreateHousehold(db, address);
      for (const other of also) await registry.moveTo(db, other, household, '2020-01-01');
      const episodeId = await openEpisode(await as(teacher), childId, worker.id);
      const url = `/people/${childId}/episodes/${episodeId}`;
      return { childId, episodeId, url, plan: `${url}/plan` };
    };

    /** The worker starts the child's assessment and records unmet needs: [subArea, about (null: family), words]. */
    const assess = async (childId: string, needs: [string, string | null, string][], also: string[] = []) => {
      const w = await as(worker);
      await w.get(`/people/${childId}/assessments/new`);
      const res = await w.post(`/people/${childId}/assessments`, { personIds: [childId, ...also] });
      assert.equal(res.statusCode, 303, res.body.slice(0, 2000));
      const id = idFrom('assessments', res.headers.location);
      const base = `/people/${childId}/assessments/${id}`;
      for (const [subArea, about, description] of needs) {
        const page = await w.get(`${base}/sections/needs`);
        const ok = await w.post(`${base}/needs`, {
          version: String(versionOn(page.body)),
          subArea,
          personId: about ?? 'family',
          description,
        });
        assert.equal(ok.statusCode, 303, ok.body.slice(0, 2000));
      }
      return { id, base };
    };

    const signOff = async (base: string) => {
      const w = await as(worker);
      await w.get(`${base}/submit`);
      assert.equal((await w.post(`${base}/submit`, { managerId: boss.id })).statusCode, 303);
      const b = await as(boss);
      await b.get(`${base}/sign-off`);
      assert.equal((await b.post(`${base}/sign-off`, { decision: 'signed_off' })).statusCode, 303);
    };

    const startPlan = async (plan: string) => {
      const w = await as(worker);
      await w.get(`${plan}/edit`);
      const saved = await w.post(`${plan}/edit`, { strengths: 'Grandmother helps every morning', reviewWeeks: '6' });
      assert.equal(saved.statusCode, 303);
    };

    const objective = (extra: Record<string, string>) => ({
      successCriterion: 'Attends 9 days in 10 for 6 weeks',
      ...dateFields('targetDate', '2027-03-01'),
      agreedBy: 'Mother and the class teacher',
      realistic: 'yes',
      ...extra,
    });

    before(async () => {
      t = await startTestApp(engine);
      t.clock.set(new Date('2026-12-01T10:00:00Z'));
      db = t.database.db;
      const world = await createEarlyHelpWorld(db, { familySupport: true });
      ({ teacher, worker, admin, stranger, partnershipId } = world);
      boss = world.familySupport!.boss;
      schoolId = world.school.id;
      householdArea = world.areaId;
      other = await createUser(db, { organisationId: world.council.id, name: 'Otto Other' });
      await joinTeam(db, world.familySupport!.teamId, [other]);
    });
    after(() => t.close());

    test('without an assessment need to pick, an objective names an area of need and the page says it is not linked', async () => {
      const { plan } = await family('Ada');
      await startPlan(plan);
      const w = await as(worker);
      const form = await w.get(`${plan}/objectives/new`);
      assert.match(form.body, /data-qa="no-assessment-needs"/);
      assert.match(form.body, /There are no unmet needs from an Early Help Assessment/);
      const ok = await w.post(
        `${plan}/objectives/new`,
        objective({ needArea: 'development/learning', need: 'Ada misses school most Mondays' }),
      );
      assert.equal(ok.statusCode, 303, ok.body.slice(0, 2000));
      const page = await w.get(plan);
      assert.match(page.body, /Not linked: there was no unmet need from an assessment/);
      const row = await db
        .selectFrom('plan_objective')
        .selectAll()
        .where('need', '=', 'Ada misses school most Mondays')
        .executeTakeFirstOrThrow();
      assert.equal(row.assessment_need_id, null);
    });

    test('an objective names the unmet need from the episode’s assessment: area from the need, shown on the plan and in the print view', async () => {
      const { childId, plan } = await family('Bo');
      const { id: assessmentId, base } = await assess(childId, [
        ['learning', childId, 'Bo misses school most Mondays'],
        ['housing', null, 'The flat is damp and overcrowded'],
      ]);
      await startPlan(plan);
      const w = await as(worker);
      const form = await w.get(`${plan}/objectives/new`);
      assert.doesNotMatch(form.body, /data-qa="no-assessment-needs"/);
      assert.match(form.body, /Learning and education: Bo misses school most Mondays/);
      assert.match(form.body, /Housing, employment and money: The flat is damp and overcrowded/);
      assert.match(form.body, /name="needFrom" value="assessment"/);

      // No need picked: refused, what was typed kept.
      const none = await w.post(
        `${plan}/objectives/new`,
        objective({ needFrom: 'assessment', need: 'Mondays are hard' }),
      );
      assert.equal(none.statusCode, 400);
      assert.match(none.body, /Select the unmet need from the assessment the objective addresses/);
      assert.match(none.body, /Mondays are hard/);
      // An area typed in instead of a need, while the assessment has needs: refused.
      const typed = await w.post(
        `${plan}/objectives/new`,
        objective({ needArea: 'development/health', need: 'Something else' }),
      );
      assert.equal(typed.statusCode, 400);
      assert.match(typed.body, /Select the unmet need from the assessment the objective addresses/);

      const needs = await db
        .selectFrom('assessment_need')
        .selectAll()
        .where('assessment_id', '=', assessmentId)
        .orderBy('recorded_at')
        .execute();
      const learning = needs.find((n) => n.sub_area === 'learning')!;
      const housing = needs.find((n) => n.sub_area === 'housing')!;
      const ok = await w.post(
        `${plan}/objectives/new`,
        objective({ needFrom: 'assessment', assessmentNeedId: learning.id, need: '' }),
      );
      assert.equal(ok.statusCode, 303, ok.body.slice(0, 2000));
      const ok2 = await w.post(
        `${plan}/objectives/new`,
        objective({ needFrom: 'assessment', assessmentNeedId: housing.id, need: 'Somewhere dry to live' }),
      );
      assert.equal(ok2.statusCode, 303, ok2.body.slice(0, 2000));
      const rows = await db
        .selectFrom('plan_objective')
        .selectAll()
        .where('assessment_need_id', 'in', [learning.id, housing.id])
        .orderBy('created_at')
        .execute();
      assert.deepEqual(
        rows.map((r) => [r.need_domain, r.need_sub_area, r.need]),
        [
          ['development', 'learning', 'Bo misses school most Mondays'],
          ['family', 'housing', 'Somewhere dry to live'],
        ],
      );
      const page = await w.get(plan);
      assert.match(page.body, /Unmet need from the assessment/);
      assert.match(page.body, /data-qa="assessment-need">The flat is damp and overcrowded \(The whole family\)/);
      assert.match(page.body, /data-qa="assessment-need">Bo misses school most Mondays \(Bo Fenwick\)/);

      await signOff(base);
      const print = await w.get(`${base}/print`);
      assert.equal(print.statusCode, 200);
      assert.match(print.body, /The plan’s objectives for these needs/);
      assert.match(print.body, /Somewhere dry to live\. Attends 9 days in 10 for 6 weeks/);
      // Someone who does not work with the child is not offered the needs.
      assert.equal((await (await as(stranger)).get(`${plan}/objectives/new`)).statusCode, 404);
    });

    test('a step up pulls in the assessment (status, sign-off, level, unmet needs) and the plan’s open objectives and actions; withheld people are not named', async () => {
      const siblingId = await createPerson(db, { givenName: 'Dot', familyName: 'Fenwick', dateOfBirth: '2019-05-06' });
      const fatherId = await createPerson(db, {
        kind: 'adult',
        givenName: 'Fred',
        familyName: 'Fenwick',
        dateOfBirth: '1985-01-01',
      });
      const { childId, url, plan } = await family('Cy', [siblingId]);
      await db
        .insertInto('withhold_marker')
        .values({
          person_id: siblingId,
          subject_person_id: childId,
          withheld_from_person_id: fatherId,
          reason: 'Court order',
          recorded_by: worker.id,
          recorded_at: t.clock.now(),
        })
        .execute();
      const { base } = await assess(
        childId,
        [
          ['learning', childId, 'Cy misses school most Mondays'],
          ['health', siblingId, 'Needs a hearing test'],
        ],
        [siblingId],
      );
      const w = await as(worker);
      const levelPage = await w.get(`${base}/sections/level`);
      const level = await w.post(`${base}/sections/level`, {
        version: String(versionOn(levelPage.body)),
        level: 'targeted',
        levelRationale: 'Several needs together',
        action: 'later',
      });
      assert.equal(level.statusCode, 303, level.body.slice(0, 2000));
      await signOff(base);
      await startPlan(plan);
      const learning = await db
        .selectFrom('assessment_need')
        .select('id')
        .where('description', '=', 'Cy misses school most Mondays')
        .executeTakeFirstOrThrow();
      await w.get(`${plan}/objectives/new`);
      await w.post(
        `${plan}/objectives/new`,
        objective({ needFrom: 'assessment', assessmentNeedId: learning.id, need: 'Cy goes to school on Mondays' }),
      );
      const o = await db
        .selectFrom('plan_objective')
        .select('id')
        .where('need', '=', 'Cy goes to school on Mondays')
        .executeTakeFirstOrThrow();
      await w.get(`${plan}/objectives/${o.id}/actions/new`);
      const action = await w.post(`${plan}/objectives/${o.id}/actions/new`, {
        what: 'Walk to school together on Mondays',
        ownerKind: 'user',
        ownerUserId: worker.id,
        ...dateFields('dueDate', '2027-01-15'),
      });
      assert.equal(action.statusCode, 303, action.body.slice(0, 2000));

      await w.get(`${url}/step-up`);
      const ok = await w.post(`${url}/step-up`, {
        harm: 'no',
        whyNow: 'The plan is not working',
        whatChanged: 'Cy has stopped coming to school',
        urgency: 'normal',
        permission: 'child_at_risk_of_harm',
        lawfulReason: 'Cy may not be safe at home',
      });
      assert.equal(ok.statusCode, 303, ok.body.slice(0, 2000));
      const step = await db
        .selectFrom('episode_step as s')
        .innerJoin('contact as c', 'c.id', 's.contact_id')
        .select(['c.tried', 'c.reference'])
        .where('s.episode_id', '=', episodeIdFrom(url))
        .executeTakeFirstOrThrow();
      const tried = step.tried ?? '';
      assert.match(tried, /Early Help Assessment: signed off on 2026-12-01\./);
      assert.match(tried, /Level of need judged in the assessment: Targeted\./);
      assert.match(tried, /Learning and education \(Cy Fenwick\): Cy misses school most Mondays/);
      assert.match(tried, /Health \(a family member whose details are withheld\): Needs a hearing test/);
      assert.doesNotMatch(tried, /Dot Fenwick/);
      assert.match(tried, /Plan: a draft, not yet agreed\./);
      assert.match(tried, /Open objectives: Cy goes to school on Mondays \(by 2027-03-01\)\./);
      assert.match(tried, /Open actions: Walk to school together on Mondays \(due 2027-01-15\)\./);
    });

    test('a handover moves the plan review and the confirm-closure work from the old lead’s list to the new lead’s', async () => {
      t.clock.set(new Date('2026-12-02T10:00:00Z'));
      as.clear();
      const { url, plan } = await family('Ed');
      await startPlan(plan);
      const w = await as(worker);
      await w.get(`${plan}/objectives/new`);
      await w.post(`${plan}/objectives/new`, objective({ needArea: 'development/learning', need: 'Ed reads daily' }));
      const o = await db
        .selectFrom('plan_objective')
        .select('id')
        .where('need', '=', 'Ed reads daily')
        .executeTakeFirstOrThrow();
      await w.get(`${plan}/objectives/${o.id}/actions/new`);
      await w.post(`${plan}/objectives/${o.id}/actions/new`, {
        what: 'Library card',
        ownerKind: 'user',
        ownerUserId: worker.id,
        ...dateFields('dueDate', '2027-01-15'),
      });
      await w.get(`${plan}/agree`);
      const agreed = await w.post(`${plan}/agree`, { agreedWith: 'Mother', ...dateFields('agreedOn', '2026-12-02') });
      assert.equal(agreed.statusCode, 303, agreed.body.slice(0, 2000));
      const action = await db
        .selectFrom('plan_action')
        .select('id')
        .where('what', '=', 'Library card')
        .executeTakeFirstOrThrow();
      assert.equal((await w.post(`${plan}/actions/${action.id}/complete`, {})).statusCode, 303);
      await w.get(`${url}/propose-closure`);
      const proposed = await w.post(`${url}/propose-closure`, {
        improvement: 'Ed reads every day and school says progress is good.',
        weeks: '4',
        periodReason: 'Progress has been steady for months',
        'outcome-education': 'achieved',
        'evidence-education': 'Reading age up a year (school).',
      });
      assert.equal(proposed.statusCode, 303, proposed.body.slice(0, 2000));
      t.clock.set(new Date('2027-01-05T09:00:00Z'));
      as.clear();
      await t.runJobs();
      const leadWork = async (u: TestUser) =>
        (await work(u))
          .filter((i) => i.href.startsWith(url) && ['plan.review', 'episode.confirm-closure'].includes(i.kind))
          .map((i) => i.kind)
          .sort();
      assert.deepEqual(await leadWork(worker), ['episode.confirm-closure', 'plan.review']);
      assert.deepEqual(await leadWork(other), []);

      const h = await as(worker);
      await h.get(`${url}/handover`);
      const handed = await h.post(`${url}/handover`, {
        incomingUserId: other.id,
        note: 'Otto takes over while Wren is away.',
        ...dateFields('agreedOn', '2027-01-05'),
      });
      assert.equal(handed.statusCode, 303, handed.body.slice(0, 2000));
      assert.deepEqual(await leadWork(worker), []);
      assert.deepEqual(await leadWork(other), ['episode.confirm-closure', 'plan.review']);
      const theirs = (await work(other)).filter((i) => i.href.startsWith(url));
      // The review keeps its due date.
      assert.ok(theirs.find((i) => i.kind === 'plan.review')!.due);
    });

    test('an administrator sets the partnership’s plan review interval: audited, errors keep what was typed, offered on plans', async () => {
      const w = await as(worker);
      assert.equal((await w.get('/admin/plan-reviews')).statusCode, 403);
      assert.equal((await w.post(`/admin/plan-reviews/${partnershipId}`, { weeks: '8' })).statusCode, 403);
      const a = await as(admin);
      const list = await a.get('/admin/plan-reviews');
      assert.equal(list.statusCode, 200);
      assert.match(list.body, /Every 6 weeks/);
      await a.get(`/admin/plan-reviews/${partnershipId}`);
      const bad = await a.post(`/admin/plan-reviews/${partnershipId}`, { weeks: '13' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Enter a whole number of weeks from 4 to 12/);
      assert.match(bad.body, /value="13"/);
      const saved = await a.post(`/admin/plan-reviews/${partnershipId}`, { weeks: '10' });
      assert.equal(saved.statusCode, 303);
      assert.match((await a.get(String(saved.headers.location))).body, /Plan review interval saved/);
      const area = await db
        .selectFrom('area')
        .select('plan_review_weeks')
        .where('id', '=', partnershipId)
        .executeTakeFirstOrThrow();
      assert.equal(area.plan_review_weeks, 10);
      const audit = await db
        .selectFrom('audit_event')
        .select(['details'])
        .where('action', '=', 'admin.plan-reviews.changed')
        .execute();
      assert.equal(audit.length, 1);
      const details = (
        typeof audit[0]!.details === 'string' ? JSON.parse(audit[0]!.details) : audit[0]!.details
      ) as Record<string, unknown>;
      assert.deepEqual([details.from, details.to], [6, 10]);
      const { plan } = await family('Flo');
      const form = await (await as(worker)).get(`${plan}/edit`);
      assert.match(form.body, /Every 10 weeks \(the partnership’s default\)/);
      await a.post(`/admin/plan-reviews/${partnershipId}`, { weeks: '6' });
    });

    test('the child’s early help assessment summary follows the assessment: in progress when started, completed on the day it is signed off', async () => {
      t.clock.set(new Date('2027-02-01T10:00:00Z'));
      as.clear();
      const { childId } = await family('Gus');
      const summary = async () =>
        db
          .selectFrom('person')
          .select(['early_help_assessment', 'early_help_assessment_on'])
          .where('id', '=', childId)
          .executeTakeFirstOrThrow();
      assert.deepEqual(await summary(), { early_help_assessment: null, early_help_assessment_on: null });
      const { base } = await assess(childId, [['learning', childId, 'Gus misses school']]);
      assert.deepEqual(await summary(), {
        early_help_assessment: 'in_progress',
        early_help_assessment_on: '2027-02-01',
      });
      t.clock.set(new Date('2027-02-03T10:00:00Z'));
      as.clear();
      await signOff(base);
      assert.deepEqual(await summary(), {
        early_help_assessment: 'completed',
        early_help_assessment_on: '2027-02-03',
      });
      const card = await (await as(teacher)).get(`/people/${childId}`);
      assert.match(card.body, /data-qa="eha">Completed 3 February 2027/);
    });
  });
}
