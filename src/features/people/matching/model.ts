/**
 * Fellegi–Sunter scoring: each field's agreement level carries a weight log2(m/u), where m is the chance of that
 * level when two records are the same person and u the chance when they are not. The score is the sum of the
 * weights (bits of evidence), so every point of it can be shown to a practitioner as a reason.
 */
import { comparePattern, FIELDS, type Field, LEVELS, levelOf, SWAPPED } from './compare.ts';
import { formatNhsNumber } from './normalise.ts';
import { type PersonRecord, type PreparedRecord, prepare } from './record.ts';

export interface FieldParameters {
  /** Index = level; index 0 (missing) is unused. Each array sums to 1 over levels 1.. */
  m: number[];
  u: number[];
}

export type Outcome = 'match' | 'possible' | 'non-match';

export interface MatchModel {
  fields: Record<Field, FieldParameters>;
  /** Proportion of candidate pairs that are matches (used by EM and to turn a score into a probability). */
  lambda: number;
  /** Score thresholds (bits): at or above `match` → match; at or above `possible` → possible match (review). */
  thresholds: { match: number; possible: number };
  /** Penalty (bits) when the names only agree read the other way round. */
  swapPenalty: number;
  /** Term-frequency adjustment: bounds and the weight given to it (0 turns it off). */
  termFrequency: { weight: number; maxBits: number };
  /**
   * Most bits that a shared address or postcode may add when the family name also agrees. Brothers and sisters
   * share both, so together they show a household, not a person; counted independently they would outweigh a
   * different date of birth.
   */
  householdCap: number;
  /**
   * Bits taken away when given names differ while the date of birth is the same and the two live at one address or
   * postcode: that is what twins look like. Counted independently, the shared birthday and household would outweigh
   * the different first names.
   */
  twinPenalty: number;
}

/** Name frequencies in the population being linked (or a supplied table), for term-frequency adjustment. */
export interface NameFrequencies {
  given: Map<string, number>;
  family: Map<string, number>;
  total: number;
  /** Chance that two random records share a given name / family name: Σ f². */
  givenAgreement: number;
  familyAgreement: number;
}

/**
 * Sensible priors: what m and u look like for identifying details entered by different agencies. EM refines these
 * on the data being linked; on their own they already separate clear matches from clear non-matches.
 */
export function defaultModel(): MatchModel {
  return {
    fields: {
      given: { m: [0, 0.8, 0.06, 0.04, 0.04, 0.02, 0.04], u: [0, 0.02, 0.004, 0.01, 0.006, 0.02, 0.94] },
      family: { m: [0, 0.82, 0.04, 0.05, 0.04, 0.02, 0.03], u: [0, 0.03, 0.002, 0.01, 0.005, 0.02, 0.933] },
      dob: { m: [0, 0.9, 0.02, 0.02, 0.02, 0.02, 0.02], u: [0, 0.02, 0.0005, 0.045, 0.002, 0.9275, 0.005] },
      sex: { m: [0, 0.98, 0.02], u: [0, 0.5, 0.5] },
      place: { m: [0, 0.7, 0.08, 0.02, 0.05, 0.15], u: [0, 0.0005, 0.002, 0.0005, 0.05, 0.947] },
      nhs: { m: [0, 0.98, 0.01, 0.01], u: [0, 0.0001, 0.001, 0.9989] },
      upn: { m: [0, 0.97, 0.03], u: [0, 0.0001, 0.9999] },
      other: { m: [0, 0.9, 0.06, 0.04], u: [0, 0.001, 0.002, 0.997] },
      // People change numbers and addresses, and a household shares a landline or an email: less than an identifier.
      email: { m: [0, 0.7, 0.3], u: [0, 0.001, 0.999] },
      telephone: { m: [0, 0.6, 0.4], u: [0, 0.005, 0.995] },
    },
    lambda: 0.01,
    thresholds: { match: 16, possible: 8 },
    swapPenalty: 1,
    termFrequency: { weight: 1, maxBits: 4 },
    householdCap: 3,
    twinPenalty: 10,
  };
}

