import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../support/client.ts';
import { createOrganisation, createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';
import { createPerson } from '../support/people.ts';

for (const engine of engines()) {
  describe(`a record's access history for the data-protection officer on ${engine}`, () => {
    let t: TestApp;
    let dpo: TestUser;
    let practitioner: TestUser;
    let childId: string;

    before(async () => {
      t = await startTestApp(engine);
      const db = t.database.db;
      const school = await createOrganisation(db, { name: 'Meadowbank Primary' });
      practitioner = await createUser(db, { roles: ['practitioner'], organisationId: school.id, name: 'Iona Reid' });
      dpo = await createUser(db, { roles: ['data_protection'], name: 'Dara Protheroe' });
      childId = await createPerson(db, {
        givenName: 'Tobias',
        familyName: 'Wrenfield',
        dateOfBirth: '2016-04-09',
        sex: 'M',
        involvement: { organisationId: school.id, role: 'Class teacher', email: 'teacher@meadowbank.test.invalid' },
      });
      const client = new TestClient(t.app, t.clock);
      await client.signIn(practitioner);
      assert.equal((await client.get(`/people/${childId}`)).statusCode, 200);
    });
    after(async () => t.close());

    const signedInDpo = async () => {
      const client = new TestClient(t.app, t.clock);
      await client.signIn(dpo);
      return client;
    };

    test('shows events in words, not codes', async () => {
      const client = await signedInDpo();
      const res = await client.get(`/audit/record?type=person&id=${childId}`);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /Viewed the index card/);
    });

    test('says there is no record with that reference for an id that does not exist', async () => {
      const client = await signedInDpo();
      const res = await client.get('/audit/record?type=person&id=00000000-0000-4000-8000-000000000000');
      assert.equal(res.statusCode, 404);
      assert.match(res.body, /No record with that reference/);
      assert.doesNotMatch(res.body, /Nobody has accessed this record/);
    });

    test('filters the events by user, action and dates', async () => {
      const client = await signedInDpo();
      const all = await client.get(`/audit/record?type=person&id=${childId}`);
      assert.match(all.body, /Viewed the index card/);
      const byOther = await client.get(`/audit/record?type=person&id=${childId}&user=${dpo.id}`);
      assert.equal(byOther.statusCode, 200);
      assert.doesNotMatch(byOther.body.split('data-qa="events"')[1] ?? '', /Viewed the index card/);
      const byAction = await client.get(`/audit/record?type=person&id=${childId}&action=person.index-card.viewed`);
      assert.match(byAction.body.split('data-qa="events"')[1] ?? '', /Viewed the index card/);
      const later = await client.get(`/audit/record?type=person&id=${childId}&from=2999-01-01`);
      assert.doesNotMatch(later.body.split('data-qa="events"')[1] ?? '', /Viewed the index card/);
      const bad = await client.get(`/audit/record?type=person&id=${childId}&from=31-31-2020`);
      assert.equal(bad.statusCode, 400);
    });

    test('exports the history as CSV, and the export is audited', async () => {
      const client = await signedInDpo();
      const res = await client.get(`/audit/record.csv?type=person&id=${childId}`);
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /text\/csv/);
      assert.match(String(res.headers['content-disposition']), /attachment/);
      assert.doesNotMatch(String(res.headers['content-disposition']), /Wrenfield|Tobias/);
      assert.match(res.body, /^When,Who,Organisation,Role,Action,Record,Reason,From/);
      assert.match(res.body, /Viewed the index card/);
      const exported = await t.database.db
        .selectFrom('audit_event')
        .select(['actor_user_id', 'record_id'])
        .where('action', '=', 'audit.record-history.exported')
        .execute();
      assert.deepEqual(exported, [{ actor_user_id: dpo.id, record_id: childId }]);
    });

    test('finds a child by name through the child index, and the search is audited as a search', async () => {
      const client = await signedInDpo();
      await client.get('/audit');
      const res = await client.post('/audit/find', { givenName: 'Tobias', familyName: 'Wrenfield' });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, new RegExp(`/audit/record\\?type=person&amp;id=${childId}`));
      const searches = await t.database.db
        .selectFrom('audit_event')
        .select('action')
        .where('actor_user_id', '=', dpo.id)
        .where('action', '=', 'person.searched')
        .execute();
      assert.equal(searches.length, 1);
    });
  });
}
