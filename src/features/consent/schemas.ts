import { z } from 'zod';
import { AGENCY_TYPES, CONSENT_METHODS, CONSENT_PURPOSES, LAWFUL_BASES } from '../../db/schema.ts';
import type { FieldError } from '../../platform/errors.ts';
import { asArray, type FormResult, parseForm, readDate } from '../../platform/forms.ts';

export { readDate };

import { UUID } from '../../platform/ids.ts';

export { UUID };

const text = (label: string, max = 2000) =>
  z
    .string({ error: `Enter ${label}` })
    .trim()
    .min(1, `Enter ${label}`)
    .max(max, `${label.charAt(0).toUpperCase()}${label.slice(1)} must be ${max} characters or fewer`);
const optionalText = (label: string, max = 2000) =>
  z
    .string()
    .trim()
    .max(max, `${label} must be ${max} characters or fewer`)
    .optional()
    .transform((v) => v || null);
const uuid = (message: string) => z.string({ error: message }).regex(UUID, message);
const optionalUuid = (message: string) =>
  z
    .string()
    .optional()
    .transform((v) => v || undefined)
    .pipe(z.string().regex(UUID, message).optional());

const ConsentFields = z.object({
  decision: z.enum(['given', 'refused'], { error: 'Select whether consent was given or refused' }),
  givenBy: uuid('Select who gave or refused consent'),
  method: z.enum(CONSENT_METHODS, { error: 'Select how consent was obtained' }),
  serviceName: optionalText('Service name', 200),
  panelName: optionalText('Panel name', 200),
  explained: optionalText('What was explained', 4000),
  competent: z
    .string()
    .optional()
    .transform((v) => (v === 'yes' ? true : v === 'no' ? false : null)),
  competenceNote: optionalText('Why you think so', 2000),
});

export interface ConsentInput {
  decision: 'given' | 'refused';
  givenBy: string;
  method: (typeof CONSENT_METHODS)[number];
  purposes: (typeof CONSENT_PURPOSES)[number][];
  serviceName: string | null;
  organisationIds: string[];
  agencyTypes: (typeof AGENCY_TYPES)[number][];
  panelName: string | null;
  frontDoor: boolean;
  familyWide: boolean;
  sensitiveCategories: string[];
  obtainedOn: string;
  reviewOn: string | null;
  explained: string | null;
  /** For a young person consenting for themselves: the practitioner's judgement of their competence, and why. */
  competent: boolean | null;
  competenceNote: string | null;
}

/** The consent form: field rules here; rules that need the database (parental responsibility, overlaps) in the service. */
export function parseConsent(body: unknown): FormResult<ConsentInput> {
  const b = (body ?? {}) as Record<string, unknown>;
  const errors: FieldError[] = [];
  const fields = parseForm(ConsentFields, b);
  if (!fields.ok) errors.push(...fields.errors);
  const purposes = asArray(b.purposes);
  if (!purposes.length) errors.push({ field: 'purposes', message: 'Select what the information may be used for' });
  else if (!purposes.every((p) => (CONSENT_PURPOSES as readonly string[]).includes(p))) {
    errors.push({ field: 'purposes', message: 'Select what the information may be used for' });
  }
  const organisationIds = [...asArray(b.organisations), ...asArray(b.otherOrganisation)];
  if (!organisationIds.every((id) => UUID.test(id))) {
    errors.push({ field: 'organisations', message: 'Select organisations from the list' });
  }
  const agencyTypes = asArray(b.agencyTypes);
  if (!agencyTypes.every((t) => (AGENCY_TYPES as readonly string[]).includes(t))) {
    errors.push({ field: 'agencyTypes', message: 'Select types of service from the list' });
  }
  const panel = asArray(b.recipients).includes('panel');
  const frontDoor = asArray(b.recipients).includes('front_door');
  if (fields.ok && panel && !fields.data.panelName) {
    errors.push({ field: 'panelName', message: 'Select the panel' });
  }
  if (!organisationIds.length && !agencyTypes.length && !panel && !frontDoor) {
    errors.push({ field: 'organisations', message: 'Select who the information may be shared with' });
  }
  if (fields.ok && purposes.includes('service_referral') && !fields.data.serviceName) {
    errors.push({ field: 'serviceName', message: 'Enter the name of the service the family agreed to be referred to' });
  }
  const obtainedOn = readDate(b, 'obtainedOn', 'Date consent was obtained', errors);
  if (!obtainedOn && !errors.some((e) => e.field === 'obtainedOn')) {
    errors.push({ field: 'obtainedOn', message: 'Enter the date consent was obtained' });
  }
  const reviewOn = readDate(b, 'reviewOn', 'Review date', errors);
  if (obtainedOn && reviewOn && reviewOn < obtainedOn) {
    errors.push({ field: 'reviewOn', message: 'Review date must be on or after the date consent was obtained' });
  }
  if (errors.length || !fields.ok || !obtainedOn) return { ok: false, errors };
  return {
    ok: true,
    data: {
      ...fields.data,
      panelName: panel ? fields.data.panelName : null,
      serviceName: purposes.includes('service_referral') ? fields.data.serviceName : null,
      purposes: purposes as ConsentInput['purposes'],
      organisationIds: [...new Set(organisationIds)],
      agencyTypes: [...new Set(agencyTypes)] as ConsentInput['agencyTypes'],
      frontDoor,
      familyWide: b.familyWide === 'yes',
      sensitiveCategories: [...new Set(asArray(b.sensitiveCategories))],
      obtainedOn,
      reviewOn: reviewOn ?? null,
    },
  };
}

