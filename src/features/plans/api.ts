/**
 * The plans API: an episode's plan with its SMART objectives, actions and reviews; starting or changing it, adding
 * an objective or an action, recording the family's agreement, marking an action done and recording a review. A
 * plan belongs to its episode, so its address is under the episode's. Requests are read with the plan pages' own
 * form rules and go through the PlanService: what the pages refuse is a 422 here (see `recordRules`), nothing saved.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { OBJECTIVE_STATUSES, PLAN_ACTION_STATUSES, PLAN_STATUSES, PROGRESS_RATINGS } from '../../db/schema.ts';
import { defineApiRoute, recordRules } from '../../platform/api.ts';
import type { AppDeps } from '../../platform/app-deps.ts';
import type { RequestContext } from '../../platform/context.ts';
import { type FieldError, UnprocessableError } from '../../platform/errors.ts';
import { parseForm } from '../../platform/forms.ts';
import { UUID } from '../../platform/ids.ts';
import { EpisodeService } from '../episodes/service.ts';
import { ActionForm, AgreeForm, ObjectiveForm, PlanForm, ReviewForm } from './routes.ts';
import { type PlanService, SMART_WORDS } from './service.ts';

const id = (what: string) => z.string().regex(UUID, { error: `${what} must be an id` });
const TAGS = ['Early help plans'];
const day = (what: string) => z.iso.date({ error: `${what} must be a date (YYYY-MM-DD)` });

/** An ISO date as the page's day, month and year boxes. */
function dateParts(name: string, iso: string | undefined): Record<string, string> {
  if (!iso) return {};
  const [y, m, d] = iso.split('-');
  return { [`${name}-day`]: d!, [`${name}-month`]: m!, [`${name}-year`]: y! };
}

/** Reads an API body with a page's form rules: what they refuse is a 422 naming the API's fields. */
function withFormRules<S extends z.ZodType>(
  schema: S,
  body: Record<string, unknown>,
  rename: (field: string) => string,
  detail?: (errors: FieldError[]) => string,
): z.output<S> {
  const form = parseForm(schema, body);
  if (form.ok) return form.data;
  const errors = form.errors.map((e) => ({ field: rename(e.field), message: e.message }));
  throw new UnprocessableError(errors, detail?.(errors) ?? errors.map((e) => e.message).join('. '));
}

/** Review fields are per objective on the page (`rating-<id>`): here `progress.<id>.rating`. */
const reviewField = (f: string) =>
  f
    .replace(/^(rating|note|status)-([0-9a-f-]{36})$/i, 'progress.$2.$1')
    .replace(/^progress-([0-9a-f-]{36})$/i, 'progress.$1');

const Objective = z.object({
  id: z.guid(),
  domain: z.string(),
  domainName: z.string(),
  subArea: z.string(),
  subAreaName: z.string(),
  need: z.string(),
  successCriterion: z.string().describe('Measurable: how everyone will know it has been achieved.'),
  targetDate: z.string(),
  agreedBy: z.string(),
  realistic: z.boolean(),
  realisticNote: z.string().nullable(),
  status: z.enum(OBJECTIVE_STATUSES),
  actions: z.array(
    z.object({
      id: z.guid(),
      what: z.string(),
      owner: z.object({
        kind: z.enum(['user', 'team']),
        userId: z.guid().nullable(),
        teamId: z.guid().nullable(),
        name: z.string().describe('The person and their organisation, or the agency and its team.'),
      }),
      dueDate: z.string(),
      status: z.enum(PLAN_ACTION_STATUSES),
      overdue: z.boolean(),
      completedAt: z.string().nullable(),
      completedBy: z.string().nullable(),
    }),
  ),
});

const PlanView = z.object({
  episodeId: z.guid(),
  plan: z
    .object({
      id: z.guid(),
      status: z.enum(PLAN_STATUSES),
      strengths: z.string(),
      reviewWeeks: z.number().int(),
      agreedWith: z.string().nullable(),
      agreedOn: z.string().nullable(),
      agreedBy: z.string().nullable().describe('Who recorded the family’s agreement.'),
    })
    .nullable()
    .describe('null until the plan is started.'),
  objectives: z.array(Objective),
  reviews: z.array(
    z.object({
      id: z.guid(),
      heldOn: z.string(),
      familyView: z.string(),
      nextReviewOn: z.string(),
      recordedAt: z.string(),
      recordedBy: z.string(),
      progress: z.array(
        z.object({ objectiveId: z.guid(), need: z.string(), rating: z.enum(PROGRESS_RATINGS), note: z.string() }),
      ),
    }),
  ),
  nextReview: z
    .object({ dueOn: z.string(), status: z.string() })
    .nullable()
    .describe('When the next review is due, once the plan is agreed and while the episode is open.'),
});
const Created = z.object({ id: z.guid() });

