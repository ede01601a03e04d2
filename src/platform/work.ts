import type { Q } from '../db/connection.ts';
import type { WorkItemReach } from '../db/schema.ts';
import type { Actor } from './access.ts';
import { addDays, dueDay, londonToday, type WorkingCalendar } from './calendar.ts';
import { loadWorkingCalendar } from './closures.ts';
import { dueWords } from './deadlines.ts';
import { isServicePath } from './notifications.ts';
import { withinPartnership } from './partnership.ts';
import { findRelationship } from './sharing.ts';

/**
 * The work list: pieces of work assigned to a user or a team, written by a feature in the transaction that makes the
 * work (a request waiting for approval) and completed in the one that does it. An item about a child is shown only
 * to someone who still has a relationship with the child (or, for `reach: 'partnership'`, whose role reaches the
 * child's partnership): deny by default.
 */

export interface AssignWork {
  kind: string;
  /** Short words with no personal data. */
  title: string;
  /** A path within the service, never carrying personal data. */
  href: string;
  sourceType: string;
  sourceId: string;
  personId?: string | null;
  reach?: WorkItemReach;
  /** One item for each user, or one for the team. */
  assignTo: { userIds: string[] } | { teamId: string };
  deadlineId?: string | null;
  dueAt?: Date | null;
  at: Date;
  by: string | null;
}

/** Adds the work in the caller's transaction; an assignee who already has it open is not given it twice. */
export async function assignWork(trx: Q, input: AssignWork): Promise<number> {
  if (!isServicePath(input.href)) throw new Error('Work links within the service');
  const assignees =
    'teamId' in input.assignTo
      ? [{ assigned_user_id: null, assigned_team_id: input.assignTo.teamId }]
      : [...new Set(input.assignTo.userIds)].map((id) => ({ assigned_user_id: id, assigned_team_id: null }));
  let added = 0;
  for (const a of assignees) {
    let existing = trx
      .selectFrom('work_item')
      .select('id')
      .where('source_type', '=', input.sourceType)
      .where('source_id', '=', input.sourceId)
      .where('kind', '=', input.kind)
      .where('status', '=', 'open');
    existing = a.assigned_user_id
      ? existing.where('assigned_user_id', '=', a.assigned_user_id)
      : existing.where('assigned_team_id', '=', a.assigned_team_id);
    if (await existing.executeTakeFirst()) continue;
    await trx
      .insertInto('work_item')
      .values({
        kind: input.kind,
        title: input.title,
        href: input.href,
        source_type: input.sourceType,
        source_id: input.sourceId,
        person_id: input.personId ?? null,
        reach: input.reach ?? 'relationship',
        ...a,
        deadline_id: input.deadlineId ?? null,
        due_at: input.dueAt ?? null,
        created_at: input.at,
        created_by: input.by,
      })
      .execute();
    added++;
  }
  return added;
}

