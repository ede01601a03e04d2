import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { Q } from '../db/connection.ts';
import type { DB, JobState, JobTable } from '../db/schema.ts';
import { londonNow } from './calendar.ts';
import type { Clock } from './clock.ts';

/**
 * Durable jobs kept in the database (docs/decisions/0011-durable-jobs-in-the-database.md).
 *
 * - `enqueueJob` writes a job in the caller's transaction, so the job exists exactly when the change that asked for
 *   it committed.
 * - A `JobRunner` claims due jobs with `FOR UPDATE SKIP LOCKED` and a lease, in a short transaction of its own, then
 *   runs each handler inside the transaction that marks the job done: a handler's database effects happen once.
 *   A handler with an effect outside the database (email) must be idempotent or record that effect in that
 *   transaction. A job whose worker died is claimed again when its lease has passed.
 * - A failure is retried with exponential back-off; after `max_attempts` the job is `failed` and shown to
 *   administrators on /admin/jobs, where it can be tried again.
 */

export type Job = Selectable<JobTable>;

export interface EnqueueOptions {
  /** When the job may run; now (the database's clock) when not given. */
  runAt?: Date;
  /** A job with a key is enqueued once: a second enqueue with the same key is a no-op. */
  dedupeKey?: string;
  maxAttempts?: number;
}

/**
 * Adds a job. Returns its id, or undefined when a job with the same dedupe key already exists. Call it with the
 * feature's transaction so the job is rolled back with the change.
 */
