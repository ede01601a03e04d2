/**
 * Team around the family meetings (issue 10, fourth part): an episode's lead or a member of its team schedules a
 * meeting (the team is told) and records it afterwards: who came (each member present, sent apologies or absent),
 * the family members present, others present by name and organisation, the family's views, the decisions and the
 * next meeting's date. Anyone who may see the episode sees its meetings. See docs/decisions/0027-taf-meetings-and-steps.md.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Q } from '../../db/connection.ts';
import type { DB, Role, TafAttendance, TafMeetingFormat } from '../../db/schema.ts';
import type { Actor } from '../../platform/access.ts';
import { recordAudit } from '../../platform/audit.ts';
import { londonInstant, londonToday } from '../../platform/calendar.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import { notify } from '../../platform/notifications.ts';
import { rolePowerOver } from '../../platform/partnership.ts';
import { Refusal, refuseOnPerson, runRefusable } from '../../platform/refusals.ts';
import { relationshipsWith } from '../../platform/relationships.ts';
import { findPerson } from '../people/repository.ts';

type Trx = Transaction<DB>;

const LEADER_ROLES: Role[] = ['integrated_processes'];
const REFUSED = 'taf-meeting.refused';

export const FORMAT_WORDS: Record<TafMeetingFormat, string> = {
  in_person: 'In person',
  video: 'Video call',
  phone: 'Phone call',
};
export const ATTENDANCE_WORDS: Record<TafAttendance, string> = {
  present: 'Present',
  apologies: 'Sent apologies',
  absent: 'Absent',
};

export interface ScheduleInput {
  meetsOn: string;
  time: string;
  format: TafMeetingFormat;
  place: string;
  chairUserId: string;
}

export interface RecordInput {
  /** Keyed by `lead` or a team member's id. */
  attendance: Record<string, string | undefined>;
  familyIds: string[];
  others: { name: string; organisation: string }[];
  familyViews: string;
  decisions: string[];
  nextMeetingOn: string | null;
}

const nameOf = (p: { given_name: string; family_name: string }) => `${p.given_name} ${p.family_name}`;

/**
 * The children on TAF meetings still to be held between two instants: one row per child and meeting, for a panel
 * (issue 11) to warn when a child is on two forums' agendas.
 */
export async function childrenOnTafMeetings(q: Q, from: Date, to: Date) {
  return q
    .selectFrom('taf_meeting as m')
    .innerJoin('episode_person as ep', 'ep.episode_id', 'm.episode_id')
    .select(['m.id as meetingId', 'm.episode_id as episodeId', 'm.meets_at as meetsAt', 'ep.person_id as personId'])
    .where('m.status', '=', 'scheduled')
    .where('m.meets_at', '>=', from)
    .where('m.meets_at', '<', to)
    .orderBy('m.meets_at')
    .execute();
}

export class TafService {
  constructor(private readonly db: Kysely<DB>) {}

  private actor(ctx: RequestContext): Actor {
    if (!ctx.actor) throw new ForbiddenError();
    return ctx.actor;
  }

  /** The lead, and the team's current members who are users of the service: who may schedule and record. */
  private async team(q: Q, episodeId: string) {
    const lead = await q
      .selectFrom('episode_lead as l')
      .innerJoin('app_user as u', 'u.id', 'l.user_id')
      .innerJoin('organisation as o', 'o.id', 'u.organisation_id')
      .select(['l.user_id', 'u.name', 'o.name as organisation'])
      .where('l.episode_id', '=', episodeId)
      .where('l.ended_at', 'is', null)
      .executeTakeFirst();
    const members = await q
      .selectFrom('episode_member as m')
      .leftJoin('app_user as u', 'u.id', 'm.user_id')
      .leftJoin('organisation as o', 'o.id', 'u.organisation_id')
      .leftJoin('directory_service as s', 's.id', 'm.directory_service_id')
      .select(['m.id', 'm.user_id', 'm.role', 'u.name as user_name', 'm.outside_name', 's.name as service_name'])
      .select(['o.name as user_organisation', 'm.outside_organisation'])
      .where('m.episode_id', '=', episodeId)
      .where('m.left_at', 'is', null)
      .orderBy('m.added_at')
      .orderBy('m.id')
      .execute();
    return {
      lead: lead ?? null,
      members: members.map((m) => ({
        id: m.id,
        userId: m.user_id,
        role: m.role,
        name: m.user_name ?? m.outside_name ?? m.service_name ?? 'Someone',
        organisation: m.user_organisation ?? m.outside_organisation ?? null,
      })),
    };
  }

