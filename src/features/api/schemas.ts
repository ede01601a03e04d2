import { z } from 'zod';
import { AGENCY_TYPES, AREA_KINDS, ROLES, type Role, TIERS } from '../../db/schema.ts';
import { asArray } from '../../platform/forms.ts';
import { UUID } from '../../platform/ids.ts';

// ---- API inputs: messages name the parameter, because an integrator reads them, not a form user.

const uuid = (name: string) =>
  z.guid({ error: `${name} must be a UUID, like 0b6c8f6e-3c1a-4d8e-9f5b-2a7d4e1c9b30` }).describe(`The ${name}.`);

export const IdParams = z.object({ id: uuid('id') });

export const PAGE_SIZE_MAX = 100;

const wholeNumber = (name: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be a whole number from ${min} to ${max}` })
    .int({ error: `${name} must be a whole number from ${min} to ${max}` })
    .min(min, { error: `${name} must be a whole number from ${min} to ${max}` })
    .max(max, { error: `${name} must be a whole number from ${min} to ${max}` });

export const OrganisationQuery = z.object({
  page: wholeNumber('page', 1, 100_000).default(1).describe('Page number, from 1.'),
  pageSize: wholeNumber('pageSize', 1, PAGE_SIZE_MAX)
    .default(20)
    .describe(`Organisations per page, at most ${PAGE_SIZE_MAX}.`),
  tier: z
    .enum(TIERS, { error: `tier must be one of: ${TIERS.join(', ')}` })
    .optional()
    .describe('Only organisations in this tier of service.'),
  agencyType: z
    .enum(AGENCY_TYPES, { error: `agencyType must be one of: ${AGENCY_TYPES.join(', ')}` })
    .optional()
    .describe('Only organisations of this type.'),
});

export const TeamQuery = z.object({
  organisationId: uuid('organisationId').optional().describe('Only teams of this organisation.'),
});

// ---- API responses

const nullableText = z.string().nullable();

export const Me = z.object({
  id: z.guid(),
  kind: z.enum(['person', 'service']).describe('A person, or a service account used by another system.'),
  name: z.string(),
  email: z.string().describe('The email address, or a service account’s identifier.'),
  organisation: z.object({ id: z.guid(), name: z.string() }),
  roles: z.array(z.enum(ROLES)),
});

export const Organisation = z.object({
  id: z.guid(),
  name: z.string(),
  agencyType: z.enum(AGENCY_TYPES),
  tier: z.enum(TIERS),
  phone: nullableText,
  email: nullableText,
});

export const OrganisationList = z.object({
  items: z.array(Organisation),
  page: z.int(),
  pageSize: z.int(),
  total: z.int().describe('Organisations matching the filters, on every page.'),
});

export const Area = z.object({
  id: z.guid(),
  name: z.string(),
  kind: z.enum(AREA_KINDS),
  parentId: z.guid().nullable(),
});
export const AreaList = z.object({ items: z.array(Area) });

export const Team = z.object({
  id: z.guid(),
  name: z.string(),
  organisationId: z.guid(),
  areaId: z.guid().nullable(),
  phone: nullableText,
  email: nullableText,
});
export const TeamList = z.object({ items: z.array(Team) });

export const OpenApiDocument = z.looseObject({ openapi: z.string() }).describe('An OpenAPI 3.1 document.');

// ---- Forms (GOV.UK wording)

/** The lifetimes offered for a new token: the usual ones shorter than the maximum, and the maximum itself. */
export function expiryChoices(maxDays: number): number[] {
  return [...new Set([7, 30, 90, 180, 365].filter((d) => d < maxDays).concat(maxDays))];
}

export function expiryText(days: number): string {
  return days === 365 ? '1 year' : `${days} days`;
}

const tokenFields = (maxDays: number) => {
  const choices = expiryChoices(maxDays).map(String);
  return {
    name: z
      .string({ error: 'Enter a name for the token' })
      .trim()
      .min(1, 'Enter a name for the token')
      .max(100, 'Token name must be 100 characters or fewer'),
    expiry: z
      .string({ error: 'Select when the token expires' })
      .refine((v) => choices.includes(v), 'Select when the token expires')
      .transform(Number),
  };
};

/** A service account's token, issued by an administrator: a name and a lifetime within the maximum. */
export const tokenForm = (maxDays: number) => z.object(tokenFields(maxDays));

/** A person's own token: they give their password again, since a token outlives the session that made it. */
export const ownTokenForm = (maxDays: number) =>
  z.object({
    ...tokenFields(maxDays),
    password: z
      .string({ error: 'Enter your password' })
      .min(1, 'Enter your password')
      .max(256, 'Password must be 256 characters or fewer'),
  });
export type TokenInput = z.output<ReturnType<typeof tokenForm>>;

const IDENTIFIER_FORMAT = 'Enter an identifier in the format of an email address, like case-system@council.example';

export const ServiceAccountForm = z.object({
  name: z
    .string({ error: 'Enter a name' })
    .trim()
    .min(1, 'Enter a name')
    .max(200, 'Name must be 200 characters or fewer'),
  identifier: z
    .string({ error: 'Enter an identifier' })
    .trim()
    .toLowerCase()
    .min(1, 'Enter an identifier')
    .max(254, 'Identifier must be 254 characters or fewer')
    .refine((v) => z.email().safeParse(v).success, IDENTIFIER_FORMAT),
  organisationId: z.guid({ error: 'Select an organisation' }),
  roles: z.preprocess(
    asArray,
    z
      .array(z.string())
      .min(1, 'Select at least one role')
      .refine((a) => a.every((r) => (ROLES as readonly string[]).includes(r)), 'Select roles from the list')
      .transform((a) => [...new Set(a)] as Role[]),
  ),
});
export type ServiceAccountInput = z.output<typeof ServiceAccountForm>;

export const UUID_PATTERN = UUID;
