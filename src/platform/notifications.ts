import type { Kysely, Transaction } from 'kysely';
import type { Q } from '../db/connection.ts';
import type { DB, NotificationEmail, Role } from '../db/schema.ts';
import { londonToday } from './calendar.ts';
import { enqueueEmail } from './outbox.ts';

/**
 * In-app notifications. A feature calls `notify` in the transaction of the change that causes it, so a notification
 * exists exactly when its cause does. The title says what happened in words the recipient may see (never a child's
 * name or case detail); the link goes to the record, whose own checks decide what the recipient sees there. Each
 * user hears of new notifications by email at once or in one daily digest; the email says only that there is
 * something to look at, with a link to the notifications page.
 */

/** Where emails link to: the service's public address, set once when the app is built. */
let emailBaseUrl = '';
export function setNotificationBaseUrl(baseUrl: string) {
  emailBaseUrl = baseUrl.replace(/\/$/, '');
}

export const NOTIFICATION_EMAIL_WORDS: Record<NotificationEmail, string> = {
  immediate: 'An email each time',
  daily: 'One email a day',
};

/** The one email a notification may send: nothing about what happened or to whom. */
export function notificationEmail(to: string, count: number, baseUrl = emailBaseUrl) {
  const link = `${baseUrl}/notifications`;
  return {
    to,
    subject: 'Early Help Hub: you have a new notification',
    text:
      count === 1
        ? `There is something new for you to look at in Early Help Hub. Sign in to see it: ${link}`
        : `There are ${count} new things for you to look at in Early Help Hub. Sign in to see them: ${link}`,
  };
}

/** A path within the service: one slash, never two or a backslash (which browsers read as another site). */
export function isServicePath(href: string): boolean {
  return /^\/(?![/\\])/.test(href);
}

export interface NotifyInput {
  userIds: Iterable<string>;
  /** What happened, as a code: 'consent.withdrawn', 'sharing.named', 'person.break-glass', 'person.merged'. */
  kind: string;
  /** Short words with no personal data beyond what every recipient may see. */
  title: string;
  /** A path within the service, never carrying personal data. */
  href: string;
  recordType?: string;
  recordId?: string;
  at: Date;
  /** Who caused it: never told of their own action. */
  except?: string | null;
}

/**
 * Notifies each user (active people only, never service accounts or the person who acted), in the caller's
 * transaction, and emails those who want to hear at once. Returns the users notified.
 */
export async function notify(trx: Q, input: NotifyInput): Promise<string[]> {
  if (!isServicePath(input.href)) throw new Error('A notification links within the service');
  const ids = [...new Set(input.userIds)].filter((id) => id !== input.except);
  if (!ids.length) return [];
  const users = await trx
    .selectFrom('app_user')
    .select(['id', 'email', 'notification_email'])
    .where('id', 'in', ids)
    .where('disabled_at', 'is', null)
    .where('kind', '=', 'person')
    .orderBy('id')
    .execute();
  for (const user of users) {
    const immediate = user.notification_email === 'immediate';
    await trx
      .insertInto('notification')
      .values({
        user_id: user.id,
        kind: input.kind,
        title: input.title,
        href: input.href,
        record_type: input.recordType ?? null,
        record_id: input.recordId ?? null,
        created_at: input.at,
        emailed_at: immediate ? input.at : null,
      })
      .execute();
    if (immediate) await enqueueEmail(trx, notificationEmail(user.email, 1));
  }
  return users.map((u) => u.id);
}

/**
 * The users working with any of these people now: named on a current involvement, or members of a team on one.
 * With `covers`, only involvements it accepts (an organisation a consent covered, say).
 */
export async function usersWorkingWith(
  db: Q,
  personIds: string[],
  at: Date,
  covers?: (involvement: { organisation_id: string; agency_type: string }) => boolean,
): Promise<string[]> {
  if (!personIds.length) return [];
  const today = londonToday(at);
  const rows = await db
    .selectFrom('involvement as i')
    .innerJoin('organisation as o', 'o.id', 'i.organisation_id')
    .select(['i.user_id', 'i.team_id', 'i.organisation_id', 'o.agency_type'])
    .where('i.person_id', 'in', personIds)
    .where('i.started_on', '<=', today)
    .where((eb) => eb.or([eb('i.ended_on', 'is', null), eb('i.ended_on', '>=', today)]))
    .execute();
  const kept = covers ? rows.filter((r) => covers(r)) : rows;
  const users = new Set(kept.flatMap((r) => (r.user_id ? [r.user_id] : [])));
  const teams = [...new Set(kept.flatMap((r) => (r.team_id ? [r.team_id] : [])))];
  if (teams.length) {
    for (const m of await db.selectFrom('user_team').select('user_id').where('team_id', 'in', teams).execute()) {
      users.add(m.user_id);
    }
  }
  return [...users];
}

