/** A targeted services leader's lists: the Top 100 and the Guidance and Support meeting. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../../platform/app-deps.ts';
import { ConflictError, type FieldError, ValidationError } from '../../platform/errors.ts';
import { formValues, readDate } from '../../platform/forms.ts';
import { checkId } from '../../platform/ids.ts';
import { TargetedServicesService } from './service.ts';

type P = { Params: { id: string } };

const FLASH: Record<string, string> = {
  meeting: 'Meeting date set',
  added: 'Family added to the meeting',
  removed: 'Family taken off the meeting',
};

export function registerTargetedServicesRoutes(app: FastifyInstance, deps: AppDeps) {
  const service = new TargetedServicesService(deps.database.db);

  const listPage = async (reply: FastifyReply, extra: { values?: unknown; errors?: FieldError[] } = {}) => {
    const q = reply.request.query as Record<string, unknown>;
    const lists = await service.lists(reply.request.ctx());
    return reply.page('targeted-services/views/index.njk', {
      ...lists,
      values: extra.values ?? {},
      ...(extra.errors ? { errors: extra.errors } : {}),
      flash: typeof q.done === 'string' ? FLASH[q.done] : undefined,
    });
  };

  app.get('/targeted-services', async (_request, reply) => listPage(reply));

  app.post('/targeted-services/meeting', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const errors: FieldError[] = [];
    const meetsOn = readDate(body, 'meetsOn', 'Meeting date', errors);
    if (!meetsOn && !errors.length) errors.push({ field: 'meetsOn', message: 'Enter the date of the next meeting' });
    try {
      if (errors.length || !meetsOn) throw new ValidationError(errors);
      await service.setMeeting(request.ctx(), meetsOn);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      return listPage(reply.code(400), { values: formValues(body), errors: err.errors });
    }
    return reply.redirect('/targeted-services?done=meeting', 303);
  });

  const familyPage = async (
    reply: FastifyReply,
    id: string,
    mode: 'add' | 'remove',
    extra: { values?: unknown; errors?: FieldError[] } = {},
  ) => {
    const found = await service.family(reply.request.ctx(), id);
    return reply.page('targeted-services/views/family.njk', {
      ...found,
      mode,
      values: extra.values ?? {},
      ...(extra.errors ? { errors: extra.errors } : {}),
    });
  };

  for (const mode of ['add', 'remove'] as const) {
    app.get<P>(`/targeted-services/families/:id/${mode}`, async (request, reply) => {
      checkId(request.params.id);
      return familyPage(reply, request.params.id, mode);
    });
    app.post<P>(`/targeted-services/families/:id/${mode}`, async (request, reply) => {
      checkId(request.params.id);
      const body = (request.body ?? {}) as Record<string, unknown>;
      const reason = typeof body.reason === 'string' ? body.reason : '';
      try {
        if (mode === 'add') await service.add(request.ctx(), request.params.id, reason);
        else await service.remove(request.ctx(), request.params.id, reason);
      } catch (err) {
        if (err instanceof ValidationError) {
          return familyPage(reply.code(400), request.params.id, mode, { values: formValues(body), errors: err.errors });
        }
        if (err instanceof ConflictError) {
          return familyPage(reply.code(409), request.params.id, mode, {
            values: formValues(body),
            errors: [{ field: 'reason', message: err.message }],
          });
        }
        throw err;
      }
      return reply.redirect(`/targeted-services?done=${mode === 'add' ? 'added' : 'removed'}`, 303);
    });
  }
}
