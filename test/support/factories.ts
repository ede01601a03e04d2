import type { Kysely } from 'kysely';
import type { AgencyType, DB, Role, Tier } from '../../src/db/schema.ts';
import { hashPassword } from '../../src/platform/passwords.ts';
import { newTotpSecret } from '../../src/platform/totp.ts';

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;

export async function createOrganisation(
  db: Kysely<DB>,
  values: Partial<{ name: string; agency_type: AgencyType; tier: Tier }> = {},
) {
  return db
    .insertInto('organisation')
    .values({
      name: values.name ?? `Test organisation ${unique()}`,
      agency_type: values.agency_type ?? 'school',
      tier: values.tier ?? 'universal',
      phone: null,
      email: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export const TEST_PASSWORD = 'correct horse battery staple';

export interface TestUser {
  id: string;
  email: string;
  password: string;
  totpSecret: string | null;
  organisationId: string;
}

/** A user with a password and (unless mfa: false) an enrolled TOTP secret. */
export async function createUser(
  db: Kysely<DB>,
  options: { roles?: Role[]; organisationId?: string; mfa?: boolean; name?: string; email?: string } = {},
): Promise<TestUser> {
  const organisationId = options.organisationId ?? (await createOrganisation(db)).id;
  const totpSecret = options.mfa === false ? null : newTotpSecret();
  const email = options.email ?? `user-${unique()}@test.invalid`;
  const user = await db
    .insertInto('app_user')
    .values({
      email,
      name: options.name ?? 'Test User',
      job_title: null,
      phone: null,
      organisation_id: organisationId,
      password_hash: await hashPassword(TEST_PASSWORD),
      totp_secret: totpSecret,
      totp_enrolled_at: totpSecret ? new Date() : null,
      recovery_code_hashes: '[]',
      locked_until: null,
      disabled_at: null,
      oidc_issuer: null,
      oidc_subject: null,
      updated_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const role of options.roles ?? ['practitioner']) {
    await db.insertInto('user_role').values({ user_id: user.id, role }).execute();
  }
  return { id: user.id, email, password: TEST_PASSWORD, totpSecret, organisationId };
}

/**
 * A partnership (a top-level area) with one area inside it, and the given organisations serving it through a team
 * in that area. Returns the ids, for placing households (household.area_id) and checking the boundary.
 */
export async function createPartnership(db: Kysely<DB>, name: string, organisationIds: string[] = []) {
  const suffix = unique();
  const partnership = await db
    .insertInto('area')
    .values({ name: `${name} ${suffix}`, kind: 'partnership', parent_id: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  const area = await db
    .insertInto('area')
    .values({ name: `${name} area ${suffix}`, kind: 'area', parent_id: partnership.id })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const organisationId of organisationIds) {
    await db
      .insertInto('team')
      .values({ organisation_id: organisationId, area_id: area.id, name: `${name} team ${suffix}` })
      .execute();
  }
  return { partnershipId: partnership.id, areaId: area.id };
}

/** A panel (docs/decisions/0029) with the given users as members from a past date, each for their own organisation. */
export async function createPanel(
  db: Kysely<DB>,
  name: string,
  members: { user: TestUser; role?: 'member' | 'chair' | 'administrator'; from?: string; to?: string | null }[] = [],
) {
  const panel = await db
    .insertInto('panel')
    .values({ name, model: 'area_family_support', model_description: null, area_id: null, remit: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const m of members) {
    await db
      .insertInto('panel_member')
      .values({
        panel_id: panel.id,
        user_id: m.user.id,
        organisation_id: m.user.organisationId,
        role: m.role ?? 'member',
        deputy_for: null,
        adviser_kind: null,
        from_date: m.from ?? '2020-01-01',
        to_date: m.to ?? null,
      })
      .execute();
  }
  return panel.id;
}
