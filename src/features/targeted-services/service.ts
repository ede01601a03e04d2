/**
 * A targeted services leader's lists (role `integrated_processes`): the "Top 100" families in greatest need in their
 * areas, scored with the reasons shown, and the families they bring to their next "Guidance and Support" meeting to
 * find a lead practitioner. Requests from the front door reach them as work items on their work list.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { requireRole } from '../../platform/access.ts';
import { recordAudit } from '../../platform/audit.ts';
import { londonToday } from '../../platform/calendar.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { ConflictError, type FieldError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import { LEVEL_NAMES } from '../threshold/guidance.ts';
import * as repo from './repository.ts';

const LEADER_ROLES = ['integrated_processes'] as const;

export interface ScoreReason {
  text: string;
  points: number;
}

/** The reasons behind a family's score, in words, each with the points it adds. */
export function reasons(f: repo.FamilyRow): ScoreReason[] {
  const out: ScoreReason[] = [];
  if (f.top_level && f.top_level !== 'universal') {
    out.push({ text: `Highest level of need: ${LEVEL_NAMES[f.top_level]}`, points: repo.LEVEL_POINTS[f.top_level] });
  }
  if (f.further_children > 0) {
    out.push({
      text: `${f.further_children} more ${f.further_children === 1 ? 'child' : 'children'} at early help or above`,
      points: f.further_children * repo.FURTHER_CHILD_POINTS,
    });
  }
  if (f.agencies > 0) {
    out.push({
      text: `${f.agencies} ${f.agencies === 1 ? 'agency' : 'agencies'} working with the children`,
      points: Math.min(f.agencies * repo.AGENCY_POINTS.each, repo.AGENCY_POINTS.cap),
    });
  }
  if (f.unmet_needs > 0) {
    out.push({
      text: `${f.unmet_needs} unmet ${f.unmet_needs === 1 ? 'need' : 'needs'} recorded`,
      points: Math.min(f.unmet_needs * repo.UNMET_POINTS.each, repo.UNMET_POINTS.cap),
    });
  }
  if (f.adult_needs > 0) {
    out.push({
      text: `${f.adult_needs} adult ${f.adult_needs === 1 ? 'need' : 'needs'} affecting parenting (Think Family)`,
      points: Math.min(f.adult_needs, repo.ADULT_NEED_POINTS.cap) * repo.ADULT_NEED_POINTS.each,
    });
  }
  if (f.no_lead) out.push({ text: 'No lead practitioner yet', points: repo.NO_LEAD_POINTS });
  return out;
}

const CONSENT_WORDS: Record<repo.ConsentStatus, string> = {
  given: 'Consent to share recorded',
  refused: 'Consent refused',
  none: 'No consent recorded',
};

function view(f: repo.FamilyRow) {
  const children = f.children.map((c) => ({
    ...c,
    levelName: c.level && c.level !== 'universal' ? LEVEL_NAMES[c.level] : null,
  }));
  return { ...f, children, reasons: reasons(f), consentWords: CONSENT_WORDS[f.consent], lead: children[0]! };
}

export class TargetedServicesService {
  constructor(private readonly db: Kysely<DB>) {}

  /** The leader's page: the Top 100, the next meeting and the families on it. */
  async lists(ctx: RequestContext) {
    const role = requireRole(ctx.actor, ...LEADER_ROLES);
    const actor = ctx.actor!;
    const today = londonToday(ctx.at);
    return this.db.transaction().execute(async (trx) => {
      const top = (await repo.families(trx, actor.userId, today, ctx.at)).map(view);
      const meeting = await repo.nextMeeting(trx, actor.userId, today);
      const added = meeting ? await repo.meetingFamilies(trx, meeting.id) : [];
      const summaries = await repo.families(trx, actor.userId, today, ctx.at, {
        householdIds: added.map((a) => a.household_id),
      });
      const onMeeting = added.flatMap((a) => {
        const f = summaries.find((s) => s.household_id === a.household_id);
        return f ? [{ ...view(f), reason: a.added_reason, personId: a.person_id }] : [];
      });
      const personIds = [...new Set([...top, ...onMeeting].flatMap((f) => f.children.map((c) => c.id)))];
      // Nothing about a child is read when no family is listed: then there is nothing to record.
      if (personIds.length) {
        await recordAudit(trx, auditContext(ctx, role), {
          action: 'person.targeted-services.viewed',
          details: { personIds, households: top.length, onMeeting: onMeeting.length },
        });
      }
      const onMeetingIds = new Set(onMeeting.map((f) => f.household_id));
      return {
        top: top.map((f) => ({ ...f, onMeeting: onMeetingIds.has(f.household_id) })),
        meeting: meeting ?? null,
        onMeeting,
        limit: repo.TOP_LIMIT,
      };
    });
  }

