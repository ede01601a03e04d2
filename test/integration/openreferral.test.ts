import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formatsPlugin from 'ajv-formats';
import type { LightMyRequestResponse } from 'fastify';
import { type DirectoryDemo, NEED_TERM_IDS, seedDirectoryDemo } from '../../src/features/directory/demo-data.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';

/**
 * The Open Referral UK profile's own JSON Schemas (draft 2020-12, the OpenAPI document's dialect),
 * read from the shared standard. They carry documentation keywords of their own, hence strict: false.
 * They are registered under the addresses the OpenAPI document refers to them by, so its response
 * schemas resolve to these local copies.
 */
const STANDARD = new URL('../../../shared/standards/open-referral-uk/', import.meta.url).pathname;
const PUBLISHED = 'https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/';
const ajv = new Ajv2020({ strict: false, allErrors: true });
// ajv-formats is CommonJS: at run time the default import is the plugin, whatever its typings say.
const addFormats = formatsPlugin as unknown as (ajv: Ajv2020) => Ajv2020;
addFormats(ajv);
for (const dir of ['', 'compiled/']) {
  const folder = join(STANDARD, 'schema', dir);
  for (const file of readdirSync(folder).filter((f) => f.endsWith('.json') && f !== 'openapi.json')) {
    ajv.addSchema(JSON.parse(readFileSync(join(folder, file), 'utf8')), `${PUBLISHED}${dir}${file}`);
  }
}
function schema(name: string): ValidateFunction {
  const v = ajv.getSchema(`${PUBLISHED}${name}`);
  if (!v) throw new Error(`no schema ${name}`);
  return v;
}
function assertValid(name: string, data: unknown) {
  const validate = schema(name);
  assert.ok(validate(data), `${name}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(data).slice(0, 500)}`);
}

/** The API the standard requires: its paths and the schema of each one's 200 response. */
interface OpenApi {
  paths: Record<string, { get: { responses: Record<string, { content: Record<string, { schema: unknown }> }> } }>;
  components: { schemas: Record<string, unknown> };
}
const OPENAPI: OpenApi = JSON.parse(readFileSync(join(STANDARD, 'openapi30.json'), 'utf8'));

/** Replaces the document's own component references (the Page properties) with the components. */
function inlineComponents(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(inlineComponents);
  if (!node || typeof node !== 'object') return node;
  const ref = (node as { $ref?: unknown }).$ref;
  if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
    return inlineComponents(OPENAPI.components.schemas[ref.slice('#/components/schemas/'.length)]);
  }
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, inlineComponents(v)]));
}

/**
 * One validator per endpoint, from the OpenAPI document. The document gives /service_at_locations/{id}
 * the service schema, although it describes (and the endpoint returns) a fully nested
 * service_at_location; that endpoint is checked against the compiled service_at_location schema.
 */
const RESPONSES: Record<string, ValidateFunction> = Object.fromEntries(
  Object.entries(OPENAPI.paths).map(([path, item]) => {
    let responseSchema = inlineComponents(item.get.responses['200']!.content['application/json']!.schema);
    if (
      path === '/service_at_locations/{id}' &&
      (responseSchema as { $ref?: string }).$ref === `${PUBLISHED}compiled/service.json`
    ) {
      responseSchema = { $ref: `${PUBLISHED}compiled/service_at_location.json` };
    }
    return [path, ajv.compile(responseSchema as object)];
  }),
);

/** A parsed JSON answer, read as loosely as JSON.parse gives it. */
type Json = ReturnType<typeof JSON.parse>;

/** The Page component requires nothing, so a paginated answer's properties are checked here too. */
function assertPage(body: Record<string, unknown>) {
  for (const k of ['total_items', 'total_pages', 'page_number', 'size']) {
    assert.ok(Number.isInteger(body[k]) && (body[k] as number) >= 0, k);
  }
  for (const k of ['first_page', 'last_page', 'empty']) assert.equal(typeof body[k], 'boolean', k);
  assert.ok(Array.isArray(body.contents));
  assert.equal(body.size, (body.contents as unknown[]).length);
  assert.equal(body.empty, body.size === 0);
}

