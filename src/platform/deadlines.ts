import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DB, DeadlineTable } from '../db/schema.ts';
import { addDays, dueDay, londonMidnight, londonToday, longDate, type WorkingCalendar } from './calendar.ts';

/**
 * Deadlines as data on the record that owns them. A rule says how the due instant follows from a starting instant
 * (a contact received, a panel meeting held); the deadline keeps the rule's code and words, its due instant, when it
 * turns "at risk", and when and by whom it was met. Working-day deadlines are due by the end of the day in England
 * (midnight at the start of the next day); none falls on a weekend, bank holiday or closure day.
 */
export type DeadlineRule =
  | { code: string; words: string; kind: 'working_days_after'; days: number }
  | { code: string; words: string; kind: 'working_days_before'; days: number }
  | { code: string; words: string; kind: 'working_hours'; hours: number }
  | { code: string; words: string; kind: 'hours_after'; hours: number }
  | { code: string; words: string; kind: 'weeks_after'; weeks: number; atRiskDays: number };

export const DEADLINE_RULES = {
  FRONT_DOOR_DECISION: {
    code: 'FRONT_DOOR_DECISION',
    words: 'Decision within 1 working day of the contact',
    kind: 'working_days_after',
    days: 1,
  },
  FRONT_DOOR_URGENT_DECISION: {
    code: 'FRONT_DOOR_URGENT_DECISION',
    words: 'Urgent: decision at once, within an hour of the contact, in or out of working hours',
    kind: 'hours_after',
    hours: 1,
  },
  PANEL_PAPERS: {
    code: 'PANEL_PAPERS',
    words: 'Papers to the panel administrator 5 working days before the meeting',
    kind: 'working_days_before',
    days: 5,
  },
  PANEL_INVITATION: {
    code: 'PANEL_INVITATION',
    words: 'Referrer invited at least 3 working days before the meeting',
    kind: 'working_days_before',
    days: 3,
  },
  PANEL_DECISION_RECORDED: {
    code: 'PANEL_DECISION_RECORDED',
    words: 'Decision and lead professional recorded within 48 hours of the meeting',
    kind: 'working_hours',
    hours: 48,
  },
  PANEL_DECISION_CIRCULATED: {
    code: 'PANEL_DECISION_CIRCULATED',
    words: 'Written decisions and actions circulated within 4 working days of the meeting',
    kind: 'working_days_after',
    days: 4,
  },
  CONCERN_PRACTITIONERS: {
    code: 'CONCERN_PRACTITIONERS',
    words: 'Practitioners try to resolve a concern between them within 5 working days of it being raised',
    kind: 'working_days_after',
    days: 5,
  },
  CONCERN_LINE_MANAGERS: {
    code: 'CONCERN_LINE_MANAGERS',
    words: 'Line managers respond to a concern within 5 working days of it reaching them',
    kind: 'working_days_after',
    days: 5,
  },
  CONCERN_SAFEGUARDING_LEADS: {
    code: 'CONCERN_SAFEGUARDING_LEADS',
    words: 'Safeguarding leads respond to a concern within 5 working days of it reaching them',
    kind: 'working_days_after',
    days: 5,
  },
  PLAN_REVIEW: {
    code: 'PLAN_REVIEW',
    words:
      'Plan reviewed within the agreed interval (the partnership default: every 6 weeks) of its agreement or last review',
    kind: 'weeks_after',
    weeks: 6,
    atRiskDays: 7,
  },
} as const satisfies Record<string, DeadlineRule>;

/** A plan's review rule with the plan's own interval in weeks. */
export function planReviewRule(weeks: number): DeadlineRule {
  return {
    ...DEADLINE_RULES.PLAN_REVIEW,
    weeks,
    words: `Plan reviewed within ${weeks} weeks of its agreement or last review`,
  };
}

export type Deadline = Selectable<DeadlineTable>;

/** When a rule makes a thing due, and when it turns at risk: at the start of the day it is due (never before it starts). */
export function computeDeadline(
  calendar: WorkingCalendar,
  rule: DeadlineRule,
  start: Date,
): { dueAt: Date; atRiskFrom: Date } {
  let dueAt: Date;
  if (rule.kind === 'hours_after') {
    // Due at once, whatever the day: at risk from the start.
    return { dueAt: new Date(start.getTime() + rule.hours * 3_600_000), atRiskFrom: start };
  }
  if (rule.kind === 'weeks_after') {
    // Due by the end of the day that many weeks on (or the next working day), at risk some days before.
    const due = calendar.addWorkingDays(addDays(londonToday(start), rule.weeks * 7), 0);
    const dueAt = londonMidnight(addDays(due, 1));
    const atRisk = londonMidnight(addDays(due, -rule.atRiskDays));
    return { dueAt, atRiskFrom: atRisk > start ? atRisk : start };
  }
  if (rule.kind === 'working_hours') {
    dueAt = calendar.addWorkingHours(start, rule.hours);
  } else {
    const day = londonToday(start);
    // A contact on a Saturday counts as received on the Monday: "1 working day" is then the end of Tuesday.
    const due =
      rule.kind === 'working_days_after'
        ? calendar.addWorkingDays(calendar.addWorkingDays(day, 0), rule.days)
        : calendar.workingDaysBefore(day, rule.days);
    dueAt = londonMidnight(addDays(due, 1));
  }
  const dayStart = londonMidnight(dueDay(dueAt));
  const atRiskFrom = rule.kind === 'working_days_before' || dayStart > start ? dayStart : start;
  return { dueAt, atRiskFrom: atRiskFrom > dueAt ? dueAt : atRiskFrom };
}

