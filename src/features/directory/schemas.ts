import { z } from 'zod';
import {
  ACCESS_ROUTES,
  type AccessRoute,
  AGENCY_TYPES,
  type AgencyType,
  SERVICE_STATUSES,
  TIERS,
  type Tier,
} from '../../db/schema.ts';
import { asArray, dateParts, orderedForm } from '../../platform/forms.ts';
import {
  type Answer,
  AREA_QUESTION_ID,
  type Criterion,
  type Exclusion,
  type Rules,
  RulesSchema,
} from './eligibility.ts';
import { UUID } from './oruk.ts';

export interface DirectorySearch {
  q?: string;
  /** A postcode district (the outward code, like LU3): services in the areas it lies in. */
  district?: string;
  need: string[];
  age?: number;
  area?: string;
  tier: Tier[];
  language?: string;
  access: AccessRoute[];
  open: boolean;
  page: number;
}

/** The outward code of a full postcode or of an outward code alone (LU3 2AB or LU3 → LU3), or undefined. */
export function postcodeDistrict(text: string): string | undefined {
  const compact = text.replace(/\s+/g, '').toUpperCase();
  const full = /^([A-Z]{1,2}[0-9][A-Z0-9]?)[0-9][A-Z]{2}$/.exec(compact);
  if (full) return full[1];
  return /^[A-Z]{1,2}[0-9][A-Z0-9]?$/.test(compact) ? compact : undefined;
}

const firstString = (v: unknown) =>
  typeof v === 'string' ? v.trim() : Array.isArray(v) && typeof v[0] === 'string' ? String(v[0]).trim() : '';

/** The search as typed, trimmed and cut to length: what the page shows again and its page links carry. */
export function directorySearchValues(query: Record<string, unknown>) {
  const many = (k: string) => asArray(query[k]).slice(0, 50);
  return {
    q: firstString(query.q).slice(0, 200),
    need: many('need'),
    age: firstString(query.age).slice(0, 10),
    area: firstString(query.area),
    postcode: firstString(query.postcode).slice(0, 20),
    tier: many('tier'),
    language: firstString(query.language).slice(0, 60),
    access: many('access'),
    open: firstString(query.open),
  };
}

/**
 * The search is a GET form (services are not personal data), so a bad value is shown, never thrown: read with
 * `parseForm` from the query, with the values from `directorySearchValues`.
 */
export const DirectorySearchForm = orderedForm((query, _field, problem): DirectorySearch => {
  const values = directorySearchValues(query);
  const data: DirectorySearch = { need: [], tier: [], access: [], open: values.open === 'now', page: 1 };
  if (values.q.length > 100) problem('q', 'Search words must be 100 characters or fewer');
  else if (values.q) data.q = values.q;
  if (values.age) {
    if (!/^\d{1,2}$/.test(values.age) || Number(values.age) > 25) {
      problem('age', 'Enter an age in whole years, from 0 to 25');
    } else data.age = Number(values.age);
  }
  if (values.postcode) {
    const district = postcodeDistrict(values.postcode);
    if (district) data.district = district;
    else problem('postcode', 'Enter a postcode, like LU3 2AB, or the first part of one, like LU3');
  } else if (data.q && postcodeDistrict(data.q)) {
    // Postcode-shaped search words: a practitioner typing where the family lives.
    data.district = postcodeDistrict(data.q);
    delete data.q;
  }
  if (values.area) {
    if (UUID.test(values.area)) data.area = values.area;
    else problem('area', 'Select an area or cluster from the list');
  }
  if (values.need.some((n) => !UUID.test(n))) problem('need', 'Select needs from the list');
  else data.need = values.need;
  if (values.tier.some((t) => !(TIERS as readonly string[]).includes(t))) {
    problem('tier', 'Select universal, targeted or specialist');
  } else data.tier = values.tier as Tier[];
  if (values.access.some((t) => !(ACCESS_ROUTES as readonly string[]).includes(t))) {
    problem('access', 'Select how families reach the service from the list');
  } else data.access = values.access as AccessRoute[];
  if (values.language) data.language = values.language;
  const page = firstString(query.page);
  if (page) data.page = /^\d{1,5}$/.test(page) && Number(page) >= 1 ? Number(page) : 1;
  return data;
});

