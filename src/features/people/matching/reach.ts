/**
 * How many of the true pairs the blocking rules can reach: an estimate, since the true pairs are what is being
 * looked for. Under the model's own assumption that fields err independently of one another, the chance that a
 * true pair shows a level on a field is m (learnt from the file, or the prior) times the chance that both records
 * hold the field (from the file). A rule reaches a pair when every part of its key agrees; a rule whose blocks were
 * partly capped reaches only the share of its keys that were not capped. Summing over every combination of levels
 * gives the share of true pairs that at least one rule reaches.
 */
import { type BlockingRule, type BlockingStats, townOf } from './blocking.ts';
import { type Field, LEVELS } from './compare.ts';
import type { MatchModel } from './model.ts';
import type { PreparedRecord } from './record.ts';

type Levels = { given: number; family: number; dob: number; place: number; nhs: number; upn: number; other: number };

/** Whether a rule's key agrees for a true pair showing these levels (approximately: keys use sound codes). */
function reaches(rule: BlockingRule, l: Levels, townOnly: boolean): boolean {
  const g = l.given === 1 || l.given === 3;
  const f = l.family >= 1 && l.family <= 3;
  const d = l.dob === 1 || l.dob === 2;
  const year = (l.dob >= 1 && l.dob <= 3) || l.dob === 6;
  const monthDay = l.dob === 1 || l.dob === 2 || l.dob === 4;
  const postcode = l.place === 1 || l.place === 2;
  const town = postcode || l.place === 3 || (townOnly && l.place === 4);
  const district = postcode || l.place === 4;
  switch (rule) {
    case 'nhs':
      return l.nhs === 1;
    case 'upn':
      return l.upn === 1;
    case 'other':
      return l.other === 1;
    // Not modelled: few records carry them, so leaving them out keeps the estimate a lower bound.
    case 'email':
    case 'telephone':
      return false;
    case 'dob_name':
      return d && (g || f);
    case 'names_year_month':
      // A day out (level 6) keeps the year and month.
      return g && f && (l.dob === 1 || l.dob === 6);
    case 'names_year_day':
      return g && f && l.dob === 1;
    case 'names_month_day':
      return g && f && monthDay;
    case 'names_district':
      return g && f && district;
    case 'dob_postcode':
      return d && postcode;
    case 'given_postcode':
      return g && postcode;
    case 'dob':
      return d;
    case 'family_year':
      return f && year;
    case 'given_place':
      return g && town;
    case 'name_month_day':
      return (g || f) && monthDay;
    case 'names':
      return g && f;
    case 'family_postcode':
      return f && postcode;
  }
}

const FIELDS_USED = ['given', 'family', 'dob', 'place', 'nhs', 'upn', 'other'] as const;

/** Share of records holding each field. */
function presence(records: readonly PreparedRecord[]) {
  const held: Record<(typeof FIELDS_USED)[number], number> = {
    given: 0,
    family: 0,
    dob: 0,
    place: 0,
    nhs: 0,
    upn: 0,
    other: 0,
  };
  let postcodes = 0;
  let towns = 0;
  for (const r of records) {
    const n = r.names[0]!;
    if (n.given) held.given++;
    if (n.familyCompact) held.family++;
    if (r.dob !== null) held.dob++;
    if (r.postcode || r.rawPostcode || r.address.length > 0) held.place++;
    if (r.postcode || r.rawPostcode) postcodes++;
    else if (townOf(r)) towns++;
    if (r.nhs) held.nhs++;
    if (r.upn) held.upn++;
    if (r.other) held.other++;
  }
  const total = Math.max(1, records.length);
  const share = Object.fromEntries(FIELDS_USED.map((f) => [f, held[f] / total])) as typeof held;
  return { share, townOnly: postcodes === 0 && towns > 0 };
}

/** Estimated share of true pairs that at least one of the rules reaches (0–1). */
export function estimateReach(model: MatchModel, records: readonly PreparedRecord[], stats: readonly BlockingStats[]) {
  const { share, townOnly } = presence(records);
  // Chance of each level for a true pair, level 0 being "missing on one side".
  const dist = (field: Field & (typeof FIELDS_USED)[number]) => {
    const both = share[field] ** 2;
    return LEVELS[field].map((_, level) => (level === 0 ? 1 - both : both * (model.fields[field].m[level] ?? 0)));
  };
  const p = Object.fromEntries(FIELDS_USED.map((f) => [f, dist(f)])) as Record<(typeof FIELDS_USED)[number], number[]>;
  const rules = stats.map((s) => ({
    rule: s.rule,
    open: s.keys > 0 ? 1 - s.cappedRecords / s.keys : 0,
  }));
  let reached = 0;
  const l: Levels = { given: 0, family: 0, dob: 0, place: 0, nhs: 0, upn: 0, other: 0 };
  const walk = (k: number, chance: number) => {
    if (chance === 0) return;
    if (k === FIELDS_USED.length) {
      let missed = 1;
      for (const r of rules) if (r.open > 0 && reaches(r.rule, l, townOnly)) missed *= 1 - r.open;
      reached += chance * (1 - missed);
      return;
    }
    const field = FIELDS_USED[k]!;
    const levels = p[field];
    for (let level = 0; level < levels.length; level++) {
      l[field] = level;
      walk(k + 1, chance * levels[level]!);
    }
  };
  walk(0, 1);
  return Math.min(1, Math.max(0, reached));
}
