/**
 * The record of a panel meeting (issue 11, at and after the meeting; docs/decisions/0034). The panel's administrator,
 * chair or a deputy chair records who attended and, for each case on the agenda, the discussion, the outcomes (seed
 * 003's eight, more than one allowed), task-centred recommendations (what, which agency, by when), a recommendation
 * that the school's family worker be involved through the head teacher or SENCO, the lead professional (a named person
 * or a lead agency asked to allocate one, on seed 003's criteria, with objectives, a review date and how the family
 * will be told) and a noted dissent. Members of the panel can read it. The chair or a deputy chair approves it: in
 * that transaction the decisions reach the child's chronology, the lead professional the child index, and the
 * recommendations their agencies' work lists. Until then the 48-hour clock from the meeting's end runs, and the chair
 * and administrators have the approval on their work lists, overdue once it has passed.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DB, LeadCriterion, PanelAttendanceStatus, PanelOutcome, PanelTable } from '../../db/schema.ts';
import type { Actor } from '../../platform/access.ts';
import { recordAudit } from '../../platform/audit.ts';
import { londonInstant, londonToday, longDate } from '../../platform/calendar.ts';
import { loadWorkingCalendar } from '../../platform/closures.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { DEADLINE_RULES, dueWords, findDeadline, markDeadlineMet, setDeadline } from '../../platform/deadlines.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import { notify, usersOfOrganisation } from '../../platform/notifications.ts';
import { Refusal, refuseOnPerson, runRefusable } from '../../platform/refusals.ts';
import { relationshipsWith } from '../../platform/relationships.ts';
import { assignWork, completeWork } from '../../platform/work.ts';
import { addInvolvement } from '../people/registry-repository.ts';
import { findPerson } from '../people/repository.ts';
import { earlierDiscussions, implementationOf, reportsFor } from './implementation.ts';
import { current } from './service.ts';

type Trx = Transaction<DB>;
type Q = Kysely<DB> | Trx;
type PanelRow = Selectable<PanelTable>;

/** Seed 003's possible outcomes of the panel discussion, in its words and order. */
export const OUTCOME_WORDS: Record<PanelOutcome, string> = {
  advice: 'Offer advice',
  services_appropriate: 'Confirm that services being offered are appropriate / no further support available',
  better_coordination: 'Identify a better way of co-ordinating services',
  joint_visits: 'Identify a way in which agencies may visit jointly to progress work',
  prioritise_referral: 'Support / prioritise a referral for a specific resource',
  allocate_resource: 'Allocate a resource within the panel’s brief',
  lead_professional:
    'Agree the appointment of a lead professional or nominate the lead agency who will then appoint a lead professional',
  local_coordination:
    'Propose arrangements for local co-ordination and a timescale for review by the lead professional',
};

/** Seed 003's criteria for appointing a lead professional: the panel agrees all three. */
export const LEAD_CRITERIA_WORDS: Record<LeadCriterion, string> = {
  additional_needs: 'The child or young person has additional needs',
  formal_assessment_likely: 'They are likely to require a formal or statutory assessment process in the future',
  coordination_needed: 'The case requires the collaborative input of services co-ordinated by a lead professional',
};

export const ATTENDANCE_WORDS: Record<PanelAttendanceStatus, string> = {
  present: 'Present',
  apologies: 'Apologies',
  deputy_sent: 'Sent a deputy',
  absent: 'Not present',
};

export const SCHOOL_CONTACT_WORDS = { head_teacher: 'the head teacher', senco: 'the SENCO' } as const;

const SEAT_WORDS: Record<string, string> = {
  member: 'Member',
  deputy: 'Deputy',
  chair: 'Chair',
  deputy_chair: 'Deputy chair',
  administrator: 'Administrator',
  adviser: 'Invited adviser',
};

/** The seats whose attendance is recorded: everyone but deputies, who attend in a member's place. */
const ATTENDING_SEATS = ['chair', 'deputy_chair', 'member', 'adviser', 'administrator'] as const;
const WRITERS = ['administrator', 'chair', 'deputy_chair'];
const APPROVERS = ['chair', 'deputy_chair'];
export const APPROVAL_WORK = 'panel-record.approval';
export const RECOMMENDATION_WORK = 'panel-record.recommendation';
export const CIRCULATION_WORK = 'panel-record.circulation';

export interface AttendanceInput {
  members: { memberId: string; status: 'present' | 'apologies' | 'deputy_sent'; deputyMemberId: string | null }[];
  referrers: { requestId: string; status: 'present' | 'absent' }[];
}

export interface CaseInput {
  discussion: string;
  outcomes: PanelOutcome[];
  schoolOrganisationId: string | null;
  schoolContact: 'head_teacher' | 'senco' | null;
  schoolNote: string | null;
  lead: null | {
    kind: 'person' | 'agency';
    userId: string | null;
    organisationId: string | null;
    criteria: LeadCriterion[];
    objectives: string;
    reviewOn: string;
    informFamily: string;
  };
  dissent: null | { userId: string; reason: string };
}

export interface RecommendationInput {
  what: string;
  teamId: string;
  dueOn: string;
}

const nameOf = (p: { given_name: string; family_name: string }) => `${p.given_name} ${p.family_name}`;
const invalid = (field: string, message: string) => new ValidationError([{ field, message }]);

export class PanelRecordService {
  constructor(
    private readonly db: Kysely<DB>,
    readonly baseUrl: string,
  ) {}

  private actor(ctx: RequestContext): Actor {
    if (!ctx.actor) throw new ForbiddenError();
    return ctx.actor;
  }

  /** The actor's current seats on the panel; none is "not found" (the record is the panel's own). */
  private async seats(q: Q, ctx: RequestContext, panelId: string) {
    const actor = this.actor(ctx);
    const panel = await q.selectFrom('panel').selectAll().where('id', '=', panelId).executeTakeFirst();
    if (!panel) throw new NotFoundError();
    const rows = await q
      .selectFrom('panel_member')
      .select(['role', 'from_date', 'to_date'])
      .where('panel_id', '=', panelId)
      .where('user_id', '=', actor.userId)
      .execute();
    const roles = new Set(current(rows, londonToday(ctx.at)).map((r) => r.role as string));
    return { panel, roles };
  }

