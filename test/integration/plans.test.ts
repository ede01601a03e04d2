import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { dateFields, openEpisode, signedInClients } from '../support/client.ts';
import { createEarlyHelpWorld, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp, workOf } from '../support/harness.ts';
import { createFamily } from '../support/people.ts';

for (const engine of engines()) {
  describe(`Early help plans (${engine})`, () => {
    let t: TestApp;
    let db: Kysely<DB>;
    let teacher: TestUser;
    let worker: TestUser;
    let boss: TestUser;
    let stranger: TestUser;
    let childId: string;
    let episodeId: string;
    let plan: string;
    const as = signedInClients(() => t);
    /** Moves the clock on; sessions would have timed out, so everyone signs in again. */
    const setClock = (iso: string) => {
      t.clock.set(new Date(iso));
      as.clear();
    };
    const work = (u: TestUser, view: 'mine' | 'team' = 'mine') => workOf(t, u.id, view);
    const objectiveIds = async () =>
      (await db.selectFrom('plan_objective').select('id').orderBy('created_at').execute()).map((o) => o.id);

    before(async () => {
      t = await startTestApp(engine);
      t.clock.set(new Date('2026-12-01T10:00:00Z'));
      db = t.database.db;
      const world = await createEarlyHelpWorld(db, { familySupport: true });
      ({ teacher, worker, stranger } = world);
      boss = world.familySupport!.boss;
      ({ childId } = await createFamily(db, {
        involvement: { organisationId: world.school.id, userId: teacher.id },
        areaId: world.areaId,
      }));
      episodeId = await openEpisode(await as(teacher), childId, worker.id);
      plan = `/people/${childId}/episodes/${episodeId}/plan`;
      const w = await as(worker);
      await w.get(`/people/${childId}/episodes/${episodeId}/members/new`);
      const added = await w.post(`/people/${childId}/episodes/${episodeId}/members`, {
        kind: 'user',
        userId: teacher.id,
        role: 'Class teacher',
      });
      assert.equal(added.statusCode, 303);
    });
    after(() => t.close());

    test('the lead starts the plan with the strengths it builds on; someone who does not work with the child cannot see it', async () => {
      const w = await as(worker);
      assert.match((await w.get(plan)).body, /There is no plan for this episode yet/);
      await w.get(`${plan}/edit`);
      const empty = await w.post(`${plan}/edit`, { strengths: '', reviewWeeks: '6' });
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /Enter the strengths the plan builds on/);
      const odd = await w.post(`${plan}/edit`, { strengths: 'Grandmother helps', reviewWeeks: '3' });
      assert.equal(odd.statusCode, 400);
      assert.match(odd.body, /Select how often the plan will be reviewed/);
      assert.match(odd.body, /Grandmother helps/);
      const saved = await w.post(`${plan}/edit`, { strengths: 'Grandmother helps every morning', reviewWeeks: '6' });
      assert.equal(saved.statusCode, 303);
      assert.match((await w.get(plan)).body, /Grandmother helps every morning/);
      assert.equal((await (await as(stranger)).get(plan)).statusCode, 404);
      const t2 = await as(teacher);
      assert.equal((await t2.get(plan)).statusCode, 200);
      assert.equal((await t2.get(`${plan}/edit`)).statusCode, 403);
    });

    test('an objective without a measurable criterion or a date is refused with a message that explains SMART, what was typed kept', async () => {
      const w = await as(worker);
      await w.get(`${plan}/objectives/new`);
      const res = await w.post(`${plan}/objectives/new`, {
        needArea: 'development/learning',
        need: 'Poppy misses school most Mondays',
        successCriterion: '',
        agreedBy: 'Mother and the class teacher',
        realistic: 'yes',
      });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /Enter how everyone will know the objective has been achieved\. Objectives must be SMART/);
      assert.match(res.body, /Enter a target date\. Objectives must be SMART/);
      assert.match(res.body, /Poppy misses school most Mondays/);
      assert.match(res.body, /value="Mother and the class teacher"/);
      assert.match(res.body, /value="development\/learning" selected/);

      const noNote = await w.post(`${plan}/objectives/new`, {
        needArea: 'development/learning',
        need: 'Poppy misses school most Mondays',
        successCriterion: 'Attends 9 days in 10 for 6 weeks',
        ...dateFields('targetDate', '2027-03-01'),
        agreedBy: 'Mother',
        realistic: 'no',
      });
      assert.equal(noNote.statusCode, 400);
      assert.match(noNote.body, /Enter what would make it realistic/);
      assert.equal((await objectiveIds()).length, 0);
    });

    test('dates out of order are refused: a target date in the past, an action due after its objective’s target', async () => {
      const w = await as(worker);
      const past = await w.post(`${plan}/objectives/new`, {
        needArea: 'development/learning',
        need: 'Poppy misses school most Mondays',
        successCriterion: 'Attends 9 days in 10 for 6 weeks',
        ...dateFields('targetDate', '2026-11-01'),
        agreedBy: 'Mother',
        realistic: 'yes',
      });
      assert.equal(past.statusCode, 400);
      assert.match(past.body, /The target date must be in the future/);
      assert.match(past.body, /value="2026"/);
      const ok = await w.post(`${plan}/objectives/new`, {
        needArea: 'development/learning',
        need: 'Poppy misses school most Mondays',
        successCriterion: 'Attends 9 days in 10 for 6 weeks',
        ...dateFields('targetDate', '2027-03-01'),
        agreedBy: 'Mother',
        realistic: 'yes',
      });
      assert.equal(ok.statusCode, 303);
      const [objectiveId] = await objectiveIds();
      await w.get(`${plan}/objectives/${objectiveId}/actions/new`);
      const late = await w.post(`${plan}/objectives/${objectiveId}/actions/new`, {
        what: 'Morning routine chart',
        ownerKind: 'user',
        ownerUserId: worker.id,
        ...dateFields('dueDate', '2027-04-01'),
      });
      assert.equal(late.statusCode, 400);
      assert.match(late.body, /The due date must be on or before the objective’s target date/);
      assert.match(late.body, /Morning routine chart/);
    });

    test('an action without an owner is refused, what was typed kept', async () => {
      const w = await as(worker);
      const [objectiveId] = await objectiveIds();
      const res = await w.post(`${plan}/objectives/${objectiveId}/actions/new`, {
        what: 'Walk to school together on Mondays',
        ...dateFields('dueDate', '2027-01-15'),
      });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /every action needs an owner/);
      assert.match(res.body, /Walk to school together on Mondays/);
      assert.match(res.body, /name="dueDate-day"[^>]*value="15"|value="15"[^>]*name="dueDate-day"/);
      const stranger1 = await w.post(`${plan}/objectives/${objectiveId}/actions/new`, {
        what: 'Walk to school together on Mondays',
        ownerKind: 'user',
        ownerUserId: stranger.id,
        ...dateFields('dueDate', '2027-01-15'),
      });
      assert.equal(stranger1.statusCode, 400);
      assert.match(stranger1.body, /Select the lead practitioner or someone in the team around the family/);
      assert.equal((await db.selectFrom('plan_action').select('id').execute()).length, 0);
    });

    test('an action goes on its owner’s work list; the owner completes it from there, and an overdue one shows as overdue', async () => {
      const w = await as(worker);
      const [objectiveId] = await objectiveIds();
      const added = await w.post(`${plan}/objectives/${objectiveId}/actions/new`, {
        what: 'Meet Poppy at the gate on Mondays',
        ownerKind: 'user',
        ownerUserId: teacher.id,
        ...dateFields('dueDate', '2026-12-02'),
      });
      assert.equal(added.statusCode, 303);
      const mine = (await work(teacher)).find((i) => i.kind === 'plan.action');
      assert.ok(mine);
      assert.equal(mine.due?.state, 'soon');
      setClock('2026-12-04T10:00:00Z');
      const later = (await work(teacher)).find((i) => i.kind === 'plan.action')!;
      assert.equal(later.due?.state, 'overdue');
      const c = await as(teacher);
      const page = await c.get(later.href.split('#')[0]!);
      assert.match(page.body, /Meet Poppy at the gate on Mondays/);
      assert.match(page.body, /Overdue/);
      const action = await db.selectFrom('plan_action').select(['id', 'work_item_id']).executeTakeFirstOrThrow();
      assert.equal(action.work_item_id, mine.id);
      const done = await c.post(`${plan}/actions/${action.id}/complete`, {});
      assert.equal(done.statusCode, 303);
      assert.ok(!(await work(teacher)).some((i) => i.kind === 'plan.action'));
      const row = await db.selectFrom('plan_action').select(['status', 'completed_by']).executeTakeFirstOrThrow();
      assert.deepEqual(row, { status: 'done', completed_by: teacher.id });
    });

    test('closing the episode is refused while the plan has open actions', async () => {
      const w = await as(worker);
      const [objectiveId] = await objectiveIds();
      await w.post(`${plan}/objectives/${objectiveId}/actions/new`, {
        what: 'Referral to the school nurse',
        ownerKind: 'user',
        ownerUserId: worker.id,
        ...dateFields('dueDate', '2027-01-15'),
      });
      const url = `/people/${childId}/episodes/${episodeId}/close`;
      assert.match((await w.get(url)).body, /Open actions must be finished first: Referral to the school nurse/);
      const res = await w.post(url, { reason: 'moved_away' });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /Finish the open actions before closing the episode: Referral to the school nurse/);
      const e = await db.selectFrom('episode').select('status').where('id', '=', episodeId).executeTakeFirstOrThrow();
      assert.equal(e.status, 'open');
    });

    test('once agreed, the review is due on the lead’s and their manager’s lists, and turns overdue', async () => {
      const w = await as(worker);
      await w.get(`${plan}/agree`);
      const future = await w.post(`${plan}/agree`, { agreedWith: 'Mother', ...dateFields('agreedOn', '2026-12-10') });
      assert.equal(future.statusCode, 400);
      assert.match(future.body, /today or in the past/);
      assert.match(future.body, /value="Mother"/);
      const agreed = await w.post(`${plan}/agree`, { agreedWith: 'Mother', ...dateFields('agreedOn', '2026-12-04') });
      assert.equal(agreed.statusCode, 303);
      const review = (await work(worker)).find((i) => i.kind === 'plan.review');
      assert.ok(review);
      assert.equal(review.due?.state, 'due');
      assert.match(review.due!.by, /Friday 15 January 2027/);
      const managers = (await work(boss, 'team')).find((i) => i.kind === 'plan.review');
      assert.ok(managers, 'the manager sees the review due on their team’s list');
      setClock('2027-01-16T10:00:00Z');
      assert.equal((await work(worker)).find((i) => i.kind === 'plan.review')?.due?.state, 'overdue');
      assert.equal((await work(boss, 'team')).find((i) => i.kind === 'plan.review')?.due?.state, 'overdue');
      assert.match((await (await as(worker)).get(plan)).body, /Overdue/);
      // The manager can follow the link to the plan.
      assert.equal((await (await as(boss)).get(review.href)).statusCode, 200);
    });

    test('a review records progress and the family’s view, meets the review that was due and sets the next', async () => {
      const w = await as(worker);
      const [objectiveId] = await objectiveIds();
      await w.get(`${plan}/reviews/new`);
      const missing = await w.post(`${plan}/reviews/new`, {
        ...dateFields('heldOn', '2027-01-15'),
        objectiveIds: objectiveId!,
        [`note-${objectiveId}`]: 'Better most weeks',
        familyView: '',
        reviewWeeks: '6',
      });
      assert.equal(missing.statusCode, 400);
      assert.match(missing.body, /Select the progress made on the objective/);
      assert.match(missing.body, /Enter the family’s view/);
      assert.match(missing.body, /Better most weeks/);
      const before = await w.post(`${plan}/reviews/new`, {
        ...dateFields('heldOn', '2026-12-01'),
        objectiveIds: objectiveId!,
        [`rating-${objectiveId}`]: 'some_progress',
        [`note-${objectiveId}`]: 'Better most weeks',
        [`status-${objectiveId}`]: 'open',
        familyView: 'Mother says mornings are calmer',
        reviewWeeks: '6',
      });
      assert.equal(before.statusCode, 400);
      assert.match(before.body, /on or after the day the plan was agreed/);
      const ok = await w.post(`${plan}/reviews/new`, {
        ...dateFields('heldOn', '2027-01-15'),
        objectiveIds: objectiveId!,
        [`rating-${objectiveId}`]: 'some_progress',
        [`note-${objectiveId}`]: 'Better most weeks',
        [`status-${objectiveId}`]: 'open',
        familyView: 'Mother says mornings are calmer',
        reviewWeeks: '8',
      });
      assert.equal(ok.statusCode, 303);
      const items = (await work(worker)).filter((i) => i.kind === 'plan.review');
      assert.equal(items.length, 1);
      assert.equal(items[0]!.due?.state, 'due');
      assert.match(items[0]!.due!.by, /Friday 12 March 2027/);
      const met = await db
        .selectFrom('deadline')
        .select(['owner_type', 'met_at'])
        .where('rule_code', '=', 'PLAN_REVIEW')
        .orderBy('due_at')
        .execute();
      assert.equal(met.length, 2);
      assert.ok(met[0]!.met_at);
      assert.equal(met[1]!.met_at, null);
      const page = await w.get(plan);
      assert.match(page.body, /Mother says mornings are calmer/);
      assert.match(page.body, /Some progress: Better most weeks/);
      const chronology = (await w.get(`/people/${childId}/chronology`)).body;
      assert.match(chronology, /Early help plan agreed with the family/);
      assert.match(chronology, /Early help plan reviewed/);
      assert.match(
        (await (await as(teacher)).get(`/people/${childId}/chronology`)).body,
        /Early help plan action done/,
      );
    });
  });
}