  /**
   * The child and episode, if the actor may see the episode (a relationship with the child, or the targeted
   * services leader within the child's partnership), and whether they may schedule and record meetings (the lead
   * or a current team member, while the episode is open). Otherwise refused as not found, audited on the child.
   */
  private async access(trx: Trx, ctx: RequestContext, personId: string, episodeId: string) {
    const actor = this.actor(ctx);
    const person = await findPerson(trx, personId);
    if (!person || person.merged_into) throw new NotFoundError();
    const related = (await relationshipsWith(trx, actor, personId, ctx.at)).length > 0;
    if (!related && !(await rolePowerOver(trx, actor, LEADER_ROLES, personId, ctx.at))) {
      return refuseOnPerson(trx, ctx, REFUSED, personId, new NotFoundError(), { episodeId });
    }
    const episode = await trx
      .selectFrom('episode as e')
      .innerJoin('episode_person as ep', 'ep.episode_id', 'e.id')
      .select(['e.id', 'e.status'])
      .where('e.id', '=', episodeId)
      .where('ep.person_id', '=', personId)
      .executeTakeFirst();
    if (!episode) throw new NotFoundError();
    const team = await this.team(trx, episodeId);
    const mayRecord =
      episode.status === 'open' &&
      (team.lead?.user_id === actor.userId || team.members.some((m) => m.userId === actor.userId));
    return { person, name: nameOf(person), episode, team, mayRecord };
  }

  private async requireRecord(trx: Trx, ctx: RequestContext, personId: string, episodeId: string) {
    const found = await this.access(trx, ctx, personId, episodeId);
    if (found instanceof Refusal) return found;
    if (!found.mayRecord) {
      return refuseOnPerson(
        trx,
        ctx,
        REFUSED,
        personId,
        new ForbiddenError(
          'Only the lead practitioner or a member of the team around the family can arrange or record its meetings, while the episode is open.',
        ),
        { episodeId },
      );
    }
    return found;
  }

  private async peopleOf(q: Q, episodeId: string) {
    return q
      .selectFrom('episode_person')
      .select('person_id')
      .where('episode_id', '=', episodeId)
      .execute()
      .then((r) => r.map((x) => x.person_id));
  }

  private async meeting(q: Q, episodeId: string, meetingId: string) {
    const m = await q
      .selectFrom('taf_meeting as m')
      .innerJoin('app_user as c', 'c.id', 'm.chair_user_id')
      .leftJoin('app_user as r', 'r.id', 'm.recorded_by')
      .selectAll('m')
      .select(['c.name as chair_name', 'r.name as recorded_by_name'])
      .where('m.id', '=', meetingId)
      .where('m.episode_id', '=', episodeId)
      .executeTakeFirst();
    if (!m) throw new NotFoundError();
    return m;
  }

  /**
   * Runs `fn` on a meeting of the episode for someone who may arrange and record its meetings (the lead or a team
   * member, while the episode is open): the meeting's side of another forum's warning. Refused otherwise, audited.
   */
  async asOrganiser<T>(
    ctx: RequestContext,
    personId: string,
    episodeId: string,
    meetingId: string,
    fn: (trx: Trx) => Promise<T>,
  ): Promise<T> {
    return runRefusable(this.db, async (trx) => {
      const found = await this.requireRecord(trx, ctx, personId, episodeId);
      if (found instanceof Refusal) return found;
      await this.meeting(trx, episodeId, meetingId);
      return fn(trx);
    });
  }

