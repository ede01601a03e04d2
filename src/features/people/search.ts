import type { Q } from '../../db/connection.ts';
import { londonToday } from '../../platform/calendar.ts';
import { prepareVariants } from './match-data.ts';
import { type Candidate, candidates } from './match-repository.ts';
import { hashedKeys, queryKeyTiers } from './matching/index-keys.ts';
import { compare, defaultModel, type MatchModel, type Outcome, type Reason, scorePair } from './matching/model.ts';
import { nameParts, normaliseNhsNumber, normaliseOtherId, normaliseUpn, parseDate } from './matching/normalise.ts';
import { PhoneticCoder, type PreparedRecord, prepare } from './matching/record.ts';
import type { PersonInput } from './person-form.ts';

export interface SearchCriteria {
  givenName?: string;
  familyName?: string;
  /** YYYY-MM-DD */
  dateOfBirth?: string;
  postcode?: string;
  nhsNumber?: string;
  upn?: string;
  /** Local authority child id or another agency's identifier. */
  otherId?: string;
  /** The person's own email address or UK telephone number, as typed (normalised for matching). */
  email?: string;
  telephone?: string;
  ageFrom?: number;
  ageTo?: number;
  /** Children only (the default), or adults too. */
  includeAdults?: boolean;
}

export interface SearchHit {
  id: string;
  kind: 'child' | 'adult';
  givenName: string;
  familyName: string;
  knownAs: string | null;
  dateOfBirth: string | null;
  expectedDateOfBirth: string | null;
  sex: 'M' | 'F' | 'U';
  /** Hidden (null) when whereabouts are protected. */
  postcode: string | null;
  shielded: boolean;
  /** Shielded, or living with a shielded child: no postcode, found only by an exact match, opened by break-glass. */
  whereaboutsProtected: boolean;
  dateOfDeath: string | null;
  score: number;
  outcome: Outcome;
  /** The evidence for and against, strongest first. */
  reasons: Reason[];
}

export interface SearchResult {
  hits: SearchHit[];
  /** Candidates scored (at most the candidate limit). */
  considered: number;
  /** True when the criteria matched more people than were scored: the user should narrow the search. */
  truncated: boolean;
  /**
   * True when nobody agreed with nearly all the search said, so it was widened to people sharing only one name
   * (or one name and the year of birth): the results are weaker and say so.
   */
  widened: boolean;
}

export interface SearchOptions {
  limit?: number;
  candidateLimit?: number;
  /** Leave these records out (the record being edited, say). */
  excludeIds?: readonly string[];
  /** Only results scoring at least this (bits). */
  minScore?: number;
}

/** Shared by every search in the process: phonetic codes and prepared names repeat endlessly. */
const coder = new PhoneticCoder();

export function searchCoder(): PhoneticCoder {
  return coder;
}

export function modelWith(thresholds: { match: number; possible: number }): MatchModel {
  return { ...defaultModel(), thresholds };
}

/** What a search for this person would send: used to look for them before a record is made. */
export function criteriaForPerson(p: PersonInput, postcode: string | null): SearchCriteria {
  const born = p.dateOfBirth ?? p.expectedDateOfBirth;
  return {
    givenName: [p.givenName, p.middleNames].filter(Boolean).join(' '),
    familyName: p.familyName,
    ...(born ? { dateOfBirth: born } : {}),
    ...(postcode ? { postcode } : {}),
    ...(p.nhsNumber ? { nhsNumber: p.nhsNumber } : {}),
    ...(p.upn ? { upn: p.upn } : {}),
    ...(p.laChildId ? { otherId: p.laChildId } : {}),
    ...(p.email ? { email: p.email } : {}),
    ...(p.telephone ? { telephone: p.telephone } : {}),
    includeAdults: p.kind === 'adult',
  };
}

export function queryRecord(c: SearchCriteria): PreparedRecord {
  return prepare(
    {
      givenName: c.givenName ?? null,
      familyName: c.familyName ?? null,
      dateOfBirth: c.dateOfBirth ?? null,
      postcode: c.postcode ?? null,
      nhsNumber: c.nhsNumber ?? null,
      upn: c.upn ?? null,
      otherId: c.otherId ?? null,
      email: c.email ?? null,
      telephone: c.telephone ?? null,
    },
    coder,
  );
}