/** Marks the open work a record made done, for everyone it was assigned to. Again is a no-op. */
export async function completeWork(
  trx: Q,
  input: { sourceType: string; sourceId: string; kind?: string; at: Date; by: string | null },
): Promise<number> {
  let q = trx
    .updateTable('work_item')
    .set({ status: 'done', done_at: input.at, done_by: input.by })
    .where('source_type', '=', input.sourceType)
    .where('source_id', '=', input.sourceId)
    .where('status', '=', 'open');
  if (input.kind) q = q.where('kind', '=', input.kind);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/**
 * Moves one user's open work that records made to another user, as a handover does: each item keeps its link, due
 * date and deadline. An item the new assignee already has open is done for the old one instead of given twice.
 */
export async function reassignWork(
  trx: Q,
  input: {
    kind: string;
    sourceType: string;
    sourceIds: string[];
    fromUserId: string;
    toUserId: string;
    at: Date;
    by: string | null;
  },
): Promise<number> {
  if (!input.sourceIds.length || input.fromUserId === input.toUserId) return 0;
  const items = await trx
    .selectFrom('work_item')
    .select(['id', 'source_id'])
    .where('kind', '=', input.kind)
    .where('source_type', '=', input.sourceType)
    .where('source_id', 'in', input.sourceIds)
    .where('assigned_user_id', '=', input.fromUserId)
    .where('status', '=', 'open')
    .execute();
  let moved = 0;
  for (const item of items) {
    const held = await trx
      .selectFrom('work_item')
      .select('id')
      .where('kind', '=', input.kind)
      .where('source_type', '=', input.sourceType)
      .where('source_id', '=', item.source_id)
      .where('assigned_user_id', '=', input.toUserId)
      .where('status', '=', 'open')
      .executeTakeFirst();
    if (held) {
      await trx
        .updateTable('work_item')
        .set({ status: 'done', done_at: input.at, done_by: input.by })
        .where('id', '=', item.id)
        .execute();
    } else {
      await trx.updateTable('work_item').set({ assigned_user_id: input.toUserId }).where('id', '=', item.id).execute();
      moved++;
    }
  }
  return moved;
}

export type DueState = 'overdue' | 'soon' | 'due';

export interface WorkDue {
  at: Date;
  state: DueState;
  /** "due tomorrow", "2 working days overdue". */
  words: string;
  /** "by the end of Tuesday 8 December 2026". */
  by: string;
}

/** A due instant in words at an instant, counting working days. */
export function describeDue(calendar: WorkingCalendar, dueAt: Date, at: Date): WorkDue {
  const day = dueDay(dueAt);
  const today = londonToday(at);
  const by = dueWords(dueAt);
  if (at >= dueAt) {
    const n = Math.max(0, calendar.workingDaysBetween(day, today));
    const words = n === 0 ? 'overdue' : `${n} working day${n === 1 ? '' : 's'} overdue`;
    return { at: dueAt, state: 'overdue', words, by };
  }
  if (day === today) return { at: dueAt, state: 'soon', words: 'due today', by };
  if (day === addDays(today, 1)) return { at: dueAt, state: 'soon', words: 'due tomorrow', by };
  const n = calendar.workingDaysBetween(today, day);
  return { at: dueAt, state: 'due', words: `due in ${n} working day${n === 1 ? '' : 's'}`, by };
}

export interface WorkListItem {
  id: string;
  kind: string;
  title: string;
  href: string;
  personId: string | null;
  assignee: { type: 'user' | 'team'; id: string; name: string; you: boolean };
  due: WorkDue | null;
  createdAt: Date;
}

/** Whether the actor may see an item about a child: a relationship, or for partnership reach the role's reach. */
async function maySee(db: Q, actor: Actor, item: { person_id: string | null; reach: WorkItemReach }, at: Date) {
  if (!item.person_id) return true;
  if (await findRelationship(db, actor, item.person_id, at)) return true;
  return item.reach === 'partnership' && (await withinPartnership(db, actor, item.person_id, at));
}

/**
 * Open work for the actor: assigned to them or a team they belong to (`mine`), or, for a manager, assigned to the
 * teams they manage and those teams' members (`team`). Overdue first, then due soonest, then undated (oldest first).
 */
export async function listWork(db: Q, actor: Actor, at: Date, view: 'mine' | 'team' = 'mine'): Promise<WorkListItem[]> {
  let userIds: string[] = [];
  let teamIds: string[] = [];
  if (view === 'mine') {
    userIds = [actor.userId];
    teamIds = actor.teamIds;
  } else {
    teamIds = actor.managedTeamIds;
    if (!teamIds.length) return [];
    const members = await db.selectFrom('user_team').select('user_id').where('team_id', 'in', teamIds).execute();
    userIds = [...new Set(members.map((m) => m.user_id))];
  }
  if (!userIds.length && !teamIds.length) return [];
  const rows = await db
    .selectFrom('work_item as w')
    .leftJoin('deadline as d', 'd.id', 'w.deadline_id')
    .leftJoin('app_user as u', 'u.id', 'w.assigned_user_id')
    .leftJoin('team as t', 't.id', 'w.assigned_team_id')
    .select([
      'w.id',
      'w.kind',
      'w.title',
      'w.href',
      'w.person_id',
      'w.reach',
      'w.assigned_user_id',
      'w.assigned_team_id',
      'w.due_at',
      'w.created_at',
      'd.due_at as deadline_due_at',
      'd.met_at as deadline_met_at',
      'u.name as user_name',
      't.name as team_name',
    ])
    .where('w.status', '=', 'open')
    .where((eb) =>
      eb.or([
        ...(userIds.length ? [eb('w.assigned_user_id', 'in', userIds)] : []),
        ...(teamIds.length ? [eb('w.assigned_team_id', 'in', teamIds)] : []),
      ]),
    )
    .limit(1000)
    .execute();
  const calendar = await loadWorkingCalendar(db);
  const items: WorkListItem[] = [];
  for (const r of rows) {
    if (!(await maySee(db, actor, r, at))) continue;
    const dueAt = r.deadline_due_at && !r.deadline_met_at ? r.deadline_due_at : r.due_at;
    items.push({
      id: r.id,
      kind: r.kind,
      title: r.title,
      href: r.href,
      personId: r.person_id,
      assignee: r.assigned_user_id
        ? { type: 'user', id: r.assigned_user_id, name: r.user_name ?? '', you: r.assigned_user_id === actor.userId }
        : { type: 'team', id: r.assigned_team_id!, name: r.team_name ?? '', you: false },
      due: dueAt ? describeDue(calendar, dueAt, at) : null,
      createdAt: r.created_at,
    });
  }
  return items.sort(byUrgency);
}

function byUrgency(a: WorkListItem, b: WorkListItem): number {
  if (a.due && b.due) return a.due.at.getTime() - b.due.at.getTime() || a.id.localeCompare(b.id);
  if (a.due) return -1;
  if (b.due) return 1;
  return a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id);
}
