import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formatsPlugin from 'ajv-formats';
import { type DirectoryDemo, NEED_TERM_IDS, seedDirectoryDemo } from '../../src/features/directory/demo-data.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';

/**
 * The Open Referral UK profile's own JSON Schemas (draft 2020-12, the OpenAPI document's dialect),
 * read from the shared standard. They carry documentation keywords of their own, hence strict: false.
 */
const STANDARD = new URL('../../../shared/standards/open-referral-uk/schema/', import.meta.url).pathname;
const BASE = 'https://schemas.invalid/oruk/';
const ajv = new Ajv2020({ strict: false, allErrors: true });
// ajv-formats is CommonJS: at run time the default import is the plugin, whatever its typings say.
const addFormats = formatsPlugin as unknown as (ajv: Ajv2020) => Ajv2020;
addFormats(ajv);
for (const dir of ['', 'compiled/']) {
  for (const file of readdirSync(join(STANDARD, dir)).filter((f) => f.endsWith('.json') && f !== 'openapi.json')) {
    ajv.addSchema(JSON.parse(readFileSync(join(STANDARD, dir, file), 'utf8')), `${BASE}${dir}${file}`);
  }
}
function schema(name: string): ValidateFunction {
  const v = ajv.getSchema(`${BASE}${name}`);
  if (!v) throw new Error(`no schema ${name}`);
  return v;
}
function assertValid(name: string, data: unknown) {
  const validate = schema(name);
  assert.ok(validate(data), `${name}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(data).slice(0, 500)}`);
}
function assertPage(body: Record<string, unknown>) {
  for (const k of ['total_items', 'total_pages', 'page_number', 'size']) assert.equal(typeof body[k], 'number', k);
  for (const k of ['first_page', 'last_page', 'empty']) assert.equal(typeof body[k], 'boolean', k);
  assert.ok(Array.isArray(body.contents));
}

