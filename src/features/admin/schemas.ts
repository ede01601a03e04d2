import { z } from 'zod';
import {
  AGENCY_TYPES,
  type AgencyType,
  AREA_KINDS,
  type AreaKind,
  ROLES,
  type Role,
  TEAM_CONTACT_ROLES,
  type TeamContactRole,
  TIERS,
  type Tier,
} from '../../db/schema.ts';
import { asArray } from '../../platform/forms.ts';
import { UUID } from '../../platform/ids.ts';
import { passwordProblem } from '../../platform/passwords.ts';

export { UUID };

export const AGENCY_TYPE_LABELS: Record<AgencyType, string> = {
  school: 'School',
  early_years: 'Early years setting',
  health: 'Health',
  police: 'Police',
  social_care: 'Children’s social care',
  youth_service: 'Youth service',
  youth_offending: 'Youth justice service',
  housing: 'Housing',
  careers: 'Careers service',
  voluntary: 'Voluntary or community organisation',
  local_authority: 'Local authority',
  substance_misuse: 'Substance misuse service',
  domestic_abuse: 'Domestic abuse service',
  other: 'Other',
};

export const TIER_LABELS: Record<Tier, string> = {
  universal: 'Universal',
  targeted: 'Targeted',
  specialist: 'Specialist',
};

export const AREA_KIND_LABELS: Record<AreaKind, string> = {
  area: 'Area',
  cluster: 'Cluster',
  locality: 'Locality',
  partnership: 'Partnership',
};

export const EMAIL_FORMAT = 'Enter an email address in the correct format, like name@example.org';
const isEmail = (v: string) => z.email().safeParse(v).success;

const name = (max = 200) =>
  z.string({ error: 'Enter a name' }).trim().min(1, 'Enter a name').max(max, `Name must be ${max} characters or fewer`);

const optionalText = (label: string, max: number) =>
  z
    .string({ error: `Enter ${label.toLowerCase()}` })
    .trim()
    .max(max, `${label} must be ${max} characters or fewer`)
    .optional()
    .transform((v) => v || null);

const phone = z
  .string({ error: 'Enter a telephone number' })
  .trim()
  .max(40, 'Telephone number must be 40 characters or fewer')
  .refine((v) => v === '' || /^[0-9 +()-]{6,40}$/.test(v), 'Enter a telephone number, like 01632 960 001')
  .optional()
  .transform((v) => v || null);

/** Stored lowercase and trimmed: the column ignores case, and the value is shown as stored. */
const optionalEmail = z
  .string({ error: EMAIL_FORMAT })
  .trim()
  .toLowerCase()
  .max(254, 'Email address must be 254 characters or fewer')
  .refine((v) => v === '' || isEmail(v), EMAIL_FORMAT)
  .optional()
  .transform((v) => v || null);

export const requiredEmail = z
  .string({ error: 'Enter an email address' })
  .trim()
  .toLowerCase()
  .min(1, 'Enter an email address')
  .max(254, 'Email address must be 254 characters or fewer')
  .refine(isEmail, EMAIL_FORMAT);

const id = (message: string) => z.string({ error: message }).trim().regex(UUID, message);
const optionalId = (message: string) =>
  z
    .string({ error: message })
    .trim()
    .refine((v) => v === '' || UUID.test(v), message)
    .optional()
    .transform((v) => v || null);
const ids = (message: string) =>
  z.preprocess(
    asArray,
    z.array(z.string()).refine((a) => a.every((v) => UUID.test(v)), message),
  );

const oneOf = <T extends string>(values: readonly T[], message: string) =>
  z
    .string({ error: message })
    .refine((v): v is T => (values as readonly string[]).includes(v), message)
    .transform((v) => v as T);

/** A sensitive service's category (mental health, sexual health …), or none: checked against the list in the service. */
const sensitiveCategory = z
  .string()
  .optional()
  .transform((v) => v?.trim() || null);

export const OrganisationForm = z.object({
  name: name(),
  agencyType: oneOf(AGENCY_TYPES, 'Select the type of organisation'),
  tier: oneOf(TIERS, 'Select a tier'),
  phone,
  email: optionalEmail,
  sensitiveCategory,
  safeguardingLeadId: optionalId('Select a person from the list'),
});
export type OrganisationInput = z.output<typeof OrganisationForm>;