  private async meetingOf(q: Q, panelId: string, meetingId: string) {
    const m = await q
      .selectFrom('panel_meeting')
      .selectAll()
      .where('id', '=', meetingId)
      .where('panel_id', '=', panelId)
      .executeTakeFirst();
    if (!m) throw new NotFoundError();
    return m;
  }

  /** The cases on the meeting's agenda, in slot order, with every child each is about. */
  private async cases(q: Q, meetingId: string) {
    const rows = await q
      .selectFrom('panel_request as r')
      .innerJoin('person as c', 'c.id', 'r.person_id')
      .innerJoin('app_user as u', 'u.id', 'r.referrer_user_id')
      .innerJoin('organisation as o', 'o.id', 'r.referrer_organisation_id')
      .select(['r.id', 'r.person_id', 'r.slot_order', 'r.status', 'r.referrer_user_id', 'r.referrer_organisation_id'])
      .select(['c.given_name', 'c.family_name', 'u.name as referrer', 'o.name as organisation'])
      .select('r.previous_request_id')
      .where('r.meeting_id', '=', meetingId)
      .where('r.status', 'in', ['accepted', 'discussed'])
      .orderBy('r.slot_order')
      .execute();
    const people = rows.length
      ? await q
          .selectFrom('panel_request_person')
          .select(['request_id', 'person_id'])
          .where(
            'request_id',
            'in',
            rows.map((r) => r.id),
          )
          .execute()
      : [];
    return rows.map((r) => ({
      ...r,
      name: nameOf(r),
      personIds: [...new Set([r.person_id, ...people.filter((p) => p.request_id === r.id).map((p) => p.person_id)])],
    }));
  }

  private async deadline(q: Q, panel: PanelRow, meeting: { id: string; meeting_date: string; end_time: string }) {
    const calendar = await loadWorkingCalendar(q, panel.area_id);
    const rule = {
      ...DEADLINE_RULES.PANEL_DECISION_RECORDED,
      hours: panel.decisions_hours,
      words: `Decision and lead professional recorded within ${panel.decisions_hours} hours of the meeting`,
    };
    return { calendar, rule, start: londonInstant(meeting.meeting_date, meeting.end_time) };
  }

  /** The 48-hour clock: when decisions are due, and whether they are late, for a meeting's record. */
  private async clock(
    q: Q,
    panel: PanelRow,
    meeting: { id: string; meeting_date: string; end_time: string },
    at: Date,
  ) {
    const { calendar, rule, start } = await this.deadline(q, panel, meeting);
    const dueAt = calendar.addWorkingHours(start, rule.hours);
    return { dueAt, dueWords: dueWords(dueAt), overdue: at >= dueAt };
  }

  /** The people of the panel whose attendance is recorded, and the deputies who can come in their place. */
  private async seatsOnDate(q: Q, panelId: string, date: string) {
    const rows = await q
      .selectFrom('panel_member as m')
      .innerJoin('app_user as u', 'u.id', 'm.user_id')
      .innerJoin('organisation as o', 'o.id', 'm.organisation_id')
      .select(['m.id', 'm.user_id', 'm.organisation_id', 'm.role', 'm.deputy_for', 'm.from_date', 'm.to_date'])
      .select(['u.name', 'o.name as organisation'])
      .where('m.panel_id', '=', panelId)
      .orderBy('u.name')
      .execute();
    const on = rows.filter((r) => r.from_date <= date && (r.to_date === null || r.to_date > date));
    return {
      attending: on.filter((r) => (ATTENDING_SEATS as readonly string[]).includes(r.role)),
      deputies: on.filter((r) => r.role === 'deputy'),
      all: on,
    };
  }