for (const engine of engines()) {
  describe(`Open Referral UK API on ${engine}`, () => {
    let t: TestApp;
    let demo: DirectoryDemo;
    const get = async (url: string, headers: Record<string, string> = {}) =>
      t.app.inject({ method: 'GET', url, headers });

    before(async () => {
      t = await startTestApp(engine);
      demo = await seedDirectoryDemo(t.database.db, { today: t.clock.now() });
      // A child in the database: nothing about them may ever appear in the feed.
      await t.database.db
        .insertInto('person')
        .values({
          kind: 'child',
          given_name: 'Zephaniah',
          family_name: 'Quartermaine',
          known_as: null,
          date_of_birth: '2012-05-01',
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
        .execute();
    });
    after(async () => t.close());

    test('/ says which version and profile, open without sign-in, CORS for any origin', async () => {
      const res = await get('/openreferral', { origin: 'https://family-hub.example' });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['access-control-allow-origin'], '*');
      assert.match(String(res.headers['content-type']), /application\/json/);
      const body = res.json();
      assert.equal(body.version, '3.0');
      assert.match(body.openapi_url, /\/openreferral\/openapi\.json$/);
      const withSlash = await get('/openreferral/');
      assert.equal(withSlash.statusCode, 200);
      const openapi = await get('/openreferral/openapi.json');
      assert.equal(openapi.json().info.title, 'Open Referral UK Profile');
      assert.equal(res.headers['set-cookie'], undefined);
    });

    test('a CORS preflight is answered', async () => {
      const res = await t.app.inject({
        method: 'OPTIONS',
        url: '/openreferral/services?search=x',
        headers: {
          origin: 'https://family-hub.example',
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'accept',
        },
      });
      assert.equal(res.statusCode, 204);
      assert.equal(res.headers['access-control-allow-origin'], '*');
      assert.match(String(res.headers['access-control-allow-methods']), /GET/);
    });

    test('/services: every page and item valid against the profile schema', async () => {
      // The validators can fail: a service without a name, or with an id that is not a UUID.
      assert.equal(
        schema('compiled/service_list.json')({ id: '0b7e1f0e-4d7c-4c5a-9a41-3f1f6b9d2c11', status: 'active' }),
        false,
      );
      assert.equal(schema('compiled/service.json')({ id: 'mst', name: 'MST', status: 'active' }), false);
      const first = await get('/openreferral/services?per_page=7');
      assert.equal(first.statusCode, 200);
      const body = first.json();
      assertPage(body);
      assert.equal(body.size, 7);
      assert.equal(body.first_page, true);
      assert.equal(body.total_items, Object.keys(demo.serviceIds).length);
      assert.equal(body.total_pages, Math.ceil(body.total_items / 7));
      const seen = new Set<string>();
      for (let page = 1; page <= body.total_pages; page++) {
        const res = (await get(`/openreferral/services?per_page=7&page=${page}`)).json();
        assert.equal(res.page_number, page);
        assert.equal(res.last_page, page === body.total_pages);
        for (const item of res.contents) {
          assertValid('compiled/service_list.json', item);
          seen.add(item.id);
        }
      }
      assert.equal(seen.size, body.total_items);
      const beyond = (await get('/openreferral/services?page=99')).json();
      assert.equal(beyond.empty, true);
    });

    test('/services/{id}: fully nested, valid, with the local early help properties', async () => {
      for (const id of Object.values(demo.serviceIds)) {
        const res = await get(`/openreferral/services/${id}`);
        assert.equal(res.statusCode, 200);
        assert.equal(res.headers['access-control-allow-origin'], '*');
        assertValid('compiled/service.json', res.json());
        assert.doesNotMatch(res.body, /Zephaniah|Quartermaine/);
      }
      const mst = (await get(`/openreferral/services/${demo.serviceIds['Multisystemic Therapy (MST)']}`)).json();
      assert.equal(mst.minimum_age, 11);
      assert.equal(mst.maximum_age, 17);
      assert.equal(mst.x_tier, 'specialist');
      assert.equal(mst.x_access_route, 'panel');
      assert.equal(mst.x_referral_panel, 'Children Aire panel');
      assert.ok(
        mst.attributes.some(
          (a: { taxonomy_term_id: string }) => a.taxonomy_term_id === NEED_TERM_IDS['behaviour-offending'],
        ),
      );
      assert.ok(mst.service_at_locations[0].location.addresses[0].postal_code);
      assert.ok(mst.schedules[0].byday.includes('SU'));
      assert.ok(mst.contacts[0].phones.length > 0);
    });

    test('/service_at_locations and /service_at_locations/{id}', async () => {
      const res = await get('/openreferral/service_at_locations');
      assert.equal(res.statusCode, 200);
      const body = res.json();
      assertPage(body);
      assert.ok(body.total_items >= 5);
      for (const item of body.contents) {
        assertValid('compiled/service_at_location_list.json', item);
        const one = await get(`/openreferral/service_at_locations/${item.id}`);
        assert.equal(one.statusCode, 200);
        assertValid('compiled/service_at_location.json', one.json());
        assertValid('compiled/service.json', one.json().service);
      }
    });

    test('postcode and proximity', async () => {
      const names = async (url: string) => {
        const res = await get(url);
        assert.equal(res.statusCode, 200, res.body);
        return res.json().contents.map((c: { service: { name: string } }) => c.service.name) as string[];
      };
      const inArea = await names('/openreferral/service_at_locations?postcode=LS11%203AA');
      assert.ok(inArea.includes('Early Start team (Holbeck Mills)'));
      assert.ok(inArea.includes('Multisystemic Therapy (MST)')); // city-wide
      assert.ok(!inArea.includes('Area family support panel'));
      const near = await names('/openreferral/service_at_locations?postcode=LS11&proximity=2000');
      assert.deepEqual(near, ['Early Start team (Holbeck Mills)']);
      const wider = await names('/openreferral/service_at_locations?postcode=LS11&proximity=10000');
      assert.equal(wider[0], 'Early Start team (Holbeck Mills)'); // nearest first
      assert.ok(wider.includes('Family Information Service'));
    });

    test('search, taxonomy, age, day and modified_after filters', async () => {
      const names = async (q: string) =>
        (await get(`/openreferral/services?per_page=100&${q}`))
          .json()
          .contents.map((c: { name: string }) => c.name) as string[];
      assert.deepEqual(await names('search=multisystemic'), ['Multisystemic Therapy (MST)']);
      const behaviour = await names(`taxonomy_term_id=${NEED_TERM_IDS['behaviour-offending']}`);
      assert.ok(behaviour.includes('Signpost intensive family support'));
      assert.ok(!behaviour.includes('Family Information Service'));
      const byTaxonomy = await names('taxonomy_id=43923649-3ae7-47a5-b49f-bee9cb738e84');
      assert.equal(byTaxonomy.length, Object.keys(demo.serviceIds).length);
      const older = await names('minimum_age=11');
      assert.ok(older.includes('Multisystemic Therapy (MST)'));
      assert.ok(!older.includes('Signpost intensive family support'));
      const young = await names('maximum_age=5');
      assert.deepEqual(young.sort(), ['Early Start team (Holbeck Mills)', 'Rutmoor Children’s Centre']);
      const sunday = await names('day=SU');
      assert.ok(sunday.includes('Duty and Advice Team (front door)'));
      assert.ok(!sunday.includes('Family Information Service'));
      const evening = await names('start_time=17:30');
      assert.deepEqual(evening, ['Parenting Together groups']);
      assert.equal((await names('modified_after=2999-01-01T00:00:00Z')).length, 0);
      assert.equal((await names('modified_after=2000-01-01')).length, Object.keys(demo.serviceIds).length);
    });

    test('/taxonomies and /taxonomy_terms, list and item, valid', async () => {
      const list = (await get('/openreferral/taxonomies')).json();
      assertPage(list);
      for (const item of list.contents) {
        assertValid('taxonomy.json', item);
        const one = await get(`/openreferral/taxonomies/${item.id}`);
        assertValid('taxonomy.json', one.json());
      }
      const terms = (await get('/openreferral/taxonomy_terms?per_page=100')).json();
      assertPage(terms);
      assert.ok(terms.total_items >= 15);
      for (const item of terms.contents) {
        assertValid('taxonomy_term.json', item);
        const one = await get(`/openreferral/taxonomy_terms/${item.id}`);
        assert.equal(one.statusCode, 200);
        assertValid('taxonomy_term.json', one.json());
      }
    });

    test('malformed or oversized parameters answer 400 problem documents naming the parameter', async () => {
      const cases: [string, string][] = [
        ['/openreferral/services?page=0', 'page'],
        ['/openreferral/services?page=abc', 'page'],
        ['/openreferral/services?per_page=1000', 'per_page'],
        ['/openreferral/services?per_page=-1', 'per_page'],
        ['/openreferral/services?minimum_age=-3', 'minimum_age'],
        ['/openreferral/services?maximum_age=old', 'maximum_age'],
        ['/openreferral/services?taxonomy_term_id=not-a-uuid', 'taxonomy_term_id'],
        ['/openreferral/services?taxonomy_id=1%27%20or%201=1', 'taxonomy_id'],
        ['/openreferral/services?day=Funday', 'day'],
        ['/openreferral/services?start_time=25:99', 'start_time'],
        ['/openreferral/services?modified_after=yesterday', 'modified_after'],
        ['/openreferral/services?search=a&search=b', 'search'],
        [`/openreferral/services?search=${'x'.repeat(300)}`, 'search'],
        ['/openreferral/service_at_locations?postcode=NOT%20A%20POSTCODE', 'postcode'],
        ['/openreferral/service_at_locations?proximity=500', 'proximity'],
        ['/openreferral/service_at_locations?postcode=ZZ9&proximity=500', 'postcode'],
        ['/openreferral/service_at_locations?postcode=LS1&proximity=999999999', 'proximity'],
        ['/openreferral/taxonomy_terms?per_page=0', 'per_page'],
        ['/openreferral/taxonomies?page=%ZZ', 'page'],
      ];
      for (const [url, field] of cases) {
        const res = await get(url);
        assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
        assert.match(String(res.headers['content-type']), /application\/problem\+json/, url);
        assert.equal(res.headers['access-control-allow-origin'], '*', url);
        const body = res.json();
        assert.equal(body.status, 400);
        assert.ok(
          body.errors.some((e: { field: string }) => e.field === field),
          `${url} should name ${field}: ${res.body}`,
        );
      }
    });

    test('unknown or malformed ids are 404 problem documents with CORS', async () => {
      for (const url of [
        '/openreferral/services/00000000-0000-4000-8000-000000000000',
        '/openreferral/services/not-an-id',
        '/openreferral/service_at_locations/1',
        '/openreferral/taxonomies/x',
        '/openreferral/taxonomy_terms/00000000-0000-4000-8000-000000000000',
        '/openreferral/organizations',
      ]) {
        const res = await get(url);
        assert.equal(res.statusCode, 404, url);
        assert.match(String(res.headers['content-type']), /application\/problem\+json/, url);
        assert.equal(res.headers['access-control-allow-origin'], '*', url);
      }
    });
  });
}
