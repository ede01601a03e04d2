/**
 * The access policy against the running app. The route table is taken from Fastify itself (buildApp's onRoute
 * option): every route has an action, and an app given a route without one does not build. Then every route is
 * requested by a user holding each role alone — signed in with a session for pages, with a bearer token for the
 * API — with a real-looking id and an empty body: a role the action does not allow never gets a success, and a
 * role it allows is never refused by the role check. Routes about one child that need a relationship are then
 * requested for a child the user works with (not refused) and one they do not (404, or the feature's explained
 * refusal). The consent matrix (consent-matrix.test.ts) goes deeper into what case detail each cell sees.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { Database } from '../../src/db/connection.ts';
import { ROLES, type Role } from '../../src/db/schema.ts';
import { TokenService } from '../../src/features/api/service.ts';
import { TestClock } from '../../src/platform/clock.ts';
import { ACTIONS, type Action, can, policyOf, ROUTES, routeAction } from '../../src/platform/policy.ts';
import { SessionStore } from '../../src/platform/sessions.ts';
import { SESSION_COOKIE } from '../../src/platform/web.ts';
import { TestClient } from '../support/client.ts';
import { createOrganisation, createPartnership, createUser, type TestUser } from '../support/factories.ts';
import { type EngineName, engines, freshDatabase, testConfig } from '../support/harness.ts';
import { createPerson } from '../support/people.ts';

const NOW = new Date('2026-11-23T10:00:00Z');

interface Route {
  method: string;
  url: string;
  api: boolean;
}

/** Routes that only exist when single sign-on is configured. */
const OPTIONAL_ROUTES = new Set(['GET /sign-in/oidc', 'GET /sign-in/oidc/callback']);
/** Routes that end the session they are sent with: requested last. */
const ENDS_SESSION = new Set(['POST /sign-out', 'POST /account/sign-out-everywhere']);
/** A file under each static prefix. */
const STATIC_FILES: Record<string, string> = {
  '/assets/*': '/assets/images/favicon.ico',
  '/assets/govuk/*': '/assets/govuk/govuk-frontend.min.css',
  '/assets/moj/*': '/assets/moj/moj-frontend.min.css',
  '/assets/app/*': '/assets/app/app.css',
  '/openreferral/*': '/openreferral/services',
};

interface Fixtures {
  app: FastifyInstance;
  database: Database;
  routes: Route[];
  users: Map<Role, { user: TestUser; client: TestClient; token: string }>;
  related: string;
  unrelated: string;
  ids: Record<string, string>;
  /** A fresh full session and API token for each user (signing out everywhere ends both), and a page for its CSRF token. */
  signInAll(): Promise<void>;
  close(): Promise<void>;
}

