/**
 * Concerns (dispute) resolution: raise a concern about a decision, see it move through its stages, record the
 * outcome at each, the list of concerns, and the API.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { CONCERN_STAGES } from '../../db/schema.ts';
import { defineApiRoute } from '../../platform/api.ts';
import type { AppDeps } from '../../platform/app-deps.ts';
import { ConflictError, ValidationError } from '../../platform/errors.ts';
import { formValues } from '../../platform/forms.ts';
import { checkId, UUID } from '../../platform/ids.ts';
import { ConcernService } from './service.ts';
import { STAGES, stageDays } from './stages.ts';

type Raise = { Params: { kind: string; subjectId: string } };
type One = { Params: { id: string } };

export const CONCERNS_OVERDUE_JOB = 'concerns.overdue';

const FLASH: Record<string, string> = {
  raised: 'Concern raised. The people asked to respond have been told.',
  escalated:
    'Outcome recorded. The concern has moved to its next stage and the people asked to respond have been told.',
  resolved: 'Outcome recorded. The concern is resolved.',
};

/** The stages and their working days, as the partnership has set them: shown on the pages and in the user guide. */
const stagesView = () =>
  STAGES.map((s) => ({ name: s.name, title: s.title, who: s.who, days: stageDays(s), rule: s.rule?.words ?? null }));

const outcomeItems = (next: { title: string } | null, values: Record<string, unknown>) =>
  [
    { value: 'agreed', text: 'Resolved: we have agreed a way forward' },
    { value: 'decision_changed', text: 'Resolved: the decision has been changed' },
    { value: 'decision_stands', text: 'Resolved: the decision stands, with the reasons explained' },
    ...(next
      ? [{ value: 'escalated', text: `Not resolved: take it to the next stage (${next.title.toLowerCase()})` }]
      : []),
  ].map((i) => ({ ...i, checked: values.outcome === i.value }));

