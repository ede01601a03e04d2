/**
 * Hostile input at the edge. The first tests are the cases found by probing the product; the last is
 * generated: it takes every route from the running app's route table (and every API operation from the
 * OpenAPI document the app serves), fills path parameters with real ids from the demo data and with
 * junk, and sends a table of hostile values in every field each route takes, signed in as a user with
 * every role and a valid CSRF token. Nothing may answer with a 5xx. It runs over every route on PGlite,
 * and on PostgreSQL over the routes that run searches and lists (POSTGRES_SUBSET), to keep the run short.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { buildApp } from '../../src/app.ts';
import type { Database } from '../../src/db/connection.ts';
import { ROLES } from '../../src/db/schema.ts';
import { seedDemo } from '../../src/db/seed/demo.ts';
import { TokenService } from '../../src/features/api/service.ts';
import { TestClock } from '../../src/platform/clock.ts';
import { TestClient } from '../support/client.ts';
import { createUser, type TestUser } from '../support/factories.ts';
import { type EngineName, engines, freshDatabase, testConfig } from '../support/harness.ts';

const TODAY = new Date('2026-03-02T10:00:00Z');
const JSON_HEADERS = { 'content-type': 'application/json' };

interface Route {
  method: string;
  url: string;
}

interface Harness {
  app: FastifyInstance;
  database: Database;
  clock: TestClock;
  routes: Route[];
  user: TestUser;
  client: TestClient;
  token: string;
  close(): Promise<void>;
}

async function start(engine: EngineName): Promise<Harness> {
  const database = await freshDatabase(engine);
  const clock = new TestClock(TODAY);
  const routes: Route[] = [];
  const app = await buildApp({
    config: testConfig(),
    database,
    clock,
    onRoute: (r) => {
      for (const method of Array.isArray(r.method) ? r.method : [r.method]) routes.push({ method, url: r.url });
    },
  });
  await app.ready();
  await seedDemo(database.db, { onlyIfEmpty: true, today: TODAY });
  const user = await createUser(database.db, { roles: [...ROLES], name: 'Every Role' });
  const client = new TestClient(app, clock);
  const res = await client.signIn(user);
  assert.equal(res.statusCode, 303, res.body);
  const tokens = new TokenService(database.db, clock);
  const issued = await tokens.createForEmail(
    user.email,
    { name: 'hostile', expiresInDays: null },
    { requestId: 'test', clientIp: '127.0.0.1' },
  );
  return {
    app,
    database,
    clock,
    routes,
    user,
    client,
    token: issued.token,
    async close() {
      await app.close();
      await database.close();
    },
  };
}

for (const engine of engines()) {
  describe(`hostile input on ${engine}`, () => {
    let h: Harness;
    before(async () => {
      h = await start(engine);
    });
    after(async () => h?.close());

    const api = (method: 'GET' | 'POST', url: string, payload?: string) =>
      h.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${h.token}`, ...(payload !== undefined ? JSON_HEADERS : {}) },
        ...(payload !== undefined ? { payload } : {}),
      });

    function assertProblem(res: LightMyRequestResponse, status = 400) {
      assert.equal(res.statusCode, status, res.body);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      const body = res.json();
      assert.equal(body.status, status);
      return body;
    }

    test('a NUL in the open directory search is a 400 problem document, without signing in', async () => {
      const res = await h.app.inject({ url: '/openreferral/services?search=a%00b' });
      const body = assertProblem(res);
      assert.match(body.detail, /characters that cannot be stored/);
    });

    test('a NUL in a query string of a page is a 400 page saying what to do', async () => {
      const res = await h.client.get('/directory?q=a%00b');
      assert.equal(res.statusCode, 400);
      assert.match(res.headers['content-type'] as string, /text\/html/);
      assert.match(res.body, /govuk-heading-l">Some of the text could not be accepted/);
      assert.match(res.body, /remove those characters/);
    });

    test('control characters and lone surrogates in a JSON API body are a 400 problem document', async () => {
      const person = await h.database.db.selectFrom('person').select('id').executeTakeFirstOrThrow();
      for (const raw of ['"a\\u0000b"', '"\\ud800"', '"x\\udc00"', '"\\u0007"', '"\\u007f"']) {
        const res = await api('POST', `/api/v1/people/${person.id}/break-glass`, `{"reason":${raw}}`);
        const body = assertProblem(res);
        assert.match(body.detail, /characters that cannot be stored/, raw);
      }
      const res = await api('POST', '/api/v1/people', '{"givenName":"A\\u0000","familyName":"B","role":"x"}');
      assertProblem(res);
      const inv = await api('POST', `/api/v1/people/${person.id}/involvements`, '{"role":"Teacher\\u0000"}');
      assertProblem(inv);
    });

    test('a NUL in a web form is a 400 page, and nothing is stored', async () => {
      await h.client.get('/admin/organisations/new');
      const name = 'Hostile\u0000 Primary School';
      const res = await h.client.post('/admin/organisations', { name, agencyType: 'school', tier: 'universal' });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /characters that cannot be stored/);
      const stored = await h.database.db.selectFrom('organisation').select('id').where('name', 'like', 'Hostile%');
      assert.equal((await stored.execute()).length, 0);
    });

    test('tab, new lines and emoji are accepted as text', async () => {
      const res = await h.client.get('/directory?q=a%09b%0D%0A%F0%9F%98%80');
      assert.equal(res.statusCode, 200);
    });

    test('deep nesting, oversize bodies, wrong JSON types and long addresses are 4xx', async () => {
      const person = await h.database.db.selectFrom('person').select('id').executeTakeFirstOrThrow();
      const url = `/api/v1/people/${person.id}/break-glass`;
      const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
      assertProblem(await api('POST', url, `{"reason":${deep}}`));
      assertProblem(await api('POST', url, `{"reason":"${'a'.repeat(1024 * 1024)}"}`), 413);
      for (const wrong of ['[]', '"reason"', '123', 'null', 'true', '{"reason":123}', '{"reason":{}}', '{']) {
        assertProblem(await api('POST', url, wrong));
      }
      const long = await h.app.inject({ url: `/openreferral/services?search=${'a'.repeat(20_000)}` });
      assert.equal(long.statusCode, 414);
    });

    test('generated: no route answers hostile input with a 5xx', { timeout: 600_000 }, async (t) => {
      const failures = await generated(h, engine);
      t.diagnostic(`${failures.requests} requests over ${failures.routes} routes`);
      assert.deepEqual(failures.list, []);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The generated test

/** Values sent in a field; `raw` is JSON text put into a body as is (so "\ud800" arrives as a lone surrogate). */
interface Hostile {
  name: string;
  /**
   * Sent in every field of a form at once rather than one field at a time, for speed (the edge treats all
   * fields alike); on a 5xx it is sent again one field at a time, to name the field.
   */
  allAtOnce?: boolean;
  form?: string | string[];
  query?: string;
  raw?: string;
}