  /** Sets the date of the leader's next meeting (a date already set is kept: a repeat is a no-op). */
  async setMeeting(ctx: RequestContext, meetsOn: string) {
    requireRole(ctx.actor, ...LEADER_ROLES);
    if (meetsOn < londonToday(ctx.at)) {
      throw new ValidationError([{ field: 'meetsOn', message: 'The meeting date must be today or in the future' }]);
    }
    await this.db
      .insertInto('guidance_support_meeting')
      .values({ leader_id: ctx.actor!.userId, meets_on: meetsOn, set_at: ctx.at })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  /** A family of the leader's, with its children, for the add and remove pages; anyone else's is not found. */
  async family(ctx: RequestContext, householdId: string) {
    requireRole(ctx.actor, ...LEADER_ROLES);
    const actor = ctx.actor!;
    const today = londonToday(ctx.at);
    const [f] = await repo.families(this.db, actor.userId, today, ctx.at, { householdIds: [householdId] });
    if (!f) throw new NotFoundError();
    const meeting = await repo.nextMeeting(this.db, actor.userId, today);
    const current = meeting
      ? (await repo.meetingFamilies(this.db, meeting.id)).find((a) => a.household_id === householdId)
      : undefined;
    return { family: view(f), meeting: meeting ?? null, current: current ?? null };
  }

  /** Adds the family to the next meeting, with the reason; already on it is a no-op. */
  async add(ctx: RequestContext, householdId: string, reason: string) {
    const role = requireRole(ctx.actor, ...LEADER_ROLES);
    const actor = ctx.actor!;
    const errors: FieldError[] = [];
    if (!reason.trim()) errors.push({ field: 'reason', message: 'Enter why the family is brought to the meeting' });
    else if (reason.length > 500)
      errors.push({ field: 'reason', message: 'The reason must be 500 characters or fewer' });
    if (errors.length) throw new ValidationError(errors);
    const today = londonToday(ctx.at);
    return this.db.transaction().execute(async (trx) => {
      const [f] = await repo.families(trx, actor.userId, today, ctx.at, { householdIds: [householdId] });
      if (!f) throw new NotFoundError();
      const meeting = await repo.nextMeeting(trx, actor.userId, today);
      if (!meeting) throw new ConflictError('Set the date of the next Guidance and Support meeting first');
      const already = (await repo.meetingFamilies(trx, meeting.id)).some((a) => a.household_id === householdId);
      if (already) return;
      const personId = f.children[0]!.id;
      await trx
        .insertInto('guidance_support_family')
        .values({
          meeting_id: meeting.id,
          household_id: householdId,
          person_id: personId,
          added_by: actor.userId,
          added_reason: reason.trim(),
          added_at: ctx.at,
        })
        .execute();
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.guidance-support.added',
        recordType: 'person',
        recordId: personId,
        reason: reason.trim(),
        details: { householdId, meetingId: meeting.id, personIds: f.children.map((c) => c.id) },
      });
    });
  }

  /** Takes the family off the next meeting, with the reason; not on it is a no-op. */
  async remove(ctx: RequestContext, householdId: string, reason: string) {
    const role = requireRole(ctx.actor, ...LEADER_ROLES);
    const actor = ctx.actor!;
    if (!reason.trim()) {
      throw new ValidationError([{ field: 'reason', message: 'Enter why the family is taken off the meeting' }]);
    }
    if (reason.length > 500) {
      throw new ValidationError([{ field: 'reason', message: 'The reason must be 500 characters or fewer' }]);
    }
    const today = londonToday(ctx.at);
    return this.db.transaction().execute(async (trx) => {
      if (!(await repo.inScope(trx, actor.userId, householdId))) throw new NotFoundError();
      const meeting = await repo.nextMeeting(trx, actor.userId, today);
      const current = meeting
        ? (await repo.meetingFamilies(trx, meeting.id)).find((a) => a.household_id === householdId)
        : undefined;
      if (!meeting || !current) return;
      await trx
        .updateTable('guidance_support_family')
        .set({ removed_at: ctx.at, removed_by: actor.userId, removed_reason: reason.trim() })
        .where('id', '=', current.id)
        .execute();
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.guidance-support.removed',
        recordType: 'person',
        recordId: current.person_id,
        reason: reason.trim(),
        details: { householdId, meetingId: meeting.id },
      });
    });
  }
}
