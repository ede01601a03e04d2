import { sql } from 'kysely';
import type { Q } from '../../db/connection.ts';
import {
  PERSONAL_RELATIONSHIPS,
  personIdsActorWorksWith,
  type RelationshipActor,
} from '../../platform/relationships.ts';

export interface PersonSummary {
  id: string;
  given_name: string;
  family_name: string;
  known_as: string | null;
  date_of_birth: string | null;
  expected_date_of_birth: string | null;
  sex: 'M' | 'F' | 'U';
  shielded: boolean;
  /** Shielded, or living with someone shielded: the postcode is then null. */
  whereabouts_protected: boolean;
  postcode: string | null;
}

/**
 * Whether a person's whereabouts are protected: they are shielded, or live now in a household with someone who
 * is (the database function whereabouts_protected, migration 0008). Every query that returns an address or a
 * postcode checks this, never person.shielded alone.
 */
export function whereaboutsProtected(idColumn: string) {
  return sql<boolean>`whereabouts_protected(${sql.ref(idColumn)})`;
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

/** The postcode of the household the person lives in now, unless their whereabouts are protected. */
const currentPostcode = sql<string | null>`case when whereabouts_protected(p.id) then null else
  (select h.postcode from household_member hm join household h on h.id = hm.household_id
    where hm.person_id = p.id and hm.moved_out is null limit 1) end`;

/**
 * Children the actor works with now, themselves or through a team they belong to or manage (the kinds of
 * relationship that are personal: an involvement of their organisation alone does not put a child here).
 */
export async function caseload(db: Q, actor: RelationshipActor, at: Date): Promise<PersonSummary[]> {
  return db
    .selectFrom('person as p')
    .select([
      ...summaryColumns,
      whereaboutsProtected('p.id').as('whereabouts_protected'),
      currentPostcode.as('postcode'),
    ])
    .where('p.kind', '=', 'child')
    .where('p.merged_into', 'is', null)
    .where('p.id', 'in', personIdsActorWorksWith(db, actor, at, { kinds: PERSONAL_RELATIONSHIPS }))
    .orderBy('p.family_name')
    .orderBy('p.given_name')
    .limit(500)
    .execute();
}

/**
 * A person by id: the one way features load a person. `kept_id` is the record kept when this one was merged away
 * (following every later merge), or null for a live record; pages send the user there, as the index card does.
 */
export async function findPerson(db: Q, id: string) {
  const person = await db
    .selectFrom('person')
    .selectAll()
    .select(whereaboutsProtected('person.id').as('whereabouts_protected'))
    .where('id', '=', id)
    .executeTakeFirst();
  if (!person) return undefined;
  return { ...person, kept_id: person.merged_into ? await liveRecordOf(db, person.merged_into) : null };
}

/** Shielded people living now in the same household as this person: whose whereabouts theirs would reveal. */
export async function shieldedHousemates(db: Q, personId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('household_member as hm')
    .innerJoin('household_member as other', (j) =>
      j.onRef('other.household_id', '=', 'hm.household_id').on('other.moved_out', 'is', null),
    )
    .innerJoin('person as s', 's.id', 'other.person_id')
    .select('s.id')
    .distinct()
    .where('hm.person_id', '=', personId)
    .where('hm.moved_out', 'is', null)
    .where('s.shielded', '=', true)
    .where('s.merged_into', 'is', null)
    .where('s.id', '<>', personId)
    .execute();
  return rows.map((r) => r.id);
}

export async function currentAddress(db: Q, personId: string) {
  return db
    .selectFrom('household_member as hm')
    .innerJoin('household as h', 'h.id', 'hm.household_id')
    .leftJoin('area as a', 'a.id', 'h.area_id')
    .select(['h.id', 'h.address_line1', 'h.address_line2', 'h.town', 'h.postcode', 'h.area_id', 'a.name as area_name'])
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
    .leftJoin('app_user as ab', 'ab.id', 'i.added_by')
    .select([
      'i.id',
      'i.role',
      'i.started_on',
      'i.ended_on',
      'i.contact_phone',
      'i.contact_email',
      'i.is_lead',
      'i.user_id',
      'i.team_id',
      'i.organisation_id',
      'o.name as organisation_name',
      'o.tier',
      't.name as team_name',
      'u.name as practitioner_name',
      'u.job_title as practitioner_job_title',
      'o.sensitive_category as organisation_sensitive_category',
      't.sensitive_category as team_sensitive_category',
      'i.added_reason',
      'ab.name as added_by_name',
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

/** The current lead practitioner, if one is appointed. */
export async function leadPractitioner(db: Q, personId: string) {
  return db
    .selectFrom('involvement as i')
    .innerJoin('organisation as o', 'o.id', 'i.organisation_id')
    .leftJoin('app_user as u', 'u.id', 'i.user_id')
    .select([
      'i.id',
      'i.role',
      'u.name as practitioner_name',
      'o.name as organisation_name',
      'i.contact_phone',
      'i.contact_email',
    ])
    .where('i.person_id', '=', personId)
    .where('i.is_lead', '=', true)
    .where('i.ended_on', 'is', null)
    .executeTakeFirst();
}

export interface FamilyChild {
  id: string;
  given_name: string;
  family_name: string;
  known_as: string | null;
  date_of_birth: string | null;
  expected_date_of_birth: string | null;
  sex: 'M' | 'F' | 'U';
  how: string;
}

/**
 * The children of a family, the child included: brothers and sisters recorded as such, other children of the
 * child's parents and carers, and children living at the child's address now. Shielded children never appear.
 */
export async function familyChildren(db: Q, personId: string): Promise<FamilyChild[]> {
  const r = await sql<FamilyChild>`
    with adults as (
      select case when r.person_id = ${personId} then r.related_person_id else r.person_id end as id
        from relationship r
       where (r.person_id = ${personId} or r.related_person_id = ${personId})
         and r.kind in ('parent', 'step_parent', 'carer', 'grandparent')
    ), linked as (
      select ${personId}::uuid as id, 'this child' as how, 0 as rank
      union all
      select case when r.person_id = ${personId} then r.related_person_id else r.person_id end, 'brother or sister', 1
        from relationship r
       where (r.person_id = ${personId} or r.related_person_id = ${personId}) and r.kind in ('sibling', 'half_sibling')
      union all
      select r.person_id, 'child of the same parent or carer', 2
        from relationship r join adults a on a.id = r.related_person_id
       where r.kind in ('parent', 'step_parent', 'carer', 'grandparent')
      union all
      select hm2.person_id, 'lives at the same address', 3
        from household_member hm
        join household_member hm2 on hm2.household_id = hm.household_id and hm2.moved_out is null
       where hm.person_id = ${personId} and hm.moved_out is null
    )
    select p.id, p.given_name, p.family_name, p.known_as, p.date_of_birth, p.expected_date_of_birth, p.sex,
           (array_agg(l.how order by l.rank))[1] as how
      from linked l join person p on p.id = l.id
     where p.kind = 'child' and p.merged_into is null and (p.shielded = false or p.id = ${personId})
     group by p.id
     order by coalesce(p.date_of_birth, p.expected_date_of_birth)`.execute(db);
  return r.rows;
}

/** Current involvements of several children, for the family page. */
export async function involvementsOf(db: Q, personIds: string[]) {
  if (personIds.length === 0) return [];
  return db
    .selectFrom('involvement as i')
    .innerJoin('organisation as o', 'o.id', 'i.organisation_id')
    .leftJoin('app_user as u', 'u.id', 'i.user_id')
    .leftJoin('team as t', 't.id', 'i.team_id')
    .select([
      'i.id',
      'i.person_id',
      'i.role',
      'o.name as organisation_name',
      'u.name as practitioner_name',
      'i.organisation_id',
      'i.team_id',
      'i.user_id',
      'o.sensitive_category as organisation_sensitive_category',
      't.sensitive_category as team_sensitive_category',
    ])
    .where('i.person_id', 'in', personIds)
    .where('i.ended_on', 'is', null)
    .orderBy('i.started_on')
    .execute();
}

export async function livesAt(db: Q, personId: string, householdId: string): Promise<boolean> {
  const row = await db
    .selectFrom('household_member')
    .select('person_id')
    .where('person_id', '=', personId)
    .where('household_id', '=', householdId)
    .where('moved_out', 'is', null)
    .executeTakeFirst();
  return !!row;
}

/** Others living at the household now: who may be moving with the child. */
export async function householdMembers(db: Q, householdId: string, exceptId: string) {
  return db
    .selectFrom('household_member as hm')
    .innerJoin('person as p', 'p.id', 'hm.person_id')
    .select(['p.id', 'p.given_name', 'p.family_name', 'p.kind'])
    .where('hm.household_id', '=', householdId)
    .where('hm.moved_out', 'is', null)
    .where('p.id', '<>', exceptId)
    .where('p.merged_into', 'is', null)
    .where('p.shielded', '=', false)
    .orderBy('p.kind', 'desc')
    .orderBy('p.given_name')
    .execute();
}

/** The teams a user belongs to, for "recorded as working with" a team. */
export async function teamsOf(db: Q, userId: string) {
  return db
    .selectFrom('user_team as ut')
    .innerJoin('team as t', 't.id', 'ut.team_id')
    .select(['t.id', 't.name'])
    .where('ut.user_id', '=', userId)
    .orderBy('t.name')
    .execute();
}

/** Follows merges to the live record (a kept record may itself have been merged since). */
export async function liveRecordOf(db: Q, id: string): Promise<string> {
  let current = id;
  for (let hops = 0; hops < 20; hops++) {
    const row = await db.selectFrom('person').select('merged_into').where('id', '=', current).executeTakeFirst();
    if (!row?.merged_into) return current;
    current = row.merged_into;
  }
  return current;
}
