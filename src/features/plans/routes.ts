/**
 * The plan of an early help episode, under the episode: the plan page, starting it (strengths and review interval),
 * adding SMART objectives and their actions, recording the family's agreement, marking actions done and recording
 * reviews. Forms follow docs/decisions/0021: the schema beside the handler, `submitForm`, service rules as
 * `ValidationError`.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { OBJECTIVE_STATUSES, type ObjectiveStatus, PROGRESS_RATINGS, type ProgressRating } from '../../db/schema.ts';
import type { AppDeps } from '../../platform/app-deps.ts';
import { NotFoundError } from '../../platform/errors.ts';
import { asArray, dateFromParts, type FormProblem, orderedForm, submitForm } from '../../platform/forms.ts';
import { checkId, isUuid } from '../../platform/ids.ts';
import { registerAreaSetting } from '../admin/area-setting.ts';
import { registerPlanApi } from './api.ts';
import { OBJECTIVE_STATUS_WORDS, PlanService, RATING_WORDS, SMART_WORDS } from './service.ts';

type One = { Params: { id: string; episodeId: string } };
type Objective = { Params: { id: string; episodeId: string; objectiveId: string } };
type Action = { Params: { id: string; episodeId: string; actionId: string } };

const text = (what: string, max = 5000, extra = '') =>
  z
    .string({ message: `Enter ${what}${extra}` })
    .trim()
    .min(1, `Enter ${what}${extra}`)
    .max(
      max,
      `${what.charAt(0).toUpperCase()}${what.slice(1)} must be ${max.toLocaleString('en-GB')} characters or fewer`,
    );

/** Reads a GOV.UK date input (`<name>-day`, `-month`, `-year`): the ISO date, or a problem on the field. */
function readDate(
  body: Record<string, unknown>,
  name: string,
  label: string,
  missing: string,
  problem: (field: string, message: string) => void,
): string | undefined {
  const part = (p: string) => {
    const v = body[`${name}-${p}`];
    return typeof v === 'string' ? v.trim() : '';
  };
  const r = dateFromParts(part('day'), part('month'), part('year'), label);
  if (r.error) problem(name, r.error);
  else if (!r.iso) problem(name, missing);
  return r.iso;
}

const weeksField = (message: string) =>
  z
    .string({ message })
    .regex(/^\d{1,2}$/, message)
    .transform(Number);

export const PlanForm = orderedForm((_body, field) => {
  const strengths = field('strengths', text('the strengths the plan builds on'));
  const reviewWeeks = field('reviewWeeks', weeksField('Select how often the plan will be reviewed'));
  return { strengths: strengths!, reviewWeeks: reviewWeeks! };
});

export const ObjectiveForm = orderedForm((body, field, problem) => {
  // When the episode's assessment records unmet needs the form offers them (`needFrom=assessment`): the domain and
  // sub-area follow from the need picked, and the specific words may be left blank to use the need's own.
  const fromAssessment = body.needFrom === 'assessment';
  let assessmentNeedId: string | null = null;
  let needKey: string | undefined;
  let need: string | undefined | null;
  if (fromAssessment) {
    if (isUuid(body.assessmentNeedId)) assessmentNeedId = body.assessmentNeedId as string;
    else problem('assessmentNeedId', 'Select the unmet need from the assessment the objective addresses');
    need = field(
      'need',
      z
        .string()
        .trim()
        .max(1000, 'The need the objective addresses must be 1,000 characters or fewer')
        .optional()
        .transform((v) => v || null),
    );
  } else {
    needKey = field(
      'needArea',
      z
        .string({ message: 'Select the area of need the objective addresses' })
        .regex(/^[a-z0-9-]{1,60}\/[a-z0-9-]{1,60}$/, 'Select the area of need the objective addresses'),
    );
    need = field('need', text('the need the objective addresses', 1000));
  }
  const successCriterion = field(
    'successCriterion',
    text('how everyone will know the objective has been achieved', 2000, `. ${SMART_WORDS}`),
  );
  const targetDate = readDate(body, 'targetDate', 'The target date', `Enter a target date. ${SMART_WORDS}`, problem);
  const agreedBy = field('agreedBy', text('who agreed the objective', 500));
  const realistic = field(
    'realistic',
    z.enum(['yes', 'no'], { message: 'Select whether the objective is realistic for the family' }),
  );
  const realisticNote =
    realistic === 'no'
      ? field('realisticNote', text('what would make it realistic, or change the objective', 2000))
      : null;
  const [domain, subArea] = needKey ? needKey.split('/') : [null, null];
  return {
    assessmentNeedId,
    domain: domain ?? null,
    subArea: subArea ?? null,
    need: need ?? null,
    successCriterion: successCriterion!,
    targetDate: targetDate!,
    agreedBy: agreedBy!,
    realistic: realistic === 'yes',
    realisticNote: realisticNote ?? null,
  };
});

