/** Think Family: the adults' needs that affect parenting, on a child's household. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../platform/app-deps.ts';
import { londonToday } from '../../platform/calendar.ts';
import { type FieldError, ValidationError } from '../../platform/errors.ts';
import { dateParts, type FormProblem, formValues, orderedForm, submitForm } from '../../platform/forms.ts';
import { checkId } from '../../platform/ids.ts';
import { ThinkFamilyService } from './service.ts';

type P = { Params: { id: string } };
type PN = { Params: { id: string; needId: string } };

/** Ending a need: the day it ended (today or before) and why. The service checks it is not before it was recorded. */
export const EndNeedForm = (today: string) =>
  orderedForm((body, field, problem, problems) => {
    const endedOn = field('endedOn', dateParts('endedOn', 'The date the need ended'), body);
    if (!endedOn && !problems().some((p) => p.field === 'endedOn')) problem('endedOn', 'Enter the date the need ended');
    else if (endedOn && endedOn > today) problem('endedOn', 'The date the need ended must be today or in the past');
    const reason = field(
      'reason',
      z
        .string({ error: 'Enter why the need has ended' })
        .trim()
        .min(1, 'Enter why the need has ended')
        .max(1000, 'The reason must be 1000 characters or fewer'),
    );
    return { endedOn: endedOn ?? '', reason: reason ?? '' };
  });

export function registerThinkFamilyRoutes(app: FastifyInstance, deps: AppDeps) {
  const service = new ThinkFamilyService(deps.database.db);

  const page = async (reply: FastifyReply, id: string, extra: { values?: unknown; errors?: FieldError[] } = {}) => {
    const found = await service.forChild(reply.request.ctx(), id);
    const q = reply.request.query as Record<string, unknown>;
    return reply.page('think-family/views/index.njk', {
      ...found,
      values: extra.values ?? {},
      ...(extra.errors ? { errors: extra.errors } : {}),
      flash: q.done === 'recorded' ? 'Need recorded' : q.done === 'ended' ? 'Need ended' : undefined,
    });
  };

  app.get<P>('/people/:id/think-family', async (request, reply) => {
    checkId(request.params.id);
    return page(reply, request.params.id);
  });

  app.post<P>('/people/:id/think-family', async (request, reply) => {
    checkId(request.params.id);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const text = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
    try {
      await service.record(request.ctx(), request.params.id, {
        need: text('need'),
        about: text('about'),
        note: text('note'),
      });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return page(reply.code(400), request.params.id, { values: formValues(body), errors: err.errors });
    }
    return reply.redirect(`/people/${request.params.id}/think-family?done=recorded`, 303);
  });

  const endPage = async (reply: FastifyReply, id: string, needId: string, problem?: FormProblem) => {
    const found = await service.endForm(reply.request.ctx(), id, needId);
    return reply.page('think-family/views/end.njk', { ...found, values: {}, ...problem });
  };

  app.get<PN>('/people/:id/think-family/:needId/end', async (request, reply) => {
    checkId(request.params.id, request.params.needId);
    return endPage(reply, request.params.id, request.params.needId);
  });

  app.post<PN>('/people/:id/think-family/:needId/end', async (request, reply) => {
    const { id, needId } = request.params;
    checkId(id, needId);
    const ctx = request.ctx();
    return submitForm(
      reply,
      EndNeedForm(londonToday(ctx.at)),
      async (data) => {
        await service.end(ctx, id, needId, data);
        return reply.redirect(`/people/${id}/think-family?done=ended`, 303);
      },
      (problem) => endPage(reply, id, needId, problem),
    );
  });
}