export const AreaForm = z.object({
  name: name(),
  kind: oneOf(AREA_KINDS, 'Select what kind of area this is'),
  parentId: optionalId('Select the area this is part of'),
});
export type AreaInput = z.output<typeof AreaForm>;

export const TeamForm = z.object({
  organisationId: id('Select an organisation'),
  name: name(),
  areaId: optionalId('Select an area'),
  phone,
  email: optionalEmail,
  sensitiveCategory,
  contactRole: z
    .string()
    .optional()
    .refine((v) => !v || (TEAM_CONTACT_ROLES as readonly string[]).includes(v), 'Select a part from the list')
    .transform((v) => (v ? (v as TeamContactRole) : null)),
  hours: optionalText('When the team answers', 200),
});
export const TEAM_CONTACT_ROLE_LABELS: Record<TeamContactRole, string> = {
  front_door: 'Front door (in hours)',
  out_of_hours: 'Out-of-hours duty',
  advice_line: 'Professional advice line',
  integrated_processes: 'Integrated processes team',
  targeted_services: 'Targeted services for its area or cluster',
  family_information: 'Family information service',
};
export type TeamInput = z.output<typeof TeamForm>;

export const ROLE_LIST_PROBLEM = 'Select at least one role';

const roles = z.preprocess(
  asArray,
  z
    .array(z.string())
    .min(1, ROLE_LIST_PROBLEM)
    .refine((a) => a.every((r) => (ROLES as readonly string[]).includes(r)), 'Select roles from the list')
    .transform((a) => [...new Set(a)] as Role[]),
);

const userFields = {
  name: name(),
  jobTitle: optionalText('Job title', 200),
  phone,
  organisationId: id('Select an organisation'),
  roles,
  areas: ids('Select areas from the list'),
  teams: ids('Select teams from the list'),
  managedTeams: ids('Select teams from the list'),
};

export const UserEditForm = z.object(userFields);
export type UserEditInput = z.output<typeof UserEditForm>;

export const UserCreateForm = z.object({
  email: requiredEmail,
  ...userFields,
  password: z
    .string({ error: 'Enter a temporary password' })
    .optional()
    .transform((v) => v || null)
    .superRefine((v, issue) => {
      const problem = v ? passwordProblem(v) : undefined;
      if (problem) issue.addIssue({ code: 'custom', message: problem });
    }),
});
export type UserCreateInput = z.output<typeof UserCreateForm>;

export const PasswordForm = z.object({
  password: z
    .string({ error: 'Enter a temporary password' })
    .min(1, 'Enter a temporary password')
    .superRefine((v, issue) => {
      const problem = passwordProblem(v);
      if (problem) issue.addIssue({ code: 'custom', message: problem });
    }),
});

/** List filters arrive in the query string; anything unrecognised is ignored rather than refused. */
export const UserFilter = z.object({
  organisation: z.string().regex(UUID).optional().catch(undefined),
  role: z.enum(ROLES).optional().catch(undefined),
  q: z
    .string()
    .trim()
    .max(100)
    .optional()
    .transform((v) => v || undefined)
    .catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).default(1).catch(1),
});
export type UserFilterInput = z.output<typeof UserFilter>;

export const TeamFilter = z.object({
  organisation: z.string().regex(UUID).optional().catch(undefined),
});

/**
 * A TOTP setup key supplied by automation: base32 (RFC 4648), at least 128 bits as RFC 4226 asks.
 * Returns the normalised key, or the problem with it.
 */
export function parseTotpSecret(input: string): { ok: true; secret: string } | { ok: false; problem: string } {
  const secret = input.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z2-7]+=*$/.test(secret)) {
    return { ok: false, problem: 'The TOTP secret must be base32: letters A to Z and digits 2 to 7' };
  }
  const bytes = Math.floor((secret.replace(/=+$/, '').length * 5) / 8);
  if (bytes < 16) {
    return { ok: false, problem: `The TOTP secret is too short: it decodes to ${bytes} bytes, and must be 16 or more` };
  }
  return { ok: true, secret: secret.replace(/=+$/, '') };
}

export function unknownRoles(roles: string[]): string[] {
  return roles.filter((r) => !(ROLES as readonly string[]).includes(r));
}
