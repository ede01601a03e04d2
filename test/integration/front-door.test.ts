import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { TokenService } from '../../src/features/api/service.ts';
import * as registry from '../../src/features/people/registry-repository.ts';
import { relationshipsWith } from '../../src/platform/relationships.ts';
import { loadActor } from '../../src/platform/sessions.ts';
import { listWork } from '../../src/platform/work.ts';
import { signedInClients } from '../support/client.ts';
import { createOrganisation, createPartnership, createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';
import { createPerson } from '../support/people.ts';

async function team(db: Kysely<DB>, values: Record<string, unknown>) {
  return (
    await db
      .insertInto('team')
      .values(values as never)
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}

const contactIdFrom = (location: unknown) => /\/front-door\/contacts\/([0-9a-f-]{36})/.exec(String(location))![1]!;

for (const engine of engines()) {
  describe(`The front door (${engine})`, () => {
    let t: TestApp;
    let db: Kysely<DB>;
    let teacher: TestUser;
    let fd1: TestUser;
    let fd2: TestUser;
    let farFd: TestUser;
    let tsl: TestUser;
    let manager: TestUser;
    let stranger: TestUser;
    let childId: string;
    let siblingId: string;
    const as = signedInClients(() => t);

    /** A request for support, posted as the form sends it. */
    const request = async (who: TestUser, form: Record<string, string | string[]>) => {
      const c = await as(who);
      await c.get(`/front-door/requests/new?child=${childId}`);
      await c.post('/front-door/requests/new', { harm: form.harm ?? 'no', child: childId });
      return c.post('/front-door/requests', {
        harm: 'no',
        child: childId,
        referralSource: '2A',
        circumstances: 'Often hungry and tired in class.',
        needsToHappen: 'Someone to work with the family on routines.',
        tried: 'Breakfast club since October.',
        permission: 'child_at_risk_of_harm',
        lawfulReason: 'Parents could not be reached today.',
        urgency: 'normal',
        ...form,
      });
    };

    before(async () => {
      t = await startTestApp(engine);
      t.clock.set(new Date('2026-12-01T10:00:00Z'));
      db = t.database.db;
      const school = await createOrganisation(db, { name: 'Oak Lane Primary', agency_type: 'school' });
      const otherSchool = await createOrganisation(db, { name: 'Far Hill Primary', agency_type: 'school' });
      const social = await createOrganisation(db, { name: 'Lea Social Care', agency_type: 'social_care' });
      const council = await createOrganisation(db, { name: 'Lea Council', agency_type: 'local_authority' });
      const farSocial = await createOrganisation(db, { name: 'Elsewhere Social Care', agency_type: 'social_care' });
      const lea = await createPartnership(db, 'Lea', [school.id]);
      const elsewhere = await createPartnership(db, 'Elsewhere', [otherSchool.id]);
      await team(db, {
        organisation_id: social.id,
        name: 'Lea Front Door',
        area_id: lea.partnershipId,
        phone: '01632 960100',
        contact_role: 'front_door',
        hours: 'Monday to Friday, 9am to 5pm',
      });
      await team(db, {
        organisation_id: social.id,
        name: 'Lea Emergency Duty',
        area_id: lea.partnershipId,
        phone: '01632 960101',
        contact_role: 'out_of_hours',
        hours: 'Evenings and weekends',
      });
      await team(db, {
        organisation_id: farSocial.id,
        name: 'Elsewhere Front Door',
        area_id: elsewhere.partnershipId,
        phone: '01632 960199',
        contact_role: 'front_door',
      });
      const targeted = await team(db, {
        organisation_id: council.id,
        name: 'Lea Cluster Targeted Services',
        area_id: lea.areaId,
        contact_role: 'targeted_services',
      });
      teacher = await createUser(db, { organisationId: school.id, name: 'Tess Teacher' });
      stranger = await createUser(db, { organisationId: otherSchool.id, name: 'Sam Stranger' });
      fd1 = await createUser(db, { organisationId: social.id, name: 'Fay Door', roles: ['front_door'] });
      fd2 = await createUser(db, { organisationId: social.id, name: 'Finn Door', roles: ['front_door'] });
      farFd = await createUser(db, { organisationId: farSocial.id, name: 'Far Door', roles: ['front_door'] });
      manager = await createUser(db, { organisationId: social.id, name: 'Mo Manager', roles: ['manager'] });
      tsl = await createUser(db, { organisationId: council.id, name: 'Tia Leader', roles: ['integrated_processes'] });
      await db.insertInto('user_team').values({ user_id: tsl.id, team_id: targeted, is_manager: false }).execute();
      childId = await createPerson(db, {
        givenName: 'Poppy',
        familyName: 'Fenwick',
        dateOfBirth: '2017-03-04',
        involvement: { organisationId: school.id, userId: teacher.id },
      });
      siblingId = await createPerson(db, { givenName: 'Pip', familyName: 'Fenwick', dateOfBirth: '2019-05-06' });
      const household = await registry.findOrCreateHousehold(db, {
        line1: '1 Mill Lane',
        line2: null,
        town: null,
        postcode: 'LU1 1AA',
        areaId: lea.areaId,
      });
      await registry.moveTo(db, childId, household, '2020-01-01');
      await registry.moveTo(db, siblingId, household, '2020-01-01');
    });
    after(() => t.close());

    test('risk of significant harm is asked first; yes shows the numbers, offers no panel, and makes an urgent contact', async () => {
      const c = await as(teacher);
      const start = await c.get(`/front-door/requests/new?child=${childId}`);
      assert.equal(start.statusCode, 200);
      assert.match(start.body, /Do you believe a child is at risk of significant harm\?/);
      const unanswered = await c.post('/front-door/requests/new', { child: childId });
      assert.equal(unanswered.statusCode, 400);
      assert.match(unanswered.body, /Select yes if you believe a child is at risk of significant harm/);

      const form = await c.post('/front-door/requests/new', { harm: 'yes', child: childId });
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /data-qa="urgent-numbers"/);
      assert.match(form.body, /Lea Front Door: <a[^>]*>01632 960100/);
      assert.match(form.body, /Lea Emergency Duty: <a[^>]*>01632 960101/);
      assert.doesNotMatch(form.body, /01632 960199/);
      // Nothing a practitioner reads offers a panel or a targeted service instead of the call.
      const words = form.body.replace(/<[^>]*>/g, ' ');
      assert.doesNotMatch(words, /panel/i);
      assert.doesNotMatch(words, /targeted/i);
      assert.doesNotMatch(form.body, /name="urgency"/);

      const made = await c.post('/front-door/requests', {
        harm: 'yes',
        child: childId,
        referralSource: '2A',
        circumstances: 'Bruises on both arms; says she is scared to go home.',
        needsToHappen: 'Someone to see her today.',
        permission: 'child_at_risk_of_harm',
        lawfulReason: 'Telling the parents could put her at greater risk.',
      });
      assert.equal(made.statusCode, 303);
      const id = contactIdFrom(made.headers.location);
      const contact = await db.selectFrom('contact').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(contact.urgency, 'urgent');
      assert.equal(contact.significant_harm, true);
      assert.equal(contact.referral_source, '2A');
      const deadline = await db.selectFrom('deadline').selectAll().where('owner_id', '=', id).executeTakeFirstOrThrow();
      assert.equal(deadline.rule_code, 'FRONT_DOOR_URGENT_DECISION');
      assert.equal(deadline.due_at.getTime(), contact.received_at.getTime() + 3_600_000);
      // Recorded through the sharing model: a decision to share with the front door on a lawful basis.
      const shared = await db
        .selectFrom('sharing_decision')
        .selectAll()
        .where('person_id', '=', childId)
        .executeTakeFirstOrThrow();
      assert.equal(shared.recipient_kind, 'front_door');
      assert.equal(shared.basis, 'child_at_risk_of_harm');
      // The front door in the child's partnership is told at once; the one elsewhere is not.
      const told = await db
        .selectFrom('notification')
        .select('user_id')
        .where('kind', '=', 'contact.urgent')
        .where('record_id', '=', id)
        .execute();
      assert.deepEqual(told.map((n) => n.user_id).sort(), [fd1.id, fd2.id].sort());
      const page = await c.get(made.headers.location as string);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /data-qa="reference">FD-[0-9A-Z]{6}</);
      assert.match(page.body, /data-qa="urgent-numbers"/);
      const audit = await db.selectFrom('audit_event').selectAll().where('action', '=', 'contact.made').execute();
      assert.equal(audit.length, 1);
      assert.deepEqual((audit[0]!.details as unknown as { personIds: string[] }).personIds, [childId]);
    });

    test('errors keep what was typed; the family’s agreement needs a consent covering the front door', async () => {
      let res = await request(teacher, { needsToHappen: '', circumstances: 'Keeps falling asleep.' });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /Enter what you think needs to happen/);
      assert.match(res.body, /Keeps falling asleep\./);
      assert.match(res.body, new RegExp(`value="${childId}" checked`));
      res = await request(teacher, { permission: 'consent', lawfulReason: '' });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /No current consent for Poppy Fenwick covers sharing with the front door/);
    });

    test('the queue: urgent first, then oldest, with deadlines; only the partnership’s front door sees it', async () => {
      const first = await request(teacher, {});
      assert.equal(first.statusCode, 303);
      const normalId = contactIdFrom(first.headers.location);
      const fd = await as(fd1);
      const queue = await fd.get('/front-door');
      assert.equal(queue.statusCode, 200);
      const rows = [
        ...queue.body.matchAll(/data-qa="contact-row"[\s\S]*?href="\/front-door\/contacts\/([0-9a-f-]{36})"/g),
      ].map((m) => m[1]);
      assert.equal(rows.length, 2);
      assert.equal(rows.at(-1), normalId);
      assert.match(queue.body, /data-qa="contact-row"[\s\S]*Urgent[\s\S]*data-qa="contact-row"/);
      assert.match(queue.body, /Urgent/);
      assert.match(queue.body, /Due by the end of Wednesday 2 December 2026/);
      assert.match(queue.body, /Poppy Fenwick/);

      const far = await as(farFd);
      const farQueue = await far.get('/front-door');
      assert.doesNotMatch(farQueue.body, /Poppy/);
      assert.equal((await far.get(`/front-door/contacts/${normalId}`)).statusCode, 404);
      const other = await as(stranger);
      assert.equal((await other.get(`/front-door/contacts/${normalId}`)).statusCode, 404);
      assert.equal((await other.get('/front-door')).statusCode, 403);
      const mine = await (await as(teacher)).get(`/front-door/contacts/${normalId}`);
      assert.equal(mine.statusCode, 200);
      assert.match(mine.body, /Often hungry and tired in class/);
    });

    test('assigning puts the contact on the worker’s work list, and they work with the child while it is open', async () => {
      const res = await request(teacher, { child: [childId, siblingId] });
      assert.equal(res.statusCode, 303);
      const id = contactIdFrom(res.headers.location);
      const fd = await as(fd1);
      await fd.get(`/front-door/contacts/${id}`);
      const assigned = await fd.post(`/front-door/contacts/${id}/assign`, { workerId: fd2.id });
      assert.equal(assigned.statusCode, 303);
      const actor = (await loadActor(db, fd2.id, 'session'))!;
      const work = await listWork(db, actor, t.clock.now());
      assert.ok(work.some((w) => w.href === `/front-door/contacts/${id}` && w.kind === 'front-door.contact'));
      const rel = await relationshipsWith(db, actor, siblingId, t.clock.now());
      assert.deepEqual(
        rel.map((r) => [r.kind, r.via]),
        [['front_door_contact', { record: 'contact', id }]],
      );
      const farActor = (await loadActor(db, farFd.id, 'session'))!;
      assert.deepEqual(await relationshipsWith(db, farActor, siblingId, t.clock.now()), []);
    });

    test('a decision without a rationale is refused with the reason; an urgent one needs a manager for advice only', async () => {
      const urgent = await db
        .selectFrom('contact')
        .select('id')
        .where('urgency', '=', 'urgent')
        .executeTakeFirstOrThrow();
      const fd = await as(fd1);
      const form = await fd.get(`/front-door/contacts/${urgent.id}/decision`);
      assert.equal(form.statusCode, 200);
      let res = await fd.post(`/front-door/contacts/${urgent.id}/decision`, {
        outcome: 'child_protection',
        rationale: '',
      });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /Enter the rationale for the decision: a decision cannot be recorded without one/);
      res = await fd.post(`/front-door/contacts/${urgent.id}/decision`, {
        outcome: 'advice',
        rationale: 'Advice should be enough.',
        advice: 'Speak to the school nurse.',
      });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /advice only or no further action needs a manager’s agreement/);
      assert.match(res.body, /Advice should be enough\./);
      res = await fd.post(`/front-door/contacts/${urgent.id}/decision`, {
        outcome: 'advice',
        rationale: 'Advice should be enough.',
        managerId: teacher.id,
      });
      assert.equal(res.statusCode, 400, 'the named user must be a manager');
      assert.equal(
        (await db.selectFrom('contact_decision').select('id').where('contact_id', '=', urgent.id).execute()).length,
        0,
      );
      res = await fd.post(`/front-door/contacts/${urgent.id}/decision`, {
        outcome: 'child_protection',
        level: 'specialist',
        rationale: 'Injuries and fear of going home: a strategy discussion is needed today.',
      });
      assert.equal(res.statusCode, 303);
      const deadline = await db
        .selectFrom('deadline')
        .selectAll()
        .where('owner_id', '=', urgent.id)
        .executeTakeFirstOrThrow();
      assert.ok(deadline.met_at);
    });

    test('targeted support: the cluster’s leader gets the work, the referrer is told, and it is on the chronology', async () => {
      const res = await request(teacher, {});
      const id = contactIdFrom(res.headers.location);
      const fd = await as(fd1);
      await fd.get(`/front-door/contacts/${id}/decision`);
      const decided = await fd.post(`/front-door/contacts/${id}/decision`, {
        outcome: 'targeted_support',
        level: 'targeted',
        indicator: ['learning.early_help.1'],
        rationale: 'Needs across home and school: a lead practitioner will help.',
      });
      assert.equal(decided.statusCode, 303);
      const decision = await db
        .selectFrom('contact_decision')
        .selectAll()
        .where('contact_id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(decision.leader_user_id, tsl.id);
      const version = await db
        .selectFrom('threshold_guidance')
        .select('version')
        .where('id', '=', decision.guidance_id)
        .executeTakeFirstOrThrow();
      assert.equal(version.version, 1);
      const leader = (await loadActor(db, tsl.id, 'session'))!;
      const work = await listWork(db, leader, t.clock.now());
      assert.ok(work.some((w) => w.kind === 'front-door.targeted-support' && w.href === `/front-door/contacts/${id}`));
      const tslPage = await (await as(tsl)).get('/work');
      assert.match(tslPage.body, /Arrange targeted support and find a lead practitioner/);
      const seen = await (await as(tsl)).get(`/front-door/contacts/${id}`);
      assert.equal(seen.statusCode, 200);

      const told = await db
        .selectFrom('notification')
        .selectAll()
        .where('user_id', '=', teacher.id)
        .where('kind', '=', 'contact.decided')
        .where('record_id', '=', id)
        .execute();
      assert.equal(told.length, 1);
      assert.doesNotMatch(told[0]!.title, /Poppy|Fenwick/);
      const outcome = await (await as(teacher)).get(`/front-door/contacts/${id}`);
      assert.match(outcome.body, /Ask the targeted services leader to arrange support/);
      assert.match(outcome.body, /Tia Leader/);

      const chronology = await (await as(teacher)).get(`/people/${childId}/chronology`);
      assert.equal(chronology.statusCode, 200);
      assert.match(chronology.body, /Request for support to the front door/);
      assert.match(chronology.body, /Front door decision/);
      const work2 = await listWork(db, (await loadActor(db, fd1.id, 'session'))!, t.clock.now());
      assert.ok(!work2.some((w) => w.href === `/front-door/contacts/${id}` && w.kind === 'front-door.contact'));

      // The teacher disagrees: the concern goes first to the worker who decided, and is on the child's chronology.
      assert.match(outcome.body, new RegExp(`href="/concerns/raise/front_door_decision/${decision.id}"`));
      const fdPage = await (await as(fd1)).get(`/front-door/contacts/${id}`);
      assert.doesNotMatch(fdPage.body, /data-qa="disagree"/, 'the worker who decided cannot disagree with themselves');
      const teacherClient = await as(teacher);
      const form = await teacherClient.get(`/concerns/raise/front_door_decision/${decision.id}`);
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /Front door decision on/);
      const raised = await teacherClient.post(`/concerns/raise/front_door_decision/${decision.id}`, {
        disagreement: 'School has tried targeted support already; the needs are now greater.',
        outcomeWanted: 'A social work assessment.',
      });
      assert.equal(raised.statusCode, 303);
      const concern = await db
        .selectFrom('concern')
        .selectAll()
        .where('subject_kind', '=', 'front_door_decision')
        .where('subject_id', '=', decision.id)
        .executeTakeFirstOrThrow();
      assert.equal(concern.person_id, childId);
      const responders = await db
        .selectFrom('concern_responder as r')
        .innerJoin('concern_stage as s', 's.id', 'r.stage_id')
        .select('r.user_id')
        .where('s.concern_id', '=', concern.id)
        .execute();
      assert.deepEqual(
        responders.map((r) => r.user_id),
        [fd1.id],
      );
      const stranger2 = await (await as(stranger)).get(`/concerns/raise/front_door_decision/${decision.id}`);
      assert.equal(stranger2.statusCode, 404);
    });

    test('two workers deciding at once: the second is told it was decided, and nothing is overwritten', async () => {
      const res = await request(teacher, {});
      const id = contactIdFrom(res.headers.location);
      const a = await as(fd1);
      const b = await as(fd2);
      await a.get(`/front-door/contacts/${id}/decision`);
      await b.get(`/front-door/contacts/${id}/decision`);
      const [ra, rb] = await Promise.all([
        a.post(`/front-door/contacts/${id}/decision`, { outcome: 'social_work_assessment', rationale: 'From A.' }),
        b.post(`/front-door/contacts/${id}/decision`, { outcome: 'advice', rationale: 'From B.' }),
      ]);
      assert.deepEqual([ra.statusCode, rb.statusCode].sort(), [303, 409]);
      assert.match((ra.statusCode === 409 ? ra : rb).body, /already been decided/);
      const decisions = await db.selectFrom('contact_decision').selectAll().where('contact_id', '=', id).execute();
      assert.equal(decisions.length, 1);
      const winner = ra.statusCode === 303 ? 'From A.' : 'From B.';
      assert.equal(decisions[0]!.rationale, winner);
      const told = await db
        .selectFrom('notification')
        .select('id')
        .where('kind', '=', 'contact.decided')
        .where('record_id', '=', id)
        .execute();
      assert.equal(told.length, 1);
    });

    test('advice only on an urgent contact is recorded with the manager who agreed', async () => {
      const res = await request(teacher, { urgency: 'urgent' });
      const id = contactIdFrom(res.headers.location);
      const fd = await as(fd1);
      await fd.get(`/front-door/contacts/${id}/decision`);
      const decided = await fd.post(`/front-door/contacts/${id}/decision`, {
        outcome: 'advice',
        advice: 'Talk to the family about the breakfast club.',
        rationale: 'The manager agreed advice is enough.',
        managerId: manager.id,
      });
      assert.equal(decided.statusCode, 303);
      const decision = await db
        .selectFrom('contact_decision')
        .selectAll()
        .where('contact_id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(decision.manager_user_id, manager.id);
      const page = await fd.get(`/front-door/contacts/${id}`);
      assert.match(page.body, /Manager who agreed/);
      assert.match(page.body, /Mo Manager/);
    });

    test('the API: a school’s system sends a contact with a token; the front door decides it; problems are problem documents', async () => {
      const tokens = new TokenService(db, t.clock);
      const meta = { requestId: 'test', clientIp: '127.0.0.1' };
      const school = (await tokens.createForEmail(teacher.email, { name: 'school mis', expiresInDays: null }, meta))
        .token;
      const door = (await tokens.createForEmail(fd1.email, { name: 'fd', expiresInDays: null }, meta)).token;
      const far = (await tokens.createForEmail(farFd.email, { name: 'far', expiresInDays: null }, meta)).token;
      const call = (method: 'GET' | 'POST', url: string, bearer: string, payload?: object) =>
        t.app.inject({ method, url, headers: { authorization: `Bearer ${bearer}` }, ...(payload ? { payload } : {}) });
      const body = {
        significantHarm: true,
        childIds: [childId],
        referralSource: '2A',
        circumstances: 'Disclosed being hit at home.',
        needsToHappen: 'A call today.',
        permission: 'child_at_risk_of_harm',
        lawfulReason: 'Telling the parents could put her at risk.',
      };
      const bad = await call('POST', '/api/v1/contacts', school, { ...body, circumstances: '' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.headers['content-type'] as string, /application\/problem\+json/);
      assert.match(bad.body, /Enter the circumstances and needs causing concern/);
      const made = await call('POST', '/api/v1/contacts', school, body);
      assert.equal(made.statusCode, 201);
      const created = made.json() as { id: string; urgency: string; frontDoor: { phone: string }[] };
      assert.equal(created.urgency, 'urgent');
      assert.ok(created.frontDoor.some((f) => f.phone === '01632 960100'));
      const listed = (await call('GET', '/api/v1/contacts', door)).json() as { queue: { id: string }[] };
      assert.ok(listed.queue.some((c) => c.id === created.id));
      assert.equal((await call('GET', `/api/v1/contacts/${created.id}`, far)).statusCode, 404);
      const noReason = await call('POST', `/api/v1/contacts/${created.id}/decision`, door, {
        outcome: 'child_protection',
      });
      assert.equal(noReason.statusCode, 400);
      assert.match(noReason.body, /a decision cannot be recorded without one/);
      assert.equal(
        (await call('POST', `/api/v1/contacts/${created.id}/decision`, school, { outcome: 'advice', rationale: 'x' }))
          .statusCode,
        403,
      );
      const decided = await call('POST', `/api/v1/contacts/${created.id}/decision`, door, {
        outcome: 'child_protection',
        rationale: 'Disclosure of physical harm.',
      });
      assert.equal(decided.statusCode, 201);
      const again = await call('POST', `/api/v1/contacts/${created.id}/decision`, door, {
        outcome: 'advice',
        rationale: 'Again.',
        managerId: manager.id,
      });
      assert.equal(again.statusCode, 409);
      const detail = (await call('GET', `/api/v1/contacts/${created.id}`, school)).json() as {
        decision: { outcome: string; guidanceVersion: number };
      };
      assert.equal(detail.decision.outcome, 'child_protection');
      assert.equal(detail.decision.guidanceVersion, 1);
      const doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json() as { paths: Record<string, unknown> };
      assert.ok(doc.paths['/api/v1/contacts']);
      assert.ok(doc.paths['/api/v1/contacts/{id}/decision']);
    });

    test('a contact not decided within one working day shows as overdue', async () => {
      t.clock.set(new Date('2026-12-03T09:00:00Z'));
      as.clear();
      const later = await (await as(fd1)).get('/front-door');
      assert.equal(later.statusCode, 200);
      assert.match(later.body, /Overdue/);
    });
  });
}