export function parseWithdrawal(body: unknown): FormResult<{ withdrawnOn: string; reason: string }> {
  const b = (body ?? {}) as Record<string, unknown>;
  const errors: FieldError[] = [];
  const withdrawnOn = readDate(b, 'withdrawnOn', 'Date consent was withdrawn', errors);
  if (!withdrawnOn && !errors.length) {
    errors.push({ field: 'withdrawnOn', message: 'Enter the date consent was withdrawn' });
  }
  const reason = parseForm(z.object({ reason: text('what the person said when they withdrew consent', 2000) }), b);
  if (!reason.ok) errors.push(...reason.errors);
  if (errors.length || !reason.ok || !withdrawnOn) return { ok: false, errors };
  return { ok: true, data: { withdrawnOn, reason: reason.data.reason } };
}

export const WishForm = z.object({
  withheldFrom: uuid('Select who the information should be kept from'),
  information: text('what the young person wants kept private'),
  bestInterests: text('why keeping it private is in the young person’s best interests'),
});

export const EndForm = z.object({ reason: text('why this is ending', 1000) });

export function parseDecision(body: unknown) {
  const b = (body ?? {}) as Record<string, unknown>;
  const errors: FieldError[] = [];
  const fields = parseForm(
    z.object({
      decision: z.enum(['share', 'not_share'], { error: 'Select whether you decided to share or not to share' }),
      what: text('what information this is about'),
      recipientKind: z.enum(['organisation', 'agency_type', 'front_door', 'panel', 'other'], {
        error: 'Select who the information is for',
      }),
      recipientOrganisationId: optionalUuid('Select an organisation from the list'),
      recipientAgencyType: z
        .string()
        .optional()
        .transform((v) => v || undefined)
        .pipe(z.enum(AGENCY_TYPES, { error: 'Select a type of service from the list' }).optional()),
      recipientDescription: optionalText('Recipient', 300),
      basis: z
        .string()
        .optional()
        .transform((v) => v || undefined)
        .pipe(z.enum(['consent', ...LAWFUL_BASES], { error: 'Select the basis for the decision' }).optional()),
      consentId: optionalUuid('Select a consent from the list'),
      adviceSought: optionalText('Advice sought', 1000),
      reason: optionalText('Reason', 4000),
    }),
    b,
  );
  if (!fields.ok) errors.push(...fields.errors);
  const expiresOn = readDate(b, 'expiresOn', 'End date', errors);
  if (fields.ok) {
    const f = fields.data;
    if (f.recipientKind === 'organisation' && !f.recipientOrganisationId) {
      errors.push({ field: 'recipientOrganisationId', message: 'Select the organisation' });
    }
    if (f.recipientKind === 'agency_type' && !f.recipientAgencyType) {
      errors.push({ field: 'recipientAgencyType', message: 'Select the type of service' });
    }
    if ((f.recipientKind === 'panel' || f.recipientKind === 'other') && !f.recipientDescription) {
      errors.push({ field: 'recipientDescription', message: 'Enter who the information is for' });
    }
    if (f.decision === 'share' && !f.basis) errors.push({ field: 'basis', message: 'Select the basis for sharing' });
    if (f.basis === 'consent' && !f.consentId) {
      errors.push({ field: 'consentId', message: 'Select the consent that covers this' });
    }
    if (f.basis !== 'consent' && !f.reason) {
      errors.push({
        field: 'reason',
        message:
          f.decision === 'not_share'
            ? 'Enter why you decided not to share'
            : 'Enter why sharing without consent is needed',
      });
    }
  }
  if (errors.length || !fields.ok) return { ok: false as const, errors };
  return { ok: true as const, data: { ...fields.data, expiresOn: expiresOn ?? null } };
}
export type DecisionInput = Extract<ReturnType<typeof parseDecision>, { ok: true }>['data'];

export const MarkerForm = z.object({
  target: z
    .string({ error: 'Select what must be withheld' })
    .regex(/^(household|person):[0-9a-f-]{36}$/i, 'Select what must be withheld'),
  withheldFrom: uuid('Select who it must be withheld from'),
  reason: text('why it must be withheld'),
});

export const CategoryForm = z.object({
  label: text('a name for the category', 100),
  code: z
    .string({ error: 'Enter a code' })
    .trim()
    .toLowerCase()
    .regex(/^[a-z][a-z0-9_]{1,39}$/, 'Code must start with a letter and use only letters, numbers and underscores'),
  description: optionalText('Description', 500),
});
