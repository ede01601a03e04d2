import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { systemClock } from './clock.ts';
import { enqueueJob, JobRunner } from './jobs.ts';
import type { Mailer, MailMessage } from './mailer.ts';

/**
 * The transactional outbox: a notification is written in the same transaction as the change that causes it, with
 * an `email.send` job that delivers it afterwards (src/platform/jobs.ts), retrying with back-off, so none is lost.
 * `outbox_message` stays the record of each message and when it was sent.
 */
export const EMAIL_JOB = 'email.send';
export const EMAIL_MAX_ATTEMPTS = 10;

export async function enqueueEmail(trx: Transaction<DB> | Kysely<DB>, message: MailMessage, at?: Date) {
  const { id } = await trx
    .insertInto('outbox_message')
    .values({ kind: 'email', payload: JSON.stringify(message), ...(at ? { available_at: at } : {}) })
    .returning('id')
    .executeTakeFirstOrThrow();
  await enqueueJob(
    trx,
    EMAIL_JOB,
    { messageId: id },
    { dedupeKey: `email:${id}`, maxAttempts: EMAIL_MAX_ATTEMPTS, ...(at ? { runAt: at } : {}) },
  );
}

/**
 * Registers the email job. The message row is locked and marked sent in the job's transaction, so two workers never
 * send it at once and a sent message is never sent again by a job. The one window left is a worker that stops
 * between the SMTP server accepting the message and the commit: the message is then sent again after the lease,
 * with the same Message-ID, by which receiving systems drop duplicates.
 */
export function registerEmailJob(runner: JobRunner, mailer: Mailer, messageIdDomain = 'early-help.invalid') {
  runner.register<{ messageId: string }>(EMAIL_JOB, async ({ trx, payload, now }) => {
    const message = await trx
      .selectFrom('outbox_message')
      .select(['id', 'payload', 'sent_at'])
      .where('id', '=', payload.messageId)
      .forUpdate()
      .executeTakeFirst();
    if (!message || message.sent_at) return;
    await mailer.send({
      ...(message.payload as unknown as MailMessage),
      messageId: `<${message.id}@${messageIdDomain}>`,
    });
    await trx
      .updateTable('outbox_message')
      .set({ sent_at: now, attempts: sql`attempts + 1`, last_error: null })
      .where('id', '=', message.id)
      .execute();
  });
}

/**
 * Delivers the email jobs due at `now` and returns how many messages went. A convenience for tests and scripts; the
 * app's own runner (`app.jobs`) delivers mail as it runs.
 */
export async function deliverPending(db: Kysely<DB>, mailer: Mailer, now = new Date(), limit = 20): Promise<number> {
  if (!mailer.enabled) return 0;
  const runner = new JobRunner(db, systemClock);
  registerEmailJob(runner, mailer);
  return (await runner.runDue(now, limit)).done;
}
