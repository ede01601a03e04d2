/**
 * Multi-agency panels as configuration (docs/decisions/0029): a panel's set-up, its members by agency, the directory
 * services it is the gateway to, and its meetings, generated from the cadence on working days and sent to members
 * as calendar invitations through the outbox. Nothing here is about a child.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB, PanelAdviserKind, PanelMeetingStatus, PanelMemberRole, PanelModel, Role } from '../../db/schema.ts';
import { type Actor, hasRole, requireRole } from '../../platform/access.ts';
import { recordAudit } from '../../platform/audit.ts';
import { addDays, londonToday, longDate } from '../../platform/calendar.ts';
import { loadWorkingCalendar } from '../../platform/closures.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { dueWords } from '../../platform/deadlines.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import { enqueueEmail } from '../../platform/outbox.ts';
import { meetingCalendar } from './ical.ts';
import { addMonths, capacity, meetingDeadlines, minutesOf, planMeetings, timeOf } from './schedule.ts';

type Trx = Transaction<DB>;
type Q = Kysely<DB> | Trx;

export const PANEL_ROLES: Role[] = ['panel_admin', 'panel_chair', 'panel_member'];
const MANAGERS: Role[] = ['system_admin', 'panel_admin'];

export const MODEL_WORDS: Record<PanelModel, string> = {
  area_family_support: 'Area family support panel',
  complex_case_gateway: 'Complex-case gateway panel',
  other: 'Another kind of panel',
};
export const MEMBER_ROLE_WORDS: Record<PanelMemberRole, string> = {
  member: 'Member',
  deputy: 'Deputy',
  chair: 'Chair',
  deputy_chair: 'Deputy chair',
  administrator: 'Administrator',
  adviser: 'Invited adviser',
};
export const ADVISER_WORDS: Record<PanelAdviserKind, string> = {
  care_coordination: 'Care co-ordination',
  faith_and_minority_ethnic: 'Faith and minority ethnic organisations',
  childrens_information_service: 'Children’s information service',
  other: 'Other expertise',
};
export const WEEKDAY_WORDS = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'];
export const STATUS_WORDS: Record<PanelMeetingStatus, string> = {
  scheduled: 'Scheduled',
  cancelled: 'Cancelled',
  held: 'Held',
};

export interface PanelInput {
  name: string;
  model: PanelModel;
  modelDescription: string | null;
  areaId: string | null;
  remit: string | null;
  cadenceWeeks: number;
  weekday: number;
  startTime: string;
  maxMinutes: number;
  slotMinutes: number;
  papersDueWorkingDays: number;
  invitationDays: number;
  circulationWorkingDays: number;
  decisionsHours: number;
  serviceIds: string[];
}

export interface MemberInput {
  userId: string;
  organisationId: string | null;
  role: PanelMemberRole;
  deputyFor: string | null;
  adviserKind: PanelAdviserKind | null;
}

export interface MeetingInput {
  date: string;
  startTime: string;
  endTime: string;
  venue: string | null;
}

/** A panel member's current rows: from today or earlier, not yet ended (`to_date` is the day it ended). */
export function current<T extends { from_date: string; to_date: string | null }>(rows: T[], today: string): T[] {
  return rows.filter((m) => m.from_date <= today && (m.to_date === null || m.to_date > today));
}

