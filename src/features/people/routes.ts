import type { FastifyInstance, FastifyReply } from 'fastify';
import { hasRole, INDEX_ROLES, requireRole } from '../../platform/access.ts';
import type { AppDeps } from '../../platform/app-deps.ts';
import { londonToday } from '../../platform/calendar.ts';
import type { FieldError } from '../../platform/errors.ts';
import { asArray, formValues, parseForm } from '../../platform/forms.ts';
import { checkId } from '../../platform/ids.ts';
import { ThinkFamilyService } from '../think-family/service.ts';
import { registerPeopleApi } from './api.ts';
import { DISABILITY_LABELS, ETHNICITY_LABELS, NAME_KIND_LABELS } from './codes.ts';
import { registerDuplicateRoutes } from './duplicate-routes.ts';
import { parsePersonForm, parseSearchForm, readAddress } from './person-form.ts';
import { registerRecordRoutes } from './record-routes.ts';
import { DuplicateNhsNumberError, RegistryService } from './registry-service.ts';
import { BreakGlassForm } from './schemas.ts';
import { modelWith } from './search.ts';
import { MergedRecordError, PeopleService, REGISTER_ROLES, ShieldedRecordError } from './service.ts';

export const FLASH: Record<string, string> = {
  registered: 'Child registered. You are recorded as working with them',
  'registered-queued':
    'Child registered. The records that may be the same child have been sent for review, so they can be merged if they are',
  linked: 'You are now recorded as working with this child',
  details: 'Identifying details changed',
  'details-queued':
    'Identifying details changed. This record now looks like another one, so both have been sent for review',
  name: 'Name added. Search now finds the child by it',
  'name-removed': 'Name removed',
  'family-member': 'Family member added',
  identifier: 'Identifier added',
  'identifier-exists': 'The record already has this identifier',
  moved: 'Change of address recorded. The previous address is kept in the history',
  involvement: 'Your involvement is recorded',
  'involvement-ended': 'Involvement ended',
  shielded:
    'The child is now shielded: their address, and the address of everyone living with them, is hidden, and their record opens only with a reason',
  'already-shielded': 'This child is already shielded. Nothing was changed',
};

/** The lists and labels the identifying-details form needs. */
export const FORM_LISTS = { ethnicities: ETHNICITY_LABELS, disabilities: DISABILITY_LABELS };

type P = { Params: { id: string } };

function values(body: unknown) {
  const v = formValues(body);
  v.disabilities = asArray((body as Record<string, unknown> | undefined)?.disabilities);
  return v;
}

