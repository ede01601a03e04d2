/**
 * The panel dashboard (docs/decisions/0038): for one panel, and side by side for every panel a chair or
 * administrator sits on, over a period — the meetings coming up and their slots, the cases waiting, how the four
 * deadlines of seed 003 were kept, the outcomes and recommendations, and the needs brought to the panels by month,
 * so commissioners see where more resources are needed. Counts only: no child is named, and a case is known by its
 * reference (the request id's first eight characters), as on the agenda.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB, PanelOutcome } from '../../db/schema.ts';
import { PANEL_OUTCOMES } from '../../db/schema.ts';
import { hasRole } from '../../platform/access.ts';
import { recordAudit } from '../../platform/audit.ts';
import { addDays, londonMidnight, londonToday, longDate } from '../../platform/calendar.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { DEADLINE_RULES } from '../../platform/deadlines.ts';
import { ForbiddenError, NotFoundError } from '../../platform/errors.ts';
import { Refusal, runRefusable } from '../../platform/refusals.ts';
import { needAreaName } from '../threshold/guidance.ts';
import { allGuidance } from '../threshold/repository.ts';
import { OUTCOME_WORDS } from './record.ts';
import { addMonths, capacity } from './schedule.ts';
import { current } from './service.ts';

type Q = Kysely<DB> | Transaction<DB>;

/** The seats that open a panel's dashboard: those who run the panel. */
export const DASHBOARD_SEATS = ['chair', 'deputy_chair', 'administrator'] as const;

/** The four deadlines of seed 003, in the order a case meets them. */
export const COMPLIANCE_RULES = [
  DEADLINE_RULES.PANEL_PAPERS,
  DEADLINE_RULES.PANEL_INVITATION,
  DEADLINE_RULES.PANEL_DECISION_RECORDED,
  DEADLINE_RULES.PANEL_DECISION_CIRCULATED,
] as const;
export type ComplianceRuleCode = (typeof COMPLIANCE_RULES)[number]['code'];

/** Where each rule's deadline row hangs: the decision clock on the meeting, the others on the case. */
const MEETING_RULES: string[] = [DEADLINE_RULES.PANEL_DECISION_RECORDED.code];
const REQUEST_RULES: string[] = [
  DEADLINE_RULES.PANEL_PAPERS.code,
  DEADLINE_RULES.PANEL_INVITATION.code,
  DEADLINE_RULES.PANEL_DECISION_CIRCULATED.code,
];

export interface Period {
  from: string;
  to: string;
}

/** The default period: the last 6 months up to today. */
export function defaultPeriod(today: string): Period {
  return { from: addDays(addMonths(today, -6), 1), to: today };
}

/** Deadline rows counted for one panel and rule: due in the period, and how each was kept. */
export interface ComplianceCount {
  panelId: string;
  rule: string;
  due: number;
  onTime: number;
  late: number;
  missed: number;
}

export interface ComplianceRow {
  rule: string;
  words: string;
  due: number;
  onTime: number;
  late: number;
  missed: number;
  /** Due in the period but not yet: neither met nor missed. */
  notYetDue: number;
  /** Percentages of those that have fallen due (met, or missed); null when none has. */
  onTimePercent: number | null;
  latePercent: number | null;
  missedPercent: number | null;
}

const percent = (n: number, of: number) => (of ? Math.round((n / of) * 100) : null);

/**
 * The compliance table from the counted rows: one row per rule in seed 003's order, the counts of the panels given
 * added together. A deadline met (on time or late) or missed has fallen due; the percentages are of those.
 */
export function complianceTable(counts: ComplianceCount[], panelIds?: string[]): ComplianceRow[] {
  return COMPLIANCE_RULES.map((rule) => {
    const mine = counts.filter((c) => c.rule === rule.code && (!panelIds || panelIds.includes(c.panelId)));
    const sum = (k: 'due' | 'onTime' | 'late' | 'missed') => mine.reduce((n, c) => n + c[k], 0);
    const due = sum('due');
    const onTime = sum('onTime');
    const late = sum('late');
    const missed = sum('missed');
    const fallen = onTime + late + missed;
    return {
      rule: rule.code,
      words: rule.words,
      due,
      onTime,
      late,
      missed,
      notYetDue: due - fallen,
      onTimePercent: percent(onTime, fallen),
      latePercent: percent(late, fallen),
      missedPercent: percent(missed, fallen),
    };
  });
}

