import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { verifyAuditChain } from '../../src/platform/audit.ts';
import { TestClient } from '../support/client.ts';
import { createUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';

for (const engine of engines()) {
  describe(`platform on ${engine}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(engine);
    });
    after(async () => t.close());

    test('/health reports the engine in use', async () => {
      const res = await t.app.inject('/health');
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().database.engine, engine);
    });

    test('pages need sign-in; unknown pages are 404 with the GOV.UK page', async () => {
      const home = await t.app.inject('/');
      assert.equal(home.statusCode, 303);
      assert.equal(home.headers.location, '/sign-in');
      const missing = await t.app.inject('/no-such-page');
      assert.equal(missing.statusCode, 404);
      assert.match(missing.body, /Page not found/);
    });

    test('a strict content security policy with no inline script', async () => {
      const res = await t.app.inject('/sign-in');
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /script-src 'self'/);
      assert.doesNotMatch(csp, /unsafe-inline/);
      assert.doesNotMatch(res.body, /<script(?![^>]*\bsrc=)[^>]*>/);
    });

    test('sign in with password and TOTP, then sign out', async () => {
      const user = await createUser(t.database.db, { roles: ['practitioner'] });
      const client = new TestClient(t.app, t.clock);
      const res = await client.signIn(user);
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/');
      const home = await client.get('/');
      assert.equal(home.statusCode, 200);
      assert.match(home.body, /Test User/);
      const out = await client.post('/sign-out', {});
      assert.equal(out.headers.location, '/signed-out');
      assert.equal((await client.get('/')).statusCode, 303);
    });

    test('a wrong password keeps the email typed and names the problem', async () => {
      const user = await createUser(t.database.db);
      const client = new TestClient(t.app);
      await client.get('/sign-in');
      const res = await client.post('/sign-in', { email: user.email, password: 'wrong password here' });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /Enter a correct email address and password/);
      assert.match(res.body, new RegExp(`value="${user.email}"`));
      assert.match(res.body, /govuk-error-summary/);
    });

    test('a form without its CSRF token is refused', async () => {
      const client = new TestClient(t.app);
      await client.get('/sign-in');
      const res = await client.post('/sign-in', { email: 'a@b.invalid', password: 'x' }, { csrf: null });
      assert.equal(res.statusCode, 403);
    });

    test('the account locks after repeated failures: the right password afterwards gets the same answer as a wrong one', async () => {
      const user = await createUser(t.database.db);
      const client = new TestClient(t.app);
      await client.get('/sign-in');
      for (let i = 0; i < t.config.signIn.maxFailures; i++) {
        await client.post('/sign-in', { email: user.email, password: 'not the password' });
      }
      const res = await client.post('/sign-in', { email: user.email, password: user.password });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /Enter a correct email address and password/);
    });

    test('the idle timeout ends the session and a posted form is kept for the same user, without secrets', async () => {
      const user = await createUser(t.database.db);
      const client = new TestClient(t.app, t.clock);
      await client.signIn(user);
      await client.get('/people');
      t.clock.advance((t.config.session.idleMinutes + 1) * 60_000);
      const res = await client.post('/people/search', { givenName: 'Typed', familyName: 'Beforetimeout' });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/sign-in?timeout=1');
      const signIn = await client.signIn(user);
      assert.equal(signIn.headers.location, '/sign-in/resume');
      const resume = await client.get('/sign-in/resume');
      assert.equal(resume.statusCode, 200);
      assert.match(resume.body, /Beforetimeout/);
      assert.match(resume.body, /action="\/people\/search"/);
      const resent = await client.post('/people/search', { givenName: 'Typed', familyName: 'Beforetimeout' });
      assert.equal(resent.statusCode, 200);
      // Only the user whose session ended gets it back.
      assert.equal((await client.get('/sign-in/resume')).headers.location, '/');
    });

    test('passwords posted after a timeout are not kept', async () => {
      const user = await createUser(t.database.db);
      const client = new TestClient(t.app, t.clock);
      await client.signIn(user);
      await client.get('/account/password');
      t.clock.advance((t.config.session.idleMinutes + 1) * 60_000);
      await client.post('/account/password', {
        currentPassword: 'secret typed before timeout',
        newPassword: 'a new long password',
        confirmPassword: 'a new long password',
      });
      const saved = await t.database.db
        .selectFrom('saved_request')
        .selectAll()
        .where('user_id', '=', user.id)
        .execute();
      assert.equal(saved.length, 1);
      assert.doesNotMatch(JSON.stringify(saved[0]!.body), /secret typed|new long password/);
      await client.signIn(user);
      const resume = await client.get('/sign-in/resume');
      assert.match(resume.body, /passwords are never kept/);
      assert.match(resume.body, /name="currentPassword" type="password"/);
    });

    test('the audit trail is append-only and its hash chain verifies', async () => {
      const result = await verifyAuditChain(t.database.db);
      assert.equal(result.ok, true);
      assert.ok(result.checked > 0);
      await assert.rejects(sql`update audit_event set action = 'x'`.execute(t.database.db), /append-only/);
      await assert.rejects(sql`delete from audit_event`.execute(t.database.db), /append-only/);
    });
  });
}
