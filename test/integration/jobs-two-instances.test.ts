/**
 * Two instances of the app share one PostgreSQL database and its jobs. One is killed with SIGKILL in the middle of a
 * batch, holding a job's transaction and lease; the other finishes the batch, taking over the dead one's jobs once
 * their leases pass. Every job's effect happens exactly once and every email reaches a real SMTP server exactly once.
 * PostgreSQL only: the embedded engine is one process.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import { enqueueJob } from '../../src/platform/jobs.ts';
import { engines, freshDatabase } from '../support/harness.ts';

const JOBS = 200;
const root = new URL('../..', import.meta.url).pathname;

describe('jobs on two instances (postgres)', { skip: !engines().includes('postgres') }, () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let smtp: SMTPServer;
  const received: string[] = [];
  const children: ChildProcess[] = [];

  before(async () => {
    database = await freshDatabase('postgres');
    await sql`create table job_effect (n integer not null, pid integer not null)`.execute(database.db);
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, callback) {
        let data = '';
        stream.on('data', (c: Buffer) => {
          data += c.toString();
        });
        stream.on('end', () => {
          received.push(data);
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  });

  after(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    await database.close();
  });

  function startInstance(env: Record<string, string> = {}) {
    const port = (smtp.server.address() as { port: number }).port;
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/jobs-worker.ts'], {
      cwd: root,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        SEED_DEMO: 'false',
        DATABASE_URL: database.url!,
        SMTP_URL: `smtp://127.0.0.1:${port}`,
        JOBS_POLL: 'true',
        JOBS_POLL_INTERVAL_MS: '20',
        JOBS_LEASE_SECONDS: '2',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    let out = '';
    const seen = (text: string) =>
      new Promise<string>((resolve, reject) => {
        const check = () => {
          const line = out.split('\n').find((l) => l.startsWith(text));
          if (line) resolve(line);
        };
        child.stdout!.on('data', (c: Buffer) => {
          out += c.toString();
          check();
        });
        child.once('exit', () => reject(new Error(`instance ${child.pid} exited before "${text}"`)));
        check();
      });
    return { child, seen };
  }

  const count = async (query: ReturnType<typeof sql<{ n: number }>>) => (await query.execute(database.db)).rows[0]!.n;

  test('one instance killed mid-batch: the other finishes it, every effect and email exactly once', async (t) => {
    const started = Date.now();
    const a = startInstance({ HOLD_AFTER: String(JOBS / 4) });
    const b = startInstance();
    const aReady = a.seen('ready');
    const bReady = b.seen('ready');
    await Promise.all([aReady, bReady]);
    const aHolds = a.seen('holding');

    await database.db.transaction().execute(async (trx) => {
      for (let n = 1; n <= JOBS; n++) await enqueueJob(trx, 'test.effect', { n });
    });

    const held = Number((await aHolds).split(' ')[1]);
    t.diagnostic(`killed after ${Date.now() - started} ms`);
    a.child.kill('SIGKILL');
    const [, signal] = await once(a.child, 'exit');
    assert.equal(signal, 'SIGKILL');
    const heldJob = await database.db
      .selectFrom('job')
      .select(['state', 'locked_by'])
      .where('kind', '=', 'test.effect')
      .where(sql<boolean>`(payload->>'n')::int = ${held}`)
      .executeTakeFirstOrThrow();
    assert.equal(heldJob.state, 'running', 'the killed instance left its claim behind');
    assert.ok(heldJob.locked_by?.includes(`:${a.child.pid}:`));

    const deadline = Date.now() + 180_000;
    for (;;) {
      const open = await count(sql<{ n: number }>`select count(*)::int as n from job where state <> 'done'`);
      if ((open === 0 && received.length >= JOBS) || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }

    t.diagnostic(`finished after ${Date.now() - started} ms`);
    const effects = (await sql<{ n: number; pid: number }>`select n, pid from job_effect`.execute(database.db)).rows;
    assert.equal(effects.length, JOBS, 'no effect lost or doubled');
    assert.equal(new Set(effects.map((e) => e.n)).size, JOBS);
    assert.ok(
      effects.some((e) => e.pid === a.child.pid),
      'the killed instance had done part of the batch',
    );
    assert.ok(effects.some((e) => e.pid === b.child.pid));
    assert.equal(effects.find((e) => e.n === held)?.pid, b.child.pid, 'the held job was done by the survivor');

    const jobs = await database.db.selectFrom('job').select(['kind', 'state', 'attempts']).execute();
    assert.deepEqual(
      jobs.filter((j) => j.state !== 'done'),
      [],
      'every job done',
    );
    assert.equal(jobs.filter((j) => j.kind === 'test.effect').length, JOBS);
    assert.equal(jobs.filter((j) => j.kind === 'email.send').length, JOBS, 'one email job per effect');

    const subjects = received.map((m) => /Subject: (Job \d+)/.exec(m)?.[1]);
    assert.equal(received.length, JOBS, 'every email reached the SMTP server once');
    assert.equal(new Set(subjects).size, JOBS);
    for (let n = 1; n <= JOBS; n++) assert.ok(subjects.includes(`Job ${n}`), `Job ${n} sent`);
    const unsent = await count(sql<{ n: number }>`select count(*)::int as n from outbox_message where sent_at is null`);
    assert.equal(unsent, 0);

    b.child.kill('SIGTERM');
    await once(b.child, 'exit');
  });
});
