import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import * as registry from '../../src/features/people/registry-repository.ts';
import { childrenOnTafMeetings } from '../../src/features/taf/service.ts';
import { idFrom, openEpisode, signedInClients } from '../support/client.ts';
import { createEarlyHelpWorld, createOrganisation, createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';
import { createFamily, createPerson } from '../support/people.ts';

for (const engine of engines()) {
  describe(`Team around the family meetings (${engine})`, () => {
    let t: TestApp;
    let db: Kysely<DB>;
    let teacher: TestUser;
    let nurse: TestUser;
    let worker: TestUser;
    let other: TestUser;
    let outsider: TestUser;
    let social: TestUser;
    let stepChildId: string;
    let childId: string;
    let siblingId: string;
    let mumId: string;
    let episodeId: string;
    let nurseMemberId: string;
    const as = signedInClients(() => t);
    const meetings = () => `/people/${childId}/episodes/${episodeId}/taf-meetings`;
    const schedule = {
      'meetsOn-day': '3',
      'meetsOn-month': '12',
      'meetsOn-year': '2026',
      time: '14:30',
      format: 'in_person',
      place: 'Oak Lane Primary, meeting room 2',
    };

    before(async () => {
      t = await startTestApp(engine);
      t.clock.set(new Date('2026-12-01T10:00:00Z'));
      db = t.database.db;
      const world = await createEarlyHelpWorld(db, { health: true });
      ({ teacher, worker } = world);
      nurse = world.nurse!;
      const school = world.school;
      other = await createUser(db, { organisationId: school.id, name: 'Olly Other' });
      const youth = await createOrganisation(db, { name: 'Lea Youth', agency_type: 'youth_service' });
      outsider = await createUser(db, { organisationId: youth.id, name: 'Ugo Outsider' });
      const family = await createFamily(db, {
        involvement: { organisationId: school.id, userId: teacher.id },
        sibling: true,
        parent: { givenName: 'Mina', familyName: 'Fenwick', dateOfBirth: '1990-01-01' },
        areaId: world.areaId,
      });
      childId = family.childId;
      siblingId = family.siblingId!;
      mumId = family.parentId!;
      await createPerson(db, {
        givenName: 'Olive',
        familyName: 'Marsh',
        dateOfBirth: '2016-02-02',
        involvement: { organisationId: school.id, userId: other.id },
      });
      const address = family.address;
      const socialCare = await createOrganisation(db, { name: 'Lea Social Care', agency_type: 'social_care' });
      social = await createUser(db, { organisationId: socialCare.id, name: 'Sol Social', roles: ['front_door'] });
      stepChildId = await createPerson(db, {
        givenName: 'Sid',
        familyName: 'Stone',
        dateOfBirth: '2015-06-06',
        involvement: { organisationId: socialCare.id, userId: social.id, role: 'Social worker' },
      });
      const stoneHome = await registry.findOrCreateHousehold(db, { ...address, line1: '4 Mill Lane' });
      await registry.moveTo(db, stepChildId, stoneHome, '2020-01-01');
      // The teacher opens an episode with the worker as lead; the worker adds the nurse and an outside practitioner.
      episodeId = await openEpisode(await as(teacher), childId, worker.id, [childId, siblingId]);
      const w = await as(worker);
      const base = `/people/${childId}/episodes/${episodeId}`;
      assert.equal(
        (await w.post(`${base}/members`, { kind: 'user', userId: nurse.id, role: 'School nurse' })).statusCode,
        303,
      );
      assert.equal(
        (
          await w.post(`${base}/members`, {
            kind: 'outside',
            name: 'Hal Housing',
            organisation: 'Lea Homes',
            role: 'Housing officer',
          })
        ).statusCode,
        303,
      );
      nurseMemberId = (
        await db
          .selectFrom('episode_member')
          .select('id')
          .where('episode_id', '=', episodeId)
          .where('user_id', '=', nurse.id)
          .executeTakeFirstOrThrow()
      ).id;
    });
    after(() => t.close());

    test('only the lead or a team member arranges a meeting; someone with no relationship gets not found', async () => {
      const teacherPage = await (await as(teacher)).get(`${meetings()}/new`);
      assert.equal(teacherPage.statusCode, 403);
      const refused = await (await as(teacher)).post(meetings(), { ...schedule, chairUserId: worker.id });
      assert.equal(refused.statusCode, 403);
      assert.equal((await (await as(outsider)).get(meetings())).statusCode, 404);
      assert.equal(
        (await (await as(outsider)).post(meetings(), { ...schedule, chairUserId: worker.id })).statusCode,
        404,
      );
      const events = await db
        .selectFrom('audit_event')
        .select('action')
        .where('action', '=', 'taf-meeting.refused')
        .where('record_id', '=', childId)
        .execute();
      assert.ok(events.length >= 2);
      assert.equal((await db.selectFrom('taf_meeting').select('id').execute()).length, 0);
      // The teacher still sees the list: they work with the child.
      assert.equal((await (await as(teacher)).get(meetings())).statusCode, 200);
    });

    test('arranging a meeting: refused with what was typed kept; then the team is told', async () => {
      const n = await as(nurse);
      const page = await n.get(`${meetings()}/new`);
      assert.equal(page.statusCode, 200);
      const bad = await n.post(meetings(), { ...schedule, time: '25:00', chairUserId: nurse.id });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Enter the time of the meeting/);
      assert.match(bad.body, /value="Oak Lane Primary, meeting room 2"/);
      const outsider = await n.post(meetings(), { ...schedule, chairUserId: other.id });
      assert.equal(outsider.statusCode, 400);
      assert.match(outsider.body, /Select who will chair/);

      const ok = await n.post(meetings(), { ...schedule, chairUserId: worker.id });
      assert.equal(ok.statusCode, 303);
      const meetingId = idFrom('taf-meetings', ok.headers.location);
      const row = await db.selectFrom('taf_meeting').selectAll().where('id', '=', meetingId).executeTakeFirstOrThrow();
      assert.equal(row.meets_at.toISOString(), '2026-12-03T14:30:00.000Z');
      assert.equal(row.status, 'scheduled');
      const told = await db
        .selectFrom('notification')
        .select(['user_id', 'href'])
        .where('kind', '=', 'taf-meeting.scheduled')
        .execute();
      assert.deepEqual(
        told.map((x) => x.user_id),
        [worker.id],
      );
      assert.equal(told[0]!.href, `${meetings()}/${meetingId}`);
      // Children on meetings still to be held, for panels.
      const on = await childrenOnTafMeetings(db, new Date('2026-12-01T00:00:00Z'), new Date('2026-12-31T00:00:00Z'));
      assert.deepEqual(on.map((x) => x.personId).sort(), [childId, siblingId].sort());
      assert.ok(on.every((x) => x.meetingId === meetingId));
    });

    test('recording a meeting: attendance, family present, decisions; on the chronology with who attended', async () => {
      const meeting = await db.selectFrom('taf_meeting').select('id').executeTakeFirstOrThrow();
      const url = `${meetings()}/${meeting.id}/record`;
      const w = await as(worker);
      // Not yet held.
      const early = await w.post(url, {
        'attendance-lead': 'present',
        familyViews: 'Mina wants help with mornings',
        decisions: 'Nurse to visit',
      });
      assert.equal(early.statusCode, 400, String(early.headers.location));
      assert.match(early.body, /has not happened yet/);

      t.clock.set(new Date('2026-12-03T16:00:00Z'));
      as.clear();
      const w2 = await as(worker);
      const page = await w2.get(url);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Mina Fenwick/);
      const missing = await w2.post(url, {
        'attendance-lead': 'present',
        familyIds: mumId,
        others: 'Hal Housing',
        familyViews: 'Mina wants help with mornings',
        decisions: 'Nurse to visit\nSchool to offer breakfast club',
      });
      assert.equal(missing.statusCode, 400);
      assert.match(missing.body, /their name, a comma, then their organisation/);
      assert.match(missing.body, /Mina wants help with mornings/);
      assert.match(missing.body, /School to offer breakfast club/);
      assert.match(missing.body, new RegExp(`value="${mumId}" checked`));

      const noNurse = await w2.post(url, {
        'attendance-lead': 'present',
        familyIds: mumId,
        familyViews: 'Mina wants help with mornings',
        decisions: 'Nurse to visit',
      });
      assert.equal(noNurse.statusCode, 400);
      assert.match(noNurse.body, /Select whether Nia Nurse was present/);
      assert.match(noNurse.body, /value="present" checked/);
      const outsideMember = await db
        .selectFrom('episode_member')
        .select('id')
        .where('episode_id', '=', episodeId)
        .where('outside_name', '=', 'Hal Housing')
        .executeTakeFirstOrThrow();
      const ok = await w2.post(url, {
        'attendance-lead': 'present',
        [`attendance-${nurseMemberId}`]: 'apologies',
        [`attendance-${outsideMember.id}`]: 'present',
        familyIds: mumId,
        others: 'Dee Dentist, Lea Smiles',
        familyViews: 'Mina wants help with mornings',
        decisions: 'Nurse to visit\n\nSchool to offer breakfast club',
        'nextMeetingOn-day': '7',
        'nextMeetingOn-month': '1',
        'nextMeetingOn-year': '2027',
      });
      assert.equal(ok.statusCode, 303);
      const view = await w2.get(String(ok.headers.location));
      assert.equal(view.statusCode, 200);
      assert.match(view.body, /Meeting recorded/);
      assert.match(view.body, /Sent apologies/);
      assert.match(view.body, /Dee Dentist \(Lea Smiles\)/);
      const decisions = await db
        .selectFrom('taf_meeting_decision')
        .select('decision')
        .where('meeting_id', '=', meeting.id)
        .orderBy('position')
        .execute();
      assert.deepEqual(
        decisions.map((d) => d.decision),
        ['Nurse to visit', 'School to offer breakfast club'],
      );
      const held = await db
        .selectFrom('taf_meeting')
        .selectAll()
        .where('id', '=', meeting.id)
        .executeTakeFirstOrThrow();
      assert.equal(held.status, 'held');
      assert.equal(held.next_meeting_on, '2027-01-07');

      const chronology = await w2.get(`/people/${childId}/chronology`);
      assert.equal(chronology.statusCode, 200);
      assert.match(chronology.body, /Team around the family meeting held, attended by Wren Worker, Hal Housing/);
      assert.match(chronology.body, /School to offer breakfast club/);
      const sibling = await w2.get(`/people/${siblingId}/chronology`);
      assert.match(sibling.body, /Team around the family meeting held/);

      // Recorded once: the form is gone afterwards.
      assert.equal((await w2.get(url)).statusCode, 404);
      const audit = await db
        .selectFrom('audit_event')
        .select(['record_id'])
        .where('action', '=', 'taf-meeting.recorded')
        .execute();
      assert.deepEqual(
        audit.map((a) => a.record_id),
        [childId],
      );
    });

    test('step up: only the lead (or a manager) asks; refused without reasons, keeping what was typed', async () => {
      const url = `/people/${childId}/episodes/${episodeId}/step-up`;
      assert.equal((await (await as(nurse)).get(`${url}?harm=no`)).statusCode, 403);
      assert.equal((await (await as(outsider)).get(url)).statusCode, 404);
      const w = await as(worker);
      const first = await w.get(url);
      assert.equal(first.statusCode, 200);
      assert.match(first.body, /Do you believe a child is at risk of significant harm/);
      const before = await db.selectFrom('contact').select('id').execute();
      const bad = await w.post(url, {
        harm: 'no',
        whyNow: '',
        whatChanged: 'Poppy has stopped coming to school',
        urgency: 'normal',
        permission: 'child_at_risk_of_harm',
        lawfulReason: 'Poppy is not safe at home',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Enter why you are asking for a step up now/);
      assert.match(bad.body, /Poppy has stopped coming to school/);
      assert.match(bad.body, /value="normal" checked/);
      const noReason = await w.post(url, {
        harm: 'no',
        whyNow: 'The plan is not working',
        whatChanged: 'Poppy has stopped coming to school',
        urgency: 'normal',
        permission: 'child_at_risk_of_harm',
      });
      assert.equal(noReason.statusCode, 400);
      assert.match(noReason.body, /Enter why you are sharing without the family’s agreement/);
      assert.match(noReason.body, /The plan is not working/);
      assert.equal((await db.selectFrom('contact').select('id').execute()).length, before.length);
    });

    test('step up creates exactly one front door contact with the episode’s summary; urgent when risk is yes', async () => {
      const url = `/people/${childId}/episodes/${episodeId}/step-up`;
      const w = await as(worker);
      const before = (await db.selectFrom('contact').select('id').execute()).map((c) => c.id);
      const ok = await w.post(url, {
        harm: 'no',
        whyNow: 'The plan is not working',
        whatChanged: 'Poppy has stopped coming to school',
        urgency: 'normal',
        permission: 'child_at_risk_of_harm',
        lawfulReason: 'Poppy may not be safe at home',
      });
      assert.equal(ok.statusCode, 303);
      const made = (await db.selectFrom('contact').selectAll().execute()).filter((c) => !before.includes(c.id));
      assert.equal(made.length, 1);
      const contact = made[0]!;
      assert.equal(contact.urgency, 'normal');
      assert.equal(contact.referrer_user_id, worker.id);
      assert.match(contact.circumstances, /The plan is not working/);
      assert.match(contact.circumstances, /Poppy has stopped coming to school/);
      assert.match(contact.tried ?? '', /Lead practitioner: Wren Worker, Lea Council/);
      assert.match(contact.tried ?? '', /Nia Nurse, Lea Health \(School nurse\)/);
      const children = await db
        .selectFrom('contact_child')
        .select('person_id')
        .where('contact_id', '=', contact.id)
        .execute();
      assert.deepEqual(children.map((c) => c.person_id).sort(), [childId, siblingId].sort());
      const step = await db
        .selectFrom('episode_step')
        .selectAll()
        .where('contact_id', '=', contact.id)
        .executeTakeFirstOrThrow();
      assert.equal(step.direction, 'up');
      assert.equal(step.episode_id, episodeId);

      const page = await w.get(String(ok.headers.location));
      assert.match(page.body, /Step up asked for/);
      assert.match(page.body, new RegExp(`request ${contact.reference}. Front door decision: not made yet`));
      const chronology = await w.get(`/people/${childId}/chronology`);
      assert.match(
        chronology.body,
        /Step up to children’s social care: Wren Worker \(Lea Council\) asked the front door/,
      );

      const harm = await w.get(`${url}?harm=yes`);
      assert.match(harm.body, /Telephone the front door now/);
      const before2 = (await db.selectFrom('contact').select('id').execute()).map((c) => c.id);
      const urgent = await w.post(url, {
        harm: 'yes',
        whyNow: 'Poppy told her teacher she was hurt',
        whatChanged: 'A new partner has moved in',
        permission: 'child_at_risk_of_harm',
        lawfulReason: 'Poppy may not be safe at home',
      });
      assert.equal(urgent.statusCode, 303);
      const made2 = (await db.selectFrom('contact').selectAll().execute()).filter((c) => !before2.includes(c.id));
      assert.equal(made2.length, 1);
      assert.equal(made2[0]!.urgency, 'urgent');
      assert.equal(made2[0]!.significant_harm, true);
      const audit = await db
        .selectFrom('audit_event')
        .select('record_id')
        .where('action', '=', 'episode.stepped-up')
        .execute();
      assert.equal(audit.length, 2);
    });

    test('step down: social care opens an episode with the new lead and the handover conversation', async () => {
      const url = `/people/${stepChildId}/step-down`;
      assert.equal((await (await as(outsider)).get(url)).statusCode, 403);
      const sw = await as(social);
      const page = await sw.get(url);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Nia Nurse \(Lea Health\)/);
      const form = {
        leadUserId: nurse.id,
        'heldOn-day': '1',
        'heldOn-month': '12',
        'heldOn-year': '2026',
        present: 'Sol Social and Nia Nurse',
        summary: '',
        familyTold: 'That Nia will visit next week',
      };
      const bad = await sw.post(url, form);
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Enter a summary of the handover conversation/);
      assert.match(bad.body, /value="Sol Social and Nia Nurse"/);
      assert.match(bad.body, /That Nia will visit next week/);
      assert.equal(
        (await db.selectFrom('episode_step').select('id').where('direction', '=', 'down').execute()).length,
        0,
      );

      const ok = await sw.post(url, { ...form, summary: 'Home is calmer; school attendance is back to normal' });
      assert.equal(ok.statusCode, 303);
      const id = idFrom('episodes', ok.headers.location);
      const episode = await db.selectFrom('episode').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(episode.opened_from, 'step_down');
      const lead = await db
        .selectFrom('episode_lead')
        .selectAll()
        .where('episode_id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(lead.user_id, nurse.id);
      const step = await db
        .selectFrom('episode_step')
        .selectAll()
        .where('episode_id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(step.direction, 'down');
      assert.equal(step.held_on, '2026-12-01');
      assert.equal(step.lead_user_id, nurse.id);
      const work = await db
        .selectFrom('work_item')
        .select(['kind', 'href'])
        .where('kind', '=', 'episode.acknowledge-lead')
        .where('href', '=', `/people/${stepChildId}/episodes/${id}`)
        .execute();
      assert.equal(work.length, 1);
      const told = await db
        .selectFrom('notification')
        .select('kind')
        .where('user_id', '=', nurse.id)
        .where('kind', '=', 'episode.lead-appointed')
        .execute();
      assert.ok(told.length >= 1);
      const view = await sw.get(String(ok.headers.location));
      assert.match(view.body, /Stepped down into early help/);
      assert.match(view.body, /handover to Nia Nurse on/);
      const chronology = await sw.get(`/people/${stepChildId}/chronology`);
      assert.match(
        chronology.body,
        /Step down from children’s social care: Sol Social \(Lea Social Care\) handed over to Nia Nurse/,
      );
      assert.match(chronology.body, /Home is calmer/);
    });

    test('step down is for social care and the front door only', async () => {
      // The nurse now leads Sid's episode and works with him, but is not social care.
      const n = await as(nurse);
      assert.equal((await n.get(`/people/${stepChildId}/step-down`)).statusCode, 403);
    });
  });
}
