import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.ts';
import { NotFoundError } from '../../platform/errors.ts';
import { formValues, parseForm } from '../../platform/forms.ts';
import { BreakGlassForm, parseSearch } from './schemas.ts';
import { PeopleService, ShieldedRecordError } from './service.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function registerPeopleRoutes(app: FastifyInstance, deps: AppDeps) {
  const people = new PeopleService(deps.database.db);

  app.get('/people', async (request, reply) => {
    const caseload = await people.caseload(request.ctx());
    return reply.page('people/views/index.njk', { caseload, values: {} });
  });

  // Search terms are personal data, so the search form is posted, never put in the URL.
  app.post('/people/search', async (request, reply) => {
    const values = formValues(request.body);
    const form = parseSearch(request.body);
    if (!form.ok) {
      const caseload = await people.caseload(request.ctx());
      return reply.code(400).page('people/views/index.njk', { caseload, values, errors: form.errors });
    }
    const results = await people.search(request.ctx(), form.data);
    return reply.page('people/views/results.njk', { results, values });
  });

  app.get<{ Params: { id: string } }>('/people/:id', async (request, reply) => {
    if (!UUID.test(request.params.id)) throw new NotFoundError();
    try {
      const card = await people.indexCard(request.ctx(), request.params.id);
      return reply.page('people/views/card.njk', card);
    } catch (err) {
      if (err instanceof ShieldedRecordError)
        return reply.page('people/views/break-glass.njk', { id: err.personId, values: {} });
      throw err;
    }
  });

  app.post<{ Params: { id: string } }>('/people/:id/break-glass', async (request, reply) => {
    if (!UUID.test(request.params.id)) throw new NotFoundError();
    const form = parseForm(BreakGlassForm, request.body);
    if (!form.ok) {
      return reply.code(400).page('people/views/break-glass.njk', {
        id: request.params.id,
        errors: form.errors,
        values: formValues(request.body),
      });
    }
    const card = await people.indexCard(request.ctx(), request.params.id, form.data.reason);
    return reply.page('people/views/card.njk', { ...card, brokeGlass: true });
  });
}