const MB = 1024 * 1024;
const HOSTILE: Hostile[] = [
  { name: 'NUL', allAtOnce: true, form: 'a\u0000b', query: 'a%00b', raw: '"a\\u0000b"' },
  { name: 'control character', allAtOnce: true, form: 'a\u0001\u001bb', query: 'a%01%1Bb', raw: '"a\\u0001\\u001bb"' },
  { name: 'DEL', allAtOnce: true, form: 'a\u007fb', query: 'a%7Fb', raw: '"a\\u007fb"' },
  { name: 'lone surrogate', allAtOnce: true, form: '%ED%A0%80', query: '%ED%A0%80', raw: '"\\ud800"' },
  { name: 'lone low surrogate', raw: '"x\\udc00"' },
  {
    name: '100 KB string',
    allAtOnce: true,
    form: 'a'.repeat(100 * 1024),
    query: 'a'.repeat(4000),
    raw: `"${'a'.repeat(100 * 1024)}"`,
  },
  { name: '1 MB string', raw: `"${'a'.repeat(MB)}"` },
  { name: 'repeated field', allAtOnce: true, form: ['a', 'b'], query: 'a&FIELD=b' },
  { name: 'empty', allAtOnce: true, form: '', query: '', raw: '""' },
  { name: 'number', raw: '12345678901234567890' },
  { name: 'negative', allAtOnce: true, form: '-1', query: '-1', raw: '-1' },
  { name: 'array', raw: '["a",1]' },
  { name: 'object', raw: '{"a":"b"}' },
  { name: 'null', raw: 'null' },
  { name: 'boolean', raw: 'true' },
  { name: 'deep nesting', raw: `${'['.repeat(10_000)}${']'.repeat(10_000)}` },
];
const JUNK_PARAMS = ['junk', '00000000-0000-0000-0000-000000000000', '%00'];
const STRAY = 'strayField';

