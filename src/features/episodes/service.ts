/**
 * Early help episodes: a family's or a child's time in early help. An episode covers children (and others) in one
 * household, has one lead practitioner at a time (appointed when it opens, changed only through a recorded
 * handover) and a team around the family, and is closed with a reason. Its lead and its team are relationships
 * with the children (src/platform/relationships.ts). See docs/decisions/0024-early-help-episodes.md.
 */
import type { Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import type { Q } from '../../db/connection.ts';
import type { DB, EpisodeCloseReason } from '../../db/schema.ts';
import { type Actor, hasRole } from '../../platform/access.ts';
import { recordAudit } from '../../platform/audit.ts';
import { londonToday } from '../../platform/calendar.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import { notify } from '../../platform/notifications.ts';
import { rolePowerOver, withinPartnership } from '../../platform/partnership.ts';
import { Refusal, refuseOnPerson, runRefusable } from '../../platform/refusals.ts';
import { relationshipsWith } from '../../platform/relationships.ts';
import { assignWork, completeWork, reassignWork } from '../../platform/work.ts';
import { findPerson } from '../people/repository.ts';
import { openPlanActions, REVIEW_OWNER_PLAN, REVIEW_OWNER_REVIEW, REVIEW_WORK } from '../plans/service.ts';
import { CONFIRM_WORK, currentMonitoring, monitoringsOf, outcomesOf } from './closure.ts';

type Trx = Transaction<DB>;

/** Roles that may open an episode, be its lead or sit on its team as a user of the service. */
export const EPISODE_ROLES = ['practitioner', 'manager', 'front_door', 'integrated_processes'] as const;
/** The targeted services leader's role: it reaches every episode of a child in their partnership. */
const LEADER_ROLES = ['integrated_processes'] as const;

/**
 * The closing reasons, with their meaning as in the Children in Need census closure reasons. "Needs met" closes only
 * by confirming closure after a sustained period of monitoring (./closure.ts); the codes of the first release are
 * kept, with words that say what they mean now (docs/decisions/0028-closing-an-episode.md).
 */
export const CLOSE_REASON_WORDS: Record<EpisodeCloseReason, string> = {
  needs_met: 'Needs met, and the improvement sustained',
  stepped_up: 'Stepped up to children’s social care',
  moved_away: 'The family moved away',
  family_declined: 'The family withdrew their consent',
  stepped_down: 'Another service now leads',
  other: 'Another reason',
};

/** The reasons an episode closes directly, without a period of monitoring. */
export const DIRECT_CLOSE_REASONS = ['stepped_up', 'moved_away', 'family_declined', 'stepped_down', 'other'] as const;

export const OPENED_FROM_WORDS = {
  front_door_contact: 'A front door decision',
  assessment: 'An early help assessment',
  panel: 'A panel',
  manual: 'Opened by a practitioner',
  step_down: 'A step down from children’s social care',
} as const;

const LEAD_WORK = 'episode.acknowledge-lead';
const LEAD_SOURCE = 'episode_lead';
const REFUSED = 'episode.refused';
/** The source of the "confirm closure" work item: the monitoring period. */
export const MONITORING_SOURCE = 'episode_monitoring';

export interface OpenInput {
  personIds: string[];
  leadUserId: string;
  contactId?: string | null;
  /** A step down from children's social care (src/features/episodes/steps.ts): recorded in the same transaction. */
  stepDown?: (trx: Trx, episodeId: string) => Promise<void>;
}
export type MemberInput =
  | { kind: 'user'; userId: string; role: string }
  | { kind: 'outside'; name: string; organisation: string; role: string }
  | { kind: 'service'; directoryServiceId: string; role: string };
export interface HandoverInput {
  incomingUserId: string;
  note: string;
  agreedOn: string;
}
export interface CloseInput {
  reason: EpisodeCloseReason;
  note: string | null;
}

/**
 * What must be finished before an episode closes: the plan's open actions (src/features/plans/); closure's
 * "sustained for an agreed period" and Supporting Families outcomes will be checked beside them. Each entry is
 * shown to the person closing, and closing is refused while any remain.
 */
export async function openActionsOf(q: Q, episodeId: string): Promise<string[]> {
  return openPlanActions(q, episodeId);
}

const nameOf = (p: { given_name: string; family_name: string }) => `${p.given_name} ${p.family_name}`;

export class EpisodeService {
  constructor(private readonly db: Kysely<DB>) {}

  private actor(ctx: RequestContext): Actor {
    if (!ctx.actor) throw new ForbiddenError();
    return ctx.actor;
  }

  /**
   * The child, if the actor may see their episodes: a relationship with the child, or the targeted services
   * leader's role within the child's partnership. Otherwise refused as not found, audited on the child.
   */
  async child(trx: Trx, ctx: RequestContext, personId: string) {
    const actor = this.actor(ctx);
    const person = await findPerson(trx, personId);
    if (!person || person.merged_into) throw new NotFoundError();
    const relationships = await relationshipsWith(trx, actor, personId, ctx.at);
    const leader = await rolePowerOver(trx, actor, [...LEADER_ROLES], personId, ctx.at);
    if (!relationships.length && !leader) {
      return refuseOnPerson(trx, ctx, REFUSED, personId, new NotFoundError());
    }
    return { person, relationships, leader };
  }

  /** The episode, if it covers the child. */
  async episode(trx: Q, personId: string, episodeId: string) {
    const e = await trx
      .selectFrom('episode as e')
      .innerJoin('episode_person as ep', 'ep.episode_id', 'e.id')
      .innerJoin('app_user as u', 'u.id', 'e.opened_by')
      .selectAll('e')
      .select('u.name as opened_by_name')
      .where('e.id', '=', episodeId)
      .where('ep.person_id', '=', personId)
      .executeTakeFirst();
    if (!e) throw new NotFoundError();
    return e;
  }

  async peopleOf(trx: Q, episodeId: string) {
    return trx
      .selectFrom('episode_person as ep')
      .innerJoin('person as p', 'p.id', 'ep.person_id')
      .select(['p.id', 'p.given_name', 'p.family_name', 'p.kind', 'p.date_of_birth'])
      .where('ep.episode_id', '=', episodeId)
      .orderBy('p.date_of_birth')
      .orderBy('p.id')
      .execute();
  }

  async currentLead(trx: Q, episodeId: string) {
    return trx
      .selectFrom('episode_lead as l')
      .innerJoin('app_user as u', 'u.id', 'l.user_id')
      .innerJoin('organisation as o', 'o.id', 'u.organisation_id')
      .select(['l.id', 'l.user_id', 'l.started_at', 'l.acknowledged_at', 'u.name', 'o.name as organisation_name'])
      .where('l.episode_id', '=', episodeId)
      .where('l.ended_at', 'is', null)
      .executeTakeFirst();
  }

  /** Whether the actor may change the episode: its lead, or the targeted services leader for the child. */
  async mayManage(trx: Q, actor: Actor, personId: string, episodeId: string, at: Date) {
    const lead = await this.currentLead(trx, episodeId);
    if (lead?.user_id === actor.userId) return true;
    return rolePowerOver(trx, actor, [...LEADER_ROLES], personId, at);
  }

  async requireManage(trx: Trx, ctx: RequestContext, personId: string, episodeId: string) {
    const found = await this.child(trx, ctx, personId);
    if (found instanceof Refusal) return found;
    const episode = await this.episode(trx, personId, episodeId);
    if (!(await this.mayManage(trx, ctx.actor!, personId, episodeId, ctx.at))) {
      return refuseOnPerson(
        trx,
        ctx,
        REFUSED,
        personId,
        new ForbiddenError('Only the lead practitioner or the targeted services leader can change this episode.'),
        { episodeId },
      );
    }
    if (episode.status !== 'open') {
      throw new ValidationError([{ field: 'episode', message: 'This episode is closed: it can no longer be changed' }]);
    }
    return { ...found, episode };
  }

  /**
   * The users who may be a lead or a member for this child: active people with a practitioner's role whose
   * organisation (or own areas) serve the child's partnership, or anyone when the child is in no partnership.
   */
  async candidates(q: Q, personId: string, at: Date) {
    const users = await q
      .selectFrom('app_user as u')
      .innerJoin('organisation as o', 'o.id', 'u.organisation_id')
      .select(['u.id', 'u.name', 'u.organisation_id', 'o.name as organisation_name'])
      .where('u.kind', '=', 'person')
      .where('u.disabled_at', 'is', null)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('user_role as r')
            .select('r.user_id')
            .whereRef('r.user_id', '=', 'u.id')
            .where('r.role', 'in', [...EPISODE_ROLES]),
        ),
      )
      .orderBy('u.name')
      .limit(500)
      .execute();
    const out: typeof users = [];
    for (const u of users) {
      if (await withinPartnership(q, { userId: u.id, organisationId: u.organisation_id }, personId, at)) out.push(u);
    }
    return out;
  }

  /** Checks a user can be a lead or a member for the child: refused as a problem with the field otherwise. */
  private async checkCandidate(trx: Q, field: string, userId: string, personId: string, at: Date, what: string) {
    const u = await trx
      .selectFrom('app_user as u')
      .select(['u.id', 'u.name', 'u.organisation_id'])
      .where('u.id', '=', userId)
      .where('u.kind', '=', 'person')
      .where('u.disabled_at', 'is', null)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('user_role as r')
            .select('r.user_id')
            .whereRef('r.user_id', '=', 'u.id')
            .where('r.role', 'in', [...EPISODE_ROLES]),
        ),
      )
      .executeTakeFirst();
    if (!u || !(await withinPartnership(trx, { userId: u.id, organisationId: u.organisation_id }, personId, at))) {
      throw new ValidationError([
        { field, message: `Select ${what} who works with children in this child’s partnership` },
      ]);
    }
    return u;
  }

  /** The children and others living with the child now: who an episode could cover. */
  private async household(q: Q, personId: string) {
    return q
      .selectFrom('household_member as me')
      .innerJoin('household_member as hm', 'hm.household_id', 'me.household_id')
      .innerJoin('person as p', 'p.id', 'hm.person_id')
      .select(['p.id', 'p.given_name', 'p.family_name', 'p.kind', 'p.date_of_birth'])
      .where('me.person_id', '=', personId)
      .where('me.moved_out', 'is', null)
      .where('hm.moved_out', 'is', null)
      .where('p.merged_into', 'is', null)
      .where('p.kind', '=', 'child')
      .distinct()
      .orderBy('p.date_of_birth')
      .orderBy('p.id')
      .execute();
  }

  /** The open episode covering a person, if any. */
  private async openEpisodeOf(q: Q, personId: string) {
    return q
      .selectFrom('episode as e')
      .innerJoin('episode_person as ep', 'ep.episode_id', 'e.id')
      .select('e.id')
      .where('ep.person_id', '=', personId)
      .where('e.status', '=', 'open')
      .executeTakeFirst();
  }

  /**
   * The child an episode is reached through, for the API's `/api/v1/episodes/:id`: the first of its people the
   * actor works with (or, for the targeted services leader, in their partnership); otherwise its first person, so
   * that the refusal is audited on them. An episode that does not exist is not found.
   */
  async personFor(ctx: RequestContext, episodeId: string): Promise<string> {
    const actor = this.actor(ctx);
    const people = await this.peopleOf(this.db, episodeId);
    if (!people.length) throw new NotFoundError();
    for (const p of people) {
      if ((await relationshipsWith(this.db, actor, p.id, ctx.at)).length) return p.id;
    }
    for (const p of people) if (await rolePowerOver(this.db, actor, [...LEADER_ROLES], p.id, ctx.at)) return p.id;
    return people[0]!.id;
  }

  /** The child's episodes, newest first, each with its current (or last) lead. */
  async list(ctx: RequestContext, personId: string) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.child(trx, ctx, personId);
      if (found instanceof Refusal) return found;
      const episodes = await trx
        .selectFrom('episode as e')
        .innerJoin('episode_person as ep', 'ep.episode_id', 'e.id')
        .select([
          'e.id',
          'e.status',
          'e.opened_at',
          'e.opened_from',
          'e.closed_at',
          'e.close_reason',
          (eb) =>
            eb
              .selectFrom('episode_lead as l')
              .innerJoin('app_user as u', 'u.id', 'l.user_id')
              .select('u.name')
              .whereRef('l.episode_id', '=', 'e.id')
              .orderBy('l.started_at', 'desc')
              .limit(1)
              .as('lead_name'),
        ])
        .where('ep.person_id', '=', personId)
        .orderBy('e.opened_at', 'desc')
        .execute();
      const actor = ctx.actor!;
      const mayOpen =
        !!hasRole(actor, ...EPISODE_ROLES) &&
        !episodes.some((e) => e.status === 'open') &&
        found.person.kind === 'child';
      await recordAudit(trx, auditContext(ctx), {
        action: 'episode.list.viewed',
        recordType: 'person',
        recordId: personId,
      });
      return { person: found.person, name: nameOf(found.person), episodes, mayOpen };
    });
  }

  /** What the open form needs: the household's children, the people who may lead, and the contact it comes from. */
  async openForm(ctx: RequestContext, personId: string, contactId: string | null) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.child(trx, ctx, personId);
      if (found instanceof Refusal) return found;
      if (contactId) await this.contactFor(trx, ctx.actor!, personId, contactId);
      const household = await this.household(trx, personId);
      const children = household.some((c) => c.id === personId)
        ? household
        : [{ ...found.person, id: personId }, ...household];
      const inEpisode = new Set<string>();
      for (const c of children) if (await this.openEpisodeOf(trx, c.id)) inEpisode.add(c.id);
      return {
        person: found.person,
        name: nameOf(found.person),
        children: children.map((c) => ({ id: c.id, name: nameOf(c), inEpisode: inEpisode.has(c.id) })),
        candidates: await this.candidates(trx, personId, ctx.at),
        alreadyOpen: inEpisode.has(personId),
      };
    });
  }

  /**
   * The front door contact an episode is opened from: decided "ask the targeted services leader", the actor the
   * leader it went to, and the child one of its children.
   */
  private async contactFor(trx: Q, actor: Actor, personId: string, contactId: string) {
    const c = await trx
      .selectFrom('contact_decision as d')
      .innerJoin('contact_child as cc', 'cc.contact_id', 'd.contact_id')
      .select(['d.contact_id', 'd.leader_user_id'])
      .where('d.contact_id', '=', contactId)
      .where('d.outcome', '=', 'targeted_support')
      .where('cc.person_id', '=', personId)
      .executeTakeFirst();
    if (!c || c.leader_user_id !== actor.userId) throw new NotFoundError();
    return c;
  }

  /** Opens an episode for the children with a lead practitioner; the lead is told and asked to acknowledge. */
  async open(ctx: RequestContext, personId: string, input: OpenInput): Promise<{ id: string }> {
    return runRefusable(this.db, async (trx) => {
      const found = await this.child(trx, ctx, personId);
      if (found instanceof Refusal) return found;
      const actor = ctx.actor!;
      if (!hasRole(actor, ...EPISODE_ROLES)) throw new ForbiddenError();
      const contact = input.contactId ? await this.contactFor(trx, actor, personId, input.contactId) : null;
      const household = new Set([personId, ...(await this.household(trx, personId)).map((c) => c.id)]);
      const personIds = [...new Set([personId, ...input.personIds])];
      const errors: { field: string; message: string }[] = [];
      if (personIds.some((id) => !household.has(id))) {
        errors.push({ field: 'personIds', message: 'Select only children who live with this child' });
      }
      for (const id of personIds) {
        if (await this.openEpisodeOf(trx, id)) {
          errors.push({
            field: 'personIds',
            message: 'A child you selected already has an open early help episode: add to that one instead',
          });
          break;
        }
      }
      if (errors.length) throw new ValidationError(errors);
      const lead = await this.checkCandidate(
        trx,
        'leadUserId',
        input.leadUserId,
        personId,
        ctx.at,
        'a lead practitioner',
      );

      const episode = await trx
        .insertInto('episode')
        .values({
          opened_at: ctx.at,
          opened_by: actor.userId,
          opened_from: contact ? 'front_door_contact' : input.stepDown ? 'step_down' : 'manual',
          opened_from_id: contact?.contact_id ?? null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('episode_person')
        .values(personIds.map((id) => ({ episode_id: episode.id, person_id: id })))
        .execute();
      await this.appoint(trx, ctx, personId, episode.id, lead.id, null);
      if (contact) {
        await completeWork(trx, {
          sourceType: 'contact',
          sourceId: contact.contact_id,
          kind: 'front-door.targeted-support',
          at: ctx.at,
          by: actor.userId,
        });
      }
      if (input.stepDown) await input.stepDown(trx, episode.id);
      await recordAudit(trx, auditContext(ctx), {
        action: 'episode.opened',
        recordType: 'person',
        recordId: personId,
        details: {
          episodeId: episode.id,
          personIds,
          leadUserId: lead.id,
          openedFrom: contact ? 'front_door_contact' : input.stepDown ? 'step_down' : 'manual',
          contactId: contact?.contact_id ?? null,
        },
      });
      return { id: episode.id };
    });
  }

  /** Starts a lead's appointment: their work item to acknowledge it and a notification (not when they appointed themselves). */
  private async appoint(
    trx: Trx,
    ctx: RequestContext,
    personId: string,
    episodeId: string,
    userId: string,
    handover: { from: string; note: string; agreedOn: string } | null,
  ) {
    const actor = ctx.actor!;
    const self = userId === actor.userId;
    const row = await trx
      .insertInto('episode_lead')
      .values({
        episode_id: episodeId,
        user_id: userId,
        started_at: ctx.at,
        appointed_by: actor.userId,
        handover_from: handover?.from ?? null,
        handover_note: handover?.note ?? null,
        handover_agreed_on: handover?.agreedOn ?? null,
        acknowledged_at: self ? ctx.at : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (self) return;
    const href = `/people/${personId}/episodes/${episodeId}`;
    await assignWork(trx, {
      kind: LEAD_WORK,
      title: 'You are the lead practitioner for an early help episode: acknowledge it',
      href,
      sourceType: LEAD_SOURCE,
      sourceId: row.id,
      personId,
      assignTo: { userIds: [userId] },
      at: ctx.at,
      by: actor.userId,
    });
    await notify(trx, {
      userIds: [userId],
      kind: 'episode.lead-appointed',
      title: 'You have been made the lead practitioner for an early help episode',
      href,
      recordType: 'episode',
      recordId: episodeId,
      at: ctx.at,
      except: actor.userId,
    });
  }

  /** One episode: the children, the lead and the leads before, the team, and what the actor may do. */
  async view(ctx: RequestContext, personId: string, episodeId: string) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.child(trx, ctx, personId);
      if (found instanceof Refusal) return found;
      const episode = await this.episode(trx, personId, episodeId);
      const actor = ctx.actor!;
      const leads = await trx
        .selectFrom('episode_lead as l')
        .innerJoin('app_user as u', 'u.id', 'l.user_id')
        .innerJoin('organisation as o', 'o.id', 'u.organisation_id')
        .leftJoin('app_user as f', 'f.id', 'l.handover_from')
        .innerJoin('app_user as a', 'a.id', 'l.appointed_by')
        .select([
          'l.id',
          'l.user_id',
          'l.started_at',
          'l.ended_at',
          'l.acknowledged_at',
          'l.handover_note',
          'l.handover_agreed_on',
          'u.name',
          'o.name as organisation_name',
          'f.name as handover_from_name',
          'a.name as appointed_by_name',
        ])
        .where('l.episode_id', '=', episodeId)
        .orderBy('l.started_at')
        .orderBy('l.id')
        .execute();
      const lead = leads.find((l) => !l.ended_at) ?? null;
      const members = await this.members(trx, episodeId);
      await recordAudit(trx, auditContext(ctx), {
        action: 'episode.viewed',
        recordType: 'person',
        recordId: personId,
        details: { episodeId },
      });
      const open = episode.status === 'open';
      return {
        person: found.person,
        name: nameOf(found.person),
        episode,
        people: await this.peopleOf(trx, episodeId),
        lead,
        leads,
        members,
        mayManage: open && (await this.mayManage(trx, actor, personId, episodeId, ctx.at)),
        mayAcknowledge: open && !!lead && lead.user_id === actor.userId && !lead.acknowledged_at,
        openActions: open ? await openActionsOf(trx, episodeId) : [],
        monitoring: open ? ((await currentMonitoring(trx, episodeId)) ?? null) : null,
        monitorings: await monitoringsOf(trx, episodeId),
        outcomes: await outcomesOf(trx, episodeId),
        today: londonToday(ctx.at),
      };
    });
  }

  private async members(q: Q, episodeId: string) {
    return q
      .selectFrom('episode_member as m')
      .leftJoin('app_user as u', 'u.id', 'm.user_id')
      .leftJoin('organisation as o', 'o.id', 'u.organisation_id')
      .leftJoin('directory_service as s', 's.id', 'm.directory_service_id')
      .select([
        'm.id',
        'm.user_id',
        'm.outside_name',
        'm.outside_organisation',
        'm.directory_service_id',
        'm.role',
        'm.joined_on',
        'm.left_on',
        'm.left_at',
        'u.name as user_name',
        'o.name as user_organisation',
        's.name as service_name',
        sql<string>`coalesce(u.name, m.outside_name, s.name)`.as('name'),
        sql<string | null>`coalesce(o.name, m.outside_organisation)`.as('organisation'),
      ])
      .where('m.episode_id', '=', episodeId)
      .orderBy('m.added_at')
      .orderBy('m.id')
      .execute();
  }

  /** What the change forms need: the episode, its lead, and who may join or take over. */
  async changeForm(ctx: RequestContext, personId: string, episodeId: string) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.requireManage(trx, ctx, personId, episodeId);
      if (found instanceof Refusal) return found;
      const services = await trx
        .selectFrom('directory_service as s')
        .select(['s.id', 's.name'])
        .where('s.status', '=', 'active')
        .orderBy('s.name')
        .limit(1000)
        .execute();
      return {
        person: found.person,
        name: nameOf(found.person),
        episode: found.episode,
        lead: await this.currentLead(trx, episodeId),
        members: (await this.members(trx, episodeId)).filter((m) => !m.left_at),
        candidates: await this.candidates(trx, personId, ctx.at),
        services,
        openActions: await openActionsOf(trx, episodeId),
      };
    });
  }

  /** Adds someone to the team around the family; a user of the service is told. */
  async addMember(ctx: RequestContext, personId: string, episodeId: string, input: MemberInput) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.requireManage(trx, ctx, personId, episodeId);
      if (found instanceof Refusal) return found;
      const today = londonToday(ctx.at);
      const values = {
        episode_id: episodeId,
        role: input.role,
        joined_on: today,
        added_by: ctx.actor!.userId,
        added_at: ctx.at,
        user_id: null as string | null,
        outside_name: null as string | null,
        outside_organisation: null as string | null,
        directory_service_id: null as string | null,
      };
      if (input.kind === 'user') {
        const u = await this.checkCandidate(trx, 'userId', input.userId, personId, ctx.at, 'a practitioner');
        const already = await trx
          .selectFrom('episode_member')
          .select('id')
          .where('episode_id', '=', episodeId)
          .where('user_id', '=', u.id)
          .where('left_at', 'is', null)
          .executeTakeFirst();
        if (already)
          throw new ValidationError([{ field: 'userId', message: 'This practitioner is already in the team' }]);
        values.user_id = u.id;
      } else if (input.kind === 'outside') {
        values.outside_name = input.name;
        values.outside_organisation = input.organisation;
      } else {
        const s = await trx
          .selectFrom('directory_service')
          .select('id')
          .where('id', '=', input.directoryServiceId)
          .where('status', '=', 'active')
          .executeTakeFirst();
        if (!s)
          throw new ValidationError([{ field: 'directoryServiceId', message: 'Select a service from the directory' }]);
        values.directory_service_id = s.id;
      }
      const m = await trx.insertInto('episode_member').values(values).returning('id').executeTakeFirstOrThrow();
      if (values.user_id) {
        await notify(trx, {
          userIds: [values.user_id],
          kind: 'episode.member-added',
          title: 'You have been added to the team around a family',
          href: `/people/${personId}/episodes/${episodeId}`,
          recordType: 'episode',
          recordId: episodeId,
          at: ctx.at,
          except: ctx.actor!.userId,
        });
      }
      await recordAudit(trx, auditContext(ctx), {
        action: 'episode.member-added',
        recordType: 'person',
        recordId: personId,
        details: {
          episodeId,
          memberId: m.id,
          kind: input.kind,
          userId: values.user_id,
          directoryServiceId: values.directory_service_id,
          personIds: (await this.peopleOf(trx, episodeId)).map((p) => p.id),
        },
      });
      return { id: m.id };
    });
  }

  /** Ends a membership at once: a user who leaves no longer works with the children through this team. */
  async removeMember(ctx: RequestContext, personId: string, episodeId: string, memberId: string) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.requireManage(trx, ctx, personId, episodeId);
      if (found instanceof Refusal) return found;
      const r = await trx
        .updateTable('episode_member')
        .set({ left_on: londonToday(ctx.at), left_at: ctx.at, left_by: ctx.actor!.userId })
        .where('id', '=', memberId)
        .where('episode_id', '=', episodeId)
        .where('left_at', 'is', null)
        .executeTakeFirst();
      if (!Number(r.numUpdatedRows)) throw new NotFoundError();
      await recordAudit(trx, auditContext(ctx), {
        action: 'episode.member-left',
        recordType: 'person',
        recordId: personId,
        details: { episodeId, memberId, personIds: (await this.peopleOf(trx, episodeId)).map((p) => p.id) },
      });
      return { id: memberId };
    });
  }

  /** The one way to change the lead: the outgoing lead hands over to the incoming one, with a note and a date. */
  async handover(ctx: RequestContext, personId: string, episodeId: string, input: HandoverInput) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.requireManage(trx, ctx, personId, episodeId);
      if (found instanceof Refusal) return found;
      const outgoing = await this.currentLead(trx, episodeId);
      if (!outgoing) throw new Error('An open episode has no lead practitioner');
      if (input.agreedOn > londonToday(ctx.at)) {
        throw new ValidationError([
          { field: 'agreedOn', message: 'The date the handover was agreed must be today or in the past' },
        ]);
      }
      if (input.incomingUserId === outgoing.user_id) {
        throw new ValidationError([
          { field: 'incomingUserId', message: 'Select a different practitioner: they are already the lead' },
        ]);
      }
      const incoming = await this.checkCandidate(
        trx,
        'incomingUserId',
        input.incomingUserId,
        personId,
        ctx.at,
        'a new lead practitioner',
      );
      await trx.updateTable('episode_lead').set({ ended_at: ctx.at }).where('id', '=', outgoing.id).execute();
      await completeWork(trx, { sourceType: LEAD_SOURCE, sourceId: outgoing.id, at: ctx.at, by: ctx.actor!.userId });
      await this.appoint(trx, ctx, personId, episodeId, incoming.id, {
        from: outgoing.user_id,
        note: input.note,
        agreedOn: input.agreedOn,
      });
      const moved = await this.moveLeadWork(trx, ctx, episodeId, outgoing.user_id, incoming.id);
      await notify(trx, {
        userIds: [outgoing.user_id],
        kind: 'episode.lead-handed-over',
        title: 'An early help episode you led has been handed over',
        href: `/people/${personId}/episodes/${episodeId}`,
        recordType: 'episode',
        recordId: episodeId,
        at: ctx.at,
        except: ctx.actor!.userId,
      });
      await recordAudit(trx, auditContext(ctx), {
        action: 'episode.lead-handed-over',
        recordType: 'person',
        recordId: personId,
        details: {
          episodeId,
          from: outgoing.user_id,
          to: incoming.id,
          agreedOn: input.agreedOn,
          movedWork: moved,
          personIds: (await this.peopleOf(trx, episodeId)).map((p) => p.id),
        },
      });
      return { id: episodeId };
    });
  }

  /**
   * The lead's own work on the episode moves with the lead at a handover: the plan review that is due (owned by the
   * plan or by the last review) and "confirm closure" at the end of a monitoring period.
   */
  private async moveLeadWork(trx: Trx, ctx: RequestContext, episodeId: string, from: string, to: string) {
    const plan = await trx.selectFrom('plan').select('id').where('episode_id', '=', episodeId).executeTakeFirst();
    const reviews = plan
      ? (await trx.selectFrom('plan_review').select('id').where('plan_id', '=', plan.id).execute()).map((r) => r.id)
      : [];
    const monitorings = (
      await trx.selectFrom('episode_monitoring').select('id').where('episode_id', '=', episodeId).execute()
    ).map((m) => m.id);
    const common = { fromUserId: from, toUserId: to, at: ctx.at, by: ctx.actor!.userId };
    return (
      (await reassignWork(trx, {
        ...common,
        kind: REVIEW_WORK,
        sourceType: REVIEW_OWNER_PLAN,
        sourceIds: plan ? [plan.id] : [],
      })) +
      (await reassignWork(trx, { ...common, kind: REVIEW_WORK, sourceType: REVIEW_OWNER_REVIEW, sourceIds: reviews })) +
      (await reassignWork(trx, {
        ...common,
        kind: CONFIRM_WORK,
        sourceType: MONITORING_SOURCE,
        sourceIds: monitorings,
      }))
    );
  }

  /** The lead acknowledges their appointment: their work item is done. */
  async acknowledge(ctx: RequestContext, personId: string, episodeId: string) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.child(trx, ctx, personId);
      if (found instanceof Refusal) return found;
      await this.episode(trx, personId, episodeId);
      const lead = await this.currentLead(trx, episodeId);
      if (!lead || lead.user_id !== ctx.actor!.userId) throw new NotFoundError();
      if (!lead.acknowledged_at) {
        await trx.updateTable('episode_lead').set({ acknowledged_at: ctx.at }).where('id', '=', lead.id).execute();
        await completeWork(trx, { sourceType: LEAD_SOURCE, sourceId: lead.id, at: ctx.at, by: ctx.actor!.userId });
        await recordAudit(trx, auditContext(ctx), {
          action: 'episode.lead-acknowledged',
          recordType: 'person',
          recordId: personId,
          details: { episodeId },
        });
      }
      return { id: episodeId };
    });
  }

  /**
   * Closes the episode directly for a reason other than "needs met" (which closes only by confirming closure after
   * a period of monitoring): the lead's appointment and the team end with it.
   */
  async close(ctx: RequestContext, personId: string, episodeId: string, input: CloseInput) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.requireManage(trx, ctx, personId, episodeId);
      if (found instanceof Refusal) return found;
      if (input.reason === 'needs_met') {
        throw new ValidationError([
          {
            field: 'reason',
            message:
              'To close because the family’s needs are met, propose closure: the improvement must be sustained for an agreed period first',
          },
        ]);
      }
      await this.refuseOpenActions(trx, episodeId, 'reason');
      return this.finishClose(trx, ctx, personId, episodeId, input);
    });
  }

  /** Refuses while the episode has open actions (from the plan), naming them. */
  async refuseOpenActions(trx: Q, episodeId: string, field: string) {
    const open = await openActionsOf(trx, episodeId);
    if (open.length) {
      throw new ValidationError([
        { field, message: `Finish the open actions before closing the episode: ${open.join('; ')}` },
      ]);
    }
  }

  /**
   * Closes the episode in the caller's transaction: the status and reason, the lead's appointment, the team, and a
   * monitoring period still running (ended as "closed"). Says whether the person closing still sees the child.
   */
  async finishClose(trx: Trx, ctx: RequestContext, personId: string, episodeId: string, input: CloseInput) {
    const actor = ctx.actor!;
    await trx
      .updateTable('episode')
      .set({
        status: 'closed',
        closed_at: ctx.at,
        closed_by: actor.userId,
        close_reason: input.reason,
        close_note: input.note,
      })
      .where('id', '=', episodeId)
      .execute();
    const lead = await this.currentLead(trx, episodeId);
    await trx
      .updateTable('episode_lead')
      .set({ ended_at: ctx.at })
      .where('episode_id', '=', episodeId)
      .where('ended_at', 'is', null)
      .execute();
    if (lead) await completeWork(trx, { sourceType: LEAD_SOURCE, sourceId: lead.id, at: ctx.at, by: actor.userId });
    await trx
      .updateTable('episode_member')
      .set({ left_on: londonToday(ctx.at), left_at: ctx.at, left_by: actor.userId })
      .where('episode_id', '=', episodeId)
      .where('left_at', 'is', null)
      .execute();
    const monitoring = await trx
      .updateTable('episode_monitoring')
      .set({ ended_at: ctx.at, ended_by: actor.userId, ending: input.reason === 'needs_met' ? 'confirmed' : 'closed' })
      .where('episode_id', '=', episodeId)
      .where('ended_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    if (monitoring) {
      await completeWork(trx, { sourceType: MONITORING_SOURCE, sourceId: monitoring.id, at: ctx.at, by: actor.userId });
    }
    await recordAudit(trx, auditContext(ctx), {
      action: 'episode.closed',
      recordType: 'person',
      recordId: personId,
      details: { episodeId, reason: input.reason, personIds: (await this.peopleOf(trx, episodeId)).map((p) => p.id) },
    });
    // Whether the person closing still works with the child now the lead and the team have ended.
    const stillSees =
      (await relationshipsWith(trx, actor, personId, ctx.at)).length > 0 ||
      (await rolePowerOver(trx, actor, [...LEADER_ROLES], personId, ctx.at));
    return { id: episodeId, stillSees };
  }
}