export class PanelService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly baseUrl: string,
  ) {}

  private isManager(actor: Actor | null): boolean {
    return !!actor && !!hasRole(actor, ...MANAGERS);
  }

  /** system_admin manages every panel; a panel administrator those they are a current administrator of. */
  private async canManage(db: Q, actor: Actor, panelId: string, today: string): Promise<boolean> {
    if (hasRole(actor, 'system_admin')) return true;
    if (!hasRole(actor, 'panel_admin')) return false;
    const row = await db
      .selectFrom('panel_member')
      .select('id')
      .where('panel_id', '=', panelId)
      .where('user_id', '=', actor.userId)
      .where('role', '=', 'administrator')
      .where('from_date', '<=', today)
      .where((eb) => eb.or([eb('to_date', 'is', null), eb('to_date', '>', today)]))
      .executeTakeFirst();
    return !!row;
  }

  /** The panel if the actor may see it (a current member, or one who manages it), else a 404. */
  private async visiblePanel(db: Q, ctx: RequestContext, panelId: string) {
    const actor = ctx.actor;
    if (!actor) throw new NotFoundError();
    const panel = await db.selectFrom('panel').selectAll().where('id', '=', panelId).executeTakeFirst();
    if (!panel) throw new NotFoundError();
    const today = londonToday(ctx.at);
    const manage = await this.canManage(db, actor, panelId, today);
    if (!manage) {
      const seat = await db
        .selectFrom('panel_member')
        .select('id')
        .where('panel_id', '=', panelId)
        .where('user_id', '=', actor.userId)
        .where('from_date', '<=', today)
        .where((eb) => eb.or([eb('to_date', 'is', null), eb('to_date', '>', today)]))
        .executeTakeFirst();
      if (!seat) throw new NotFoundError();
    }
    return { panel, manage };
  }

  private async managedPanel(db: Q, ctx: RequestContext, panelId: string) {
    requireRole(ctx.actor, ...MANAGERS);
    const { panel, manage } = await this.visiblePanel(db, ctx, panelId);
    if (!manage) throw new ForbiddenError('Only the panel’s administrator or a system administrator can change it');
    return panel;
  }

  /** The Panels page: the panels the actor sits on with their next meetings; every panel for those who manage. */
  async overview(ctx: RequestContext) {
    const actor = ctx.actor;
    if (!actor) throw new ForbiddenError();
    requireRole(actor, ...PANEL_ROLES, 'system_admin');
    const today = londonToday(ctx.at);
    const seats = await this.db
      .selectFrom('panel_member as m')
      .innerJoin('panel as p', 'p.id', 'm.panel_id')
      .select(['p.id', 'p.name', 'p.status', 'm.role', 'm.from_date', 'm.to_date'])
      .where('m.user_id', '=', actor.userId)
      .execute();
    const mine = current(seats, today);
    const mineIds = [...new Set(mine.map((s) => s.id))];
    const meetings = mineIds.length
      ? await this.db
          .selectFrom('panel_meeting as pm')
          .innerJoin('panel as p', 'p.id', 'pm.panel_id')
          .select(['pm.id', 'pm.panel_id', 'p.name as panel_name', 'pm.meeting_date', 'pm.start_time', 'pm.end_time'])
          .select(['pm.venue', 'pm.status'])
          .where('pm.panel_id', 'in', mineIds)
          .where('pm.meeting_date', '>=', today)
          .where('pm.meeting_date', '<=', addDays(today, 92))
          .orderBy('pm.meeting_date')
          .execute()
      : [];
    const all = this.isManager(actor)
      ? await this.db
          .selectFrom('panel as p')
          .leftJoin('area as a', 'a.id', 'p.area_id')
          .select(['p.id', 'p.name', 'p.model', 'p.status', 'a.name as area_name'])
          .orderBy('p.name')
          .execute()
      : [];
    return {
      mine: mineIds.map((id) => ({
        id,
        name: mine.find((s) => s.id === id)!.name,
        roles: mine.filter((s) => s.id === id).map((s) => MEMBER_ROLE_WORDS[s.role]),
      })),
      meetings: meetings.map((m) => ({ ...m, label: longDate(m.meeting_date), statusWords: STATUS_WORDS[m.status] })),
      all: all.map((p) => ({ ...p, modelWords: MODEL_WORDS[p.model] })),
      canCreate: this.isManager(actor),
    };
  }

  /** What the panel form offers: areas and the directory's active services. */
  async formOptions(ctx: RequestContext) {
    requireRole(ctx.actor, ...MANAGERS);
    const [areas, services] = await Promise.all([
      this.db.selectFrom('area').select(['id', 'name', 'kind']).orderBy('name').execute(),
      this.db
        .selectFrom('directory_service')
        .select(['id', 'name'])
        .where('status', '=', 'active')
        .orderBy('name')
        .execute(),
    ]);
    return { areas, services };
  }

  private async checkPanel(trx: Trx, input: PanelInput, exceptId?: string) {
    const errors: { field: string; message: string }[] = [];
    let same = trx
      .selectFrom('panel')
      .select('id')
      .where((eb) => eb(eb.fn('lower', ['name']), '=', input.name.toLowerCase()));
    if (exceptId) same = same.where('id', '<>', exceptId);
    if (await same.executeTakeFirst())
      errors.push({ field: 'name', message: 'There is already a panel with that name' });
    if (
      input.areaId &&
      !(await trx.selectFrom('area').select('id').where('id', '=', input.areaId).executeTakeFirst())
    ) {
      errors.push({ field: 'areaId', message: 'Select an area or cluster from the list' });
    }
    if (input.serviceIds.length) {
      const found = await trx
        .selectFrom('directory_service')
        .select('id')
        .where('id', 'in', input.serviceIds)
        .execute();
      if (found.length !== new Set(input.serviceIds).size) {
        errors.push({ field: 'serviceIds', message: 'Select services from the directory list' });
      }
    }
    if (errors.length) throw new ValidationError(errors);
  }

  private panelRow(input: PanelInput) {
    return {
      name: input.name,
      model: input.model,
      model_description: input.model === 'other' ? input.modelDescription : null,
      area_id: input.areaId,
      remit: input.remit,
      cadence_weeks: input.cadenceWeeks,
      weekday: input.weekday,
      start_time: input.startTime,
      max_minutes: input.maxMinutes,
      slot_minutes: input.slotMinutes,
      papers_due_working_days: input.papersDueWorkingDays,
      invitation_days: input.invitationDays,
      circulation_working_days: input.circulationWorkingDays,
      decisions_hours: input.decisionsHours,
    };
  }

  private async setServices(trx: Trx, panelId: string, serviceIds: string[]) {
    await trx.deleteFrom('panel_gateway_service').where('panel_id', '=', panelId).execute();
    const ids = [...new Set(serviceIds)];
    if (ids.length) {
      await trx
        .insertInto('panel_gateway_service')
        .values(ids.map((service_id) => ({ panel_id: panelId, service_id })))
        .execute();
    }
  }

  /** A new panel; a panel administrator who creates it becomes its administrator. */
  async create(ctx: RequestContext, input: PanelInput): Promise<string> {
    const role = requireRole(ctx.actor, ...MANAGERS);
    const actor = ctx.actor!;
    return this.db.transaction().execute(async (trx) => {
      await this.checkPanel(trx, input);
      const { id } = await trx
        .insertInto('panel')
        .values(this.panelRow(input))
        .returning('id')
        .executeTakeFirstOrThrow();
      await this.setServices(trx, id, input.serviceIds);
      if (role === 'panel_admin' && !hasRole(actor, 'system_admin')) {
        await trx
          .insertInto('panel_member')
          .values({
            panel_id: id,
            user_id: actor.userId,
            organisation_id: actor.organisationId,
            role: 'administrator',
            deputy_for: null,
            adviser_kind: null,
            from_date: londonToday(ctx.at),
            to_date: null,
          })
          .execute();
      }
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'admin.panel.created',
        recordType: 'panel',
        recordId: id,
        details: { name: input.name, model: input.model, serviceIds: input.serviceIds },
      });
      return id;
    });
  }

  async update(ctx: RequestContext, panelId: string, input: PanelInput): Promise<void> {
    const role = requireRole(ctx.actor, ...MANAGERS);
    await this.db.transaction().execute(async (trx) => {
      const before = await this.managedPanel(trx, ctx, panelId);
      await this.checkPanel(trx, input, panelId);
      await trx
        .updateTable('panel')
        .set({ ...this.panelRow(input), updated_at: ctx.at })
        .where('id', '=', panelId)
        .execute();
      await this.setServices(trx, panelId, input.serviceIds);
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'admin.panel.updated',
        recordType: 'panel',
        recordId: panelId,
        details: { before: { name: before.name, model: before.model }, name: input.name, serviceIds: input.serviceIds },
      });
    });
  }

  /** The panel page: set-up, members, gateway services and meetings. */
  async view(ctx: RequestContext, panelId: string) {
    const { panel, manage } = await this.visiblePanel(this.db, ctx, panelId);
    const today = londonToday(ctx.at);
    const [area, members, services, meetings, retiredBy] = await Promise.all([
      panel.area_id
        ? this.db.selectFrom('area').select(['name', 'kind']).where('id', '=', panel.area_id).executeTakeFirst()
        : undefined,
      this.members(this.db, panelId),
      this.db
        .selectFrom('panel_gateway_service as g')
        .innerJoin('directory_service as s', 's.id', 'g.service_id')
        .select(['s.id', 's.name', 's.minimum_age', 's.maximum_age', 's.status'])
        .where('g.panel_id', '=', panelId)
        .orderBy('s.name')
        .execute(),
      this.db
        .selectFrom('panel_meeting')
        .selectAll()
        .where('panel_id', '=', panelId)
        .where('meeting_date', '>=', manage ? addDays(today, -92) : today)
        .orderBy('meeting_date')
        .execute(),
      panel.retired_by
        ? this.db.selectFrom('app_user').select('name').where('id', '=', panel.retired_by).executeTakeFirst()
        : undefined,
    ]);
    return {
      panel: {
        ...panel,
        modelWords: panel.model === 'other' ? panel.model_description : MODEL_WORDS[panel.model],
        weekdayWords: WEEKDAY_WORDS[panel.weekday],
        capacity: Math.floor(panel.max_minutes / panel.slot_minutes),
        areaName: area?.name ?? null,
        retiredLabel: panel.retired_at ? longDate(londonToday(panel.retired_at)) : null,
        retiredByName: panel.retired_by ? (retiredBy?.name ?? null) : null,
      },
      members: members.map((m) => ({ ...m, current: current([m], today).length > 0 })),
      services,
      meetings: meetings.map((m) => this.meetingView(m, panel)),
      manage,
    };
  }

  private async members(db: Q, panelId: string) {
    const rows = await db
      .selectFrom('panel_member as m')
      .innerJoin('app_user as u', 'u.id', 'm.user_id')
      .innerJoin('organisation as o', 'o.id', 'm.organisation_id')
      .select(['m.id', 'm.user_id', 'm.role', 'm.deputy_for', 'm.adviser_kind', 'm.from_date', 'm.to_date'])
      .select(['u.name as user_name', 'u.email as user_email', 'o.name as organisation_name'])
      .where('m.panel_id', '=', panelId)
      .orderBy('o.name')
      .orderBy('u.name')
      .execute();
    return rows.map((m) => ({
      ...m,
      roleWords: MEMBER_ROLE_WORDS[m.role],
      adviserWords: m.adviser_kind ? ADVISER_WORDS[m.adviser_kind] : null,
      deputyForName: m.deputy_for ? (rows.find((r) => r.id === m.deputy_for)?.user_name ?? null) : null,
      fromLabel: longDate(m.from_date),
      toLabel: m.to_date ? longDate(m.to_date) : null,
    }));
  }

  private meetingView<
    T extends {
      meeting_date: string;
      start_time: string;
      end_time: string;
      status: PanelMeetingStatus;
      moved_from: string | null;
    },
  >(m: T, panel: { slot_minutes: number; max_minutes: number }) {
    const length = minutesOf(m.end_time) - minutesOf(m.start_time);
    return {
      ...m,
      label: longDate(m.meeting_date),
      movedFromLabel: m.moved_from ? longDate(m.moved_from) : null,
      statusWords: STATUS_WORDS[m.status],
      capacity: capacity(m.start_time, m.end_time, panel.slot_minutes),
      overLength: length > panel.max_minutes,
    };
  }

  /** Users who can sit on a panel: those holding a panel role, with their organisation. */
  async candidates(ctx: RequestContext, panelId: string) {
    await this.managedPanel(this.db, ctx, panelId);
    const [users, organisations] = await Promise.all([
      this.db
        .selectFrom('app_user as u')
        .innerJoin('organisation as o', 'o.id', 'u.organisation_id')
        .select(['u.id', 'u.name', 'o.name as organisation_name'])
        .where('u.disabled_at', 'is', null)
        .where('u.kind', '=', 'person')
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('user_role as r')
              .select('r.user_id')
              .whereRef('r.user_id', '=', 'u.id')
              .where('r.role', 'in', PANEL_ROLES),
          ),
        )
        .orderBy('u.name')
        .execute(),
      this.db.selectFrom('organisation').select(['id', 'name']).orderBy('name').execute(),
    ]);
    return { users, organisations };
  }

  async addMember(ctx: RequestContext, panelId: string, input: MemberInput): Promise<void> {
    const role = requireRole(ctx.actor, ...MANAGERS);
    await this.db.transaction().execute(async (trx) => {
      await this.managedPanel(trx, ctx, panelId);
      const today = londonToday(ctx.at);
      const user = await trx
        .selectFrom('app_user as u')
        .select(['u.id', 'u.name', 'u.organisation_id'])
        .where('u.id', '=', input.userId)
        .where('u.disabled_at', 'is', null)
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('user_role as r')
              .select('r.user_id')
              .whereRef('r.user_id', '=', 'u.id')
              .where('r.role', 'in', PANEL_ROLES),
          ),
        )
        .executeTakeFirst();
      if (!user) throw new ValidationError([{ field: 'userId', message: 'Select a person who holds a panel role' }]);
      const organisationId = input.organisationId ?? user.organisation_id;
      if (!(await trx.selectFrom('organisation').select('id').where('id', '=', organisationId).executeTakeFirst())) {
        throw new ValidationError([{ field: 'organisationId', message: 'Select the agency from the list' }]);
      }
      const members = current(await this.members(trx, panelId), today);
      if (members.some((m) => m.user_id === input.userId && m.role === input.role)) {
        throw new ValidationError([
          {
            field: 'userId',
            message: `${user.name} is already a ${MEMBER_ROLE_WORDS[input.role].toLowerCase()} of this panel`,
          },
        ]);
      }
      if (input.role === 'deputy') {
        const of = members.find((m) => m.id === input.deputyFor && m.role === 'member');
        if (!of)
          throw new ValidationError([{ field: 'deputyFor', message: 'Select the member this person deputises for' }]);
        if (of.user_id === input.userId) {
          throw new ValidationError([{ field: 'deputyFor', message: 'A member cannot be their own deputy' }]);
        }
      }
      if (input.role === 'chair' && members.some((m) => m.role === 'chair')) {
        throw new ValidationError([
          {
            field: 'role',
            message: 'The panel already has a chair: end their membership first, or add a deputy chair',
          },
        ]);
      }
      const { id } = await trx
        .insertInto('panel_member')
        .values({
          panel_id: panelId,
          user_id: input.userId,
          organisation_id: organisationId,
          role: input.role,
          deputy_for: input.role === 'deputy' ? input.deputyFor : null,
          adviser_kind: input.role === 'adviser' ? input.adviserKind : null,
          from_date: today,
          to_date: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'admin.panel.member-added',
        recordType: 'panel',
        recordId: panelId,
        details: { memberId: id, userId: input.userId, role: input.role, organisationId },
      });
    });
  }

  /** Ends a membership today (a deputy's with it). Ending one already ended is a no-op. */
  async endMember(ctx: RequestContext, panelId: string, memberId: string): Promise<void> {
    const role = requireRole(ctx.actor, ...MANAGERS);
    await this.db.transaction().execute(async (trx) => {
      await this.managedPanel(trx, ctx, panelId);
      const today = londonToday(ctx.at);
      const member = await trx
        .selectFrom('panel_member')
        .selectAll()
        .where('id', '=', memberId)
        .where('panel_id', '=', panelId)
        .executeTakeFirst();
      if (!member) throw new NotFoundError();
      if (member.to_date !== null && member.to_date <= today) return;
      const ended = await trx
        .updateTable('panel_member')
        .set({ to_date: today })
        .where((eb) => eb.or([eb('id', '=', memberId), eb('deputy_for', '=', memberId)]))
        .where('to_date', 'is', null)
        .returning('id')
        .execute();
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'admin.panel.member-ended',
        recordType: 'panel',
        recordId: panelId,
        details: { memberIds: ended.map((e) => e.id), userId: member.user_id },
      });
    });
  }

  /**
   * Meetings for the next `months` months from the cadence, on working days (a bank holiday or closure day moves a
   * meeting to the next working day). Continues from the last meeting already generated; meetings already there are
   * left alone, so generating twice adds nothing. Members are sent an invitation for each new meeting.
   */
  async generate(ctx: RequestContext, panelId: string, months: number, venue: string | null) {
    const role = requireRole(ctx.actor, ...MANAGERS);
    return this.db.transaction().execute(async (trx) => {
      const panel = await this.managedPanel(trx, ctx, panelId);
      if (panel.status !== 'active') {
        throw new ValidationError([{ field: 'months', message: 'This panel is retired: it has no more meetings' }]);
      }
      const today = londonToday(ctx.at);
      const calendar = await loadWorkingCalendar(trx, panel.area_id);
      const existing = await trx
        .selectFrom('panel_meeting')
        .select(['meeting_date', 'moved_from'])
        .where('panel_id', '=', panelId)
        .where('meeting_date', '>', today)
        .execute();
      const taken = new Set(existing.flatMap((m) => [m.meeting_date, m.moved_from].filter((d): d is string => !!d)));
      const from = addDays(today, 1);
      const plan = planMeetings(
        { cadenceWeeks: panel.cadence_weeks, weekday: panel.weekday },
        from,
        addMonths(today, months),
        calendar,
      ).filter((p) => !taken.has(p.date) && !(p.movedFrom && taken.has(p.movedFrom)));
      const endTime = timeOf(Math.min(minutesOf(panel.start_time) + panel.max_minutes, 23 * 60 + 59));
      const created = [];
      for (const p of plan) {
        const row = await trx
          .insertInto('panel_meeting')
          .values({
            panel_id: panelId,
            meeting_date: p.date,
            start_time: panel.start_time,
            end_time: endTime,
            venue,
            moved_from: p.movedFrom,
            moved_reason: p.movedReason,
          })
          .returning(['id', 'meeting_date', 'start_time', 'end_time', 'venue', 'status', 'sequence'])
          .executeTakeFirstOrThrow();
        created.push({ ...row, moved_from: p.movedFrom, moved_reason: p.movedReason });
        await this.invite(trx, ctx, panel.name, panelId, row);
      }
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'admin.panel.meetings-generated',
        recordType: 'panel',
        recordId: panelId,
        details: { months, meetings: created.map((c) => c.meeting_date) },
      });
      return created.map((c) => ({
        ...c,
        label: longDate(c.meeting_date),
        movedFromLabel: c.moved_from ? longDate(c.moved_from) : null,
      }));
    });
  }

  /** One email per current member with the meeting's iCalendar: an invitation, an update or a cancellation. */
  private async invite(
    trx: Trx,
    ctx: RequestContext,
    panelName: string,
    panelId: string,
    meeting: {
      id: string;
      meeting_date: string;
      start_time: string;
      end_time: string;
      venue: string | null;
      status: PanelMeetingStatus;
      sequence: number;
    },
  ) {
    const today = londonToday(ctx.at);
    const members = current(await this.members(trx, panelId), today);
    const url = `${this.baseUrl}/panels/${panelId}/meetings/${meeting.id}`;
    const ics = meetingCalendar(
      {
        id: meeting.id,
        panelName,
        date: meeting.meeting_date,
        startTime: meeting.start_time,
        endTime: meeting.end_time,
        venue: meeting.venue,
        status: meeting.status,
        sequence: meeting.sequence,
        url,
      },
      ctx.at,
    );
    const cancelled = meeting.status === 'cancelled';
    const method = cancelled ? 'CANCEL' : 'REQUEST';
    const subject = cancelled
      ? 'A panel meeting has been cancelled'
      : meeting.sequence > 0
        ? 'A panel meeting has changed'
        : 'Invitation to a panel meeting';
    for (const email of [...new Set(members.map((m) => m.user_email))]) {
      await enqueueEmail(trx, {
        to: email,
        subject,
        text: `${subject}: ${panelName}, ${longDate(meeting.meeting_date)}, ${meeting.start_time} to ${meeting.end_time}.\n\nThe calendar entry is attached. See the meeting in Early Help Hub: ${url}`,
        attachments: [
          {
            filename: 'panel-meeting.ics',
            contentType: `text/calendar; charset=utf-8; method=${method}`,
            content: ics,
          },
        ],
      });
    }
  }

  async meeting(ctx: RequestContext, panelId: string, meetingId: string) {
    const { panel, manage } = await this.visiblePanel(this.db, ctx, panelId);
    const m = await this.db
      .selectFrom('panel_meeting')
      .selectAll()
      .where('id', '=', meetingId)
      .where('panel_id', '=', panelId)
      .executeTakeFirst();
    if (!m) throw new NotFoundError();
    const calendar = await loadWorkingCalendar(this.db, panel.area_id);
    const d = meetingDeadlines(
      { date: m.meeting_date, endTime: m.end_time },
      {
        papersDueWorkingDays: panel.papers_due_working_days,
        invitationDays: panel.invitation_days,
        circulationWorkingDays: panel.circulation_working_days,
        decisionsHours: panel.decisions_hours,
      },
      calendar,
    );
    return {
      panel,
      manage,
      meeting: this.meetingView(m, panel),
      deadlines: {
        papersDue: longDate(d.papersDue),
        invitationBy: longDate(d.invitationBy),
        decisionsBy: dueWords(d.decisionsBy),
        circulatedBy: longDate(d.circulatedBy),
      },
    };
  }

  async calendarFile(ctx: RequestContext, panelId: string, meetingId: string): Promise<string> {
    const { panel, meeting } = await this.meeting(ctx, panelId, meetingId);
    return meetingCalendar(
      {
        id: meeting.id,
        panelName: panel.name,
        date: meeting.meeting_date,
        startTime: meeting.start_time,
        endTime: meeting.end_time,
        venue: meeting.venue,
        status: meeting.status,
        sequence: meeting.sequence,
        url: `${this.baseUrl}/panels/${panelId}/meetings/${meetingId}`,
      },
      ctx.at,
    );
  }

  /**
   * Changes a meeting's date, times or venue, refusing a length over the panel's maximum, a day that is not a working
   * day, a day in the past and a second meeting on one day. Members are sent the update (SEQUENCE one more).
   * Saving it unchanged changes nothing and sends nothing.
   */
  async updateMeeting(ctx: RequestContext, panelId: string, meetingId: string, input: MeetingInput): Promise<void> {
    const role = requireRole(ctx.actor, ...MANAGERS);
    await this.db.transaction().execute(async (trx) => {
      const panel = await this.managedPanel(trx, ctx, panelId);
      const m = await trx
        .selectFrom('panel_meeting')
        .selectAll()
        .where('id', '=', meetingId)
        .where('panel_id', '=', panelId)
        .executeTakeFirst();
      if (!m) throw new NotFoundError();
      if (m.status !== 'scheduled') {
        throw new ValidationError([
          { field: 'date', message: `This meeting is ${STATUS_WORDS[m.status].toLowerCase()}: it cannot be changed` },
        ]);
      }
      const errors: { field: string; message: string }[] = [];
      const today = londonToday(ctx.at);
      const calendar = await loadWorkingCalendar(trx, panel.area_id);
      if (input.date < today)
        errors.push({ field: 'date', message: 'Date of the meeting must be today or in the future' });
      else if (!calendar.isWorkingDay(input.date)) {
        const holiday = calendar.holiday(input.date);
        errors.push({
          field: 'date',
          message: holiday
            ? `${longDate(input.date)} is not a working day (${holiday.name}): choose a working day`
            : `${longDate(input.date)} is a weekend: choose a working day`,
        });
      }
      const length = minutesOf(input.endTime) - minutesOf(input.startTime);
      if (length <= 0) errors.push({ field: 'endTime', message: 'End time must be after the start time' });
      else if (length > panel.max_minutes) {
        errors.push({
          field: 'endTime',
          message: `The meeting would last ${length} minutes: this panel meets for at most ${panel.max_minutes} minutes`,
        });
      } else if (length < panel.slot_minutes) {
        errors.push({
          field: 'endTime',
          message: `The meeting must be long enough for one ${panel.slot_minutes}-minute slot`,
        });
      }
      if (!errors.length && input.date !== m.meeting_date) {
        const clash = await trx
          .selectFrom('panel_meeting')
          .select('id')
          .where('panel_id', '=', panelId)
          .where('meeting_date', '=', input.date)
          .where('status', '<>', 'cancelled')
          .where('id', '<>', meetingId)
          .executeTakeFirst();
        if (clash) errors.push({ field: 'date', message: 'The panel already meets that day' });
      }
      if (errors.length) throw new ValidationError(errors);
      const same =
        input.date === m.meeting_date &&
        input.startTime === m.start_time &&
        input.endTime === m.end_time &&
        (input.venue ?? null) === m.venue;
      if (same) return;
      const updated = await trx
        .updateTable('panel_meeting')
        .set({
          meeting_date: input.date,
          start_time: input.startTime,
          end_time: input.endTime,
          venue: input.venue,
          sequence: m.sequence + 1,
          updated_at: ctx.at,
          ...(input.date !== m.meeting_date ? { moved_from: null, moved_reason: null } : {}),
        })
        .where('id', '=', meetingId)
        .returning(['id', 'meeting_date', 'start_time', 'end_time', 'venue', 'status', 'sequence'])
        .executeTakeFirstOrThrow();
      await this.invite(trx, ctx, panel.name, panelId, updated);
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'admin.panel.meeting-changed',
        recordType: 'panel_meeting',
        recordId: meetingId,
        details: {
          panelId,
          before: { date: m.meeting_date, startTime: m.start_time, endTime: m.end_time, venue: m.venue },
          after: input,
        },
      });
    });
  }

  /**
   * Retires a panel: it takes no more requests and has no more meetings. Refused while requests wait for it or sit
   * on its agendas (the administrator declines, redirects or withdraws them first). Its meetings still to come are
   * cancelled and members sent the cancellations; its history stays. Retiring a retired panel is a no-op.
   */
  async retire(ctx: RequestContext, panelId: string, reason: string): Promise<{ cancelled: number }> {
    const role = requireRole(ctx.actor, ...MANAGERS);
    return this.db.transaction().execute(async (trx) => {
      const panel = await this.managedPanel(trx, ctx, panelId);
      if (panel.status === 'retired') return { cancelled: 0 };
      const open = await trx
        .selectFrom('panel_request')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('panel_id', '=', panelId)
        .where('status', 'in', ['submitted', 'accepted'])
        .executeTakeFirstOrThrow();
      const waiting = Number(open.n);
      if (waiting) {
        throw new ValidationError([
          {
            field: 'reason',
            message: `${waiting} ${waiting === 1 ? 'request is' : 'requests are'} still waiting for this panel or on its agendas: decline, redirect or withdraw ${waiting === 1 ? 'it' : 'them'} before retiring the panel`,
          },
        ]);
      }
      await trx
        .updateTable('panel')
        .set({
          status: 'retired',
          retired_at: ctx.at,
          retired_by: ctx.actor!.userId,
          retired_reason: reason,
          updated_at: ctx.at,
        })
        .where('id', '=', panelId)
        .execute();
      const cancelled = await trx
        .updateTable('panel_meeting')
        .set((eb) => ({ status: 'cancelled', sequence: eb('sequence', '+', 1), updated_at: ctx.at }))
        .where('panel_id', '=', panelId)
        .where('status', '=', 'scheduled')
        .where('meeting_date', '>=', londonToday(ctx.at))
        .returning(['id', 'meeting_date', 'start_time', 'end_time', 'venue', 'status', 'sequence'])
        .execute();
      for (const m of cancelled) await this.invite(trx, ctx, panel.name, panelId, m);
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'admin.panel.retired',
        recordType: 'panel',
        recordId: panelId,
        details: { reason, meetingsCancelled: cancelled.length },
      });
      return { cancelled: cancelled.length };
    });
  }

  /** Cancels a meeting and sends members the cancellation. Cancelling one already cancelled is a no-op. */
  async cancelMeeting(ctx: RequestContext, panelId: string, meetingId: string): Promise<void> {
    const role = requireRole(ctx.actor, ...MANAGERS);
    await this.db.transaction().execute(async (trx) => {
      const panel = await this.managedPanel(trx, ctx, panelId);
      const m = await trx
        .selectFrom('panel_meeting')
        .selectAll()
        .where('id', '=', meetingId)
        .where('panel_id', '=', panelId)
        .executeTakeFirst();
      if (!m) throw new NotFoundError();
      if (m.status === 'cancelled') return;
      if (m.status === 'held') throw new ValidationError([{ field: 'confirm', message: 'This meeting has been held' }]);
      const updated = await trx
        .updateTable('panel_meeting')
        .set({ status: 'cancelled', sequence: m.sequence + 1, updated_at: ctx.at })
        .where('id', '=', meetingId)
        .returning(['id', 'meeting_date', 'start_time', 'end_time', 'venue', 'status', 'sequence'])
        .executeTakeFirstOrThrow();
      await this.invite(trx, ctx, panel.name, panelId, updated);
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'admin.panel.meeting-cancelled',
        recordType: 'panel_meeting',
        recordId: meetingId,
        details: { panelId, date: m.meeting_date },
      });
    });
  }
}