/** The active people of an organisation who hold one of the roles. */
export async function usersOfOrganisation(db: Q, organisationId: string, roles: readonly Role[]): Promise<string[]> {
  const rows = await db
    .selectFrom('app_user as u')
    .innerJoin('user_role as r', 'r.user_id', 'u.id')
    .select('u.id')
    .distinct()
    .where('u.organisation_id', '=', organisationId)
    .where('u.disabled_at', 'is', null)
    .where('u.kind', '=', 'person')
    .where('r.role', 'in', [...roles])
    .execute();
  return rows.map((r) => r.id);
}

export interface NotificationRow {
  id: string;
  kind: string;
  title: string;
  href: string;
  created_at: Date;
  read_at: Date | null;
}

/** A user's notifications, newest first. */
export async function listNotifications(db: Q, userId: string, limit = 200): Promise<NotificationRow[]> {
  return db
    .selectFrom('notification')
    .select(['id', 'kind', 'title', 'href', 'created_at', 'read_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function unreadCount(db: Q, userId: string): Promise<number> {
  const row = await db
    .selectFrom('notification')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Marks one of the user's notifications read (again is a no-op) and returns where it leads; another's is not found. */
export async function openNotification(db: Q, userId: string, id: string, at: Date): Promise<string | null> {
  const row = await db
    .selectFrom('notification')
    .select(['href', 'read_at'])
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!row) return null;
  if (!row.read_at) await db.updateTable('notification').set({ read_at: at }).where('id', '=', id).execute();
  return row.href;
}

export async function markAllRead(db: Q, userId: string, at: Date): Promise<number> {
  const r = await db
    .updateTable('notification')
    .set({ read_at: at })
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function emailPreference(db: Q, userId: string): Promise<NotificationEmail> {
  const row = await db
    .selectFrom('app_user')
    .select('notification_email')
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  return row.notification_email;
}

export async function setEmailPreference(db: Q, userId: string, choice: NotificationEmail, at: Date): Promise<boolean> {
  const r = await db
    .updateTable('app_user')
    .set({ notification_email: choice, updated_at: at })
    .where('id', '=', userId)
    .where('notification_email', '<>', choice)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * One email a day to each user who wants a digest and has unread notifications no email has told them of: the count
 * and a link, nothing more (what they have already read in the service is not emailed). Recorded per user per London
 * date, so running it twice on a day sends nothing more; each user is handled in their own transaction. Returns how
 * many emails were queued.
 */
export async function sendDailyDigests(db: Kysely<DB>, now: Date, baseUrl = emailBaseUrl): Promise<number> {
  let sent = 0;
  for (const id of await digestsDue(db, now)) {
    if (await db.transaction().execute((trx) => sendDigest(trx, id, now, baseUrl))) sent++;
  }
  return sent;
}

/** The same, inside one transaction (the daily `notifications.digest` job's). */
export async function sendDailyDigestsIn(trx: Transaction<DB>, now: Date, baseUrl = emailBaseUrl): Promise<number> {
  let sent = 0;
  for (const id of await digestsDue(trx, now)) if (await sendDigest(trx, id, now, baseUrl)) sent++;
  return sent;
}

async function digestsDue(db: Kysely<DB> | Transaction<DB>, now: Date): Promise<string[]> {
  const due = await db
    .selectFrom('notification as n')
    .innerJoin('app_user as u', 'u.id', 'n.user_id')
    .select('u.id')
    .where('u.notification_email', '=', 'daily')
    .where('u.disabled_at', 'is', null)
    .where('n.emailed_at', 'is', null)
    .where('n.read_at', 'is', null)
    .where('n.created_at', '<=', now)
    .groupBy('u.id')
    .execute();
  return due.map((d) => d.id);
}

/** One user's digest for the London day, at most once (recorded in `notification_digest`). */
async function sendDigest(trx: Transaction<DB>, id: string, now: Date, baseUrl: string): Promise<boolean> {
  const day = londonToday(now);
  const claimed = await trx
    .insertInto('notification_digest')
    .values({ user_id: id, london_date: day, sent_at: now, notification_count: 0 })
    .onConflict((oc) => oc.columns(['user_id', 'london_date']).doNothing())
    .returning('user_id')
    .executeTakeFirst();
  if (!claimed) return false;
  const marked = await trx
    .updateTable('notification')
    .set({ emailed_at: now })
    .where('user_id', '=', id)
    .where('emailed_at', 'is', null)
    .where('created_at', '<=', now)
    .returning(['id', 'read_at'])
    .execute();
  const unread = marked.filter((n) => !n.read_at).length;
  if (!unread) return false;
  await trx
    .updateTable('notification_digest')
    .set({ notification_count: unread })
    .where('user_id', '=', id)
    .where('london_date', '=', day)
    .execute();
  const user = await trx.selectFrom('app_user').select('email').where('id', '=', id).executeTakeFirstOrThrow();
  await enqueueEmail(trx, notificationEmail(user.email, unread, baseUrl));
  return true;
}