export async function enqueueJob(
  q: Q,
  kind: string,
  payload: Record<string, unknown>,
  options: EnqueueOptions = {},
): Promise<string | undefined> {
  const row = await q
    .insertInto('job')
    .values({
      kind,
      payload: JSON.stringify(payload),
      ...(options.runAt ? { run_at: options.runAt } : {}),
      ...(options.maxAttempts ? { max_attempts: options.maxAttempts } : {}),
      ...(options.dedupeKey ? { dedupe_key: options.dedupeKey } : {}),
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

export interface JobContext<P> {
  /** The transaction that marks the job done: commit it and both happen; throw and neither does. */
  trx: Transaction<DB>;
  payload: P;
  /** The runner's "now" for this batch (the app's clock). */
  now: Date;
  /** 1 on the first try. */
  attempt: number;
  jobId: string;
}

export type JobHandler<P> = (job: JobContext<P>) => Promise<void>;

export interface RunnerOptions {
  /** How long a claimed job is held for its worker before another may take it. */
  leaseSeconds?: number;
  /** The delay before the first retry; each further retry waits twice as long, up to `maxBackoffSeconds`. */
  backoffSeconds?: number;
  maxBackoffSeconds?: number;
  /** How many due jobs a worker claims at once. */
  batchSize?: number;
  /** How often `start()` looks for due jobs when the last look found none. */
  pollIntervalMs?: number;
  log?: { error: (obj: object, msg: string) => void };
}

export interface RunResult {
  done: number;
  retried: number;
  failed: number;
  /** Jobs this worker had claimed but found taken over by another (its lease had passed). */
  lost: number;
}

interface Daily {
  kind: string;
  time: string;
  lastDate?: string;
}

/** A message for the failed-jobs page and the logs: the error's words, with anything that may be personal hidden. */
export function safeErrorMessage(err: unknown): string {
  const name = err instanceof Error ? err.name : 'Error';
  const message = err instanceof Error ? err.message : typeof err === 'string' ? err : 'unknown error';
  const cleaned = message
    .replace(/[\p{Cc}]+/gu, ' ')
    .replace(/[^\s@<>()"',;:]+@[^\s@<>()"',;:]+/g, '[email address]')
    .replace(/"[^"]*"|'[^']*'|‘[^’]*’|“[^”]*”/g, '[…]')
    .replace(/\([^()]*\)=\([^()]*\)/g, '[…]')
    .replace(/\d[\d\s-]{5,}\d/g, '[number]')
    .trim();
  return `${name}: ${cleaned}`.slice(0, 500);
}

export function backoffSeconds(attempt: number, base: number, max: number): number {
  return Math.min(max, base * 2 ** Math.max(0, attempt - 1));
}

export class JobRunner {
  readonly workerId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly handlers = new Map<string, JobHandler<unknown>>();
  private readonly dailies: Daily[] = [];
  private readonly lease: number;
  private readonly backoff: number;
  private readonly maxBackoff: number;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly options: RunnerOptions = {},
  ) {
    this.lease = options.leaseSeconds ?? 300;
    this.backoff = options.backoffSeconds ?? 30;
    this.maxBackoff = options.maxBackoffSeconds ?? 3600;
    this.batchSize = options.batchSize ?? 10;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
  }

  /** The handler for a kind of job. Only kinds with a handler here are claimed by this runner. */
  register<P>(kind: string, handler: JobHandler<P>): this {
    if (this.handlers.has(kind)) throw new Error(`A handler for ${kind} jobs is already registered`);
    this.handlers.set(kind, handler as JobHandler<unknown>);
    return this;
  }

  get kinds(): string[] {
    return [...this.handlers.keys()];
  }

  /**
   * A job of `kind` once a day at or after `time` ("HH:MM") in London, with `{ date }` (the London date) as its
   * payload. Its dedupe key is the kind and the date, so however many instances run, each day's job exists once.
   */
  daily(kind: string, time: string): this {
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) throw new RangeError(`Not a time: ${time}`);
    this.dailies.push({ kind, time });
    return this;
  }

  /** Enqueues the daily jobs that are due and not yet enqueued for today. */
  async scheduleDue(now: Date): Promise<void> {
    const { today, time } = londonNow(now);
    for (const d of this.dailies) {
      if (d.lastDate === today || time < d.time) continue;
      await enqueueJob(this.db, d.kind, { date: today }, { dedupeKey: dailyKey(d.kind, today), runAt: now });
      d.lastDate = today;
    }
  }

  /** Claims and runs due jobs until none is left (or `maxJobs` have run). Tests call this with the test clock. */
  async runDue(now: Date = this.clock.now(), maxJobs = Number.POSITIVE_INFINITY): Promise<RunResult> {
    const result: RunResult = { done: 0, retried: 0, failed: 0, lost: 0 };
    await this.scheduleDue(now);
    await this.failAbandoned(now);
    let handled = 0;
    while (handled < maxJobs) {
      const claimed = await this.claim(now, Math.min(this.batchSize, maxJobs - handled));
      if (claimed.length === 0) break;
      for (const job of claimed) {
        const outcome = await this.runOne(job, now);
        result[outcome]++;
        handled++;
      }
    }
    return result;
  }

  /**
   * A job whose worker died on its last allowed attempt (its lease passed while running) is failed, not run again:
   * a job that kills its worker is not tried for ever.
   */
  private async failAbandoned(now: Date) {
    const kinds = this.kinds;
    if (kinds.length === 0) return;
    await this.db
      .updateTable('job')
      .set({
        state: 'failed',
        locked_by: null,
        locked_until: null,
        finished_at: now,
        last_error: 'The worker running it stopped before it finished, on its last attempt',
      })
      .where('state', '=', 'running')
      .where('locked_until', '<', now)
      .where('kind', 'in', kinds)
      .where(sql<boolean>`attempts >= max_attempts`)
      .execute();
  }

  /** Takes a lease on up to `limit` due jobs of the kinds this runner handles, in a transaction of its own. */
  private async claim(now: Date, limit: number): Promise<Job[]> {
    const kinds = this.kinds;
    if (kinds.length === 0) return [];
    const until = new Date(now.getTime() + this.lease * 1000);
    const due = this.db
      .selectFrom('job')
      .select('id')
      .where('kind', 'in', kinds)
      .where((eb) =>
        eb.or([
          eb.and([eb('state', '=', 'queued'), eb('run_at', '<=', now)]),
          eb.and([eb('state', '=', 'running'), eb('locked_until', '<', now)]),
        ]),
      )
      .orderBy('run_at')
      .orderBy('id')
      .limit(limit)
      .forUpdate()
      .skipLocked();
    const rows = await this.db
      .updateTable('job')
      .set({
        state: 'running',
        attempts: sql`attempts + 1`,
        locked_by: this.workerId,
        locked_until: until,
      })
      .where('id', 'in', due)
      .returningAll()
      .execute();
    return rows.sort((a, b) => a.run_at.getTime() - b.run_at.getTime() || (a.id < b.id ? -1 : 1));
  }

  private async runOne(job: Job, now: Date): Promise<keyof RunResult> {
    const handler = this.handlers.get(job.kind)!;
    let lost = false;
    try {
      await this.db.transaction().execute(async (trx) => {
        // Still ours? Another worker may have taken it after the lease passed; the row lock keeps it ours from here.
        const mine = await trx
          .selectFrom('job')
          .select('id')
          .where('id', '=', job.id)
          .where('state', '=', 'running')
          .where('locked_by', '=', this.workerId)
          .forUpdate()
          .executeTakeFirst();
        if (!mine) {
          lost = true;
          return;
        }
        await handler({ trx, payload: job.payload, now, attempt: job.attempts, jobId: job.id });
        await trx
          .updateTable('job')
          .set({ state: 'done', finished_at: now, locked_by: null, locked_until: null, last_error: null })
          .where('id', '=', job.id)
          .execute();
      });
      return lost ? 'lost' : 'done';
    } catch (err) {
      const message = safeErrorMessage(err);
      const failed = job.attempts >= job.max_attempts;
      const updated = await this.db
        .updateTable('job')
        .set({
          state: failed ? 'failed' : 'queued',
          locked_by: null,
          locked_until: null,
          last_error: message,
          ...(failed
            ? { finished_at: now }
            : { run_at: new Date(now.getTime() + backoffSeconds(job.attempts, this.backoff, this.maxBackoff) * 1000) }),
        })
        .where('id', '=', job.id)
        .where('locked_by', '=', this.workerId)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) return 'lost';
      this.options.log?.error(
        { job: { id: job.id, kind: job.kind, attempt: job.attempts }, err: { message } },
        failed ? 'job failed after its last attempt' : 'job failed; it will be tried again',
      );
      return failed ? 'failed' : 'retried';
    }
  }

  /** Polls for due jobs until `stop()`: straight on while there is work, every `pollIntervalMs` when there is none. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = async () => {
      if (this.stopped) return;
      let worked = false;
      try {
        const r = await this.runDue(this.clock.now(), this.batchSize);
        worked = r.done + r.retried + r.failed + r.lost > 0;
      } catch (err) {
        this.options.log?.error({ err: { message: safeErrorMessage(err) } }, 'job polling failed');
      }
      if (!this.stopped) {
        this.timer = setTimeout(
          () => {
            this.running = tick();
          },
          worked ? 0 : this.pollIntervalMs,
        );
        this.timer.unref();
      }
    };
    this.running = tick();
  }

  /** Stops polling and waits for the batch in hand to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}

export function dailyKey(kind: string, londonDate: string): string {
  return `${kind}:${londonDate}`;
}

export interface JobCounts {
  queued: number;
  running: number;
  done: number;
  failed: number;
}

export async function countJobs(db: Q): Promise<JobCounts> {
  const rows = await db
    .selectFrom('job')
    .select(['state', sql<number>`count(*)::int`.as('n')])
    .groupBy('state')
    .execute();
  const counts: JobCounts = { queued: 0, running: 0, done: 0, failed: 0 };
  for (const r of rows) counts[r.state as JobState] = Number(r.n);
  return counts;
}

/** Failed jobs, newest first. */
export async function listFailedJobs(db: Q, limit = 100) {
  return db
    .selectFrom('job')
    .select(['id', 'kind', 'attempts', 'max_attempts', 'last_error', 'created_at', 'finished_at'])
    .where('state', '=', 'failed')
    .orderBy('finished_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Queues a failed job again with all its attempts. Returns false when it is not (or no longer) failed. */
export async function retryFailedJob(trx: Q, id: string, now: Date): Promise<Pick<Job, 'id' | 'kind'> | undefined> {
  return trx
    .updateTable('job')
    .set({ state: 'queued', attempts: 0, run_at: now, finished_at: null, locked_by: null, locked_until: null })
    .where('id', '=', id)
    .where('state', '=', 'failed')
    .returning(['id', 'kind'])
    .executeTakeFirst();
}

/** Finished jobs older than `days` are removed (the daily `jobs.purge` job); failed ones stay until dealt with. */
export async function purgeFinishedJobs(q: Q, now: Date, days = 30): Promise<number> {
  const r = await q
    .deleteFrom('job')
    .where('state', '=', 'done')
    .where('finished_at', '<', new Date(now.getTime() - days * 86_400_000))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