for (const engine of engines()) {
  describe(`Open Referral UK API on ${engine}`, () => {
    let t: TestApp;
    let demo: DirectoryDemo;
    /** A service with nothing but what the standard requires, and a place with no address. */
    let bare: string;
    const get = async (url: string, headers: Record<string, string> = {}) =>
      t.app.inject({ method: 'GET', url, headers });

    /** The endpoints (OpenAPI paths) whose answers the tests below have validated. */
    const validated = new Set<string>();
    /**
     * GETs a URL of the endpoint at `path` (as the OpenAPI document names it), and checks the answer
     * is a 200 JSON document, open to any origin, valid against that endpoint's response schema.
     */
    async function api(path: string, url: string): Promise<{ res: LightMyRequestResponse; body: Json }> {
      const validate = RESPONSES[path];
      if (!validate) throw new Error(`The standard defines no endpoint ${path}`);
      const res = await get(url);
      assert.equal(res.statusCode, 200, `${url}: ${res.body.slice(0, 500)}`);
      assert.match(String(res.headers['content-type']), /^application\/json/, url);
      assert.equal(res.headers['access-control-allow-origin'], '*', url);
      const body: Json = res.json();
      const valid: boolean = validate(body);
      assert.ok(
        valid,
        `${url} against the ${path} response schema: ${ajv.errorsText(validate.errors)}\n${res.body.slice(0, 500)}`,
      );
      if ('contents' in body) assertPage(body);
      validated.add(path);
      return { res, body };
    }

    before(async () => {
      t = await startTestApp(engine);
      demo = await seedDirectoryDemo(t.database.db, { today: t.clock.now() });
      const db = t.database.db;
      const provider = await db
        .insertInto('directory_organisation')
        .values({
          organisation_id: null,
          name: 'Brookside Toy Library',
          email: null,
          website: null,
          source_feed: null,
          updated_at: t.clock.now(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      bare = (
        await db
          .insertInto('directory_service')
          .values({
            directory_organisation_id: provider.id,
            name: 'Toy library',
            url: 'not a web address',
            email: 'nobody',
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
      const place = await db
        .insertInto('directory_location')
        .values({
          location_type: 'virtual',
          name: 'Online',
          description: null,
          latitude: null,
          longitude: null,
          address_1: null,
          city: null,
          state_province: null,
          postal_code: null,
          accessibility: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('directory_service_at_location')
        .values({ service_id: bare, location_id: place.id })
        .execute();
      await db
        .insertInto('directory_schedule')
        .values({
          service_id: bare,
          service_at_location_id: null,
          byday: 'SA',
          opens_at: null,
          closes_at: null,
          description: 'Saturday mornings',
        })
        .execute();
      // A child in the database: nothing about them may ever appear in the feed.
      await db
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
      assert.equal(res.headers['set-cookie'], undefined);
      // The validator can fail: addresses must be absolute.
      assert.equal(RESPONSES['/']!({ version: '3.0', openapi_url: '/openreferral/openapi.json' }), false);
      const { body } = await api('/', '/openreferral/');
      assert.deepEqual(res.json(), body);
      assert.equal(body.version, '3.0');
      assert.match(body.profile, /^https:\/\//);
      assert.match(body.openapi_url, /^https?:\/\/.+\/openreferral\/openapi\.json$/);
      const openapi = await get('/openreferral/openapi.json');
      assert.equal(openapi.statusCode, 200);
      assert.equal(openapi.headers['access-control-allow-origin'], '*');
      // The document served is the standard's own.
      assert.deepEqual(openapi.json(), OPENAPI);
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
      // The validators can fail: a service without a name, or with an id that is not a UUID, or a
      // page whose contents are not services.
      assert.equal(
        schema('compiled/service_list.json')({ id: '0b7e1f0e-4d7c-4c5a-9a41-3f1f6b9d2c11', status: 'active' }),
        false,
      );
      assert.equal(schema('compiled/service.json')({ id: 'mst', name: 'MST', status: 'active' }), false);
      assert.equal(RESPONSES['/services']!({ total_items: 1, contents: [{ id: 'x' }] }), false);
      assert.equal(RESPONSES['/services']!({ total_items: 'one', contents: [] }), false);
      const { body } = await api('/services', '/openreferral/services?per_page=7');
      assert.equal(body.size, 7);
      assert.equal(body.first_page, true);
      const total = Object.keys(demo.serviceIds).length + 1;
      assert.equal(body.total_items, total);
      assert.equal(body.total_pages, Math.ceil(total / 7));
      const seen = new Set<string>();
      for (let page = 1; page <= body.total_pages; page++) {
        const res = (await api('/services', `/openreferral/services?per_page=7&page=${page}`)).body;
        assert.equal(res.page_number, page);
        assert.equal(res.first_page, page === 1);
        assert.equal(res.last_page, page === body.total_pages);
        for (const item of res.contents) {
          assertValid('compiled/service_list.json', item);
          seen.add(item.id);
        }
      }
      assert.equal(seen.size, total);
      const all = (await api('/services', '/openreferral/services')).body;
      assert.equal(all.size, total);
      const beyond = (await api('/services', '/openreferral/services?page=99')).body;
      assert.equal(beyond.empty, true);
      assert.equal(beyond.last_page, true);
    });

    test('/services/{id}: fully nested, valid, with the local early help properties', async () => {
      for (const id of [...Object.values(demo.serviceIds), bare]) {
        const { res } = await api('/services/{id}', `/openreferral/services/${id}`);
        assert.doesNotMatch(res.body, /Zephaniah|Quartermaine/);
      }
      const mst = (
        await api('/services/{id}', `/openreferral/services/${demo.serviceIds['Multisystemic Therapy (MST)']}`)
      ).body;
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
      // What is not known is left out rather than sent in the wrong form.
      const toys = (await api('/services/{id}', `/openreferral/services/${bare}`)).body;
      for (const k of ['url', 'email', 'minimum_age', 'maximum_age', 'assured_date', 'x_tier', 'x_access_route']) {
        assert.equal(k in toys, false, k);
      }
      assert.deepEqual(toys.service_at_locations[0].location.addresses, []);
      assert.equal(toys.schedules[0].description, 'Saturday mornings');
    });

    test('/service_at_locations and /service_at_locations/{id}', async () => {
      const { body } = await api('/service_at_locations', '/openreferral/service_at_locations?per_page=100');
      assert.ok(body.total_items >= 6);
      assert.equal(body.total_pages, 1);
      for (const item of body.contents) {
        assertValid('compiled/service_at_location_list.json', item);
        const one = (await api('/service_at_locations/{id}', `/openreferral/service_at_locations/${item.id}`)).body;
        assert.equal(one.id, item.id);
        assertValid('compiled/service_at_location.json', one);
        assertValid('compiled/service.json', one.service);
      }
      assert.ok(body.contents.some((c: { service_id: string }) => c.service_id === bare));
      const second = (await api('/service_at_locations', '/openreferral/service_at_locations?per_page=2&page=2')).body;
      assert.equal(second.page_number, 2);
      assert.equal(second.size, 2);
    });

    test('postcode and proximity', async () => {
      const names = async (url: string) =>
        (await api('/service_at_locations', url)).body.contents.map(
          (c: { service: { name: string } }) => c.service.name,
        ) as string[];
      const inArea = await names('/openreferral/service_at_locations?postcode=LS11%203AA');
      assert.ok(inArea.includes('Early Start team (Holbeck Mills)'));
      assert.ok(inArea.includes('Multisystemic Therapy (MST)')); // city-wide
      assert.ok(inArea.includes('Toy library')); // names no area
      assert.ok(!inArea.includes('Area family support panel'));
      const near = await names('/openreferral/service_at_locations?postcode=LS11&proximity=2000');
      assert.deepEqual(near, ['Early Start team (Holbeck Mills)']);
      const wider = await names('/openreferral/service_at_locations?postcode=LS11&proximity=10000');
      assert.equal(wider[0], 'Early Start team (Holbeck Mills)'); // nearest first
      assert.ok(wider.includes('Family Information Service'));
      assert.ok(!wider.includes('Toy library')); // no coordinates
    });

    test('search, taxonomy, age, day and modified_after filters', async () => {
      const names = async (q: string) =>
        (await api('/services', `/openreferral/services?per_page=100&${q}`)).body.contents.map(
          (c: { name: string }) => c.name,
        ) as string[];
      const demoCount = Object.keys(demo.serviceIds).length;
      assert.deepEqual(await names('search=multisystemic'), ['Multisystemic Therapy (MST)']);
      assert.deepEqual(await names('search=nothing%20like%20this'), []);
      const behaviour = await names(`taxonomy_term_id=${NEED_TERM_IDS['behaviour-offending']}`);
      assert.ok(behaviour.includes('Signpost intensive family support'));
      assert.ok(!behaviour.includes('Family Information Service'));
      const byTaxonomy = await names('taxonomy_id=43923649-3ae7-47a5-b49f-bee9cb738e84');
      assert.equal(byTaxonomy.length, demoCount);
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
      assert.equal((await names('modified_after=2000-01-01')).length, demoCount + 1);
      const provider = (await api('/services/{id}', `/openreferral/services/${bare}`)).body.organization_id;
      assert.deepEqual(await names(`organization_id=${provider}`), ['Toy library']);
    });

    test('/taxonomies and /taxonomy_terms, list and item, valid', async () => {
      const list = (await api('/taxonomies', '/openreferral/taxonomies')).body;
      assert.ok(list.total_items >= 1);
      for (const item of list.contents) {
        assertValid('taxonomy.json', item);
        const one = (await api('/taxonomies/{id}', `/openreferral/taxonomies/${item.id}`)).body;
        assert.deepEqual(one, item);
      }
      const terms = (await api('/taxonomy_terms', '/openreferral/taxonomy_terms?per_page=100')).body;
      assert.ok(terms.total_items >= 15);
      for (const item of terms.contents) {
        assertValid('taxonomy_term.json', item);
        const one = (await api('/taxonomy_terms/{id}', `/openreferral/taxonomy_terms/${item.id}`)).body;
        assert.deepEqual(one, item);
      }
      const needs = (
        await api('/taxonomy_terms', '/openreferral/taxonomy_terms?taxonomy_id=43923649-3ae7-47a5-b49f-bee9cb738e84')
      ).body;
      assert.ok(
        needs.contents.every((c: { taxonomy_id: string }) => c.taxonomy_id === '43923649-3ae7-47a5-b49f-bee9cb738e84'),
      );
      const firstTwo = (await api('/taxonomy_terms', '/openreferral/taxonomy_terms?per_page=2')).body;
      assert.equal(firstTwo.size, 2);
      assert.equal(firstTwo.last_page, false);
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

    test('every endpoint the standard defines was called, and its answers validated', () => {
      assert.deepEqual([...validated].sort(), Object.keys(OPENAPI.paths).sort());
    });
  });
}
