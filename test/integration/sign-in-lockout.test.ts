import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createMailer } from '../../src/platform/mailer.ts';
import { deliverPending } from '../../src/platform/outbox.ts';
import { TestClient } from '../support/client.ts';
import { createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp, testConfig } from '../support/harness.ts';
import { startSmtpServer } from '../support/smtp.ts';

/** A page with its per-request parts (CSRF token, nonces) taken out, so two answers can be compared. */
function stable(body: string): string {
  return body.replace(/name="_csrf" value="[^"]*"/g, '').replace(/nonce="[^"]*"/g, '');
}

let address = 10;
/** A client from its own address, so the per-client limit of one test does not reach another. */
function clientFrom(t: TestApp): TestClient {
  const client = new TestClient(t.app, t.clock);
  client.remoteAddress = `192.0.2.${address++}`;
  return client;
}

for (const engine of engines()) {
  describe(`sign-in lockout on ${engine}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(engine, {
        config: { SIGN_IN_CLIENT_MAX_FAILURES: '8', SIGN_IN_CLIENT_WINDOW_MINUTES: '15' },
      });
    });
    after(async () => t.close());

    const db = () => t.database.db;

    async function lock(user: TestUser) {
      const attacker = clientFrom(t);
      await attacker.get('/sign-in');
      for (let i = 0; i < t.config.signIn.maxFailures; i++) {
        await attacker.post('/sign-in', { email: user.email, password: 'not the password' });
      }
      const row = await db().selectFrom('app_user').select('locked_until').where('id', '=', user.id).executeTakeFirst();
      assert.ok(row?.locked_until && row.locked_until > t.clock.now(), 'the account is locked');
    }

    async function attempt(email: string, password: string) {
      const client = clientFrom(t);
      await client.get('/sign-in');
      return client.post('/sign-in', { email, password });
    }

    test('while an account is locked, the right and a wrong password get exactly the same answer', async () => {
      const user = await createUser(db());
      await lock(user);
      const right = await attempt(user.email, user.password);
      const wrong = await attempt(user.email, 'still not the password');
      assert.equal(right.statusCode, wrong.statusCode);
      assert.equal(right.statusCode, 400);
      assert.equal(stable(right.body), stable(wrong.body));
      assert.match(right.body, /Enter a correct email address and password/);
      assert.doesNotMatch(right.body, /locked/i);
      assert.equal(right.headers.location, undefined, 'no session is started');
      // Once the lock has passed, the right password works again.
      t.clock.advance((t.config.signIn.lockoutMinutes + 1) * 60_000);
      assert.equal((await attempt(user.email, user.password)).statusCode, 303);
    });

    test('one client failing across many accounts is refused before any further account is touched', async () => {
      const limit = t.config.signIn.clientMaxFailures;
      const users = await Promise.all(Array.from({ length: limit + 1 }, () => createUser(db())));
      const attacker = clientFrom(t);
      await attacker.get('/sign-in');
      for (const user of users.slice(0, limit)) {
        const res = await attacker.post('/sign-in', { email: user.email, password: 'a guess at it' });
        assert.equal(res.statusCode, 400);
      }
      const last = users[limit]!;
      const refused = await attacker.post('/sign-in', { email: last.email, password: 'a guess at it' });
      assert.equal(refused.statusCode, 429);
      assert.match(refused.body, /Enter a correct email address and password/);
      assert.match(refused.body, /govuk-error-summary/);
      // Refused even with the right password: the answer says nothing about the account.
      const withRight = await attacker.post('/sign-in', { email: last.email, password: last.password });
      assert.equal(withRight.statusCode, 429);
      assert.equal(stable(withRight.body), stable(refused.body));
      const row = await db()
        .selectFrom('app_user')
        .select(['failed_sign_ins', 'locked_until'])
        .where('id', '=', last.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.failed_sign_ins, 0, 'the account counter did not move');
      assert.equal(row.locked_until, null);
      // The owner, from their own device, is not affected.
      assert.equal((await attempt(last.email, last.password)).statusCode, 303);
      // The client may try again once its failures are older than the window.
      t.clock.advance((t.config.signIn.clientWindowMinutes + 1) * 60_000);
      assert.equal((await attacker.post('/sign-in', { email: last.email, password: 'again' })).statusCode, 400);
    });

    test('the owner is told by email, over real SMTP, when their account locks', async () => {
      const smtp = await startSmtpServer();
      const received = smtp.received;
      try {
        const mailer = createMailer(testConfig({ SMTP_URL: smtp.url }));
        // Deliver anything already waiting, so only this test's mail is counted.
        await deliverPending(db(), mailer, new Date(t.clock.now().getTime() + 1000), 1000);
        received.length = 0;
        const user = await createUser(db(), { name: 'Robin Lockwood' });
        await lock(user);
        const lockedAt = t.clock.now();
        const sent = await deliverPending(db(), mailer, new Date(t.clock.now().getTime() + 1000), 1000);
        assert.equal(sent, 1);
        assert.equal(received.length, 1);
        const mail = received[0]!.replace(/=\r?\n/g, '').replace(/\r?\n/g, ' ');
        assert.match(mail, new RegExp(`To: ${user.email.replace('.', '\\.')}`));
        assert.match(mail, /Subject: Your Early Help Hub account has been locked/);
        assert.match(mail, /locked after repeated failed sign-in attempts/);
        assert.ok(mail.includes(lockedAt.toISOString().slice(0, 16)), 'the time it locked');
        assert.match(mail, /If this wasn.t you, contact your administrator/);
        assert.doesNotMatch(mail, /Robin|Lockwood/, 'no name');
        assert.doesNotMatch(mail, /192\.0\.2\./, 'no address');
      } finally {
        await smtp.close();
      }
    });

    test('wrong current passwords on the change-password form count toward the lockout, which ends sessions', async () => {
      const user = await createUser(db());
      const client = clientFrom(t);
      const phone = clientFrom(t);
      await client.signIn(user);
      await phone.signIn(user);
      await client.get('/account/password');
      for (let i = 1; i < t.config.signIn.maxFailures; i++) {
        const res = await client.post('/account/password', {
          currentPassword: `guess number ${i}`,
          newPassword: 'a brand new long password',
          confirmPassword: 'a brand new long password',
        });
        assert.equal(res.statusCode, 400);
        assert.match(res.body, /Your current password is not correct/);
      }
      const row = await db()
        .selectFrom('app_user')
        .select('failed_sign_ins')
        .where('id', '=', user.id)
        .executeTakeFirst();
      assert.equal(row?.failed_sign_ins, t.config.signIn.maxFailures - 1);
      const last = await client.post('/account/password', {
        currentPassword: 'one guess too many',
        newPassword: 'a brand new long password',
        confirmPassword: 'a brand new long password',
      });
      assert.equal(last.statusCode, 303);
      assert.equal(last.headers.location, '/sign-in');
      const locked = await db()
        .selectFrom('app_user')
        .select('locked_until')
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow();
      assert.ok(locked.locked_until && locked.locked_until > t.clock.now());
      assert.equal((await client.get('/account')).statusCode, 303, 'this session ended');
      assert.equal((await phone.get('/account')).statusCode, 303, 'every session ended');
      const again = await attempt(user.email, user.password);
      assert.equal(again.statusCode, 400, 'the right password does not get in while locked');
    });
  });
}