/**
 * The deadlines of the four rules due in the period, counted per panel and rule: one query for the rule on the
 * meeting, one for the rules on the case, never one per case. "Missed" is still open at `at` and past due.
 */
export async function complianceCounts(
  db: Q,
  panelIds: string[],
  period: Period,
  at: Date,
): Promise<ComplianceCount[]> {
  if (!panelIds.length) return [];
  const from = londonMidnight(period.from);
  const to = londonMidnight(addDays(period.to, 1));
  const counts = async (owner: 'panel_meeting' | 'panel_request', rules: string[]) => {
    const result = await sql<{
      panel_id: string;
      rule_code: string;
      due: string;
      on_time: string;
      late: string;
      missed: string;
    }>`select o.panel_id, d.rule_code,
        count(*) as due,
        count(*) filter (where d.met_at is not null and d.met_at <= d.due_at) as on_time,
        count(*) filter (where d.met_at is not null and d.met_at > d.due_at) as late,
        count(*) filter (where d.met_at is null and d.due_at <= ${at}) as missed
      from deadline d join ${sql.table(owner)} o on o.id = d.owner_id
      where d.owner_type = ${owner}
        and d.rule_code in (${sql.join(rules)})
        and o.panel_id in (${sql.join(panelIds)})
        and d.due_at >= ${from} and d.due_at < ${to}
      group by o.panel_id, d.rule_code`.execute(db);
    return result.rows;
  };
  const rows = [...(await counts('panel_meeting', MEETING_RULES)), ...(await counts('panel_request', REQUEST_RULES))];
  return rows.map((r) => ({
    panelId: r.panel_id,
    rule: r.rule_code,
    due: Number(r.due),
    onTime: Number(r.on_time),
    late: Number(r.late),
    missed: Number(r.missed),
  }));
}

/** The panels in the dashboard: every one for the partnership-wide role, else those the user runs today. */
export async function dashboardPanels(db: Q, ctx: RequestContext) {
  const actor = ctx.actor;
  if (!actor) throw new ForbiddenError();
  const all = await db.selectFrom('panel').select(['id', 'name', 'area_id', 'slot_minutes']).orderBy('name').execute();
  if (hasRole(actor, 'integrated_processes')) return all;
  const seats = await db
    .selectFrom('panel_member')
    .select(['panel_id', 'role', 'from_date', 'to_date'])
    .where('user_id', '=', actor.userId)
    .where('role', 'in', [...DASHBOARD_SEATS])
    .execute();
  const mine = new Set(current(seats, londonToday(ctx.at)).map((s) => s.panel_id));
  return all.filter((p) => mine.has(p.id));
}

/** Scheduled meetings from today, with the slots taken and the capacity. */
async function upcomingMeetings(db: Q, panels: { id: string; name: string; slot_minutes: number }[], today: string) {
  const ids = panels.map((p) => p.id);
  const meetings = await db
    .selectFrom('panel_meeting')
    .select(['id', 'panel_id', 'meeting_date', 'start_time', 'end_time'])
    .where('panel_id', 'in', ids)
    .where('status', '=', 'scheduled')
    .where('meeting_date', '>=', today)
    .where('meeting_date', '<=', addMonths(today, 2))
    .orderBy('meeting_date')
    .execute();
  const used = meetings.length
    ? await db
        .selectFrom('panel_request')
        .select(['meeting_id'])
        .select(sql<string>`count(*)`.as('n'))
        .where(
          'meeting_id',
          'in',
          meetings.map((m) => m.id),
        )
        .where('status', 'in', ['accepted', 'discussed'])
        .groupBy('meeting_id')
        .execute()
    : [];
  const panelOf = new Map(panels.map((p) => [p.id, p]));
  return meetings.map((m) => {
    const panel = panelOf.get(m.panel_id)!;
    const slots = capacity(m.start_time, m.end_time, panel.slot_minutes);
    const taken = Number(used.find((u) => u.meeting_id === m.id)?.n ?? 0);
    return {
      panelId: m.panel_id,
      panelName: panel.name,
      meetingId: m.id,
      date: m.meeting_date,
      label: longDate(m.meeting_date),
      used: taken,
      capacity: slots,
      free: Math.max(0, slots - taken),
    };
  });
}