  /** The meeting's record as its members see it: attendance, each case's decisions, the clock and approval. */
  async view(ctx: RequestContext, panelId: string, meetingId: string) {
    return this.db.transaction().execute(async (trx) => {
      const { panel, roles } = await this.seats(trx, ctx, panelId);
      if (!roles.size) throw new NotFoundError();
      const meeting = await this.meetingOf(trx, panelId, meetingId);
      const record = await trx
        .selectFrom('panel_meeting_record as r')
        .leftJoin('app_user as a', 'a.id', 'r.approved_by')
        .select(['r.started_at', 'r.approved_at', 'a.name as approver'])
        .where('r.meeting_id', '=', meetingId)
        .executeTakeFirst();
      const { attending, deputies } = await this.seatsOnDate(trx, panelId, meeting.meeting_date);
      const attendance = await trx
        .selectFrom('panel_attendance')
        .selectAll()
        .where('meeting_id', '=', meetingId)
        .execute();
      const cases = await this.cases(trx, meetingId);
      const recorded = cases.length
        ? await trx
            .selectFrom('panel_case_record')
            .select(['request_id', 'outcomes', 'lead_kind', 'letter_sent_on', 'letter_method'])
            .where(
              'request_id',
              'in',
              cases.map((c) => c.id),
            )
            .execute()
        : [];
      const recommendations = cases.length
        ? await trx
            .selectFrom('panel_recommendation')
            .select(['id', 'request_id'])
            .where(
              'request_id',
              'in',
              cases.map((c) => c.id),
            )
            .execute()
        : [];
      if (cases.length) {
        await recordAudit(trx, auditContext(ctx), {
          action: 'panel-record.viewed',
          recordType: 'panel_meeting',
          recordId: meetingId,
          details: { panelId, personIds: cases.flatMap((c) => c.personIds) },
        });
      }
      const clock = await this.clock(trx, panel, meeting, ctx.at);
      const approved = !!record?.approved_at;
      const implementation = approved
        ? await implementationOf(
            trx,
            recommendations.map((x) => x.id),
          )
        : new Map();
      const implementationOfCase = (requestId: string) => {
        const reports = recommendations
          .filter((x) => x.request_id === requestId)
          .map((x) => implementation.get(x.id)?.current ?? null);
        return {
          reported: reports.filter(Boolean).length,
          notImplemented: reports.filter((r) => r && !r.implemented).length,
        };
      };
      const circulation = cases.length
        ? await trx
            .selectFrom('deadline')
            .selectAll()
            .where('owner_type', '=', 'panel_request')
            .where(
              'owner_id',
              'in',
              cases.map((c) => c.id),
            )
            .where('rule_code', '=', DEADLINE_RULES.PANEL_DECISION_CIRCULATED.code)
            .execute()
        : [];
      const circulationOf = (requestId: string) => {
        const d = circulation.find((x) => x.owner_id === requestId);
        if (!d) return null;
        return {
          sent: !!d.met_at,
          sentLabel: d.met_at ? longDate(londonToday(d.met_at)) : null,
          within: !!d.met_at && d.met_at <= d.due_at,
          overdue: !d.met_at && ctx.at >= d.due_at,
          dueWords: dueWords(d.due_at),
        };
      };
      return {
        panel,
        meeting: { ...meeting, label: longDate(meeting.meeting_date) },
        record: record
          ? { ...record, approvedLabel: record.approved_at ? dueWords(record.approved_at).replace(/^by /, '') : null }
          : null,
        approved,
        clock: { ...clock, overdue: !approved && clock.overdue },
        canWrite: !approved && WRITERS.some((r) => roles.has(r)) && londonToday(ctx.at) >= meeting.meeting_date,
        canApprove: !approved && APPROVERS.some((r) => roles.has(r)) && cases.length > 0,
        canCirculate:
          approved && WRITERS.some((r) => roles.has(r)) && cases.some((c) => circulationOf(c.id)?.sent === false),
        started: londonToday(ctx.at) >= meeting.meeting_date,
        members: attending.map((m) => {
          const a = attendance.find((x) => x.member_id === m.id);
          const deputy = a?.deputy_member_id ? deputies.find((d) => d.id === a.deputy_member_id) : undefined;
          return {
            ...m,
            seat: SEAT_WORDS[m.role] ?? m.role,
            status: a?.status ?? null,
            statusWords: a ? ATTENDANCE_WORDS[a.status] : 'Not recorded',
            deputyId: a?.deputy_member_id ?? null,
            deputyName: deputy ? deputy.name : null,
            deputies: deputies.filter((d) => d.deputy_for === m.id || d.deputy_for === null),
          };
        }),
        deputies,
        cases: cases.map((c) => {
          const r = recorded.find((x) => x.request_id === c.id);
          const a = attendance.find((x) => x.request_id === c.id);
          return {
            ...c,
            referrerStatus: a?.status ?? null,
            referrerWords: a ? ATTENDANCE_WORDS[a.status] : 'Not recorded',
            recorded: !!r,
            outcomes: (r?.outcomes ?? []).map((o) => OUTCOME_WORDS[o as PanelOutcome] ?? o),
            lead: r?.lead_kind ?? null,
            recommendations: recommendations.filter((x) => x.request_id === c.id).length,
            implementation: approved ? implementationOfCase(c.id) : null,
            circulation: circulationOf(c.id),
            letter:
              r && approved
                ? { sentOn: r.letter_sent_on ? longDate(r.letter_sent_on) : null, method: r.letter_method }
                : null,
          };
        }),
      };
    });
  }

