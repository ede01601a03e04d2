import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../support/client.ts';
import { createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';

const TOKEN = /ehh_[A-Za-z0-9_-]{43}/;
const DAY = 24 * 3600_000;

for (const engine of engines()) {
  describe(`API tokens and account recovery on ${engine}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(engine);
    });
    after(async () => t.close());

    const db = () => t.database.db;
    async function signedInAdmin() {
      const admin = new TestClient(t.app, t.clock);
      await admin.signIn(await createUser(db(), { roles: ['system_admin'] }));
      return admin;
    }
    const api = (token: string) => t.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });

    /** Signs the user in and makes a token on the tokens page, as a person does. */
    async function tokenFor(user: TestUser, form: Record<string, string> = {}) {
      const client = new TestClient(t.app, t.clock);
      await client.signIn(user);
      await client.get('/account/api-tokens');
      const res = await client.post('/account/api-tokens', {
        name: 'Weekly report',
        expiry: '30',
        password: user.password,
        ...form,
      });
      assert.equal(res.statusCode, 200, res.body);
      const token = TOKEN.exec(res.body)?.[0];
      assert.ok(token);
      assert.equal((await api(token)).statusCode, 200);
      return { client, token, page: res };
    }

    async function activeTokens(userId: string) {
      return db()
        .selectFrom('api_token')
        .select('id')
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .execute();
    }

    test('signing out on every device revokes the API tokens, and the pages say so', async () => {
      const user = await createUser(db());
      const { client, token } = await tokenFor(user);
      const account = await client.get('/account');
      const res = await client.post('/account/sign-out-everywhere', {});
      assert.equal(res.statusCode, 303);
      assert.equal((await api(token)).statusCode, 401);
      assert.equal((await activeTokens(user.id)).length, 0);
      assert.match(account.body, /also revokes your API tokens/);
      const page = await client.get(String(res.headers.location));
      assert.match(page.body, /Your API tokens have been revoked/);
    });

    test('an administrator resetting two-factor authentication revokes the API tokens', async () => {
      const user = await createUser(db());
      const { token } = await tokenFor(user);
      const admin = await signedInAdmin();
      const page = await admin.get(`/admin/users/${user.id}`);
      const res = await admin.post(`/admin/users/${user.id}/reset-two-factor`, {});
      assert.equal(res.statusCode, 303);
      assert.equal((await api(token)).statusCode, 401);
      assert.equal((await activeTokens(user.id)).length, 0);
      assert.match(page.body, /revokes their API tokens/);
      assert.match((await admin.get(String(res.headers.location))).body, /API tokens have been revoked/);
    });

    test('an administrator setting a temporary password revokes the API tokens', async () => {
      const user = await createUser(db());
      const { token } = await tokenFor(user);
      const admin = await signedInAdmin();
      const form = await admin.get(`/admin/users/${user.id}/password`);
      const res = await admin.post(`/admin/users/${user.id}/password`, { password: 'a temporary passphrase here' });
      assert.equal(res.statusCode, 303, res.body);
      assert.equal((await api(token)).statusCode, 401);
      assert.equal((await activeTokens(user.id)).length, 0);
      assert.match(form.body, /revokes their API tokens/);
      assert.match((await admin.get(String(res.headers.location))).body, /API tokens have been revoked/);
    });

    test('creating a token asks for the password again; a wrong one is a form error that counts toward lockout', async () => {
      const user = await createUser(db());
      const client = new TestClient(t.app, t.clock);
      await client.signIn(user);
      const page = await client.get('/account/api-tokens');
      assert.match(page.body, /name="password" type="password"/);

      const missing = await client.post('/account/api-tokens', { name: 'Nightly job', expiry: '30' });
      assert.equal(missing.statusCode, 400);
      assert.match(missing.body, /Enter your password/);

      const wrong = await client.post('/account/api-tokens', {
        name: 'Nightly job',
        expiry: '30',
        password: 'not my password at all',
      });
      assert.equal(wrong.statusCode, 400);
      assert.match(wrong.body, /govuk-error-summary/);
      assert.match(wrong.body, /Your password is not correct/);
      assert.match(wrong.body, /value="Nightly job"/, 'what was typed is kept');
      assert.doesNotMatch(wrong.body, /not my password at all/, 'but never the password');
      assert.equal(
        (await db().selectFrom('api_token').select('id').where('user_id', '=', user.id).execute()).length,
        0,
      );
      const row = await db()
        .selectFrom('app_user')
        .select('failed_sign_ins')
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.failed_sign_ins, 1);

      for (let i = 1; i < t.config.signIn.maxFailures; i++) {
        await client.post('/account/api-tokens', { name: 'Nightly job', expiry: '30', password: `guess ${i}` });
      }
      const locked = await db()
        .selectFrom('app_user')
        .select('locked_until')
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow();
      assert.ok(locked.locked_until && locked.locked_until > t.clock.now(), 'the account locked');
      assert.equal((await client.get('/account/api-tokens')).statusCode, 303, 'and the session ended');
    });

    test('someone who signs in only through their organisation (no password) re-authenticates by signing in again', async () => {
      const user = await createUser(db());
      const client = new TestClient(t.app, t.clock);
      await client.signIn(user);
      await db().updateTable('app_user').set({ password_hash: null }).where('id', '=', user.id).execute();
      const page = await client.get('/account/api-tokens');
      assert.doesNotMatch(page.body, /name="password"/);
      assert.match(page.body, /within 10 minutes of signing in/);
      const fresh = await client.post('/account/api-tokens', { name: 'Fresh', expiry: '30' });
      assert.equal(fresh.statusCode, 200, fresh.body);
      t.clock.advance(11 * 60_000);
      await client.get('/account/api-tokens');
      const stale = await client.post('/account/api-tokens', { name: 'Stale', expiry: '30', password: 'anything' });
      assert.equal(stale.statusCode, 400);
      assert.match(stale.body, /Sign out and sign in again/);
      const names = await db().selectFrom('api_token').select('name').where('user_id', '=', user.id).execute();
      assert.deepEqual(
        names.map((r) => r.name),
        ['Fresh'],
      );
    });

    test('tokens expire: 90 days unless a shorter time is chosen, never beyond the maximum, shown on the page', async () => {
      assert.equal(t.config.apiTokens.maxDays, 90);
      const user = await createUser(db());
      const client = new TestClient(t.app, t.clock);
      await client.signIn(user);
      const page = await client.get('/account/api-tokens');
      assert.doesNotMatch(page.body, /value="never"/);
      assert.match(page.body, /value="90" checked/);
      const tooLong = await client.post('/account/api-tokens', {
        name: 'Forever',
        expiry: '365',
        password: user.password,
      });
      assert.equal(tooLong.statusCode, 400);
      assert.match(tooLong.body, /Select when the token expires/);
      const never = await client.post('/account/api-tokens', {
        name: 'Forever',
        expiry: 'never',
        password: user.password,
      });
      assert.equal(never.statusCode, 400);

      const created = await client.post('/account/api-tokens', {
        name: 'Default',
        expiry: '90',
        password: user.password,
      });
      assert.equal(created.statusCode, 200);
      const row = await db()
        .selectFrom('api_token')
        .select('expires_at')
        .where('user_id', '=', user.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.expires_at?.getTime(), t.clock.now().getTime() + 90 * DAY);
      const list = await client.get('/account/api-tokens');
      assert.match(list.body, /Tokens last at most 90 days/);
    });

    test('an expired token gets the same 401 problem document as an unknown one', async () => {
      const user = await createUser(db());
      const { token } = await tokenFor(user, { expiry: '30' });
      t.clock.advance(30 * DAY + 1000);
      const expired = await api(token);
      const unknown = await api(`ehh_${'A'.repeat(43)}`);
      assert.equal(expired.statusCode, 401);
      assert.equal(unknown.statusCode, 401);
      const strip = (body: string) => {
        const { requestId: _ignored, ...rest } = JSON.parse(body);
        return rest;
      };
      assert.deepEqual(strip(expired.body), strip(unknown.body));
      assert.equal(expired.headers['www-authenticate'], unknown.headers['www-authenticate']);
    });

    test('service-account tokens made by administrators expire too, by default in 90 days', async () => {
      const admin = await signedInAdmin();
      const org = (await db().selectFrom('organisation').select('id').executeTakeFirstOrThrow()).id;
      await admin.get('/admin/service-accounts/new');
      const created = await admin.post('/admin/service-accounts', {
        name: 'Case system',
        identifier: `case-system-${engine}@service.invalid`,
        organisationId: org,
        roles: ['practitioner'],
      });
      assert.equal(created.statusCode, 303, created.body);
      const path = String(created.headers.location).split('?')[0]!;
      const page = await admin.get(path);
      assert.doesNotMatch(page.body, /value="never"/);
      assert.match(page.body, /value="90" checked/);
      assert.equal((await admin.post(`${path}/tokens`, { name: 'Sync', expiry: 'never' })).statusCode, 400);
      assert.equal((await admin.post(`${path}/tokens`, { name: 'Sync', expiry: '365' })).statusCode, 400);
      const issued = await admin.post(`${path}/tokens`, { name: 'Sync', expiry: '90' });
      assert.equal(issued.statusCode, 200);
      const row = await db()
        .selectFrom('api_token')
        .select('expires_at')
        .where('name', '=', 'Sync')
        .executeTakeFirstOrThrow();
      assert.equal(row.expires_at?.getTime(), t.clock.now().getTime() + 90 * DAY);
    });
  });
}