/** Which table a path parameter's real id comes from, by the route it is in. */
const ID_SOURCES: Array<[RegExp, string, string, string?]> = [
  [/people\/:id$/, 'person', 'id'],
  [/organisations\/:id$/, 'organisation', 'id'],
  [/areas\/:id$/, 'area', 'id'],
  [/teams\/:id$/, 'team', 'id'],
  [/(users|service-accounts)\/:id$/, 'app_user', 'id'],
  [/services\/:id$/, 'directory_service', 'id'],
  [/service_at_locations\/:id$/, 'directory_service_at_location', 'id'],
  [/taxonomies\/:id$/, 'directory_taxonomy', 'id'],
  [/taxonomy_terms\/:id$/, 'directory_taxonomy_term', 'id'],
  [/merges\/:id$/, 'person_merge', 'id'],
  [/duplicates\/:id$/, 'possible_duplicate', 'id'],
  [/:tokenId$/, 'api_token', 'id'],
  [/:nameId$/, 'person_name', 'id', 'person_id'],
  [/:noteId$/, 'case_note', 'id', 'person_id'],
  [/:involvementId$/, 'involvement', 'id', 'person_id'],
  [/:consentId$/, 'consent', 'id', 'person_id'],
  [/:wishId$/, 'confidentiality_wish', 'id', 'person_id'],
  [/:markerId$/, 'withhold_marker', 'id', 'subject_person_id'],
  [/:code$/, 'sensitive_category', 'code'],
];

const htmlText = (s: string) =>
  s
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

interface FormSpec {
  action: string;
  method: string;
  fields: Record<string, string>;
}

/** Every form on a page, with the fields a browser would post back. */
function pageForms(html: string, pageUrl: string): FormSpec[] {
  const forms: FormSpec[] = [];
  for (const f of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const attrs = f[1]!;
    const inner = f[2]!;
    const action = htmlText(/\baction="([^"]*)"/.exec(attrs)?.[1] ?? pageUrl).split('?')[0]!;
    const method = (/\bmethod="([^"]*)"/.exec(attrs)?.[1] ?? 'get').toLowerCase();
    const fields: Record<string, string> = {};
    for (const m of inner.matchAll(/<input\b[^>]*>/g)) {
      const name = /\bname="([^"]+)"/.exec(m[0])?.[1];
      if (!name || name === '_csrf') continue;
      const value = htmlText(/\bvalue="([^"]*)"/.exec(m[0])?.[1] ?? '');
      if (/type="(radio|checkbox)"/.test(m[0]) && name in fields && !/\bchecked\b/.test(m[0])) continue;
      fields[name] = value;
    }
    for (const m of inner.matchAll(/<textarea[^>]*\bname="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g)) {
      fields[m[1]!] = htmlText(m[2]!);
    }
    for (const m of inner.matchAll(/<select[^>]*\bname="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
      const selected = /<option value="([^"]*)"[^>]*selected/.exec(m[2]!)?.[1];
      const first = /<option value="([^"]+)"/.exec(m[2]!)?.[1];
      fields[m[1]!] = htmlText(selected ?? first ?? '');
    }
    for (const m of inner.matchAll(/<button\b[^>]*\bname="([^"]+)"[^>]*\bvalue="([^"]*)"[^>]*>/g)) {
      fields[m[1]!] ??= htmlText(m[2]!);
    }
    forms.push({ action, method, fields });
  }
  return forms;
}

