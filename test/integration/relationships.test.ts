import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import * as directory from '../../src/features/directory/repository.ts';
import { addDays, londonToday } from '../../src/platform/calendar.ts';
import {
  childrenActorWorksWith,
  PERSONAL_RELATIONSHIPS,
  personIdsActorWorksWith,
  type RelationshipActor,
  relationshipsWith,
} from '../../src/platform/relationships.ts';
import { findRelationship } from '../../src/platform/sharing.ts';
import { TestClient } from '../support/client.ts';
import { createOrganisation, createPartnership, createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';
import { createPerson } from '../support/people.ts';

let serial = 0;

async function child(db: Kysely<DB>, givenName: string): Promise<string> {
  const row = await db
    .insertInto('person')
    .values({
      kind: 'child',
      given_name: givenName,
      family_name: `Marchbank${serial++}`,
      known_as: null,
      date_of_birth: '2016-04-09',
      expected_date_of_birth: null,
      sex: 'U',
      nhs_number: null,
      upn: null,
      ethnicity: null,
      first_language: null,
      date_of_death: null,
      created_by: null,
      updated_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function involve(
  db: Kysely<DB>,
  personId: string,
  v: { organisationId: string; teamId?: string; userId?: string; lead?: boolean; startedOn?: string; endedOn?: string },
) {
  await db
    .insertInto('involvement')
    .values({
      person_id: personId,
      organisation_id: v.organisationId,
      team_id: v.teamId ?? null,
      user_id: v.userId ?? null,
      role: 'Family worker',
      started_on: v.startedOn ?? '2025-09-01',
      ended_on: v.endedOn ?? null,
      contact_phone: null,
      contact_email: null,
      is_lead: v.lead ?? false,
    })
    .execute();
}

async function team(db: Kysely<DB>, organisationId: string, name: string, members: [string, boolean][]) {
  const row = await db
    .insertInto('team')
    .values({ organisation_id: organisationId, area_id: null, name })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const [userId, manager] of members) {
    await db.insertInto('user_team').values({ user_id: userId, team_id: row.id, is_manager: manager }).execute();
  }
  return row.id;
}

for (const engine of engines()) {
  describe(`one relationship function on ${engine}`, () => {
    let t: TestApp;
    let db: Kysely<DB>;
    let practitioner: TestUser;
    let manager: TestUser;
    let member: TestUser;
    let p: RelationshipActor;
    let m: RelationshipActor;
    let stranger: RelationshipActor;
    const c: Record<string, string> = {};

    before(async () => {
      t = await startTestApp(engine);
      db = t.database.db;
      const today = londonToday(t.clock.now());
      const org = await createOrganisation(db, { name: 'Brackenholme Family Hub' });
      const other = await createOrganisation(db, { name: 'Ravensmoor Academy' });
      practitioner = await createUser(db, { roles: ['practitioner'], organisationId: org.id, name: 'Nia Pemberton' });
      manager = await createUser(db, { roles: ['manager'], organisationId: org.id, name: 'Owen Tranter' });
      member = await createUser(db, { roles: ['practitioner'], organisationId: org.id, name: 'Ffion Lacey' });
      const strangerUser = await createUser(db, { roles: ['practitioner'], organisationId: other.id });
      // The practitioner is in two teams; the manager manages a third, whose member is someone else.
      const north = await team(db, org.id, 'North family support', [[practitioner.id, false]]);
      const young = await team(db, org.id, 'Young carers', [[practitioner.id, false]]);
      const managed = await team(db, org.id, 'Early help east', [
        [manager.id, true],
        [member.id, false],
      ]);
      p = { userId: practitioner.id, organisationId: org.id, teamIds: [north, young], managedTeamIds: [] };
      m = { userId: manager.id, organisationId: org.id, teamIds: [managed], managedTeamIds: [managed] };
      stranger = { userId: strangerUser.id, organisationId: other.id, teamIds: [], managedTeamIds: [] };

      c.lead = await child(db, 'Lead');
      await involve(db, c.lead, { organisationId: org.id, userId: practitioner.id, lead: true });
      c.involved = await child(db, 'Involved');
      await involve(db, c.involved, { organisationId: org.id, userId: practitioner.id });
      c.teamNorth = await child(db, 'North');
      await involve(db, c.teamNorth, { organisationId: org.id, teamId: north });
      c.teamYoung = await child(db, 'Young');
      await involve(db, c.teamYoung, { organisationId: org.id, teamId: young });
      c.managedTeam = await child(db, 'Managed');
      await involve(db, c.managedTeam, { organisationId: org.id, teamId: managed });
      c.member = await child(db, 'Member');
      await involve(db, c.member, { organisationId: org.id, userId: member.id });
      c.organisation = await child(db, 'Organisation');
      await involve(db, c.organisation, { organisationId: org.id });
      c.otherOrg = await child(db, 'Elsewhere');
      await involve(db, c.otherOrg, { organisationId: other.id });
      c.ended = await child(db, 'Ended');
      await involve(db, c.ended, { organisationId: org.id, userId: practitioner.id, endedOn: addDays(today, -1) });
      c.endedToday = await child(db, 'Today');
      await involve(db, c.endedToday, { organisationId: org.id, userId: practitioner.id, endedOn: today });
      c.future = await child(db, 'Future');
      await involve(db, c.future, {
        organisationId: org.id,
        teamId: north,
        userId: practitioner.id,
        startedOn: addDays(today, 1),
      });
      c.none = await child(db, 'Nobody');
    });
    after(async () => t.close());

    const kinds = async (actor: RelationshipActor, personId: string) =>
      (await relationshipsWith(db, actor, personId, t.clock.now())).map((r) => r.kind);

    test('finds each kind, strongest first, with the involvement it comes through', async () => {
      assert.deepEqual(await kinds(p, c.lead!), ['lead', 'involved', 'organisation']);
      assert.deepEqual(await kinds(p, c.involved!), ['involved', 'organisation']);
      assert.deepEqual(await kinds(p, c.teamNorth!), ['team', 'organisation']);
      assert.deepEqual(await kinds(p, c.teamYoung!), ['team', 'organisation']);
      assert.deepEqual(await kinds(p, c.organisation!), ['organisation']);
      assert.deepEqual(await kinds(p, c.member!), ['organisation']);
      const [lead] = await relationshipsWith(db, p, c.lead!, t.clock.now());
      assert.equal(lead?.description, 'You are the lead practitioner for this person');
      const via = await db
        .selectFrom('involvement')
        .select('id')
        .where('person_id', '=', c.lead!)
        .executeTakeFirstOrThrow();
      assert.deepEqual(lead?.via, { record: 'involvement', id: via.id });
    });

    test('a manager works with children their team, or a member of it, works with', async () => {
      assert.deepEqual(await kinds(m, c.managedTeam!), ['team', 'managed_team', 'organisation']);
      assert.deepEqual(await kinds(m, c.member!), ['managed_team', 'organisation']);
      assert.deepEqual(await kinds(m, c.teamNorth!), ['organisation']);
      assert.deepEqual(await kinds(m, c.involved!), ['organisation']);
    });

    test('ended, future-dated and other organisations’ involvements give no relationship', async () => {
      assert.deepEqual(await kinds(p, c.ended!), []);
      assert.deepEqual(await kinds(p, c.future!), [], 'an involvement starting tomorrow does not count yet');
      assert.deepEqual(await kinds(p, c.endedToday!), ['involved', 'organisation'], 'the end date is the last day');
      assert.deepEqual(await kinds(p, c.otherOrg!), []);
      assert.deepEqual(await kinds(p, c.none!), []);
      assert.deepEqual(await kinds(stranger, c.lead!), []);
      assert.deepEqual(await kinds(stranger, c.otherOrg!), ['organisation']);
      // The next day, the involvement that ended today has ended and the future one has started.
      const tomorrow = new Date(t.clock.now().getTime() + 86_400_000);
      assert.deepEqual((await relationshipsWith(db, p, c.endedToday!, tomorrow)).length, 0);
      assert.deepEqual(
        (await relationshipsWith(db, p, c.future!, tomorrow)).map((r) => r.kind),
        ['involved', 'team', 'organisation'],
      );
    });

    test('a use can leave out the organisation', async () => {
      const personal = (actor: RelationshipActor, id: string) =>
        relationshipsWith(db, actor, id, t.clock.now(), { kinds: PERSONAL_RELATIONSHIPS });
      assert.deepEqual(await personal(p, c.organisation!), []);
      assert.deepEqual(
        (await personal(p, c.lead!)).map((r) => r.kind),
        ['lead', 'involved'],
      );
    });

    test('the kinds later features bring are declared but found by nothing yet', async () => {
      const later = { kinds: ['team_around_family', 'front_door_contact', 'panel_agenda'] as const };
      assert.deepEqual(await relationshipsWith(db, p, c.lead!, t.clock.now(), later), []);
      assert.equal((await childrenActorWorksWith(db, p, t.clock.now(), later)).size, 0);
      const rows = await personIdsActorWorksWith(db, p, t.clock.now(), later).execute();
      assert.deepEqual(rows, []);
    });

    test('the list form agrees with the single-child form for every actor and child', async () => {
      for (const actor of [p, m, stranger]) {
        for (const options of [{}, { kinds: PERSONAL_RELATIONSHIPS }]) {
          const set = await childrenActorWorksWith(db, actor, t.clock.now(), options);
          for (const [name, id] of Object.entries(c)) {
            const single = await relationshipsWith(db, actor, id, t.clock.now(), options);
            assert.deepEqual(set.get(id) ?? [], single, `${name} for ${actor.userId}`);
          }
          assert.ok([...set.keys()].every((id) => Object.values(c).includes(id)));
        }
      }
      const listed = [...(await childrenActorWorksWith(db, p, t.clock.now())).keys()].sort();
      const expected = [
        'lead',
        'involved',
        'teamNorth',
        'teamYoung',
        'member',
        'organisation',
        'managedTeam',
        'endedToday',
      ]
        .map((k) => c[k]!)
        .sort();
      assert.deepEqual(listed, expected);
    });

    test('sharing finds the strongest relationship through the same function', async () => {
      assert.equal((await findRelationship(db, p as never, c.lead!, t.clock.now()))?.kind, 'lead');
      assert.equal((await findRelationship(db, m as never, c.member!, t.clock.now()))?.kind, 'managed_team');
      assert.equal(await findRelationship(db, p as never, c.future!, t.clock.now()), null);
    });

    test('the caseload lists the children worked with personally or through a team, never just the organisation', async () => {
      const names = async (user: TestUser) => {
        const client = new TestClient(t.app, t.clock);
        await client.signIn(user);
        const res = await client.get('/people');
        assert.equal(res.statusCode, 200);
        return Object.entries(c)
          .filter(([, id]) => res.body.includes(`/people/${id}`))
          .map(([name]) => name)
          .sort();
      };
      assert.deepEqual(await names(practitioner), ['endedToday', 'involved', 'lead', 'teamNorth', 'teamYoung']);
      assert.deepEqual(await names(manager), ['managedTeam', 'member']);
    });

    test('the directory’s child picker and its check of one child use the same rule', async () => {
      const actor = p;
      const listed = (await directory.childrenForActor(db, actor, t.clock.now())).map((r) => r.id).sort();
      const all = await childrenActorWorksWith(db, p, t.clock.now());
      assert.deepEqual(listed, [...all.keys()].sort());
      assert.ok(await directory.childForActor(db, c.organisation!, actor, t.clock.now()));
      assert.ok(await directory.childForActor(db, c.endedToday!, actor, t.clock.now()));
      assert.equal(await directory.childForActor(db, c.future!, actor, t.clock.now()), undefined);
      assert.equal(await directory.childForActor(db, c.otherOrg!, actor, t.clock.now()), undefined);
    });

    test('outside the partnership, a manager may shield a child a member of their team works with, not one whose involvement has not started', async () => {
      const elsewhere = (await createOrganisation(db, { agency_type: 'local_authority' })).id;
      const lea = await createPartnership(db, 'Lea', [elsewhere]);
      const inLea = async (givenName: string) => {
        const id = await createPerson(db, {
          givenName,
          familyName: 'Hollinshead',
          dateOfBirth: '2014-02-11',
          address: { line1: `${givenName.length} Weir Lane`, postcode: 'LU9 4WL' },
        });
        await db
          .updateTable('household')
          .set({ area_id: lea.areaId })
          .where('id', 'in', db.selectFrom('household_member').select('household_id').where('person_id', '=', id))
          .execute();
        return id;
      };
      const viaMember = await inLea('Tegan');
      await involve(db, viaMember, { organisationId: member.organisationId, userId: member.id });
      const notYet = await inLea('Rhodri');
      const tomorrow = addDays(londonToday(t.clock.now()), 1);
      await involve(db, notYet, { organisationId: manager.organisationId, userId: manager.id, startedOn: tomorrow });
      const client = new TestClient(t.app, t.clock);
      await client.signIn(manager);
      assert.equal((await client.get(`/people/${viaMember}/shielding`)).statusCode, 200);
      assert.match((await client.get(`/people/${viaMember}`)).body, /Shield this child/);
      assert.equal((await client.get(`/people/${notYet}/shielding`)).statusCode, 404);
    });
  });
}