export type DeadlineStatus = 'due' | 'at_risk' | 'overdue' | 'met' | 'met_late';

export function deadlineStatus(d: Pick<Deadline, 'due_at' | 'at_risk_from' | 'met_at'>, at: Date): DeadlineStatus {
  if (d.met_at) return d.met_at <= d.due_at ? 'met' : 'met_late';
  if (at >= d.due_at) return 'overdue';
  if (at >= d.at_risk_from) return 'at_risk';
  return 'due';
}

/** The words and GOV.UK tag colour a work list shows for each status. */
export const STATUS_TAGS: Record<DeadlineStatus, { text: string; classes: string }> = {
  due: { text: 'Due', classes: 'govuk-tag--blue' },
  at_risk: { text: 'Due soon', classes: 'govuk-tag--yellow' },
  overdue: { text: 'Overdue', classes: 'govuk-tag--red' },
  met: { text: 'Met', classes: 'govuk-tag--green' },
  met_late: { text: 'Met late', classes: 'govuk-tag--orange' },
};

const dayWords = { format: (at: Date) => longDate(londonToday(at)) };
const timeWords = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit' });

/** "by the end of Tuesday 8 December 2026", or "by 14:00 on Tuesday 8 December 2026" for an hour-based rule. */
export function dueWords(dueAt: Date): string {
  const day = dueDay(dueAt);
  const on = dayWords.format(londonMidnight(day));
  return londonMidnight(addDays(day, 1)).getTime() === dueAt.getTime()
    ? `by the end of ${on}`
    : `by ${timeWords.format(dueAt)} on ${on}`;
}

/** What a work list shows for a deadline at an instant: a tag, and a sentence with the rule that set it. */
export function describeDeadline(d: Deadline, at: Date) {
  const status = deadlineStatus(d, at);
  const tag = STATUS_TAGS[status];
  const due = dueWords(d.due_at);
  const sentence =
    status === 'met' || status === 'met_late'
      ? `${tag.text}: done at ${timeWords.format(d.met_at!)} on ${dayWords.format(d.met_at!)}, due ${due}`
      : `${tag.text} ${due}`;
  return { status, tag, sentence, rule: d.rule_words };
}

export interface SetDeadline {
  ownerType: string;
  ownerId: string;
  rule: DeadlineRule;
  start: Date;
}

/**
 * Sets the deadline a rule gives a record, in the caller's transaction. Setting it again (a meeting moved) moves
 * it, unless it has been met already.
 */
export async function setDeadline(
  trx: Transaction<DB> | Kysely<DB>,
  calendar: WorkingCalendar,
  input: SetDeadline,
): Promise<Deadline> {
  const { dueAt, atRiskFrom } = computeDeadline(calendar, input.rule, input.start);
  const values = {
    owner_type: input.ownerType,
    owner_id: input.ownerId,
    rule_code: input.rule.code,
    rule_words: input.rule.words,
    started_at: input.start,
    due_at: dueAt,
    at_risk_from: atRiskFrom,
  };
  await trx
    .insertInto('deadline')
    .values(values)
    .onConflict((oc) =>
      oc
        .columns(['owner_type', 'owner_id', 'rule_code'])
        .doUpdateSet({
          rule_words: values.rule_words,
          started_at: input.start,
          due_at: dueAt,
          at_risk_from: atRiskFrom,
        })
        .where('deadline.met_at', 'is', null),
    )
    .execute();
  return (await findDeadline(trx, input.ownerType, input.ownerId, input.rule.code))!;
}

/** Marks a deadline met; meeting it again is a no-op that keeps the first time. Returns whether it changed. */
export async function markDeadlineMet(
  trx: Transaction<DB> | Kysely<DB>,
  input: { ownerType: string; ownerId: string; ruleCode: string; at: Date; by: string | null },
): Promise<boolean> {
  const result = await trx
    .updateTable('deadline')
    .set({ met_at: input.at, met_by: input.by })
    .where('owner_type', '=', input.ownerType)
    .where('owner_id', '=', input.ownerId)
    .where('rule_code', '=', input.ruleCode)
    .where('met_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function findDeadline(
  db: Transaction<DB> | Kysely<DB>,
  ownerType: string,
  ownerId: string,
  ruleCode: string,
): Promise<Deadline | undefined> {
  return db
    .selectFrom('deadline')
    .selectAll()
    .where('owner_type', '=', ownerType)
    .where('owner_id', '=', ownerId)
    .where('rule_code', '=', ruleCode)
    .executeTakeFirst();
}

/** A record's deadlines, soonest first. */
export async function deadlinesFor(
  db: Transaction<DB> | Kysely<DB>,
  ownerType: string,
  ownerId: string,
): Promise<Deadline[]> {
  return db
    .selectFrom('deadline')
    .selectAll()
    .where('owner_type', '=', ownerType)
    .where('owner_id', '=', ownerId)
    .orderBy('due_at')
    .orderBy('rule_code')
    .execute();
}

/**
 * Closes a record's open deadlines as no longer needed (a request withdrawn before its meeting): they are removed,
 * so no work list or page shows them due or overdue; met ones stay as the record of what was done. Returns the
 * rule codes closed.
 */
export async function closeDeadlines(
  trx: Transaction<DB> | Kysely<DB>,
  ownerType: string,
  ownerId: string,
): Promise<string[]> {
  const rows = await trx
    .deleteFrom('deadline')
    .where('owner_type', '=', ownerType)
    .where('owner_id', '=', ownerId)
    .where('met_at', 'is', null)
    .returning('rule_code')
    .execute();
  return rows.map((r) => r.rule_code).sort();
}
