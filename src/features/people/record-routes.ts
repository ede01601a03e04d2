/** Pages that change a child's index record: details, names, identifiers, address, involvement, shielding. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Selectable } from 'kysely';
import { type PersonTable, RELATIONSHIP_KINDS } from '../../db/schema.ts';
import { londonToday } from '../../platform/calendar.ts';
import { ConflictError, type FieldError, NotFoundError } from '../../platform/errors.ts';
import { asArray, formValues, parseForm, readDate } from '../../platform/forms.ts';
import { checkId } from '../../platform/ids.ts';
import { IDENTIFIER_SCHEMES, NAME_KIND_LABELS, RELATIONSHIP_LABELS } from './codes.ts';
import { type PersonInput, parsePersonForm, readAddress } from './person-form.ts';
import { DuplicateNhsNumberError, type RegistryService } from './registry-service.ts';
import { FORM_LISTS } from './routes.ts';
import { IdentifierForm, InvolvementForm, LiftDecisionForm, NameForm, ShieldingForm, UUID } from './schemas.ts';
import type { PeopleService } from './service.ts';

type P = { Params: { id: string } };
type PI = { Params: { id: string; involvementId: string } };

function dateValues(prefix: string, iso: string | null): Record<string, string> {
  if (!iso) return {};
  const [y, m, d] = iso.split('-');
  return { [`${prefix}-day`]: String(Number(d)), [`${prefix}-month`]: String(Number(m)), [`${prefix}-year`]: y! };
}

/** The details form's values from the stored record. */
function personValues(p: Selectable<PersonTable>): Record<string, string | string[]> {
  const opt = (v: string | null) => v ?? '';
  return {
    kind: p.kind === 'adult' ? 'adult' : p.date_of_birth === null && p.expected_date_of_birth ? 'unborn' : 'child',
    givenName: p.given_name,
    middleNames: opt(p.middle_names),
    familyName: p.family_name,
    knownAs: opt(p.known_as),
    ...dateValues('dateOfBirth', p.date_of_birth),
    ...dateValues('expectedDateOfBirth', p.expected_date_of_birth),
    sex: p.sex,
    gender: opt(p.gender),
    ethnicity: opt(p.ethnicity),
    firstLanguage: opt(p.first_language),
    interpreterNeeded: p.interpreter_needed ? 'yes' : '',
    disabilities: p.disabilities,
    nhsNumber: opt(p.nhs_number),
    upn: opt(p.upn),
    laChildId: opt(p.la_child_id),
    email: opt(p.email),
    telephone: opt(p.telephone),
    ...dateValues('dateOfDeath', p.date_of_death),
  };
}