  /** One case's record, with what its form offers: schools, agencies, their teams and the people at the meeting. */
  async caseView(ctx: RequestContext, panelId: string, meetingId: string, requestId: string) {
    return this.db.transaction().execute(async (trx) => {
      const { panel, roles } = await this.seats(trx, ctx, panelId);
      if (!roles.size) throw new NotFoundError();
      const meeting = await this.meetingOf(trx, panelId, meetingId);
      const item = (await this.cases(trx, meetingId)).find((c) => c.id === requestId);
      if (!item) throw new NotFoundError();
      const rec = await trx
        .selectFrom('panel_case_record')
        .selectAll()
        .where('request_id', '=', requestId)
        .executeTakeFirst();
      const recommendations = await trx
        .selectFrom('panel_recommendation as x')
        .innerJoin('organisation as o', 'o.id', 'x.organisation_id')
        .innerJoin('team as t', 't.id', 'x.team_id')
        .select(['x.id', 'x.what', 'x.due_on', 'o.name as organisation', 't.name as team'])
        .where('x.request_id', '=', requestId)
        .orderBy('x.created_at')
        .execute();
      const approved = !!(
        await trx
          .selectFrom('panel_meeting_record')
          .select('approved_at')
          .where('meeting_id', '=', meetingId)
          .executeTakeFirst()
      )?.approved_at;
      const implementation = await implementationOf(
        trx,
        recommendations.map((r) => r.id),
      );
      const { all } = await this.seatsOnDate(trx, panelId, meeting.meeting_date);
      const people = new Map<string, { id: string; name: string; organisation: string }>();
      for (const m of all) people.set(m.user_id, { id: m.user_id, name: m.name, organisation: m.organisation });
      people.set(item.referrer_user_id, {
        id: item.referrer_user_id,
        name: item.referrer,
        organisation: item.organisation,
      });
      const organisations = await trx
        .selectFrom('organisation')
        .select(['id', 'name', 'agency_type'])
        .orderBy('name')
        .execute();
      const teams = await trx
        .selectFrom('team as t')
        .innerJoin('organisation as o', 'o.id', 't.organisation_id')
        .select(['t.id', 't.name', 'o.name as organisation'])
        .orderBy('o.name')
        .orderBy('t.name')
        .execute();
      const names = async (ids: (string | null)[]) => {
        const want = ids.filter((x): x is string => !!x);
        if (!want.length) return new Map<string, string>();
        const us = await trx.selectFrom('app_user').select(['id', 'name']).where('id', 'in', want).execute();
        const os = await trx.selectFrom('organisation').select(['id', 'name']).where('id', 'in', want).execute();
        return new Map([...us, ...os].map((x) => [x.id, x.name]));
      };
      const named = rec
        ? await names([
            rec.lead_user_id,
            rec.lead_organisation_id,
            rec.school_organisation_id,
            rec.dissent_user_id,
            rec.dissent_organisation_id,
          ])
        : new Map<string, string>();
      const earlier = item.previous_request_id
        ? ((await earlierDiscussions(trx, [item.previous_request_id])).get(item.previous_request_id) ?? null)
        : null;
      await recordAudit(trx, auditContext(ctx), {
        action: 'panel-record.case.viewed',
        recordType: 'person',
        recordId: item.person_id,
        details: { panelId, meetingId, requestId, personIds: item.personIds },
      });
      return {
        panel,
        meeting: { ...meeting, label: longDate(meeting.meeting_date) },
        item,
        earlier,
        record: rec
          ? {
              ...rec,
              outcomeWords: rec.outcomes.map((o) => OUTCOME_WORDS[o as PanelOutcome] ?? o),
              criteriaWords: rec.lead_criteria.map((c) => LEAD_CRITERIA_WORDS[c as LeadCriterion] ?? c),
              leadName: rec.lead_user_id ? named.get(rec.lead_user_id) : null,
              leadOrganisation: rec.lead_organisation_id ? named.get(rec.lead_organisation_id) : null,
              reviewLabel: rec.lead_review_on ? longDate(rec.lead_review_on) : null,
              schoolName: rec.school_organisation_id ? named.get(rec.school_organisation_id) : null,
              schoolContactWords: rec.school_contact ? SCHOOL_CONTACT_WORDS[rec.school_contact] : null,
              dissentName: rec.dissent_user_id ? named.get(rec.dissent_user_id) : null,
              dissentOrganisation: rec.dissent_organisation_id ? named.get(rec.dissent_organisation_id) : null,
            }
          : null,
        recommendations: recommendations.map((r) => ({
          ...r,
          dueLabel: longDate(r.due_on),
          implementation: approved ? implementation.get(r.id) : undefined,
        })),
        approved,
        canWrite: !approved && WRITERS.some((r) => roles.has(r)) && londonToday(ctx.at) >= meeting.meeting_date,
        canConsider: approved && APPROVERS.some((r) => roles.has(r)),
        people: [...people.values()].sort((a, b) => a.name.localeCompare(b.name)),
        organisations,
        schools: organisations.filter((o) => o.agency_type === 'school'),
        teams,
      };
    });
  }

  /** The meeting's record for a change: the actor administers or chairs the panel, the meeting has started, unapproved. */
  private async writable(trx: Trx, ctx: RequestContext, panelId: string, meetingId: string) {
    const { panel, roles } = await this.seats(trx, ctx, panelId);
    if (!WRITERS.some((r) => roles.has(r))) throw new NotFoundError();
    const meeting = await this.meetingOf(trx, panelId, meetingId);
    if (meeting.status === 'cancelled') throw invalid('record', 'This meeting was cancelled: it has no record');
    if (londonToday(ctx.at) < meeting.meeting_date) {
      throw invalid(
        'record',
        `The record can be written from the day of the meeting, ${longDate(meeting.meeting_date)}`,
      );
    }
    const record = await trx
      .selectFrom('panel_meeting_record')
      .selectAll()
      .where('meeting_id', '=', meetingId)
      .executeTakeFirst();
    if (record?.approved_at) throw invalid('record', 'The chair has approved this record: it can no longer be changed');
    if (!record) {
      await trx
        .insertInto('panel_meeting_record')
        .values({ meeting_id: meetingId, started_by: ctx.actor!.userId, started_at: ctx.at, updated_at: ctx.at })
        .execute();
      // The 48-hour clock, and the approval on the chairs' and administrators' work lists.
      const { calendar, rule, start } = await this.deadline(trx, panel, meeting);
      const deadline = await setDeadline(trx, calendar, {
        ownerType: 'panel_meeting',
        ownerId: meetingId,
        rule,
        start,
      });
      const { all } = await this.seatsOnDate(trx, panelId, londonToday(ctx.at));
      await assignWork(trx, {
        kind: APPROVAL_WORK,
        title: `Approve the record of ${panel.name} on ${longDate(meeting.meeting_date)}`,
        href: `/panels/${panelId}/meetings/${meetingId}/record`,
        sourceType: 'panel_meeting',
        sourceId: meetingId,
        assignTo: { userIds: all.filter((m) => WRITERS.includes(m.role)).map((m) => m.user_id) },
        deadlineId: deadline.id,
        at: ctx.at,
        by: ctx.actor!.userId,
      });
    } else {
      await trx
        .updateTable('panel_meeting_record')
        .set({ updated_at: ctx.at })
        .where('meeting_id', '=', meetingId)
        .execute();
    }
    return { panel, meeting };
  }

  async saveAttendance(ctx: RequestContext, panelId: string, meetingId: string, input: AttendanceInput) {
    await this.db.transaction().execute(async (trx) => {
      const { meeting } = await this.writable(trx, ctx, panelId, meetingId);
      const { attending, deputies } = await this.seatsOnDate(trx, panelId, meeting.meeting_date);
      const cases = await this.cases(trx, meetingId);
      const problems = [];
      for (const m of input.members) {
        const seat = attending.find((a) => a.id === m.memberId);
        if (!seat) throw invalid('attendance', 'Record attendance for the panel’s members only');
        if (m.status === 'deputy_sent') {
          const d = deputies.find((x) => x.id === m.deputyMemberId);
          if (!d || (d.deputy_for !== null && d.deputy_for !== seat.id)) {
            problems.push({ field: `deputy-${seat.id}`, message: `Select the deputy who came for ${seat.name}` });
          }
        }
      }
      for (const r of input.referrers) {
        if (!cases.some((c) => c.id === r.requestId))
          throw invalid('attendance', 'Record referrers of this agenda only');
      }
      if (problems.length) throw new ValidationError(problems);
      await trx.deleteFrom('panel_attendance').where('meeting_id', '=', meetingId).execute();
      const rows = [
        ...input.members.map((m) => ({
          meeting_id: meetingId,
          member_id: m.memberId,
          request_id: null,
          status: m.status,
          deputy_member_id: m.status === 'deputy_sent' ? m.deputyMemberId : null,
        })),
        ...input.referrers.map((r) => ({
          meeting_id: meetingId,
          member_id: null,
          request_id: r.requestId,
          status: r.status,
          deputy_member_id: null,
        })),
      ];
      if (rows.length) await trx.insertInto('panel_attendance').values(rows).execute();
      if (cases.length) {
        await recordAudit(trx, auditContext(ctx), {
          action: 'panel-record.attendance-recorded',
          recordType: 'panel_meeting',
          recordId: meetingId,
          details: { panelId, personIds: cases.flatMap((c) => c.personIds) },
        });
      }
    });
  }

