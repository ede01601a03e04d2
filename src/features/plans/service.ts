/**
 * SMART plans for an early help episode: one plan per episode, built from the strengths the family has, with
 * objectives (the need addressed, a measurable success criterion, a target date, who agreed it and a realistic
 * check) and actions under them (an owner and a due date, on the owner's work list). The family's agreement is
 * recorded, and reviews follow at the plan's interval: each review is a deadline on the lead practitioner's work
 * list, which their manager sees too. See docs/decisions/0026-smart-plans-and-reviews.md.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Q } from '../../db/connection.ts';
import type { DB, ObjectiveStatus, ProgressRating } from '../../db/schema.ts';
import type { Actor } from '../../platform/access.ts';
import { recordAudit } from '../../platform/audit.ts';
import { addDays, londonMidnight, londonToday } from '../../platform/calendar.ts';
import { loadWorkingCalendar } from '../../platform/closures.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import {
  deadlineStatus,
  findDeadline,
  markDeadlineMet,
  planReviewRule,
  setDeadline,
} from '../../platform/deadlines.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import { personPartnerships, rolePowerOver } from '../../platform/partnership.ts';
import { Refusal, refuseOnPerson, runRefusable } from '../../platform/refusals.ts';
import { relationshipsWith } from '../../platform/relationships.ts';
import { assignWork, completeWork } from '../../platform/work.ts';
import { type AssessmentNeedChoice, episodeAssessment } from '../assessments/on-record.ts';
import { findPerson } from '../people/repository.ts';
import { type GuidanceContent, needAreaName, subAreaName } from '../threshold/guidance.ts';
import { currentGuidance, guidanceById } from '../threshold/repository.ts';

type Trx = Transaction<DB>;

const LEADER_ROLES = ['integrated_processes'] as const;
const REFUSED = 'plan.refused';
export const ACTION_WORK = 'plan.action';
export const ACTION_SOURCE = 'plan_action';
export const REVIEW_WORK = 'plan.review';
/** The review due after agreement is owned by the plan; each later one by the review before it. */
export const REVIEW_OWNER_PLAN = 'plan';
export const REVIEW_OWNER_REVIEW = 'plan_review';
/** The review intervals a plan may choose: 6 to 8 weeks, and the partnership's default if it is another. */
export const PLAN_WEEK_CHOICES = [6, 7, 8] as const;

export const SMART_WORDS =
  'Objectives must be SMART: specific about the need, measurable (say how everyone will know it has been achieved), agreed with the family, realistic, and time-bound (a target date).';

export const OBJECTIVE_STATUS_WORDS: Record<ObjectiveStatus, string> = {
  open: 'Open',
  achieved: 'Achieved',
  not_achieved: 'Not achieved',
  dropped: 'No longer needed',
};
export const RATING_WORDS: Record<ProgressRating, string> = {
  no_progress: 'No progress',
  some_progress: 'Some progress',
  good_progress: 'Good progress',
  achieved: 'Achieved',
};

export interface PlanInput {
  strengths: string;
  reviewWeeks: number;
}
export interface ObjectiveInput {
  /** The assessment's unmet need the objective addresses: its domain and sub-area then follow from it. */
  assessmentNeedId: string | null;
  domain: string | null;
  subArea: string | null;
  /** Blank when a need is linked: the need's own description is used. */
  need: string | null;
  successCriterion: string;
  targetDate: string;
  agreedBy: string;
  realistic: boolean;
  realisticNote: string | null;
}
export interface ActionInput {
  what: string;
  owner: { kind: 'user'; userId: string } | { kind: 'team'; teamId: string };
  dueDate: string;
}
export interface AgreeInput {
  agreedWith: string;
  agreedOn: string;
}
export interface ReviewInput {
  heldOn: string;
  familyView: string;
  reviewWeeks: number;
  progress: { objectiveId: string; rating: ProgressRating; note: string; status: ObjectiveStatus }[];
}

const nameOf = (p: { given_name: string; family_name: string }) => `${p.given_name} ${p.family_name}`;

/** The open actions of an episode's plan, in words for the person closing it ("Book the dentist (due 1 March)"). */
export async function openPlanActions(q: Q, episodeId: string): Promise<string[]> {
  const rows = await q
    .selectFrom('plan_action as a')
    .innerJoin('plan_objective as o', 'o.id', 'a.objective_id')
    .innerJoin('plan as p', 'p.id', 'o.plan_id')
    .select(['a.what', 'a.due_date'])
    .where('p.episode_id', '=', episodeId)
    .where('a.status', '=', 'open')
    .orderBy('a.due_date')
    .orderBy('a.id')
    .execute();
  return rows.map((r) => `${r.what} (due ${r.due_date})`);
}