/** Whole days between two ISO dates. */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Cases submitted and not yet decided, and cases accepted and not yet given a slot, longest waiting first. */
async function casesWaiting(db: Q, panels: { id: string; name: string }[], today: string) {
  const rows = await db
    .selectFrom('panel_request')
    .select(['id', 'panel_id', 'status', 'created_at', 'decided_at'])
    .where(
      'panel_id',
      'in',
      panels.map((p) => p.id),
    )
    .where((eb) =>
      eb.or([eb('status', '=', 'submitted'), eb.and([eb('status', '=', 'accepted'), eb('meeting_id', 'is', null)])]),
    )
    .execute();
  const name = new Map(panels.map((p) => [p.id, p.name]));
  return rows
    .map((r) => {
      const since = londonToday(r.status === 'submitted' ? r.created_at : (r.decided_at ?? r.created_at));
      return {
        panelId: r.panel_id,
        panelName: name.get(r.panel_id)!,
        reference: r.id.slice(0, 8),
        waitingFor: r.status === 'submitted' ? 'A decision' : 'A slot on a meeting',
        since,
        sinceLabel: longDate(since),
        days: daysBetween(since, today),
      };
    })
    .sort((a, b) => b.days - a.days || a.reference.localeCompare(b.reference));
}

/** The cases whose record was approved at a meeting in the period: their outcomes, per panel. */
async function outcomeCounts(db: Q, panelIds: string[], period: Period) {
  const rows = await db
    .selectFrom('panel_case_record as c')
    .innerJoin('panel_meeting as m', 'm.id', 'c.meeting_id')
    .innerJoin('panel_meeting_record as mr', 'mr.meeting_id', 'm.id')
    .select(['m.panel_id', 'c.outcomes'])
    .where('m.panel_id', 'in', panelIds)
    .where('mr.approved_at', 'is not', null)
    .where('m.meeting_date', '>=', period.from)
    .where('m.meeting_date', '<=', period.to)
    .execute();
  const out = new Map<string, { cases: number; outcomes: Record<string, number> }>();
  for (const id of panelIds) out.set(id, { cases: 0, outcomes: Object.fromEntries(PANEL_OUTCOMES.map((o) => [o, 0])) });
  for (const r of rows) {
    const p = out.get(r.panel_id)!;
    p.cases++;
    for (const o of new Set(r.outcomes)) if (o in p.outcomes) p.outcomes[o]!++;
  }
  return out;
}

/** Recommendations made at approved meetings in the period, by the agency asked to act. */
async function recommendationCounts(db: Q, panelIds: string[], period: Period) {
  const rows = await db
    .selectFrom('panel_recommendation as x')
    .innerJoin('panel_case_record as c', 'c.request_id', 'x.request_id')
    .innerJoin('panel_meeting as m', 'm.id', 'c.meeting_id')
    .innerJoin('panel_meeting_record as mr', 'mr.meeting_id', 'm.id')
    .innerJoin('organisation as o', 'o.id', 'x.organisation_id')
    .select(['m.panel_id', 'o.id as organisation_id', 'o.name as organisation'])
    .select(sql<string>`count(*)`.as('n'))
    .where('m.panel_id', 'in', panelIds)
    .where('mr.approved_at', 'is not', null)
    .where('m.meeting_date', '>=', period.from)
    .where('m.meeting_date', '<=', period.to)
    .groupBy(['m.panel_id', 'o.id', 'o.name'])
    .orderBy('o.name')
    .execute();
  return rows.map((r) => ({
    panelId: r.panel_id,
    organisationId: r.organisation_id,
    organisation: r.organisation,
    made: Number(r.n),
  }));
}