function encodeForm(fields: Record<string, string | string[]>, csrf: string | undefined): string {
  const parts: string[] = [];
  if (csrf) parts.push(`_csrf=${encodeURIComponent(csrf)}`);
  for (const [k, v] of Object.entries(fields)) {
    for (const x of Array.isArray(v) ? v : [v]) {
      // An already-encoded invalid sequence (a lone surrogate in UTF-8) is sent as it is.
      const value = /^%ED%[AB]/.test(x) ? x : encodeURIComponent(x);
      parts.push(`${encodeURIComponent(k)}=${value}`);
    }
  }
  return parts.join('&');
}

interface OpenApiOperation {
  parameters?: { name: string; in: string }[];
  requestBody?: { content: { 'application/json': { schema: JsonSchema } } };
}
interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  anyOf?: JsonSchema[];
  format?: string;
  minimum?: number;
  items?: JsonSchema;
}

/** A plausible value for a schema, so that each hostile field is not the only thing wrong. */
function sample(s: JsonSchema | undefined, depth = 0): unknown {
  if (!s || depth > 4) return 'x';
  if (s.enum?.length) return s.enum[0];
  if (s.anyOf?.length) return sample(s.anyOf.find((x) => x.type !== 'null') ?? s.anyOf[0], depth + 1);
  const type = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
  if (type === 'object' || s.properties) {
    return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, sample(v, depth + 1)]));
  }
  if (type === 'array') return [sample(s.items, depth + 1)];
  if (type === 'integer' || type === 'number') return s.minimum ?? 1;
  if (type === 'boolean') return false;
  if (s.format === 'date') return '2015-06-01';
  if (s.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
  return 'Hostile test';
}

/** Every path to a leaf property of a sample body: 'reason', 'address.postcode', … */
function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return prefix.length ? [prefix] : [];
  const out: string[][] = prefix.length ? [prefix] : [];
  for (const [k, v] of Object.entries(value)) out.push(...leafPaths(v, [...prefix, k]));
  return out;
}

const PLACEHOLDER = '"__HOSTILE_VALUE__"';

function withPlaceholder(body: unknown, path: string[]): string {
  const copy = structuredClone(body) as Record<string, unknown>;
  let target = copy;
  for (const key of path.slice(0, -1)) {
    target[key] = typeof target[key] === 'object' && target[key] ? target[key] : {};
    target = target[key] as Record<string, unknown>;
  }
  target[path.at(-1)!] = '__HOSTILE_VALUE__';
  return JSON.stringify(copy);
}

/** On PostgreSQL, the routes whose handlers run engine-specific SQL on what was typed (search and lists). */
const POSTGRES_SUBSET = /^\/(api|openreferral|directory|people\/search|admin\/users\/search|audit)/;

