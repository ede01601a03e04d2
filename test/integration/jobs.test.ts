import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { sql } from 'kysely';
import { TestClock } from '../../src/platform/clock.ts';
import { enqueueJob, JobRunner } from '../../src/platform/jobs.ts';
import { createMailer } from '../../src/platform/mailer.ts';
import { enqueueEmail, registerEmailJob } from '../../src/platform/outbox.ts';
import { TestClient } from '../support/client.ts';
import { createUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp, testConfig } from '../support/harness.ts';
import { startSmtpServer } from '../support/smtp.ts';

for (const engine of engines()) {
  describe(`Durable jobs (${engine})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(engine);
    });
    after(() => t.close());
    const db = () => t.database.db;
    const at = (iso: string) => new Date(iso);
    const job = (id: string) => db().selectFrom('job').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    beforeEach(async () => {
      await db().deleteFrom('job').execute();
      await sql`create table if not exists job_effect (n integer not null)`.execute(db());
      await sql`delete from job_effect`.execute(db());
    });
    const effects = async () =>
      (await sql<{ n: number }>`select n from job_effect order by n`.execute(db())).rows.map((r) => r.n);

    test('a job enqueued in a transaction that rolls back does not exist; one that commits runs once', async () => {
      const runner = new JobRunner(db(), t.clock).register<{ n: number }>('test.effect', async ({ trx, payload }) => {
        await sql`insert into job_effect (n) values (${payload.n})`.execute(trx);
      });
      await assert.rejects(
        db()
          .transaction()
          .execute(async (trx) => {
            await enqueueJob(trx, 'test.effect', { n: 1 });
            throw new Error('the change failed');
          }),
        /the change failed/,
      );
      assert.equal((await db().selectFrom('job').selectAll().execute()).length, 0);
      await db()
        .transaction()
        .execute(async (trx) => {
          await enqueueJob(trx, 'test.effect', { n: 2 });
        });
      const now = new Date(Date.now() + 1000);
      assert.deepEqual(await runner.runDue(now), { done: 1, retried: 0, failed: 0, lost: 0 });
      assert.deepEqual(await runner.runDue(now), { done: 0, retried: 0, failed: 0, lost: 0 });
      assert.deepEqual(await effects(), [2]);
      const [row] = await db().selectFrom('job').selectAll().execute();
      assert.equal(row!.state, 'done');
      assert.equal(row!.attempts, 1);
      assert.deepEqual(row!.finished_at, now);
      assert.equal(row!.locked_by, null);
    });

    test('a job waits for its time; a runner takes only the kinds it has handlers for', async () => {
      const runner = new JobRunner(db(), t.clock).register('test.effect', async ({ trx }) => {
        await sql`insert into job_effect (n) values (1)`.execute(trx);
      });
      const later = await enqueueJob(db(), 'test.effect', {}, { runAt: at('2026-12-07T10:00:00Z') });
      const other = await enqueueJob(db(), 'test.other-kind', {}, { runAt: at('2026-12-01T10:00:00Z') });
      assert.equal((await runner.runDue(at('2026-12-07T09:59:59Z'))).done, 0);
      assert.equal((await runner.runDue(at('2026-12-07T10:00:00Z'))).done, 1);
      assert.equal((await job(later!)).state, 'done');
      assert.equal((await job(other!)).state, 'queued');
    });

    test('a dedupe key enqueues a job once; a daily job exists once per London day', async () => {
      const first = await enqueueJob(db(), 'test.digest', {}, { dedupeKey: 'test.digest:2026-12-07' });
      const second = await enqueueJob(db(), 'test.digest', {}, { dedupeKey: 'test.digest:2026-12-07' });
      assert.ok(first);
      assert.equal(second, undefined);
      await db().deleteFrom('job').execute();

      const dates: string[] = [];
      const make = () =>
        new JobRunner(db(), t.clock)
          .register<{ date: string }>('test.daily', async ({ payload }) => {
            dates.push(payload.date);
          })
          .daily('test.daily', '07:00');
      const [one, two] = [make(), make()];
      // 06:30 in London (GMT in December): not yet.
      await one.runDue(at('2026-12-07T06:30:00Z'));
      assert.deepEqual(dates, []);
      await one.runDue(at('2026-12-07T07:00:00Z'));
      await two.runDue(at('2026-12-07T07:05:00Z'));
      await one.runDue(at('2026-12-07T23:59:00Z'));
      assert.deepEqual(dates, ['2026-12-07'], 'two instances, one job for the day');
      // 23:30 UTC on 31 May is 00:30 on 1 June in London (BST).
      await two.runDue(at('2027-05-31T06:30:00Z'));
      await one.runDue(at('2027-05-31T23:30:00Z'));
      assert.deepEqual(dates, ['2026-12-07', '2027-05-31']);
      await one.runDue(at('2027-06-01T06:30:00Z'));
      assert.deepEqual(dates, ['2026-12-07', '2027-05-31', '2027-06-01']);
      const keys = (await db().selectFrom('job').select('dedupe_key').orderBy('dedupe_key').execute()).map(
        (r) => r.dedupe_key,
      );
      assert.deepEqual(keys, ['test.daily:2026-12-07', 'test.daily:2027-05-31', 'test.daily:2027-06-01']);
    });

    test('a failing job is retried with exponential back-off, then failed after its last attempt', async () => {
      let calls = 0;
      const runner = new JobRunner(db(), t.clock, { backoffSeconds: 10, maxBackoffSeconds: 25 }).register(
        'test.flaky',
        async ({ trx, attempt }) => {
          calls++;
          await sql`insert into job_effect (n) values (${attempt})`.execute(trx);
          throw new Error(`SMTP said no to "Alex Example" <alex@example.invalid> (attempt ${attempt})`);
        },
      );
      const start = at('2026-12-07T10:00:00Z');
      const id = (await enqueueJob(db(), 'test.flaky', {}, { runAt: start, maxAttempts: 4 }))!;
      const plus = (s: number) => new Date(start.getTime() + s * 1000);
      assert.equal((await runner.runDue(start)).retried, 1);
      let row = await job(id);
      assert.equal(row.state, 'queued');
      assert.equal(row.attempts, 1);
      assert.deepEqual(row.run_at, plus(10), 'first retry after 10 seconds');
      assert.doesNotMatch(row.last_error!, /Alex|alex@example/, 'no personal data in the error kept');
      assert.match(row.last_error!, /Error: SMTP said no to/);
      assert.equal((await runner.runDue(plus(9))).retried, 0, 'not before its time');
      assert.equal((await runner.runDue(plus(10))).retried, 1);
      assert.deepEqual((await job(id)).run_at, plus(30), 'then 20 seconds later');
      assert.equal((await runner.runDue(plus(30))).retried, 1);
      assert.deepEqual((await job(id)).run_at, plus(55), 'then no more than the cap of 25 seconds');
      assert.deepEqual(await runner.runDue(plus(55)), { done: 0, retried: 0, failed: 1, lost: 0 });
      row = await job(id);
      assert.equal(row.state, 'failed');
      assert.equal(row.attempts, 4);
      assert.deepEqual(row.finished_at, plus(55));
      assert.equal(calls, 4);
      assert.deepEqual(await effects(), [], 'a failed try leaves no database effect');
      assert.equal((await runner.runDue(plus(100_000))).failed, 0, 'a failed job is not run again by itself');
    });

    test('a job whose worker died is run again by another once its lease has passed', async () => {
      const clock = new TestClock(at('2026-12-07T10:00:00Z'));
      const survivor = new JobRunner(db(), clock, { leaseSeconds: 60 }).register('test.effect', async ({ trx }) => {
        await sql`insert into job_effect (n) values (2)`.execute(trx);
      });
      const id = (await enqueueJob(db(), 'test.effect', {}, { runAt: clock.now() }))!;
      // A worker claimed it and died before finishing (a real process killed with SIGKILL on PostgreSQL is in
      // jobs-two-instances.test.ts): the claim is committed, the work never is.
      await db()
        .updateTable('job')
        .set({ state: 'running', attempts: 1, locked_by: 'gone:1', locked_until: at('2026-12-07T10:01:00Z') })
        .where('id', '=', id)
        .execute();
      assert.equal((await survivor.runDue(at('2026-12-07T10:00:59Z'))).done, 0, 'held while the lease lasts');
      // A worker whose lease has passed finds the job no longer its own.
      assert.deepEqual(await survivor.runDue(at('2026-12-07T10:01:01Z')), { done: 1, retried: 0, failed: 0, lost: 0 });
      const row = await job(id);
      assert.equal(row.state, 'done');
      assert.equal(row.attempts, 2);
      assert.deepEqual(await effects(), [2]);
    });

    test('a job whose worker died on its last attempt is failed, not run for ever', async () => {
      const runner = new JobRunner(db(), t.clock).register('test.effect', async () => {});
      const id = (await enqueueJob(db(), 'test.effect', {}, { maxAttempts: 2 }))!;
      await db()
        .updateTable('job')
        .set({ state: 'running', attempts: 2, locked_by: 'gone:1', locked_until: at('2026-12-07T10:00:00Z') })
        .where('id', '=', id)
        .execute();
      assert.equal((await runner.runDue(at('2026-12-07T10:00:01Z'))).done, 0);
      const row = await job(id);
      assert.equal(row.state, 'failed');
      assert.match(row.last_error!, /stopped before it finished/);
    });

    test('a failed job is shown to system administrators, who can try it again (audited); others cannot', async () => {
      const runner = new JobRunner(db(), t.clock).register('test.flaky', async () => {
        throw new Error('Mail server refused <pat.example@test.invalid>');
      });
      const id = (await enqueueJob(db(), 'test.flaky', { personId: 'not shown' }, { maxAttempts: 1 }))!;
      await enqueueJob(db(), 'test.later', {}, { runAt: at('2099-01-01T00:00:00Z') });
      assert.equal((await runner.runDue(new Date(Date.now() + 1000))).failed, 1);

      assert.deepEqual((await t.app.inject('/health')).json().jobs, { failed: 1 });
      const admin = new TestClient(t.app, t.clock);
      await admin.signIn(await createUser(db(), { roles: ['system_admin'], name: 'Ada Admin' }));
      assert.match((await admin.get('/admin')).body, /href="\/admin\/jobs"/);
      const page = await admin.get('/admin/jobs');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /data-qa="count-failed">1</);
      assert.match(page.body, /data-qa="count-queued">1</);
      assert.match(page.body, /test\.flaky/);
      assert.match(page.body, /Mail server refused/);
      assert.doesNotMatch(page.body, /pat\.example|not shown/, 'no personal data or payload shown');
      assert.match(page.body, new RegExp(`action="/admin/jobs/${id}/retry"`));

      const other = new TestClient(t.app, t.clock);
      await other.signIn(await createUser(db(), { roles: ['manager', 'front_door'] }));
      assert.equal((await other.get('/admin/jobs')).statusCode, 403);
      await other.get('/account');
      assert.equal((await other.post(`/admin/jobs/${id}/retry`, {})).statusCode, 403);
      assert.equal((await admin.post(`/admin/jobs/${id}/retry`, {}, { csrf: null })).statusCode, 403, 'CSRF');
      assert.equal((await job(id)).state, 'failed');

      const retried = await admin.post(`/admin/jobs/${id}/retry`, {});
      assert.equal(retried.statusCode, 303);
      assert.equal(retried.headers.location, '/admin/jobs?done=retried');
      const row = await job(id);
      assert.equal(row.state, 'queued');
      assert.equal(row.attempts, 0);
      assert.match((await admin.get('/admin/jobs?done=retried')).body, /will be tried again/);
      await admin.post(`/admin/jobs/${id}/retry`, {});
      const events = await db().selectFrom('audit_event').selectAll().where('action', '=', 'job.retried').execute();
      assert.equal(events.length, 1, 'trying again a job already queued is a no-op');
      assert.equal(events[0]!.record_id, id);
      assert.deepEqual(events[0]!.details, { kind: 'test.flaky' });
      assert.equal((await admin.post('/admin/jobs/not-a-job/retry', {})).statusCode, 404);
    });

    test("the app's runner delivers mail over real SMTP once, even with two runners", async () => {
      const smtp = await startSmtpServer();
      const received = smtp.received;
      const mailer = createMailer(testConfig({ SMTP_URL: smtp.url }));
      const app = await startTestApp(engine, { mailer });
      try {
        for (let i = 0; i < 5; i++) {
          await app.database.db.transaction().execute(async (trx) => {
            await enqueueEmail(trx, { to: `lead${i}@test.invalid`, subject: `Something to look at ${i}`, text: 'x' });
          });
        }
        const second = new JobRunner(app.database.db, app.clock);
        registerEmailJob(second, mailer);
        const now = new Date(app.clock.now().getTime() + 1000);
        const results = await Promise.all([app.app.jobs.runDue(now), second.runDue(now)]);
        assert.ok(results[0].done > 0 || results[1].done > 0);
        const emailJobs = await app.database.db
          .selectFrom('job')
          .select('state')
          .where('kind', '=', 'email.send')
          .execute();
        assert.deepEqual(
          emailJobs.map((j) => j.state),
          ['done', 'done', 'done', 'done', 'done'],
        );
        assert.equal(received.length, 5);
        for (let i = 0; i < 5; i++) {
          assert.equal(received.filter((m) => m.includes(`Subject: Something to look at ${i}`)).length, 1);
        }
        assert.match(received[0]!, /Message-ID: <[0-9a-f-]{36}@[a-z0-9.-]+>/);
        const unsent = await app.database.db
          .selectFrom('outbox_message')
          .where('sent_at', 'is', null)
          .selectAll()
          .execute();
        assert.deepEqual(unsent, []);
      } finally {
        await app.close();
        await smtp.close();
      }
    });
  });
}