const ownerMissing = 'Select who owns the action: every action needs an owner, a person or an agency';

export const ActionForm = orderedForm((body, field, problem) => {
  const what = field('what', text('what will be done', 1000));
  const kind = field('ownerKind', z.enum(['user', 'team'], { message: ownerMissing }));
  let owner: { kind: 'user'; userId: string } | { kind: 'team'; teamId: string } | undefined;
  if (kind === 'user') {
    const userId = body.ownerUserId;
    if (isUuid(userId)) owner = { kind: 'user', userId: userId as string };
    else problem('ownerUserId', 'Select the person who owns the action');
  } else if (kind === 'team') {
    const teamId = body.ownerTeamId;
    if (isUuid(teamId)) owner = { kind: 'team', teamId: teamId as string };
    else problem('ownerTeamId', 'Select the agency that owns the action');
  }
  const dueDate = readDate(body, 'dueDate', 'The due date', 'Enter the date the action is due', problem);
  return { what: what!, owner: owner!, dueDate: dueDate! };
});

export const AgreeForm = orderedForm((body, field, problem) => {
  const agreedWith = field('agreedWith', text('who in the family agreed the plan', 500));
  const agreedOn = readDate(
    body,
    'agreedOn',
    'The date it was agreed',
    'Enter the date the family agreed the plan',
    problem,
  );
  return { agreedWith: agreedWith!, agreedOn: agreedOn! };
});

export const ReviewForm = orderedForm((body, field, problem) => {
  const heldOn = readDate(body, 'heldOn', 'The date of the review', 'Enter the date of the review', problem);
  const progress: { objectiveId: string; rating: ProgressRating; note: string; status: ObjectiveStatus }[] = [];
  for (const objectiveId of asArray(body.objectiveIds)) {
    if (!isUuid(objectiveId)) continue;
    const rating = field(
      `rating-${objectiveId}`,
      z.enum(PROGRESS_RATINGS, { message: 'Select the progress made on the objective' }),
    );
    const note = field(`note-${objectiveId}`, text('a note on the progress made', 2000));
    const status = field(
      `status-${objectiveId}`,
      z.enum(OBJECTIVE_STATUSES, { message: 'Select whether the objective stays open' }),
    );
    if (rating && note && status) progress.push({ objectiveId, rating, note, status });
  }
  const familyView = field('familyView', text('the family’s view of the plan and the progress', 5000));
  const reviewWeeks = field('reviewWeeks', weeksField('Select when the next review will be'));
  return { heldOn: heldOn!, familyView: familyView!, reviewWeeks: reviewWeeks!, progress };
});

const FLASH: Record<string, string> = {
  saved: 'Plan saved.',
  objective: 'Objective added. Add the actions that will achieve it.',
  action: 'Action added. It is on its owner’s work list.',
  agreed: 'The family’s agreement is recorded. The first review is on the lead practitioner’s work list.',
  done: 'Action marked done.',
  reviewed: 'Review recorded. The next review is on the lead practitioner’s work list.',
};

