import { z } from 'zod';
import { AGENCY_TYPES } from '../../db/schema.ts';

/**
 * Eligibility rules are data, edited by directory editors and stored as versions. The engine is pure:
 * it takes the rules, what the system knows about the child and the practitioner's answers, and says
 * eligible / not eligible / more information needed, always with the reasons.
 */

const text = (max: number) => z.string().trim().min(1).max(max);

/** A fact the system can establish itself, so the practitioner is not asked. */
export const FactSchema = z.object({
  kind: z.literal('involvement'),
  agencyType: z.enum(AGENCY_TYPES),
});
export type Fact = z.infer<typeof FactSchema>;

export const CriterionSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,40}$/),
  /** The yes/no question put to the practitioner. */
  question: text(300),
  /** How the criterion reads in a list of reasons ("At risk of coming into care"). */
  wording: text(300),
  fact: FactSchema.optional(),
});
export type Criterion = z.infer<typeof CriterionSchema>;

export const ExclusionSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,40}$/),
  question: text(300),
  wording: text(300),
});
export type Exclusion = z.infer<typeof ExclusionSchema>;

export const RulesSchema = z
  .object({
    minimumAge: z.number().min(0).max(25).nullable(),
    maximumAge: z.number().min(0).max(25).nullable(),
    /** How the age range is put to a practitioner ("Young people aged 11 to 17"). */
    ageWording: z.string().trim().max(300).default(''),
    criteriaMode: z.enum(['all', 'any']),
    criteria: z.array(CriterionSchema).max(20),
    exclusions: z.array(ExclusionSchema).max(20),
    /** Anything else a practitioner should know (typical behaviours, how long support lasts). */
    guidance: z.string().trim().max(2000).default(''),
  })
  .refine((r) => r.minimumAge === null || r.maximumAge === null || r.minimumAge <= r.maximumAge, {
    message: 'The lowest age must not be more than the highest age',
  });
export type Rules = z.infer<typeof RulesSchema>;

export type Answer = 'yes' | 'no' | 'unknown';
export type Outcome = 'eligible' | 'not_eligible' | 'more_information';

export interface Subject {
  /** Age in whole years, or null when not known. */
  age: number | null;
  /** True for an unborn child (expected date of birth only). */
  unborn?: boolean;
  /** Agency types with an open involvement, when a real child was chosen. */
  involvedAgencyTypes?: string[];
  /**
   * Where a chosen child lives: the areas their current address is in (the household's area and those
   * above it, and areas covering its postcode district) and, in words, the nearest one. null when no
   * address or area is known; 'withheld' for a shielded child, whose whereabouts are never shown;
   * undefined for a child with no record.
   */
  area?: { ids: string[]; name: string } | null | 'withheld';
}

/** The areas a service serves; none means it serves anywhere. */
export interface ServedAreas {
  ids: string[];
  names: string[];
}

/** The id of the area question: criterion ids cannot contain "_", so it never clashes with one. */
export const AREA_QUESTION_ID = '_area';