/**
 * Recommendations not implemented, by the agency asked to act: those whose standing report (the latest, one no later
 * report corrects) says the agency did not implement it; and, beside them, those still unreported after the day they
 * were due. The dashboard, the chairs' view and the CSV all read them from here.
 */
export async function recommendationsNotImplemented(db: Q, panelIds: string[], period: Period, at: Date) {
  if (!panelIds.length) return [];
  const today = londonToday(at);
  const rows = await db
    .selectFrom('panel_recommendation as x')
    .innerJoin('panel_case_record as c', 'c.request_id', 'x.request_id')
    .innerJoin('panel_meeting as m', 'm.id', 'c.meeting_id')
    .select(['m.panel_id', 'x.organisation_id'])
    .select(
      sql<string>`count(*) filter (where exists (
        select 1 from panel_recommendation_report r
        where r.recommendation_id = x.id and not r.implemented
          and not exists (select 1 from panel_recommendation_report k where k.corrects_id = r.id)))`.as('n'),
    )
    .select(
      sql<string>`count(*) filter (where x.due_on < ${today} and not exists (
        select 1 from panel_recommendation_report r where r.recommendation_id = x.id))`.as('overdue'),
    )
    .where('m.panel_id', 'in', panelIds)
    .where('m.meeting_date', '>=', period.from)
    .where('m.meeting_date', '<=', period.to)
    .groupBy(['m.panel_id', 'x.organisation_id'])
    .execute();
  return rows.map((r) => ({
    panelId: r.panel_id,
    organisationId: r.organisation_id,
    notImplemented: Number(r.n),
    overdueUnreported: Number(r.overdue),
  }));
}

/** Every sub-area's name in any version of the threshold guidance ("Domain: sub-area"), the latest words winning. */
async function subAreaNames(db: Q): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const { content } of await allGuidance(db)) {
    for (const d of content.domains) {
      for (const s of d.subAreas) names.set(`${d.id}\u0000${s.id}`, needAreaName(content, d.id, s.id));
    }
  }
  return names;
}

/**
 * The unmet needs brought to the panels: the needs recorded in the assessment each discussed case was made with,
 * counted by the month of its meeting and the assessment's domain and sub-area (each case once per sub-area).
 */
async function needsByMonth(db: Q, panelIds: string[], period: Period) {
  const rows = await db
    .selectFrom('panel_request as r')
    .innerJoin('panel_meeting as m', 'm.id', 'r.meeting_id')
    .innerJoin('assessment_need as n', 'n.assessment_id', 'r.assessment_id')
    .select([sql<string>`substr(m.meeting_date::text, 1, 7)`.as('month'), 'n.domain', 'n.sub_area'])
    .select(sql<string>`count(distinct r.id)`.as('n'))
    .where('r.panel_id', 'in', panelIds)
    .where('r.status', '=', 'discussed')
    .where('n.removed_at', 'is', null)
    .where('m.meeting_date', '>=', period.from)
    .where('m.meeting_date', '<=', period.to)
    .groupBy([sql`substr(m.meeting_date::text, 1, 7)`, 'n.domain', 'n.sub_area'])
    .execute();
  const names = await subAreaNames(db);
  const months = [...new Set(rows.map((r) => r.month))].sort();
  const areas = new Map<string, { name: string; byMonth: Record<string, number>; total: number }>();
  for (const r of rows) {
    const key = `${r.domain}\u0000${r.sub_area}`;
    const area = areas.get(key) ?? { name: names.get(key) ?? `${r.domain}: ${r.sub_area}`, byMonth: {}, total: 0 };
    area.byMonth[r.month] = (area.byMonth[r.month] ?? 0) + Number(r.n);
    area.total += Number(r.n);
    areas.set(key, area);
  }
  return {
    months: months.map((m) => ({ month: m, label: monthWords(m) })),
    rows: [...areas.values()]
      .sort((a, b) => b.total - a.total || a.name.localeCompare(b.name))
      .map((a) => ({ name: a.name, total: a.total, counts: months.map((m) => a.byMonth[m] ?? 0) })),
  };
}

const MONTHS = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
function monthWords(yyyyMm: string): string {
  return MONTHS.format(new Date(`${yyyyMm}-01T00:00:00Z`));
}