/** Dates of birth covered by an age range on a given day: age 14 runs from the 15th birthday's eve back a year. */
export function bornBetween(today: Date, ageFrom?: number, ageTo?: number): { from?: string; to?: string } {
  const [y, m, d0] = londonToday(today).split('-').map(Number) as [number, number, number];
  const shift = (years: number, days: number) => {
    const d = new Date(Date.UTC(y - years, m - 1, d0 + days));
    return d.toISOString().slice(0, 10);
  };
  const out: { from?: string; to?: string } = {};
  if (ageTo !== undefined) out.from = shift(ageTo + 1, 1);
  if (ageFrom !== undefined) out.to = shift(ageFrom, 0);
  return out;
}

/**
 * A shielded child (and anyone living with one) is found only by an exact identifier, or by exact full name and date of birth: a near miss
 * must not reveal that the child is in the index.
 */
export function exactlyIdentifies(q: PreparedRecord, c: Candidate): boolean {
  for (const v of c.match_record ?? []) {
    if (q.nhs && q.nhs === normaliseNhsNumber(v.n)) return true;
    if (q.upn && q.upn === normaliseUpn(v.u)) return true;
    if (q.other && (v.i ?? []).some((i) => normaliseOtherId(i) === q.other)) return true;
    const given = nameParts(v.g)[0] ?? '';
    const family = nameParts(v.f).join(' ');
    const qName = q.names[0];
    if (qName && q.dob !== null && qName.given === given && qName.family === family && q.dob === parseDate(v.d)) {
      return true;
    }
  }
  return false;
}

/** The best score over every way the candidate is recorded, without reasons (they are worked out for the few shown). */
function bestScore(q: PreparedRecord, c: Candidate, model: MatchModel) {
  let score = Number.NEGATIVE_INFINITY;
  let variant: PreparedRecord | undefined;
  for (const v of prepareVariants(c.match_record ?? [], coder, c.id)) {
    const s = scorePair(model, q, v).score;
    if (s > score) {
      score = s;
      variant = v;
    }
  }
  return { score, variant };
}

/** People looked at, at most, for the broad and wide keys (ranked by keys shared, then cut to the candidate limit). */
const WIDE_SCAN = 5000;

