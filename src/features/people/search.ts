/**
 * Child index search: criteria → search keys → candidates (one indexed SQL query) → Fellegi–Sunter score of each
 * against every way the person is recorded → ranked results with the reasons behind each score.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { prepareVariants } from './match-data.ts';
import { type Candidate, candidates } from './match-repository.ts';
import { hashedKeys, queryKeyTiers } from './matching/index-keys.ts';
import { compare, defaultModel, type MatchModel, type Outcome, type Reason } from './matching/model.ts';
import { nameParts, normaliseNhsNumber, normaliseOtherId, normaliseUpn, parseDate } from './matching/normalise.ts';
import { PhoneticCoder, type PreparedRecord, prepare } from './matching/record.ts';

type Q = Kysely<DB> | Transaction<DB>;

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
  /** Hidden (null) for a shielded child. */
  postcode: string | null;
  shielded: boolean;
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
    },
    coder,
  );
}

/** Dates of birth covered by an age range on a given day: age 14 runs from the 15th birthday's eve back a year. */
export function bornBetween(today: Date, ageFrom?: number, ageTo?: number): { from?: string; to?: string } {
  const shift = (years: number, days: number) => {
    const d = new Date(Date.UTC(today.getUTCFullYear() - years, today.getUTCMonth(), today.getUTCDate() + days));
    return d.toISOString().slice(0, 10);
  };
  const out: { from?: string; to?: string } = {};
  if (ageTo !== undefined) out.from = shift(ageTo + 1, 1);
  if (ageFrom !== undefined) out.to = shift(ageFrom, 0);
  return out;
}

/**
 * A shielded child is found only by an exact identifier, or by exact full name and date of birth: a near miss
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

function strong(q: PreparedRecord, c: Candidate, model: MatchModel): boolean {
  return (scoreCandidate(q, c, model)?.score ?? 0) >= model.thresholds.match;
}

export function scoreCandidate(q: PreparedRecord, c: Candidate, model: MatchModel) {
  let best: ReturnType<typeof compare> | undefined;
  for (const v of prepareVariants(c.match_record ?? [], coder, c.id)) {
    const r = compare(q, v, model);
    if (!best || r.score > best.score) best = r;
  }
  return best;
}

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
  // The broad keys only when the narrow ones found no strong match: they are shared by many people.
  if (tiers.broad.size && rows.length <= candidateLimit && !rows.some((c) => strong(q, c, model))) {
    const more = await candidates(db, {
      ...filter,
      keys: hashedKeys(tiers.broad),
      excludeIds: [...(options.excludeIds ?? []), ...rows.map((r) => r.id)],
      limit: candidateLimit + 1 - rows.length,
    });
    rows = [...rows, ...more];
  }
  const truncated = rows.length > candidateLimit;
  const hits: SearchHit[] = [];
  for (const c of rows.slice(0, candidateLimit)) {
    if (c.shielded && !exactlyIdentifies(q, c)) continue;
    const scored = scoreCandidate(q, c, model);
    if (!scored) continue;
    if (scored.score < (options.minScore ?? 0)) continue;
    hits.push({
      id: c.id,
      kind: c.kind,
      givenName: c.given_name,
      familyName: c.family_name,
      knownAs: c.known_as,
      dateOfBirth: c.date_of_birth,
      expectedDateOfBirth: c.expected_date_of_birth,
      sex: c.sex,
      postcode: c.shielded ? null : (c.match_record?.[0]?.p ?? null),
      shielded: c.shielded,
      dateOfDeath: c.date_of_death,
      score: Math.round(scored.score * 10) / 10,
      outcome: scored.outcome,
      reasons: scored.reasons,
    });
  }
  hits.sort(
    (a, b) => b.score - a.score || a.familyName.localeCompare(b.familyName) || a.givenName.localeCompare(b.givenName),
  );
  return { hits: hits.slice(0, limit), considered: Math.min(rows.length, candidateLimit), truncated };
}

/** Whether the search index is fully built: a count of people whose keys need remaking. */
export async function unindexedCount(db: Q): Promise<number> {
  const r = await sql<{
    n: number;
  }>`select count(*)::int as n from person where match_version = 0 and merged_into is null`.execute(db);
  return r.rows[0]?.n ?? 0;
}