async function start(engine: EngineName): Promise<Fixtures> {
  const database = await freshDatabase(engine);
  const clock = new TestClock(NOW);
  const config = testConfig();
  const routes: Route[] = [];
  const app = await buildApp({
    config,
    database,
    clock,
    onRoute: (r) => {
      for (const method of Array.isArray(r.method) ? r.method : [r.method]) {
        routes.push({ method, url: r.url, api: r.config?.api === true });
      }
    },
  });
  await app.ready();
  const db = database.db;
  const org = await createOrganisation(db, { name: 'Policy Primary School' });
  const elsewhere = await createOrganisation(db, { name: 'Elsewhere Family Hub', agency_type: 'local_authority' });
  await createPartnership(db, 'Elsewhere', [elsewhere.id]);
  const sessions = new SessionStore(db, config.session);
  const tokens = new TokenService(db, clock);
  const users = new Map<Role, { user: TestUser; client: TestClient; token: string }>();
  for (const [i, role] of ROLES.entries()) {
    const user = await createUser(db, { roles: [role], organisationId: org.id, name: `Only ${role}` });
    const client = new TestClient(app, clock);
    client.remoteAddress = `10.0.0.${i + 1}`;
    const issued = await tokens.createForEmail(
      user.email,
      { name: 'policy', expiresInDays: null },
      { requestId: 'test', clientIp: '127.0.0.1' },
    );
    users.set(role, { user, client, token: issued.token });
  }
  // A child every one of them works with, and a child in another partnership that none of them does.
  const related = await createPerson(db, { givenName: 'Rhiannon', familyName: 'Policy', dateOfBirth: '2015-03-03' });
  const involvements: Record<string, string> = {};
  for (const [role, { user }] of users) {
    const row = await db
      .insertInto('involvement')
      .values({
        person_id: related,
        organisation_id: org.id,
        team_id: null,
        user_id: user.id,
        role: 'Key worker',
        started_on: '2025-09-01',
        ended_on: null,
        contact_phone: null,
        contact_email: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    involvements[role] = row.id;
  }
  const unrelated = await createPerson(db, {
    givenName: 'Ulrich',
    familyName: 'Policy',
    dateOfBirth: '2014-04-04',
    involvement: { organisationId: elsewhere.id },
  });
  const note = await db
    .insertInto('case_note')
    .values({
      person_id: related,
      organisation_id: org.id,
      category: null,
      consent_id: null,
      body: 'Policy test note',
      recorded_by: users.get('practitioner')!.user.id,
      recorded_at: new Date('2026-11-01T09:00:00Z'),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const name = await db.selectFrom('person_name').select('id').where('person_id', '=', related).executeTakeFirst();
  // Someone for the administration routes to act on, who is not one of the users making requests.
  const target = await createUser(db, { roles: ['practitioner'], organisationId: org.id, name: 'Admin Target' });
  const area = await db.selectFrom('area').select('id').executeTakeFirstOrThrow();
  const team = await db.selectFrom('team').select('id').executeTakeFirstOrThrow();
  return {
    app,
    database,
    routes,
    users,
    related,
    unrelated,
    ids: {
      organisation: org.id,
      area: area.id,
      team: team.id,
      user: target.id,
      noteId: note.id,
      nameId: name?.id ?? randomUUID(),
      ...Object.fromEntries(Object.entries(involvements).map(([role, id]) => [`involvement:${role}`, id])),
    },
    async signInAll() {
      for (const [role, entry] of users) {
        const { user, client } = entry;
        // Signing out everywhere revokes the user's API tokens too: issue a fresh one.
        const issued = await tokens.createForEmail(
          user.email,
          { name: 'policy', expiresInDays: null },
          { requestId: 'test', clientIp: '127.0.0.1' },
        );
        users.set(role, { ...entry, token: issued.token });
        client.cookies.clear();
        client.cookies.set(
          SESSION_COOKIE(config.session.cookieSecure),
          await sessions.create(user.id, 'full', NOW, {}),
        );
        await client.get('/');
      }
    },
    async close() {
      await app.close();
      await database.close();
    },
  };
}

/** The route's path with its parameters filled: the child given, real ids where the fixtures have them. */
function fill(f: Fixtures, route: Route, role: Role, child: string): string {
  if (STATIC_FILES[route.url]) return STATIC_FILES[route.url]!;
  return route.url.replace(/:([A-Za-z]+)/g, (_whole, name: string, offset: number) => {
    const before = route.url.slice(0, offset);
    if (name === 'id') {
      if (/\/people\/$/.test(before)) return child;
      if (/\/admin\/organisations\/$/.test(before) || /\/api\/v1\/organisations\/$/.test(before))
        return f.ids.organisation!;
      if (/\/admin\/areas\/$/.test(before)) return f.ids.area!;
      if (/\/admin\/teams\/$/.test(before)) return f.ids.team!;
      if (/\/admin\/users\/$/.test(before)) return f.ids.user!;
      return randomUUID();
    }
    if (name === 'noteId' && child === f.related) return f.ids.noteId!;
    if (name === 'nameId' && child === f.related) return f.ids.nameId!;
    if (name === 'involvementId' && child === f.related) return f.ids[`involvement:${role}`]!;
    if (name === 'code') return 'no-such-category';
    return randomUUID();
  });
}

async function send(f: Fixtures, route: Route, role: Role, child: string): Promise<LightMyRequestResponse> {
  const { client, token } = f.users.get(role)!;
  const url = fill(f, route, role, child);
  if (route.api) {
    return f.app.inject({
      method: route.method as 'GET',
      url,
      headers: {
        authorization: `Bearer ${token}`,
        ...(route.method === 'POST' ? { 'content-type': 'application/json' } : {}),
      },
      ...(route.method === 'POST' ? { payload: '{}' } : {}),
    });
  }
  if (route.method === 'GET') return client.get(url);
  if (route.method === 'POST') return client.post(url, {});
  return f.app.inject({ method: route.method as 'OPTIONS', url, remoteAddress: client.remoteAddress ?? '127.0.0.1' });
}

const key = (r: Route) => `${r.method} ${r.url}`;
const isChildRoute = (r: Route) => /^\/(api\/v1\/)?people\/:id(\/|$)/.test(r.url);

/** Whether a response is the user being refused, or sent to sign in: never right for a role the action allows. */
function refused(res: LightMyRequestResponse): boolean {
  return res.statusCode === 401 || res.statusCode === 403 || /^\/sign-in/.test(String(res.headers.location ?? ''));
}

for (const engine of engines()) {
  describe(`access policy on ${engine}`, () => {
    let f: Fixtures;
    before(async () => {
      f = await start(engine);
    });
    after(async () => f?.close());

    const checked = () => f.routes.filter((r) => r.method !== 'HEAD');

    test('every route in the app has an action, and every action in ROUTES is a route', () => {
      const missing = f.routes.filter((r) => !routeAction(r.method, r.url)).map(key);
      assert.deepEqual(missing, []);
      const registered = new Set(f.routes.map(key));
      const stale = Object.keys(ROUTES).filter((k) => !registered.has(k) && !OPTIONAL_ROUTES.has(k));
      assert.deepEqual(stale, [], 'entries in ROUTES with no route: remove them from src/platform/policy.ts');
      const unused = (Object.keys(ACTIONS) as Action[]).filter((a) => !Object.values(ROUTES).includes(a));
      assert.deepEqual(unused, [], 'actions no route performs');
    });

    test('an app given a route without an action does not build, and the error names the route and the file', async () => {
      // A second app on the same database: building it is what fails, so nothing is served from it.
      const app = await buildApp({ config: testConfig(), database: f.database, clock: new TestClock(NOW) });
      try {
        assert.throws(
          () => app.get('/undeclared/:id', async () => 'hello'),
          /Route GET \/undeclared\/:id has no access-policy action\. Add one line to ROUTES in src\/platform\/policy\.ts/,
        );
        assert.throws(
          () => app.post('/people/:id/notes/extra', { config: { action: 'no-such-action' as Action } }, async () => ''),
          /unknown action "no-such-action"/,
        );
        // A route may name its own action instead of adding a line to ROUTES.
        app.get('/declared-here', { config: { action: 'home.read' } }, async () => 'ok');
      } finally {
        await app.close();
      }
    });

    test('every route × every role: the policy decides who is refused', { timeout: 600_000 }, async (t) => {
      await f.signInAll();
      const failures: string[] = [];
      let requests = 0;
      const routes = [
        ...checked().filter((r) => !ENDS_SESSION.has(key(r))),
        ...checked().filter((r) => ENDS_SESSION.has(key(r))),
      ];
      for (const route of routes) {
        const action = routeAction(route.method, route.url)!;
        if (ENDS_SESSION.has(key(route))) await f.signInAll();
        for (const role of ROLES) {
          const res = await send(f, route, role, f.related);
          requests++;
          const cell = `${key(route)} (${action}) as ${role}: ${res.statusCode}`;
          if (res.statusCode >= 500) failures.push(`${cell} — server error`);
          else if (can({ roles: [role] }, action)) {
            // Signing in again while signed in may start again at the sign-in page; that is not a refusal.
            if (refused(res) && !(action === 'sign-in' && res.statusCode === 303))
              failures.push(`${cell} — refused, but the policy allows ${role}`);
          } else {
            const want = policyOf(action).refuseAs ?? 403;
            if (res.statusCode !== want) failures.push(`${cell} — want ${want}`);
            const type = String(res.headers['content-type'] ?? '');
            if (route.api && !type.startsWith('application/problem+json')) failures.push(`${cell} — not a problem`);
            if (!route.api && !type.startsWith('text/html')) failures.push(`${cell} — not a page`);
          }
        }
      }
      t.diagnostic(`${requests} requests over ${routes.length} routes`);
      assert.deepEqual(failures, []);
    });

    test('routes needing a relationship: refused for a child the user does not work with, not for one they do', async () => {
      await f.signInAll();
      const failures: string[] = [];
      const needing = checked().filter(
        (r) => isChildRoute(r) && ACTIONS[routeAction(r.method, r.url)!].relationship === 'works-with-child',
      );
      assert.ok(needing.length > 20, `${needing.length} routes need a relationship`);
      for (const route of needing) {
        const action = routeAction(route.method, route.url)!;
        const policy = policyOf(action);
        for (const role of ROLES.filter((r) => can({ roles: [r] }, action))) {
          const cell = `${key(route)} (${action}) as ${role}`;
          const outside = await send(f, route, role, f.unrelated);
          // A feature that explains its refusal (consent changes) answers 403 with the reason; others 404.
          const allowed = policy.refusal ? [403, 404] : [404];
          if (!allowed.includes(outside.statusCode)) {
            failures.push(`${cell}: child not worked with gave ${outside.statusCode}`);
          }
          assert.doesNotMatch(outside.body, /Ulrich/, cell);
          const inside = await send(f, route, role, f.related);
          const onlyChild = !/:(?!id\b)[A-Za-z]+/.test(route.url);
          if (refused(inside) || (onlyChild && inside.statusCode === 404)) {
            failures.push(`${cell}: child worked with gave ${inside.statusCode}`);
          }
        }
      }
      assert.deepEqual(failures, []);
    });
  });
}
