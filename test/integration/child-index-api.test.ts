import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { LightMyRequestResponse } from 'fastify';
import { TokenService } from '../../src/features/api/service.ts';
import { createOrganisation, createUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';
import { createPerson } from '../support/people.ts';

type Doc = {
  paths: Record<string, Record<string, { responses: Record<string, { content: Record<string, { schema: object }> }> }>>;
  components: object;
};

for (const engine of engines()) {
  describe(`child index API on ${engine}`, () => {
    let t: TestApp;
    let token: string;
    let analystToken: string;
    let doc: Doc;
    let child: string;
    let shielded: string;

    before(async () => {
      t = await startTestApp(engine);
      const db = t.database.db;
      const tokens = new TokenService(db, t.clock);
      const school = await createOrganisation(db, { name: 'Riverside Primary' });
      const user = await createUser(db, {
        roles: ['practitioner'],
        organisationId: school.id,
        name: 'Api Practitioner',
      });
      const analyst = await createUser(db, { roles: ['analyst'] });
      const ctx = { requestId: 'test', clientIp: '127.0.0.1' };
      token = (await tokens.createForEmail(user.email, { name: 'test', expiresInDays: null }, ctx)).token;
      analystToken = (await tokens.createForEmail(analyst.email, { name: 'test', expiresInDays: null }, ctx)).token;
      child = await createPerson(db, {
        givenName: 'Oluwaseun',
        familyName: 'Adeyemi',
        knownAs: 'Seun',
        dateOfBirth: '2013-11-02',
        sex: 'M',
        upn: 'A801200002017',
        address: { line1: '9 Brook Street', postcode: 'LS6 2AB' },
        involvement: { organisationId: school.id, role: 'Head of year', email: 'hoy@riverside.test.invalid' },
      });
      shielded = await createPerson(db, {
        givenName: 'Hana',
        familyName: 'Begum',
        dateOfBirth: '2016-01-15',
        sex: 'F',
        shielded: true,
        address: { line1: '2 Hidden Way', postcode: 'LS7 1AA' },
      });
      doc = (await t.app.inject('/api/v1/openapi.json')).json();
    });
    after(async () => t.close());

    const post = (url: string, payload: unknown, bearer = token) =>
      t.app.inject({ method: 'POST', url, payload: payload as object, headers: { authorization: `Bearer ${bearer}` } });
    const get = (url: string, bearer = token) => t.app.inject({ url, headers: { authorization: `Bearer ${bearer}` } });

    test('a role that may not register or open records is refused before its request is read', async () => {
      for (const [url, payload] of [
        ['/api/v1/people', {}],
        ['/api/v1/people', { givenName: 7 }],
        [`/api/v1/people/${shielded}/break-glass`, {}],
        [`/api/v1/people/${child}/involvements`, {}],
      ] as const) {
        const res = await post(url, payload, analystToken);
        assert.equal(res.statusCode, 403, `${url} ${JSON.stringify(payload)}`);
        assert.doesNotMatch(res.body, /givenName|reason|role/);
      }
    });

    function matchesDocument(res: LightMyRequestResponse, path: string, method: string) {
      const schema = doc.paths[path]?.[method]?.responses['200']?.content['application/json']?.schema;
      assert.ok(schema, `${method} ${path} is documented`);
      const ajv = new Ajv2020({ strict: false, allErrors: true });
      addFormats.default(ajv);
      ajv.addSchema({ $id: 'doc', components: doc.components });
      const ok = ajv.validate(
        JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"doc#/components/')),
        res.json(),
      );
      assert.ok(ok, ajv.errorsText());
    }

    test('search finds a child by a transliteration variant and transposed date, matching the document', async () => {
      const res = await post('/api/v1/people/search', {
        givenName: 'Oluseun',
        familyName: 'Adeyemmi',
        dateOfBirth: '2013-02-11',
      });
      assert.equal(res.statusCode, 200, res.body);
      matchesDocument(res, '/api/v1/people/search', 'post');
      const body = res.json();
      assert.equal(body.results[0].id, child);
      assert.ok(body.results[0].reasons.some((r: { text: string }) => /day and month swapped/.test(r.text)));
      assert.equal(body.truncated, false);
    });

    test('bad search input is a 400 problem naming each field; no criteria at all is refused too', async () => {
      const res = await post('/api/v1/people/search', {
        nhsNumber: '1234567890',
        dateOfBirth: '2013-02-30',
        colour: 'red',
      });
      assert.equal(res.statusCode, 400);
      assert.match(String(res.headers['content-type']), /application\/problem\+json/);
      const fields = res.json().errors.map((e: { field: string }) => e.field);
      assert.ok(fields.length > 0);
      const rules = await post('/api/v1/people/search', { nhsNumber: '1234567890', dateOfBirth: '2013-02-30' });
      assert.equal(rules.statusCode, 400);
      const messages = rules.json().errors.map((e: { field: string; message: string }) => `${e.field}: ${e.message}`);
      assert.ok(
        messages.some((m: string) => /^nhsNumber: Enter a real NHS number/.test(m)),
        messages.join('; '),
      );
      assert.ok(
        messages.some((m: string) => /^dateOfBirth: Date of birth must be a real date/.test(m)),
        messages.join('; '),
      );
      const empty = await post('/api/v1/people/search', {});
      assert.equal(empty.statusCode, 400);
    });

    test('the index card has family, involvements and contacts; a shielded card needs a reason', async () => {
      const res = await get(`/api/v1/people/${child}`);
      assert.equal(res.statusCode, 200, res.body);
      matchesDocument(res, '/api/v1/people/{id}', 'get');
      const card = res.json();
      assert.equal(card.knownAs, 'Seun');
      assert.equal(card.address.postcode, 'LS6 2AB');
      assert.equal(card.involvements[0].email, 'hoy@riverside.test.invalid');
      const gated = await get(`/api/v1/people/${shielded}`);
      assert.equal(gated.statusCode, 409);
      const opened = await post(`/api/v1/people/${shielded}/break-glass`, {
        reason: 'Child at A&E, finding who is involved',
      });
      assert.equal(opened.statusCode, 200, opened.body);
      assert.equal(opened.json().address, null);
      assert.equal((await get('/api/v1/people/00000000-0000-4000-8000-000000000000')).statusCode, 404);
      assert.equal((await get(`/api/v1/people/${child}`, analystToken)).statusCode, 403);
    });

    test('registration returns likely matches first, then registers when confirmed', async () => {
      const person = {
        givenName: 'Seun',
        familyName: 'Adeyemi',
        dateOfBirth: '2013-11-02',
        sex: 'M',
        role: 'School nurse',
      };
      const check = await post('/api/v1/people', person);
      assert.equal(check.statusCode, 200, check.body);
      matchesDocument(check, '/api/v1/people', 'post');
      assert.equal(check.json().status, 'check');
      assert.equal(check.json().matches[0].id, child);
      const created = await post('/api/v1/people', { ...person, confirmedNoMatch: true });
      assert.equal(created.json().status, 'created');
      assert.equal(created.json().queuedForReview, 1);
      const involved = await post(`/api/v1/people/${child}/involvements`, {
        role: 'School nurse',
        phone: '01632 960 214',
        reason: 'Referred by the school for a health check',
      });
      assert.equal(involved.statusCode, 201, involved.body);
      const card = (await get(`/api/v1/people/${child}`)).json();
      assert.ok(
        card.involvements.some(
          (i: { role: string; phone: string }) => i.role === 'School nurse' && i.phone === '01632 960 214',
        ),
      );
      assert.equal((await post(`/api/v1/people/${child}/involvements`, { role: '   ', reason: 'x' })).statusCode, 400);
      assert.equal((await post(`/api/v1/people/${child}/involvements`, { role: 'Nurse' })).statusCode, 400);
      assert.equal(
        (await post(`/api/v1/people/${shielded}/involvements`, { role: 'Nurse', reason: 'Referral' })).statusCode,
        404,
      );
      const bad = await post('/api/v1/people', { ...person, upn: 'Z801200002017', dateOfBirth: '2099-01-01' });
      assert.equal(bad.statusCode, 400);
      const fields = bad
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort();
      assert.deepEqual(fields, ['dateOfBirth', 'upn']);
    });
  });
}
