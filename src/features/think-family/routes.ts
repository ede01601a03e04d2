/** Think Family: the adults' needs that affect parenting, on a child's household. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../../platform/app-deps.ts';
import { type FieldError, ValidationError } from '../../platform/errors.ts';
import { formValues } from '../../platform/forms.ts';
import { checkId } from '../../platform/ids.ts';
import { ThinkFamilyService } from './service.ts';

type P = { Params: { id: string } };

export function registerThinkFamilyRoutes(app: FastifyInstance, deps: AppDeps) {
  const service = new ThinkFamilyService(deps.database.db);

  const page = async (reply: FastifyReply, id: string, extra: { values?: unknown; errors?: FieldError[] } = {}) => {
    const found = await service.forChild(reply.request.ctx(), id);
    const q = reply.request.query as Record<string, unknown>;
    return reply.page('think-family/views/index.njk', {
      ...found,
      values: extra.values ?? {},
      ...(extra.errors ? { errors: extra.errors } : {}),
      flash: q.done === 'recorded' ? 'Need recorded' : undefined,
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
}