export function registerConcernRoutes(app: FastifyInstance, deps: AppDeps) {
  const service = new ConcernService(deps.database.db);

  deps.jobs.register(CONCERNS_OVERDUE_JOB, async ({ trx, now }) => {
    await ConcernService.checkOverdue(trx, now);
  });
  deps.jobs.daily(CONCERNS_OVERDUE_JOB, '08:00');

  app.get('/concerns', async (request, reply) => {
    const list = await service.list(request.ctx());
    return reply.page('concerns/views/list.njk', { ...list, stages: stagesView() });
  });

  const raisePage = async (
    reply: FastifyReply,
    kind: string,
    subjectId: string,
    extra: { values?: Record<string, unknown>; errors?: ValidationError['errors'] } = {},
  ) => {
    const form = await service.raiseForm(reply.request.ctx(), kind, subjectId);
    return reply.page('concerns/views/raise.njk', {
      ...form,
      action: `/concerns/raise/${kind}/${subjectId}`,
      stages: stagesView(),
      values: extra.values ?? {},
      ...(extra.errors ? { errors: extra.errors } : {}),
    });
  };

  app.get<Raise>('/concerns/raise/:kind/:subjectId', async (request, reply) => {
    checkId(request.params.subjectId);
    return raisePage(reply, request.params.kind, request.params.subjectId);
  });

  app.post<Raise>('/concerns/raise/:kind/:subjectId', async (request, reply) => {
    const { kind, subjectId } = request.params;
    checkId(subjectId);
    try {
      const { id } = await service.raise(request.ctx(), kind, subjectId, request.body);
      return reply.redirect(`/concerns/${id}?done=raised`, 303);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      reply.code(400);
      return raisePage(reply, kind, subjectId, { values: formValues(request.body), errors: err.errors });
    }
  });

  const concernPage = async (
    reply: FastifyReply,
    id: string,
    extra: { values?: Record<string, unknown>; errors?: ValidationError['errors']; flash?: string } = {},
  ) => {
    const detail = await service.view(reply.request.ctx(), id);
    const values = extra.values ?? {};
    return reply.page('concerns/views/concern.njk', {
      ...detail,
      outcomeItems: outcomeItems(detail.next, values),
      values,
      ...(extra.flash ? { flash: extra.flash } : {}),
      ...(extra.errors ? { errors: extra.errors } : {}),
    });
  };

  app.get<One>('/concerns/:id', async (request, reply) => {
    checkId(request.params.id);
    const done = (request.query as Record<string, unknown> | undefined)?.done;
    return concernPage(reply, request.params.id, {
      ...(typeof done === 'string' && FLASH[done] ? { flash: FLASH[done] } : {}),
    });
  });

  app.post<One>('/concerns/:id/outcome', async (request, reply) => {
    const { id } = request.params;
    checkId(id);
    try {
      const r = await service.answer(request.ctx(), id, request.body);
      return reply.redirect(`/concerns/${id}?done=${r.next ? 'escalated' : 'resolved'}`, 303);
    } catch (err) {
      if (err instanceof ValidationError) {
        reply.code(400);
        return concernPage(reply, id, { values: formValues(request.body), errors: err.errors });
      }
      if (err instanceof ConflictError) {
        reply.code(409);
        return concernPage(reply, id, {
          values: formValues(request.body),
          errors: [{ field: 'outcome', message: err.message }],
        });
      }
      throw err;
    }
  });

  // ---- API --------------------------------------------------------------------------------------------------

  const Deadline = z
    .object({
      dueAt: z.string().describe('When the stage is due (ISO 8601): the end of its last working day.'),
      status: z.enum(['due', 'at_risk', 'overdue', 'met', 'met_late']),
      rule: z.string().describe('The rule that set it, in words.'),
    })
    .nullable()
    .describe('Null for the partnership’s formal procedure, which keeps its own timetable.');
  const Summary = z.object({
    id: z.guid(),
    personId: z.guid().describe('The child the decision is about.'),
    subjectKind: z.string().describe('The kind of decision disagreed with, e.g. `need_level`.'),
    raisedBy: z.object({ id: z.guid(), name: z.string() }),
    raisedAt: z.string(),
    status: z.enum(['open', 'resolved']),
    resolution: z.enum(['agreed', 'decision_changed', 'decision_stands']).nullable(),
    currentStage: z.enum(CONCERN_STAGES).nullable().describe('The stage waiting for an answer; null once resolved.'),
    deadline: Deadline,
    waitingOnYou: z.boolean().describe('You are asked to respond at the current stage.'),
  });
  const Detail = z.object({
    id: z.guid(),
    personId: z.guid(),
    subject: z.object({ kind: z.string(), id: z.guid(), title: z.string() }),
    raisedBy: z.object({ id: z.guid(), name: z.string(), organisation: z.string() }),
    raisedAt: z.string(),
    disagreement: z.string(),
    outcomeWanted: z.string(),
    status: z.enum(['open', 'resolved']),
    resolution: z.enum(['agreed', 'decision_changed', 'decision_stands']).nullable(),
    resolvedAt: z.string().nullable(),
    stages: z.array(
      z.object({
        stage: z.enum(CONCERN_STAGES),
        openedAt: z.string(),
        responders: z.array(
          z.object({ userId: z.guid(), name: z.string(), organisation: z.string(), why: z.string() }),
        ),
        deadline: Deadline,
        overdueNotifiedAt: z
          .string()
          .nullable()
          .describe('When the daily check found it overdue and told the next tier.'),
        outcome: z.enum(['agreed', 'decision_changed', 'decision_stands', 'escalated']).nullable(),
        reasons: z.string().nullable(),
        answeredBy: z.string().nullable(),
        answeredAt: z.string().nullable(),
      }),
    ),
  });
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  const deadlineApi = (d: { dueAt: Date; status: string; rule: string } | null) =>
    d ? { dueAt: d.dueAt.toISOString(), status: d.status as 'due', rule: d.rule } : null;

  defineApiRoute(app, deps, {
    method: 'GET',
    path: '/api/v1/concerns',
    summary: 'The concerns about decisions the token’s user may see',
    description:
      'Concerns the user raised, is asked to respond to at any stage, or manages someone who did. Newest first. ' +
      'Each call is audited, naming the children listed.',
    tags: ['Concerns'],
    auth: true,
    response: z.object({ items: z.array(Summary) }),
    handler: async (ctx) => {
      const list = await service.list(ctx);
      return {
        items: list.all.map((i) => ({
          id: i.id,
          personId: i.personId,
          subjectKind: i.subjectKind,
          raisedBy: { id: i.raisedById, name: i.raisedBy },
          raisedAt: i.raisedAt.toISOString(),
          status: i.status,
          resolution: i.resolution,
          currentStage: i.stage?.name ?? null,
          deadline: deadlineApi(i.deadline),
          waitingOnYou: i.waitingOnYou,
        })),
      };
    },
  });

  defineApiRoute(app, deps, {
    method: 'GET',
    path: '/api/v1/concerns/:id',
    summary: 'One concern: what is disagreed with, and each stage with its responders, deadline and outcome',
    description:
      'For the person who raised it, anyone asked to respond at any stage, and their managers; 404 for anyone else. ' +
      'Each call is audited on the child.',
    tags: ['Concerns'],
    auth: true,
    params: z.object({ id: z.string().regex(UUID, { error: 'id must be a concern id' }) }),
    response: Detail,
    handler: async (ctx, { params }) => {
      const d = await service.view(ctx, params.id);
      return {
        id: d.concern.id,
        personId: d.person.id,
        subject: { kind: d.subject.kind, id: d.subject.id, title: d.subject.title },
        raisedBy: d.concern.raisedBy,
        raisedAt: d.concern.raisedAt.toISOString(),
        disagreement: d.concern.disagreement,
        outcomeWanted: d.concern.outcomeWanted,
        status: d.concern.status,
        resolution: d.concern.resolution,
        resolvedAt: iso(d.concern.resolvedAt),
        stages: d.stages.map((s) => ({
          stage: s.stage,
          openedAt: s.openedAt.toISOString(),
          responders: s.responders,
          deadline: deadlineApi(
            s.deadline ? { dueAt: s.deadline.dueAt, status: s.deadline.status, rule: s.deadline.rule } : null,
          ),
          overdueNotifiedAt: iso(s.overdueNotifiedAt),
          outcome: s.outcome,
          reasons: s.reasons,
          answeredBy: s.answeredBy,
          answeredAt: iso(s.answeredAt),
        })),
      };
    },
  });
}