export function registerRecordRoutes(app: FastifyInstance, registry: RegistryService, people: PeopleService) {
  const today = londonToday;
  const name = (p: { given_name: string; family_name: string }) => `${p.given_name} ${p.family_name}`;
  const done = (reply: FastifyReply, id: string, flash: string) => reply.redirect(`/people/${id}?done=${flash}`, 303);

  // ---- Identifying details ---------------------------------------------------------------------------------

  const editForm = (reply: FastifyReply, person: Selectable<PersonTable>, values: unknown, extra = {}) =>
    reply.page('people/views/person-form.njk', {
      ...FORM_LISTS,
      heading: 'Change identifying details',
      caption: name(person),
      backText: `Back to ${name(person)}`,
      backHref: `/people/${person.id}`,
      action: `/people/${person.id}/edit`,
      registering: false,
      submitText: 'Save changes',
      values,
      ...extra,
    });

  app.get<P>('/people/:id/edit', async (request, reply) => {
    checkId(request.params.id);
    const { person } = await registry.forEdit(request.ctx(), request.params.id);
    return editForm(reply, person, personValues(person));
  });

  app.post<P>('/people/:id/edit', async (request, reply) => {
    checkId(request.params.id);
    const ctx = request.ctx();
    const { person } = await registry.forEdit(ctx, request.params.id);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const values = { ...formValues(body), disabilities: asArray(body.disabilities) };
    const kind =
      person.kind === 'adult' ? 'adult' : person.expected_date_of_birth && !person.date_of_birth ? undefined : 'child';
    // An unborn child becomes a born child when a date of birth is entered.
    const effectiveKind = kind ?? (String(body['dateOfBirth-year'] ?? '').trim() ? 'child' : 'unborn');
    const form = parsePersonForm(body, ctx.at, effectiveKind);
    if (!form.ok) return editForm(reply.code(400), person, { ...values, kind: effectiveKind }, { errors: form.errors });
    try {
      const r = await registry.updateDetails(ctx, person.id, form.data);
      return done(reply, person.id, r.queued ? 'details-queued' : 'details');
    } catch (err) {
      if (err instanceof DuplicateNhsNumberError) {
        return editForm(reply.code(409), person, values, {
          errors: [{ field: 'nhsNumber', message: 'Another record already has this NHS number' }],
          existingId: err.existingId,
        });
      }
      throw err;
    }
  });

  // ---- Names -------------------------------------------------------------------------------------------------

  const nameForm = (reply: FastifyReply, person: Selectable<PersonTable>, values: unknown, errors?: FieldError[]) =>
    reply.page('people/views/name-form.njk', { person, values, errors, kinds: NAME_KIND_LABELS });

  app.get<P>('/people/:id/names/new', async (request, reply) => {
    checkId(request.params.id);
    return nameForm(reply, (await registry.forEdit(request.ctx(), request.params.id)).person, {});
  });

  app.post<P>('/people/:id/names/new', async (request, reply) => {
    checkId(request.params.id);
    const ctx = request.ctx();
    const { person } = await registry.forEdit(ctx, request.params.id);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const form = parseForm(NameForm, body);
    const errors: FieldError[] = form.ok ? [] : [...form.errors];
    const usedUntil = readDate(body, 'usedUntil', 'Last used', errors);
    if (usedUntil && usedUntil > today(ctx.at)) {
      errors.push({ field: 'usedUntil', message: 'Last used must be today or in the past' });
    }
    if (errors.length || !form.ok) return nameForm(reply.code(400), person, formValues(body), errors);
    await registry.addName(ctx, person.id, { ...form.data, usedUntil: usedUntil ?? null });
    return done(reply, person.id, 'name');
  });

  type PN = { Params: { id: string; nameId: string } };
  app.get<PN>('/people/:id/names/:nameId/remove', async (request, reply) => {
    checkId(request.params.id, request.params.nameId);
    const { person, names } = await registry.forEdit(request.ctx(), request.params.id);
    const name = names.find((n) => n.id === request.params.nameId);
    if (!name) throw new NotFoundError();
    return reply.page('people/views/remove-name.njk', { person, name, kinds: NAME_KIND_LABELS });
  });

  app.post<PN>('/people/:id/names/:nameId/remove', async (request, reply) => {
    checkId(request.params.id, request.params.nameId);
    await registry.removeName(request.ctx(), request.params.id, request.params.nameId);
    return done(reply, request.params.id, 'name-removed');
  });

  // ---- Identifiers -------------------------------------------------------------------------------------------

  const identifierForm = (
    reply: FastifyReply,
    person: Selectable<PersonTable>,
    values: unknown,
    errors?: FieldError[],
  ) => reply.page('people/views/identifier-form.njk', { person, values, errors, schemes: IDENTIFIER_SCHEMES });

  app.get<P>('/people/:id/identifiers/new', async (request, reply) => {
    checkId(request.params.id);
    return identifierForm(reply, (await registry.forEdit(request.ctx(), request.params.id)).person, {});
  });

  app.post<P>('/people/:id/identifiers/new', async (request, reply) => {
    checkId(request.params.id);
    const ctx = request.ctx();
    const { person } = await registry.forEdit(ctx, request.params.id);
    const form = parseForm(IdentifierForm, request.body);
    if (!form.ok) return identifierForm(reply.code(400), person, formValues(request.body), form.errors);
    const added = await registry.addIdentifier(ctx, person.id, form.data);
    return done(reply, person.id, added ? 'identifier' : 'identifier-exists');
  });

  // ---- A change of address -----------------------------------------------------------------------------------

  type ForEdit = Awaited<ReturnType<RegistryService['forEdit']>>;
  const addressForm = (reply: FastifyReply, record: ForEdit, values: unknown, errors?: FieldError[]) =>
    reply.page('people/views/address-form.njk', { ...record, values, errors });

  app.get<P>('/people/:id/address', async (request, reply) => {
    checkId(request.params.id);
    return addressForm(reply, await registry.forEdit(request.ctx(), request.params.id), {});
  });

  app.post<P>('/people/:id/address', async (request, reply) => {
    checkId(request.params.id);
    const ctx = request.ctx();
    const record = await registry.forEdit(ctx, request.params.id);
    const { person } = record;
    const body = (request.body ?? {}) as Record<string, unknown>;
    const errors: FieldError[] = [];
    const address = readAddress(body, errors, true);
    const areaId = typeof body.areaId === 'string' ? body.areaId : '';
    if (areaId && !record.areas.some((a) => a.id === areaId))
      errors.push({ field: 'areaId', message: 'Choose an area from the list' });
    else if (address && areaId) address.areaId = areaId;
    const movedIn = readDate(body, 'movedIn', 'Date they moved', errors);
    if (!movedIn && !errors.some((e) => e.field === 'movedIn')) {
      errors.push({ field: 'movedIn', message: 'Enter the date they moved' });
    } else if (movedIn && movedIn > today(ctx.at)) {
      errors.push({ field: 'movedIn', message: 'Date they moved must be today or in the past' });
    }
    const withIds = asArray(body.alsoMoved).filter((id) => UUID.test(id));
    if (errors.length || !address || !movedIn) {
      return addressForm(reply.code(400), record, { ...formValues(body), alsoMoved: withIds }, errors);
    }
    await registry.move(ctx, person.id, address, movedIn, withIds);
    return done(reply, person.id, 'moved');
  });

  // ---- Involvement -------------------------------------------------------------------------------------------

  const involvementForm = async (reply: FastifyReply, personId: string, values: unknown, errors?: FieldError[]) => {
    const { person } = await people.involvementSubject(reply.request.ctx(), personId);
    const teams = await people.teamsOf(reply.request.ctx());
    return reply.page('people/views/involvement-form.njk', { person, values, errors, teams });
  };

  app.get<P>('/people/:id/involvements/new', async (request, reply) => {
    checkId(request.params.id);
    return involvementForm(reply, request.params.id, {});
  });

  app.post<P>('/people/:id/involvements/new', async (request, reply) => {
    checkId(request.params.id);
    const ctx = request.ctx();
    const form = parseForm(InvolvementForm, request.body);
    if (!form.ok) return involvementForm(reply.code(400), request.params.id, formValues(request.body), form.errors);
    await registry.addInvolvement(ctx, request.params.id, { ...form.data, startedOn: today(ctx.at) });
    return done(reply, request.params.id, 'involvement');
  });

  const endForm = async (
    reply: FastifyReply,
    personId: string,
    involvementId: string,
    values: unknown,
    errors?: FieldError[],
  ) => {
    const { person, involvements } = await people.involvementSubject(reply.request.ctx(), personId);
    const involvement = involvements.find((i) => i.id === involvementId && !i.ended_on);
    if (!involvement) throw new NotFoundError();
    return reply.page('people/views/end-involvement.njk', { person, involvement, values, errors });
  };

  app.get<PI>('/people/:id/involvements/:involvementId/end', async (request, reply) => {
    checkId(request.params.id, request.params.involvementId);
    return endForm(reply, request.params.id, request.params.involvementId, {});
  });

  app.post<PI>('/people/:id/involvements/:involvementId/end', async (request, reply) => {
    const { id, involvementId } = request.params;
    checkId(id, involvementId);
    const ctx = request.ctx();
    const body = (request.body ?? {}) as Record<string, unknown>;
    const errors: FieldError[] = [];
    const endedOn = readDate(body, 'endedOn', 'The date it ended', errors);
    if (!endedOn && !errors.length)
      errors.push({ field: 'endedOn', message: 'Enter the date your work with the child ended' });
    else if (endedOn && endedOn > today(ctx.at))
      errors.push({ field: 'endedOn', message: 'The date it ended must be today or in the past' });
    if (errors.length || !endedOn) return endForm(reply.code(400), id, involvementId, formValues(body), errors);
    try {
      await registry.endInvolvement(ctx, id, involvementId, endedOn);
    } catch (err) {
      if (err instanceof ConflictError) {
        return endForm(reply.code(400), id, involvementId, formValues(body), [
          { field: 'endedOn', message: err.message },
        ]);
      }
      throw err;
    }
    return done(reply, id, 'involvement-ended');
  });

  // ---- Family members ----------------------------------------------------------------------------------------

  const familyForm = (reply: FastifyReply, record: ForEdit, values: unknown, errors?: FieldError[]) =>
    reply.page('people/views/family-member-form.njk', { ...record, values, errors, kinds: RELATIONSHIP_LABELS });

  app.get<P>('/people/:id/family/new', async (request, reply) => {
    checkId(request.params.id);
    return familyForm(reply, await registry.forEdit(request.ctx(), request.params.id), {});
  });

  app.post<P>('/people/:id/family/new', async (request, reply) => {
    checkId(request.params.id);
    const ctx = request.ctx();
    const record = await registry.forEdit(ctx, request.params.id);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const errors: FieldError[] = [];
    const kind = RELATIONSHIP_KINDS.find((k) => k === body.kind);
    if (!kind) errors.push({ field: 'kind', message: 'Select how they are related to the child' });
    const pr = body.parentalResponsibility === 'yes' ? true : body.parentalResponsibility === 'no' ? false : undefined;
    const adultKind = kind && ['parent', 'step_parent', 'carer', 'grandparent', 'other'].includes(kind);
    if (pr === undefined && adultKind) {
      errors.push({ field: 'parentalResponsibility', message: 'Select whether they have parental responsibility' });
    }
    if (pr && kind && !['parent', 'step_parent', 'carer', 'grandparent'].includes(kind)) {
      errors.push({
        field: 'parentalResponsibility',
        message: 'Only a parent, step-parent, carer or grandparent can have parental responsibility',
      });
    }
    const who = typeof body.who === 'string' ? body.who : '';
    const offered = record.household.some((h) => h.id === who);
    let newPerson: PersonInput | undefined;
    if (!who) errors.push({ field: 'who', message: 'Select who they are, or ‘Someone not listed’' });
    else if (who === 'new') {
      const form = parsePersonForm(body, ctx.at, adultKind || !kind ? 'adult' : 'child');
      if (form.ok) newPerson = form.data;
      else errors.push(...form.errors);
    } else if (!offered) errors.push({ field: 'who', message: 'Select who they are, or ‘Someone not listed’' });
    if (errors.length || !kind) return familyForm(reply.code(400), record, formValues(body), errors);
    try {
      await registry.addFamilyMember(ctx, record.person.id, {
        kind,
        parentalResponsibility: pr ?? false,
        ...(who === 'new' ? { newPerson } : { existingId: who }),
        livesWithChild: body.livesWithChild === 'yes',
      });
    } catch (err) {
      if (err instanceof ConflictError) {
        return familyForm(reply.code(400), record, formValues(body), [{ field: 'who', message: err.message }]);
      }
      throw err;
    }
    return done(reply, record.person.id, 'family-member');
  });

  // ---- Shielding ---------------------------------------------------------------------------------------------

  const shieldingForm = async (
    reply: FastifyReply,
    personId: string,
    values: unknown,
    errors?: FieldError[],
    flash?: string,
  ) =>
    reply.page('people/views/shielding.njk', {
      ...(await registry.shieldingSubject(reply.request.ctx(), personId)),
      values,
      errors,
      flash,
    });

  app.get<P & { Querystring: { done?: string } }>('/people/:id/shielding', async (request, reply) => {
    checkId(request.params.id);
    return shieldingForm(reply, request.params.id, {}, undefined, SHIELDING_FLASH[request.query.done ?? '']);
  });

  // The form says what it wants (shield, or ask for shielding to be lifted): a repeat changes nothing, and says so.
  app.post<P>('/people/:id/shielding', async (request, reply) => {
    checkId(request.params.id);
    const ctx = request.ctx();
    const { person } = await registry.shieldingSubject(ctx, request.params.id);
    const form = parseForm(ShieldingForm, request.body);
    if (!form.ok) return shieldingForm(reply.code(400), request.params.id, formValues(request.body), form.errors);
    if (form.data.action === 'shield') {
      const outcome = await registry.shield(ctx, person.id, form.data.reason);
      // The card itself now asks for a reason, so go back to the search page instead.
      return reply.redirect(`/people?done=${outcome}`, 303);
    }
    const outcome = await registry.requestLift(ctx, person.id, form.data.reason);
    return reply.redirect(`/people/${person.id}/shielding?done=${outcome}`, 303);
  });

  app.get<{ Querystring: { done?: string } }>('/people/shielding-requests', async (request, reply) =>
    reply.page('people/views/shielding-requests.njk', {
      requests: await registry.liftRequests(request.ctx()),
      flash: SHIELDING_FLASH[request.query.done ?? ''],
    }),
  );

  type PR = { Params: { requestId: string } };
  const requestPage = async (reply: FastifyReply, requestId: string, values: unknown, errors?: FieldError[]) =>
    reply.page('people/views/shielding-request.njk', {
      ...(await registry.liftRequest(reply.request.ctx(), requestId)),
      values,
      errors,
    });

  app.get<PR>('/people/shielding-requests/:requestId', async (request, reply) => {
    checkId(request.params.requestId);
    return requestPage(reply, request.params.requestId, {});
  });

  app.post<PR>('/people/shielding-requests/:requestId', async (request, reply) => {
    const { requestId } = request.params;
    checkId(requestId);
    const form = parseForm(LiftDecisionForm, request.body);
    if (!form.ok) return requestPage(reply.code(400), requestId, formValues(request.body), form.errors);
    const outcome = await registry.decideLift(request.ctx(), requestId, form.data.decision, form.data.reason);
    return reply.redirect(`/people/shielding-requests?done=${outcome}`, 303);
  });
}

const SHIELDING_FLASH: Record<string, string> = {
  requested:
    'Your request to lift shielding is waiting for approval by a safeguarding lead or manager. The child stays shielded until then',
  'already-waiting': 'A request to lift shielding is already waiting for approval. Nothing was changed',
  'not-shielded': 'This child is not shielded. Nothing was changed',
  approved: 'Request approved: shielding is lifted, and everyone working with the child has been told',
  declined: 'Request declined: the child stays shielded. The person who asked has been told',
  'already-decided': 'This request has already been decided. Nothing was changed',
};
