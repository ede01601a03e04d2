import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { verifyAuditChain } from '../../src/platform/audit.ts';
import { createUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';
import { startOidcProvider, type TestOidcProvider } from '../support/oidc-provider.ts';

/**
 * The whole OpenID Connect journey over real HTTP between two real servers: the app and an
 * oidc-provider. The app's redirect URI comes from BASE_URL, which must be known before the app is
 * built, and the provider must know that redirect URI before it starts: so a free port is chosen for
 * the app first, and the provider (whose own issuer URL is only known once it listens) starts next.
 */

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** A browser reduced to what the journey needs: cookies (shared across ports, as browsers do) and redirects. */
class Browser {
  cookies = new Map<string, string>();

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}) {
    const headers: Record<string, string> = {};
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const res = await fetch(url, { method: init.method ?? 'GET', headers, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => {
        const [k, v] = a.trim().split('=');
        return (
          (k?.toLowerCase() === 'max-age' && Number(v) <= 0) ||
          (k?.toLowerCase() === 'expires' && new Date(v ?? '').getTime() < Date.now())
        );
      });
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** Follows redirects across both servers; returns the final response, its URL and every URL visited. */
  async go(url: string, init: { method?: string; form?: Record<string, string> } = {}) {
    const visited: string[] = [url];
    let res = await this.request(url, init);
    let current = url;
    for (let hops = 0; res.status >= 300 && res.status < 400 && hops < 15; hops++) {
      current = new URL(res.headers.get('location')!, current).href;
      visited.push(current);
      res = await this.request(current);
    }
    return { res, url: current, visited, body: await res.text() };
  }
}

for (const engine of engines()) {
  describe(`OpenID Connect sign-in on ${engine}`, () => {
    let t: TestApp;
    let idp: TestOidcProvider;
    let appUrl: string;

    before(async () => {
      const port = await freePort();
      appUrl = `http://127.0.0.1:${port}`;
      idp = await startOidcProvider({ redirectUri: `${appUrl}/sign-in/oidc/callback` });
      t = await startTestApp(engine, {
        config: {
          OIDC_ISSUER: idp.issuer,
          OIDC_CLIENT_ID: idp.clientId,
          OIDC_CLIENT_SECRET: idp.clientSecret,
          BASE_URL: appUrl,
        },
      });
      await t.app.listen({ port, host: '127.0.0.1' });
    });
    after(async () => {
      await t?.close();
      await idp?.close();
    });

    /** Starts at the app, signs in at the provider as `subject`, and follows everything back. */
    async function signInAs(browser: Browser, subject: string) {
      const login = await browser.go(`${appUrl}/sign-in/oidc`);
      assert.equal(login.res.status, 200);
      assert.ok(login.url.startsWith(idp.issuer), 'the journey reaches the identity provider');
      const authorize = new URL(login.visited[1]!);
      assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
      assert.ok(authorize.searchParams.get('state') && authorize.searchParams.get('nonce'));
      const action = /action="([^"]+)"/.exec(login.body)![1]!;
      return browser.go(new URL(action, login.url).href, { method: 'POST', form: { login: subject } });
    }

    test('the sign-in page offers the organisation account button', async () => {
      const res = await t.app.inject('/sign-in');
      assert.match(res.body, /href="\/sign-in\/oidc"/);
    });

    test('a known user with a verified email signs in and is linked to the identity', async () => {
      const user = await createUser(t.database.db, { name: 'Priya Oidcfield', email: 'priya.oidc@test.invalid' });
      idp.accounts.set('subject-priya', { email: 'Priya.OIDC@test.invalid' });
      const browser = new Browser();
      const done = await signInAs(browser, 'subject-priya');
      assert.equal(done.res.status, 200);
      assert.equal(done.url, `${appUrl}/`);
      assert.match(done.body, /Priya Oidcfield/);
      assert.equal(browser.cookies.has('ehh_oidc'), false, 'the state cookie is spent');

      const row = await t.database.db
        .selectFrom('app_user')
        .select(['oidc_issuer', 'oidc_subject'])
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.oidc_subject, 'subject-priya');
      assert.equal(row.oidc_issuer, idp.issuer);
      const events = await t.database.db
        .selectFrom('audit_event')
        .select(['action', 'details'])
        .where('record_id', '=', user.id)
        .where('action', '=', 'sign-in.oidc')
        .execute();
      assert.equal(events.length, 1);
      assert.equal((events[0]!.details as { linked: boolean }).linked, true);

      // Next time the subject alone identifies the user, even after the email address changes.
      idp.accounts.set('subject-priya', { email: 'priya.new@test.invalid' });
      const again = await signInAs(new Browser(), 'subject-priya');
      assert.equal(again.res.status, 200);
      assert.match(again.body, /Priya Oidcfield/);
      assert.equal((await verifyAuditChain(t.database.db)).ok, true);
    });

    test('an unknown email gets the "not set up" page and no account is created', async () => {
      idp.accounts.set('subject-stranger', { email: 'nobody.here@test.invalid' });
      const before = await t.database.db
        .selectFrom('app_user')
        .select((eb) => eb.fn.countAll().as('n'))
        .execute();
      const done = await signInAs(new Browser(), 'subject-stranger');
      assert.equal(done.res.status, 403);
      assert.match(done.body, /Your account is not set up/);
      assert.match(done.body, /system administrator/);
      const afterCount = await t.database.db
        .selectFrom('app_user')
        .select((eb) => eb.fn.countAll().as('n'))
        .execute();
      assert.deepEqual(afterCount, before);
      assert.equal((await t.app.inject({ url: '/', headers: {} })).statusCode, 303);
    });

    test('an unverified email is not enough to link an account', async () => {
      await createUser(t.database.db, { email: 'unverified.oidc@test.invalid' });
      idp.accounts.set('subject-unverified', { email: 'unverified.oidc@test.invalid', emailVerified: false });
      const done = await signInAs(new Browser(), 'subject-unverified');
      assert.equal(done.res.status, 403);
      assert.match(done.body, /Your account is not set up/);
    });

    test('a disabled user is refused', async () => {
      const user = await createUser(t.database.db, { email: 'switched.off@test.invalid' });
      await t.database.db.updateTable('app_user').set({ disabled_at: new Date() }).where('id', '=', user.id).execute();
      idp.accounts.set('subject-disabled', { email: 'switched.off@test.invalid' });
      const browser = new Browser();
      const done = await signInAs(browser, 'subject-disabled');
      assert.equal(done.res.status, 403);
      assert.match(done.body, /Your account has been switched off/);
      const home = await browser.request(`${appUrl}/`);
      assert.equal(home.status, 303);
      assert.equal(home.headers.get('location'), '/sign-in');
    });

    test('a callback with the wrong state, or without the state cookie, is refused', async () => {
      const browser = new Browser();
      const login = await browser.go(`${appUrl}/sign-in/oidc`);
      assert.ok(browser.cookies.has('ehh_oidc'));
      const wrong = await browser.go(`${appUrl}/sign-in/oidc/callback?code=abc&state=not-the-state`);
      assert.equal(wrong.res.status, 400);
      assert.match(wrong.body, /There is a problem with your request/);
      assert.match(wrong.body, /govuk-/);

      // The cookie is spent by any callback, so replaying the real state later fails too.
      const state = new URL(login.visited[1]!).searchParams.get('state')!;
      const replay = await new Browser().go(`${appUrl}/sign-in/oidc/callback?code=abc&state=${state}`);
      assert.equal(replay.res.status, 400);

      // A forged cookie is not accepted either.
      const forger = new Browser();
      forger.cookies.set('ehh_oidc', encodeURIComponent(JSON.stringify({ state: 'x', nonce: 'y', verifier: 'z' })));
      const forged = await forger.go(`${appUrl}/sign-in/oidc/callback?code=abc&state=x`);
      assert.equal(forged.res.status, 400);
    });

    test('an account refused at the identity provider comes back as a GOV.UK page, not an error', async () => {
      const done = await signInAs(new Browser(), 'no-such-subject');
      assert.equal(done.res.status, 400);
      assert.match(done.body, /Your sign-in could not be completed/);
    });
  });
}

describe('OpenID Connect with the identity provider down', () => {
  let t: TestApp;
  before(async () => {
    const deadPort = await freePort();
    t = await startTestApp('pglite', {
      config: {
        OIDC_ISSUER: `http://127.0.0.1:${deadPort}`,
        OIDC_CLIENT_ID: 'client',
        OIDC_CLIENT_SECRET: 'secret',
      },
    });
  });
  after(async () => t?.close());

  test('the app starts, and starting a sign-in shows a GOV.UK page instead of a 500', async () => {
    assert.equal((await t.app.inject('/sign-in')).statusCode, 200);
    const res = await t.app.inject('/sign-in/oidc');
    assert.equal(res.statusCode, 503);
    assert.match(res.body, /You cannot sign in with your organisation account at the moment/);
    assert.match(res.body, /sign in with your email address and password/);
  });
});
