/** SQL for the search index: the rows match data is built from, writing it back, and candidate retrieval. */
import { sql } from 'kysely';
import type { Q } from '../../db/connection.ts';
import { type MatchSource, type MatchVariant, matchKeysOf, variantOf } from './match-data.ts';
import { INDEX_KEY_VERSION, keyArrayLiteral } from './matching/index-keys.ts';
import type { PhoneticCoder } from './matching/record.ts';

interface SourceRow extends Omit<MatchSource, 'names' | 'identifiers' | 'addresses'> {
  id: string;
  merged_into: string | null;
}

/** Match sources for the given people and for every record merged into them, grouped by the live record. */
async function sources(db: Q, ids: readonly string[]): Promise<Map<string, MatchSource[]>> {
  const out = new Map<string, MatchSource[]>();
  if (ids.length === 0) return out;
  const people = (await db
    .selectFrom('person')
    .select([
      'id',
      'merged_into',
      'given_name',
      'middle_names',
      'family_name',
      'known_as',
      'date_of_birth',
      'expected_date_of_birth',
      'sex',
      'nhs_number',
      'upn',
      'la_child_id',
      'email',
      'telephone',
    ])
    .where((eb) => eb.or([eb('id', 'in', ids), eb('merged_into', 'in', ids)]))
    .execute()) as SourceRow[];
  const all = people.map((p) => p.id);
  const [names, identifiers, addresses] = await Promise.all([
    db
      .selectFrom('person_name')
      .select(['person_id', 'given_name', 'middle_names', 'family_name'])
      .where('person_id', 'in', all)
      .execute(),
    db.selectFrom('person_identifier').select(['person_id', 'value']).where('person_id', 'in', all).execute(),
    db
      .selectFrom('household_member as hm')
      .innerJoin('household as h', 'h.id', 'hm.household_id')
      .select(['hm.person_id', 'h.address_line1', 'h.address_line2', 'h.town', 'h.postcode', 'hm.moved_out'])
      .where('hm.person_id', 'in', all)
      .execute(),
  ]);
  const group = <T extends { person_id: string }>(rows: T[]) => {
    const m = new Map<string, T[]>();
    for (const r of rows) m.set(r.person_id, [...(m.get(r.person_id) ?? []), r]);
    return m;
  };
  const namesBy = group(names);
  const idsBy = group(identifiers);
  const addressesBy = group(addresses);
  // The live record first, so its own details are the first variant.
  people.sort((a, b) => Number(a.merged_into !== null) - Number(b.merged_into !== null));
  for (const p of people) {
    const owner = p.merged_into ?? p.id;
    const source: MatchSource = {
      ...p,
      names: namesBy.get(p.id) ?? [],
      identifiers: (idsBy.get(p.id) ?? []).map((i) => i.value),
      addresses: (addressesBy.get(p.id) ?? [])
        .map((a) => ({
          address: [a.address_line1, a.address_line2, a.town].filter(Boolean).join(', '),
          postcode: a.postcode,
          current: a.moved_out === null,
        }))
        .sort((x, y) => Number(y.current) - Number(x.current)),
    };
    out.set(owner, [...(out.get(owner) ?? []), source]);
  }
  return out;
}

/**
 * Rebuilds the match record and search keys of these people (and so of anything merged into them). Call it in
 * the transaction of any change to a person's names, date of birth, sex, identifiers or addresses.
 */
export async function refreshMatchData(db: Q, ids: readonly string[], coder: PhoneticCoder): Promise<void> {
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 500) {
    const chunk = unique.slice(i, i + 500);
    const bySource = await sources(db, chunk);
    const rows: { id: string; keys: string; record: string }[] = [];
    for (const id of chunk) {
      const variants = (bySource.get(id) ?? []).map(variantOf);
      if (variants.length === 0) continue;
      rows.push({ id, keys: keyArrayLiteral(matchKeysOf(variants, coder)), record: JSON.stringify(variants) });
    }
    if (rows.length === 0) continue;
    await sql`update person as p
         set match_keys = v.keys::bigint[], match_record = v.record::json, match_version = ${INDEX_KEY_VERSION}
        from (select * from json_to_recordset(${JSON.stringify(rows)}::json) as x(id uuid, keys text, record text)) as v
       where p.id = v.id`.execute(db);
  }
}

