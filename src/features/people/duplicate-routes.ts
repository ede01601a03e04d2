/** The duplicate review queue: compare two records, merge them or say they differ; merge history and unmerge. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../../platform/app-deps.ts';
import { ConflictError, type FieldError } from '../../platform/errors.ts';
import { formValues, parseForm } from '../../platform/forms.ts';
import { checkId } from '../../platform/ids.ts';
import { NAME_KIND_LABELS } from './codes.ts';
import { DuplicateService } from './duplicate-service.ts';
import type { MatchModel } from './matching/model.ts';
import { BreakGlassForm, MergeForm, NotDuplicateForm, UnmergeForm, UUID } from './schemas.ts';
import { ShieldedRecordError } from './service.ts';

type P = { Params: { id: string } };

const FLASH: Record<string, string> = {
  merged: 'Records merged. Everything about the child is now on one record; the merge can be undone from its history',
  rejected: 'Recorded as different people. This pair will not be suggested again',
  unmerged:
    'Merge undone. Both records are back as they were, with anything added since kept on the record that was kept',
};

export function registerDuplicateRoutes(app: FastifyInstance, deps: AppDeps, model: MatchModel) {
  const service = new DuplicateService(deps.database.db, model);

  app.get<{ Querystring: { page?: string; done?: string } }>('/duplicates', async (request, reply) => {
    const page = Math.max(1, Math.min(10_000, Number.parseInt(request.query.page ?? '1', 10) || 1));
    const queue = await service.queue(request.ctx(), page);
    return reply.page('people/views/duplicates.njk', { ...queue, values: {}, flash: FLASH[request.query.done ?? ''] });
  });

  // Two records a reviewer found themselves (by their references, from the index cards): compare them.
  app.post('/duplicates/new', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const ref = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).trim().toLowerCase() : '');
    const errors: FieldError[] = [];
    for (const [k, label] of [
      ['first', 'first'],
      ['second', 'second'],
    ] as const) {
      if (!UUID.test(ref(k)))
        errors.push({ field: k, message: `Enter the ${label} record reference, as the index card shows it` });
    }
    const queueWith = async (errs: FieldError[]) =>
      reply.code(400).page('people/views/duplicates.njk', {
        ...(await service.queue(request.ctx(), 1)),
        values: formValues(body),
        errors: errs,
      });
    if (errors.length) return queueWith(errors);
    // A reason is asked for only when one of the records is shielded (break-glass); then it is required.
    const given = typeof body.reason === 'string' && body.reason.trim() !== '';
    const breakGlass = given ? parseForm(BreakGlassForm, body) : undefined;
    if (breakGlass && !breakGlass.ok) return queueWith(breakGlass.errors);
    try {
      const id = await service.pairByReference(request.ctx(), ref('first'), ref('second'), breakGlass?.data?.reason);
      return reply.redirect(`/duplicates/${id}${breakGlass ? '?opened=1' : ''}`, 303);
    } catch (err) {
      if (err instanceof ConflictError) return queueWith([{ field: 'first', message: err.message }]);
      if (err instanceof ShieldedRecordError) {
        return queueWith([
          { field: 'reason', message: 'One of these records is shielded: enter why you need to open it' },
        ]);
      }
      throw err;
    }
  });

  const pairPage = async (
    reply: FastifyReply,
    id: string,
    values: unknown,
    errors?: FieldError[],
    breakGlassReason?: string,
  ) => {
    try {
      return reply.page('people/views/duplicate.njk', {
        ...(await service.pair(reply.request.ctx(), id, breakGlassReason)),
        nameKinds: NAME_KIND_LABELS,
        values,
        errors,
      });
    } catch (err) {
      if (!(err instanceof ShieldedRecordError)) throw err;
      return reply.page('people/views/break-glass.njk', {
        id,
        action: `/duplicates/${id}/open`,
        shielded: err.shielded,
        values: {},
      });
    }
  };

  app.get<P>('/duplicates/:id', async (request, reply) => {
    checkId(request.params.id);
    return pairPage(reply, request.params.id, {});
  });

  // A pair with a shielded record opens only with a reason, as its index card does.
  app.post<P>('/duplicates/:id/open', async (request, reply) => {
    checkId(request.params.id);
    const form = parseForm(BreakGlassForm, request.body);
    if (!form.ok) {
      return reply.code(400).page('people/views/break-glass.njk', {
        id: request.params.id,
        action: `/duplicates/${request.params.id}/open`,
        shielded: true,
        errors: form.errors,
        values: formValues(request.body),
      });
    }
    return pairPage(reply, request.params.id, {}, undefined, form.data.reason);
  });

  app.post<P>('/duplicates/:id/merge', async (request, reply) => {
    checkId(request.params.id);
    const form = parseForm(MergeForm, request.body);
    if (!form.ok) return pairPage(reply.code(400), request.params.id, formValues(request.body), form.errors);
    try {
      await service.merge(request.ctx(), request.params.id, form.data.kept, form.data.reason);
    } catch (err) {
      if (err instanceof ConflictError) {
        return pairPage(reply.code(409), request.params.id, formValues(request.body), [
          { field: 'kept', message: err.message },
        ]);
      }
      throw err;
    }
    return reply.redirect('/duplicates?done=merged', 303);
  });

  app.post<P>('/duplicates/:id/not-duplicate', async (request, reply) => {
    checkId(request.params.id);
    const form = parseForm(NotDuplicateForm, request.body);
    if (!form.ok) {
      const errors = form.errors.map((e) => ({ ...e, field: 'rejectReason' }));
      return pairPage(reply.code(400), request.params.id, { rejectReason: formValues(request.body).reason }, errors);
    }
    await service.notDuplicate(request.ctx(), request.params.id, form.data.reason);
    return reply.redirect('/duplicates?done=rejected', 303);
  });

  app.get<{ Querystring: { done?: string } }>('/merges', async (request, reply) => {
    const merges = await service.history(request.ctx());
    return reply.page('people/views/merges.njk', { merges, flash: FLASH[request.query.done ?? ''] });
  });

  const mergePage = async (reply: FastifyReply, id: string, values: unknown, errors?: FieldError[]) =>
    reply.page('people/views/merge.njk', {
      ...(await service.mergeRecord(reply.request.ctx(), id)),
      nameKinds: NAME_KIND_LABELS,
      values,
      errors,
    });

  app.get<P>('/merges/:id', async (request, reply) => {
    checkId(request.params.id);
    return mergePage(reply, request.params.id, {});
  });

  app.post<P>('/merges/:id/unmerge', async (request, reply) => {
    checkId(request.params.id);
    const form = parseForm(UnmergeForm, request.body);
    if (!form.ok) return mergePage(reply.code(400), request.params.id, formValues(request.body), form.errors);
    try {
      await service.unmerge(request.ctx(), request.params.id, form.data.reason);
    } catch (err) {
      if (err instanceof ConflictError) {
        return mergePage(reply.code(409), request.params.id, formValues(request.body), [
          { field: 'reason', message: err.message },
        ]);
      }
      throw err;
    }
    return reply.redirect('/merges?done=unmerged', 303);
  });
}