/** The unmet needs of the episode's latest assessment (its current draft's), which a plan objective names. */
async function assessmentNeedsOf(q: Q, episodeId: string): Promise<AssessmentNeedChoice[]> {
  return (await episodeAssessment(q, episodeId))?.needs ?? [];
}

export class PlanService {
  constructor(private readonly db: Kysely<DB>) {}

  /**
   * The child, episode and what the actor may do. Reading needs a relationship with the child, the targeted
   * services leader's role in the child's partnership, or being the manager of the episode's lead; anyone else is
   * refused as not found. Changing needs the lead or the targeted services leader, as the episode's changes do.
   */
  private async access(trx: Trx, ctx: RequestContext, personId: string, episodeId: string) {
    const actor = ctx.actor;
    if (!actor) throw new ForbiddenError();
    const person = await findPerson(trx, personId);
    if (!person || person.merged_into) throw new NotFoundError();
    const episode = await trx
      .selectFrom('episode as e')
      .innerJoin('episode_person as ep', 'ep.episode_id', 'e.id')
      .select(['e.id', 'e.status'])
      .where('e.id', '=', episodeId)
      .where('ep.person_id', '=', personId)
      .executeTakeFirst();
    const lead = await trx
      .selectFrom('episode_lead as l')
      .innerJoin('app_user as u', 'u.id', 'l.user_id')
      .select(['l.user_id', 'u.name', 'u.organisation_id'])
      .where('l.episode_id', '=', episodeId)
      .where('l.ended_at', 'is', null)
      .executeTakeFirst();
    const relationships = await relationshipsWith(trx, actor, personId, ctx.at);
    const leader = await rolePowerOver(trx, actor, [...LEADER_ROLES], personId, ctx.at);
    const managesLead = !!lead && (await this.managesUser(trx, actor, lead.user_id));
    if (!relationships.length && !leader && !managesLead) {
      return refuseOnPerson(trx, ctx, REFUSED, personId, new NotFoundError());
    }
    if (!episode) throw new NotFoundError();
    const open = episode.status === 'open';
    const mayManage = open && (lead?.user_id === actor.userId || leader);
    return { actor, person, episode, lead, mayManage };
  }

  private async managesUser(q: Q, actor: Actor, userId: string) {
    if (!actor.managedTeamIds.length) return false;
    const row = await q
      .selectFrom('user_team')
      .select('user_id')
      .where('user_id', '=', userId)
      .where('team_id', 'in', actor.managedTeamIds)
      .executeTakeFirst();
    return !!row;
  }

  private async manage(trx: Trx, ctx: RequestContext, personId: string, episodeId: string) {
    const found = await this.access(trx, ctx, personId, episodeId);
    if (found instanceof Refusal) return found;
    if (found.episode.status !== 'open') {
      throw new ValidationError([
        { field: 'plan', message: 'This episode is closed: its plan can no longer be changed' },
      ]);
    }
    if (!found.mayManage) {
      return refuseOnPerson(
        trx,
        ctx,
        REFUSED,
        personId,
        new ForbiddenError('Only the lead practitioner or the targeted services leader can change this plan.'),
        { episodeId },
      );
    }
    return found;
  }

  private async planOf(q: Q, episodeId: string) {
    return q.selectFrom('plan').selectAll().where('episode_id', '=', episodeId).executeTakeFirst();
  }

  private async requirePlan(q: Q, episodeId: string) {
    const plan = await this.planOf(q, episodeId);
    if (!plan) throw new ValidationError([{ field: 'plan', message: 'Start the plan first: record the strengths' }]);
    return plan;
  }

  private async peopleIds(q: Q, episodeId: string) {
    return (await q.selectFrom('episode_person').select('person_id').where('episode_id', '=', episodeId).execute()).map(
      (p) => p.person_id,
    );
  }

  /** The child's partnership's default interval between reviews (the shortest, if in several), or 6 weeks. */
  async defaultWeeks(q: Q, personId: string, at: Date): Promise<number> {
    const partnerships = await personPartnerships(q, personId, londonToday(at));
    if (!partnerships.length) return 6;
    const row = await q
      .selectFrom('area')
      .select((eb) => eb.fn.min('plan_review_weeks').as('weeks'))
      .where('id', 'in', partnerships)
      .executeTakeFirst();
    return Number(row?.weeks ?? 6);
  }

  /** The intervals a plan may choose: 6, 7 or 8 weeks, and the partnership's default. */
  async weekChoices(q: Q, personId: string, at: Date): Promise<number[]> {
    const d = await this.defaultWeeks(q, personId, at);
    return [...new Set([d, ...PLAN_WEEK_CHOICES])].sort((a, b) => a - b);
  }