/** People whose search keys were made by an older version of the key rules (or never made). */
export async function staleMatchData(db: Q, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('person')
    .select('id')
    .where('match_version', '<>', INDEX_KEY_VERSION)
    .where('merged_into', 'is', null)
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

export interface Candidate {
  id: string;
  kind: 'child' | 'adult';
  given_name: string;
  family_name: string;
  known_as: string | null;
  date_of_birth: string | null;
  expected_date_of_birth: string | null;
  sex: 'M' | 'F' | 'U';
  shielded: boolean;
  /** Shielded, or living with someone shielded (whereabouts_protected, migration 0008). */
  whereabouts_protected: boolean;
  date_of_death: string | null;
  match_record: MatchVariant[] | null;
}

export interface CandidateFilter {
  keys: readonly number[];
  kind?: 'child' | 'adult';
  bornFrom?: string;
  bornTo?: string;
  excludeIds?: readonly string[];
  limit: number;
  /**
   * For wide keys, which many people share: the limit must not cut the list at random. Those who share more of the
   * query's keys come first (two errors still leave the right child several wide keys; a stranger shares one),
   * among at most `scan` people looked at.
   */
  ranked?: { scan: number };
}

/**
 * Live people who share at least one search key with the query: one GIN index lookup. The caller scores them;
 * `limit` bounds the work for very broad queries (a family name alone), and the caller says when it was reached.
 */
export async function candidates(db: Q, f: CandidateFilter): Promise<Candidate[]> {
  if (f.keys.length === 0) return [];
  const born = sql`coalesce(date_of_birth, expected_date_of_birth)`;
  const keys = keyArrayLiteral(f.keys);
  const where = sql`match_keys && ${keys}::bigint[]
         and merged_into is null
         ${f.kind ? sql`and kind = ${f.kind}` : sql``}
         ${f.bornFrom ? sql`and ${born} >= ${f.bornFrom}::date` : sql``}
         ${f.bornTo ? sql`and ${born} <= ${f.bornTo}::date` : sql``}
         ${f.excludeIds?.length ? sql`and id <> all(${`{${f.excludeIds.join(',')}}`}::uuid[])` : sql``}`;
  const columns = sql`p.id, p.kind, p.given_name, p.family_name, p.known_as, p.date_of_birth,
           p.expected_date_of_birth, p.sex, p.shielded, p.date_of_death, p.match_record,
           whereabouts_protected(p.id) as whereabouts_protected`;
  // Ranked: count the keys shared over ids alone, then read the full rows of the few kept.
  // Otherwise materialised, so that the planner plans the key lookup on its own: with the limit in view, it may
  // think a sequential scan that stops early is cheaper, and at a million rows that is hundreds of milliseconds.
  const result = f.ranked
    ? await sql<Candidate>`
    with found as materialized (
      select id, (select count(*) from unnest(match_keys) as k(v) where v = any(${keys}::bigint[])) as shared
        from person
       where ${where}
       limit ${f.ranked.scan}
    ), kept as materialized (
      select id, shared from found order by shared desc, id limit ${f.limit}
    )
    select ${columns} from kept join person p on p.id = kept.id order by kept.shared desc, kept.id`.execute(db)
    : await sql<Candidate>`
    with found as materialized (
      select id, kind, given_name, family_name, known_as, date_of_birth, expected_date_of_birth, sex, shielded,
             date_of_death, match_record
        from person
       where ${where}
    )
    select ${columns} from found as p limit ${f.limit}`.execute(db);
  return result.rows;
}
