import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Insertable, Kysely } from 'kysely';
import type { DB, TeamTable } from '../../src/db/schema.ts';
import * as registry from '../../src/features/people/registry-repository.ts';
import { TestClient } from '../support/client.ts';
import { createOrganisation, createPartnership, createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';
import { createPerson } from '../support/people.ts';

async function team(db: Kysely<DB>, values: Insertable<TeamTable>) {
  return (await db.insertInto('team').values(values).returning('id').executeTakeFirstOrThrow()).id;
}

for (const engine of engines()) {
  describe(`Who can I talk to (${engine})`, () => {
    let t: TestApp;
    let teacher: TestUser;
    let client: TestClient;
    let childId: string;
    let shieldedId: string;

    before(async () => {
      t = await startTestApp(engine);
      t.clock.set(new Date('2026-12-01T10:00:00Z'));
      const db = t.database.db;
      const school = await createOrganisation(db, { name: 'Oak Lane Primary', agency_type: 'school' });
      const council = await createOrganisation(db, {
        name: 'Lea Council',
        agency_type: 'local_authority',
        tier: 'targeted',
      });
      const social = await createOrganisation(db, {
        name: 'Lea Social Care',
        agency_type: 'social_care',
        tier: 'specialist',
      });
      const other = await createPartnership(db, 'Elsewhere');
      const { partnershipId, areaId } = await createPartnership(db, 'Lea', [school.id]);
      const schoolTeam = await team(db, { organisation_id: school.id, name: 'Pastoral', area_id: areaId });
      teacher = await createUser(db, { organisationId: school.id, name: 'Tess Teacher' });
      const head = await createUser(db, { organisationId: school.id, name: 'Hal Head', roles: ['manager'] });
      const dsl = await createUser(db, { organisationId: school.id, name: 'Dee Safeguarding' });
      await db
        .insertInto('user_team')
        .values([
          { user_id: teacher.id, team_id: schoolTeam, is_manager: false },
          { user_id: head.id, team_id: schoolTeam, is_manager: true },
        ])
        .execute();
      await db
        .updateTable('organisation')
        .set({ safeguarding_lead_user_id: dsl.id })
        .where('id', '=', school.id)
        .execute();
      const ipo = await createUser(db, {
        organisationId: council.id,
        name: 'Ivy Processes',
        roles: ['integrated_processes'],
      });
      await db.insertInto('user_area').values({ user_id: ipo.id, area_id: areaId }).execute();
      const farIpo = await createUser(db, {
        organisationId: council.id,
        name: 'Far Away',
        roles: ['integrated_processes'],
      });
      await db.insertInto('user_area').values({ user_id: farIpo.id, area_id: other.areaId }).execute();
      await team(db, {
        organisation_id: social.id,
        name: 'Lea Front Door',
        area_id: partnershipId,
        phone: '01632 960100',
        contact_role: 'front_door',
        hours: 'Monday to Friday, 9am to 5pm',
      });
      await team(db, {
        organisation_id: social.id,
        name: 'Lea Emergency Duty',
        area_id: partnershipId,
        phone: '01632 960101',
        contact_role: 'out_of_hours',
        hours: 'Evenings and weekends',
      });
      await team(db, {
        organisation_id: social.id,
        name: 'Elsewhere Front Door',
        area_id: other.partnershipId,
        phone: '01632 960199',
        contact_role: 'front_door',
      });
      childId = await createPerson(db, {
        givenName: 'Poppy',
        familyName: 'Fenwick',
        dateOfBirth: '2017-03-04',
        involvement: { organisationId: school.id, userId: teacher.id },
      });
      const household = await registry.findOrCreateHousehold(db, {
        line1: '1 Mill Lane',
        line2: null,
        town: null,
        postcode: 'LU1 1AA',
        areaId,
      });
      await registry.moveTo(db, childId, household, '2020-01-01');
      await db.transaction().execute((trx) =>
        registry.addInvolvement(trx, childId, {
          organisationId: social.id,
          teamId: null,
          userId: null,
          role: 'Allocated social worker',
          startedOn: '2026-01-01',
          contactPhone: '01632 960150',
          contactEmail: null,
        }),
      );
      shieldedId = await createPerson(db, {
        givenName: 'Sam',
        familyName: 'Hidden',
        dateOfBirth: '2016-02-02',
        shielded: true,
      });
      client = new TestClient(t.app, t.clock);
      await client.signIn(teacher);
    });
    after(() => t.close());

    test("the child's page lists, by tier, the line manager, safeguarding lead, who is involved, the area's leader and the front door", async () => {
      const res = await client.get(`/people/${childId}/who-to-talk-to`);
      assert.equal(res.statusCode, 200);
      const section = (tier: string) =>
        new RegExp(`data-qa="contacts-${tier}">([\\s\\S]*?)</ul>`).exec(res.body)?.[1] ?? '';
      assert.match(section('universal'), /Hal Head[\s\S]*Your line manager \(Pastoral\)/);
      assert.match(section('universal'), /Dee Safeguarding[\s\S]*Your safeguarding lead/);
      assert.doesNotMatch(section('universal'), /Tess Teacher/, 'not told to talk to yourself');
      assert.match(section('targeted'), /Ivy Processes/);
      assert.doesNotMatch(res.body, /Far Away/, "another partnership's leader is not offered");
      assert.match(section('specialist'), /Lea Front Door[\s\S]*01632 960100[\s\S]*Monday to Friday, 9am to 5pm/);
      assert.match(section('specialist'), /Lea Emergency Duty[\s\S]*01632 960101/);
      assert.match(section('specialist'), /Allocated social worker[\s\S]*01632 960150/);
      assert.doesNotMatch(res.body, /Elsewhere Front Door/);
      const audit = await t.database.db
        .selectFrom('audit_event')
        .select('record_id')
        .where('action', '=', 'person.contacts.viewed')
        .execute();
      assert.deepEqual(audit, [{ record_id: childId }]);
    });

    test('without a child, the list comes from your own areas', async () => {
      const res = await client.get('/who-to-talk-to');
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /Lea Front Door/);
      assert.doesNotMatch(res.body, /Elsewhere Front Door/);
    });

    test('a specialist indicator in the helper shows the front door numbers at once', async () => {
      const page = await client.get('/threshold');
      const guidanceId = /name="guidanceId" value="([^"]+)"/.exec(page.body)![1]!;
      const res = await client.post('/threshold/suggest', { guidanceId, indicator: 'health.specialist.2' });
      assert.match(res.body, /data-qa="front-door-number">Lea Front Door: <a[^>]*>01632 960100/);
      assert.match(res.body, /Lea Emergency Duty: <a[^>]*>01632 960101/);
    });

    test('a shielded child: no list without a relationship, and the refusal is audited', async () => {
      const res = await client.get(`/people/${shieldedId}/who-to-talk-to`);
      assert.equal(res.statusCode, 404);
      const refused = await t.database.db
        .selectFrom('audit_event')
        .select('record_id')
        .where('action', '=', 'person.contacts.refused')
        .execute();
      assert.deepEqual(refused, [{ record_id: shieldedId }]);
    });

    test('an administrator records a team’s part in conversations and its hours', async () => {
      const admin = await createUser(t.database.db, { roles: ['system_admin'] });
      const adminClient = new TestClient(t.app, t.clock);
      await adminClient.signIn(admin);
      const org = await createOrganisation(t.database.db, { name: 'Family Info', agency_type: 'local_authority' });
      await adminClient.get('/admin/teams/new');
      let res = await adminClient.post('/admin/teams', {
        organisationId: org.id,
        name: 'Family Information Service',
        contactRole: 'not-a-role',
        hours: 'Weekdays',
      });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /Select a part from the list/);
      assert.match(res.body, /value="Weekdays"/);
      res = await adminClient.post('/admin/teams', {
        organisationId: org.id,
        name: 'Family Information Service',
        contactRole: 'family_information',
        hours: 'Weekdays',
      });
      assert.equal(res.statusCode, 303);
      const saved = await t.database.db
        .selectFrom('team')
        .select(['contact_role', 'hours'])
        .where('name', '=', 'Family Information Service')
        .executeTakeFirstOrThrow();
      assert.deepEqual(saved, { contact_role: 'family_information', hours: 'Weekdays' });
    });
  });
}