export function weightOf(model: MatchModel, field: Field, level: number): number {
  if (level === 0) return 0;
  const p = model.fields[field];
  return Math.log2(Math.max(p.m[level]!, 1e-9) / Math.max(p.u[level]!, 1e-9));
}

/** Score of a comparison vector before any term-frequency adjustment. */
export function baseScore(model: MatchModel, pattern: number): number {
  let s = 0;
  for (let i = 0; i < FIELDS.length; i++) {
    const level = (pattern >>> (i * 3)) & 7;
    if (level !== 0) s += weightOf(model, FIELDS[i]!, level);
  }
  s -= householdExcess(model, pattern);
  if (pattern & SWAPPED) s -= model.swapPenalty;
  if (looksLikeTwins(pattern)) s -= model.twinPenalty;
  return s;
}

/**
 * Different given names, the same date of birth, one address or postcode and no identifier on both records to tell
 * them apart: twins, not one child twice. Where both records carry an NHS number, a pupil number or an agency's
 * id, that says which it is (a different one already counts against the pair), and the rule does not apply.
 */
export function looksLikeTwins(pattern: number): boolean {
  const place = levelOf(pattern, 'place');
  return (
    levelOf(pattern, 'given') === 6 &&
    !(pattern & SWAPPED) &&
    levelOf(pattern, 'dob') === 1 &&
    (place === 1 || place === 2) &&
    levelOf(pattern, 'nhs') === 0 &&
    levelOf(pattern, 'upn') === 0 &&
    levelOf(pattern, 'other') === 0
  );
}

/** Bits of a shared place beyond the household cap, when the family name agrees too. */
export function householdExcess(model: MatchModel, pattern: number): number {
  const family = levelOf(pattern, 'family');
  const place = levelOf(pattern, 'place');
  if (family < 1 || family > 3 || place < 1 || place > 2) return 0;
  return Math.max(0, weightOf(model, 'place', place) - model.householdCap);
}

/** A memo of base scores by pattern: a population has only a few thousand distinct patterns. */
export function patternScorer(model: MatchModel): (pattern: number) => number {
  const memo = new Map<number, number>();
  return (pattern) => {
    let s = memo.get(pattern);
    if (s === undefined) {
      s = baseScore(model, pattern);
      memo.set(pattern, s);
    }
    return s;
  };
}

export function frequencies(records: Iterable<PreparedRecord>): NameFrequencies {
  const given = new Map<string, number>();
  const family = new Map<string, number>();
  let total = 0;
  for (const r of records) {
    total++;
    const n = r.names[0]!;
    if (n.given) given.set(n.given, (given.get(n.given) ?? 0) + 1);
    if (n.familyCompact) family.set(n.familyCompact, (family.get(n.familyCompact) ?? 0) + 1);
  }
  return {
    given,
    family,
    total,
    givenAgreement: agreement(given, total),
    familyAgreement: agreement(family, total),
  };
}

function agreement(counts: Map<string, number>, total: number): number {
  let s = 0;
  for (const c of counts.values()) s += (c / total) ** 2;
  return s;
}

function tfBits(count: number | undefined, total: number, averageAgreement: number, model: MatchModel): number {
  if (!count || !total || model.termFrequency.weight === 0) return 0;
  const bits = Math.log2(averageAgreement / (count / total)) * model.termFrequency.weight;
  const max = model.termFrequency.maxBits;
  return Math.max(-max, Math.min(max, bits));
}

/**
 * Term-frequency adjustment for exact name agreement: sharing "Zbigniew" says more than sharing "Oliver";
 * sharing "Begum" or "Khan" says less than an average family name.
 */
export function tfAdjustment(model: MatchModel, freq: NameFrequencies | undefined, pattern: number, a: PreparedRecord) {
  if (!freq || pattern & SWAPPED) return { given: 0, family: 0 };
  const n = a.names[0]!;
  return {
    given:
      levelOf(pattern, 'given') === 1 ? tfBits(freq.given.get(n.given), freq.total, freq.givenAgreement, model) : 0,
    family:
      levelOf(pattern, 'family') === 1
        ? tfBits(freq.family.get(n.familyCompact), freq.total, freq.familyAgreement, model)
        : 0,
  };
}