export async function searchIndex(
  db: Q,
  criteria: SearchCriteria,
  model: MatchModel,
  today: Date,
  options: SearchOptions = {},
): Promise<SearchResult> {
  const limit = options.limit ?? 25;
  const candidateLimit = options.candidateLimit ?? 500;
  const q = queryRecord(criteria);
  const born = bornBetween(today, criteria.ageFrom, criteria.ageTo);
  const years =
    born.from || born.to
      ? {
          from: Number((born.from ?? '1900').slice(0, 4)),
          to: Number((born.to ?? String(today.getUTCFullYear() + 1)).slice(0, 4)),
        }
      : undefined;
  const tiers = queryKeyTiers(q, coder, years ? { birthYears: years } : {});
  const filter = {
    ...(criteria.includeAdults ? {} : { kind: 'child' as const }),
    ...(born.from ? { bornFrom: born.from } : {}),
    ...(born.to ? { bornTo: born.to } : {}),
    limit: candidateLimit + 1,
  };
  let rows = await candidates(db, {
    ...filter,
    keys: hashedKeys(tiers.narrow),
    ...(options.excludeIds ? { excludeIds: options.excludeIds } : {}),
  });
  let scored = rows.map((c) => ({ c, ...bestScore(q, c, model) }));
  // Wider keys only when the narrower ones found nobody who agrees with nearly all the query says: many people
  // share a name. "Nearly all": a query of a name and a postcode can never reach the match threshold.
  const gate = Math.min(model.thresholds.match, 0.9 * scorePair(model, q, q).score);
  let widened = false;
  for (const [tier, keys] of [
    ['near', tiers.near],
    ['broad', tiers.broad],
    ['wide', tiers.wide],
  ] as const) {
    // The near and wide keys only when nobody so far is even a possible match: they cost more candidates.
    const enough = tier === 'broad' ? gate : Math.min(gate, model.thresholds.possible);
    if (rows.length > candidateLimit) break;
    // A date one day, month or year out is looked up even after a strong match when the query cannot identify a
    // child (a family name and a date of birth): several children may fit it, and the one meant may not be among them.
    const always = tier === 'near' && !identifies(q);
    if (!always && scored.some((x) => x.score >= enough)) {
      if (tier === 'near') continue;
      break;
    }
    if (!keys.size) continue;
    const more = await candidates(db, {
      ...filter,
      keys: hashedKeys(keys),
      excludeIds: [...(options.excludeIds ?? []), ...rows.map((r) => r.id)],
      limit: candidateLimit + 1 - rows.length,
      ranked: { scan: WIDE_SCAN },
    });
    if (tier === 'wide') widened = true;
    rows = [...rows, ...more];
    scored = [...scored, ...more.map((c) => ({ c, ...bestScore(q, c, model) }))];
  }
  const truncated = rows.length > candidateLimit;
  const ranked = scored
    .slice(0, candidateLimit)
    .filter(
      (x) =>
        x.variant && x.score >= (options.minScore ?? 0) && (!x.c.whereabouts_protected || exactlyIdentifies(q, x.c)),
    )
    .sort(
      (a, b) =>
        b.score - a.score ||
        a.c.family_name.localeCompare(b.c.family_name) ||
        a.c.given_name.localeCompare(b.c.given_name),
    )
    .slice(0, limit);
  // Reasons only for what is shown: explaining every candidate would cost more than scoring them.
  const hits: SearchHit[] = ranked.map(({ c, variant }) => {
    const explained = compare(q, variant!, model);
    return {
      id: c.id,
      kind: c.kind,
      givenName: c.given_name,
      familyName: c.family_name,
      knownAs: c.known_as,
      dateOfBirth: c.date_of_birth,
      expectedDateOfBirth: c.expected_date_of_birth,
      sex: c.sex,
      postcode: c.whereabouts_protected ? null : (c.match_record?.[0]?.p ?? null),
      shielded: c.shielded,
      whereaboutsProtected: c.whereabouts_protected,
      dateOfDeath: c.date_of_death,
      score: Math.round(explained.score * 10) / 10,
      outcome: searchOutcome(explained.score, explained.outcome, { gate, identifying: identifies(q), model }),
      // Where they live is not confirmed for a protected record, even as agreement with a postcode typed.
      reasons: c.whereabouts_protected ? explained.reasons.filter((r) => r.field !== 'place') : explained.reasons,
    };
  });
  return { hits: oneLikely(hits), considered: Math.min(rows.length, candidateLimit), truncated, widened };
}

/** A search identifies a child when it gives a first name, a last name and a date of birth, or an identifier. */
export function identifies(q: PreparedRecord): boolean {
  if (q.nhs || q.upn || q.other) return true;
  const n = q.names[0];
  return q.dob !== null && !!n?.given && !!n.familyCompact;
}

/**
 * The tag a search result gets. "Likely the same child" follows the score: at or above the match threshold; or,
 * when the search gave enough to identify a child (a full name and date of birth, or an identifier) but cannot
 * reach the threshold on its own, a record that agrees with nearly all of it (90 % of a perfect agreement) and
 * reaches the possible-match threshold. A name alone, however well it agrees, is at most a possible match.
 */
export function searchOutcome(
  score: number,
  outcome: Outcome,
  o: { gate: number; identifying: boolean; model: MatchModel },
): Outcome {
  if (outcome === 'match') return 'match';
  if (o.identifying && score >= o.gate && score >= o.model.thresholds.possible) return 'match';
  return outcome;
}

/** Bits by which a likely child must lead every other result: 4 bits is sixteen times the likelihood. */
export const LIKELY_LEAD = 4;

/**
 * Only one child can be the likely one. When several results are tagged likely, only a result that leads every
 * other by `LIKELY_LEAD` bits keeps the tag; the others become possible matches, to be told apart on their cards
 * (twins with one date of birth and address, say, when the search gave no first name).
 */
export function oneLikely(hits: SearchHit[]): SearchHit[] {
  const likely = hits.filter((h) => h.outcome === 'match');
  if (likely.length < 2) return hits;
  const [first, second] = [...hits].sort((a, b) => b.score - a.score);
  const leader = first && second && first.score - second.score >= LIKELY_LEAD ? first : null;
  return hits.map((h) => (h.outcome === 'match' && h !== leader ? { ...h, outcome: 'possible' } : h));
}
