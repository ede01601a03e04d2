import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { LightMyRequestResponse } from 'fastify';
import { openPGlite } from '../../src/db/connection.ts';
import { migrate } from '../../src/db/migrator.ts';
import { TokenService } from '../../src/features/api/service.ts';
import { verifyAuditChain } from '../../src/platform/audit.ts';
import { sha256 } from '../../src/platform/passwords.ts';
import { TestClient } from '../support/client.ts';
import { createOrganisation, createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';

interface Operation {
  operationId: string;
  security: unknown[];
  parameters: { name: string; in: string; required: boolean; schema: { type?: string; maximum?: number } }[];
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
}
interface OpenApi {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: { bearerAuth: { scheme: string } } };
}

const ROOT = new URL('../..', import.meta.url).pathname;
const TOKEN = /ehh_[A-Za-z0-9_-]{43}/;

for (const engine of engines()) {
  describe(`JSON API on ${engine}`, () => {
    let t: TestApp;
    let tokens: TokenService;
    let openapi: OpenApi;
    /** Every token value the tests see, to prove none reaches the audit trail. */
    const seen: string[] = [];

    before(async () => {
      t = await startTestApp(engine);
      tokens = new TokenService(t.database.db, t.clock);
      openapi = (await t.app.inject('/api/v1/openapi.json')).json();
    });
    after(async () => t.close());

    async function issue(user: TestUser, expiresInDays: number | null = null) {
      const issued = await tokens.createForEmail(
        user.email,
        { name: 'test', expiresInDays },
        { requestId: 'test', clientIp: '127.0.0.1' },
      );
      seen.push(issued.token);
      return issued;
    }

    const api = (url: string, token?: string, headers: Record<string, string> = {}) =>
      t.app.inject({ url, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });

    /** Validates a body against the schema the OpenAPI document gives for that path, method and status. */
    function assertMatchesDocument(res: LightMyRequestResponse, path: string, status: string) {
      const response = openapi.paths[path]?.get?.responses[status];
      assert.ok(response, `${path} documents ${status}`);
      const [type, media] = Object.entries(response.content as Record<string, { schema: object }>)[0]!;
      assert.match(String(res.headers['content-type']), new RegExp(type.replace('+', '\\+')));
      const ajv = new Ajv2020({ strict: false, allErrors: true });
      addFormats.default(ajv);
      ajv.addSchema({ $id: 'doc', components: openapi.components });
      const schema = JSON.parse(JSON.stringify(media.schema).replaceAll('"#/components/', '"doc#/components/'));
      const ok = ajv.validate(schema, res.json());
      assert.ok(ok, `${path} ${status}: ${ajv.errorsText()}`);
    }

    function assertProblem(res: LightMyRequestResponse, status: number) {
      assert.equal(res.statusCode, status, res.body);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      const body = res.json();
      assert.equal(body.status, status);
      assert.equal(typeof body.title, 'string');
      assert.equal(typeof body.detail, 'string');
      assert.doesNotMatch(res.body, /at .*\.ts:\d+/, 'no stack trace');
      return body;
    }

    test('a token authenticates /api/v1/me as its user, and the answer matches the document', async () => {
      const org = await createOrganisation(t.database.db, { name: `Hillside Primary ${engine}` });
      const user = await createUser(t.database.db, {
        roles: ['practitioner', 'manager'],
        organisationId: org.id,
        name: 'Alex Example',
      });
      const { token } = await issue(user);
      const res = await api('/api/v1/me', token);
      assert.equal(res.statusCode, 200, res.body);
      const me = res.json();
      assert.equal(me.id, user.id);
      assert.equal(me.kind, 'person');
      assert.equal(me.name, 'Alex Example');
      assert.deepEqual(me.organisation, { id: org.id, name: org.name });
      assert.deepEqual(me.roles, ['manager', 'practitioner']);
      assertMatchesDocument(res, '/api/v1/me', '200');
    });

    test('missing, malformed, unknown, revoked and expired tokens get 401 problems with a Bearer challenge', async () => {
      const user = await createUser(t.database.db);
      const revoked = await issue(user);
      const expiring = await issue(user, 1);
      assert.equal((await api('/api/v1/me', expiring.token)).statusCode, 200);

      await t.database.db
        .updateTable('api_token')
        .set({ revoked_at: t.clock.now() })
        .where('id', '=', revoked.record.id)
        .execute();
      const unknown = `ehh_${'A'.repeat(43)}`;
      const cases: [string, Record<string, string>][] = [
        ['missing', {}],
        ['malformed', { authorization: 'Bearer ehh_short' }],
        ['wrong scheme', { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }],
        ['unknown', { authorization: `Bearer ${unknown}` }],
        ['revoked', { authorization: `Bearer ${revoked.token}` }],
      ];
      for (const [label, headers] of cases) {
        const res = await api('/api/v1/me', undefined, headers);
        assertProblem(res, 401);
        assert.match(String(res.headers['www-authenticate']), /^Bearer\b/, label);
        assertMatchesDocument(res, '/api/v1/me', '401');
      }

      t.clock.advance(24 * 3600_000 + 1000);
      const expired = await api('/api/v1/me', expiring.token);
      assertProblem(expired, 401);
      assert.match(String(expired.headers['www-authenticate']), /^Bearer\b/);
    });

    test('a switched-off user’s tokens stop working', async () => {
      const user = await createUser(t.database.db);
      const { token } = await issue(user);
      assert.equal((await api('/api/v1/me', token)).statusCode, 200);
      await t.database.db
        .updateTable('app_user')
        .set({ disabled_at: t.clock.now() })
        .where('id', '=', user.id)
        .execute();
      assertProblem(await api('/api/v1/me', token), 401);
    });

    test('a browser session does not authenticate the API', async () => {
      const user = await createUser(t.database.db);
      const client = new TestClient(t.app, t.clock);
      await client.signIn(user);
      assert.equal((await client.get('/account/api-tokens')).statusCode, 200);
      assertProblem(await client.get('/api/v1/me'), 401);
    });

    test('last used is written at most once a minute', async () => {
      const user = await createUser(t.database.db);
      const { token, record } = await issue(user);
      const lastUsed = async () =>
        (
          await t.database.db
            .selectFrom('api_token')
            .select('last_used_at')
            .where('id', '=', record.id)
            .executeTakeFirstOrThrow()
        ).last_used_at?.getTime();
      assert.equal(await lastUsed(), undefined);
      await api('/api/v1/me', token);
      const first = await lastUsed();
      assert.equal(first, t.clock.now().getTime());
      t.clock.advance(30_000);
      await api('/api/v1/me', token);
      assert.equal(await lastUsed(), first);
      t.clock.advance(31_000);
      await api('/api/v1/me', token);
      assert.equal(await lastUsed(), t.clock.now().getTime());
    });

    test('organisations page and filter; bad paging is a 400 naming each field', async () => {
      const user = await createUser(t.database.db);
      const { token } = await issue(user);
      const marker = `Filter test ${engine} ${Date.now()}`;
      for (let i = 0; i < 3; i++) {
        await createOrganisation(t.database.db, { name: `${marker} ${i}`, agency_type: 'police', tier: 'specialist' });
      }
      const page1 = await api('/api/v1/organisations?agencyType=police&tier=specialist&pageSize=2', token);
      assert.equal(page1.statusCode, 200, page1.body);
      assertMatchesDocument(page1, '/api/v1/organisations', '200');
      const body1 = page1.json();
      assert.equal(body1.total, 3);
      assert.equal(body1.items.length, 2);
      assert.equal(body1.page, 1);
      assert.ok(body1.items.every((o: { agencyType: string; tier: string }) => o.agencyType === 'police'));
      const page2 = (
        await api('/api/v1/organisations?agencyType=police&tier=specialist&pageSize=2&page=2', token)
      ).json();
      assert.equal(page2.items.length, 1);

      const bad = assertProblem(await api('/api/v1/organisations?pageSize=1000&page=abc&tier=gold', token), 400);
      assert.deepEqual(bad.errors.map((e: { field: string }) => e.field).sort(), ['page', 'pageSize', 'tier']);
      for (const e of bad.errors) {
        assert.equal(e.in, 'query');
        assert.match(e.message, new RegExp(e.field));
      }
      assertMatchesDocument(await api('/api/v1/organisations?pageSize=0', token), '/api/v1/organisations', '400');
      assertProblem(await api('/api/v1/organisations?page=1&page=2', token), 400);
      assertProblem(await api('/api/v1/organisations?pageSize=1.5', token), 400);
    });

    test('one organisation; unknown and malformed ids are never a 500', async () => {
      const user = await createUser(t.database.db);
      const { token } = await issue(user);
      const org = await createOrganisation(t.database.db, { agency_type: 'health', tier: 'targeted' });
      const res = await api(`/api/v1/organisations/${org.id}`, token);
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().name, org.name);
      assertMatchesDocument(res, '/api/v1/organisations/{id}', '200');

      const missing = await api('/api/v1/organisations/0b6c8f6e-3c1a-4d8e-9f5b-2a7d4e1c9b30', token);
      assertProblem(missing, 404);
      assertMatchesDocument(missing, '/api/v1/organisations/{id}', '404');

      for (const id of ['not-a-uuid', '123', `${org.id}x`, "1'%20or%20'1'='1"]) {
        const r = await api(`/api/v1/organisations/${id}`, token);
        const body = assertProblem(r, 400);
        assert.deepEqual(
          body.errors.map((e: { field: string; in: string }) => [e.field, e.in]),
          [['id', 'path']],
        );
      }
      assertProblem(await api('/api/v1/no-such-thing', token), 404);
      assertProblem(await api('/api/v2/me', token), 404);
    });

    test('areas and teams', async () => {
      const user = await createUser(t.database.db);
      const { token } = await issue(user);
      const area = await t.database.db
        .insertInto('area')
        .values({ name: `North ${engine}`, kind: 'locality', parent_id: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      const org = await createOrganisation(t.database.db);
      await t.database.db
        .insertInto('team')
        .values({ organisation_id: org.id, area_id: area.id, name: 'Family support', phone: null, email: null })
        .execute();
      const areas = await api('/api/v1/areas', token);
      assert.equal(areas.statusCode, 200);
      assertMatchesDocument(areas, '/api/v1/areas', '200');
      assert.ok(areas.json().items.some((a: { id: string }) => a.id === area.id));
      const teams = await api(`/api/v1/teams?organisationId=${org.id}`, token);
      assertMatchesDocument(teams, '/api/v1/teams', '200');
      assert.deepEqual(
        teams.json().items.map((x: { name: string; areaId: string }) => [x.name, x.areaId]),
        [['Family support', area.id]],
      );
      assertProblem(await api('/api/v1/teams?organisationId=nope', token), 400);
      assertProblem(await api('/api/v1/areas'), 401);
    });

    test('the OpenAPI 3.1 document lists every route with its parameters and problem responses', async () => {
      const res = await t.app.inject('/api/v1/openapi.json');
      assert.equal(res.statusCode, 200);
      assert.equal(openapi.openapi, '3.1.0');
      const expected = [
        '/api/v1/me',
        '/api/v1/organisations',
        '/api/v1/organisations/{id}',
        '/api/v1/areas',
        '/api/v1/teams',
        '/api/v1/openapi.json',
      ];
      for (const p of expected) assert.ok(openapi.paths[p]?.get, `documents ${p}`);
      // Every API route the app answers is documented, including any another feature declares.
      const operationIds = new Set<string>();
      for (const [path, item] of Object.entries(openapi.paths)) {
        for (const [method, op] of Object.entries(item)) {
          assert.ok(!operationIds.has(op.operationId), `unique operationId ${op.operationId}`);
          operationIds.add(op.operationId);
          assert.ok(op.responses['200'] || op.responses['201'], `${method} ${path} success`);
          assert.ok(op.responses['404'], `${method} ${path} 404`);
          if (op.parameters.length) assert.ok(op.responses['400'], `${method} ${path} 400`);
          if (op.security.length) assert.ok(op.responses['401'], `${method} ${path} 401`);
          for (const name of path.match(/\{(\w+)\}/g) ?? []) {
            const param = op.parameters.find((p: { name: string }) => `{${p.name}}` === name);
            assert.ok(param && param.in === 'path' && param.required, `${path} declares ${name}`);
          }
          const probe = await t.app.inject({
            method: method.toUpperCase() as 'GET' | 'POST',
            url: path.replace(/\{\w+\}/g, 'x'),
          });
          assert.notEqual(probe.statusCode, 500, `${method} ${path}`);
          assert.match(String(probe.headers['content-type']), /json/);
        }
      }
      const list = openapi.paths['/api/v1/organisations']!.get!;
      const pageSize = list.parameters.find((p: { name: string }) => p.name === 'pageSize');
      assert.deepEqual([pageSize?.in, pageSize?.schema.type, pageSize?.schema.maximum], ['query', 'integer', 100]);
      assert.equal(openapi.components.securitySchemes.bearerAuth.scheme, 'bearer');
      assert.deepEqual(openapi.paths['/api/v1/openapi.json']?.get?.security, []);
    });

    test('/api/docs is a public GOV.UK page built from the document, with no inline script', async () => {
      const res = await t.app.inject('/api/docs');
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /text\/html/);
      for (const p of Object.keys(openapi.paths)) assert.ok(res.body.includes(`<code>${p}</code>`), p);
      assert.match(res.body, /curl -H &quot;Authorization: Bearer ehh_YOUR_TOKEN&quot;/);
      assert.match(res.body, /pageSize/);
      assert.match(res.body, /govuk-table/);
      assert.doesNotMatch(res.body, /<script(?![^>]*\bsrc=)[^>]*>/);
      assert.doesNotMatch(res.body, /swagger/i);
    });

    test('people manage their own tokens: sign-in and CSRF required, shown once, revocable', async () => {
      assert.equal((await t.app.inject('/account/api-tokens')).statusCode, 303);
      const user = await createUser(t.database.db);
      const client = new TestClient(t.app, t.clock);
      await client.signIn(user);
      const page = await client.get('/account/api-tokens');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /You have no API tokens/);

      const noCsrf = await client.post('/account/api-tokens', { name: 'Script', expiry: '30' }, { csrf: null });
      assert.equal(noCsrf.statusCode, 403);
      assert.equal(
        (await t.database.db.selectFrom('api_token').select('id').where('user_id', '=', user.id).execute()).length,
        0,
      );

      const invalid = await client.post('/account/api-tokens', { name: '  ', expiry: 'forever' });
      assert.equal(invalid.statusCode, 400);
      assert.match(invalid.body, /Enter a name for the token/);
      assert.match(invalid.body, /Select when the token expires/);

      const created = await client.post('/account/api-tokens', { name: 'Weekly report', expiry: '30' });
      assert.equal(created.statusCode, 200);
      assert.match(created.body, /You will not be able to see it again/);
      const token = TOKEN.exec(created.body)?.[0];
      assert.ok(token);
      seen.push(token);
      const row = await t.database.db
        .selectFrom('api_token')
        .selectAll()
        .where('user_id', '=', user.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.token_hash, sha256(token));
      assert.equal(row.prefix, token.slice(0, 8));
      assert.equal(row.expires_at?.getTime(), t.clock.now().getTime() + 30 * 24 * 3600_000);
      assert.equal((await api('/api/v1/me', token)).json().id, user.id);

      const list = await client.get('/account/api-tokens');
      assert.match(list.body, /Weekly report/);
      assert.ok(list.body.includes(token.slice(0, 8)));
      assert.ok(!list.body.includes(token), 'the token is shown only once');

      // Someone else cannot revoke it: their request finds nothing.
      const other = new TestClient(t.app, t.clock);
      await other.signIn(await createUser(t.database.db));
      await other.get('/account/api-tokens');
      assert.equal((await other.post(`/account/api-tokens/${row.id}/revoke`, {})).statusCode, 404);
      assert.equal((await api('/api/v1/me', token)).statusCode, 200);

      assert.equal((await client.post(`/account/api-tokens/${row.id}/revoke`, {}, { csrf: null })).statusCode, 403);
      await client.get('/account/api-tokens');
      const revoked = await client.post(`/account/api-tokens/${row.id}/revoke`, {});
      assert.equal(revoked.statusCode, 303);
      assert.equal(revoked.headers.location, '/account/api-tokens?done=revoked');
      assertProblem(await api('/api/v1/me', token), 401);
      assert.match((await client.get('/account/api-tokens?done=revoked')).body, /Revoked/);
      assert.equal((await client.post('/account/api-tokens/not-an-id/revoke', {})).statusCode, 404);
    });

    test('service accounts: system administrators only; their tokens act as the account', async () => {
      const org = await createOrganisation(t.database.db, { name: `Case system owner ${engine}` });
      const practitioner = new TestClient(t.app, t.clock);
      await practitioner.signIn(await createUser(t.database.db, { roles: ['practitioner', 'manager'] }));
      assert.equal((await practitioner.get('/admin/service-accounts')).statusCode, 403);
      assert.equal((await practitioner.get('/admin/service-accounts/new')).statusCode, 403);
      await practitioner.get('/account/api-tokens');
      const refused = await practitioner.post('/admin/service-accounts', {
        name: 'Sneaky',
        identifier: 'sneaky@service.invalid',
        organisationId: org.id,
        roles: ['system_admin'],
      });
      assert.equal(refused.statusCode, 403);

      const admin = new TestClient(t.app, t.clock);
      await admin.signIn(await createUser(t.database.db, { roles: ['system_admin'] }));
      assert.equal((await admin.get('/admin/service-accounts')).statusCode, 200);
      await admin.get('/admin/service-accounts/new');
      const bad = await admin.post('/admin/service-accounts', { name: 'Case system', identifier: 'not an id' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Enter an identifier in the format of an email address/);
      assert.match(bad.body, /Select an organisation/);
      assert.match(bad.body, /Select at least one role/);
      assert.match(bad.body, /value="Case system"/);

      const identifier = `case-system-${engine}@service.invalid`;
      const created = await admin.post('/admin/service-accounts', {
        name: 'Case system',
        identifier,
        organisationId: org.id,
        roles: ['practitioner', 'analyst'],
      });
      assert.equal(created.statusCode, 303, created.body);
      const accountPath = String(created.headers.location).split('?')[0]!;
      const account = await t.database.db
        .selectFrom('app_user')
        .selectAll()
        .where('email', '=', identifier)
        .executeTakeFirstOrThrow();
      assert.equal(account.kind, 'service');
      assert.equal(account.password_hash, null);
      assert.equal(accountPath, `/admin/service-accounts/${account.id}`);

      await admin.get('/admin/service-accounts/new');
      const duplicate = await admin.post('/admin/service-accounts', {
        name: 'Again',
        identifier,
        organisationId: org.id,
        roles: ['practitioner'],
      });
      assert.equal(duplicate.statusCode, 400);
      assert.match(duplicate.body, /already has this identifier/);

      assert.match((await admin.get(accountPath)).body, /This service account has no tokens/);
      const issued = await admin.post(`${accountPath}/tokens`, { name: 'Nightly sync', expiry: '365' });
      assert.equal(issued.statusCode, 200);
      const token = TOKEN.exec(issued.body)?.[0];
      assert.ok(token);
      seen.push(token);
      const me = (await api('/api/v1/me', token)).json();
      assert.deepEqual(
        [me.id, me.kind, me.organisation.id, me.roles],
        [account.id, 'service', org.id, ['analyst', 'practitioner']],
      );

      // A service account cannot sign in: it has no password.
      const signIn = new TestClient(t.app);
      await signIn.get('/sign-in');
      assert.equal(
        (await signIn.post('/sign-in', { email: identifier, password: 'anything at all 123' })).statusCode,
        400,
      );

      const list = await admin.get('/admin/service-accounts');
      assert.match(list.body, /Case system/);
      const tokenRow = await t.database.db
        .selectFrom('api_token')
        .select('id')
        .where('user_id', '=', account.id)
        .executeTakeFirstOrThrow();
      await practitioner.get('/account/api-tokens');
      assert.equal((await practitioner.post(`${accountPath}/tokens/${tokenRow.id}/revoke`, {})).statusCode, 403);
      assert.equal((await api('/api/v1/me', token)).statusCode, 200);
      await admin.get(accountPath);
      const revoked = await admin.post(`${accountPath}/tokens/${tokenRow.id}/revoke`, {});
      assert.equal(revoked.statusCode, 303);
      assertProblem(await api('/api/v1/me', token), 401);
      assert.equal((await admin.get('/admin/service-accounts/not-an-id')).statusCode, 404);
    });

    test('token creation and revocation are audited, and no token value reaches the audit trail', async () => {
      assert.ok(seen.length >= 5);
      const events = await t.database.db.selectFrom('audit_event').selectAll().execute();
      const text = JSON.stringify(events);
      for (const token of seen) {
        assert.ok(!text.includes(token), 'token value not in audit');
        assert.ok(!text.includes(sha256(token)), 'token hash not in audit');
      }
      const actions = events.map((e) => e.action);
      assert.ok(actions.filter((a) => a === 'api-token.create').length >= seen.length);
      assert.ok(actions.includes('api-token.revoke'));
      assert.ok(actions.includes('service-account.create'));
      assert.equal((await verifyAuditChain(t.database.db)).ok, true);
    });

    test('early-help create-token prints only the token, and refuses an unknown user', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'ehh-cli-'));
      try {
        let env: Record<string, string>;
        let email: string;
        if (engine === 'postgres') {
          const url = (t.database as { url?: string }).url;
          assert.ok(url);
          env = { DATABASE_URL: url };
          email = (await createUser(t.database.db)).email;
        } else {
          // The command opens DATA_DIR/pglite, as the server does.
          const database = await openPGlite(join(dataDir, 'pglite'));
          await migrate(database.db);
          email = (await createUser(database.db)).email;
          await database.close();
          env = { DATA_DIR: dataDir };
        }
        const base = { ...process.env };
        delete base.DATABASE_URL;
        delete base.DATABASE_REPLICA_URL;
        const run = (...args: string[]) =>
          new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
            execFile(
              process.execPath,
              [join(ROOT, 'bin/early-help'), 'create-token', ...args],
              { cwd: ROOT, env: { ...base, ...env, LOG_LEVEL: 'silent', NODE_ENV: 'test' }, encoding: 'utf8' },
              (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
            );
          });
        const ok = await run('--user', email, '--name', 'Nightly export', '--expires-days', '7');
        assert.equal(ok.status, 0, ok.stderr);
        assert.match(ok.stdout, /^ehh_[A-Za-z0-9_-]{43}\n$/);
        const token = ok.stdout.trim();

        // Only one of these opens the database, so they can run side by side.
        const [unknown, usage, none] = await Promise.all([
          run('--user', 'nobody@test.invalid'),
          run('--expires-days', 'soon', '--user', email),
          run(),
        ]);
        assert.equal(unknown.status, 1);
        assert.equal(unknown.stdout, '');
        assert.match(unknown.stderr, /There is no user with the email address nobody@test\.invalid/);
        assert.equal(usage.status, 1);
        assert.match(usage.stderr, /--expires-days must be a whole number/);
        assert.equal(none.status, 1);
        assert.match(none.stderr, /--user/);

        if (engine === 'postgres') {
          assert.equal((await api('/api/v1/me', token)).json().email, email);
        } else {
          const database = await openPGlite(join(dataDir, 'pglite'));
          const row = await database.db
            .selectFrom('api_token')
            .select(['name', 'expires_at'])
            .where('token_hash', '=', sha256(token))
            .executeTakeFirst();
          const audit = await database.db.selectFrom('audit_event').selectAll().execute();
          await database.close();
          assert.equal(row?.name, 'Nightly export');
          assert.ok(row?.expires_at);
          assert.ok(!JSON.stringify(audit).includes(token));
          assert.ok(audit.some((e) => e.action === 'api-token.create'));
        }
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });
}