export function outcomeOf(model: MatchModel, score: number): Outcome {
  if (score >= model.thresholds.match) return 'match';
  return score >= model.thresholds.possible ? 'possible' : 'non-match';
}

/** Probability of a match given the score, under the model's prior. */
export function matchProbability(model: MatchModel, score: number): number {
  const bits = score + Math.log2(model.lambda / (1 - model.lambda));
  return 1 / (1 + 2 ** -bits);
}

export interface Reason {
  field: Field | 'names';
  level: string;
  /** Bits this reason adds to (or takes from) the score. */
  weight: number;
  text: string;
}

export interface Comparison {
  score: number;
  outcome: Outcome;
  probability: number;
  pattern: number;
  reasons: Reason[];
}

function reasonText(field: Field, level: string, a: PreparedRecord, b: PreparedRecord): string {
  const texts: Record<string, string> = {
    'given.exact': 'given name matches',
    'given.nickname': nicknameText(a, b),
    'given.phonetic': 'given name sounds alike',
    'given.jw92': 'given name spelt almost the same',
    'given.jw85': 'given name spelt similarly',
    'given.different': 'given names differ',
    'family.exact': 'family name matches',
    'family.part': 'shares part of a double-barrelled family name',
    'family.phonetic': 'family name sounds alike or is a known spelling variant',
    'family.jw92': 'family name spelt almost the same',
    'family.jw85': 'family name spelt similarly',
    'family.different': 'family names differ',
    'dob.exact': 'date of birth matches',
    'dob.transposed': 'day and month swapped in date of birth',
    'dob.day_or_month': 'date of birth differs in the day or the month only',
    'dob.year': 'date of birth differs in the year only',
    'dob.day_apart': 'dates of birth one day apart',
    'dob.different': 'dates of birth differ',
    'sex.same': 'same sex recorded',
    'sex.different': 'different sex recorded',
    'place.address': 'same address',
    'place.postcode': samePostcodeText(a, b),
    'place.street': 'same street address, different postcode',
    'place.district': 'lives in the same district',
    'place.different': 'different address',
    'nhs.exact': b.nhs ? `same NHS number (${formatNhsNumber(b.nhs)})` : 'same NHS number',
    'nhs.one_slip': 'NHS numbers differ by one keying slip',
    'nhs.different': 'different NHS numbers',
    'upn.exact': 'same unique pupil number',
    'upn.different': 'different unique pupil numbers',
    'other.exact': 'same agency identifier',
    'other.one_slip': 'agency identifiers differ by one keying slip',
    'other.different': 'different agency identifiers',
    'email.exact': 'same email address',
    'email.different': 'different email addresses',
    'telephone.exact': 'same telephone number',
    'telephone.different': 'different telephone numbers',
  };
  return texts[`${field}.${level}`] ?? `${field} ${level}`;
}

function nicknameText(a: PreparedRecord, b: PreparedRecord): string {
  const x = a.names[0]!.given;
  const y = b.names[0]!.given;
  if (!x || !y || x === y) return 'given name variant';
  // The same level covers a name used as a middle name on the other record.
  const middle = (p: PreparedRecord, name: string) => p.names.some((n) => n.givenTokens.slice(1).includes(name));
  if (middle(a, y) || middle(b, x)) return `known by a middle name (${cap(x)} and ${cap(y)})`;
  return `given names ${cap(x)} and ${cap(y)} are used for the same name`;
}

/** With given and family names read the other way round, the usual wording would name the wrong parts. */
const SWAPPED_TEXTS: Record<string, string> = {
  exact: 'matches the other record’s name the other way round',
  nickname: 'a variant of the other record’s name the other way round',
  part: 'a variant of the other record’s name the other way round',
  phonetic: 'sounds like the other record’s name the other way round',
  jw92: 'spelt almost like the other record’s name the other way round',
  jw85: 'spelt like the other record’s name the other way round',
  different: 'differs from the other record’s name the other way round',
};