const optionalText = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${label} must be ${max} characters or fewer`)
    .optional()
    .transform((v) => v || undefined);

export const ServiceFormSchema = z
  .object({
    name: z
      .string({ error: 'Enter the name of the service' })
      .trim()
      .min(1, 'Enter the name of the service')
      .max(200, 'Name must be 200 characters or fewer'),
    description: z
      .string({ error: 'Enter what the service does' })
      .trim()
      .min(1, 'Enter what the service does')
      .max(4000, 'Description must be 4000 characters or fewer'),
    status: z.enum(SERVICE_STATUSES, { error: 'Select whether the service is running' }),
    tier: z.enum(TIERS, { error: 'Select universal, targeted or specialist' }),
    accessRoute: z.enum(ACCESS_ROUTES, { error: 'Select how families reach the service' }),
    accessPanel: optionalText('Panel name', 200),
    howToRefer: optionalText('How to refer', 2000),
    startConversation: optionalText('Who starts the conversation', 500),
    startConversationPhone: z
      .string()
      .trim()
      .max(30, 'Phone number must be 30 characters or fewer')
      .regex(/^[0-9 +()-]*$/, 'Enter a phone number, like 0113 496 0000')
      .optional()
      .transform((v) => v || undefined),
    url: z
      .string()
      .trim()
      .max(500, 'Website must be 500 characters or fewer')
      .refine((v) => !v || /^https?:\/\/[^\s]+$/.test(v), 'Enter a website address starting with https://')
      .optional()
      .transform((v) => v || undefined),
    email: z
      .string()
      .trim()
      .max(200, 'Email address must be 200 characters or fewer')
      .refine(
        (v) => !v || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v),
        'Enter an email address in the correct format, like name@example.com',
      )
      .optional()
      .transform((v) => v || undefined),
    fees: optionalText('Cost', 500),
    alert: optionalText('Alert', 500),
    needs: z.preprocess(asArray, z.array(z.string().regex(UUID, 'Select needs from the list')).max(30)),
    areas: z.preprocess(asArray, z.array(z.string().regex(UUID, 'Select areas from the list')).max(100)),
    organisation: z
      .string()
      .trim()
      .optional()
      .transform((v) => v || undefined)
      .refine((v) => !v || UUID.test(v), 'Select the organisation that provides the service'),
  })
  .superRefine((v, ctx) => {
    if (v.accessRoute === 'panel' && !v.accessPanel) {
      ctx.addIssue({ code: 'custom', path: ['accessPanel'], message: 'Enter the name of the panel' });
    }
  });

export type ServiceForm = Omit<z.output<typeof ServiceFormSchema>, 'organisation'> & { reviewDate: string };

/** The service form's schema: its fields, then the date the entry should be checked again (which it needs). */
export const ServiceFormWithReview = z.unknown().transform((body, ctx): ServiceForm & { organisation?: string } => {
  const main = ServiceFormSchema.safeParse(body);
  const review = dateParts('reviewDate', 'Review date').safeParse(body);
  for (const issue of [...(main.error?.issues ?? []), ...(review.error?.issues ?? [])]) {
    ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  }
  if (review.success && !review.data) {
    ctx.addIssue({
      code: 'custom',
      path: ['reviewDate'],
      message: 'Enter the date this entry should be checked again',
    });
  }
  if (!main.success || !review.success || !review.data) return z.NEVER;
  return { ...main.data, reviewDate: review.data };
});

// Eligibility rules form: fixed rows (existing ones plus spares) so it works without JavaScript.

export const SPARE_ROWS = 2;

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 30) || 'item';

function uniqueId(base: string, taken: Set<string>) {
  let id = slug(base);
  for (let i = 2; taken.has(id); i++) id = `${slug(base)}-${i}`;
  taken.add(id);
  return id;
}

/** The eligibility rules form: problems in the order they are read (ages, criteria, exclusions, note, wording). */
export const RulesForm = orderedForm((body, _field, problem, problems): { rules: Rules; note: string } => {
  const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).trim() : '');
  const age = (k: string, label: string) => {
    const v = str(k);
    if (!v) return null;
    if (!/^\d{1,2}$/.test(v) || Number(v) > 25) {
      problem(k, `${label} must be a whole number from 0 to 25`);
      return null;
    }
    return Number(v);
  };
  const minimumAge = age('minimumAge', 'Lowest age');
  const maximumAge = age('maximumAge', 'Highest age');
  if (minimumAge !== null && maximumAge !== null && minimumAge > maximumAge) {
    problem('maximumAge', 'Highest age must be the same as or more than the lowest age');
  }
  const mode = str('criteriaMode');
  if (mode !== 'all' && mode !== 'any') problem('criteriaMode', 'Select whether all or any criteria must hold');
  const taken = new Set<string>();
  const rows = (prefix: 'criteria' | 'exclusions', noun: string) => {
    const out: (Criterion | Exclusion)[] = [];
    for (let i = 0; i < 40; i++) {
      const q = str(`${prefix}-${i}-question`);
      const w = str(`${prefix}-${i}-wording`);
      const fact = str(`${prefix}-${i}-fact`);
      if (body[`${prefix}-${i}-question`] === undefined && body[`${prefix}-${i}-wording`] === undefined) continue;
      if (!q && !w) continue;
      if (!q) problem(`${prefix}-${i}-question`, `Enter the question to ask about this ${noun}`);
      if (!w) problem(`${prefix}-${i}-wording`, `Enter how this ${noun} reads as a reason`);
      if (q.length > 300) problem(`${prefix}-${i}-question`, 'Question must be 300 characters or fewer');
      if (w.length > 300) problem(`${prefix}-${i}-wording`, 'Wording must be 300 characters or fewer');
      const existing = str(`${prefix}-${i}-id`);
      // Existing ids are kept so answers and past evaluations still line up with the new version.
      let id: string;
      if (/^[a-z0-9-]{1,40}$/.test(existing) && !taken.has(existing)) {
        taken.add(existing);
        id = existing;
      } else id = uniqueId(w || q, taken);
      const item: Criterion = { id, question: q, wording: w };
      if (prefix === 'criteria' && fact) {
        if ((AGENCY_TYPES as readonly string[]).includes(fact)) {
          item.fact = { kind: 'involvement', agencyType: fact as AgencyType };
        } else problem(`${prefix}-${i}-fact`, 'Select where the answer can come from');
      }
      out.push(item);
    }
    return out;
  };
  const criteria = rows('criteria', 'criterion');
  const exclusions = rows('exclusions', 'exclusion');
  const note = str('changeNote');
  if (!note) problem('changeNote', 'Enter what changed and why');
  else if (note.length > 500) problem('changeNote', 'What changed must be 500 characters or fewer');
  const ageWording = str('ageWording');
  const guidance = str('guidance');
  if (ageWording.length > 300) problem('ageWording', 'Age wording must be 300 characters or fewer');
  if (guidance.length > 2000) problem('guidance', 'Guidance must be 2000 characters or fewer');
  if (problems().length) return z.NEVER;
  const parsed = RulesSchema.safeParse({
    minimumAge,
    maximumAge,
    ageWording,
    criteriaMode: mode,
    criteria,
    exclusions,
    guidance,
  });
  if (!parsed.success) {
    problem('criteria-0-question', 'Check the criteria and exclusions');
    return z.NEVER;
  }
  return { rules: parsed.data, note };
});

export type EligibilityAsked =
  | { subject: 'age'; age: number | null; answers: Record<string, Answer> }
  | { subject: 'child'; childId: string; answers: Record<string, Answer> };

/** The evaluation form: either an age (no record) or a chosen child, plus answers to the questions. */
export const eligibilityForm = (rules: Rules) =>
  orderedForm((body, _field, problem): EligibilityAsked => {
    const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).trim() : '');
    const answers: Record<string, Answer> = {};
    for (const item of [...rules.criteria, ...rules.exclusions, { id: AREA_QUESTION_ID }]) {
      const v = str(`answer-${item.id}`);
      if (v === 'yes' || v === 'no' || v === 'unknown') answers[item.id] = v;
    }
    // Choosing a child wins over a typed age: the record is the better source.
    const childId = str('childId');
    if (childId) {
      if (!UUID.test(childId)) problem('childId', 'Select a child you work with');
      return { subject: 'child', childId, answers };
    }
    const age = str('age');
    if (age && (!/^\d{1,2}$/.test(age) || Number(age) > 25)) {
      problem('age', 'Enter an age in whole years, from 0 to 25');
    }
    return { subject: 'age', age: age ? Number(age) : null, answers };
  });
