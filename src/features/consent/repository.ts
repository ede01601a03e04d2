import { type Insertable, sql } from 'kysely';
import type { Q } from '../../db/connection.ts';
import type {
  ConfidentialityWishTable,
  ConsentRecipientTable,
  ConsentTable,
  SharingDecisionTable,
  WithholdMarkerTable,
} from '../../db/schema.ts';

/** The one way to load a person, following merges (src/features/people/repository.ts). */
export { findPerson } from '../people/repository.ts';

/** Adults recorded as related to the person, with whether they hold parental responsibility for them. */
export async function adultsAround(db: Q, personId: string) {
  return db
    .selectFrom('relationship as r')
    .innerJoin('person as p', 'p.id', 'r.related_person_id')
    .select(['p.id', 'p.given_name', 'p.family_name', 'r.kind as relationship', 'r.parental_responsibility'])
    .where('r.person_id', '=', personId)
    .where('p.kind', '=', 'adult')
    .orderBy('p.family_name')
    .orderBy('p.given_name')
    .execute();
}

export async function hasParentalResponsibility(db: Q, childId: string, adultId: string): Promise<boolean> {
  const row = await db
    .selectFrom('relationship')
    .select('id')
    .where('person_id', '=', childId)
    .where('related_person_id', '=', adultId)
    .where('parental_responsibility', '=', true)
    .where('kind', 'in', ['parent', 'step_parent', 'carer', 'grandparent', 'other'])
    .executeTakeFirst();
  return !!row;
}

export async function currentHousehold(db: Q, personId: string) {
  return db
    .selectFrom('household_member as hm')
    .innerJoin('household as h', 'h.id', 'hm.household_id')
    .select(['h.id', 'h.address_line1', 'h.address_line2', 'h.town', 'h.postcode'])
    .where('hm.person_id', '=', personId)
    .where('hm.moved_out', 'is', null)
    .executeTakeFirst();
}

/** Current households of the person and of everyone related to them: the addresses a marker can protect. */
export async function familyHouseholds(db: Q, personId: string) {
  const result = await sql<{ id: string; address_line1: string; postcode: string; residents: string }>`
    select h.id,
           case when household_protected(h.id) then 'An address (not shown: whereabouts protected)'
                else h.address_line1 end as address_line1,
           case when household_protected(h.id) then '' else h.postcode end as postcode,
           coalesce(string_agg(p.given_name || ' ' || p.family_name, ', ' order by p.given_name)
                      filter (where not p.shielded or p.id = ${personId}), 'someone') as residents
      from household h
      join household_member hm on hm.household_id = h.id and hm.moved_out is null
      join person p on p.id = hm.person_id
     where hm.person_id = ${personId}
        or hm.person_id in (select related_person_id from relationship where person_id = ${personId})
        or hm.person_id in (select person_id from relationship where related_person_id = ${personId})
     group by h.id, h.address_line1, h.postcode
     order by h.address_line1`.execute(db);
  return result.rows;
}

export async function relatedPeople(db: Q, personId: string) {
  const result = await sql<{ id: string; given_name: string; family_name: string; kind: 'child' | 'adult' }>`
    select distinct p.id, p.given_name, p.family_name, p.kind
      from person p
     where p.id in (select related_person_id from relationship where person_id = ${personId})
        or p.id in (select person_id from relationship where related_person_id = ${personId})
     order by p.family_name, p.given_name`.execute(db);
  return result.rows;
}

export async function involvedOrganisations(db: Q, personId: string, today: string) {
  return db
    .selectFrom('involvement as i')
    .innerJoin('organisation as o', 'o.id', 'i.organisation_id')
    .select(['o.id', 'o.name', 'o.agency_type'])
    .distinct()
    .where('i.person_id', '=', personId)
    .where((eb) => eb.or([eb('i.ended_on', 'is', null), eb('i.ended_on', '>=', today)]))
    .orderBy('o.name')
    .execute();
}

export async function allOrganisations(db: Q) {
  return db.selectFrom('organisation').select(['id', 'name', 'agency_type']).orderBy('name').execute();
}

/** Multi-agency panels in use, by name: what a consent can name as a panel (docs/decisions/0029). */
export async function panels(db: Q) {
  const rows = await db.selectFrom('panel').select('name').where('status', '=', 'active').orderBy('name').execute();
  return rows.map((r) => r.name);
}

