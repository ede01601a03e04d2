/**
 * The child index over the JSON API: search (posted, so that no personal data is in a URL), the index card, and
 * registration with the same duplicate check the web form has. Inputs are checked by the same rules as the forms.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { defineApiRoute } from '../../platform/api.ts';
import type { AppDeps } from '../../platform/app-deps.ts';
import { londonToday } from '../../platform/calendar.ts';
import { type FieldError, HttpError, ValidationError } from '../../platform/errors.ts';
import type { MatchModel } from './matching/model.ts';
import { parsePersonForm, parseSearchForm, readAddress } from './person-form.ts';
import { DuplicateNhsNumberError, RegistryService } from './registry-service.ts';
import type { SearchHit } from './search.ts';
import { INDEX_ROLES, MergedRecordError, PeopleService, REGISTER_ROLES, ShieldedRecordError } from './service.ts';

const text = (name: string, max = 100) =>
  z
    .string({ error: `${name} must be text` })
    .max(max, { error: `${name} must be ${max} characters or fewer` })
    .optional();
const isoDate = (name: string) =>
  z
    .string({ error: `${name} must be a date, YYYY-MM-DD` })
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: `${name} must be a date, YYYY-MM-DD` })
    .optional();
const age = (name: string) =>
  z
    .number({ error: `${name} must be a whole number from 0 to 25` })
    .int({ error: `${name} must be a whole number from 0 to 25` })
    .min(0, { error: `${name} must be a whole number from 0 to 25` })
    .max(25, { error: `${name} must be a whole number from 0 to 25` })
    .optional();

export const SearchBody = z
  .object({
    givenName: text('givenName'),
    familyName: text('familyName'),
    dateOfBirth: isoDate('dateOfBirth'),
    postcode: text('postcode', 10),
    nhsNumber: text('nhsNumber', 12).describe('10 digits; spaces allowed.'),
    upn: text('upn', 13).describe('Unique pupil number.'),
    email: text('email', 254).describe(
      'The person’s own email address: case, and dots and +tags at Gmail, do not matter. Must be an address.',
    ),
    telephone: text('telephone', 40).describe('A UK telephone number: spaces, +44 and 0044 do not matter.'),
    ageFrom: age('ageFrom'),
    ageTo: age('ageTo'),
    includeAdults: z.boolean({ error: 'includeAdults must be true or false' }).optional(),
    limit: z
      .number({ error: 'limit must be a whole number from 1 to 50' })
      .int({ error: 'limit must be a whole number from 1 to 50' })
      .min(1, { error: 'limit must be a whole number from 1 to 50' })
      .max(50, { error: 'limit must be a whole number from 1 to 50' })
      .default(10),
  })
  .strict();

const Reason = z.object({
  field: z.string(),
  text: z.string().describe('Why this counts for or against, in plain words.'),
  weight: z.number().describe('Bits of evidence this adds (negative: against).'),
});

const Hit = z.object({
  id: z.guid(),
  kind: z.enum(['child', 'adult']),
  givenName: z.string(),
  familyName: z.string(),
  knownAs: z.string().nullable(),
  dateOfBirth: z.string().nullable(),
  expectedDateOfBirth: z.string().nullable(),
  sex: z.enum(['M', 'F', 'U']),
  postcode: z
    .string()
    .nullable()
    .describe('Never given when whereabouts are protected (a shielded child, or anyone living with one).'),
  shielded: z.boolean(),
  whereaboutsProtected: z
    .boolean()
    .describe('Shielded, or living with a shielded child: found only by an exact match, opened only with a reason.'),
  score: z.number().describe('The sum of the evidence, in bits: the higher, the likelier the same person.'),
  outcome: z.enum(['match', 'possible', 'non-match']),
  reasons: z.array(Reason),
});

export const SearchResponse = z.object({
  results: z.array(Hit),
  considered: z.number().int().describe('Candidates scored.'),
  truncated: z.boolean().describe('More people matched than were scored: narrow the search.'),
  widened: z
    .boolean()
    .describe(
      'Nobody agreed with nearly all the search said, so it was widened to people sharing only one name (or one name and the year of birth): treat the results with more care.',
    ),
});

const IdParams = z.object({
  id: z.guid({ error: 'id must be a UUID, like 0b6c8f6e-3c1a-4d8e-9f5b-2a7d4e1c9b30' }),
});

const Involvement = z.object({
  role: z.string(),
  organisation: z.string(),
  team: z.string().nullable(),
  practitioner: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  startedOn: z.string(),
  endedOn: z.string().nullable(),
  lead: z.boolean(),
});

export const IndexCard = z.object({
  id: z.guid(),
  givenName: z.string(),
  middleNames: z.string().nullable(),
  familyName: z.string(),
  knownAs: z.string().nullable(),
  otherNames: z.array(z.object({ kind: z.string(), givenName: z.string(), familyName: z.string() })),
  dateOfBirth: z.string().nullable(),
  expectedDateOfBirth: z.string().nullable(),
  sex: z.enum(['M', 'F', 'U']),
  nhsNumber: z.string().nullable(),
  upn: z.string().nullable(),
  laChildId: z.string().nullable(),
  email: z
    .string()
    .nullable()
    .describe('The person’s own email address, as written. Never given when whereabouts are protected.'),
  telephone: z
    .string()
    .nullable()
    .describe('The person’s own telephone number, as written. Never given when whereabouts are protected.'),
  identifiers: z.array(z.object({ scheme: z.string(), value: z.string() })),
  address: z
    .object({ line1: z.string(), line2: z.string().nullable(), town: z.string().nullable(), postcode: z.string() })
    .nullable()
    .describe('Never given when whereabouts are protected (a shielded child, or anyone living with one).'),
  shielded: z.boolean(),
  whereaboutsProtected: z.boolean(),
  earlyHelpAssessment: z.enum(['in_progress', 'completed']).nullable(),
  family: z.array(
    z.object({
      id: z.guid(),
      givenName: z.string(),
      familyName: z.string(),
      relationship: z.string(),
      parentalResponsibility: z.boolean(),
    }),
  ),
  involvements: z.array(Involvement),
});

const BreakGlassBody = z
  .object({
    reason: z
      .string({ error: 'reason is required' })
      .min(10, { error: 'reason must be 10 characters or more' })
      .max(1000),
  })
  .strict();

export const RegisterBody = z
  .object({
    unborn: z.boolean().default(false),
    givenName: z.string({ error: 'givenName is required' }).max(100),
    middleNames: text('middleNames'),
    familyName: z.string({ error: 'familyName is required' }).max(100),
    knownAs: text('knownAs'),
    dateOfBirth: isoDate('dateOfBirth'),
    expectedDateOfBirth: isoDate('expectedDateOfBirth'),
    sex: z.enum(['M', 'F', 'U'], { error: 'sex must be M, F or U' }),
    gender: text('gender', 60),
    ethnicity: text('ethnicity', 4).describe('A Children in Need census ethnicity code.'),
    firstLanguage: text('firstLanguage', 60),
    interpreterNeeded: z.boolean().default(false),
    disabilities: z.array(z.string()).max(13).default([]).describe('Children in Need census disability codes.'),
    nhsNumber: text('nhsNumber', 12),
    upn: text('upn', 13),
    laChildId: text('laChildId', 20),
    email: text('email', 254).describe('Kept as written; one that is not an address is kept but not matched on.'),
    telephone: text('telephone', 40).describe('Kept as written; one that is not a UK number is not matched on.'),
    address: z
      .object({
        line1: z.string().max(100),
        line2: z.string().max(100).optional(),
        town: z.string().max(100).optional(),
        postcode: z.string().max(10),
      })
      .optional(),
    role: z.string({ error: 'role is required: your role with the child' }).min(1).max(100),
    confirmedNoMatch: z
      .boolean()
      .default(false)
      .describe('Set after checking the likely matches an earlier call returned: registers a new record anyway.'),
  })
  .strict();

const InvolvementBody = z
  .object({
    role: z.string({ error: 'role is required: your role with the child' }).min(1).max(100),
    reason: z
      .string({ error: 'reason is required: why you are adding yourself to this child' })
      .min(1)
      .max(1000)
      .describe('Why you are adding yourself to this child: audited, and shown on the index card.'),
    phone: z
      .string()
      .max(30)
      .regex(/^[0-9 +()-]*$/, { error: 'phone must be a phone number, like 01632 960 001' })
      .optional(),
  })
  .strict();

const InvolvementResponse = z.object({ id: z.guid().describe('The involvement recorded.') });

export const RegisterResponse = z.object({
  status: z
    .enum(['check', 'created'])
    .describe('check: likely existing records are returned and nothing was made; created: a new record was made.'),
  id: z.guid().optional(),
  matches: z.array(Hit),
  queuedForReview: z.number().int(),
});

/** Date strings into the three fields the form rules read, so the API and the form share one set of rules. */
function dateFields(prefix: string, iso: string | undefined): Record<string, string> {
  if (!iso) return {};
  const [y, m, d] = iso.split('-');
  return { [`${prefix}-day`]: d!, [`${prefix}-month`]: m!, [`${prefix}-year`]: y! };
}