  /** Who may own an action: the lead and the users in the team around the family. */
  private async ownerUsers(q: Q, episodeId: string) {
    return q
      .selectFrom('app_user as u')
      .innerJoin('organisation as o', 'o.id', 'u.organisation_id')
      .select(['u.id', 'u.name', 'u.organisation_id', 'o.name as organisation_name'])
      .where((eb) =>
        eb.or([
          eb(
            'u.id',
            'in',
            eb
              .selectFrom('episode_lead')
              .select('user_id')
              .where('episode_id', '=', episodeId)
              .where('ended_at', 'is', null),
          ),
          eb(
            'u.id',
            'in',
            eb
              .selectFrom('episode_member')
              .select('user_id')
              .where('episode_id', '=', episodeId)
              .where('left_at', 'is', null)
              .where('user_id', 'is not', null)
              .$narrowType<{ user_id: string }>(),
          ),
        ]),
      )
      .where('u.disabled_at', 'is', null)
      .orderBy('u.name')
      .execute();
  }

  /** The agencies that may own an action: the teams of the organisations of the lead and the team's users. */
  private async ownerTeams(q: Q, episodeId: string) {
    const users = await this.ownerUsers(q, episodeId);
    const orgs = [...new Set(users.map((u) => u.organisation_id))];
    if (!orgs.length) return [];
    return q
      .selectFrom('team as t')
      .innerJoin('organisation as o', 'o.id', 't.organisation_id')
      .select(['t.id', 't.name', 'o.name as organisation_name'])
      .where('t.organisation_id', 'in', orgs)
      .orderBy('o.name')
      .orderBy('t.name')
      .execute();
  }

