import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TokenService } from '../../src/features/api/service.ts';
import { importPeople } from '../../src/features/people/import.ts';
import { modelWith } from '../../src/features/people/search.ts';
import { TestClient } from '../support/client.ts';
import { createOrganisation, createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp, testConfig } from '../support/harness.ts';
import { createPerson } from '../support/people.ts';

/** The ids of the records a results page links to, in the order shown. */
function resultIds(html: string): string[] {
  return html
    .split('data-qa="result"')
    .slice(1)
    .map((r) => /href="\/people\/([0-9a-f-]{36})"/.exec(r)?.[1] ?? '');
}

for (const engine of engines()) {
  describe(`email address and telephone number on people, on ${engine}`, () => {
    let t: TestApp;
    let teacher: TestUser;
    let client: TestClient;
    let token: string;
    let schoolId: string;
    let jordan: string;
    let parent: string;
    let dir: string;

    before(async () => {
      t = await startTestApp(engine);
      const db = t.database.db;
      dir = mkdtempSync(join(tmpdir(), 'ehh-contact-'));
      const school = await createOrganisation(db, { name: 'Brookfield Academy' });
      schoolId = school.id;
      teacher = await createUser(db, { roles: ['practitioner'], organisationId: school.id, name: 'Nadia Brook' });
      jordan = await createPerson(db, {
        givenName: 'Jordan',
        familyName: 'Whitlock',
        dateOfBirth: '2009-06-14',
        sex: 'M',
        email: 'Jordan.Whitlock@googlemail.com',
        telephone: '07700 900417',
        involvement: { organisationId: school.id, userId: teacher.id, role: 'Head of year' },
      });
      parent = await createPerson(db, {
        kind: 'adult',
        givenName: 'Carys',
        familyName: 'Whitlock',
        dateOfBirth: '1984-02-03',
        sex: 'F',
        email: 'carys.whitlock@example.org',
        telephone: '01632 960214',
        involvement: { organisationId: school.id, userId: teacher.id, role: 'Parent contact' },
      });
      client = new TestClient(t.app, t.clock);
      await client.signIn(teacher);
      const tokens = new TokenService(db, t.clock);
      const ctx = { requestId: 'test', clientIp: '127.0.0.1' };
      token = (await tokens.createForEmail(teacher.email, { name: 'test', expiresInDays: null }, ctx)).token;
    });
    after(async () => {
      rmSync(dir, { recursive: true, force: true });
      await t.close();
    });

    async function search(form: Record<string, string>) {
      await client.get('/people');
      return client.post('/people/search', form);
    }

    test('the record shows them, and the details form has email and telephone fields', async () => {
      const card = await client.get(`/people/${jordan}`);
      assert.equal(card.statusCode, 200);
      assert.match(card.body, /Jordan\.Whitlock@googlemail\.com/, 'kept as typed');
      assert.match(card.body, /07700 900417/);
      const form = await client.get(`/people/${jordan}/edit`);
      assert.match(form.body, /<input[^>]*id="email"[^>]*type="email"|<input[^>]*type="email"[^>]*id="email"/);
      assert.match(form.body, /<input[^>]*id="telephone"[^>]*type="tel"|<input[^>]*type="tel"[^>]*id="telephone"/);
      assert.match(form.body, /value="Jordan\.Whitlock@googlemail\.com"/);
    });

    test('a change is saved as typed, audited by field name only, and a number that does not parse is kept', async () => {
      await client.get(`/people/${parent}/edit`);
      const res = await client.post(`/people/${parent}/edit`, {
        givenName: 'Carys',
        familyName: 'Whitlock',
        'dateOfBirth-day': '3',
        'dateOfBirth-month': '2',
        'dateOfBirth-year': '1984',
        sex: 'F',
        email: '  Carys.W@Example.org ',
        telephone: 'ask at reception',
      });
      assert.equal(res.statusCode, 303, res.body.slice(0, 2000));
      const row = await t.database.db
        .selectFrom('person')
        .select(['email', 'telephone'])
        .where('id', '=', parent)
        .executeTakeFirstOrThrow();
      assert.deepEqual(row, { email: 'Carys.W@Example.org', telephone: 'ask at reception' });
      const event = await t.database.db
        .selectFrom('audit_event')
        .select('details')
        .where('record_id', '=', parent)
        .where('action', '=', 'person.details.changed')
        .executeTakeFirstOrThrow();
      const fields = (event.details as { fields: string[] }).fields;
      assert.ok(fields.includes('email') && fields.includes('telephone'), JSON.stringify(fields));
      assert.doesNotMatch(JSON.stringify(event.details), /Carys\.W|reception/, 'no values in the audit');
    });

    test('an email or telephone number that is too long is refused, keeping what was typed', async () => {
      await client.get(`/people/${parent}/edit`);
      const res = await client.post(`/people/${parent}/edit`, {
        givenName: 'Carys',
        familyName: 'Whitlock',
        sex: 'F',
        email: `${'a'.repeat(300)}@example.org`,
        telephone: '0'.repeat(41),
      });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /Email address must be 254 characters or fewer/);
      assert.match(res.body, /Telephone number must be 40 characters or fewer/);
    });

    test('search finds a young person by email written another way (case, Gmail dots, googlemail)', async () => {
      const res = await search({ email: 'JORDANWHITLOCK+school@gmail.com' });
      assert.equal(res.statusCode, 200, res.body.slice(0, 1500));
      assert.deepEqual(resultIds(res.body), [jordan]);
      assert.match(res.body, /same email address/i);
    });

    test('search finds a young person by telephone number written with +44', async () => {
      const res = await search({ telephone: '+44 (0)7700 900417' });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(resultIds(res.body), [jordan]);
      assert.match(res.body, /same telephone number/i);
    });

    test('a shielded young person is not found by email or telephone alone', async () => {
      await createPerson(t.database.db, {
        givenName: 'Elowen',
        familyName: 'Tregarthen',
        dateOfBirth: '2010-04-04',
        sex: 'F',
        email: 'elowen.t@example.org',
        telephone: '07700 900888',
        shielded: true,
      });
      const forms: Record<string, string>[] = [{ email: 'Elowen.T@example.org' }, { telephone: '+447700900888' }];
      for (const form of forms) {
        const res = await search(form);
        assert.equal(res.statusCode, 200);
        assert.deepEqual(resultIds(res.body), [], JSON.stringify(form));
        assert.doesNotMatch(res.body, /Tregarthen/);
      }
    });

    test('agreeing on email adds to the score of a name search', async () => {
      const plain = await search({ givenName: 'Jordan', familyName: 'Whitlock' });
      const withEmail = await search({
        givenName: 'Jordan',
        familyName: 'Whitlock',
        email: 'jordan.whitlock@gmail.com',
      });
      const score = (html: string) => Number(/data-qa="score"[^>]*>\s*([-\d.]+)/.exec(html)?.[1] ?? Number.NaN);
      assert.deepEqual(resultIds(withEmail.body)[0], jordan);
      assert.match(withEmail.body, /same email address/i);
      assert.doesNotMatch(plain.body, /same email address/i);
      assert.ok(score(withEmail.body) > score(plain.body) + 5, `${score(withEmail.body)} vs ${score(plain.body)}`);
    });

    test('a search email or telephone that does not parse gets an error that keeps what was typed', async () => {
      const res = await search({ email: 'jordan at gmail', telephone: '12345' });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /Enter an email address in the correct format, like name@example\.com/);
      assert.match(res.body, /Enter a UK telephone number, like 01632 960 001 or 07700 900 982/);
      assert.match(res.body, /value="jordan at gmail"/);
    });

    test('the API gives and takes email and telephone, and searches by them', async () => {
      const headers = { authorization: `Bearer ${token}` };
      const card = await t.app.inject({ url: `/api/v1/people/${jordan}`, headers });
      assert.equal(card.statusCode, 200, card.body);
      assert.equal(card.json().email, 'Jordan.Whitlock@googlemail.com');
      assert.equal(card.json().telephone, '07700 900417');
      const found = await t.app.inject({
        method: 'POST',
        url: '/api/v1/people/search',
        headers,
        payload: { telephone: '00447700900417' },
      });
      assert.equal(found.statusCode, 200, found.body);
      assert.deepEqual(
        found.json().results.map((r: { id: string }) => r.id),
        [jordan],
      );
      const bad = await t.app.inject({
        method: 'POST',
        url: '/api/v1/people/search',
        headers,
        payload: { email: 'nope' },
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /"field":"email"/);
      const doc = (await t.app.inject('/api/v1/openapi.json')).json();
      const schemas = JSON.stringify(doc);
      assert.match(schemas, /"telephone"/);
      const registered = await t.app.inject({
        method: 'POST',
        url: '/api/v1/people',
        headers,
        payload: {
          givenName: 'Tamsin',
          familyName: 'Roscoe',
          dateOfBirth: '2010-01-20',
          sex: 'F',
          role: 'Form tutor',
          email: 'tamsin.roscoe@example.com',
          telephone: '07700 900555',
          confirmedNoMatch: true,
        },
      });
      assert.equal(registered.statusCode, 200, registered.body);
      assert.equal(registered.json().status, 'created');
      const id = registered.json().id as string;
      const row = await t.database.db
        .selectFrom('person')
        .select(['email', 'telephone'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(row, { email: 'tamsin.roscoe@example.com', telephone: '07700 900555' });
    });

    test('the import reads email and telephone; one that does not parse is kept as written, with a warning', async () => {
      const path = join(dir, 'extract.csv');
      writeFileSync(
        path,
        'source_id,given_name,family_name,date_of_birth,email,telephone\n' +
          'S-1,Imogen,Castellane,2011-09-09,Imogen.Castellane@Example.com,+44 1632 960777\n' +
          'S-2,Rafferty,Okonjo,2012-10-10,rafferty at home,   \n',
      );
      const report = await importPeople(t.database.db, path, {
        organisationId: schoolId,
        model: modelWith(testConfig().matching),
        now: t.clock.now(),
      });
      assert.deepEqual(report.problems, []);
      assert.equal(report.created, 2);
      assert.deepEqual(report.warnings, [
        'Line 3: email is not an email address we can read, so it is kept as written and not used to find matches',
      ]);
      const rows = await t.database.db
        .selectFrom('person')
        .select(['given_name', 'email', 'telephone'])
        .where('given_name', 'in', ['Imogen', 'Rafferty'])
        .orderBy('given_name')
        .execute();
      assert.deepEqual(rows, [
        { given_name: 'Imogen', email: 'Imogen.Castellane@Example.com', telephone: '+44 1632 960777' },
        { given_name: 'Rafferty', email: 'rafferty at home', telephone: null },
      ]);
      const found = await search({ telephone: '01632 960777' });
      assert.equal(resultIds(found.body).length, 1);
      assert.match(found.body, /Castellane/);
      const notFound = await search({ givenName: 'Rafferty', familyName: 'Okonjo' });
      assert.doesNotMatch(notFound.body, /same email address/i);
    });
  });
}
