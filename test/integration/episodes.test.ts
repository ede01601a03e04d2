import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { TokenService } from '../../src/features/api/service.ts';
import { currentLeads } from '../../src/features/episodes/leads.ts';
import * as registry from '../../src/features/people/registry-repository.ts';
import { families } from '../../src/features/targeted-services/repository.ts';
import { relationshipsWith } from '../../src/platform/relationships.ts';
import { loadActor } from '../../src/platform/sessions.ts';
import { listWork } from '../../src/platform/work.ts';
import { TestClient } from '../support/client.ts';
import { createOrganisation, createPartnership, createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';
import { createPerson } from '../support/people.ts';

const episodeIdFrom = (location: unknown) => /\/episodes\/([0-9a-f-]{36})/.exec(String(location))![1]!;

for (const engine of engines()) {
  describe(`Early help episodes (${engine})`, () => {
    let t: TestApp;
    let db: Kysely<DB>;
    let teacher: TestUser;
    let nurse: TestUser;
    let worker: TestUser;
    let stranger: TestUser;
    let tsl: TestUser;
    let fd: TestUser;
    let childId: string;
    let siblingId: string;
    let otherChildId: string;
    const clients = new Map<string, TestClient>();
    const as = async (u: TestUser) => {
      let c = clients.get(u.id);
      if (!c) {
        c = new TestClient(t.app, t.clock);
        await c.signIn(u);
        clients.set(u.id, c);
      }
      return c;
    };
    const kinds = async (u: TestUser, personId: string) =>
      (await relationshipsWith(db, (await loadActor(db, u.id, 'session'))!, personId, t.clock.now())).map(
        (r) => r.kind,
      );

    /** Opens an episode for a child as a user, with a lead, through the form. */
    const openEpisode = async (who: TestUser, personId: string, lead: TestUser, extra: Record<string, string> = {}) => {
      const c = await as(who);
      await c.get(`/people/${personId}/episodes/new`);
      return c.post(`/people/${personId}/episodes`, { personIds: personId, leadUserId: lead.id, ...extra });
    };

    before(async () => {
      t = await startTestApp(engine);
      t.clock.set(new Date('2026-12-01T10:00:00Z'));
      db = t.database.db;
      const school = await createOrganisation(db, { name: 'Oak Lane Primary', agency_type: 'school' });
      const health = await createOrganisation(db, { name: 'Lea Health', agency_type: 'health' });
      const council = await createOrganisation(db, { name: 'Lea Council', agency_type: 'local_authority' });
      const social = await createOrganisation(db, { name: 'Lea Social Care', agency_type: 'social_care' });
      const otherSchool = await createOrganisation(db, { name: 'Far Hill Primary', agency_type: 'school' });
      const lea = await createPartnership(db, 'Lea', [school.id, health.id, council.id]);
      await createPartnership(db, 'Elsewhere', [otherSchool.id]);
      await db
        .insertInto('team')
        .values({
          organisation_id: social.id,
          name: 'Lea Front Door',
          area_id: lea.partnershipId,
          contact_role: 'front_door',
        })
        .execute();
      const targeted = await db
        .insertInto('team')
        .values({
          organisation_id: council.id,
          name: 'Lea Targeted',
          area_id: lea.areaId,
          contact_role: 'targeted_services',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      teacher = await createUser(db, { organisationId: school.id, name: 'Tess Teacher' });
      nurse = await createUser(db, { organisationId: health.id, name: 'Nia Nurse' });
      worker = await createUser(db, { organisationId: council.id, name: 'Wren Worker' });
      stranger = await createUser(db, { organisationId: otherSchool.id, name: 'Sam Stranger' });
      tsl = await createUser(db, { organisationId: council.id, name: 'Tia Leader', roles: ['integrated_processes'] });
      fd = await createUser(db, { organisationId: social.id, name: 'Fay Door', roles: ['front_door'] });
      await db.insertInto('user_team').values({ user_id: tsl.id, team_id: targeted.id, is_manager: false }).execute();
      const address = { line1: '1 Mill Lane', line2: null, town: null, postcode: 'LU1 1AA', areaId: lea.areaId };
      childId = await createPerson(db, {
        givenName: 'Poppy',
        familyName: 'Fenwick',
        dateOfBirth: '2017-03-04',
        involvement: { organisationId: school.id, userId: teacher.id },
      });
      siblingId = await createPerson(db, { givenName: 'Pip', familyName: 'Fenwick', dateOfBirth: '2019-05-06' });
      otherChildId = await createPerson(db, {
        givenName: 'Otto',
        familyName: 'Marsh',
        dateOfBirth: '2016-02-02',
        involvement: { organisationId: school.id, userId: teacher.id },
      });
      const household = await registry.findOrCreateHousehold(db, address);
      await registry.moveTo(db, childId, household, '2020-01-01');
      await registry.moveTo(db, siblingId, household, '2020-01-01');
      const other = await registry.findOrCreateHousehold(db, { ...address, line1: '9 Mill Lane' });
      await registry.moveTo(db, otherChildId, other, '2020-01-01');
    });
    after(() => t.close());

    test('opening needs a lead practitioner: refused without one, with what was chosen kept', async () => {
      const c = await as(teacher);
      const page = await c.get(`/people/${otherChildId}/episodes/new`);
      assert.equal(page.statusCode, 200);
      const res = await c.post(`/people/${otherChildId}/episodes`, { personIds: otherChildId, leadUserId: '' });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /Select the lead practitioner/);
      assert.match(res.body, new RegExp(`value="${otherChildId}" checked`));
      assert.equal(
        (await db.selectFrom('episode_person').select('episode_id').where('person_id', '=', otherChildId).execute())
          .length,
        0,
      );
    });

    test('the lead must work in the child’s partnership; so must a user added to the team', async () => {
      const res = await openEpisode(teacher, otherChildId, stranger);
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /Select a lead practitioner who works with children in this child’s partnership/);

      const opened = await openEpisode(teacher, otherChildId, teacher);
      assert.equal(opened.statusCode, 303);
      const episodeId = episodeIdFrom(opened.headers.location);
      const c = await as(teacher);
      await c.get(`/people/${otherChildId}/episodes/${episodeId}/members/new`);
      const add = await c.post(`/people/${otherChildId}/episodes/${episodeId}/members`, {
        kind: 'user',
        userId: stranger.id,
        role: 'Class teacher at the old school',
      });
      assert.equal(add.statusCode, 400);
      assert.match(add.body, /Select a practitioner who works with children in this child’s partnership/);
      assert.match(add.body, /value="Class teacher at the old school"/);
      assert.deepEqual(await kinds(stranger, otherChildId), []);
    });

    test('open, the lead is appointed and asked to acknowledge; a second open episode for the same child is refused', async () => {
      const res = await openEpisode(teacher, childId, worker, { personIds: [childId, siblingId] as never });
      assert.equal(res.statusCode, 303);
      const episodeId = episodeIdFrom(res.headers.location);
      const people = await db
        .selectFrom('episode_person')
        .select('person_id')
        .where('episode_id', '=', episodeId)
        .execute();
      assert.deepEqual(people.map((p) => p.person_id).sort(), [childId, siblingId].sort());
      assert.ok((await kinds(worker, childId)).includes('lead'));
      assert.ok((await kinds(worker, siblingId)).includes('lead'));
      const work = await listWork(db, (await loadActor(db, worker.id, 'session'))!, t.clock.now());
      const item = work.find((w) => w.kind === 'episode.acknowledge-lead');
      assert.ok(item);
      assert.equal(item.href, `/people/${childId}/episodes/${episodeId}`);
      const told = await db.selectFrom('notification').select('kind').where('user_id', '=', worker.id).execute();
      assert.ok(told.some((n) => n.kind === 'episode.lead-appointed'));

      const w = await as(worker);
      const page = await w.get(item.href);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Not acknowledged yet/);
      const ack = await w.post(`/people/${childId}/episodes/${episodeId}/acknowledge`, {});
      assert.equal(ack.statusCode, 303);
      const after = await listWork(db, (await loadActor(db, worker.id, 'session'))!, t.clock.now());
      assert.ok(!after.some((x) => x.kind === 'episode.acknowledge-lead'));

      const again = await openEpisode(worker, siblingId, worker);
      assert.equal(again.statusCode, 400);
      assert.match(again.body, /already has an open early help episode/);
    });

    test('a team member gains access to the child, and loses it on leaving', async () => {
      const episode = await db
        .selectFrom('episode_person as ep')
        .innerJoin('episode as e', 'e.id', 'ep.episode_id')
        .select('e.id')
        .where('ep.person_id', '=', childId)
        .where('e.status', '=', 'open')
        .executeTakeFirstOrThrow();
      const url = `/people/${childId}/episodes/${episode.id}`;
      const n = await as(nurse);
      assert.equal((await n.get(url)).statusCode, 404);
      assert.deepEqual(await kinds(nurse, childId), []);

      const w = await as(worker);
      await w.get(`${url}/members/new`);
      const missing = await w.post(`${url}/members`, { kind: 'user', userId: nurse.id, role: '' });
      assert.equal(missing.statusCode, 400);
      assert.match(missing.body, /Enter their role in the team/);
      const added = await w.post(`${url}/members`, { kind: 'user', userId: nurse.id, role: 'School nurse' });
      assert.equal(added.statusCode, 303);
      await w.post(`${url}/members`, {
        kind: 'outside',
        name: 'Dee Dentist',
        organisation: 'Mill Lane Dental',
        role: 'Dentist',
      });
      assert.deepEqual(await kinds(nurse, childId), ['team_around_family']);
      assert.deepEqual(await kinds(nurse, siblingId), ['team_around_family']);
      const seen = await n.get(url);
      assert.equal(seen.statusCode, 200);
      assert.match(seen.body, /Dee Dentist, Mill Lane Dental/);
      // A member may see the episode but not change it.
      assert.equal((await n.get(`${url}/handover`)).statusCode, 403);

      const member = await db
        .selectFrom('episode_member')
        .select('id')
        .where('episode_id', '=', episode.id)
        .where('user_id', '=', nurse.id)
        .executeTakeFirstOrThrow();
      await w.get(`${url}/members/${member.id}/remove`);
      const removed = await w.post(`${url}/members/${member.id}/remove`, {});
      assert.equal(removed.statusCode, 303);
      assert.deepEqual(await kinds(nurse, childId), []);
      assert.equal((await n.get(url)).statusCode, 404);
      const refused = await db
        .selectFrom('audit_event')
        .select('record_id')
        .where('action', '=', 'episode.refused')
        .where('actor_user_id', '=', nurse.id)
        .execute();
      assert.ok(refused.length >= 2 && refused.every((r) => r.record_id === childId));
    });

    test('the lead changes only through a handover with a note and a date; the lead is never blank', async () => {
      const episode = await db
        .selectFrom('episode_person as ep')
        .innerJoin('episode as e', 'e.id', 'ep.episode_id')
        .select('e.id')
        .where('ep.person_id', '=', childId)
        .where('e.status', '=', 'open')
        .executeTakeFirstOrThrow();
      const url = `/people/${childId}/episodes/${episode.id}`;
      const w = await as(worker);
      const form = await w.get(`${url}/handover`);
      assert.equal(form.statusCode, 200, form.body.slice(0, 3000));
      assert.match(form.body, /Wren Worker/);
      const noNote = await w.post(`${url}/handover`, {
        incomingUserId: teacher.id,
        note: '',
        'agreedOn-day': '30',
        'agreedOn-month': '11',
        'agreedOn-year': '2026',
      });
      assert.equal(noNote.statusCode, 400);
      assert.match(noNote.body, /Enter the handover note/);
      assert.match(noNote.body, /name="agreedOn-day"[^>]*value="30"/);
      const future = await w.post(`${url}/handover`, {
        incomingUserId: teacher.id,
        note: 'Routines plan agreed with the family.',
        'agreedOn-day': '30',
        'agreedOn-month': '12',
        'agreedOn-year': '2026',
      });
      assert.equal(future.statusCode, 400);
      assert.match(future.body, /must be today or in the past/);
      assert.match(future.body, /Routines plan agreed with the family\./);
      const current = () =>
        db
          .selectFrom('episode_lead')
          .select('user_id')
          .where('episode_id', '=', episode.id)
          .where('ended_at', 'is', null)
          .execute();
      assert.deepEqual(
        (await current()).map((r) => r.user_id),
        [worker.id],
      );

      const ok = await w.post(`${url}/handover`, {
        incomingUserId: teacher.id,
        note: 'Routines plan agreed with the family.',
        'agreedOn-day': '30',
        'agreedOn-month': '11',
        'agreedOn-year': '2026',
      });
      assert.equal(ok.statusCode, 303);
      assert.deepEqual(
        (await current()).map((r) => r.user_id),
        [teacher.id],
      );
      const row = await db
        .selectFrom('episode_lead')
        .selectAll()
        .where('episode_id', '=', episode.id)
        .where('ended_at', 'is', null)
        .executeTakeFirstOrThrow();
      assert.equal(row.handover_from, worker.id);
      assert.equal(row.handover_agreed_on, '2026-11-30');
      assert.ok(!(await kinds(worker, childId)).includes('lead'));
      assert.ok((await kinds(teacher, childId)).includes('lead'));
      // The outgoing lead no longer works with the child through the episode, so cannot change it.
      assert.equal((await w.get(`${url}/close`)).statusCode, 404);
      // The database keeps one current lead: a second is refused.
      await assert.rejects(
        db
          .insertInto('episode_lead')
          .values({ episode_id: episode.id, user_id: worker.id, started_at: t.clock.now(), appointed_by: worker.id })
          .execute(),
      );
    });

    test('closing needs a reason; closing ends the lead and the team’s access', async () => {
      const episode = await db
        .selectFrom('episode_person as ep')
        .innerJoin('episode as e', 'e.id', 'ep.episode_id')
        .select('e.id')
        .where('ep.person_id', '=', childId)
        .where('e.status', '=', 'open')
        .executeTakeFirstOrThrow();
      const url = `/people/${childId}/episodes/${episode.id}`;
      const c = await as(teacher);
      await c.get(`${url}/members/new`);
      await c.post(`${url}/members`, { kind: 'user', userId: nurse.id, role: 'School nurse' });
      assert.deepEqual(await kinds(nurse, childId), ['team_around_family']);
      await c.get(`${url}/close`);
      const none = await c.post(`${url}/close`, { note: 'All going well.' });
      assert.equal(none.statusCode, 400);
      assert.match(none.body, /Select why the episode is closing/);
      assert.match(none.body, /All going well\./);
      const other = await c.post(`${url}/close`, { reason: 'other' });
      assert.equal(other.statusCode, 400);
      assert.match(other.body, /Enter the reason the episode is closing/);
      // "Needs met" closes only after a period of monitoring (episode-closure.test.ts).
      const needsMet = await c.post(`${url}/close`, { reason: 'needs_met', note: 'All going well.' });
      assert.equal(needsMet.statusCode, 400);
      assert.match(needsMet.body, /propose closure/);
      const closed = await c.post(`${url}/close`, { reason: 'stepped_down', note: 'All going well.' });
      assert.equal(closed.statusCode, 303);
      const e = await db.selectFrom('episode').selectAll().where('id', '=', episode.id).executeTakeFirstOrThrow();
      assert.equal(e.status, 'closed');
      assert.equal(e.close_reason, 'stepped_down');
      assert.deepEqual(await kinds(nurse, childId), []);
      assert.ok(!(await kinds(teacher, siblingId)).includes('lead'));
      // Without an open episode, the lead marked on an involvement counts again, as before episodes.
      const audit = await db
        .selectFrom('audit_event')
        .select(['action', 'record_id'])
        .where('action', 'like', 'episode.%')
        .where('action', 'not in', ['episode.viewed', 'episode.refused', 'episode.list.viewed'])
        .execute();
      assert.deepEqual([...new Set(audit.map((a) => a.action))].sort(), [
        'episode.closed',
        'episode.lead-acknowledged',
        'episode.lead-handed-over',
        'episode.member-added',
        'episode.member-left',
        'episode.opened',
      ]);
      const chronology = await c.get(`/people/${childId}/chronology`);
      assert.equal(chronology.statusCode, 200);
      for (const words of [
        'Early help episode opened',
        'Lead practitioner appointed: Wren Worker',
        'Lead practitioner handed over from Wren Worker to Tess Teacher',
        'Nia Nurse joined the team around the family (School nurse)',
        'Nia Nurse left the team around the family',
        'Early help episode closed: another service now leads',
      ]) {
        assert.ok(chronology.body.includes(words), words);
      }
    });

    test('a lead marked on an involvement counts only while the child has no open episode', async () => {
      const kid = await createPerson(db, {
        givenName: 'Ivy',
        familyName: 'Holt',
        dateOfBirth: '2018-01-01',
        involvement: { organisationId: teacher.organisationId, userId: teacher.id },
      });
      await db.updateTable('involvement').set({ is_lead: true }).where('person_id', '=', kid).execute();
      assert.ok((await kinds(teacher, kid)).includes('lead'));
      const res = await openEpisode(teacher, kid, worker);
      assert.equal(res.statusCode, 303);
      assert.ok(!(await kinds(teacher, kid)).includes('lead'));
      assert.ok((await kinds(worker, kid)).includes('lead'));
    });

    test('the lead shown on the card, in who to talk to and in the targeted services lists is the episode’s lead', async () => {
      const kid = await createPerson(db, {
        givenName: 'Lark',
        familyName: 'Penrose',
        dateOfBirth: '2018-02-02',
        involvement: { organisationId: teacher.organisationId, userId: teacher.id },
      });
      await db.updateTable('involvement').set({ is_lead: true }).where('person_id', '=', kid).execute();
      const home = await registry.findOrCreateHousehold(db, {
        line1: '14 Mill Lane',
        line2: null,
        town: null,
        postcode: 'LU1 1AA',
        areaId: (
          await db.selectFrom('team').select('area_id').where('name', '=', 'Lea Targeted').executeTakeFirstOrThrow()
        ).area_id!,
      });
      await registry.moveTo(db, kid, home, '2020-01-01');
      await db
        .insertInto('need_level')
        .values({ person_id: kid, level: 'early_help', reason: 'Attendance falling', recorded_at: t.clock.now() })
        .execute();
      const noLead = async () =>
        (await families(db, tsl.id, '2026-12-01', t.clock.now(), { householdIds: [home] }))[0]!.no_lead;
      const c = await as(teacher);
      const leadOnCard = async () => /data-qa="lead">([\s\S]*?)<\/dd>/.exec((await c.get(`/people/${kid}`)).body)![1]!;
      const talkTo = async () => (await c.get(`/people/${kid}/who-to-talk-to`)).body;
      assert.match(await leadOnCard(), /Tess Teacher/);
      assert.equal(await noLead(), false);

      // The teacher's involvement stays marked lead, but the episode's lead is the lead.
      const res = await openEpisode(teacher, kid, worker);
      assert.equal(res.statusCode, 303);
      const episodeId = episodeIdFrom(res.headers.location);
      const card = await leadOnCard();
      assert.match(card, /Wren Worker/);
      assert.doesNotMatch(card, /Tess Teacher/);
      assert.ok(card.includes(`/people/${kid}/episodes/${episodeId}`), 'the card links to the episode');
      const talk = await talkTo();
      const leadContact = /data-qa="contact-lead">([\s\S]*?)<\/li>/.exec(talk)![1]!;
      assert.match(leadContact, /Wren Worker/);
      assert.match(leadContact, /lead practitioner/);
      assert.ok(leadContact.includes(`/people/${kid}/episodes/${episodeId}`), 'who to talk to links to the episode');
      assert.equal(await noLead(), false);
      const family = (await c.get(`/people/${kid}/family`)).body;
      assert.match(family, /Lead practitioner: Wren Worker/);
      assert.ok(family.includes(`/people/${kid}/episodes/${episodeId}`), 'the family page links to the episode');
      assert.doesNotMatch(family, /\(lead\)/);
      const leads = await currentLeads(db, [kid], t.clock.now());
      assert.equal(leads.get(kid)?.userId, worker.id);
      assert.equal(leads.get(kid)?.episodeId, episodeId);

      // Closed, the lead marked on the involvement counts again.
      const w = await as(worker);
      await w.get(`/people/${kid}/episodes/${episodeId}/close`);
      const closed = await w.post(`/people/${kid}/episodes/${episodeId}/close`, { reason: 'moved_away', note: '' });
      assert.equal(closed.statusCode, 200);
      assert.equal(
        (await db.selectFrom('episode').select('status').where('id', '=', episodeId).executeTakeFirstOrThrow()).status,
        'closed',
      );
      assert.match(await leadOnCard(), /Tess Teacher/);
      assert.equal((await currentLeads(db, [kid], t.clock.now())).get(kid)?.userId, teacher.id);
      assert.match((await c.get(`/people/${kid}/family`)).body, /\(lead\)/);
      assert.equal(await noLead(), false);

      // With no lead at all, the family counts as having none.
      await db.updateTable('involvement').set({ is_lead: false }).where('person_id', '=', kid).execute();
      assert.equal(await noLead(), true);
      assert.match(await leadOnCard(), /None appointed/);
    });

    test('the targeted services leader opens an episode from a front door request, which completes their work', async () => {
      const kid = await createPerson(db, {
        givenName: 'Remy',
        familyName: 'Stone',
        dateOfBirth: '2016-06-06',
        involvement: { organisationId: teacher.organisationId, userId: teacher.id },
      });
      const household = await registry.findOrCreateHousehold(db, {
        line1: '3 Mill Lane',
        line2: null,
        town: null,
        postcode: 'LU1 1AA',
        areaId: (
          await db.selectFrom('team').select('area_id').where('name', '=', 'Lea Targeted').executeTakeFirstOrThrow()
        ).area_id!,
      });
      await registry.moveTo(db, kid, household, '2020-01-01');
      const c = await as(teacher);
      await c.get(`/front-door/requests/new?child=${kid}`);
      await c.post('/front-door/requests/new', { harm: 'no', child: kid });
      const made = await c.post('/front-door/requests', {
        harm: 'no',
        child: kid,
        referralSource: '2A',
        circumstances: 'Often hungry and tired in class.',
        needsToHappen: 'Someone to work with the family on routines.',
        tried: 'Breakfast club.',
        permission: 'child_at_risk_of_harm',
        lawfulReason: 'Parents could not be reached today.',
        urgency: 'normal',
      });
      const contactId = /\/front-door\/contacts\/([0-9a-f-]{36})/.exec(String(made.headers.location))![1]!;
      const f = await as(fd);
      await f.get(`/front-door/contacts/${contactId}/decision`);
      const decided = await f.post(`/front-door/contacts/${contactId}/decision`, {
        outcome: 'targeted_support',
        level: 'targeted',
        indicator: ['learning.early_help.1'],
        rationale: 'Needs across home and school.',
      });
      assert.equal(decided.statusCode, 303);
      const l = await as(tsl);
      const contact = await l.get(`/front-door/contacts/${contactId}`);
      assert.match(contact.body, new RegExp(`/people/${kid}/episodes/new\\?contact=${contactId}`));
      // Someone else cannot open from the leader's request.
      const teacherTry = await openEpisode(teacher, kid, teacher, { contactId });
      assert.equal(teacherTry.statusCode, 404);
      await l.get(`/people/${kid}/episodes/new?contact=${contactId}`);
      const opened = await l.post(`/people/${kid}/episodes`, { personIds: kid, leadUserId: worker.id, contactId });
      assert.equal(opened.statusCode, 303);
      const e = await db
        .selectFrom('episode')
        .selectAll()
        .where('id', '=', episodeIdFrom(opened.headers.location))
        .executeTakeFirstOrThrow();
      assert.equal(e.opened_from, 'front_door_contact');
      assert.equal(e.opened_from_id, contactId);
      const work = await listWork(db, (await loadActor(db, tsl.id, 'session'))!, t.clock.now());
      assert.ok(
        !work.some((w) => w.kind === 'front-door.targeted-support' && w.href === `/front-door/contacts/${contactId}`),
      );
    });

    test('API: open, see, add a member, hand over and close', async () => {
      const kid = await createPerson(db, {
        givenName: 'Ada',
        familyName: 'Quill',
        dateOfBirth: '2015-01-01',
        involvement: { organisationId: teacher.organisationId, userId: teacher.id },
      });
      const tokens = new TokenService(db, t.clock);
      const meta = { requestId: 'test', clientIp: '127.0.0.1' };
      const { token } = await tokens.createForEmail(teacher.email, { name: 'episodes', expiresInDays: null }, meta);
      const api = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
        t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
      const opened = await api('POST', '/api/v1/episodes', { personId: kid, leadUserId: teacher.id });
      assert.equal(opened.statusCode, 201, opened.body);
      const id = opened.json().id as string;
      const list = await api('GET', `/api/v1/episodes?personId=${kid}`);
      assert.equal(list.json().items[0].id, id);
      const member = await api('POST', `/api/v1/episodes/${id}/members`, { userId: nurse.id, role: 'School nurse' });
      assert.equal(member.statusCode, 201, member.body);
      const blankLead = await api('POST', `/api/v1/episodes/${id}/handover`, {
        incomingUserId: worker.id,
        agreedOn: '2026-11-30',
      });
      assert.equal(blankLead.statusCode, 400);
      const handed = await api('POST', `/api/v1/episodes/${id}/handover`, {
        incomingUserId: worker.id,
        note: 'Handing over as I am leaving the school.',
        agreedOn: '2026-11-30',
      });
      assert.equal(handed.statusCode, 200, handed.body);
      const detail = (await api('GET', `/api/v1/episodes/${id}`)).json();
      assert.equal(detail.lead.userId, worker.id);
      assert.equal(detail.leads.length, 2);
      assert.equal(detail.team[0].userId, nurse.id);
      const noReason = await api('POST', `/api/v1/episodes/${id}/close`, {});
      assert.equal(noReason.statusCode, 400);
      // The teacher is no longer the lead: closing is for the lead or the targeted services leader.
      const notLead = await api('POST', `/api/v1/episodes/${id}/close`, { reason: 'moved_away' });
      assert.equal(notLead.statusCode, 403);
      const strangerToken = await tokens.createForEmail(stranger.email, { name: 'x', expiresInDays: null }, meta);
      const hidden = await t.app.inject({
        method: 'GET',
        url: `/api/v1/episodes/${id}`,
        headers: { authorization: `Bearer ${strangerToken.token}` },
      });
      assert.equal(hidden.statusCode, 404);
    });
  });
}