export function registerPlanRoutes(app: FastifyInstance, deps: AppDeps) {
  const service = new PlanService(deps.database.db);
  registerPlanApi(app, deps, service);
  // The plan review interval: how many weeks apart a plan's reviews are unless the plan chooses another (6, 7 or 8
  // weeks). Set for each partnership, from 4 to 12 weeks; the default is 6.
  registerAreaSetting(app, deps, {
    column: 'plan_review_weeks',
    field: 'weeks',
    min: 4,
    max: 12,
    path: '/admin/plan-reviews',
    action: 'admin.plan-reviews.changed',
    words: {
      title: 'Plan review interval',
      intro:
        'An early help plan is reviewed at an agreed interval. Each partnership sets its usual interval (6 weeks unless changed), from 4 to 12 weeks; when a plan is started or reviewed the lead practitioner may choose 6, 7 or 8 weeks instead. The child’s partnership’s setting is used. Changing it does not move reviews already due.',
      table: 'plan-review-settings',
      column: 'Reviews',
      value: (n) => `Every ${n} weeks`,
      change: 'the plan review interval for',
      question: 'Every how many weeks should an early help plan be reviewed?',
      hint: 'From 4 to 12.',
      suffix: 'weeks',
      invalid: 'Enter a whole number of weeks from 4 to 12',
      saved: 'Plan review interval saved',
    },
  });
  const base = (id: string, episodeId: string) => `/people/${id}/episodes/${episodeId}/plan`;

  app.get<One>('/people/:id/episodes/:episodeId/plan', async (request, reply) => {
    const { id, episodeId } = request.params;
    checkId(id, episodeId);
    const done = (request.query as Record<string, unknown> | undefined)?.done;
    const plan = await service.view(request.ctx(), id, episodeId);
    return reply.page('plans/views/plan.njk', {
      ...plan,
      smart: SMART_WORDS,
      ...(typeof done === 'string' && FLASH[done] ? { flash: FLASH[done] } : {}),
    });
  });

  const formPage = async (
    reply: FastifyReply,
    template: string,
    id: string,
    episodeId: string,
    problem?: FormProblem,
    extra: Record<string, unknown> = {},
  ) => {
    const form = await service.form(reply.request.ctx(), id, episodeId);
    if (typeof extra.objectiveId === 'string' && !form.objectives.some((o) => o.id === extra.objectiveId)) {
      throw new NotFoundError();
    }
    const values: Record<string, unknown> = problem?.values ?? {};
    const weeks = String(values.reviewWeeks ?? form.plan?.review_weeks ?? form.defaultWeeks);
    return reply.page(template, {
      ...form,
      ...extra,
      values,
      smart: SMART_WORDS,
      weekItems: form.weekChoices.map((w) => ({
        value: String(w),
        text: `Every ${w} weeks${w === form.defaultWeeks ? ' (the partnership’s default)' : ''}`,
        checked: weeks === String(w),
      })),
      needItems: [
        { value: '', text: 'Choose an area of need' },
        ...form.domains.flatMap((d) =>
          d.subAreas.map((s) => ({
            value: `${d.id}/${s.id}`,
            text: `${d.name}: ${s.name}`,
            selected: values.needArea === `${d.id}/${s.id}`,
          })),
        ),
      ],
      assessmentNeedItems: form.assessmentNeeds.map((n) => ({
        value: n.id,
        text: `${n.area}: ${n.description}`,
        hint: { text: `About: ${n.about}` },
        checked: values.assessmentNeedId === n.id,
      })),
      userItems: [
        { value: '', text: 'Choose a person' },
        ...form.users.map((u) => ({
          value: u.id,
          text: `${u.name} (${u.organisation_name})`,
          selected: values.ownerUserId === u.id,
        })),
      ],
      teamItems: [
        { value: '', text: 'Choose an agency' },
        ...form.teams.map((t) => ({
          value: t.id,
          text: `${t.organisation_name}: ${t.name}`,
          selected: values.ownerTeamId === t.id,
        })),
      ],
      ratingItems: (objectiveId: string) =>
        PROGRESS_RATINGS.map((r) => ({
          value: r,
          text: RATING_WORDS[r],
          checked: values[`rating-${objectiveId}`] === r,
        })),
      statusItems: (objectiveId: string) =>
        OBJECTIVE_STATUSES.map((s) => ({
          value: s,
          text: s === 'open' ? 'Keep it open' : OBJECTIVE_STATUS_WORDS[s],
          checked: (values[`status-${objectiveId}`] ?? 'open') === s,
        })),
      ...(problem ? { errors: problem.errors } : {}),
    });
  };

  const form = <P extends One['Params']>(
    path: string,
    template: string,
    schema: z.ZodType,
    handle: (params: P, data: never, reply: FastifyReply) => Promise<unknown>,
    extra: (params: P) => Promise<Record<string, unknown>> | Record<string, unknown> = () => ({}),
  ) => {
    app.get(path, async (request, reply) => {
      const params = request.params as P;
      checkId(...(Object.values(params) as string[]));
      return formPage(reply, template, params.id, params.episodeId, undefined, await extra(params));
    });
    app.post(path, async (request, reply) => {
      const params = request.params as P;
      checkId(...(Object.values(params) as string[]));
      return submitForm(
        reply,
        schema,
        (data) => handle(params, data as never, reply),
        async (problem) => formPage(reply, template, params.id, params.episodeId, problem, await extra(params)),
      );
    });
  };

  form<One['Params']>(
    '/people/:id/episodes/:episodeId/plan/edit',
    'plans/views/edit.njk',
    PlanForm,
    async (p, data, reply) => {
      await service.save(reply.request.ctx(), p.id, p.episodeId, data as z.output<typeof PlanForm>);
      return reply.redirect(`${base(p.id, p.episodeId)}?done=saved`, 303);
    },
  );

  form<One['Params']>(
    '/people/:id/episodes/:episodeId/plan/objectives/new',
    'plans/views/objective.njk',
    ObjectiveForm,
    async (p, data, reply) => {
      await service.addObjective(reply.request.ctx(), p.id, p.episodeId, data as z.output<typeof ObjectiveForm>);
      return reply.redirect(`${base(p.id, p.episodeId)}?done=objective`, 303);
    },
  );

  form<Objective['Params']>(
    '/people/:id/episodes/:episodeId/plan/objectives/:objectiveId/actions/new',
    'plans/views/action.njk',
    ActionForm,
    async (p, data, reply) => {
      await service.addAction(
        reply.request.ctx(),
        p.id,
        p.episodeId,
        p.objectiveId,
        data as z.output<typeof ActionForm>,
      );
      return reply.redirect(`${base(p.id, p.episodeId)}?done=action`, 303);
    },
    (p) => ({ objectiveId: p.objectiveId }),
  );

  form<One['Params']>(
    '/people/:id/episodes/:episodeId/plan/agree',
    'plans/views/agree.njk',
    AgreeForm,
    async (p, data, reply) => {
      await service.agree(reply.request.ctx(), p.id, p.episodeId, data as z.output<typeof AgreeForm>);
      return reply.redirect(`${base(p.id, p.episodeId)}?done=agreed`, 303);
    },
  );

  form<One['Params']>(
    '/people/:id/episodes/:episodeId/plan/reviews/new',
    'plans/views/review.njk',
    ReviewForm,
    async (p, data, reply) => {
      await service.recordReview(reply.request.ctx(), p.id, p.episodeId, data as z.output<typeof ReviewForm>);
      return reply.redirect(`${base(p.id, p.episodeId)}?done=reviewed`, 303);
    },
  );

  app.post<Action>('/people/:id/episodes/:episodeId/plan/actions/:actionId/complete', async (request, reply) => {
    const { id, episodeId, actionId } = request.params;
    checkId(id, episodeId, actionId);
    await service.completeAction(request.ctx(), id, episodeId, actionId);
    return reply.redirect(`${base(id, episodeId)}?done=done`, 303);
  });
}
