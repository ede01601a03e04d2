import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely, KyselyPlugin } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { FrontDoorService } from '../../src/features/front-door/service.ts';
import * as registry from '../../src/features/people/registry-repository.ts';
import type { RequestContext } from '../../src/platform/context.ts';
import { withinPartnership } from '../../src/platform/partnership.ts';
import { loadActor } from '../../src/platform/sessions.ts';
import { TestClient } from '../support/client.ts';
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

/** Counts the statements a service sends to the database. */
function counter() {
  const seen = { n: 0 };
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      seen.n++;
      return args.node;
    },
    async transformResult(args) {
      return args.result;
    },
  };
  return { seen, plugin };
}

for (const engine of engines()) {
  describe(`Front door rough edges (${engine})`, () => {
    let t: TestApp;
    let db: Kysely<DB>;
    let teacher: TestUser;
    let fd1: TestUser;
    let farFd: TestUser;
    let tsl: TestUser;
    let sw: TestUser;
    let childId: string;
    let siblingId: string;
    let farChildId: string;
    let unplacedId: string;
    let serviceId: string;
    let school: { id: string };
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
    const ctxOf = async (u: TestUser): Promise<RequestContext> => ({
      actor: (await loadActor(db, u.id, 'session'))!,
      requestId: 'test',
      clientIp: '127.0.0.1',
      at: t.clock.now(),
    });

    /** A request for support from the teacher, posted as the form sends it. */
    const request = async (children: string[], form: Record<string, string | string[]> = {}) => {
      const c = await as(teacher);
      await c.get(`/front-door/requests/new?child=${children[0]}`);
      const res = await c.post('/front-door/requests', {
        harm: 'no',
        child: children,
        referralSource: '2A',
        circumstances: 'Often hungry and tired in class.',
        needsToHappen: 'Someone to work with the family on routines.',
        tried: 'Breakfast club since October.',
        permission: 'child_at_risk_of_harm',
        lawfulReason: 'Parents could not be reached today.',
        urgency: 'normal',
        ...form,
      });
      assert.equal(res.statusCode, 303, res.body);
      return contactIdFrom(res.headers.location);
    };

    before(async () => {
      t = await startTestApp(engine);
      t.clock.set(new Date('2026-12-01T10:00:00Z'));
      db = t.database.db;
      school = await createOrganisation(db, { name: 'Oak Lane Primary', agency_type: 'school' });
      const farSchool = await createOrganisation(db, { name: 'Far Hill Primary', agency_type: 'school' });
      const social = await createOrganisation(db, { name: 'Lea Social Care', agency_type: 'social_care' });
      const council = await createOrganisation(db, { name: 'Lea Council', agency_type: 'local_authority' });
      const farSocial = await createOrganisation(db, { name: 'Elsewhere Social Care', agency_type: 'social_care' });
      const lea = await createPartnership(db, 'Lea', [school.id]);
      const elsewhere = await createPartnership(db, 'Elsewhere', [farSchool.id]);
      await team(db, { organisation_id: social.id, name: 'Lea Front Door', area_id: lea.partnershipId });
      await team(db, { organisation_id: farSocial.id, name: 'Elsewhere Front Door', area_id: elsewhere.partnershipId });
      const targeted = await team(db, {
        organisation_id: council.id,
        name: 'Lea Cluster Targeted Services',
        area_id: lea.areaId,
        contact_role: 'targeted_services',
      });
      teacher = await createUser(db, { organisationId: school.id, name: 'Tess Teacher' });
      fd1 = await createUser(db, { organisationId: social.id, name: 'Fay Door', roles: ['front_door'] });
      farFd = await createUser(db, { organisationId: farSocial.id, name: 'Far Door', roles: ['front_door'] });
      for (let i = 0; i < 6; i++) {
        await createUser(db, { organisationId: i % 2 ? social.id : farSocial.id, roles: ['front_door'] });
      }
      tsl = await createUser(db, { organisationId: council.id, name: 'Tia Leader', roles: ['integrated_processes'] });
      await db.insertInto('user_team').values({ user_id: tsl.id, team_id: targeted, is_manager: false }).execute();
      childId = await createPerson(db, {
        givenName: 'Poppy',
        familyName: 'Fenwick',
        dateOfBirth: '2017-03-04',
        involvement: { organisationId: school.id, userId: teacher.id },
      });
      siblingId = await createPerson(db, {
        givenName: 'Pip',
        familyName: 'Fenwick',
        dateOfBirth: '2019-05-06',
        involvement: { organisationId: school.id, userId: teacher.id },
      });
      farChildId = await createPerson(db, {
        givenName: 'Fern',
        familyName: 'Faraway',
        dateOfBirth: '2016-01-02',
        involvement: { organisationId: farSchool.id },
      });
      unplacedId = await createPerson(db, { givenName: 'Ula', familyName: 'Unplaced', dateOfBirth: '2018-02-03' });
      const household = await registry.findOrCreateHousehold(db, {
        line1: '1 Mill Lane',
        line2: null,
        town: null,
        postcode: 'LU1 1AA',
        areaId: lea.areaId,
      });
      await registry.moveTo(db, childId, household, '2020-01-01');
      await registry.moveTo(db, siblingId, household, '2020-01-01');
      sw = await createUser(db, { organisationId: social.id, name: 'Sid Social', roles: ['practitioner'] });
      await registry.addInvolvement(db, childId, {
        organisationId: social.id,
        teamId: null,
        userId: sw.id,
        role: 'Social worker',
        startedOn: '2025-09-01',
        contactPhone: null,
        contactEmail: null,
      });
      const provider = await db
        .insertInto('directory_organisation')
        .values({
          organisation_id: null,
          name: 'Lea Family Hub',
          email: null,
          website: null,
          source_feed: null,
          updated_at: t.clock.now(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      serviceId = (
        await db
          .insertInto('directory_service')
          .values({
            directory_organisation_id: provider.id,
            name: 'Parenting routines group',
            url: null,
            email: null,
            fees: null,
            minimum_age: null,
            maximum_age: null,
            tier: null,
            access_route: null,
            access_panel: null,
            how_to_refer: null,
            start_conversation: null,
            start_conversation_phone: null,
            alert: null,
            assured_date: null,
            review_date: '2027-03-31',
            source_feed: null,
            updated_at: t.clock.now(),
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    });
    after(() => t.close());

    test('the queue and the workers offered: the same answers as withinPartnership, in queries that do not grow with the queue', async () => {
      const svc = new FrontDoorService(db);
      const teacherCtx = await ctxOf(teacher);
      const farTeacher = await createUser(db, {
        organisationId: (
          await db
            .selectFrom('organisation')
            .select('id')
            .where('name', '=', 'Far Hill Primary')
            .executeTakeFirstOrThrow()
        ).id,
      });
      const farCtx = await ctxOf(farTeacher);
      const base = {
        significantHarm: false,
        urgency: 'normal' as const,
        referralSource: '2A',
        circumstances: 'Needs help.',
        indicatorIds: [],
        guidanceId: null,
        needsToHappen: 'Support.',
        tried: null,
        permission: 'child_at_risk_of_harm' as const,
        lawfulReason: 'Could not reach the parents.',
      };
      const sets = [[childId], [siblingId, childId], [unplacedId], [childId, unplacedId]];
      for (let i = 0; i < 24; i++) await svc.create(teacherCtx, { ...base, childIds: sets[i % sets.length]! }, 'web');
      for (let i = 0; i < 6; i++) await svc.create(farCtx, { ...base, childIds: [farChildId] }, 'web');
      const open = await db.selectFrom('contact').select('id').where('status', '=', 'open').execute();
      const links = await db.selectFrom('contact_child').select(['contact_id', 'person_id']).execute();
      const workers = await db
        .selectFrom('app_user as u')
        .innerJoin('user_role as r', 'r.user_id', 'u.id')
        .select(['u.id', 'u.organisation_id'])
        .where('r.role', '=', 'front_door')
        .execute();
      const at = t.clock.now();
      const reaches = async (w: { id: string; organisation_id: string }, contactId: string) => {
        for (const l of links.filter((x) => x.contact_id === contactId)) {
          if (await withinPartnership(db, { userId: w.id, organisationId: w.organisation_id }, l.person_id, at)) {
            return true;
          }
        }
        return false;
      };
      for (const who of [fd1, farFd]) {
        const me = workers.find((w) => w.id === who.id)!;
        const expected = [];
        for (const c of open) if (await reaches(me, c.id)) expected.push(c.id);
        const { seen, plugin } = counter();
        const rows = await new FrontDoorService(db.withPlugin(plugin)).queue(await ctxOf(who));
        assert.deepEqual(rows.map((r) => r.contact_id).sort(), expected.sort());
        assert.ok(seen.n <= 8, `the queue took ${seen.n} statements`);
        assert.ok(expected.length > 6);
      }
      // The workers a contact can be assigned to, for a contact with a placed and an unplaced child.
      const mixed = links.find((l) => l.person_id === unplacedId)!.contact_id;
      const expectedWorkers = [];
      for (const w of workers) if (await reaches(w, mixed)) expectedWorkers.push(w.id);
      const { seen, plugin } = counter();
      const view = await new FrontDoorService(db.withPlugin(plugin)).view(await ctxOf(fd1), mixed);
      assert.deepEqual(view.workers.map((w) => w.id).sort(), expectedWorkers.sort());
      assert.ok(seen.n <= 20, `the contact page took ${seen.n} statements`);
      const farOnly = links.find((l) => l.person_id === farChildId)!.contact_id;
      const farView = await svc.view(await ctxOf(farFd), farOnly);
      const farExpected = [];
      for (const w of workers) if (await reaches(w, farOnly)) farExpected.push(w.id);
      assert.deepEqual(farView.workers.map((w) => w.id).sort(), farExpected.sort());
      // Decide them all, so the rest of the tests start from an empty queue.
      await db.updateTable('contact').set({ status: 'decided' }).execute();
    });

    test('signposting to a directory service: the decision records the service, the referrer is told, and the chronology shows it', async () => {
      const id = await request([childId]);
      const fd = await as(fd1);
      await fd.get(`/front-door/contacts/${id}/decision`);
      const missing = await fd.post(`/front-door/contacts/${id}/decision`, {
        outcome: 'signpost',
        rationale: 'A group would help with routines.',
      });
      assert.equal(missing.statusCode, 400);
      assert.match(missing.body, /Select the service you are signposting to/);
      assert.match(missing.body, /A group would help with routines\./);
      const decided = await fd.post(`/front-door/contacts/${id}/decision`, {
        outcome: 'signpost',
        directoryServiceId: serviceId,
        advice: 'The family can book a place themselves.',
        rationale: 'A group would help with routines.',
      });
      assert.equal(decided.statusCode, 303);
      const decision = await db
        .selectFrom('contact_decision')
        .selectAll()
        .where('contact_id', '=', id)
        .executeTakeFirstOrThrow();
      assert.equal(decision.outcome, 'signpost');
      assert.equal(decision.directory_service_id, serviceId);
      const told = await db
        .selectFrom('notification')
        .selectAll()
        .where('user_id', '=', teacher.id)
        .where('kind', '=', 'contact.decided')
        .where('record_id', '=', id)
        .execute();
      assert.equal(told.length, 1);
      assert.doesNotMatch(told[0]!.title, /Poppy|Fenwick|Parenting/);
      const page = await (await as(teacher)).get(`/front-door/contacts/${id}`);
      assert.match(page.body, /Signpost/);
      assert.match(page.body, new RegExp(`href="/directory/services/${serviceId}">Parenting routines group<`));
      assert.equal((await (await as(teacher)).get(`/directory/services/${serviceId}`)).statusCode, 200);
      // The chronology names the service, for those who may read the front door's decision (here: a social worker
      // of the front door's organisation who works with the child).
      const chronology = await (await as(sw)).get(`/people/${childId}/chronology`);
      assert.equal(chronology.statusCode, 200);
      assert.match(chronology.body, /Front door decision/);
      assert.match(chronology.body, /Parenting routines group/);
      const api = await (await as(teacher)).get(`/people/${childId}/chronology`);
      assert.match(api.body, /Front door decision/);
    });

    test('asking the targeted services leader records a sharing decision naming them, on the contact’s own basis', async () => {
      const id = await request([childId, siblingId], { permission: 'child_at_risk_of_harm' });
      const fd = await as(fd1);
      await fd.get(`/front-door/contacts/${id}/decision`);
      const decided = await fd.post(`/front-door/contacts/${id}/decision`, {
        outcome: 'targeted_support',
        rationale: 'Needs across home and school.',
      });
      assert.equal(decided.statusCode, 303);
      const leader = await db
        .selectFrom('app_user')
        .select('organisation_id')
        .where('id', '=', tsl.id)
        .executeTakeFirstOrThrow();
      for (const person of [childId, siblingId]) {
        const original = await db
          .selectFrom('contact_child as cc')
          .innerJoin('sharing_decision as s', 's.id', 'cc.sharing_decision_id')
          .select(['s.basis', 's.reason', 's.consent_id'])
          .where('cc.contact_id', '=', id)
          .where('cc.person_id', '=', person)
          .executeTakeFirstOrThrow();
        const onward = await db
          .selectFrom('sharing_decision')
          .selectAll()
          .where('person_id', '=', person)
          .where('recipient_kind', '=', 'organisation')
          .where('recipient_organisation_id', '=', leader.organisation_id)
          .execute();
        assert.equal(onward.length, 1, 'one onward sharing decision per child');
        const s = onward[0]!;
        assert.equal(s.decision, 'share');
        assert.equal(s.basis, original.basis);
        assert.equal(s.consent_id, original.consent_id);
        assert.equal(s.reason, original.reason);
        assert.equal(s.decided_by, fd1.id);
        assert.match(s.recipient_description ?? '', /Tia Leader/);
        assert.match(s.recipient_description ?? '', /Lea Cluster Targeted Services/);
        assert.match(s.what, /FD-[0-9A-Z]{6}/);
      }
      const seen = await (await as(tsl)).get(`/front-door/contacts/${id}`);
      assert.equal(seen.statusCode, 200);
      // Other outcomes share nothing onward.
      const other = await request([siblingId]);
      await fd.get(`/front-door/contacts/${other}/decision`);
      await fd.post(`/front-door/contacts/${other}/decision`, { outcome: 'social_work_assessment', rationale: 'x' });
      const count = await db
        .selectFrom('sharing_decision')
        .select('id')
        .where('person_id', '=', siblingId)
        .where('recipient_kind', '=', 'organisation')
        .execute();
      assert.equal(count.length, 1);
    });

    test('a concern about a decision on a contact with several children shows on each child’s chronology, only to those who may see that child', async () => {
      const id = await request([childId, siblingId]);
      const fd = await as(fd1);
      await fd.get(`/front-door/contacts/${id}/decision`);
      await fd.post(`/front-door/contacts/${id}/decision`, { outcome: 'advice', rationale: 'Advice is enough.' });
      const decision = await db
        .selectFrom('contact_decision')
        .select('id')
        .where('contact_id', '=', id)
        .executeTakeFirstOrThrow();
      const c = await as(teacher);
      await c.get(`/concerns/raise/front_door_decision/${decision.id}`);
      const raised = await c.post(`/concerns/raise/front_door_decision/${decision.id}`, {
        disagreement: 'The needs are greater than advice can meet.',
        outcomeWanted: 'Targeted support.',
      });
      assert.equal(raised.statusCode, 303);
      for (const person of [childId, siblingId]) {
        const chronology = await c.get(`/people/${person}/chronology`);
        assert.equal(chronology.statusCode, 200);
        assert.equal(
          [...chronology.body.matchAll(/Concern raised about a front door decision/g)].length,
          1,
          `the concern shows once on ${person === childId ? 'the first' : 'the second'} child’s chronology`,
        );
      }
      // Someone who works with neither child does not see the chronology at all.
      const far = await (await as(farFd)).get(`/people/${siblingId}/chronology`);
      assert.notEqual(far.statusCode, 200);
    });
  });
}
