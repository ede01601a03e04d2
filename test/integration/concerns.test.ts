/**
 * Concerns (dispute) resolution: raising a concern about a recorded level of need, the stages with their
 * responders and working-day deadlines, the daily overdue check, outcomes, two people answering at once, access,
 * the list, the API and the chronology.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import { CONCERN_STAGES, type DB } from '../../src/db/schema.ts';
import { TokenService } from '../../src/features/api/service.ts';
import { childName } from '../../src/features/concerns/service.ts';
import { addInvolvement } from '../../src/features/people/registry-repository.ts';
import { verifyAuditChain } from '../../src/platform/audit.ts';
import { loadActor } from '../../src/platform/sessions.ts';
import { signedInClients } from '../support/client.ts';
import { createOrganisation, createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';
import { createPerson } from '../support/people.ts';

/** Thursday 24 December 2026: Christmas Day, the Boxing Day substitute (Monday 28th) and New Year's Day follow. */
const RAISED = new Date('2026-12-24T10:00:00Z');

for (const engine of engines()) {
  describe(`Concerns resolution (${engine})`, () => {
    let t: TestApp;
    let db: Kysely<DB>;
    let teacher: TestUser;
    let nurse: TestUser;
    let schoolManager: TestUser;
    let healthManager: TestUser;
    let schoolLead: TestUser;
    let healthLead: TestUser;
    let outsider: TestUser;
    let otherManager: TestUser;
    let childId: string;
    let needLevelId: string;
    let concernId: string;
    /** Moves the clock: sessions would have timed out, so everyone signs in again when next needed. */
    const setClock = (at: Date) => {
      t.clock.set(at);
      as.clear();
    };
    const as = signedInClients(() => t);
    const stageId = (html: string) => /name="stageId" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const stages = () =>
      db
        .selectFrom('concern_stage')
        .selectAll()
        .where('concern_id', '=', concernId)
        .execute()
        .then((rows) => rows.sort((a, b) => CONCERN_STAGES.indexOf(a.stage) - CONCERN_STAGES.indexOf(b.stage)));
    const respondersAt = async (id: string) =>
      (
        await db
          .selectFrom('concern_responder')
          .select(['user_id', 'why'])
          .where('stage_id', '=', id)
          .orderBy('user_id')
          .execute()
      ).map((r) => `${r.user_id}:${r.why}`);
    const notified = async (userId: string, kind: string) =>
      (
        await db
          .selectFrom('notification')
          .select('id')
          .where('user_id', '=', userId)
          .where('kind', '=', kind)
          .execute()
      ).length;

    before(async () => {
      t = await startTestApp(engine);
      db = t.database.db;
      t.clock.set(new Date('2026-12-23T09:00:00Z'));
      const school = await createOrganisation(db, { name: 'Oak Lane Primary', agency_type: 'school' });
      const health = await createOrganisation(db, { name: 'Lea Health', agency_type: 'health' });
      const elsewhere = await createOrganisation(db, { name: 'Far Away Youth', agency_type: 'voluntary' });
      teacher = await createUser(db, { organisationId: school.id, name: 'Tess Teacher' });
      nurse = await createUser(db, { organisationId: health.id, name: 'Nia Nurse' });
      schoolManager = await createUser(db, { roles: ['manager'], organisationId: school.id, name: 'Sam Head' });
      healthManager = await createUser(db, { roles: ['manager'], organisationId: health.id, name: 'Hal Lead' });
      schoolLead = await createUser(db, { roles: ['manager'], organisationId: school.id, name: 'Dee Safeguard' });
      healthLead = await createUser(db, { roles: ['manager'], organisationId: health.id, name: 'Ray Guard' });
      outsider = await createUser(db, { organisationId: elsewhere.id, name: 'Olly Outsider' });
      otherManager = await createUser(db, { roles: ['manager'], organisationId: elsewhere.id, name: 'Mo Manager' });
      await db
        .updateTable('organisation')
        .set({ safeguarding_lead_user_id: schoolLead.id })
        .where('id', '=', school.id)
        .execute();
      await db
        .updateTable('organisation')
        .set({ safeguarding_lead_user_id: healthLead.id })
        .where('id', '=', health.id)
        .execute();
      for (const [org, name, member, manager] of [
        [school.id, 'Pastoral team', teacher, schoolManager],
        [health.id, 'School nursing', nurse, healthManager],
        [elsewhere.id, 'Youth team', outsider, otherManager],
      ] as const) {
        const team = await db
          .insertInto('team')
          .values({ organisation_id: org, area_id: null, name })
          .returning('id')
          .executeTakeFirstOrThrow();
        await db.insertInto('user_team').values({ user_id: member.id, team_id: team.id }).execute();
        await db.insertInto('user_team').values({ user_id: manager.id, team_id: team.id, is_manager: true }).execute();
      }
      childId = await createPerson(db, {
        givenName: 'Poppy',
        familyName: 'Fenwick',
        dateOfBirth: '2017-03-04',
        involvement: { organisationId: school.id, userId: teacher.id },
      });
      await db.transaction().execute((trx) =>
        addInvolvement(trx, childId, {
          organisationId: health.id,
          teamId: null,
          userId: nurse.id,
          role: 'School nurse',
          startedOn: '2025-09-01',
          contactPhone: null,
          contactEmail: null,
        }),
      );
      // The family agreed that health shares with the school: the teacher may see the nurse's judgement.
      const parent = await createPerson(db, { givenName: 'Helena', familyName: 'Fenwick', kind: 'adult' });
      await db
        .insertInto('relationship')
        .values({ person_id: childId, related_person_id: parent, kind: 'parent', parental_responsibility: true })
        .execute();
      const consent = await db
        .insertInto('consent')
        .values({
          person_id: childId,
          household_id: null,
          given_by_person_id: parent,
          given_by_kind: 'parent_carer',
          decision: 'given',
          purposes: ['information_sharing'],
          service_name: null,
          method: 'in_person',
          obtained_on: '2026-11-01',
          review_on: null,
          explained: null,
          recorded_by: nurse.id,
          recorded_by_organisation_id: health.id,
          recorded_at: new Date('2026-11-01T12:00:00Z'),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('consent_recipient')
        .values({
          consent_id: consent.id,
          kind: 'agency_type',
          organisation_id: null,
          agency_type: 'school',
          panel_name: null,
        })
        .execute();
      needLevelId = (
        await db
          .insertInto('need_level')
          .values({
            person_id: childId,
            level: 'universal',
            reason: 'Health needs are being met by the GP.',
            recorded_by: nurse.id,
            organisation_id: health.id,
            recorded_at: new Date('2026-12-01T10:00:00Z'),
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    });
    after(() => t.close());

    test('raise: the decision links to it, bad input keeps what was typed, and the decision-maker is asked with a 5-working-day deadline across Christmas', async () => {
      setClock(RAISED);
      const teacherClient = await as(teacher);
      const decision = await teacherClient.get(`/people/${childId}/need-level`);
      assert.equal(decision.statusCode, 200);
      assert.match(decision.body, new RegExp(`href="/concerns/raise/need_level/${needLevelId}"`));
      assert.doesNotMatch((await (await as(nurse)).get(`/people/${childId}/need-level`)).body, /data-qa="disagree"/);

      const form = await teacherClient.get(`/concerns/raise/need_level/${needLevelId}`);
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /Level of need: Universal, recorded on/);
      assert.match(form.body, /5 working days/);

      let res = await teacherClient.post(`/concerns/raise/need_level/${needLevelId}`, {
        disagreement: '   ',
        outcomeWanted: 'A meeting to agree early help.',
      });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /Enter what you disagree with and why/);
      assert.match(res.body, /A meeting to agree early help\./);
      assert.equal((await db.selectFrom('concern').select('id').execute()).length, 0);

      res = await teacherClient.post(`/concerns/raise/need_level/${needLevelId}`, {
        disagreement: 'Attendance has fallen to 70% and she is often hungry at school.',
        outcomeWanted: 'Early help, with an assessment.',
      });
      assert.equal(res.statusCode, 303);
      const m = /^\/concerns\/([0-9a-f-]{36})\?done=raised$/.exec(String(res.headers.location));
      assert.ok(m, String(res.headers.location));
      concernId = m[1]!;

      const [first] = await stages();
      assert.equal(first!.stage, 'practitioners');
      assert.deepEqual(await respondersAt(first!.id), [`${nurse.id}:decision_maker`]);
      const deadline = await db
        .selectFrom('deadline')
        .selectAll()
        .where('owner_type', '=', 'concern_stage')
        .where('owner_id', '=', first!.id)
        .executeTakeFirstOrThrow();
      // Thursday 24th; 25th, 28th (bank holidays), weekends and 1 January skipped: 29, 30, 31 Dec, 4, 5 Jan.
      assert.equal(deadline.due_at.toISOString(), '2027-01-06T00:00:00.000Z');
      assert.equal(deadline.rule_code, 'CONCERN_PRACTITIONERS');
      const work = await db
        .selectFrom('work_item')
        .selectAll()
        .where('source_type', '=', 'concern_stage')
        .where('source_id', '=', first!.id)
        .execute();
      assert.deepEqual(
        work.map((w) => [w.assigned_user_id, w.status, w.href, w.deadline_id]),
        [[nurse.id, 'open', `/concerns/${concernId}`, deadline.id]],
      );
      assert.equal(await notified(nurse.id, 'concern.response-needed'), 1);
      assert.equal(await notified(teacher.id, 'concern.response-needed'), 0);

      const page = await teacherClient.get(`/concerns/${concernId}?done=raised`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Concern raised/);
      assert.match(page.body, /by the end of Tuesday 5 January 2027/);
      assert.match(page.body, /Nia Nurse, Lea Health/);
      const nurseWork = await (await as(nurse)).get('/work');
      assert.match(nurseWork.body, /Respond to a concern about a decision/);

      const audit = await db
        .selectFrom('audit_event')
        .select(['action', 'record_id'])
        .where('action', 'in', ['concern.raised', 'concern.stage-opened', 'concern.viewed'])
        .execute();
      assert.deepEqual(
        new Set(audit.map((a) => a.action)),
        new Set(['concern.raised', 'concern.stage-opened', 'concern.viewed']),
      );
      assert.ok(audit.every((a) => a.record_id === childId));
    });

    test('access: anyone not raising, answering or managing them is told it is not there; the decision-maker cannot raise one', async () => {
      for (const user of [outsider, otherManager]) {
        const c = await as(user);
        assert.equal((await c.get(`/concerns/${concernId}`)).statusCode, 404);
        await c.get('/concerns');
        const post = await c.post(`/concerns/${concernId}/outcome`, {
          stageId: concernId,
          outcome: 'agreed',
          reasons: 'x',
        });
        assert.equal(post.statusCode, 404);
        assert.doesNotMatch((await c.get('/concerns')).body, /Poppy/);
        assert.equal((await c.get(`/concerns/raise/need_level/${needLevelId}`)).statusCode, 404);
      }
      assert.equal((await (await as(nurse)).get(`/concerns/raise/need_level/${needLevelId}`)).statusCode, 404);
      assert.equal((await (await as(teacher)).get('/concerns/raise/other_kind/' + needLevelId)).statusCode, 404);
      assert.equal((await (await as(teacher)).get('/concerns/not-an-id')).statusCode, 404);
      // The managers of either side may look.
      assert.equal((await (await as(schoolManager)).get(`/concerns/${concernId}`)).statusCode, 200);
      assert.equal((await (await as(healthManager)).get(`/concerns/${concernId}`)).statusCode, 200);
      const refused = await db
        .selectFrom('audit_event')
        .select('record_id')
        .where('action', '=', 'concern.raise-refused')
        .execute();
      assert.ok(refused.length >= 1 && refused.every((r) => r.record_id === childId));
    });

    test('overdue: the daily check marks the stage overdue once and tells the next tier, without moving the concern on', async () => {
      await t.app.jobs.runDue(new Date('2027-01-05T09:00:00Z'));
      assert.equal((await stages())[0]!.overdue_at, null);
      await t.app.jobs.runDue(new Date('2027-01-06T08:30:00Z'));
      const all = await stages();
      assert.equal(all.length, 1, 'not escalated by the job');
      assert.equal(all[0]!.overdue_at?.toISOString(), '2027-01-06T08:30:00.000Z');
      for (const u of [schoolManager, healthManager, teacher, nurse])
        assert.equal(await notified(u.id, 'concern.overdue'), 1);
      assert.equal(await notified(schoolLead.id, 'concern.overdue'), 0);
      await t.app.jobs.runDue(new Date('2027-01-07T08:30:00Z'));
      assert.equal(await notified(schoolManager.id, 'concern.overdue'), 1, 'told once');
      setClock(new Date('2027-01-06T10:00:00Z'));
      const page = await (await as(teacher)).get(`/concerns/${concernId}`);
      assert.match(page.body, /Overdue/);
      assert.match(page.body, /data-qa="overdue-told"/);
    });

    test('outcomes: not resolved moves to line managers, then safeguarding leads, each with the right responders; bad input keeps values', async () => {
      const nurseClient = await as(nurse);
      let page = await nurseClient.get(`/concerns/${concernId}`);
      const first = stageId(page.body);
      let res = await nurseClient.post(`/concerns/${concernId}/outcome`, {
        stageId: first,
        reasons: 'We could not agree.',
      });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /Select the outcome at this stage/);
      assert.match(res.body, /We could not agree\./);
      // Someone who may see it but is not asked at this stage cannot answer.
      const mgr = await as(schoolManager);
      await mgr.get(`/concerns/${concernId}`);
      res = await mgr.post(`/concerns/${concernId}/outcome`, { stageId: first, outcome: 'agreed', reasons: 'x' });
      assert.equal(res.statusCode, 403);

      res = await nurseClient.post(`/concerns/${concernId}/outcome`, {
        stageId: first,
        outcome: 'escalated',
        reasons: 'We could not agree: I still see no additional need.',
      });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, `/concerns/${concernId}?done=escalated`);
      let all = await stages();
      assert.equal(all[0]!.outcome, 'escalated');
      assert.equal(all[0]!.answered_by, nurse.id);
      assert.equal(all[1]!.stage, 'line_managers');
      assert.deepEqual(
        await respondersAt(all[1]!.id),
        [`${schoolManager.id}:raiser_manager`, `${healthManager.id}:decision_maker_manager`].sort(),
      );
      const met = await db
        .selectFrom('deadline')
        .select(['owner_id', 'met_at', 'due_at'])
        .where('owner_type', '=', 'concern_stage')
        .execute();
      assert.ok(met.find((d) => d.owner_id === all[0]!.id)!.met_at, 'first stage deadline met (late)');
      // Line managers: 5 working days from Wednesday 6 January, by the end of Wednesday 13 January.
      assert.equal(met.find((d) => d.owner_id === all[1]!.id)!.due_at.toISOString(), '2027-01-14T00:00:00.000Z');
      const nurseWork = await db
        .selectFrom('work_item')
        .select(['assigned_user_id', 'status'])
        .where('source_id', '=', all[0]!.id)
        .execute();
      assert.deepEqual(nurseWork, [{ assigned_user_id: nurse.id, status: 'done' }]);
      assert.equal(await notified(healthManager.id, 'concern.response-needed'), 1);

      page = await mgr.get(`/concerns/${concernId}`);
      res = await mgr.post(`/concerns/${concernId}/outcome`, {
        stageId: stageId(page.body),
        outcome: 'escalated',
        reasons: 'The managers disagree too.',
      });
      assert.equal(res.statusCode, 303);
      all = await stages();
      assert.equal(all[2]!.stage, 'safeguarding_leads');
      assert.deepEqual(
        await respondersAt(all[2]!.id),
        [`${schoolLead.id}:safeguarding_lead`, `${healthLead.id}:safeguarding_lead`].sort(),
      );
      const lineWork = await db.selectFrom('work_item').select('status').where('source_id', '=', all[1]!.id).execute();
      assert.deepEqual(
        lineWork.map((w) => w.status),
        ['done', 'done'],
      );
    });

    test('two safeguarding leads answering the same stage at once: the second is told it is already answered and nothing is overwritten', async () => {
      const a = await as(schoolLead);
      const b = await as(healthLead);
      const pa = await a.get(`/concerns/${concernId}`);
      const pb = await b.get(`/concerns/${concernId}`);
      const sa = stageId(pa.body);
      assert.equal(sa, stageId(pb.body));
      const [ra, rb] = await Promise.all([
        a.post(`/concerns/${concernId}/outcome`, {
          stageId: sa,
          outcome: 'escalated',
          reasons: 'Reasons from the school lead.',
        }),
        b.post(`/concerns/${concernId}/outcome`, {
          stageId: sa,
          outcome: 'decision_stands',
          reasons: 'Reasons from the health lead.',
        }),
      ]);
      const statuses = [ra.statusCode, rb.statusCode].sort();
      assert.deepEqual(statuses, [303, 409]);
      const [winner, loser, winnerLead, loserReasons] =
        ra.statusCode === 303
          ? [ra, rb, schoolLead, 'Reasons from the health lead.']
          : [rb, ra, healthLead, 'Reasons from the school lead.'];
      assert.ok(winner);
      assert.match(loser.body, /already been answered by/);
      assert.match(loser.body, new RegExp(loserReasons.replace('.', '\\.')), 'what they typed is kept');
      const stage = (await stages()).find((s) => s.id === sa)!;
      assert.equal(stage.answered_by, winnerLead.id);
      assert.notEqual(stage.reasons, loserReasons);
      const concern = await db.selectFrom('concern').selectAll().where('id', '=', concernId).executeTakeFirstOrThrow();
      if (stage.outcome === 'escalated') {
        assert.equal(concern.status, 'open');
        assert.equal((await stages())[3]!.stage, 'formal');
      } else {
        assert.equal(concern.status, 'resolved');
        assert.equal(concern.resolution, 'decision_stands');
      }
      // An answer posted again from the old page changes nothing either.
      const again = await a.post(`/concerns/${concernId}/outcome`, {
        stageId: sa,
        outcome: 'agreed',
        reasons: 'Late.',
      });
      assert.equal(again.statusCode, 409);
      assert.equal((await stages()).find((s) => s.id === sa)!.outcome, stage.outcome);
    });

    test('the formal procedure is the last stage: it cannot be escalated, and recording how it was resolved closes the concern', async () => {
      const concern = await db.selectFrom('concern').selectAll().where('id', '=', concernId).executeTakeFirstOrThrow();
      if (concern.status === 'open') {
        const lead = await as(schoolLead);
        const page = await lead.get(`/concerns/${concernId}`);
        assert.match(page.body, /formal escalation procedure/);
        assert.doesNotMatch(page.body, /value="escalated"/);
        let res = await lead.post(`/concerns/${concernId}/outcome`, {
          stageId: stageId(page.body),
          outcome: 'escalated',
          reasons: 'More.',
        });
        assert.equal(res.statusCode, 400);
        res = await lead.post(`/concerns/${concernId}/outcome`, {
          stageId: stageId(page.body),
          outcome: 'decision_changed',
          reasons: 'The panel agreed early help is needed; the level is now Early Help.',
        });
        assert.equal(res.statusCode, 303);
        assert.equal(res.headers.location, `/concerns/${concernId}?done=resolved`);
      }
      const closed = await db.selectFrom('concern').selectAll().where('id', '=', concernId).executeTakeFirstOrThrow();
      assert.equal(closed.status, 'resolved');
      assert.ok(closed.resolved_at);
      const page = await (await as(teacher)).get(`/concerns/${concernId}`);
      assert.match(page.body, /Resolved/);
      assert.doesNotMatch(page.body, /Record the outcome at this stage/);
      assert.ok((await notified(teacher.id, 'concern.resolved')) >= 1);
      assert.equal(
        (
          await db
            .selectFrom('work_item')
            .select('id')
            .where('source_type', '=', 'concern_stage')
            .where('status', '=', 'open')
            .execute()
        ).length,
        0,
      );
    });

    test('the list, the API and the chronology show the concern to those who may see it', async () => {
      const list = await (await as(teacher)).get('/concerns');
      assert.equal(list.statusCode, 200);
      assert.match(list.body, /data-qa="raised"/);
      assert.match(list.body, /Poppy Fenwick/);
      assert.match((await (await as(healthManager)).get('/concerns')).body, /Poppy Fenwick/);

      const tokens = new TokenService(db, t.clock);
      const issue = async (u: TestUser) =>
        (
          await tokens.createForEmail(
            u.email,
            { name: 'test', expiresInDays: null },
            { requestId: 't', clientIp: '127.0.0.1' },
          )
        ).token;
      const token = await issue(teacher);
      let res = await t.app.inject({ url: '/api/v1/concerns', headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.statusCode, 200);
      const items = res.json().items;
      assert.equal(items.length, 1);
      assert.equal(items[0].id, concernId);
      assert.equal(items[0].status, 'resolved');
      res = await t.app.inject({ url: `/api/v1/concerns/${concernId}`, headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.statusCode, 200);
      const body = res.json();
      assert.deepEqual(body.stages.map((s: { stage: string }) => s.stage).slice(0, 3), [
        'practitioners',
        'line_managers',
        'safeguarding_leads',
      ]);
      assert.equal(body.stages[0].deadline.dueAt, '2027-01-06T00:00:00.000Z');
      assert.equal(body.stages[0].deadline.status, 'met_late');

      const stranger = await issue(outsider);
      res = await t.app.inject({
        url: `/api/v1/concerns/${concernId}`,
        headers: { authorization: `Bearer ${stranger}` },
      });
      assert.equal(res.statusCode, 404);
      res = await t.app.inject({ url: '/api/v1/concerns', headers: { authorization: `Bearer ${stranger}` } });
      assert.deepEqual(res.json().items, []);

      const chronology = await (await as(teacher)).get(`/people/${childId}/chronology`);
      assert.equal(chronology.statusCode, 200);
      assert.match(chronology.body, /Concern raised about a level of need decision/);
      assert.match(chronology.body, /stage overdue/);
      assert.match(chronology.body, /not resolved: taken to the next stage/);

      // A shielded child's name is shown only to participants who work with the child.
      await db.updateTable('person').set({ shielded: true }).where('id', '=', childId).execute();
      const row = { person_id: childId, given_name: 'Poppy', family_name: 'Fenwick', shielded: true };
      const actorOf = async (u: TestUser) => (await loadActor(db, u.id, 'session'))!;
      assert.equal(await childName(db, await actorOf(teacher), row, t.clock.now()), 'Poppy Fenwick');
      assert.equal(
        await childName(db, await actorOf(outsider), row, t.clock.now()),
        'a child whose record is shielded',
      );
      await db.updateTable('person').set({ shielded: false }).where('id', '=', childId).execute();
      assert.deepEqual(await verifyAuditChain(db), {
        ok: true,
        checked: (await db.selectFrom('audit_event').select('id').execute()).length,
      });
    });
  });
}