async function generated(h: Harness, engine: EngineName) {
  const { app, client, database } = h;
  const list: string[] = [];
  let requests = 0;
  const check = (res: LightMyRequestResponse, route: string, where: string, value: string) => {
    requests++;
    if (res.statusCode >= 500) list.push(`${route} — ${where} — ${value}: ${res.statusCode}`);
  };

  // One real row per table; a row under a child (a name, a consent, …) also gives that child's id.
  const realIds = new Map<string, { v: string; owner?: string }>();
  for (const [, table, column, owner] of ID_SOURCES) {
    if (realIds.has(table)) continue;
    const notMe = table === 'app_user' ? sql`where id <> ${h.user.id}` : sql``;
    const ownerColumn = owner ? sql`, ${sql.ref(owner)} as owner` : sql``;
    const { rows } = await sql<{ v: string; owner?: string }>`select ${sql.ref(column)} as v ${ownerColumn}
      from ${sql.table(table)} ${notMe} limit 1`.execute(database.db);
    if (rows[0]) realIds.set(table, rows[0]);
  }
  // The user works with each of those children, so that relationship checks do not hide the handlers.
  const children = new Set([...realIds.values()].flatMap((r) => (r.owner ? [r.owner] : [])));
  children.add(realIds.get('person')!.v);
  for (const personId of children) {
    await database.db
      .insertInto('involvement')
      .values({
        person_id: personId,
        organisation_id: h.user.organisationId,
        team_id: null,
        user_id: h.user.id,
        role: 'Worker',
        started_on: '2025-09-01',
        ended_on: null,
        contact_phone: null,
        contact_email: null,
      })
      .execute();
  }
  const fill = (url: string, junk?: string): string => {
    if (junk !== undefined) return url.replace(/:([A-Za-z]+)/g, junk);
    const found = [...url.matchAll(/:([A-Za-z]+)/g)].map((m) => {
      const upto = url.slice(0, m.index + m[0].length);
      const source = ID_SOURCES.find(([re]) => re.test(upto));
      return { source, row: source ? realIds.get(source[1]) : undefined };
    });
    // A child's sub-resource is looked for under its own child.
    const owner = found.find((f) => f.row?.owner)?.row?.owner;
    let i = 0;
    return url.replace(/:([A-Za-z]+)/g, (_whole, name: string) => {
      const f = found[i++]!;
      if (owner && f.source?.[1] === 'person') return owner;
      return f.row?.v ?? `missing-${name}`;
    });
  };

  // The session-ending routes go last, so that the rest run signed in.
  const last = (r: Route) => (/sign-out|sign-in/.test(r.url) ? 1 : 0);
  const routes = h.routes
    .filter((r) => ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method))
    .filter((r) => !r.url.includes('*') && !r.url.startsWith('/assets'))
    .filter((r) => engine === 'pglite' || POSTGRES_SUBSET.test(r.url))
    .sort((a, b) => last(a) - last(b));
  const distinct = new Set(routes.map((r) => `${r.method} ${r.url}`));

  // JSON API operations and their parameters, from the documents the app serves.
  const openapi = (await app.inject('/api/v1/openapi.json')).json() as {
    paths: Record<string, Record<string, OpenApiOperation>>;
  };
  const orukBody = (await app.inject('/openreferral/openapi.json')).json();
  const oruk = (typeof orukBody === 'string' ? JSON.parse(orukBody) : orukBody) as {
    paths: Record<string, Record<string, OpenApiOperation>>;
  };
  const operation = (route: Route): OpenApiOperation | undefined => {
    const method = route.method.toLowerCase();
    const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    if (route.url.startsWith('/openreferral')) {
      return oruk.paths[path.replace('/openreferral', '') || '/']?.[method];
    }
    return openapi.paths[path]?.[method];
  };

  for (const route of routes) {
    const label = `${route.method} ${route.url}`;
    const isApi = route.url.startsWith('/api/') || route.url.startsWith('/openreferral');
    const op = isApi ? operation(route) : undefined;
    const concrete = fill(route.url);
    const urls = [concrete, ...(route.url.includes(':') ? JUNK_PARAMS.map((j) => fill(route.url, j)) : [])];

    if (isApi) {
      const send = (method: string, url: string, payload?: string) =>
        app.inject({
          method: method as 'GET',
          url,
          headers: {
            authorization: `Bearer ${h.token}`,
            ...(payload !== undefined ? JSON_HEADERS : {}),
          },
          ...(payload !== undefined ? { payload } : {}),
        });
      const queryNames = [...(op?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name), STRAY];
      const schema = op?.requestBody?.content['application/json'].schema;
      const base = schema ? sample(schema) : undefined;
      for (const url of urls) {
        check(await send(route.method, url, base === undefined ? undefined : JSON.stringify(base)), label, url, 'path');
      }
      for (const name of queryNames) {
        for (const v of HOSTILE.filter((x) => x.query !== undefined)) {
          const q = `${name}=${v.query!.replace('FIELD', name)}`;
          check(await send(route.method, `${concrete}?${q}`), label, `query ${name}`, v.name);
        }
      }
      if (schema) {
        const paths = [...leafPaths(base), [STRAY]];
        for (const path of paths) {
          const template = withPlaceholder(base, path);
          for (const v of HOSTILE.filter((x) => x.raw !== undefined)) {
            const payload = template.replace(PLACEHOLDER, v.raw!);
            check(await send(route.method, concrete, payload), label, `body ${path.join('.')}`, v.name);
          }
        }
        for (const v of HOSTILE.filter((x) => x.raw !== undefined)) {
          check(await send(route.method, concrete, v.raw!), label, 'whole body', v.name);
        }
        check(await send(route.method, concrete, '{"a":'), label, 'whole body', 'truncated JSON');
      }
      continue;
    }

    // Web routes: the path with real ids and with junk, then every field of the route's form.
    for (const url of urls) {
      const res =
        route.method === 'GET' ? await client.get(url) : await client.post(url, {}, { csrf: client.csrf ?? null });
      check(res, label, `path ${url}`, 'no fields');
    }
    // The forms that post to this route, found on the page itself and the pages above it.
    const candidates = new Set<string>([concrete, `${concrete}/new`, `${concrete}/edit`]);
    for (let u = concrete; u.lastIndexOf('/') > 0; ) {
      u = u.slice(0, u.lastIndexOf('/'));
      candidates.add(u);
    }
    const fields: Record<string, string> = {};
    for (const page of candidates) {
      if (!distinct.has(`GET ${routeOf(h.routes, page)}`)) continue;
      const res = await client.get(page);
      if (res.statusCode !== 200) continue;
      for (const form of pageForms(res.body, page)) {
        const matches =
          route.method === 'GET' ? form.method === 'get' && form.action === concrete : form.action === concrete;
        if (matches) Object.assign(fields, form.fields);
      }
    }
    if (route.method === 'GET') {
      const names = [...Object.keys(fields), STRAY];
      const param = (name: string, v: Hostile) =>
        `${encodeURIComponent(name)}=${v.query!.replace('FIELD', encodeURIComponent(name))}`;
      // Every field at once; on a 5xx, one field at a time to name it.
      for (const v of HOSTILE.filter((x) => x.query !== undefined)) {
        const res = await client.get(`${concrete}?${names.map((n) => param(n, v)).join('&')}`);
        requests++;
        if (res.statusCode < 500) continue;
        for (const name of names)
          check(await client.get(`${concrete}?${param(name, v)}`), label, `query ${name}`, v.name);
      }
      continue;
    }
    // Refresh the CSRF token from a page this user can see, in case the last page had no form.
    if (!client.csrf) await client.get('/account');
    const names = [...Object.keys(fields), STRAY];
    const post = (form: Record<string, string | string[]>) =>
      app.inject({
        method: 'POST',
        url: concrete,
        payload: encodeForm(form, client.csrf),
        headers: {
          cookie: [...client.cookies].map(([k, val]) => `${k}=${val}`).join('; '),
          'content-type': 'application/x-www-form-urlencoded',
        },
      });
    // The largest value once per route, in every field at once (it is over the body limit).
    check(await post(Object.fromEntries(names.map((n) => [n, 'a'.repeat(MB)]))), label, 'every field', '1 MB string');
    for (const v of HOSTILE.filter((x) => x.form !== undefined && x.allAtOnce)) {
      const res = await post({ ...fields, ...Object.fromEntries(names.map((n) => [n, v.form!])) });
      requests++;
      if (res.statusCode < 500) continue;
      for (const name of names) check(await post({ ...fields, [name]: v.form! }), label, `field ${name}`, v.name);
    }
    for (const name of names) {
      for (const v of HOSTILE.filter((x) => x.form !== undefined && !x.allAtOnce)) {
        check(await post({ ...fields, [name]: v.form! }), label, `field ${name}`, v.name);
      }
    }
  }
  return { list, requests, routes: distinct.size };
}

/** The route pattern a concrete URL belongs to, as the router would match it. */
function routeOf(routes: Route[], url: string): string {
  const segs = url.split('/');
  const params = (u: string) => u.split(':').length;
  const matching = routes
    .filter((r) => r.method === 'GET')
    .filter((r) => {
      const rs = r.url.split('/');
      return rs.length === segs.length && rs.every((s, i) => s.startsWith(':') || s === segs[i]);
    })
    .sort((a, b) => params(a.url) - params(b.url));
  return matching[0]?.url ?? '';
}