type Row = Record<string, unknown>;
const str = (v: unknown) => (v == null ? null : String(v));
const isoOf = (v: unknown) => (v instanceof Date ? v.toISOString() : str(v));

export function registerPlanApi(app: FastifyInstance, deps: AppDeps, service: PlanService) {
  const episodes = new EpisodeService(deps.database.db);
  const Params = z.object({ id: id('id').describe('The episode.') });

  const view = async (ctx: RequestContext, episodeId: string): Promise<z.input<typeof PlanView>> => {
    const personId = await episodes.personFor(ctx, episodeId);
    const v = await service.view(ctx, personId, episodeId);
    return {
      episodeId,
      plan: v.plan
        ? {
            id: v.plan.id,
            status: v.plan.status,
            strengths: v.plan.strengths,
            reviewWeeks: v.plan.review_weeks,
            agreedWith: v.plan.agreed_with,
            agreedOn: v.plan.agreed_on,
            agreedBy: v.agreedByName,
          }
        : null,
      objectives: v.objectives.map((o: Row) => ({
        id: String(o.id),
        domain: String(o.need_domain),
        domainName: String(o.domainName),
        subArea: String(o.need_sub_area),
        subAreaName: String(o.subAreaName),
        need: String(o.need),
        successCriterion: String(o.success_criterion),
        targetDate: String(o.target_date),
        agreedBy: String(o.agreed_by_whom),
        realistic: o.realistic === true,
        realisticNote: str(o.realistic_note),
        status: o.status as (typeof OBJECTIVE_STATUSES)[number],
        actions: (o.actions as Row[]).map((a) => ({
          id: String(a.id),
          what: String(a.what),
          owner: {
            kind: a.owner_user_id ? ('user' as const) : ('team' as const),
            userId: str(a.owner_user_id),
            teamId: str(a.owner_team_id),
            name: String(a.owner),
          },
          dueDate: String(a.due_date),
          status: a.status as (typeof PLAN_ACTION_STATUSES)[number],
          overdue: a.overdue === true,
          completedAt: isoOf(a.completed_at),
          completedBy: str(a.completed_by_name),
        })),
      })),
      reviews: v.reviews.map((r: Row) => ({
        id: String(r.id),
        heldOn: String(r.held_on),
        familyView: String(r.family_view),
        nextReviewOn: String(r.next_review_on),
        recordedAt: isoOf(r.recorded_at)!,
        recordedBy: String(r.recorded_by_name),
        progress: (r.progress as Row[]).map((p) => ({
          objectiveId: String(p.objective_id),
          need: String(p.need),
          rating: p.rating as (typeof PROGRESS_RATINGS)[number],
          note: String(p.note),
        })),
      })),
      nextReview: v.nextReview,
    };
  };

  defineApiRoute(app, deps, {
    method: 'GET',
    path: '/api/v1/episodes/:id/plan',
    summary: 'An episode’s plan: its strengths, SMART objectives with their actions, and its reviews',
    description:
      'For someone who works with one of its children, the targeted services leader within the partnership, and ' +
      'the lead practitioner’s manager; 404 for anyone else (audited on the child). `plan` is null until started.',
    tags: TAGS,
    auth: true,
    params: Params,
    response: PlanView,
    handler: async (ctx, { params }) => view(ctx, params.id),
  });

  defineApiRoute(app, deps, {
    method: 'PUT',
    path: '/api/v1/episodes/:id/plan',
    summary: 'Start the plan with the strengths it builds on and how often it is reviewed, or change them',
    description:
      'For the lead practitioner or the targeted services leader, while the episode is open (403 otherwise).',
    tags: TAGS,
    auth: true,
    params: Params,
    body: z.object({
      strengths: z.string().max(20_000).optional().describe('Required.'),
      reviewWeeks: z
        .number()
        .int()
        .min(1)
        .max(99)
        .optional()
        .describe('Required: 6, 7 or 8 weeks, or the partnership’s default.'),
    }),
    response: Created,
    unprocessable: 'The strengths are missing, or the interval is not one the partnership allows.',
    handler: async (ctx, { params, body }) => {
      const data = withFormRules(
        PlanForm,
        {
          strengths: body.strengths,
          reviewWeeks: body.reviewWeeks === undefined ? undefined : String(body.reviewWeeks),
        },
        (f) => f,
      );
      const personId = await episodes.personFor(ctx, params.id);
      return recordRules(() => service.save(ctx, personId, params.id, data));
    },
  });

  defineApiRoute(app, deps, {
    method: 'POST',
    path: '/api/v1/episodes/:id/plan/objectives',
    summary: 'Add a SMART objective to the plan',
    description:
      `${SMART_WORDS} An objective without a measurable criterion (successCriterion) or a target date is refused ` +
      'with 422, naming the field.',
    tags: TAGS,
    auth: true,
    params: Params,
    body: z.object({
      domain: z.string().max(60).optional().describe('Required: the threshold guidance’s domain of the need.'),
      subArea: z.string().max(60).optional().describe('Required: the guidance’s sub-area of the need.'),
      need: z.string().max(20_000).optional().describe('Required: the need it addresses.'),
      successCriterion: z
        .string()
        .max(20_000)
        .optional()
        .describe('Required (measurable): how everyone will know it has been achieved.'),
      targetDate: day('targetDate').optional().describe('Required (time-bound): in the future.'),
      agreedBy: z.string().max(20_000).optional().describe('Required: who agreed it.'),
      realistic: z.boolean().optional().describe('Required: whether it is realistic for the family.'),
      realisticNote: z.string().max(20_000).optional().describe('Required when realistic is false.'),
    }),
    response: Created,
    status: 201,
    unprocessable: 'The objective is not SMART: `errors` names each missing or wrong field.',
    handler: async (ctx, { params, body }) => {
      const smart = (errors: FieldError[]) =>
        `The objective is not SMART: ${errors.map((e) => `${e.field}: ${e.message.replace(` ${SMART_WORDS}`, '').replace(/\.$/, '')}`).join('; ')}. ${SMART_WORDS}`;
      const data = withFormRules(
        ObjectiveForm,
        {
          needArea: body.domain || body.subArea ? `${body.domain ?? ''}/${body.subArea ?? ''}` : undefined,
          need: body.need,
          successCriterion: body.successCriterion,
          ...dateParts('targetDate', body.targetDate),
          agreedBy: body.agreedBy,
          realistic: body.realistic === undefined ? undefined : body.realistic ? 'yes' : 'no',
          realisticNote: body.realisticNote,
        },
        (f) => (f === 'needArea' ? 'subArea' : f),
        smart,
      );
      const personId = await episodes.personFor(ctx, params.id);
      return recordRules(() => service.addObjective(ctx, personId, params.id, data)).catch((err) => {
        if (err instanceof UnprocessableError) {
          const errors = err.errors.map((e) => ({ ...e, field: e.field === 'needArea' ? 'subArea' : e.field }));
          throw new UnprocessableError(errors, smart(errors));
        }
        throw err;
      });
    },
  });

  defineApiRoute(app, deps, {
    method: 'POST',
    path: '/api/v1/episodes/:id/plan/objectives/:objectiveId/actions',
    summary: 'Add an action to an objective, with its owner (a person or an agency) and due date',
    description:
      'Every action needs an owner: give ownerUserId (the lead or a user in the team around the family) or ' +
      'ownerTeamId (a team of their organisations). Without one it is refused with 422. The owner has it on their ' +
      'work list.',
    tags: TAGS,
    auth: true,
    params: z.object({ id: id('id').describe('The episode.'), objectiveId: id('objectiveId') }),
    body: z
      .object({
        what: z.string().max(20_000).optional().describe('Required: what will be done.'),
        ownerUserId: id('ownerUserId').optional(),
        ownerTeamId: id('ownerTeamId').optional(),
        dueDate: day('dueDate').optional().describe('Required: today or later, by the objective’s target date.'),
      })
      .refine((b) => !(b.ownerUserId && b.ownerTeamId), {
        message: 'Give one owner: ownerUserId or ownerTeamId',
        path: ['ownerTeamId'],
      }),
    response: Created,
    status: 201,
    unprocessable: 'No owner, an owner outside the team around the family, or a due date out of range.',
    handler: async (ctx, { params, body }) => {
      const data = withFormRules(
        ActionForm,
        {
          what: body.what,
          ownerKind: body.ownerUserId ? 'user' : body.ownerTeamId ? 'team' : undefined,
          ownerUserId: body.ownerUserId,
          ownerTeamId: body.ownerTeamId,
          ...dateParts('dueDate', body.dueDate),
        },
        (f) => (f === 'ownerKind' ? 'owner' : f),
      );
      const personId = await episodes.personFor(ctx, params.id);
      return recordRules(() => service.addAction(ctx, personId, params.id, params.objectiveId, data));
    },
  });

  defineApiRoute(app, deps, {
    method: 'POST',
    path: '/api/v1/episodes/:id/plan/agree',
    summary: 'Record that the family agreed the plan: its first review is then due',
    description: 'The plan needs objectives, each with an action.',
    tags: TAGS,
    auth: true,
    params: Params,
    body: z.object({
      agreedWith: z.string().max(20_000).optional().describe('Required: who in the family agreed it.'),
      agreedOn: day('agreedOn').optional().describe('Required: not in the future.'),
    }),
    response: Created,
    unprocessable: 'A field is missing, the date is out of range, or an objective has no action.',
    handler: async (ctx, { params, body }) => {
      const data = withFormRules(
        AgreeForm,
        { agreedWith: body.agreedWith, ...dateParts('agreedOn', body.agreedOn) },
        (f) => f,
      );
      const personId = await episodes.personFor(ctx, params.id);
      return recordRules(() => service.agree(ctx, personId, params.id, data));
    },
  });

  defineApiRoute(app, deps, {
    method: 'POST',
    path: '/api/v1/episodes/:id/plan/actions/:actionId/complete',
    summary: 'Mark an action done',
    description:
      'For its owner (or a member of the owning team), the lead practitioner or the targeted services leader; ' +
      '403 for others. Done again is no change.',
    tags: TAGS,
    auth: true,
    params: z.object({ id: id('id').describe('The episode.'), actionId: id('actionId') }),
    response: Created,
    handler: async (ctx, { params }) => {
      const personId = await episodes.personFor(ctx, params.id);
      return recordRules(() => service.completeAction(ctx, personId, params.id, params.actionId));
    },
  });

  defineApiRoute(app, deps, {
    method: 'POST',
    path: '/api/v1/episodes/:id/plan/reviews',
    summary: 'Record a review of the agreed plan: progress on each open objective and the family’s view',
    description:
      'Give progress for every open objective; an objective whose status is not `open` is closed by the review. ' +
      'The review that was due is met and the next is set from the day this one was held.',
    tags: TAGS,
    auth: true,
    params: Params,
    body: z.object({
      heldOn: day('heldOn').optional().describe('Required: not in the future, not before the last review.'),
      familyView: z.string().max(20_000).optional().describe('Required: the family’s view.'),
      reviewWeeks: z.number().int().min(1).max(99).optional().describe('Required: weeks to the next review.'),
      progress: z
        .array(
          z.object({
            objectiveId: id('objectiveId'),
            rating: z.enum(PROGRESS_RATINGS).optional(),
            note: z.string().max(20_000).optional(),
            status: z.enum(OBJECTIVE_STATUSES).optional().describe('`open` keeps it open.'),
          }),
        )
        .max(100)
        .describe('One entry for each open objective.'),
    }),
    response: Created,
    status: 201,
    unprocessable: 'A field is missing, an open objective has no progress, or the plan is not agreed.',
    handler: async (ctx, { params, body }) => {
      const form: Record<string, unknown> = {
        ...dateParts('heldOn', body.heldOn),
        familyView: body.familyView,
        reviewWeeks: body.reviewWeeks === undefined ? undefined : String(body.reviewWeeks),
        objectiveIds: body.progress.map((p) => p.objectiveId),
      };
      for (const p of body.progress) {
        form[`rating-${p.objectiveId}`] = p.rating;
        form[`note-${p.objectiveId}`] = p.note;
        form[`status-${p.objectiveId}`] = p.status ?? 'open';
      }
      const data = withFormRules(ReviewForm, form, reviewField);
      const personId = await episodes.personFor(ctx, params.id);
      return recordRules(() => service.recordReview(ctx, personId, params.id, data)).catch((err) => {
        if (err instanceof UnprocessableError) {
          throw new UnprocessableError(
            err.errors.map((e) => ({ ...e, field: reviewField(e.field) })),
            err.message,
          );
        }
        throw err;
      });
    },
  });
}