/** The panel a consent names, by its name in any case. */
export async function panelByName(db: Q, name: string) {
  return db
    .selectFrom('panel')
    .select(['id', 'name'])
    .where('status', '=', 'active')
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.trim().toLowerCase()))
    .executeTakeFirst();
}

export async function organisationsByIds(db: Q, ids: string[]) {
  if (!ids.length) return [];
  return db.selectFrom('organisation').select(['id', 'name', 'agency_type']).where('id', 'in', ids).execute();
}

export async function sensitiveCategories(db: Q, includeRetired = false) {
  let q = db.selectFrom('sensitive_category').selectAll().orderBy('label');
  if (!includeRetired) q = q.where('retired_at', 'is', null);
  return q.execute();
}

export async function insertCategory(db: Q, values: { code: string; label: string; description: string | null }) {
  const clash = await db
    .selectFrom('sensitive_category')
    .select('code')
    .where((eb) =>
      eb.or([eb('code', '=', values.code), eb(eb.fn('lower', ['label']), '=', values.label.toLowerCase())]),
    )
    .executeTakeFirst();
  if (clash) return false;
  await db.insertInto('sensitive_category').values(values).execute();
  return true;
}

export async function retireCategory(db: Q, code: string, at: Date) {
  const r = await db
    .updateTable('sensitive_category')
    .set({ retired_at: at })
    .where('code', '=', code)
    .where('retired_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function insertConsent(
  trx: Q,
  consent: Insertable<ConsentTable>,
  recipients: Omit<Insertable<ConsentRecipientTable>, 'consent_id'>[],
) {
  const row = await trx.insertInto('consent').values(consent).returning('id').executeTakeFirstOrThrow();
  await trx
    .insertInto('consent_recipient')
    .values(recipients.map((r) => ({ ...r, consent_id: row.id })))
    .execute();
  return row.id;
}

/** Every consent recorded for the person, newest first, with who gave it, who recorded it and to whom it applies. */
export async function consentHistory(db: Q, personId: string) {
  const consents = await db
    .selectFrom('consent as c')
    .innerJoin('person as g', 'g.id', 'c.given_by_person_id')
    .innerJoin('app_user as u', 'u.id', 'c.recorded_by')
    .innerJoin('organisation as o', 'o.id', 'c.recorded_by_organisation_id')
    .leftJoin('app_user as w', 'w.id', 'c.withdrawn_by')
    .selectAll('c')
    .select([
      sql<string>`g.given_name || ' ' || g.family_name`.as('given_by_name'),
      'u.name as recorded_by_name',
      'u.email as recorded_by_email',
      'o.name as recorded_by_organisation',
      'w.name as withdrawn_by_name',
    ])
    .where('c.person_id', '=', personId)
    .orderBy('c.recorded_at', 'desc')
    .execute();
  const recipients = consents.length
    ? await db
        .selectFrom('consent_recipient as r')
        .leftJoin('organisation as o', 'o.id', 'r.organisation_id')
        .selectAll('r')
        .select('o.name as organisation_name')
        .where(
          'r.consent_id',
          'in',
          consents.map((c) => c.id),
        )
        .execute()
    : [];
  return consents.map((c) => ({ ...c, recipients: recipients.filter((r) => r.consent_id === c.id) }));
}
export type ConsentRecord = Awaited<ReturnType<typeof consentHistory>>[number];

export async function findConsent(db: Q, personId: string, consentId: string) {
  return (await consentHistory(db, personId)).find((c) => c.id === consentId);
}

export async function withdrawConsent(
  trx: Q,
  id: string,
  values: { withdrawn_on: string; withdrawn_reason: string; withdrawn_by: string; withdrawn_at: Date },
) {
  const r = await trx
    .updateTable('consent')
    .set(values)
    .where('id', '=', id)
    .where('withdrawn_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function wishes(db: Q, personId: string) {
  return db
    .selectFrom('confidentiality_wish as w')
    .innerJoin('person as f', 'f.id', 'w.withheld_from_person_id')
    .innerJoin('app_user as u', 'u.id', 'w.recorded_by')
    .selectAll('w')
    .select([
      sql<string>`f.given_name || ' ' || f.family_name`.as('withheld_from_name'),
      'u.name as recorded_by_name',
      'u.email as recorded_by_email',
      'u.organisation_id as recorded_by_organisation_id',
    ])
    .where('w.person_id', '=', personId)
    .orderBy('w.recorded_at', 'desc')
    .execute();
}

export async function insertWish(trx: Q, values: Insertable<ConfidentialityWishTable>) {
  return (await trx.insertInto('confidentiality_wish').values(values).returning('id').executeTakeFirstOrThrow()).id;
}

export async function endWish(
  trx: Q,
  personId: string,
  id: string,
  values: { ended_on: string; ended_by: string; ended_reason: string },
) {
  const r = await trx
    .updateTable('confidentiality_wish')
    .set(values)
    .where('id', '=', id)
    .where('person_id', '=', personId)
    .where('ended_on', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function decisions(db: Q, personId: string) {
  return db
    .selectFrom('sharing_decision as d')
    .innerJoin('app_user as u', 'u.id', 'd.decided_by')
    .innerJoin('organisation as uo', 'uo.id', 'd.decided_by_organisation_id')
    .leftJoin('organisation as o', 'o.id', 'd.recipient_organisation_id')
    .selectAll('d')
    .select([
      'u.name as decided_by_name',
      'uo.name as decided_by_organisation',
      'o.name as recipient_organisation_name',
    ])
    .where('d.person_id', '=', personId)
    .orderBy('d.decided_at', 'desc')
    .execute();
}

export async function insertDecision(trx: Q, values: Insertable<SharingDecisionTable>) {
  return (await trx.insertInto('sharing_decision').values(values).returning('id').executeTakeFirstOrThrow()).id;
}

export async function markers(db: Q, personId: string) {
  const result = await sql<{
    id: string;
    person_id: string | null;
    household_id: string | null;
    what: string;
    withheld_from_person_id: string;
    withheld_from_name: string;
    reason: string;
    recorded_by: string;
    recorded_by_name: string;
    recorded_by_email: string;
    recorded_by_organisation_id: string;
    recorded_by_organisation: string;
    recorded_at: Date;
    ended_at: Date | null;
    ended_reason: string | null;
  }>`
    select m.id, m.person_id, m.household_id,
           coalesce(case when household_protected(h.id) then 'An address (not shown: whereabouts protected)'
                         else 'The address ' || h.address_line1 || ', ' || h.postcode end,
                    'Where ' || p.given_name || ' ' || p.family_name || ' lives, and how to contact them') as what,
           m.withheld_from_person_id, f.given_name || ' ' || f.family_name as withheld_from_name,
           m.reason, m.recorded_by, u.name as recorded_by_name, u.email as recorded_by_email,
           u.organisation_id as recorded_by_organisation_id, uo.name as recorded_by_organisation,
           m.recorded_at, m.ended_at, m.ended_reason
      from withhold_marker m
      join person f on f.id = m.withheld_from_person_id
      join app_user u on u.id = m.recorded_by
      join organisation uo on uo.id = u.organisation_id
      left join household h on h.id = m.household_id
      left join person p on p.id = m.person_id
     where m.subject_person_id = ${personId}
     order by m.recorded_at desc`.execute(db);
  return result.rows;
}

export async function insertMarker(trx: Q, values: Insertable<WithholdMarkerTable>) {
  return (await trx.insertInto('withhold_marker').values(values).returning('id').executeTakeFirstOrThrow()).id;
}

export async function endMarker(trx: Q, personId: string, id: string, at: Date, by: string, reason: string) {
  const r = await trx
    .updateTable('withhold_marker')
    .set({ ended_at: at, ended_by: by, ended_reason: reason })
    .where('id', '=', id)
    .where('subject_person_id', '=', personId)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Is this household's address withheld from the person, directly or because someone living there is? */
export async function addressWithheldFrom(db: Q, householdId: string, fromPersonId: string): Promise<boolean> {
  const row = await sql<{ n: number }>`
    select count(*)::int as n from withhold_marker m
     where m.ended_at is null and m.withheld_from_person_id = ${fromPersonId}
       and (m.household_id = ${householdId}
            or m.person_id in (select person_id from household_member
                                where household_id = ${householdId} and moved_out is null))`.execute(db);
  return (row.rows[0]?.n ?? 0) > 0;
}

export async function consentTexts(db: Q, language: string) {
  const rows = await db.selectFrom('consent_text').select(['key', 'text']).where('language', '=', language).execute();
  return new Map(rows.map((r) => [r.key, r.text]));
}

export async function languages(db: Q) {
  return db
    .selectFrom('consent_text')
    .select(['language', 'text as name'])
    .where('key', '=', 'language.name')
    .orderBy('language')
    .execute();
}