export const OUTCOME_ORDER: { code: PanelOutcome; words: string }[] = PANEL_OUTCOMES.map((code) => ({
  code,
  words: OUTCOME_WORDS[code],
}));

export class PanelDashboardService {
  constructor(private readonly db: Kysely<DB>) {}

  /** The figures for the panels given, over the period. */
  private async figures(trx: Q, panels: Awaited<ReturnType<typeof dashboardPanels>>, period: Period, at: Date) {
    const ids = panels.map((p) => p.id);
    const today = londonToday(at);
    if (!ids.length) return null;
    const [counts, outcomes, recommendations, notImplemented] = [
      await complianceCounts(trx, ids, period, at),
      await outcomeCounts(trx, ids, period),
      await recommendationCounts(trx, ids, period),
      await recommendationsNotImplemented(trx, ids, period, at),
    ];
    return {
      meetings: await upcomingMeetings(trx, panels, today),
      waiting: await casesWaiting(trx, panels, today),
      compliance: complianceTable(counts, ids),
      perPanel: panels.map((p) => {
        const o = outcomes.get(p.id)!;
        return {
          id: p.id,
          name: p.name,
          compliance: complianceTable(counts, [p.id]),
          cases: o.cases,
          outcomes: OUTCOME_ORDER.map((x) => ({
            ...x,
            count: o.outcomes[x.code] ?? 0,
            percent: percent(o.outcomes[x.code] ?? 0, o.cases),
          })),
        };
      }),
      recommendations: recommendations.map((r) => ({
        ...r,
        panelName: panels.find((p) => p.id === r.panelId)!.name,
        notImplemented:
          notImplemented.find((n) => n.panelId === r.panelId && n.organisationId === r.organisationId)
            ?.notImplemented ?? 0,
        overdueUnreported:
          notImplemented.find((n) => n.panelId === r.panelId && n.organisationId === r.organisationId)
            ?.overdueUnreported ?? 0,
      })),
      needs: await needsByMonth(trx, ids, period),
    };
  }

  /** One panel's dashboard: its chair, deputy chairs and administrators, or the partnership-wide role. */
  async panel(ctx: RequestContext, panelId: string, period: Period) {
    return runRefusable(this.db, async (trx) => {
      const panels = await dashboardPanels(trx, ctx);
      const panel = panels.find((p) => p.id === panelId);
      if (!panel) {
        await recordAudit(trx, auditContext(ctx), {
          action: 'panel-dashboard.refused',
          recordType: 'panel',
          recordId: panelId,
          details: { from: period.from, to: period.to },
        });
        return new Refusal(new NotFoundError());
      }
      const figures = (await this.figures(trx, [panel], period, ctx.at))!;
      await recordAudit(trx, auditContext(ctx), {
        action: 'panel-dashboard.viewed',
        recordType: 'panel',
        recordId: panelId,
        details: { from: period.from, to: period.to },
      });
      return { panel, ...figures };
    });
  }

  /** The chairs' view: the same figures side by side for every panel the user runs (every panel, partnership-wide). */
  async acrossPanels(ctx: RequestContext, period: Period) {
    return this.db.transaction().execute(async (trx) => {
      const panels = await dashboardPanels(trx, ctx);
      const figures = await this.figures(trx, panels, period, ctx.at);
      await recordAudit(trx, auditContext(ctx), {
        action: 'panel-dashboard.across-viewed',
        details: { panelIds: panels.map((p) => p.id), from: period.from, to: period.to },
      });
      return { panels, figures };
    });
  }
}

/** The compliance table across every panel, for the command line (no user: the operator at the machine). */
export async function partnershipCompliance(db: Kysely<DB>, period: Period, at: Date) {
  const panels = await db.selectFrom('panel').select(['id', 'name']).orderBy('name').execute();
  const counts = await complianceCounts(
    db,
    panels.map((p) => p.id),
    period,
    at,
  );
  return {
    panels,
    all: complianceTable(counts),
    perPanel: panels.map((p) => ({ ...p, rows: complianceTable(counts, [p.id]) })),
  };
}