export function registerPeopleRoutes(app: FastifyInstance, deps: AppDeps) {
  const model = modelWith(deps.config.matching);
  const people = new PeopleService(deps.database.db, model, deps.database.reader);
  const registry = new RegistryService(deps.database.db, model);
  const thinkFamilyService = new ThinkFamilyService(deps.database.db);
  const canRegister = (request: { actor: Parameters<typeof hasRole>[0] | null }) =>
    !!request.actor && !!hasRole(request.actor, ...REGISTER_ROLES);

  app.get<{ Querystring: { done?: string } }>('/people', async (request, reply) => {
    const caseload = await people.caseload(request.ctx());
    return reply.page('people/views/index.njk', {
      caseload,
      values: {},
      canRegister: canRegister(request),
      flash: FLASH[request.query.done ?? ''],
    });
  });

  // Search terms are personal data, so the search form is posted, never put in the URL.
  app.post('/people/search', async (request, reply) => {
    const v = formValues(request.body);
    const form = parseSearchForm((request.body ?? {}) as Record<string, unknown>, request.ctx().at);
    if (!form.ok) {
      const caseload = await people.caseload(request.ctx());
      return reply.code(400).page('people/views/index.njk', {
        caseload,
        values: v,
        errors: form.errors,
        canRegister: canRegister(request),
      });
    }
    const result = await people.search(request.ctx(), form.data);
    return reply.page('people/views/results.njk', { result, values: v, canRegister: canRegister(request) });
  });

  app.get<P & { Querystring: { done?: string } }>('/people/:id', async (request, reply) => {
    checkId(request.params.id);
    try {
      const card = await people.indexCard(request.ctx(), request.params.id);
      return reply.page('people/views/card.njk', {
        ...card,
        nameKinds: NAME_KIND_LABELS,
        flash: FLASH[request.query.done ?? ''],
      });
    } catch (err) {
      if (err instanceof ShieldedRecordError)
        return reply.page('people/views/break-glass.njk', { id: err.personId, shielded: err.shielded, values: {} });
      // A bookmark or an old link to a record merged into another leads to the record kept.
      if (err instanceof MergedRecordError) return reply.redirect(`/people/${err.keptId}`, 303);
      throw err;
    }
  });

  app.post<P>('/people/:id/break-glass', async (request, reply) => {
    // The role first: a role that may not open records is refused before the form is read.
    requireRole(request.ctx().actor, ...INDEX_ROLES);
    checkId(request.params.id);
    const form = parseForm(BreakGlassForm, request.body);
    if (!form.ok) {
      return reply.code(400).page('people/views/break-glass.njk', {
        id: request.params.id,
        ...(await people.breakGlassSubject(request.ctx(), request.params.id)),
        errors: form.errors,
        values: formValues(request.body),
      });
    }
    const card = await people.indexCard(request.ctx(), request.params.id, form.data.reason);
    return reply.page('people/views/card.njk', { ...card, nameKinds: NAME_KIND_LABELS, brokeGlass: true });
  });

  app.get<P>('/people/:id/family', async (request, reply) => {
    checkId(request.params.id);
    const family = await people.familyChildren(request.ctx(), request.params.id);
    const thinkFamily = await thinkFamilyService.forFamilyPage(request.ctx(), request.params.id);
    return reply.page('people/views/family.njk', { ...family, thinkFamily });
  });

  // ---- Registering a child -------------------------------------------------------------------------------

  const registerForm = (reply: FastifyReply, v: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    reply.page('people/views/person-form.njk', {
      ...FORM_LISTS,
      heading: 'Register a child',
      backText: 'Children and families',
      backHref: '/people',
      action: '/people/new',
      registering: true,
      submitText: 'Continue',
      values: v,
      ...extra,
    });

  app.get('/people/new', async (request, reply) => {
    if (!canRegister(request)) return reply.code(403).page('pages/forbidden.njk');
    return registerForm(reply, {});
  });

  // "Register a child" from search results: what was searched for starts the form, so nothing is typed twice.
  app.post('/people/new/from-search', async (request, reply) => {
    if (!canRegister(request)) return reply.code(403).page('pages/forbidden.njk');
    const s = formValues(request.body);
    const str = (k: string) => (typeof s[k] === 'string' ? (s[k] as string) : '');
    return registerForm(reply, {
      givenName: str('givenName'),
      familyName: str('familyName'),
      'dateOfBirth-day': str('dob-day'),
      'dateOfBirth-month': str('dob-month'),
      'dateOfBirth-year': str('dob-year'),
      postcode: str('postcode'),
      nhsNumber: str('nhsNumber'),
      upn: str('upn'),
      email: str('email'),
      telephone: str('telephone'),
    });
  });

  app.post('/people/new', async (request, reply) => {
    if (!canRegister(request)) return reply.code(403).page('pages/forbidden.njk');
    const ctx = request.ctx();
    const body = (request.body ?? {}) as Record<string, unknown>;
    const v = values(body);
    const form = parsePersonForm(body, ctx.at);
    const errors: FieldError[] = form.ok ? [] : [...form.errors];
    const address = readAddress(body, errors);
    const role = typeof body.role === 'string' ? body.role.trim() : '';
    if (!role) errors.push({ field: 'role', message: 'Enter your role with the child' });
    else if (role.length > 100) errors.push({ field: 'role', message: 'Your role must be 100 characters or fewer' });
    if (errors.length || !form.ok) return registerForm(reply.code(400), v, { errors });
    const you = { role, startedOn: londonToday(ctx.at) };
    const decision = typeof body.decision === 'string' ? body.decision : '';
    try {
      if (decision.startsWith('link:')) {
        const id = decision.slice(5);
        checkId(id);
        await registry.link(ctx, id, form.data, address, you);
        return reply.redirect(`/people/${id}?done=linked`, 303);
      }
      const confirmedNew = decision === 'new' && body.confirmNone === 'yes';
      const outcome = await registry.register(ctx, form.data, address, you, { confirmedNew });
      if (outcome.status === 'check') {
        const unconfirmed = decision === 'new' && !confirmedNew;
        return reply.code(unconfirmed ? 400 : 200).page('people/views/register-check.njk', {
          matches: outcome.matches,
          values: v,
          ...(unconfirmed
            ? {
                errors: [
                  {
                    field: 'confirmNone',
                    message: 'Confirm that none of these records is the child, or choose the record that is',
                  },
                ],
              }
            : {}),
        });
      }
      return reply.redirect(
        `/people/${outcome.id}?done=${outcome.status === 'created' && outcome.queued ? 'registered-queued' : 'registered'}`,
        303,
      );
    } catch (err) {
      if (err instanceof DuplicateNhsNumberError) {
        return registerForm(reply.code(409), v, {
          errors: [{ field: 'nhsNumber', message: 'A child with this NHS number is already recorded' }],
          existingId: err.existingId,
        });
      }
      throw err;
    }
  });

  registerRecordRoutes(app, registry, people);
  registerPeopleApi(app, deps, model);
  registerDuplicateRoutes(app, deps, model);
}
