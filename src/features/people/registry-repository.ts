/** SQL for changing the child index: people, their names, identifiers, addresses, family and involvements. */
import { type Insertable, sql, type Updateable } from 'kysely';
import type { Q } from '../../db/connection.ts';
import type { PersonNameKind, PersonTable, RelationshipTable } from '../../db/schema.ts';
import { areaForPostcode } from '../../platform/areas.ts';
import type { AddressInput, PersonInput } from './person-form.ts';

function personColumns(p: PersonInput) {
  return {
    kind: p.kind === 'adult' ? ('adult' as const) : ('child' as const),
    given_name: p.givenName,
    middle_names: p.middleNames,
    family_name: p.familyName,
    known_as: p.knownAs,
    date_of_birth: p.dateOfBirth,
    expected_date_of_birth: p.expectedDateOfBirth,
    sex: p.sex,
    gender: p.gender,
    ethnicity: p.ethnicity,
    first_language: p.firstLanguage,
    interpreter_needed: p.interpreterNeeded,
    disabilities: p.disabilities,
    nhs_number: p.nhsNumber,
    upn: p.upn,
    la_child_id: p.laChildId,
    email: p.email,
    telephone: p.telephone,
    date_of_death: p.dateOfDeath ?? null,
  };
}

export async function insertPerson(db: Q, p: PersonInput, createdBy: string | null, at: Date): Promise<string> {
  const row = await db
    .insertInto('person')
    .values({ ...personColumns(p), created_by: createdBy, created_at: at, updated_at: at })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updatePerson(db: Q, id: string, p: PersonInput, at: Date): Promise<void> {
  const { kind: _kind, ...columns } = personColumns(p);
  await db
    .updateTable('person')
    .set({ ...columns, updated_at: at })
    .where('id', '=', id)
    .execute();
}

export async function setPersonFields(db: Q, id: string, fields: Updateable<PersonTable>): Promise<void> {
  await db.updateTable('person').set(fields).where('id', '=', id).execute();
}

/** The live record holding this NHS number, if any (a merged-away record does not count). */
export async function personWithNhsNumber(db: Q, nhs: string, exceptId?: string) {
  let q = db
    .selectFrom('person')
    .select(['id', 'given_name', 'family_name'])
    .where('nhs_number', '=', nhs)
    .where('merged_into', 'is', null);
  if (exceptId) q = q.where('id', '<>', exceptId);
  return q.executeTakeFirst();
}

/**
 * A household at this address (same first line and postcode), so brothers and sisters share one. Its area is the
 * one chosen (`a.areaId`), or else the one area the postcode's district maps to; an area chosen replaces the
 * household's, and one worked out fills it only when it has none.
 */
export async function findOrCreateHousehold(db: Q, a: AddressInput): Promise<string> {
  const areaId = a.areaId ?? (await areaForPostcode(db, a.postcode));
  const existing = await db
    .selectFrom('household')
    .select(['id', 'area_id'])
    .where(sql<boolean>`lower(address_line1) = lower(${a.line1})`)
    .where('postcode', '=', a.postcode)
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
  if (existing) {
    if (areaId && areaId !== existing.area_id && (a.areaId || existing.area_id === null)) {
      await db.updateTable('household').set({ area_id: areaId }).where('id', '=', existing.id).execute();
    }
    return existing.id;
  }
  const row = await db
    .insertInto('household')
    .values({ address_line1: a.line1, address_line2: a.line2, town: a.town, postcode: a.postcode, area_id: areaId })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Moves the person: the current address becomes a previous one (kept for search and history). */
export async function moveTo(db: Q, personId: string, householdId: string, movedIn: string): Promise<void> {
  await db
    .updateTable('household_member')
    .set({ moved_out: movedIn })
    .where('person_id', '=', personId)
    .where('moved_out', 'is', null)
    .where('household_id', '<>', householdId)
    .execute();
  const already = await db
    .selectFrom('household_member')
    .select('household_id')
    .where('person_id', '=', personId)
    .where('household_id', '=', householdId)
    .executeTakeFirst();
  if (already) {
    await db
      .updateTable('household_member')
      .set({ moved_out: null, moved_in: movedIn })
      .where('person_id', '=', personId)
      .where('household_id', '=', householdId)
      .execute();
  } else {
    await db
      .insertInto('household_member')
      .values({ household_id: householdId, person_id: personId, moved_in: movedIn, moved_out: null })
      .execute();
  }
}

export async function addressHistory(db: Q, personId: string) {
  return db
    .selectFrom('household_member as hm')
    .innerJoin('household as h', 'h.id', 'hm.household_id')
    .select(['h.id', 'h.address_line1', 'h.address_line2', 'h.town', 'h.postcode', 'hm.moved_in', 'hm.moved_out'])
    .where('hm.person_id', '=', personId)
    .orderBy('hm.moved_out', (ob) => ob.desc().nullsFirst())
    .orderBy('hm.moved_in', 'desc')
    .execute();
}

export async function addName(
  db: Q,
  personId: string,
  n: {
    kind: PersonNameKind;
    givenName: string;
    middleNames: string | null;
    familyName: string;
    usedUntil: string | null;
  },
  createdBy: string | null,
) {
  await db
    .insertInto('person_name')
    .values({
      person_id: personId,
      kind: n.kind,
      given_name: n.givenName,
      middle_names: n.middleNames,
      family_name: n.familyName,
      used_until: n.usedUntil,
      created_by: createdBy,
    })
    .execute();
}

/** Deletes one of the person's other names; returns its kind, or undefined when there is no such name. */
export async function removeName(db: Q, personId: string, nameId: string) {
  const r = await db
    .deleteFrom('person_name')
    .where('id', '=', nameId)
    .where('person_id', '=', personId)
    .returning('kind')
    .executeTakeFirst();
  return r?.kind;
}

export async function names(db: Q, personId: string) {
  return db
    .selectFrom('person_name')
    .select(['id', 'kind', 'given_name', 'middle_names', 'family_name', 'used_until'])
    .where('person_id', '=', personId)
    .orderBy('created_at')
    .execute();
}

export async function addIdentifier(
  db: Q,
  personId: string,
  i: { scheme: string; value: string; organisationId: string | null },
  createdBy: string | null,
) {
  const r = await db
    .insertInto('person_identifier')
    .values({
      person_id: personId,
      scheme: i.scheme,
      value: i.value,
      organisation_id: i.organisationId,
      created_by: createdBy,
    })
    .onConflict((oc) => oc.columns(['person_id', 'scheme', 'value']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return r?.id;
}

export async function identifiers(db: Q, personId: string) {
  return db
    .selectFrom('person_identifier as pi')
    .leftJoin('organisation as o', 'o.id', 'pi.organisation_id')
    .select(['pi.id', 'pi.scheme', 'pi.value', 'o.name as organisation_name'])
    .where('pi.person_id', '=', personId)
    .orderBy('pi.scheme')
    .execute();
}

export interface InvolvementInput {
  organisationId: string;
  teamId: string | null;
  userId: string | null;
  role: string;
  startedOn: string;
  contactPhone: string | null;
  contactEmail: string | null;
  /** A practitioner adding themselves to a child: who, and why (shown on the card). */
  addedBy?: string | null;
  addedReason?: string | null;
}

export async function addInvolvement(db: Q, personId: string, i: InvolvementInput): Promise<string> {
  const row = await db
    .insertInto('involvement')
    .values({
      person_id: personId,
      organisation_id: i.organisationId,
      team_id: i.teamId,
      user_id: i.userId,
      role: i.role,
      started_on: i.startedOn,
      ended_on: null,
      contact_phone: i.contactPhone,
      contact_email: i.contactEmail,
      added_by: i.addedBy ?? null,
      added_reason: i.addedReason ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findInvolvement(db: Q, id: string) {
  return db.selectFrom('involvement').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function endInvolvement(db: Q, id: string, endedOn: string): Promise<void> {
  await db.updateTable('involvement').set({ ended_on: endedOn, is_lead: false }).where('id', '=', id).execute();
}

export async function addRelationship(db: Q, r: Insertable<RelationshipTable>): Promise<void> {
  await db.insertInto('relationship').values(r).execute();
}

export async function recordShielding(
  db: Q,
  personId: string,
  shielded: boolean,
  reason: string,
  changedBy: string | null,
  at: Date,
) {
  await db.updateTable('person').set({ shielded, updated_at: at }).where('id', '=', personId).execute();
  await db
    .insertInto('shielding_change')
    .values({ person_id: personId, shielded, reason, changed_by: changedBy, changed_at: at })
    .execute();
}

/** The practitioners and teams that own the record: who is told when it is opened through break-glass. */
export async function activeInvolvementContacts(db: Q, personId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('involvement as i')
    .leftJoin('app_user as u', 'u.id', 'i.user_id')
    .select(['i.contact_email', 'u.email'])
    .where('i.person_id', '=', personId)
    .where('i.ended_on', 'is', null)
    .execute();
  return [...new Set(rows.flatMap((r) => [r.email, r.contact_email]).filter((e): e is string => !!e))];
}

export async function shieldingHistory(db: Q, personId: string) {
  return db
    .selectFrom('shielding_change as s')
    .leftJoin('app_user as u', 'u.id', 's.changed_by')
    .select(['s.shielded', 's.reason', 's.changed_at', 'u.name as changed_by_name'])
    .where('s.person_id', '=', personId)
    .orderBy('s.changed_at', 'desc')
    .execute();
}

/** The request to lift this person's shielding that is waiting for a decision, if there is one. */
export async function waitingLiftRequest(db: Q, personId: string) {
  return db
    .selectFrom('shielding_request as r')
    .innerJoin('app_user as u', 'u.id', 'r.requested_by')
    .select(['r.id', 'r.reason', 'r.requested_by', 'r.requested_at', 'u.name as requested_by_name'])
    .where('r.person_id', '=', personId)
    .where('r.status', '=', 'waiting')
    .executeTakeFirst();
}

export async function insertLiftRequest(db: Q, personId: string, reason: string, by: string, at: Date) {
  const row = await db
    .insertInto('shielding_request')
    .values({ person_id: personId, reason, requested_by: by, requested_at: at })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const liftRequestColumns = [
  'r.id',
  'r.person_id',
  'r.reason',
  'r.requested_by',
  'r.requested_at',
  'r.status',
  'r.decided_at',
  'r.decision_reason',
  'u.name as requested_by_name',
  'o.name as requested_by_organisation',
  'p.given_name',
  'p.family_name',
  'p.date_of_birth',
] as const;

export async function findLiftRequest(db: Q, id: string) {
  return db
    .selectFrom('shielding_request as r')
    .innerJoin('app_user as u', 'u.id', 'r.requested_by')
    .innerJoin('organisation as o', 'o.id', 'u.organisation_id')
    .innerJoin('person as p', 'p.id', 'r.person_id')
    .leftJoin('app_user as d', 'd.id', 'r.decided_by')
    .select([...liftRequestColumns, 'd.name as decided_by_name'])
    .where('r.id', '=', id)
    .executeTakeFirst();
}

/** Requests waiting for a decision, oldest first. */
export async function waitingLiftRequests(db: Q) {
  return db
    .selectFrom('shielding_request as r')
    .innerJoin('app_user as u', 'u.id', 'r.requested_by')
    .innerJoin('organisation as o', 'o.id', 'u.organisation_id')
    .innerJoin('person as p', 'p.id', 'r.person_id')
    .select([...liftRequestColumns])
    .where('r.status', '=', 'waiting')
    .orderBy('r.requested_at')
    .limit(500)
    .execute();
}

/** Decides a waiting request; false when it had already been decided (a second submission). */
export async function decideLiftRequest(
  db: Q,
  id: string,
  d: { status: 'approved' | 'declined'; by: string; at: Date; reason: string },
): Promise<boolean> {
  const r = await db
    .updateTable('shielding_request')
    .set({ status: d.status, decided_by: d.by, decided_at: d.at, decision_reason: d.reason })
    .where('id', '=', id)
    .where('status', '=', 'waiting')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