  async saveCase(ctx: RequestContext, panelId: string, meetingId: string, requestId: string, input: CaseInput) {
    await this.db.transaction().execute(async (trx) => {
      const { meeting } = await this.writable(trx, ctx, panelId, meetingId);
      const item = (await this.cases(trx, meetingId)).find((c) => c.id === requestId);
      if (!item) throw new NotFoundError();
      const problems = [];
      const orgOf = async (id: string) =>
        trx.selectFrom('organisation').select(['id', 'agency_type']).where('id', '=', id).executeTakeFirst();
      if (input.schoolOrganisationId && (await orgOf(input.schoolOrganisationId))?.agency_type !== 'school') {
        problems.push({ field: 'schoolOrganisationId', message: 'Select the school from the list' });
      }
      const { all } = await this.seatsOnDate(trx, panelId, meeting.meeting_date);
      const present = new Map(all.map((m) => [m.user_id, m.organisation_id]));
      present.set(item.referrer_user_id, item.referrer_organisation_id);
      let leadOrganisationId: string | null = null;
      if (input.lead?.kind === 'person') {
        const user = await trx
          .selectFrom('app_user')
          .select(['id', 'organisation_id'])
          .where('id', '=', input.lead.userId ?? '')
          .where('disabled_at', 'is', null)
          .executeTakeFirst();
        if (!user || !present.has(user.id)) {
          problems.push({
            field: 'leadUserId',
            message: 'Select the lead professional from the people at the meeting',
          });
        } else leadOrganisationId = present.get(user.id) ?? user.organisation_id;
      } else if (input.lead?.kind === 'agency') {
        if (!input.lead.organisationId || !(await orgOf(input.lead.organisationId))) {
          problems.push({ field: 'leadOrganisationId', message: 'Select the lead agency from the list' });
        } else leadOrganisationId = input.lead.organisationId;
      }
      let dissentOrganisationId: string | null = null;
      if (input.dissent) {
        if (!present.has(input.dissent.userId)) {
          problems.push({ field: 'dissentUserId', message: 'Select who disagreed from the people at the meeting' });
        } else dissentOrganisationId = present.get(input.dissent.userId)!;
      }
      if (problems.length) throw new ValidationError(problems);
      const values = {
        meeting_id: meetingId,
        discussion: input.discussion,
        outcomes: input.outcomes,
        school_organisation_id: input.schoolOrganisationId,
        school_contact: input.schoolOrganisationId ? input.schoolContact : null,
        school_note: input.schoolOrganisationId ? input.schoolNote : null,
        lead_kind: input.lead?.kind ?? null,
        lead_user_id: input.lead?.kind === 'person' ? input.lead.userId : null,
        lead_organisation_id: leadOrganisationId,
        lead_criteria: input.lead?.criteria ?? [],
        lead_objectives: input.lead?.objectives ?? null,
        lead_review_on: input.lead?.reviewOn ?? null,
        lead_inform_family: input.lead?.informFamily ?? null,
        dissent_user_id: input.dissent?.userId ?? null,
        dissent_organisation_id: dissentOrganisationId,
        dissent_reason: input.dissent?.reason ?? null,
        recorded_by: ctx.actor!.userId,
        recorded_at: ctx.at,
      };
      await trx
        .insertInto('panel_case_record')
        .values({ request_id: requestId, ...values })
        .onConflict((oc) => oc.column('request_id').doUpdateSet(values))
        .execute();
      await recordAudit(trx, auditContext(ctx), {
        action: 'panel-record.case-recorded',
        recordType: 'person',
        recordId: item.person_id,
        details: { panelId, meetingId, requestId, personIds: item.personIds },
      });
    });
  }

  async addRecommendation(
    ctx: RequestContext,
    panelId: string,
    meetingId: string,
    requestId: string,
    input: RecommendationInput,
  ) {
    await this.db.transaction().execute(async (trx) => {
      await this.writable(trx, ctx, panelId, meetingId);
      const item = (await this.cases(trx, meetingId)).find((c) => c.id === requestId);
      if (!item) throw new NotFoundError();
      const team = await trx
        .selectFrom('team')
        .select(['id', 'organisation_id'])
        .where('id', '=', input.teamId)
        .executeTakeFirst();
      if (!team) throw invalid('teamId', 'Select the agency and team from the list');
      await trx
        .insertInto('panel_recommendation')
        .values({
          request_id: requestId,
          what: input.what,
          organisation_id: team.organisation_id,
          team_id: team.id,
          due_on: input.dueOn,
          created_by: ctx.actor!.userId,
          created_at: ctx.at,
        })
        .execute();
      await recordAudit(trx, auditContext(ctx), {
        action: 'panel-record.recommendation-added',
        recordType: 'person',
        recordId: item.person_id,
        details: { panelId, meetingId, requestId, personIds: item.personIds },
      });
    });
  }