function samePostcodeText(a: PreparedRecord, b: PreparedRecord): string {
  if (a.postcode && b.postcode && a.postcode !== b.postcode) return 'postcode matches a previous address';
  return 'same postcode';
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The reasons behind a score, strongest evidence first. */
export function explain(
  model: MatchModel,
  pattern: number,
  a: PreparedRecord,
  b: PreparedRecord,
  freq?: NameFrequencies,
): Reason[] {
  const reasons: Reason[] = [];
  const tf = tfAdjustment(model, freq, pattern, a);
  for (const field of FIELDS) {
    const level = levelOf(pattern, field);
    if (level === 0) continue;
    const name = LEVELS[field][level]!;
    let weight = weightOf(model, field, level);
    let text =
      pattern & SWAPPED && (field === 'given' || field === 'family')
        ? `${field === 'given' ? 'first name' : 'last name'} ${SWAPPED_TEXTS[name] ?? name}`
        : reasonText(field, name, a, b);
    if (field === 'given' && tf.given) weight += tf.given;
    if (field === 'family' && tf.family) weight += tf.family;
    if ((field === 'given' && tf.given >= 1) || (field === 'family' && tf.family >= 1)) text += ' (an uncommon name)';
    if ((field === 'given' && tf.given <= -1) || (field === 'family' && tf.family <= -1)) text += ' (a common name)';
    if (field === 'place') {
      const excess = householdExcess(model, pattern);
      if (excess > 0) {
        weight -= excess;
        text += ' (with the same family name this shows a household, so it counts for less)';
      }
    }
    reasons.push({ field, level: name, weight, text });
  }
  if (model.twinPenalty > 0 && looksLikeTwins(pattern)) {
    reasons.push({
      field: 'names',
      level: 'twins',
      weight: -model.twinPenalty,
      text: 'different given names with the same date of birth and address: this is what twins look like',
    });
  }
  if (pattern & SWAPPED) {
    reasons.push({
      field: 'names',
      level: 'swapped',
      weight: -model.swapPenalty,
      text: 'given and family names swapped',
    });
  }
  return reasons.sort((x, y) => Math.abs(y.weight) - Math.abs(x.weight));
}

/** Score of two prepared records, with term-frequency adjustment when frequencies are given. */
export function scorePair(model: MatchModel, a: PreparedRecord, b: PreparedRecord, freq?: NameFrequencies) {
  const pattern = comparePattern(a, b);
  const tf = tfAdjustment(model, freq, pattern, a);
  return { pattern, score: baseScore(model, pattern) + tf.given + tf.family };
}

/**
 * Compare a query (what a practitioner typed, or a record being registered) with a candidate record.
 * Either side may be raw (`PersonRecord`) or already prepared.
 */
export function compare(
  query: PersonRecord | PreparedRecord,
  candidate: PersonRecord | PreparedRecord,
  model: MatchModel = defaultModel(),
  freq?: NameFrequencies,
): Comparison {
  const a = isPrepared(query) ? query : prepare(query);
  const b = isPrepared(candidate) ? candidate : prepare(candidate);
  const { pattern, score } = scorePair(model, a, b, freq);
  return {
    score,
    outcome: outcomeOf(model, score),
    probability: matchProbability(model, score),
    pattern,
    reasons: explain(model, pattern, a, b, freq),
  };
}

function isPrepared(r: PersonRecord | PreparedRecord): r is PreparedRecord {
  return Array.isArray((r as PreparedRecord).names) && 'address' in r && Array.isArray((r as PreparedRecord).address);
}

/** The strongest comparison over every pair of ways two people are recorded (their own records, merged ones, …). */
export function bestComparison(
  xs: readonly PreparedRecord[],
  ys: readonly PreparedRecord[],
  model: MatchModel,
): Comparison | undefined {
  let best: Comparison | undefined;
  for (const x of xs) {
    for (const y of ys) {
      const c = compare(x, y, model);
      if (!best || c.score > best.score) best = c;
    }
  }
  return best;
}
