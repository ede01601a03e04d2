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

/** Adds users to a team, the managers last. */
export async function joinTeam(db: Kysely<DB>, teamId: string, members: TestUser[], managers: TestUser[] = []) {
  await db
    .insertInto('user_team')
    .values([
      ...members.map((u) => ({ user_id: u.id, team_id: teamId, is_manager: false })),
      ...managers.map((u) => ({ user_id: u.id, team_id: teamId, is_manager: true })),
    ])
    .execute();
}

export async function createTeam(db: Kysely<DB>, organisationId: string, name: string, areaId: string | null = null) {
  const team = await db
    .insertInto('team')
    .values({ organisation_id: organisationId, name, area_id: areaId })
    .returning('id')
    .executeTakeFirstOrThrow();
  return team.id;
}

/**
 * The partnership the early help tests work in. Lea: Oak Lane Primary (Tess Teacher) and Lea Council (Wren Worker,
 * and Ada Admin, a system administrator), with Lea Health (Nia Nurse) when `health`; with `familySupport`, the
 * council's Family Support team in the Lea area, Wren Worker in it and Bea Boss its manager. Elsewhere: Far Hill
 * Primary (Sam Stranger, who has no relationship with Lea's children).
 */
export async function createEarlyHelpWorld(
  db: Kysely<DB>,
  options: { health?: boolean; familySupport?: boolean } = {},
) {
  const school = await createOrganisation(db, { name: 'Oak Lane Primary', agency_type: 'school' });
  const council = await createOrganisation(db, { name: 'Lea Council', agency_type: 'local_authority' });
  const health = options.health
    ? await createOrganisation(db, { name: 'Lea Health', agency_type: 'health' })
    : undefined;
  const otherSchool = await createOrganisation(db, { name: 'Far Hill Primary', agency_type: 'school' });
  const lea = await createPartnership(db, 'Lea', [school.id, council.id, ...(health ? [health.id] : [])]);
  await createPartnership(db, 'Elsewhere', [otherSchool.id]);
  const teacher = await createUser(db, { organisationId: school.id, name: 'Tess Teacher' });
  const worker = await createUser(db, { organisationId: council.id, name: 'Wren Worker' });
  const stranger = await createUser(db, { organisationId: otherSchool.id, name: 'Sam Stranger' });
  const admin = await createUser(db, { organisationId: council.id, name: 'Ada Admin', roles: ['system_admin'] });
  const nurse = health ? await createUser(db, { organisationId: health.id, name: 'Nia Nurse' }) : undefined;
  let familySupport: { teamId: string; boss: TestUser } | undefined;
  if (options.familySupport) {
    const teamId = await createTeam(db, council.id, 'Family Support', lea.areaId);
    const boss = await createUser(db, { organisationId: council.id, name: 'Bea Boss', roles: ['manager'] });
    await joinTeam(db, teamId, [worker], [boss]);
    familySupport = { teamId, boss };
  }
  return {
    school,
    council,
    health,
    otherSchool,
    partnershipId: lea.partnershipId,
    areaId: lea.areaId,
    teacher,
    worker,
    stranger,
    admin,
    nurse,
    familySupport,
  };
}