const API_FIELD: Record<string, string> = { dob: 'dateOfBirth', addressLine1: 'address.line1' };

function refuse(errors: FieldError[], fields: Record<string, string> = API_FIELD): never {
  throw new ValidationError(
    errors.map((e) => ({ field: fields[e.field] ?? e.field, message: e.message, in: 'body' })),
    'The request has problems: see errors',
  );
}

const hitOut = (h: SearchHit) => ({
  ...h,
  reasons: h.reasons.map((r) => ({ field: r.field, text: r.text, weight: r.weight })),
});

export function registerPeopleApi(app: FastifyInstance, deps: AppDeps, model: MatchModel) {
  const people = new PeopleService(deps.database.db, model, deps.database.reader);
  const registry = new RegistryService(deps.database.db, model);

  defineApiRoute(app, deps, {
    method: 'POST',
    path: '/api/v1/people/search',
    summary: 'Find a child in the index, despite misspellings, nicknames, swaps and moves',
    description:
      'Posted, so that no personal data is in a URL. Results are ranked by a match score with the reasons for it. ' +
      'A shielded child is returned only for an exact identifier, or exact full name and date of birth.',
    tags: ['Child index'],
    auth: true,
    body: SearchBody,
    response: SearchResponse,
    handler: async (ctx, { body }) => {
      const { limit, includeAdults, ageFrom, ageTo, ...rest } = body;
      const form = parseSearchForm(
        {
          ...rest,
          ...dateFields('dob', rest.dateOfBirth),
          ...(ageFrom !== undefined ? { ageFrom: String(ageFrom) } : {}),
          ...(ageTo !== undefined ? { ageTo: String(ageTo) } : {}),
          ...(includeAdults ? { includeAdults: 'yes' } : {}),
        },
        ctx.at,
      );
      if (!form.ok) refuse(form.errors);
      const r = await people.search(ctx, form.data, { limit });
      return { results: r.hits.map(hitOut), considered: r.considered, truncated: r.truncated, widened: r.widened };
    },
  });

  const card = async (ctx: Parameters<PeopleService['indexCard']>[0], id: string, reason?: string) => {
    try {
      const c = await people.indexCard(ctx, id, reason);
      return {
        id: c.person.id,
        givenName: c.person.given_name,
        middleNames: c.person.middle_names,
        familyName: c.person.family_name,
        knownAs: c.person.known_as,
        otherNames: c.names.map((n) => ({ kind: n.kind, givenName: n.given_name, familyName: n.family_name })),
        dateOfBirth: c.person.date_of_birth,
        expectedDateOfBirth: c.person.expected_date_of_birth,
        sex: c.person.sex,
        nhsNumber: c.person.nhs_number,
        upn: c.person.upn,
        laChildId: c.person.la_child_id,
        email: c.person.whereabouts_protected ? null : c.person.email,
        telephone: c.person.whereabouts_protected ? null : c.person.telephone,
        identifiers: c.identifiers.map((i) => ({ scheme: i.scheme, value: i.value })),
        address: c.address
          ? {
              line1: c.address.address_line1,
              line2: c.address.address_line2,
              town: c.address.town,
              postcode: c.address.postcode,
            }
          : null,
        shielded: c.person.shielded,
        whereaboutsProtected: c.person.whereabouts_protected,
        earlyHelpAssessment: c.person.early_help_assessment,
        family: c.family
          .filter((f) => f.direction === 'to')
          .map((f) => ({
            id: f.id,
            givenName: f.given_name,
            familyName: f.family_name,
            relationship: f.relationship,
            parentalResponsibility: f.parental_responsibility,
          })),
        involvements: c.involvements.map((i) => ({
          role: i.role,
          organisation: i.organisation_name,
          team: i.team_name,
          practitioner: i.practitioner_name,
          phone: i.contact_phone,
          email: i.contact_email,
          startedOn: i.started_on,
          endedOn: i.ended_on,
          // The child's lead practitioner by the one rule: false while an open episode has its own lead.
          lead: c.lead && !('hidden' in c.lead) ? c.lead.involvementId === i.id : false,
        })),
      };
    } catch (err) {
      if (err instanceof MergedRecordError) {
        throw new HttpError(404, `This record was merged into another: ${err.keptId}`);
      }
      if (err instanceof ShieldedRecordError) {
        throw new HttpError(
          409,
          err.shielded
            ? 'This child is shielded: open the record with a reason (POST …/break-glass)'
            : 'This person lives with a shielded child, so their whereabouts are protected: open the record with a reason (POST …/break-glass)',
        );
      }
      throw err;
    }
  };

  defineApiRoute(app, deps, {
    method: 'GET',
    path: '/api/v1/people/:id',
    summary: 'The index card: identifying details, family and who is working with the child; no case detail',
    tags: ['Child index'],
    auth: true,
    params: IdParams,
    response: IndexCard,
    handler: (ctx, { params }) => card(ctx, params.id),
  });

  defineApiRoute(app, deps, {
    method: 'POST',
    path: '/api/v1/people/:id/break-glass',
    summary: 'Open a shielded child’s index card, giving a reason (audited; the record’s owners are told)',
    tags: ['Child index'],
    auth: true,
    params: IdParams,
    body: BreakGlassBody,
    response: IndexCard,
    roles: INDEX_ROLES,
    handler: (ctx, { params, body }) => card(ctx, params.id, body.reason),
  });

  defineApiRoute(app, deps, {
    method: 'POST',
    path: '/api/v1/people/:id/involvements',
    summary: 'Record that you work with a child already in the index',
    description:
      'What to do when registration finds the child already recorded: the token’s user is shown on the index card ' +
      'as working with the child, with their organisation and email and the phone number given here.',
    tags: ['Child index'],
    auth: true,
    params: IdParams,
    body: InvolvementBody,
    response: InvolvementResponse,
    status: 201,
    roles: REGISTER_ROLES,
    handler: async (ctx, { params, body }) => {
      const role = body.role.trim();
      if (!role) refuse([{ field: 'role', message: 'Enter your role with the child' }]);
      const reason = body.reason.trim();
      if (!reason) refuse([{ field: 'reason', message: 'Enter why you are adding yourself to this child' }]);
      const id = await registry.addInvolvement(ctx, params.id, {
        role,
        startedOn: londonToday(ctx.at),
        contactPhone: body.phone ?? null,
        teamId: null,
        reason,
      });
      return { id };
    },
  });

  defineApiRoute(app, deps, {
    method: 'POST',
    path: '/api/v1/people',
    summary: 'Register a child, after checking whether they are already recorded',
    description:
      'The first call returns likely existing records (status "check") and makes nothing. Record your involvement ' +
      'on the existing child instead, or call again with confirmedNoMatch: true to make a new record; the likely ' +
      'matches then go to the duplicate review queue.',
    tags: ['Child index'],
    auth: true,
    body: RegisterBody,
    response: RegisterResponse,
    roles: REGISTER_ROLES,
    handler: async (ctx, { body }) => {
      const form = parsePersonForm(
        {
          ...body,
          kind: body.unborn ? 'unborn' : 'child',
          interpreterNeeded: body.interpreterNeeded ? 'yes' : '',
          ...dateFields('dateOfBirth', body.dateOfBirth),
          ...dateFields('expectedDateOfBirth', body.expectedDateOfBirth),
        },
        ctx.at,
      );
      const errors: FieldError[] = form.ok ? [] : [...form.errors];
      const address = body.address
        ? readAddress(
            {
              addressLine1: body.address.line1,
              addressLine2: body.address.line2,
              town: body.address.town,
              postcode: body.address.postcode,
            },
            errors,
          )
        : null;
      if (!body.role.trim()) errors.push({ field: 'role', message: 'Enter your role with the child' });
      if (errors.length || !form.ok) refuse(errors, { ...API_FIELD, postcode: 'address.postcode' });
      try {
        const r = await registry.register(
          ctx,
          form.data,
          address,
          { role: body.role.trim(), startedOn: londonToday(ctx.at) },
          { confirmedNew: body.confirmedNoMatch },
        );
        if (r.status === 'check')
          return { status: 'check' as const, matches: r.matches.map(hitOut), queuedForReview: 0 };
        if (r.status === 'created')
          return { status: 'created' as const, id: r.id, matches: [], queuedForReview: r.queued };
        throw new Error('unexpected outcome');
      } catch (err) {
        if (err instanceof DuplicateNhsNumberError) {
          throw new HttpError(409, `A child with this NHS number is already recorded (id ${err.existingId})`);
        }
        throw err;
      }
    },
  });
}
