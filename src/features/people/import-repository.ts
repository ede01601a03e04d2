/** SQL for importing people: the agency an extract comes from, and what is already known about a child. */
import { sql } from 'kysely';
import type { Q } from '../../db/connection.ts';
import { UUID } from '../../platform/ids.ts';
import type { MatchVariant } from './match-data.ts';

/** Organisations with this id, or with this name (ignoring case). */
export async function organisationsNamed(db: Q, nameOrId: string) {
  const value = nameOrId.trim();
  let q = db.selectFrom('organisation').select(['id', 'name']);
  q = UUID.test(value) ? q.where('id', '=', value) : q.where(sql<boolean>`lower(name) = lower(${value})`);
  return q.orderBy('name').limit(5).execute();
}

/** The live record holding this agency identifier, if any. */
export async function personWithIdentifier(db: Q, scheme: string, value: string) {
  return db
    .selectFrom('person_identifier as pi')
    .innerJoin('person as p', 'p.id', 'pi.person_id')
    .select(['p.id', 'p.nhs_number'])
    .where('pi.scheme', '=', scheme)
    .where('pi.value', '=', value)
    .where('p.merged_into', 'is', null)
    .orderBy('p.created_at')
    .limit(1)
    .executeTakeFirst();
}

/** What the scorer compares for each of these people, with their NHS numbers. */
export async function matchRecords(db: Q, ids: readonly string[]) {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('person')
    .select(['id', 'nhs_number', 'match_record'])
    .where('id', 'in', ids)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    nhsNumber: r.nhs_number,
    variants: (r.match_record as MatchVariant[] | null) ?? [],
  }));
}

export async function identifyingNumbers(db: Q, personId: string) {
  return db
    .selectFrom('person')
    .select(['nhs_number', 'upn', 'la_child_id'])
    .where('id', '=', personId)
    .executeTakeFirstOrThrow();
}

/** Does this organisation already work with the person (any current involvement)? */
export async function organisationInvolved(db: Q, personId: string, organisationId: string): Promise<boolean> {
  const row = await db
    .selectFrom('involvement')
    .select('id')
    .where('person_id', '=', personId)
    .where('organisation_id', '=', organisationId)
    .where('ended_on', 'is', null)
    .limit(1)
    .executeTakeFirst();
  return !!row;
}