  async removeRecommendation(
    ctx: RequestContext,
    panelId: string,
    meetingId: string,
    requestId: string,
    recommendationId: string,
  ) {
    await this.db.transaction().execute(async (trx) => {
      await this.writable(trx, ctx, panelId, meetingId);
      const item = (await this.cases(trx, meetingId)).find((c) => c.id === requestId);
      if (!item) throw new NotFoundError();
      const gone = await trx
        .deleteFrom('panel_recommendation')
        .where('id', '=', recommendationId)
        .where('request_id', '=', requestId)
        .executeTakeFirst();
      if (!Number(gone.numDeletedRows)) throw new NotFoundError();
      await recordAudit(trx, auditContext(ctx), {
        action: 'panel-record.recommendation-removed',
        recordType: 'person',
        recordId: item.person_id,
        details: { panelId, meetingId, requestId, personIds: item.personIds },
      });
    });
  }

  /**
   * The chair (or a deputy chair) of the meeting's panel approves the record. Anyone else is refused, and the refusal
   * is audited on the children on the agenda. In the same transaction: the cases become discussed, the lead
   * professional joins the child index as an involvement, each recommendation goes on its team's work list (the team
   * joins the child's involvements if it was not already there), the 48-hour deadline is met and the approval leaves
   * the work lists. The chronology reads the approved record.
   */
  async approve(ctx: RequestContext, panelId: string, meetingId: string) {
    return runRefusable(this.db, async (trx) => {
      const { panel, roles } = await this.seats(trx, ctx, panelId);
      const meeting = await this.meetingOf(trx, panelId, meetingId);
      const cases = await this.cases(trx, meetingId);
      if (!cases.length) throw invalid('approve', 'There are no cases on this meeting’s agenda');
      if (!APPROVERS.some((r) => roles.has(r))) {
        await recordAudit(trx, auditContext(ctx, ctx.actor?.roles.join(' ')), {
          action: 'panel-record.approval-refused',
          recordType: 'panel_meeting',
          recordId: meetingId,
          details: { panelId, personIds: cases.flatMap((c) => c.personIds) },
        });
        return new Refusal(new ForbiddenError('Only the chair or a deputy chair of this panel can approve its record'));
      }
      const record = await trx
        .selectFrom('panel_meeting_record')
        .selectAll()
        .where('meeting_id', '=', meetingId)
        .executeTakeFirst();
      if (record?.approved_at) throw invalid('approve', 'This record has already been approved');
      const recorded = await trx
        .selectFrom('panel_case_record')
        .selectAll()
        .where('meeting_id', '=', meetingId)
        .execute();
      const missing = cases.filter((c) => !recorded.some((r) => r.request_id === c.id));
      if (!record || missing.length) {
        throw new ValidationError(
          (missing.length ? missing : cases).map((c) => ({
            field: `case-${c.id}`,
            message: `Record the discussion and outcomes for ${c.name} before approving`,
          })),
        );
      }
      const by = ctx.actor!.userId;
      const today = londonToday(ctx.at);
      await trx
        .updateTable('panel_meeting_record')
        .set({ approved_by: by, approved_at: ctx.at, updated_at: ctx.at })
        .where('meeting_id', '=', meetingId)
        .execute();
      for (const c of cases) {
        const rec = recorded.find((r) => r.request_id === c.id)!;
        await trx
          .updateTable('panel_request')
          .set({ status: 'discussed', updated_at: ctx.at })
          .where('id', '=', c.id)
          .execute();
        // The lead professional on the child index: "who else is working with them".
        if (rec.lead_kind) {
          for (const personId of c.personIds) {
            const hasLead = await trx
              .selectFrom('involvement')
              .select('id')
              .where('person_id', '=', personId)
              .where('is_lead', '=', true)
              .where('ended_on', 'is', null)
              .executeTakeFirst();
            const id = await addInvolvement(trx, personId, {
              organisationId: rec.lead_organisation_id!,
              teamId: null,
              userId: rec.lead_kind === 'person' ? rec.lead_user_id : null,
              role:
                rec.lead_kind === 'person'
                  ? `Lead professional, appointed by ${panel.name}`
                  : `Lead agency, asked by ${panel.name} to allocate a lead professional`,
              startedOn: today,
              contactPhone: null,
              contactEmail: null,
              addedBy: by,
              addedReason: `Agreed at ${panel.name} on ${longDate(meeting.meeting_date)}`,
            });
            if (rec.lead_kind === 'person' && !hasLead) {
              await trx.updateTable('involvement').set({ is_lead: true }).where('id', '=', id).execute();
            }
          }
        }
        // Each recommendation on its agency team's work list, due on its date.
        const recs = await trx.selectFrom('panel_recommendation').selectAll().where('request_id', '=', c.id).execute();
        for (const x of recs) {
          const involved = await trx
            .selectFrom('involvement')
            .select('id')
            .where('person_id', '=', c.person_id)
            .where('team_id', '=', x.team_id)
            .where('ended_on', 'is', null)
            .executeTakeFirst();
          if (!involved) {
            await addInvolvement(trx, c.person_id, {
              organisationId: x.organisation_id,
              teamId: x.team_id,
              userId: null,
              role: `Acting on a recommendation of ${panel.name}`,
              startedOn: today,
              contactPhone: null,
              contactEmail: null,
              addedBy: by,
              addedReason: `Recommended at ${panel.name} on ${longDate(meeting.meeting_date)}`,
            });
          }
          await assignWork(trx, {
            kind: RECOMMENDATION_WORK,
            title: `Act on a recommendation of ${panel.name}`,
            href: `/people/${c.person_id}/panel-requests/${c.id}/decisions`,
            sourceType: 'panel_recommendation',
            sourceId: x.id,
            personId: c.person_id,
            assignTo: { teamId: x.team_id },
            dueAt: londonInstant(x.due_on, '23:59'),
            at: ctx.at,
            by,
          });
        }
        await recordAudit(trx, auditContext(ctx), {
          action: 'panel-record.approved',
          recordType: 'person',
          recordId: c.person_id,
          details: { panelId, meetingId, requestId: c.id, personIds: c.personIds },
        });
        await notify(trx, {
          userIds: [c.referrer_user_id, ...(rec.lead_user_id ? [rec.lead_user_id] : [])],
          kind: 'panel-record.approved',
          title: `${panel.name} has agreed its decisions`,
          href: `/people/${c.person_id}/panel-requests/${c.id}/decisions`,
          recordType: 'panel_request',
          recordId: c.id,
          at: ctx.at,
          except: by,
        });
      }
      await markDeadlineMet(trx, {
        ownerType: 'panel_meeting',
        ownerId: meetingId,
        ruleCode: DEADLINE_RULES.PANEL_DECISION_RECORDED.code,
        at: ctx.at,
        by,
      });
      await completeWork(trx, {
        sourceType: 'panel_meeting',
        sourceId: meetingId,
        kind: APPROVAL_WORK,
        at: ctx.at,
        by,
      });
      // Each case's written decisions and actions are circulated within 4 working days of the meeting (seed 003).
      const calendar = await loadWorkingCalendar(trx, panel.area_id);
      const circulation = [];
      for (const c of cases) {
        circulation.push(
          await setDeadline(trx, calendar, {
            ownerType: 'panel_request',
            ownerId: c.id,
            rule: DEADLINE_RULES.PANEL_DECISION_CIRCULATED,
            start: londonInstant(meeting.meeting_date, meeting.end_time),
          }),
        );
      }
      const { all } = await this.seatsOnDate(trx, panelId, today);
      await assignWork(trx, {
        kind: CIRCULATION_WORK,
        title: `Circulate the decisions of ${panel.name} on ${longDate(meeting.meeting_date)}`,
        href: `/panels/${panelId}/meetings/${meetingId}/record#circulate`,
        sourceType: 'panel_meeting',
        sourceId: meetingId,
        assignTo: { userIds: all.filter((m) => WRITERS.includes(m.role)).map((m) => m.user_id) },
        deadlineId: circulation[0]!.id,
        at: ctx.at,
        by,
      });
      const d = await findDeadline(trx, 'panel_meeting', meetingId, DEADLINE_RULES.PANEL_DECISION_RECORDED.code);
      return { late: !!d && d.met_at !== null && d.met_at > d.due_at };
    });
  }