  /** The episode's meetings, soonest-to-come and then the latest held first. */
  async list(ctx: RequestContext, personId: string, episodeId: string) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.access(trx, ctx, personId, episodeId);
      if (found instanceof Refusal) return found;
      const meetings = await trx
        .selectFrom('taf_meeting as m')
        .innerJoin('app_user as c', 'c.id', 'm.chair_user_id')
        .select(['m.id', 'm.meets_at', 'm.format', 'm.place', 'm.status', 'c.name as chair_name'])
        .where('m.episode_id', '=', episodeId)
        .orderBy('m.meets_at', 'desc')
        .orderBy('m.id')
        .execute();
      await recordAudit(trx, auditContext(ctx), {
        action: 'taf-meeting.list.viewed',
        recordType: 'person',
        recordId: personId,
        details: { episodeId },
      });
      return { ...found, meetings };
    });
  }

  /** What the schedule form needs: who may chair (the lead and the team's users). */
  async scheduleForm(ctx: RequestContext, personId: string, episodeId: string) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.requireRecord(trx, ctx, personId, episodeId);
      if (found instanceof Refusal) return found;
      return { ...found, chairs: this.chairs(found.team) };
    });
  }

  private chairs(team: Awaited<ReturnType<TafService['team']>>) {
    const out: { id: string; name: string }[] = [];
    if (team.lead) out.push({ id: team.lead.user_id, name: `${team.lead.name} (lead practitioner)` });
    for (const m of team.members) {
      if (m.userId && !out.some((c) => c.id === m.userId)) out.push({ id: m.userId, name: `${m.name} (${m.role})` });
    }
    return out;
  }

  /** Schedules a meeting; the lead and the team's users are told. */
  async schedule(ctx: RequestContext, personId: string, episodeId: string, input: ScheduleInput) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.requireRecord(trx, ctx, personId, episodeId);
      if (found instanceof Refusal) return found;
      if (!this.chairs(found.team).some((c) => c.id === input.chairUserId)) {
        throw new ValidationError([
          { field: 'chairUserId', message: 'Select who will chair: the lead practitioner or someone in the team' },
        ]);
      }
      const meetsAt = londonInstant(input.meetsOn, input.time);
      if (meetsAt.getTime() < ctx.at.getTime() - 366 * 24 * 3600_000) {
        throw new ValidationError([
          { field: 'meetsOn', message: 'The date of the meeting must be within the last year' },
        ]);
      }
      const meeting = await trx
        .insertInto('taf_meeting')
        .values({
          episode_id: episodeId,
          meets_at: meetsAt,
          format: input.format,
          place: input.place,
          chair_user_id: input.chairUserId,
          scheduled_by: ctx.actor!.userId,
          scheduled_at: ctx.at,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const userIds = [found.team.lead?.user_id, ...found.team.members.map((m) => m.userId)].filter(
        (x): x is string => !!x,
      );
      await notify(trx, {
        userIds,
        kind: 'taf-meeting.scheduled',
        title: 'A team around the family meeting has been arranged',
        href: `/people/${personId}/episodes/${episodeId}/taf-meetings/${meeting.id}`,
        recordType: 'taf_meeting',
        recordId: meeting.id,
        at: ctx.at,
        except: ctx.actor!.userId,
      });
      await recordAudit(trx, auditContext(ctx), {
        action: 'taf-meeting.scheduled',
        recordType: 'person',
        recordId: personId,
        details: { episodeId, meetingId: meeting.id, personIds: await this.peopleOf(trx, episodeId) },
      });
      return { id: meeting.id };
    });
  }

  /** One meeting: when and how, and once held, who came, the family's views and the decisions. */
  async view(ctx: RequestContext, personId: string, episodeId: string, meetingId: string) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.access(trx, ctx, personId, episodeId);
      if (found instanceof Refusal) return found;
      const meeting = await this.meeting(trx, episodeId, meetingId);
      const attendance = await trx
        .selectFrom('taf_meeting_attendance')
        .select(['id', 'name', 'organisation', 'attendance', 'user_id'])
        .where('meeting_id', '=', meetingId)
        .orderBy('user_id')
        .orderBy('id')
        .execute();
      const family = await trx
        .selectFrom('taf_meeting_family as f')
        .innerJoin('person as p', 'p.id', 'f.person_id')
        .select(['p.id', 'p.given_name', 'p.family_name'])
        .where('f.meeting_id', '=', meetingId)
        .orderBy('p.date_of_birth')
        .execute();
      const others = await trx
        .selectFrom('taf_meeting_other')
        .select(['name', 'organisation'])
        .where('meeting_id', '=', meetingId)
        .orderBy('position')
        .execute();
      const decisions = await trx
        .selectFrom('taf_meeting_decision')
        .select(['decision'])
        .where('meeting_id', '=', meetingId)
        .orderBy('position')
        .execute();
      await recordAudit(trx, auditContext(ctx), {
        action: 'taf-meeting.viewed',
        recordType: 'person',
        recordId: personId,
        details: { episodeId, meetingId },
      });
      return {
        ...found,
        meeting,
        attendance,
        family: family.map((p) => ({ id: p.id, name: nameOf(p) })),
        others,
        decisions: decisions.map((d) => d.decision),
        mayRecordThis: found.mayRecord && meeting.status === 'scheduled',
      };
    });
  }

  /** What the record form needs: the meeting, the team to mark, and the household to pick family members from. */
  async recordForm(ctx: RequestContext, personId: string, episodeId: string, meetingId: string) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.requireRecord(trx, ctx, personId, episodeId);
      if (found instanceof Refusal) return found;
      const meeting = await this.meeting(trx, episodeId, meetingId);
      if (meeting.status !== 'scheduled') throw new NotFoundError();
      return { ...found, meeting, household: await this.household(trx, episodeId) };
    });
  }

  /** The people living with the episode's children now: family members who could be present. */
  private async household(q: Q, episodeId: string) {
    const rows = await q
      .selectFrom('episode_person as ep')
      .innerJoin('household_member as me', 'me.person_id', 'ep.person_id')
      .innerJoin('household_member as hm', 'hm.household_id', 'me.household_id')
      .innerJoin('person as p', 'p.id', 'hm.person_id')
      .select(['p.id', 'p.given_name', 'p.family_name', 'p.date_of_birth'])
      .where('ep.episode_id', '=', episodeId)
      .where('me.moved_out', 'is', null)
      .where('hm.moved_out', 'is', null)
      .where('p.merged_into', 'is', null)
      .distinct()
      .orderBy('p.date_of_birth')
      .orderBy('p.id')
      .execute();
    return rows.map((p) => ({ id: p.id, name: nameOf(p) }));
  }

  /** Records a scheduled meeting as held: every team member's attendance, who else came, views and decisions. */
  async record(ctx: RequestContext, personId: string, episodeId: string, meetingId: string, input: RecordInput) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.requireRecord(trx, ctx, personId, episodeId);
      if (found instanceof Refusal) return found;
      const meeting = await this.meeting(trx, episodeId, meetingId);
      if (meeting.status !== 'scheduled') throw new NotFoundError();
      const errors: { field: string; message: string }[] = [];
      const marks: { key: string; name: string; organisation: string | null; attendance: TafAttendance }[] = [];
      const who = [
        ...(found.team.lead
          ? [{ key: 'lead', name: found.team.lead.name, organisation: found.team.lead.organisation }]
          : []),
        ...found.team.members.map((m) => ({ key: m.id, name: m.name, organisation: m.organisation })),
      ];
      for (const w of who) {
        const a = input.attendance[w.key];
        if (a !== 'present' && a !== 'apologies' && a !== 'absent') {
          errors.push({ field: `attendance-${w.key}`, message: `Select whether ${w.name} was present` });
        } else marks.push({ ...w, attendance: a });
      }
      if (meeting.meets_at.getTime() > ctx.at.getTime()) {
        errors.unshift({ field: 'form', message: 'The meeting has not happened yet: record it after it is held' });
      }
      const household = new Set((await this.household(trx, episodeId)).map((p) => p.id));
      if (input.familyIds.some((id) => !household.has(id))) {
        errors.push({ field: 'familyIds', message: 'Select family members from the household' });
      }
      if (input.nextMeetingOn && input.nextMeetingOn < londonToday(ctx.at)) {
        errors.push({ field: 'nextMeetingOn', message: 'The date of the next meeting must be today or in the future' });
      }
      if (errors.length) throw new ValidationError(errors);
      await trx
        .updateTable('taf_meeting')
        .set({
          status: 'held',
          recorded_by: ctx.actor!.userId,
          recorded_at: ctx.at,
          family_views: input.familyViews,
          next_meeting_on: input.nextMeetingOn,
        })
        .where('id', '=', meetingId)
        .execute();
      await trx
        .insertInto('taf_meeting_attendance')
        .values(
          marks.map((m) => ({
            meeting_id: meetingId,
            member_id: m.key === 'lead' ? null : m.key,
            user_id: m.key === 'lead' ? found.team.lead!.user_id : null,
            name: m.name,
            organisation: m.organisation,
            attendance: m.attendance,
          })),
        )
        .execute();
      if (input.familyIds.length) {
        await trx
          .insertInto('taf_meeting_family')
          .values([...new Set(input.familyIds)].map((id) => ({ meeting_id: meetingId, person_id: id })))
          .execute();
      }
      if (input.others.length) {
        await trx
          .insertInto('taf_meeting_other')
          .values(input.others.map((o, i) => ({ meeting_id: meetingId, position: i, ...o })))
          .execute();
      }
      if (input.decisions.length) {
        await trx
          .insertInto('taf_meeting_decision')
          .values(input.decisions.map((d, i) => ({ meeting_id: meetingId, position: i, decision: d })))
          .execute();
      }
      await recordAudit(trx, auditContext(ctx), {
        action: 'taf-meeting.recorded',
        recordType: 'person',
        recordId: personId,
        details: {
          episodeId,
          meetingId,
          personIds: await this.peopleOf(trx, episodeId),
          familyPresent: input.familyIds,
        },
      });
      return { id: meetingId };
    });
  }
}
