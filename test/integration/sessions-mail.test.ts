import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { DataDirLockedError, openPGlite } from '../../src/db/connection.ts';
import { createMailer } from '../../src/platform/mailer.ts';
import { deliverPending, enqueueEmail } from '../../src/platform/outbox.ts';
import { totpCode } from '../../src/platform/totp.ts';
import { TestClient } from '../support/client.ts';
import { createUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp, testConfig } from '../support/harness.ts';
import { startSmtpServer } from '../support/smtp.ts';

for (const engine of engines()) {
  describe(`sessions and mail on ${engine}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(engine);
    });
    after(async () => t.close());

    test('a new session token is issued at sign-in: a token planted before sign-in is useless', async () => {
      const user = await createUser(t.database.db);
      const client = new TestClient(t.app, t.clock);
      client.cookies.set('ehh_session', 'planted-token-value');
      await client.signIn(user);
      assert.notEqual(client.cookies.get('ehh_session'), 'planted-token-value');
      const rows = await t.database.db.selectFrom('user_session').select('id').where('user_id', '=', user.id).execute();
      assert.equal(rows.length, 1);
      assert.ok(!rows.some((r) => r.id === 'planted-token-value'), 'only the hash of a token is stored');
    });

    test('the absolute timeout ends a session even when it is in constant use', async () => {
      const user = await createUser(t.database.db);
      const client = new TestClient(t.app, t.clock);
      await client.signIn(user);
      for (let h = 0; h < t.config.session.absoluteHours * 4; h++) {
        t.clock.advance(15 * 60_000);
        const res = await client.get('/account');
        if (h < t.config.session.absoluteHours * 4 - 1)
          assert.equal(res.statusCode, 200, `still signed in after ${(h + 1) * 15} minutes`);
        else assert.equal(res.statusCode, 303);
      }
    });

    test('sign out everywhere ends every session of the user', async () => {
      const user = await createUser(t.database.db);
      const laptop = new TestClient(t.app, t.clock);
      const phone = new TestClient(t.app, t.clock);
      await laptop.signIn(user);
      await phone.signIn(user);
      await laptop.get('/account');
      const res = await laptop.post('/account/sign-out-everywhere', {});
      assert.equal(res.headers.location, '/signed-out?everywhere=1');
      assert.equal((await phone.get('/account')).statusCode, 303);
    });

    test('a user without a second factor must enrol before reaching the service', async () => {
      const user = await createUser(t.database.db, { mfa: false });
      const client = new TestClient(t.app, t.clock);
      await client.get('/sign-in');
      const res = await client.post('/sign-in', { email: user.email, password: user.password });
      assert.equal(res.headers.location, '/sign-in/set-up-two-factor');
      assert.equal((await client.get('/')).statusCode, 303);
      const setup = await client.get('/sign-in/set-up-two-factor');
      assert.match(setup.body, /Set up your authenticator app/);
      const wrong = await client.post('/sign-in/set-up-two-factor', { code: '000000' });
      assert.equal(wrong.statusCode, 400);
      assert.match(wrong.body, /The code is not correct/);
    });

    test('an authenticator code cannot be used twice', async () => {
      const user = await createUser(t.database.db);
      const first = new TestClient(t.app, t.clock);
      const code = await totpCode(user.totpSecret!, t.clock.now());
      await first.get('/sign-in');
      await first.post('/sign-in', { email: user.email, password: user.password });
      await first.get('/sign-in/two-factor');
      const ok = await first.post('/sign-in/two-factor', { code });
      assert.equal(ok.headers.location, '/');
      const second = new TestClient(t.app, t.clock);
      await second.get('/sign-in');
      await second.post('/sign-in', { email: user.email, password: user.password });
      await second.get('/sign-in/two-factor');
      const replay = await second.post('/sign-in/two-factor', { code });
      assert.equal(replay.statusCode, 400);
      assert.match(replay.body, /The code is not correct/);
    });

    test('notifications wait in the outbox and are delivered over real SMTP', async () => {
      const smtp = await startSmtpServer();
      const received = smtp.received;
      try {
        const mailer = createMailer(testConfig({ SMTP_URL: smtp.url }));
        await enqueueEmail(t.database.db, {
          to: 'lead@test.invalid',
          subject: 'Panel decision recorded',
          text: 'Hello',
        });
        const sent = await deliverPending(t.database.db, mailer, new Date(Date.now() + 1000));
        assert.equal(sent, 1);
        assert.equal(received.length, 1);
        assert.match(received[0]!, /Subject: Panel decision recorded/);
        const pending = await sql<{
          n: number;
        }>`select count(*)::int as n from outbox_message where sent_at is null`.execute(t.database.db);
        assert.equal(pending.rows[0]!.n, 0);
      } finally {
        await smtp.close();
      }
    });

    test('a failed delivery is kept and retried later', async () => {
      const mailer = createMailer(testConfig({ SMTP_URL: 'smtp://127.0.0.1:1' }));
      await enqueueEmail(t.database.db, { to: 'x@test.invalid', subject: 'Retry me', text: 'x' });
      const now = new Date(Date.now() + 2000);
      assert.equal(await deliverPending(t.database.db, mailer, now), 0);
      const message = await t.database.db
        .selectFrom('outbox_message')
        .selectAll()
        .where('sent_at', 'is', null)
        .orderBy('created_at', 'desc')
        .executeTakeFirstOrThrow();
      const job = await t.database.db
        .selectFrom('job')
        .selectAll()
        .where('dedupe_key', '=', `email:${message.id}`)
        .executeTakeFirstOrThrow();
      assert.equal(job.state, 'queued');
      assert.equal(job.attempts, 1);
      assert.ok(job.last_error);
      assert.ok(job.run_at > now);
    });
  });
}

describe('the embedded database', () => {
  test('a second process on the same data directory is refused with a clear message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ehh-lock-'));
    const first = await openPGlite(join(dir, 'pglite'));
    try {
      // Simulate another live process holding the lock by writing our parent's pid into the lock file.
      const { writeFileSync } = await import('node:fs');
      writeFileSync(join(dir, 'early-help.lock'), String(process.ppid));
      await assert.rejects(
        openPGlite(join(dir, 'pglite')),
        (e: Error) => e instanceof DataDirLockedError && /in use by another process/.test(e.message),
      );
    } finally {
      await first.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