  /**
   * The panel's administrator, chair or a deputy chair circulates the approved record: for each case not yet
   * circulated, the referrer, the lead professional (or the lead agency's managers) and the members of each team with a
   * recommendation are notified, pointing to the case's decisions page (the email says only that there is a
   * notification). The case's circulation deadline is met, so the record shows when it was sent and whether within 4
   * working days of the meeting. Audited on each child.
   */
  async circulate(ctx: RequestContext, panelId: string, meetingId: string) {
    return this.db.transaction().execute(async (trx) => {
      const { panel, roles } = await this.seats(trx, ctx, panelId);
      if (!WRITERS.some((r) => roles.has(r))) throw new NotFoundError();
      const meeting = await this.meetingOf(trx, panelId, meetingId);
      const record = await trx
        .selectFrom('panel_meeting_record')
        .select('approved_at')
        .where('meeting_id', '=', meetingId)
        .executeTakeFirst();
      if (!record?.approved_at) throw invalid('circulate', 'The chair approves the record before it is circulated');
      const by = ctx.actor!.userId;
      let sent = 0;
      for (const c of await this.cases(trx, meetingId)) {
        const deadline = await findDeadline(trx, 'panel_request', c.id, DEADLINE_RULES.PANEL_DECISION_CIRCULATED.code);
        if (!deadline || deadline.met_at) continue;
        const rec = await trx
          .selectFrom('panel_case_record')
          .select(['lead_kind', 'lead_user_id', 'lead_organisation_id'])
          .where('request_id', '=', c.id)
          .executeTakeFirstOrThrow();
        const recipients = new Set<string>([c.referrer_user_id]);
        if (rec.lead_user_id) recipients.add(rec.lead_user_id);
        else if (rec.lead_kind === 'agency' && rec.lead_organisation_id) {
          for (const id of await usersOfOrganisation(trx, rec.lead_organisation_id, ['manager'])) recipients.add(id);
        }
        const teams = await trx
          .selectFrom('panel_recommendation as x')
          .innerJoin('user_team as ut', 'ut.team_id', 'x.team_id')
          .select('ut.user_id')
          .distinct()
          .where('x.request_id', '=', c.id)
          .execute();
        for (const t of teams) recipients.add(t.user_id);
        const notified = await notify(trx, {
          userIds: recipients,
          kind: 'panel-record.circulated',
          title: `${panel.name}: the written decisions and actions of its meeting on ${longDate(meeting.meeting_date)}`,
          href: `/people/${c.person_id}/panel-requests/${c.id}/decisions`,
          recordType: 'panel_request',
          recordId: c.id,
          at: ctx.at,
          except: by,
        });
        await markDeadlineMet(trx, {
          ownerType: 'panel_request',
          ownerId: c.id,
          ruleCode: DEADLINE_RULES.PANEL_DECISION_CIRCULATED.code,
          at: ctx.at,
          by,
        });
        await recordAudit(trx, auditContext(ctx), {
          action: 'panel-record.circulated',
          recordType: 'person',
          recordId: c.person_id,
          details: {
            panelId,
            meetingId,
            requestId: c.id,
            personIds: c.personIds,
            recipients: notified,
            withinDeadline: ctx.at <= deadline.due_at,
          },
        });
        sent++;
      }
      if (!sent) throw invalid('circulate', 'The decisions of every case have already been circulated');
      await completeWork(trx, {
        sourceType: 'panel_meeting',
        sourceId: meetingId,
        kind: CIRCULATION_WORK,
        at: ctx.at,
        by,
      });
      return { sent };
    });
  }