  /** The plan page: the plan with its objectives, actions and reviews, and when the next review is due. */
  async view(ctx: RequestContext, personId: string, episodeId: string) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.access(trx, ctx, personId, episodeId);
      if (found instanceof Refusal) return found;
      const plan = await this.planOf(trx, episodeId);
      const guidance = (await currentGuidance(trx)).content;
      const domainName = (d: string) => guidance.domains.find((x) => x.id === d)?.name ?? d;
      const today = londonToday(ctx.at);
      let objectives: Array<Record<string, unknown>> = [];
      let reviews: Array<Record<string, unknown>> = [];
      let nextReview: { dueOn: string; status: string } | null = null;
      let agreedByName: string | null = null;
      if (plan) {
        const os = await trx
          .selectFrom('plan_objective')
          .selectAll()
          .where('plan_id', '=', plan.id)
          .orderBy('created_at')
          .orderBy('id')
          .execute();
        const actions = os.length
          ? await trx
              .selectFrom('plan_action as a')
              .leftJoin('app_user as u', 'u.id', 'a.owner_user_id')
              .leftJoin('organisation as uo', 'uo.id', 'u.organisation_id')
              .leftJoin('team as t', 't.id', 'a.owner_team_id')
              .leftJoin('organisation as tor', 'tor.id', 't.organisation_id')
              .leftJoin('app_user as c', 'c.id', 'a.completed_by')
              .select([
                'a.id',
                'a.objective_id',
                'a.what',
                'a.owner_user_id',
                'a.owner_team_id',
                'a.due_date',
                'a.status',
                'a.completed_at',
                'u.name as user_name',
                'uo.name as user_organisation',
                't.name as team_name',
                'tor.name as team_organisation',
                'c.name as completed_by_name',
              ])
              .where(
                'a.objective_id',
                'in',
                os.map((o) => o.id),
              )
              .orderBy('a.due_date')
              .orderBy('a.id')
              .execute()
          : [];
        const actor = found.actor;
        const linked = await linkedNeeds(
          trx,
          os.map((o) => o.assessment_need_id).filter((x): x is string => !!x),
        );
        objectives = os.map((o) => ({
          ...o,
          assessmentNeed: o.assessment_need_id ? (linked.get(o.assessment_need_id) ?? null) : null,
          domainName: domainName(o.need_domain),
          subAreaName: subAreaName(guidance, o.need_domain, o.need_sub_area),
          statusWords: OBJECTIVE_STATUS_WORDS[o.status],
          actions: actions
            .filter((a) => a.objective_id === o.id)
            .map((a) => ({
              ...a,
              owner: a.owner_user_id
                ? `${a.user_name}, ${a.user_organisation}`
                : `${a.team_organisation}: ${a.team_name}`,
              overdue: a.status === 'open' && a.due_date < today,
              mayComplete:
                a.status === 'open' &&
                found.episode.status === 'open' &&
                (found.mayManage ||
                  a.owner_user_id === actor.userId ||
                  (!!a.owner_team_id && actor.teamIds.includes(a.owner_team_id))),
            })),
        }));
        const rs = await trx
          .selectFrom('plan_review as r')
          .innerJoin('app_user as u', 'u.id', 'r.recorded_by')
          .select([
            'r.id',
            'r.held_on',
            'r.family_view',
            'r.next_review_on',
            'r.recorded_at',
            'u.name as recorded_by_name',
          ])
          .where('r.plan_id', '=', plan.id)
          .orderBy('r.held_on', 'desc')
          .orderBy('r.recorded_at', 'desc')
          .execute();
        const progress = rs.length
          ? await trx
              .selectFrom('plan_review_progress')
              .selectAll()
              .where(
                'review_id',
                'in',
                rs.map((r) => r.id),
              )
              .execute()
          : [];
        reviews = rs.map((r) => ({
          ...r,
          progress: progress
            .filter((p) => p.review_id === r.id)
            .map((p) => ({
              ...p,
              ratingWords: RATING_WORDS[p.rating],
              need: os.find((o) => o.id === p.objective_id)?.need ?? '',
            })),
        }));
        if (plan.status === 'agreed' && found.episode.status === 'open') {
          const d = await this.reviewDeadline(trx, plan.id, rs[0]?.id ?? null);
          if (d) nextReview = { dueOn: addDays(londonToday(d.due_at), -1), status: deadlineStatus(d, ctx.at) };
        }
        if (plan.agreed_by) {
          agreedByName =
            (await trx.selectFrom('app_user').select('name').where('id', '=', plan.agreed_by).executeTakeFirst())
              ?.name ?? null;
        }
      }
      await recordAudit(trx, auditContext(ctx), {
        action: 'plan.viewed',
        recordType: 'person',
        recordId: personId,
        details: { episodeId, planId: plan?.id ?? null },
      });
      return {
        person: found.person,
        name: nameOf(found.person),
        episode: found.episode,
        lead: found.lead ?? null,
        plan: plan ?? null,
        agreedByName,
        objectives,
        reviews,
        nextReview,
        mayManage: found.mayManage,
      };
    });
  }

  private async reviewDeadline(q: Q, planId: string, lastReviewId: string | null) {
    return lastReviewId
      ? findDeadline(q as Trx, REVIEW_OWNER_REVIEW, lastReviewId, 'PLAN_REVIEW')
      : findDeadline(q as Trx, REVIEW_OWNER_PLAN, planId, 'PLAN_REVIEW');
  }

  /** What the change forms need: the plan, the guidance's domains, the owners an action may have. */
  async form(ctx: RequestContext, personId: string, episodeId: string) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.manage(trx, ctx, personId, episodeId);
      if (found instanceof Refusal) return found;
      const plan = await this.planOf(trx, episodeId);
      const objectives = plan
        ? await trx
            .selectFrom('plan_objective')
            .selectAll()
            .where('plan_id', '=', plan.id)
            .orderBy('created_at')
            .orderBy('id')
            .execute()
        : [];
      return {
        person: found.person,
        name: nameOf(found.person),
        episode: found.episode,
        plan: plan ?? null,
        objectives,
        domains: (await currentGuidance(trx)).content.domains,
        assessmentNeeds: await assessmentNeedsOf(trx, episodeId),
        users: await this.ownerUsers(trx, episodeId),
        teams: await this.ownerTeams(trx, episodeId),
        weekChoices: await this.weekChoices(trx, personId, ctx.at),
        defaultWeeks: await this.defaultWeeks(trx, personId, ctx.at),
        openActions: await openPlanActions(trx, episodeId),
      };
    });
  }

  /** Starts the plan with the strengths it builds on and its review interval, or changes them. */
  async save(ctx: RequestContext, personId: string, episodeId: string, input: PlanInput) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.manage(trx, ctx, personId, episodeId);
      if (found instanceof Refusal) return found;
      const choices = await this.weekChoices(trx, personId, ctx.at);
      if (!choices.includes(input.reviewWeeks)) {
        throw new ValidationError([{ field: 'reviewWeeks', message: 'Select how often the plan will be reviewed' }]);
      }
      const existing = await this.planOf(trx, episodeId);
      let id: string;
      if (existing) {
        id = existing.id;
        await trx
          .updateTable('plan')
          .set({ strengths: input.strengths, review_weeks: input.reviewWeeks })
          .where('id', '=', id)
          .execute();
      } else {
        id = (
          await trx
            .insertInto('plan')
            .values({
              episode_id: episodeId,
              strengths: input.strengths,
              review_weeks: input.reviewWeeks,
              created_at: ctx.at,
              created_by: found.actor.userId,
            })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id;
      }
      await recordAudit(trx, auditContext(ctx), {
        action: existing ? 'plan.changed' : 'plan.started',
        recordType: 'person',
        recordId: personId,
        details: {
          episodeId,
          planId: id,
          reviewWeeks: input.reviewWeeks,
          personIds: await this.peopleIds(trx, episodeId),
        },
      });
      return { id };
    });
  }

  /** Adds a SMART objective: the need must be one of the guidance's sub-areas, the target date in the future. */
  async addObjective(ctx: RequestContext, personId: string, episodeId: string, input: ObjectiveInput) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.manage(trx, ctx, personId, episodeId);
      if (found instanceof Refusal) return found;
      const plan = await this.requirePlan(trx, episodeId);
      // The need addressed: one of the latest assessment's unmet needs when it has any; a guidance area otherwise.
      const needs = await assessmentNeedsOf(trx, episodeId);
      let needDomain: string;
      let needSubArea: string;
      let needText: string;
      let assessmentNeedId: string | null = null;
      if (needs.length) {
        const picked = needs.find((n) => n.id === input.assessmentNeedId);
        if (!picked) {
          throw new ValidationError([
            { field: 'assessmentNeedId', message: 'Select the unmet need from the assessment the objective addresses' },
          ]);
        }
        assessmentNeedId = picked.id;
        needDomain = picked.domain;
        needSubArea = picked.subArea;
        needText = input.need ?? picked.description;
      } else {
        if (input.assessmentNeedId) {
          throw new ValidationError([
            { field: 'needArea', message: 'Select the area of need the objective addresses' },
          ]);
        }
        const domains = (await currentGuidance(trx)).content.domains;
        const domain = domains.find((d) => d.id === input.domain);
        if (!input.subArea || !domain?.subAreas.some((s) => s.id === input.subArea)) {
          throw new ValidationError([
            { field: 'needArea', message: 'Select the area of need the objective addresses' },
          ]);
        }
        if (!input.need) {
          throw new ValidationError([{ field: 'need', message: 'Enter the need the objective addresses' }]);
        }
        needDomain = domain.id;
        needSubArea = input.subArea;
        needText = input.need;
      }
      if (input.targetDate <= londonToday(ctx.at)) {
        throw new ValidationError([
          { field: 'targetDate', message: `The target date must be in the future. ${SMART_WORDS}` },
        ]);
      }
      const o = await trx
        .insertInto('plan_objective')
        .values({
          plan_id: plan.id,
          need_domain: needDomain,
          need_sub_area: needSubArea,
          need: needText,
          assessment_need_id: assessmentNeedId,
          success_criterion: input.successCriterion,
          target_date: input.targetDate,
          agreed_by_whom: input.agreedBy,
          realistic: input.realistic,
          realistic_note: input.realisticNote,
          created_at: ctx.at,
          created_by: found.actor.userId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await recordAudit(trx, auditContext(ctx), {
        action: 'plan.objective-added',
        recordType: 'person',
        recordId: personId,
        details: {
          episodeId,
          planId: plan.id,
          objectiveId: o.id,
          assessmentNeedId,
          personIds: await this.peopleIds(trx, episodeId),
        },
      });
      return { id: o.id };
    });
  }

  /** Adds an action with an owner and a due date: the owner (a user, or an agency's team) has it on their list. */
  async addAction(ctx: RequestContext, personId: string, episodeId: string, objectiveId: string, input: ActionInput) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.manage(trx, ctx, personId, episodeId);
      if (found instanceof Refusal) return found;
      const plan = await this.requirePlan(trx, episodeId);
      const objective = await trx
        .selectFrom('plan_objective')
        .selectAll()
        .where('id', '=', objectiveId)
        .where('plan_id', '=', plan.id)
        .executeTakeFirst();
      if (!objective) throw new NotFoundError();
      if (objective.status !== 'open') {
        throw new ValidationError([{ field: 'what', message: 'This objective is closed: add actions to an open one' }]);
      }
      const today = londonToday(ctx.at);
      if (input.dueDate < today) {
        throw new ValidationError([{ field: 'dueDate', message: 'The due date must be today or in the future' }]);
      }
      if (input.dueDate > objective.target_date) {
        throw new ValidationError([
          {
            field: 'dueDate',
            message: `The due date must be on or before the objective’s target date (${objective.target_date})`,
          },
        ]);
      }
      let ownerUserId: string | null = null;
      let ownerTeamId: string | null = null;
      if (input.owner.kind === 'user') {
        const userId = input.owner.userId;
        const users = await this.ownerUsers(trx, episodeId);
        if (!users.some((u) => u.id === userId)) {
          throw new ValidationError([
            { field: 'ownerUserId', message: 'Select the lead practitioner or someone in the team around the family' },
          ]);
        }
        ownerUserId = userId;
      } else {
        const teamId = input.owner.teamId;
        const teams = await this.ownerTeams(trx, episodeId);
        if (!teams.some((t) => t.id === teamId)) {
          throw new ValidationError([
            { field: 'ownerTeamId', message: 'Select an agency in the team around the family' },
          ]);
        }
        ownerTeamId = teamId;
      }
      const a = await trx
        .insertInto('plan_action')
        .values({
          objective_id: objectiveId,
          what: input.what,
          owner_user_id: ownerUserId,
          owner_team_id: ownerTeamId,
          due_date: input.dueDate,
          created_at: ctx.at,
          created_by: found.actor.userId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await assignWork(trx, {
        kind: ACTION_WORK,
        title: 'An action in an early help plan is yours to do',
        href: `/people/${personId}/episodes/${episodeId}/plan#action-${a.id}`,
        sourceType: ACTION_SOURCE,
        sourceId: a.id,
        personId,
        assignTo: ownerUserId ? { userIds: [ownerUserId] } : { teamId: ownerTeamId! },
        // Due by the end of the due date.
        dueAt: londonMidnight(addDays(input.dueDate, 1)),
        at: ctx.at,
        by: found.actor.userId,
      });
      const item = await trx
        .selectFrom('work_item')
        .select('id')
        .where('source_type', '=', ACTION_SOURCE)
        .where('source_id', '=', a.id)
        .executeTakeFirst();
      if (item) await trx.updateTable('plan_action').set({ work_item_id: item.id }).where('id', '=', a.id).execute();
      await recordAudit(trx, auditContext(ctx), {
        action: 'plan.action-added',
        recordType: 'person',
        recordId: personId,
        details: {
          episodeId,
          planId: plan.id,
          actionId: a.id,
          ownerUserId,
          ownerTeamId,
          personIds: await this.peopleIds(trx, episodeId),
        },
      });
      return { id: a.id };
    });
  }

  /**
   * Records the family's agreement: the plan needs objectives, each with an action. The first review is then due
   * at the plan's interval, on the lead's work list.
   */
  async agree(ctx: RequestContext, personId: string, episodeId: string, input: AgreeInput) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.manage(trx, ctx, personId, episodeId);
      if (found instanceof Refusal) return found;
      const plan = await this.requirePlan(trx, episodeId);
      if (plan.status === 'agreed') {
        throw new ValidationError([{ field: 'agreedWith', message: 'The family’s agreement is already recorded' }]);
      }
      if (input.agreedOn > londonToday(ctx.at)) {
        throw new ValidationError([
          { field: 'agreedOn', message: 'The date it was agreed must be today or in the past' },
        ]);
      }
      if (input.agreedOn < londonToday(plan.created_at)) {
        throw new ValidationError([
          { field: 'agreedOn', message: 'The date it was agreed must be on or after the day the plan was started' },
        ]);
      }
      const objectives = await trx
        .selectFrom('plan_objective as o')
        .select([
          'o.id',
          'o.need',
          (eb) =>
            eb
              .selectFrom('plan_action as a')
              .select((e) => e.fn.countAll<number>().as('n'))
              .whereRef('a.objective_id', '=', 'o.id')
              .as('actions'),
        ])
        .where('o.plan_id', '=', plan.id)
        .where('o.status', '=', 'open')
        .execute();
      if (!objectives.length) {
        throw new ValidationError([
          { field: 'agreedWith', message: 'Add at least one objective before the plan is agreed' },
        ]);
      }
      const bare = objectives.filter((o) => !Number(o.actions));
      if (bare.length) {
        throw new ValidationError([
          {
            field: 'agreedWith',
            message: `Add an action to each objective before the plan is agreed: ${bare.map((o) => o.need).join('; ')}`,
          },
        ]);
      }
      await trx
        .updateTable('plan')
        .set({
          status: 'agreed',
          agreed_with: input.agreedWith,
          agreed_on: input.agreedOn,
          agreed_at: ctx.at,
          agreed_by: found.actor.userId,
        })
        .where('id', '=', plan.id)
        .execute();
      await this.scheduleReview(
        trx,
        ctx,
        personId,
        episodeId,
        plan.id,
        REVIEW_OWNER_PLAN,
        plan.id,
        plan.review_weeks,
        input.agreedOn,
      );
      await recordAudit(trx, auditContext(ctx), {
        action: 'plan.agreed',
        recordType: 'person',
        recordId: personId,
        details: { episodeId, planId: plan.id, personIds: await this.peopleIds(trx, episodeId) },
      });
      return { id: plan.id };
    });
  }

  /** Sets the next review's deadline from a day, and puts it on the lead's work list (their manager sees it). */
  private async scheduleReview(
    trx: Trx,
    ctx: RequestContext,
    personId: string,
    episodeId: string,
    planId: string,
    ownerType: string,
    ownerId: string,
    weeks: number,
    fromDay: string,
  ) {
    const calendar = await loadWorkingCalendar(trx);
    const deadline = await setDeadline(trx, calendar, {
      ownerType,
      ownerId,
      rule: planReviewRule(weeks),
      start: londonMidnight(fromDay),
    });
    const lead = await trx
      .selectFrom('episode_lead')
      .select('user_id')
      .where('episode_id', '=', episodeId)
      .where('ended_at', 'is', null)
      .executeTakeFirst();
    if (lead) {
      await assignWork(trx, {
        kind: REVIEW_WORK,
        title: 'An early help plan is due for review',
        href: `/people/${personId}/episodes/${episodeId}/plan`,
        sourceType: ownerType,
        sourceId: ownerId,
        personId,
        // The lead's manager sees it on their team's list: their role reaches the child's partnership.
        reach: 'partnership',
        assignTo: { userIds: [lead.user_id] },
        deadlineId: deadline.id,
        at: ctx.at,
        by: ctx.actor!.userId,
      });
    }
    return { planId, deadline };
  }

  /** Marks an action done, from the plan or the owner's work list: the owner, the lead or the leader may. */
  async completeAction(ctx: RequestContext, personId: string, episodeId: string, actionId: string) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.access(trx, ctx, personId, episodeId);
      if (found instanceof Refusal) return found;
      const action = await trx
        .selectFrom('plan_action as a')
        .innerJoin('plan_objective as o', 'o.id', 'a.objective_id')
        .innerJoin('plan as p', 'p.id', 'o.plan_id')
        .select(['a.id', 'a.status', 'a.owner_user_id', 'a.owner_team_id', 'p.id as plan_id'])
        .where('a.id', '=', actionId)
        .where('p.episode_id', '=', episodeId)
        .executeTakeFirst();
      if (!action) throw new NotFoundError();
      const actor = found.actor;
      const mine =
        action.owner_user_id === actor.userId ||
        (!!action.owner_team_id && actor.teamIds.includes(action.owner_team_id));
      if (found.episode.status !== 'open' || !(found.mayManage || mine)) {
        return refuseOnPerson(
          trx,
          ctx,
          REFUSED,
          personId,
          new ForbiddenError(
            'Only the action’s owner, the lead practitioner or the targeted services leader can mark it done.',
          ),
          { episodeId, actionId },
        );
      }
      if (action.status === 'open') {
        await trx
          .updateTable('plan_action')
          .set({ status: 'done', completed_at: ctx.at, completed_by: actor.userId })
          .where('id', '=', actionId)
          .execute();
        await completeWork(trx, { sourceType: ACTION_SOURCE, sourceId: actionId, at: ctx.at, by: actor.userId });
        await recordAudit(trx, auditContext(ctx), {
          action: 'plan.action-completed',
          recordType: 'person',
          recordId: personId,
          details: { episodeId, planId: action.plan_id, actionId, personIds: await this.peopleIds(trx, episodeId) },
        });
      }
      return { id: actionId };
    });
  }

  /**
   * Records a review of an agreed plan: progress on each open objective, the family's view, and the interval to
   * the next review. The review that was due is met, and the next one is set from the day this one was held.
   */
  async recordReview(ctx: RequestContext, personId: string, episodeId: string, input: ReviewInput) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.manage(trx, ctx, personId, episodeId);
      if (found instanceof Refusal) return found;
      const plan = await this.requirePlan(trx, episodeId);
      if (plan.status !== 'agreed' || !plan.agreed_on) {
        throw new ValidationError([
          { field: 'heldOn', message: 'Record the family’s agreement to the plan before reviewing it' },
        ]);
      }
      const today = londonToday(ctx.at);
      if (input.heldOn > today) {
        throw new ValidationError([
          { field: 'heldOn', message: 'The date of the review must be today or in the past' },
        ]);
      }
      const last = await trx
        .selectFrom('plan_review')
        .select(['id', 'held_on'])
        .where('plan_id', '=', plan.id)
        .orderBy('held_on', 'desc')
        .orderBy('recorded_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      const after = last?.held_on ?? plan.agreed_on;
      if (input.heldOn < after) {
        throw new ValidationError([
          {
            field: 'heldOn',
            message: last
              ? `The date of the review must be on or after the last review (${after})`
              : `The date of the review must be on or after the day the plan was agreed (${after})`,
          },
        ]);
      }
      const choices = await this.weekChoices(trx, personId, ctx.at);
      if (!choices.includes(input.reviewWeeks)) {
        throw new ValidationError([{ field: 'reviewWeeks', message: 'Select when the next review will be' }]);
      }
      const open = await trx
        .selectFrom('plan_objective')
        .select(['id'])
        .where('plan_id', '=', plan.id)
        .where('status', '=', 'open')
        .execute();
      for (const o of open) {
        if (!input.progress.some((p) => p.objectiveId === o.id)) {
          throw new ValidationError([
            { field: `progress-${o.id}`, message: 'Say what progress has been made on each objective' },
          ]);
        }
      }
      const openIds = new Set(open.map((o) => o.id));
      const progress = input.progress.filter((p) => openIds.has(p.objectiveId));
      const calendar = await loadWorkingCalendar(trx);
      const nextDue = calendar.addWorkingDays(addDays(input.heldOn, input.reviewWeeks * 7), 0);
      const review = await trx
        .insertInto('plan_review')
        .values({
          plan_id: plan.id,
          held_on: input.heldOn,
          family_view: input.familyView,
          next_review_on: nextDue,
          recorded_at: ctx.at,
          recorded_by: found.actor.userId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      for (const p of progress) {
        await trx
          .insertInto('plan_review_progress')
          .values({ review_id: review.id, objective_id: p.objectiveId, rating: p.rating, note: p.note })
          .execute();
        if (p.status !== 'open') {
          await trx.updateTable('plan_objective').set({ status: p.status }).where('id', '=', p.objectiveId).execute();
        }
      }
      if (input.reviewWeeks !== plan.review_weeks) {
        await trx.updateTable('plan').set({ review_weeks: input.reviewWeeks }).where('id', '=', plan.id).execute();
      }
      // The review that was due is met, and its work done.
      const dueOwner = last ? { type: REVIEW_OWNER_REVIEW, id: last.id } : { type: REVIEW_OWNER_PLAN, id: plan.id };
      await markDeadlineMet(trx, {
        ownerType: dueOwner.type,
        ownerId: dueOwner.id,
        ruleCode: 'PLAN_REVIEW',
        at: ctx.at,
        by: found.actor.userId,
      });
      await completeWork(trx, {
        sourceType: dueOwner.type,
        sourceId: dueOwner.id,
        kind: REVIEW_WORK,
        at: ctx.at,
        by: found.actor.userId,
      });
      await this.scheduleReview(
        trx,
        ctx,
        personId,
        episodeId,
        plan.id,
        REVIEW_OWNER_REVIEW,
        review.id,
        input.reviewWeeks,
        input.heldOn,
      );
      await recordAudit(trx, auditContext(ctx), {
        action: 'plan.reviewed',
        recordType: 'person',
        recordId: personId,
        details: { episodeId, planId: plan.id, reviewId: review.id, personIds: await this.peopleIds(trx, episodeId) },
      });
      return { id: review.id };
    });
  }
}

