/** Families, consents and notes for the consent journeys, written straight to the database. */
import type { Kysely } from 'kysely';
import type { AgencyType, DB } from '../../../src/db/schema.ts';
import type { BrowserTestEnv, BrowserUser } from '../support/fixture.ts';

let families = 0;

/** A child, a mother with parental responsibility and their home, with the given practitioners involved. */
export async function family(db: Kysely<DB>, practitioners: { userId: string | null; organisationId: string }[]) {
  const n = ++families;
  const person = async (kind: 'child' | 'adult', given: string, dob: string) =>
    (
      await db
        .insertInto('person')
        .values({
          kind,
          given_name: given,
          middle_names: null,
          family_name: `Kowalczyk${n}`,
          known_as: null,
          date_of_birth: dob,
          expected_date_of_birth: null,
          sex: 'F',
          nhs_number: null,
          upn: null,
          ethnicity: null,
          first_language: 'Polish',
          date_of_death: null,
          created_by: null,
          updated_at: new Date(),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const child = await person('child', 'Aleksandra', '2012-03-27');
  const mother = await person('adult', 'Marta', '1985-06-01');
  await db
    .insertInto('relationship')
    .values({ person_id: child, related_person_id: mother, kind: 'parent', parental_responsibility: true })
    .execute();
  const home = await db
    .insertInto('household')
    .values({
      address_line1: `${n} Larkspur Row`,
      address_line2: null,
      town: 'Luton',
      postcode: 'LU2 7QX',
      area_id: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const person_id of [child, mother]) {
    await db
      .insertInto('household_member')
      .values({ household_id: home.id, person_id, moved_in: null, moved_out: null })
      .execute();
  }
  for (const p of practitioners) {
    await db
      .insertInto('involvement')
      .values({
        person_id: child,
        organisation_id: p.organisationId,
        team_id: null,
        user_id: p.userId,
        role: 'Practitioner',
        started_on: '2025-09-01',
        ended_on: null,
        contact_phone: '01632 960123',
        contact_email: null,
      })
      .execute();
  }
  return { child, mother, name: `Aleksandra Kowalczyk${n}`, motherName: `Marta Kowalczyk${n}` };
}

export async function consentFor(
  db: Kysely<DB>,
  values: {
    child: string;
    by: string;
    byKind: 'parent_carer' | 'young_person';
    organisationIds: string[];
    recordedBy: BrowserUser | { id: string; organisationId: string };
    sensitive?: string[];
    agencyTypes?: AgencyType[];
  },
) {
  const row = await db
    .insertInto('consent')
    .values({
      person_id: values.child,
      household_id: null,
      given_by_person_id: values.by,
      given_by_kind: values.byKind,
      decision: 'given',
      purposes: ['information_sharing', 'team_around_family'],
      service_name: null,
      method: 'in_person',
      obtained_on: '2026-01-10',
      review_on: null,
      sensitive_categories: values.sensitive ?? [],
      explained: null,
      withdrawn_on: null,
      withdrawn_reason: null,
      withdrawn_by: null,
      withdrawn_at: null,
      recorded_by: values.recordedBy.id,
      recorded_by_organisation_id: values.recordedBy.organisationId,
      recorded_at: new Date('2026-01-10T10:00:00Z'),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const recipients = [
    ...values.organisationIds.map((id) => ({
      consent_id: row.id,
      kind: 'organisation' as const,
      organisation_id: id,
      agency_type: null,
      panel_name: null,
    })),
    ...(values.agencyTypes ?? []).map((t) => ({
      consent_id: row.id,
      kind: 'agency_type' as const,
      organisation_id: null,
      agency_type: t,
      panel_name: null,
    })),
  ];
  await db.insertInto('consent_recipient').values(recipients).execute();
  return row.id;
}

export async function note(
  db: Kysely<DB>,
  child: string,
  by: { id: string; organisationId: string },
  body: string,
  extra: { category?: string; consentId?: string } = {},
) {
  await db
    .insertInto('case_note')
    .values({
      person_id: child,
      organisation_id: by.organisationId,
      category: extra.category ?? null,
      consent_id: extra.consentId ?? null,
      body,
      recorded_by: by.id,
      recorded_at: new Date('2026-02-01T09:00:00Z'),
    })
    .execute();
}

export async function asType(env: BrowserTestEnv, user: BrowserUser, agency: AgencyType) {
  await env.app.database.db
    .updateTable('organisation')
    .set({ agency_type: agency })
    .where('id', '=', user.organisationId)
    .execute();
}