function listText(names: string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

export interface Reason {
  kind: 'age' | 'area' | 'criterion' | 'exclusion';
  status: 'met' | 'not_met' | 'unknown' | 'applies' | 'does_not_apply';
  text: string;
  /** Where the answer came from: the child's record or the practitioner. */
  source?: 'record' | 'answer';
}

export interface Question {
  id: string;
  kind: 'area' | 'criterion' | 'exclusion';
  question: string;
  answer: Answer;
  /** Answered from the record; not asked. */
  known: boolean;
}

export interface Evaluation {
  outcome: Outcome;
  reasons: Reason[];
  questions: Question[];
}

export function ageRangeText(min: number | null, max: number | null): string {
  if (min !== null && max !== null) return `aged ${min} to ${max}`;
  if (min !== null) return `aged ${min} or over`;
  if (max !== null) return `aged ${max} or under`;
  return 'of any age';
}

function ageReason(rules: Rules, subject: Subject): Reason | undefined {
  const { minimumAge: min, maximumAge: max } = rules;
  if (min === null && max === null) return undefined;
  const range = rules.ageWording || `For children and young people ${ageRangeText(min, max)}`;
  if (subject.age === null && !subject.unborn) {
    return { kind: 'age', status: 'unknown', text: `${range}. Give the child’s age.` };
  }
  const age = subject.unborn ? 0 : (subject.age as number);
  const who = subject.unborn ? 'The child is not yet born' : `The child is ${age}`;
  const tooYoung = min !== null && age < min;
  const tooOld = max !== null && age > max;
  if (tooYoung || tooOld) {
    return {
      kind: 'age',
      status: 'not_met',
      text: `${range}. ${who}, which is ${tooYoung ? 'under' : 'over'} the age range.`,
    };
  }
  return { kind: 'age', status: 'met', text: `${range}. ${who}, which is within the age range.` };
}

/** The area question, put when the record cannot answer it. */
export function areaQuestion(served: ServedAreas): string {
  return `Does the child live in ${listText(served.names)}?`;
}

function areaReason(
  served: ServedAreas,
  subject: Subject,
  answers: Record<string, Answer | undefined>,
  questions: Question[],
): Reason | undefined {
  if (served.ids.length === 0) return undefined;
  const serves = `Serves families in ${listText(served.names)}`;
  const area = subject.area;
  if (area && area !== 'withheld' && area.ids.length > 0) {
    const inside = area.ids.some((id) => served.ids.includes(id));
    return {
      kind: 'area',
      status: inside ? 'met' : 'not_met',
      text: `${serves}; this child lives in ${area.name}${inside ? '' : ', which is outside that area'}.`,
      source: 'record',
    };
  }
  const answer: Answer = answers[AREA_QUESTION_ID] ?? 'unknown';
  questions.push({ id: AREA_QUESTION_ID, kind: 'area', question: areaQuestion(served), answer, known: false });
  if (answer === 'unknown') {
    const where = area === undefined ? 'Where the child lives' : 'Where this child lives';
    return { kind: 'area', status: 'unknown', text: `${serves}. ${where} is not known.` };
  }
  return {
    kind: 'area',
    status: answer === 'yes' ? 'met' : 'not_met',
    text: `${serves}. You said the child ${answer === 'yes' ? 'lives' : 'does not live'} there.`,
    source: 'answer',
  };
}

export function evaluate(
  rules: Rules,
  subject: Subject,
  answers: Record<string, Answer | undefined>,
  served: ServedAreas = { ids: [], names: [] },
): Evaluation {
  const reasons: Reason[] = [];
  const questions: Question[] = [];
  const age = ageReason(rules, subject);
  if (age) reasons.push(age);
  const area = areaReason(served, subject, answers, questions);
  if (area) reasons.push(area);

  const criterionStatus: Reason['status'][] = [];
  for (const c of rules.criteria) {
    const fromRecord =
      c.fact?.kind === 'involvement' && subject.involvedAgencyTypes?.includes(c.fact.agencyType) ? 'yes' : undefined;
    const answer: Answer = fromRecord ?? answers[c.id] ?? 'unknown';
    questions.push({ id: c.id, kind: 'criterion', question: c.question, answer, known: Boolean(fromRecord) });
    const status = answer === 'yes' ? 'met' : answer === 'no' ? 'not_met' : 'unknown';
    criterionStatus.push(status);
    reasons.push({
      kind: 'criterion',
      status,
      text: c.wording,
      ...(answer !== 'unknown' ? { source: fromRecord ? ('record' as const) : ('answer' as const) } : {}),
    });
  }
  for (const e of rules.exclusions) {
    const answer: Answer = answers[e.id] ?? 'unknown';
    questions.push({ id: e.id, kind: 'exclusion', question: e.question, answer, known: false });
    const status = answer === 'yes' ? 'applies' : answer === 'no' ? 'does_not_apply' : 'unknown';
    reasons.push({
      kind: 'exclusion',
      status,
      text: e.wording,
      ...(answer !== 'unknown' ? { source: 'answer' as const } : {}),
    });
  }

  // Criteria combine as the rules say: all must hold, or any one is enough.
  let criteria: 'met' | 'not_met' | 'unknown' = 'met';
  if (rules.criteria.length > 0) {
    if (rules.criteriaMode === 'all') {
      criteria = criterionStatus.includes('not_met')
        ? 'not_met'
        : criterionStatus.includes('unknown')
          ? 'unknown'
          : 'met';
    } else {
      criteria = criterionStatus.includes('met') ? 'met' : criterionStatus.includes('unknown') ? 'unknown' : 'not_met';
    }
  }

  const excluded = reasons.some((r) => r.status === 'applies');
  const unknownExclusion = reasons.some((r) => r.kind === 'exclusion' && r.status === 'unknown');
  let outcome: Outcome;
  if (age?.status === 'not_met' || area?.status === 'not_met' || criteria === 'not_met' || excluded)
    outcome = 'not_eligible';
  else if (age?.status === 'unknown' || area?.status === 'unknown' || criteria === 'unknown' || unknownExclusion)
    outcome = 'more_information';
  else outcome = 'eligible';

  // Lead with what decided the outcome, so the practitioner reads the reason first.
  const weight = (r: Reason) =>
    outcome === 'not_eligible'
      ? r.status === 'not_met' || r.status === 'applies'
        ? 0
        : 1
      : outcome === 'more_information'
        ? r.status === 'unknown'
          ? 0
          : 1
        : 0;
  const ordered = reasons
    .map((r, i) => ({ r, i }))
    .sort((a, b) => weight(a.r) - weight(b.r) || a.i - b.i)
    .map((x) => x.r);
  // With "any", criteria that did not hold are not reasons against when another one holds.
  const shown =
    rules.criteriaMode === 'any' && criteria === 'met'
      ? ordered.filter((r) => !(r.kind === 'criterion' && r.status !== 'met'))
      : ordered;
  return { outcome, reasons: shown, questions };
}

export const OUTCOME_LABELS: Record<Outcome, string> = {
  eligible: 'Likely to be eligible',
  not_eligible: 'Not eligible',
  more_information: 'More information needed',
};

/** Rules for a service that has published none: its age range only. */
export function ageOnlyRules(min: number | null, max: number | null): Rules {
  return {
    minimumAge: min,
    maximumAge: max,
    ageWording: '',
    criteriaMode: 'all',
    criteria: [],
    exclusions: [],
    guidance: '',
  };
}
