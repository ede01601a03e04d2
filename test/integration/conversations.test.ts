import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { TokenService } from '../../src/features/api/service.ts';
import { signedInClients } from '../support/client.ts';
import { createOrganisation, createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';
import { createPerson, relate } from '../support/people.ts';

async function involve(db: Kysely<DB>, personId: string, user: TestUser, role: string) {
  await db
    .insertInto('involvement')
    .values({
      person_id: personId,
      organisation_id: user.organisationId,
      team_id: null,
      user_id: user.id,
      role,
      started_on: '2025-09-01',
      ended_on: null,
      contact_phone: null,
      contact_email: null,
    })
    .execute();
}

/** A parent's consent to share information with an organisation. */
async function consentFor(db: Kysely<DB>, child: string, parent: string, recorder: TestUser, organisationId: string) {
  const consent = await db
    .insertInto('consent')
    .values({
      person_id: child,
      household_id: null,
      given_by_person_id: parent,
      given_by_kind: 'parent_carer',
      decision: 'given',
      purposes: ['information_sharing'],
      service_name: null,
      method: 'in_person',
      obtained_on: '2026-01-10',
      review_on: null,
      explained: null,
      withdrawn_on: null,
      withdrawn_reason: null,
      withdrawn_by: null,
      withdrawn_at: null,
      recorded_by: recorder.id,
      recorded_by_organisation_id: recorder.organisationId,
      recorded_at: new Date('2026-01-10T10:00:00Z'),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('consent_recipient')
    .values({
      consent_id: consent.id,
      kind: 'organisation',
      organisation_id: organisationId,
      agency_type: null,
      panel_name: null,
    })
    .execute();
}

const AGREED = 'Nurse to offer a drop-in appointment; school to share attendance weekly';

for (const engine of engines()) {
  describe(`recorded conversations on ${engine}`, () => {
    let t: TestApp;
    let db: Kysely<DB>;
    let teacher: TestUser;
    let nurse: TestUser;
    let head: TestUser;
    let outsider: TestUser;
    let stranger: TestUser;
    let child: string;
    let sibling: string;
    let conversationId: string;
    const as = signedInClients(() => t);
    const form = (extra: Record<string, string> = {}) => ({
      'held-day': '30',
      'held-month': '11',
      'held-year': '2026',
      kind: 'phone',
      'participant-0': nurse.id,
      'outside-0-name': 'Pat Quinn',
      'outside-0-organisation': 'Lea Young Carers',
      'outside-0-role': 'Support worker',
      children: sibling,
      concerns: 'Tired in class, often late',
      strengths: 'Close to her brother',
      agreed: AGREED,
      'action-0-description': 'Offer a drop-in appointment',
      'action-0-owner': nurse.id,
      'action-0-due-day': '11',
      'action-0-due-month': '12',
      'action-0-due-year': '2026',
      'action-1-description': 'Share weekly attendance with the nurse',
      'action-1-owner': teacher.id,
      'action-1-due-day': '4',
      'action-1-due-month': '12',
      'action-1-due-year': '2026',
      'recipient-0': head.id,
      ...extra,
    });

    before(async () => {
      t = await startTestApp(engine);
      t.clock.set(new Date('2026-12-01T10:00:00Z'));
      db = t.database.db;
      const school = await createOrganisation(db, { name: 'Larkspur Primary', agency_type: 'school' });
      const health = await createOrganisation(db, { name: 'Lea Valley Health', agency_type: 'health' });
      const other = await createOrganisation(db, { name: 'Far Academy', agency_type: 'school' });
      teacher = await createUser(db, { organisationId: school.id, name: 'Tegan Hale' });
      head = await createUser(db, { organisationId: school.id, name: 'Hal Head', roles: ['manager'] });
      nurse = await createUser(db, { organisationId: health.id, name: 'Nia Okafor' });
      outsider = await createUser(db, { organisationId: other.id, name: 'Owen Stray' });
      stranger = await createUser(db, { organisationId: health.id, name: 'Sam Unconsented' });
      child = await createPerson(db, { givenName: 'Zofia', familyName: 'Nowak', dateOfBirth: '2015-04-02' });
      sibling = await createPerson(db, { givenName: 'Tomasz', familyName: 'Nowak', dateOfBirth: '2017-08-09' });
      const mother = await createPerson(db, { givenName: 'Marta', familyName: 'Nowak', kind: 'adult' });
      await relate(db, child, mother, 'parent');
      await relate(db, sibling, mother, 'parent');
      await involve(db, child, teacher, 'Class teacher');
      await involve(db, sibling, teacher, 'Class teacher');
      await consentFor(db, child, mother, teacher, health.id);
      await consentFor(db, sibling, mother, teacher, health.id);
      // The stranger works in the nurse's organisation, but no consent covers another child they are named on.
      void stranger;
    });
    after(async () => t.close());

    test('the child’s record and the threshold pages link to recording a conversation', async () => {
      const c = await as(teacher);
      const card = await c.get(`/people/${child}`);
      assert.match(card.body, new RegExp(`href="/people/${child}/conversations/new"`));
      const who = await c.get(`/people/${child}/who-to-talk-to`);
      assert.match(who.body, new RegExp(`href="/people/${child}/conversations/new"`));
      const page = await c.get(`/people/${child}/conversations/new`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Tomasz Nowak/, 'the sibling the teacher works with is offered');
    });

    test('"Add another action" posts and shows the form again with one more row, keeping what was typed', async () => {
      const c = await as(teacher);
      await c.get(`/people/${child}/conversations/new`);
      const res = await c.post(`/people/${child}/conversations`, {
        ...form({ add: 'action' }),
      });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /name="action-2-description"/);
      assert.match(res.body, /Share weekly attendance with the nurse/);
      assert.match(res.body, /value="Pat Quinn"/);
      assert.equal(await db.selectFrom('conversation').select('id').executeTakeFirst(), undefined);
    });

    test('bad input is refused with GOV.UK errors and everything typed kept', async () => {
      const c = await as(teacher);
      await c.get(`/people/${child}/conversations/new`);
      const res = await c.post(`/people/${child}/conversations`, {
        ...form({ agreed: '', 'action-0-due-day': '31', 'action-0-due-month': '2' }),
      });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /There is a problem/);
      assert.match(res.body, /href="#agreed">Enter what was agreed/);
      assert.match(res.body, /href="#action-0-due">Due date must be a real date/);
      assert.match(res.body, /Offer a drop-in appointment/);
      assert.match(res.body, /Tired in class, often late/);
      assert.match(res.body, new RegExp(`<option value="${nurse.id}" selected`));
    });

    test('naming a user of an organisation no consent covers is refused on that field', async () => {
      const c = await as(teacher);
      await c.get(`/people/${child}/conversations/new`);
      const res = await c.post(`/people/${child}/conversations`, { ...form({ 'recipient-0': outsider.id }) });
      assert.equal(res.statusCode, 400);
      assert.match(
        res.body,
        /href="#recipient-0">There is no consent or recorded lawful basis to share this with Far Academy/,
      );
      assert.equal(await db.selectFrom('conversation').select('id').executeTakeFirst(), undefined);
    });

    test('recording puts each action on its owner’s work list and notifies those the outcome goes to', async () => {
      const c = await as(teacher);
      await c.get(`/people/${child}/conversations/new`);
      const res = await c.post(`/people/${child}/conversations`, form());
      assert.equal(res.statusCode, 303, res.body);
      const m = new RegExp(`^/people/${child}/conversations/([0-9a-f-]{36})\\?done=recorded$`).exec(
        String(res.headers.location),
      );
      assert.ok(m, String(res.headers.location));
      conversationId = m[1]!;
      const page = await c.get(String(res.headers.location));
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Conversation recorded/);
      assert.match(page.body, /Nia Okafor/);
      assert.match(page.body, /Pat Quinn, Support worker \(Lea Young Carers\)/);
      assert.match(page.body, /Tomasz Nowak/);

      const nurseWork = await (await as(nurse)).get('/work');
      assert.match(nurseWork.body, /An action agreed in a conversation/);
      assert.match(nurseWork.body, new RegExp(`href="/people/${child}/conversations/${conversationId}#action-`));
      const teacherWork = await c.get('/work');
      assert.match(teacherWork.body, /An action agreed in a conversation/);

      const notes = await db
        .selectFrom('notification')
        .select(['user_id', 'kind', 'title', 'href'])
        .where('record_id', '=', conversationId)
        .execute();
      assert.ok(notes.some((n) => n.user_id === head.id && n.kind === 'conversation.outcome'));
      assert.ok(notes.some((n) => n.user_id === nurse.id && n.kind === 'conversation.action'));
      assert.ok(!notes.some((n) => n.user_id === teacher.id), 'the recorder is not told of their own record');
      for (const n of notes) assert.doesNotMatch(n.title, /Zofia|Nowak/);

      const audit = await db
        .selectFrom('audit_event')
        .select(['action'])
        .where('record_id', '=', conversationId)
        .where('action', '=', 'conversation.recorded')
        .execute();
      assert.equal(audit.length, 1);

      // The head of year was told and may read it; the nurse reads it under the consent covering her organisation.
      assert.equal((await (await as(head)).get(`/people/${child}/conversations/${conversationId}`)).statusCode, 200);
      const asNurse = await (await as(nurse)).get(`/people/${child}/conversations/${conversationId}`);
      assert.equal(asNurse.statusCode, 200);
      assert.match(asNurse.body, new RegExp(AGREED));

      const chronology = await c.get(`/people/${child}/chronology`);
      assert.match(chronology.body, /Phone call recorded by Tegan Hale/);
      const siblingChronology = await c.get(`/people/${sibling}/chronology`);
      assert.match(siblingChronology.body, /Phone call recorded by Tegan Hale/);
    });

    test('the child’s notes and conversations are on one page, newest first', async () => {
      t.clock.set(new Date('2026-12-01T11:00:00Z'));
      as.clear(); // an hour on, everyone signs in again
      const c = await as(teacher);
      await c.get(`/people/${child}/notes`);
      const added = await c.post(`/people/${child}/notes`, { category: 'general', body: 'Zofia was on time today' });
      assert.equal(added.statusCode, 303);
      const page = await c.get(`/people/${child}/notes`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<h1 class="govuk-heading-l">Notes and conversations<\/h1>/);
      const note = page.body.indexOf('Zofia was on time today');
      const conversation = page.body.indexOf(AGREED);
      assert.ok(note > 0 && conversation > 0, 'both are shown');
      assert.ok(note < conversation, 'the note written today comes before the conversation held yesterday');
      assert.match(page.body, new RegExp(`href="/people/${child}/conversations/${conversationId}"`));
      const nurseView = await (await as(nurse)).get(`/people/${child}/notes`);
      assert.equal(
        nurseView.statusCode,
        404,
        'the nurse reads the conversation she took part in, not the child’s notes',
      );
    });

    test('an action is completed from the conversation page, and leaves its owner’s work list', async () => {
      const nurseClient = await as(nurse);
      const action = await db
        .selectFrom('conversation_action')
        .select('id')
        .where('conversation_id', '=', conversationId)
        .where('owner_user_id', '=', nurse.id)
        .executeTakeFirstOrThrow();
      await nurseClient.get(`/people/${child}/conversations/${conversationId}`);
      // Someone else's action is not theirs to complete.
      const teacherAction = await db
        .selectFrom('conversation_action')
        .select('id')
        .where('conversation_id', '=', conversationId)
        .where('owner_user_id', '=', teacher.id)
        .executeTakeFirstOrThrow();
      const refused = await nurseClient.post(
        `/people/${child}/conversations/${conversationId}/actions/${teacherAction.id}/done`,
        {},
      );
      assert.equal(refused.statusCode, 403);
      const res = await nurseClient.post(
        `/people/${child}/conversations/${conversationId}/actions/${action.id}/done`,
        {},
      );
      assert.equal(res.statusCode, 303);
      const row = await db
        .selectFrom('conversation_action')
        .selectAll()
        .where('id', '=', action.id)
        .executeTakeFirstOrThrow();
      assert.ok(row.done_at);
      assert.equal(row.done_by, nurse.id);
      const work = await nurseClient.get('/work');
      assert.doesNotMatch(work.body, /An action agreed in a conversation/);
      const page = await nurseClient.get(`/people/${child}/conversations/${conversationId}`);
      assert.match(page.body, /data-qa="action-done"/);
    });

    test('nobody without a relationship (or a part in it) can record or read one: not found', async () => {
      const c = await as(outsider);
      assert.equal((await c.get(`/people/${child}/conversations/new`)).statusCode, 404);
      await c.get('/');
      assert.equal((await c.post(`/people/${child}/conversations`, form())).statusCode, 404);
      assert.equal((await c.get(`/people/${child}/conversations/${conversationId}`)).statusCode, 404);
      assert.equal((await c.get(`/conversations/${conversationId}/follow-up`)).statusCode, 404);
      const s = await as(stranger);
      assert.equal((await s.get(`/people/${child}/conversations/${conversationId}`)).statusCode, 404);
      const refusals = await db
        .selectFrom('audit_event')
        .select('action')
        .where('record_id', '=', child)
        .where('action', 'in', ['conversation.refused', 'conversation.view-refused'])
        .execute();
      assert.ok(refusals.length >= 3);
    });

    test('a participant may disagree with what was agreed: the concern goes to the practitioner who recorded it', async () => {
      const recorderPage = await (await as(teacher)).get(`/people/${child}/conversations/${conversationId}`);
      assert.doesNotMatch(recorderPage.body, /data-qa="disagree"/, 'the recorder cannot disagree with themselves');
      const n = await as(nurse);
      const page = await n.get(`/people/${child}/conversations/${conversationId}`);
      assert.match(page.body, new RegExp(`href="/concerns/raise/conversation/${conversationId}"`));
      assert.equal((await n.get(`/concerns/raise/conversation/${conversationId}`)).statusCode, 200);
      const res = await n.post(`/concerns/raise/conversation/${conversationId}`, {
        disagreement: 'The plan leaves the young carer without support over the holidays.',
        outcomeWanted: 'A referral to the young carers service now.',
      });
      assert.equal(res.statusCode, 303);
      const responders = await db
        .selectFrom('concern as c')
        .innerJoin('concern_stage as s', 's.concern_id', 'c.id')
        .innerJoin('concern_responder as r', 'r.stage_id', 's.id')
        .select('r.user_id')
        .where('c.subject_kind', '=', 'conversation')
        .where('c.subject_id', '=', conversationId)
        .execute();
      assert.deepEqual(
        responders.map((r) => r.user_id),
        [teacher.id],
      );
      assert.equal((await (await as(outsider)).get(`/concerns/raise/conversation/${conversationId}`)).statusCode, 404);
    });

    test('after the working days each participant is asked whether it helped; answers are kept and counted', async () => {
      const row = await db
        .selectFrom('conversation')
        .select('follow_up_on')
        .where('id', '=', conversationId)
        .executeTakeFirstOrThrow();
      // Tuesday 1 December 2026 plus ten working days.
      assert.equal(String(row.follow_up_on).slice(0, 10), '2026-12-15');
      t.clock.set(new Date('2026-12-14T12:00:00Z'));
      await t.app.jobs.runDue(t.clock.now());
      assert.equal((await db.selectFrom('conversation_follow_up').select('id').execute()).length, 0, 'not yet');
      t.clock.set(new Date('2026-12-15T10:00:00Z'));
      await t.app.jobs.runDue(t.clock.now());
      const asked = await db.selectFrom('conversation_follow_up').select(['user_id']).execute();
      assert.deepEqual(asked.map((a) => a.user_id).sort(), [nurse.id, teacher.id].sort());
      const notified = await db
        .selectFrom('notification')
        .select('href')
        .where('user_id', '=', nurse.id)
        .where('kind', '=', 'conversation.follow-up')
        .execute();
      assert.deepEqual(notified, [{ href: `/conversations/${conversationId}/follow-up` }]);

      as.clear(); // two weeks on, everyone signs in again
      const nurseClient = await as(nurse);
      const q = await nurseClient.get(`/conversations/${conversationId}/follow-up`);
      assert.equal(q.statusCode, 200);
      assert.match(q.body, /Did this conversation help meet the child’s needs\?/);
      const bad = await nurseClient.post(`/conversations/${conversationId}/follow-up`, { comment: 'Helpful call' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Select yes, partly or no/);
      assert.match(bad.body, /Helpful call/);
      const ok = await nurseClient.post(`/conversations/${conversationId}/follow-up`, {
        answer: 'partly',
        comment: 'Helpful call',
      });
      assert.equal(ok.statusCode, 303);
      const teacherClient = await as(teacher);
      await teacherClient.get(`/conversations/${conversationId}/follow-up`);
      await teacherClient.post(`/conversations/${conversationId}/follow-up`, { answer: 'yes' });
      const kept = await db
        .selectFrom('conversation_follow_up')
        .select(['user_id', 'answer', 'comment'])
        .where('user_id', '=', nurse.id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(kept, { user_id: nurse.id, answer: 'partly', comment: 'Helpful call' });

      // The teacher may not see the report; the head sees their own organisation's counts, with nobody named.
      assert.equal((await teacherClient.get('/conversations/report')).statusCode, 403);
      const report = await (await as(head)).get('/conversations/report');
      assert.equal(report.statusCode, 200);
      assert.match(report.body, /2026-11/);
      assert.match(report.body, /Larkspur Primary/);
      assert.match(report.body, /data-qa="yes">1</);
      assert.doesNotMatch(report.body, /Lea Valley Health|Zofia|Nia Okafor|Helpful call/);
    });

    test('the API records a conversation and reads it back, with its actions; no relationship, not found', async () => {
      const tokens = new TokenService(db, t.clock);
      const tokenOf = async (user: TestUser) =>
        (
          await tokens.createForEmail(
            user.email,
            { name: 'test', expiresInDays: null },
            { requestId: 't', clientIp: '127.0.0.1' },
          )
        ).token;
      const teacherToken = await tokenOf(teacher);
      const call = (method: 'GET' | 'POST', url: string, token: string, payload?: unknown) =>
        t.app.inject({
          method,
          url,
          headers: { authorization: `Bearer ${token}` },
          ...(payload ? { payload: payload as Record<string, unknown> } : {}),
        });
      const body = {
        personId: child,
        heldOn: '2026-12-14',
        kind: 'meeting',
        participantUserIds: [nurse.id],
        outsideParticipants: [{ name: 'Pat Quinn', organisation: 'Lea Young Carers', role: 'Support worker' }],
        agreed: 'Review attendance at the next meeting',
        actions: [{ description: 'Book the next meeting', ownerUserId: nurse.id, dueOn: '2026-12-21' }],
        recipientUserIds: [head.id],
      };
      const bad = await call('POST', '/api/v1/conversations', teacherToken, {
        ...body,
        agreed: '',
        actions: [{ description: 'x', ownerUserId: nurse.id, dueOn: '2026-02-30' }],
      });
      assert.equal(bad.statusCode, 400);
      const fields = bad.json().errors.map((e: { field: string }) => e.field);
      assert.ok(fields.includes('agreed') && fields.includes('actions.0.dueOn'), JSON.stringify(fields));
      const unshared = await call('POST', '/api/v1/conversations', teacherToken, {
        ...body,
        recipientUserIds: [outsider.id],
      });
      assert.equal(unshared.statusCode, 400);
      assert.equal(unshared.json().errors[0].field, 'recipientUserIds.0');

      const created = await call('POST', '/api/v1/conversations', teacherToken, body);
      assert.equal(created.statusCode, 201, created.body);
      const made = created.json();
      assert.equal(made.kind, 'meeting');
      assert.equal(made.actions.length, 1);
      assert.equal(made.actions[0].ownerUserId, nurse.id);
      assert.equal(made.actions[0].doneAt, null);
      assert.deepEqual(made.participants.map((p: { name: string }) => p.name).sort(), [
        'Nia Okafor',
        'Pat Quinn',
        'Tegan Hale',
      ]);
      const work = await db
        .selectFrom('work_item')
        .select('assigned_user_id')
        .where('source_type', '=', 'conversation_action')
        .where('source_id', '=', made.actions[0].id)
        .execute();
      assert.deepEqual(work, [{ assigned_user_id: nurse.id }]);

      const one = await call('GET', `/api/v1/conversations/${made.id}`, await tokenOf(nurse));
      assert.equal(one.statusCode, 200, one.body);
      assert.equal(one.json().agreed, 'Review attendance at the next meeting');
      const list = await call('GET', `/api/v1/conversations?personId=${child}`, teacherToken);
      assert.equal(list.statusCode, 200);
      assert.equal(list.json().conversations.length, 2);
      assert.equal(list.json().conversations[0].id, made.id, 'newest first');

      const outsiderToken = await tokenOf(outsider);
      assert.equal((await call('GET', `/api/v1/conversations/${made.id}`, outsiderToken)).statusCode, 404);
      assert.equal((await call('GET', `/api/v1/conversations?personId=${child}`, outsiderToken)).statusCode, 404);
      assert.equal(
        (await call('POST', '/api/v1/conversations', outsiderToken, { ...body, recipientUserIds: [] })).statusCode,
        404,
      );
    });
  });
}
