import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { reindexPeople } from '../../src/features/people/reindex.ts';
import { TestClient } from '../support/client.ts';
import { createOrganisation, createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';

async function addFamily(db: Kysely<DB>, organisationId: string, practitionerId: string, shielded = false) {
  const child = await db
    .insertInto('person')
    .values({
      kind: 'child',
      given_name: 'Aleksandra',
      family_name: shielded ? 'Quinlan-Hartley' : 'Kowalczyk',
      known_as: 'Ola',
      date_of_birth: '2015-03-27',
      expected_date_of_birth: null,
      sex: 'F',
      nhs_number: null,
      upn: null,
      ethnicity: null,
      first_language: 'Polish',
      date_of_death: null,
      created_by: null,
      updated_at: new Date(),
      shielded,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const mother = await db
    .insertInto('person')
    .values({
      kind: 'adult',
      given_name: 'Marta',
      family_name: 'Kowalczyk',
      known_as: null,
      date_of_birth: '1988-06-01',
      expected_date_of_birth: null,
      sex: 'F',
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
  await db
    .insertInto('relationship')
    .values({ person_id: child.id, related_person_id: mother.id, kind: 'parent', parental_responsibility: true })
    .execute();
  const household = await db
    .insertInto('household')
    .values({
      address_line1: '12 Larkspur Row',
      address_line2: null,
      town: 'Luton',
      postcode: 'LU2 7QX',
      area_id: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('household_member')
    .values({ household_id: household.id, person_id: child.id, moved_in: null, moved_out: null })
    .execute();
  await db
    .insertInto('involvement')
    .values({
      person_id: child.id,
      organisation_id: organisationId,
      team_id: null,
      user_id: practitionerId,
      role: 'School family worker',
      started_on: '2025-09-01',
      ended_on: null,
      contact_phone: '01632 960123',
      contact_email: 'family.worker@school.test.invalid',
    })
    .execute();
  return child.id;
}

for (const engine of engines()) {
  describe(`child index card and audit on ${engine}`, () => {
    let t: TestApp;
    let practitioner: TestUser;
    let colleague: TestUser;
    let dpo: TestUser;
    let analyst: TestUser;
    let childId: string;
    let shieldedId: string;
    before(async () => {
      t = await startTestApp(engine);
      const org = await createOrganisation(t.database.db, { name: 'Larkspur Primary School' });
      practitioner = await createUser(t.database.db, {
        roles: ['practitioner'],
        organisationId: org.id,
        name: 'Priya Sharma',
      });
      colleague = await createUser(t.database.db, { roles: ['practitioner'], name: 'Gareth Evans' });
      dpo = await createUser(t.database.db, { roles: ['data_protection'], name: 'Dana Okafor' });
      analyst = await createUser(t.database.db, { roles: ['analyst'] });
      childId = await addFamily(t.database.db, org.id, practitioner.id);
      shieldedId = await addFamily(t.database.db, org.id, practitioner.id, true);
      // Rows written straight to the database get their search keys as start-up would give them.
      await reindexPeople(t.database.db);
    });
    after(async () => t.close());

    test('the caseload lists the children a practitioner works with', async () => {
      const client = new TestClient(t.app, t.clock);
      await client.signIn(practitioner);
      const res = await client.get('/people');
      assert.equal(res.statusCode, 200);
      assert.match(res.body, new RegExp(`/people/${childId}`));
    });

    test('a misspelt name finds the child; shielded children are left out of fuzzy search', async () => {
      const client = new TestClient(t.app, t.clock);
      await client.signIn(colleague);
      await client.get('/people');
      const res = await client.post('/people/search', { givenName: 'Alexandra', familyName: 'Kowalczik' });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, new RegExp(`/people/${childId}`));
      assert.doesNotMatch(res.body, new RegExp(`/people/${shieldedId}`));
      const fuzzyShielded = await client.post('/people/search', { familyName: 'Quinlan Hartly' });
      assert.doesNotMatch(fuzzyShielded.body, new RegExp(`/people/${shieldedId}`));
      const exact = await client.post('/people/search', {
        givenName: 'Aleksandra',
        familyName: 'Quinlan-Hartley',
        'dob-day': '27',
        'dob-month': '3',
        'dob-year': '2015',
      });
      assert.match(exact.body, new RegExp(`/people/${shieldedId}`));
    });

    test('search needs a name and a real date, and keeps what was typed', async () => {
      const client = new TestClient(t.app, t.clock);
      await client.signIn(colleague);
      await client.get('/people');
      const res = await client.post('/people/search', {
        givenName: '',
        familyName: '',
        'dob-day': '31',
        'dob-month': '2',
        'dob-year': '2015',
      });
      assert.equal(res.statusCode, 400);
      assert.match(
        res.body,
        /Enter a name, a postcode, an NHS number, a unique pupil number, an email address or a telephone number/,
      );
      assert.match(res.body, /Date of birth must be a real date/);
      assert.match(res.body, /value="31"/);
    });

    test('the index card shows family and who is involved, and the read is audited', async () => {
      const client = new TestClient(t.app, t.clock);
      await client.signIn(colleague);
      const res = await client.get(`/people/${childId}`);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /Marta Kowalczyk/);
      assert.match(res.body, /School family worker/);
      assert.match(res.body, /01632 960123/);
      assert.match(res.body, /LU2 7QX/);
      const events = await t.database.db
        .selectFrom('audit_event')
        .selectAll()
        .where('record_id', '=', childId)
        .where('action', '=', 'person.index-card.viewed')
        .execute();
      assert.equal(events.length, 1);
      assert.equal(events[0]!.actor_user_id, colleague.id);
      assert.ok(events[0]!.request_id);
    });

    test('a role that may not register or open records is refused before the form is read', async () => {
      const analyst = await createUser(t.database.db, { roles: ['analyst'] });
      const client = new TestClient(t.app, t.clock);
      await client.signIn(analyst);
      const register = await client.post('/people/new', {});
      assert.equal(register.statusCode, 403);
      assert.doesNotMatch(register.body, /There is a problem/);
      const breakGlass = await client.post(`/people/${shieldedId}/break-glass`, {});
      assert.equal(breakGlass.statusCode, 403);
      assert.doesNotMatch(breakGlass.body, /There is a problem/);
    });

    test('a shielded child opens only with a reason, which is audited and notifies the owners', async () => {
      const client = new TestClient(t.app, t.clock);
      await client.signIn(colleague);
      const gate = await client.get(`/people/${shieldedId}`);
      assert.match(gate.body, /This record is shielded/);
      assert.doesNotMatch(gate.body, /Quinlan-Hartley/);
      const short = await client.post(`/people/${shieldedId}/break-glass`, { reason: 'need' });
      assert.equal(short.statusCode, 400);
      const opened = await client.post(`/people/${shieldedId}/break-glass`, {
        reason: 'Child presented at A&E, checking who is involved',
      });
      assert.equal(opened.statusCode, 200);
      assert.match(opened.body, /Quinlan-Hartley/);
      assert.doesNotMatch(opened.body, /LU2 7QX/);
      const event = await t.database.db
        .selectFrom('audit_event')
        .selectAll()
        .where('record_id', '=', shieldedId)
        .where('action', '=', 'person.break-glass')
        .executeTakeFirstOrThrow();
      assert.match(event.reason ?? '', /A&E/);
      const mail = await t.database.db.selectFrom('outbox_message').selectAll().execute();
      assert.ok(mail.some((m) => JSON.stringify(m.payload).includes('family.worker@school.test.invalid')));
    });

    test('unknown and malformed ids are 404; roles without index access get 403', async () => {
      const client = new TestClient(t.app, t.clock);
      await client.signIn(colleague);
      assert.equal((await client.get('/people/00000000-0000-4000-8000-000000000000')).statusCode, 404);
      assert.equal((await client.get('/people/not-an-id')).statusCode, 404);
      const other = new TestClient(t.app, t.clock);
      await other.signIn(analyst);
      assert.equal((await other.get(`/people/${childId}`)).statusCode, 403);
      assert.equal((await other.get('/audit')).statusCode, 403);
    });

    test('the data protection officer sees who accessed a record, and the chain verifies', async () => {
      const client = new TestClient(t.app, t.clock);
      await client.signIn(dpo);
      const res = await client.get(`/audit/record?type=person&id=${childId}`);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /Gareth Evans/);
      assert.match(res.body, /person.index-card.viewed/);
      // Lists the child appeared in count as access too.
      assert.match(res.body, /person.searched/);
      assert.match(res.body, /person.caseload.viewed/);
      const bad = await client.get('/audit/record?type=person&id=');
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Enter the record reference/);
      await client.get('/audit');
      const verified = await client.post('/audit/verify', {});
      assert.match(verified.body, /The audit trail is intact/);
    });
  });
}
