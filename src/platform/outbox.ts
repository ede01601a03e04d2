import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Mailer, MailMessage } from './mailer.ts';

/**
 * The transactional outbox: a notification is written in the same transaction as the change that
 * causes it, and a worker delivers it afterwards, retrying with back-off, so none is lost.
 */
export async function enqueueEmail(trx: Transaction<DB> | Kysely<DB>, message: MailMessage, at?: Date) {
  await trx
    .insertInto('outbox_message')
    .values({ kind: 'email', payload: JSON.stringify(message), ...(at ? { available_at: at } : {}) })
    .execute();
}

export async function deliverPending(db: Kysely<DB>, mailer: Mailer, now = new Date(), limit = 20): Promise<number> {
  if (!mailer.enabled) return 0;
  const due = await db
    .selectFrom('outbox_message')
    .selectAll()
    .where('sent_at', 'is', null)
    .where('available_at', '<=', now)
    .where('attempts', '<', 10)
    .orderBy('available_at')
    .limit(limit)
    .execute();
  let sent = 0;
  for (const message of due) {
    try {
      if (message.kind === 'email') await mailer.send(message.payload as unknown as MailMessage);
      await db
        .updateTable('outbox_message')
        .set({ sent_at: now, last_error: null })
        .where('id', '=', message.id)
        .execute();
      sent++;
    } catch (err) {
      const delaySeconds = 30 * 2 ** message.attempts;
      await db
        .updateTable('outbox_message')
        .set({
          attempts: sql`attempts + 1`,
          last_error: err instanceof Error ? err.message.slice(0, 500) : 'unknown error',
          available_at: new Date(now.getTime() + delaySeconds * 1000),
        })
        .where('id', '=', message.id)
        .execute();
    }
  }
  return sent;
}

export function startOutboxWorker(
  db: Kysely<DB>,
  mailer: Mailer,
  log: { error: (obj: object, msg: string) => void },
  intervalMs = 5000,
) {
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      await deliverPending(db, mailer);
    } catch (err) {
      log.error({ err: { message: (err as Error).message } }, 'outbox delivery failed');
    } finally {
      running = false;
    }
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