  /**
   * A meeting's approved record, for the API: attendance, each case's outcomes, lead professional and recommendations
   * with their implementation. Members of the panel only, as the page; anyone else, or a record not yet approved, is
   * not found. Audited on the meeting with the children on its agenda.
   */
  async approvedRecord(ctx: RequestContext, meetingId: string) {
    return this.db.transaction().execute(async (trx) => {
      const meeting = await trx.selectFrom('panel_meeting').selectAll().where('id', '=', meetingId).executeTakeFirst();
      if (!meeting) throw new NotFoundError();
      const { panel, roles } = await this.seats(trx, ctx, meeting.panel_id);
      if (!roles.size) throw new NotFoundError();
      const record = await trx
        .selectFrom('panel_meeting_record')
        .selectAll()
        .where('meeting_id', '=', meetingId)
        .executeTakeFirst();
      if (!record?.approved_at || !record.approved_by) throw new NotFoundError('This meeting has no approved record');
      const { attending, deputies } = await this.seatsOnDate(trx, panel.id, meeting.meeting_date);
      const attendance = await trx
        .selectFrom('panel_attendance')
        .selectAll()
        .where('meeting_id', '=', meetingId)
        .execute();
      const cases = await this.cases(trx, meetingId);
      const details = [];
      for (const c of cases) details.push({ item: c, ...(await this.caseDetails(trx, c.id)) });
      await recordAudit(trx, auditContext(ctx), {
        action: 'panel-record.viewed',
        recordType: 'panel_meeting',
        recordId: meetingId,
        details: { panelId: panel.id, personIds: cases.flatMap((c) => c.personIds) },
      });
      return {
        panel,
        meeting,
        record,
        members: attending.map((m) => {
          const a = attendance.find((x) => x.member_id === m.id);
          return {
            userId: m.user_id,
            name: m.name,
            organisation: m.organisation,
            seat: m.role,
            status: a?.status ?? null,
            deputy: a?.deputy_member_id ? (deputies.find((d) => d.id === a.deputy_member_id)?.name ?? null) : null,
          };
        }),
        cases: details.map((d) => ({
          ...d,
          referrerStatus: attendance.find((x) => x.request_id === d.item.id)?.status ?? null,
        })),
      };
    });
  }

  /** A case's approved decisions, for those who work with the child: the referrer, the agencies asked, the lead. */
  async decisionsForChild(ctx: RequestContext, personId: string, requestId: string) {
    return runRefusable(this.db, async (trx) => {
      const actor = this.actor(ctx);
      const person = await findPerson(trx, personId);
      if (!person || person.merged_into) throw new NotFoundError();
      if (!(await relationshipsWith(trx, actor, personId, ctx.at)).length) {
        return refuseOnPerson(trx, ctx, 'panel-record.refused', personId, new NotFoundError(), { requestId });
      }
      const row = await trx
        .selectFrom('panel_request as r')
        .innerJoin('panel_request_person as rp', 'rp.request_id', 'r.id')
        .innerJoin('panel as p', 'p.id', 'r.panel_id')
        .innerJoin('panel_meeting as m', 'm.id', 'r.meeting_id')
        .innerJoin('panel_meeting_record as mr', 'mr.meeting_id', 'm.id')
        .select(['r.id', 'r.panel_id', 'r.meeting_id', 'p.name as panel_name', 'm.meeting_date', 'mr.approved_at'])
        .where('r.id', '=', requestId)
        .where('rp.person_id', '=', personId)
        .where('mr.approved_at', 'is not', null)
        .executeTakeFirst();
      if (!row) throw new NotFoundError();
      const view = await this.caseDetails(trx, requestId, actor);
      await recordAudit(trx, auditContext(ctx), {
        action: 'panel-record.decisions.viewed',
        recordType: 'person',
        recordId: personId,
        details: { requestId },
      });
      return {
        person: { id: person.id, name: nameOf(person) },
        requestId,
        panelName: row.panel_name,
        meetingLabel: longDate(row.meeting_date),
        ...view,
      };
    });
  }

  private async caseDetails(q: Q, requestId: string, actor?: Actor) {
    const rec = await q
      .selectFrom('panel_case_record as c')
      .leftJoin('app_user as lu', 'lu.id', 'c.lead_user_id')
      .leftJoin('organisation as lo', 'lo.id', 'c.lead_organisation_id')
      .leftJoin('organisation as so', 'so.id', 'c.school_organisation_id')
      .leftJoin('app_user as du', 'du.id', 'c.dissent_user_id')
      .leftJoin('organisation as dor', 'dor.id', 'c.dissent_organisation_id')
      .selectAll('c')
      .select(['lu.name as lead_name', 'lo.name as lead_organisation', 'so.name as school_name'])
      .select(['du.name as dissent_name', 'dor.name as dissent_organisation'])
      .where('c.request_id', '=', requestId)
      .executeTakeFirstOrThrow();
    const recommendations = await q
      .selectFrom('panel_recommendation as x')
      .innerJoin('organisation as o', 'o.id', 'x.organisation_id')
      .innerJoin('team as t', 't.id', 'x.team_id')
      .select(['x.id', 'x.what', 'x.due_on', 'x.team_id', 'o.name as organisation', 't.name as team'])
      .where('x.request_id', '=', requestId)
      .orderBy('x.created_at')
      .execute();
    const implementation = await implementationOf(
      q,
      recommendations.map((r) => r.id),
    );
    return {
      record: {
        ...rec,
        outcomeWords: rec.outcomes.map((o) => OUTCOME_WORDS[o as PanelOutcome] ?? o),
        criteriaWords: rec.lead_criteria.map((c) => LEAD_CRITERIA_WORDS[c as LeadCriterion] ?? c),
        reviewLabel: rec.lead_review_on ? longDate(rec.lead_review_on) : null,
        schoolContactWords: rec.school_contact ? SCHOOL_CONTACT_WORDS[rec.school_contact] : null,
      },
      recommendations: recommendations.map((r) => ({
        ...r,
        dueLabel: longDate(r.due_on),
        implementation: implementation.get(r.id),
        mayReport: !!actor && reportsFor(actor, r.team_id),
      })),
    };
  }
}
