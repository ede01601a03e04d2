import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

type Q = Kysely<DB> | Transaction<DB>;

export interface PersonSummary {
  id: string;
  given_name: string;
  family_name: string;
  known_as: string | null;
  date_of_birth: string | null;
  expected_date_of_birth: string | null;
  sex: 'M' | 'F' | 'U';
  shielded: boolean;
  postcode: string | null;
}

const summaryColumns = [
  'p.id',
  'p.given_name',
  'p.family_name',
  'p.known_as',
  'p.date_of_birth',
  'p.expected_date_of_birth',
  'p.sex',
  'p.shielded',
] as const;

/** The postcode of the household the person lives in now. */
const currentPostcode = sql<string | null>`(select h.postcode from household_member hm
  join household h on h.id = hm.household_id where hm.person_id = p.id and hm.moved_out is null limit 1)`;

/** Children the user works with now: directly, through one of their teams, or a team they manage. */
export async function caseload(db: Q, userId: string, teamIds: string[]): Promise<PersonSummary[]> {
  return db
    .selectFrom('person as p')
    .select([...summaryColumns, currentPostcode.as('postcode')])
    .where('p.kind', '=', 'child')
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('involvement as i')
          .select('i.id')
          .whereRef('i.person_id', '=', 'p.id')
          .where('i.ended_on', 'is', null)
          .where((w) =>
            teamIds.length
              ? w.or([w('i.user_id', '=', userId), w('i.team_id', 'in', teamIds)])
              : w('i.user_id', '=', userId),
          ),
      ),
    )
    .orderBy('p.family_name')
    .orderBy('p.given_name')
    .limit(500)
    .execute();
}

export interface NameSearch {
  givenName?: string;
  familyName?: string;
  dateOfBirth?: string;
  limit: number;
}

/**
 * Interim index search: trigram similarity on names, optionally narrowed by date of birth. Shielded
 * children are left out here; they are found only by an exact name and date of birth.
 */
export async function searchByName(db: Q, q: NameSearch) {
  const given = (q.givenName ?? '').toLowerCase();
  const family = (q.familyName ?? '').toLowerCase();
  let query = db
    .selectFrom('person as p')
    .select([
      ...summaryColumns,
      currentPostcode.as('postcode'),
      sql<number>`(similarity(lower(unaccent(p.family_name)), unaccent(${family})) * 2 + similarity(lower(unaccent(p.given_name)), unaccent(${given})))`.as(
        'score',
      ),
    ])
    .where('p.kind', '=', 'child');
  if (family) {
    query = query.where((eb) =>
      eb.or([
        sql<boolean>`lower(p.family_name) % ${family}`,
        sql<boolean>`dmetaphone(p.family_name) = dmetaphone(${family})`,
      ]),
    );
  }
  if (q.dateOfBirth) query = query.where('p.date_of_birth', '=', q.dateOfBirth);
  if (given && !family) query = query.where(sql<boolean>`lower(p.given_name) % ${given}`);
  const exactShielded = sql<boolean>`(p.shielded = false or (lower(p.given_name) = ${given} and lower(p.family_name) = ${family} and p.date_of_birth is not distinct from ${q.dateOfBirth ?? null}::date and ${q.dateOfBirth ?? null}::date is not null))`;
  return query.where(exactShielded).orderBy('score', 'desc').limit(q.limit).execute();
}

export async function findPerson(db: Q, id: string) {
  return db.selectFrom('person').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function currentAddress(db: Q, personId: string) {
  return db
    .selectFrom('household_member as hm')
    .innerJoin('household as h', 'h.id', 'hm.household_id')
    .select(['h.id', 'h.address_line1', 'h.address_line2', 'h.town', 'h.postcode'])
    .where('hm.person_id', '=', personId)
    .where('hm.moved_out', 'is', null)
    .executeTakeFirst();
}

/** Relationships in both directions, so a child shows parents and a parent shows children. */
export interface Relative {
  id: string;
  given_name: string;
  family_name: string;
  kind: 'child' | 'adult';
  date_of_birth: string | null;
  relationship: string;
  parental_responsibility: boolean;
  direction: 'to' | 'from';
  shielded: boolean;
}

/** Relationships in both directions, so a child shows parents and siblings, and a parent shows children. */
export async function relatives(db: Q, personId: string): Promise<Relative[]> {
  const result = await sql<Relative>`
    select o.id, o.given_name, o.family_name, o.kind, o.date_of_birth, o.shielded,
           r.kind as relationship, r.parental_responsibility, 'to' as direction
      from relationship r join person o on o.id = r.related_person_id
     where r.person_id = ${personId}
    union all
    select o.id, o.given_name, o.family_name, o.kind, o.date_of_birth, o.shielded,
           r.kind as relationship, r.parental_responsibility, 'from' as direction
      from relationship r join person o on o.id = r.person_id
     where r.related_person_id = ${personId}
    order by 4, 5`.execute(db);
  return result.rows;
}

export async function involvements(db: Q, personId: string) {
  return db
    .selectFrom('involvement as i')
    .innerJoin('organisation as o', 'o.id', 'i.organisation_id')
    .leftJoin('team as t', 't.id', 'i.team_id')
    .leftJoin('app_user as u', 'u.id', 'i.user_id')
    .select([
      'i.id',
      'i.role',
      'i.started_on',
      'i.ended_on',
      'i.contact_phone',
      'i.contact_email',
      'i.user_id',
      'i.team_id',
      'o.name as organisation_name',
      'o.tier',
      't.name as team_name',
      'u.name as practitioner_name',
      'u.job_title as practitioner_job_title',
    ])
    .where('i.person_id', '=', personId)
    .orderBy('i.ended_on', (ob) => ob.nullsFirst())
    .orderBy('i.started_on', 'desc')
    .execute();
}

export async function latestNeedLevel(db: Q, personId: string) {
  return db
    .selectFrom('need_level')
    .select(['level', 'reason', 'recorded_at'])
    .where('person_id', '=', personId)
    .orderBy('recorded_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}