/** Assessment needs by id, in words: the area (domain and sub-area), who it is about, and its description. */
export async function linkedNeeds(q: Q, ids: string[]) {
  const out = new Map<string, { area: string; about: string; description: string; removed: boolean }>();
  if (!ids.length) return out;
  const rows = await q
    .selectFrom('assessment_need as n')
    .innerJoin('assessment as a', 'a.id', 'n.assessment_id')
    .leftJoin('person as p', 'p.id', 'n.person_id')
    .select([
      'n.id',
      'n.domain',
      'n.sub_area',
      'n.description',
      'n.removed_at',
      'a.guidance_id',
      'p.given_name',
      'p.family_name',
    ])
    .where('n.id', 'in', [...new Set(ids)])
    .execute();
  const guidances = new Map<string, GuidanceContent>();
  for (const r of rows) {
    if (!guidances.has(r.guidance_id)) {
      guidances.set(r.guidance_id, ((await guidanceById(q, r.guidance_id)) ?? (await currentGuidance(q))).content);
    }
    out.set(r.id, {
      area: needAreaName(guidances.get(r.guidance_id)!, r.domain, r.sub_area),
      about: r.given_name ? `${r.given_name} ${r.family_name}` : 'The whole family',
      description: r.description,
      removed: !!r.removed_at,
    });
  }
  return out;
}
