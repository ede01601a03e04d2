import { type Kysely, sql } from 'kysely';
import type { DB, Role } from '../../db/schema.ts';
import type { AreaInput, OrganisationInput, TeamInput } from './schemas.ts';

type Db = Kysely<DB>;

export async function counts(db: Db) {
  const row = await sql<{ organisations: string; areas: string; teams: string; users: string }>`
    select (select count(*) from organisation) as organisations, (select count(*) from area) as areas,
      (select count(*) from team) as teams, (select count(*) from app_user where kind = 'person') as users`.execute(db);
  const r = row.rows[0]!;
  return {
    organisations: Number(r.organisations),
    areas: Number(r.areas),
    teams: Number(r.teams),
    users: Number(r.users),
  };
}

// Organisations

export function listOrganisations(db: Db) {
  return db
    .selectFrom('organisation as o')
    .select([
      'o.id',
      'o.name',
      'o.agency_type',
      'o.tier',
      'o.phone',
      'o.email',
      (eb) =>
        eb
          .selectFrom('team')
          .select(eb.fn.countAll<string>().as('n'))
          .whereRef('team.organisation_id', '=', 'o.id')
          .as('teams'),
      (eb) =>
        eb
          .selectFrom('app_user')
          .select(eb.fn.countAll<string>().as('n'))
          .whereRef('app_user.organisation_id', '=', 'o.id')
          .where('app_user.kind', '=', 'person')
          .as('users'),
    ])
    .orderBy('o.name')
    .execute();
}

export function organisationOptions(db: Db) {
  return db.selectFrom('organisation').select(['id', 'name']).orderBy('name').execute();
}

export function findOrganisation(db: Db, id: string) {
  return db.selectFrom('organisation').selectAll().where('id', '=', id).executeTakeFirst();
}

/** By id, or by name ignoring case: how the command line names an organisation. */
export function findOrganisationByIdOrName(db: Db, ref: string, isId: boolean) {
  return db
    .selectFrom('organisation')
    .select(['id', 'name'])
    .where((eb) => (isId ? eb('id', '=', ref) : eb(eb.fn('lower', ['name']), '=', ref.toLowerCase())))
    .executeTakeFirst();
}

export async function organisationNameTaken(db: Db, name: string, exceptId?: string) {
  let q = db
    .selectFrom('organisation')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()));
  if (exceptId) q = q.where('id', '<>', exceptId);
  return Boolean(await q.executeTakeFirst());
}

function organisationRow(input: OrganisationInput) {
  return {
    name: input.name,
    agency_type: input.agencyType,
    tier: input.tier,
    phone: input.phone,
    email: input.email,
    sensitive_category: input.sensitiveCategory,
    safeguarding_lead_user_id: input.safeguardingLeadId,
  };
}

/** People of an organisation who can be named its safeguarding lead. */
export function organisationPeople(db: Db, organisationId: string) {
  return db
    .selectFrom('app_user')
    .select(['id', 'name', 'job_title'])
    .where('organisation_id', '=', organisationId)
    .where('kind', '=', 'person')
    .where('disabled_at', 'is', null)
    .orderBy('name')
    .execute();
}

export async function insertOrganisation(db: Db, input: OrganisationInput) {
  const row = await db
    .insertInto('organisation')
    .values(organisationRow(input))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateOrganisation(db: Db, id: string, input: OrganisationInput) {
  await db.updateTable('organisation').set(organisationRow(input)).where('id', '=', id).execute();
}

// Areas

export function listAreas(db: Db) {
  return db
    .selectFrom('area as a')
    .leftJoin('area as p', 'p.id', 'a.parent_id')
    .select(['a.id', 'a.name', 'a.kind', 'a.parent_id', 'p.name as parent_name'])
    .orderBy('a.name')
    .orderBy('a.kind')
    .execute();
}

export function findArea(db: Db, id: string) {
  return db.selectFrom('area').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function areaNameTaken(db: Db, input: AreaInput, exceptId?: string) {
  let q = db
    .selectFrom('area')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['name']), '=', input.name.toLowerCase()))
    .where('kind', '=', input.kind);
  if (exceptId) q = q.where('id', '<>', exceptId);
  return Boolean(await q.executeTakeFirst());
}

/** The chain of areas above this one, nearest first, to refuse a parent that would make a loop. */
export async function ancestorIds(db: Db, id: string): Promise<string[]> {
  const result = await sql<{ id: string }>`
    with recursive up(id, parent_id, depth) as (
      select id, parent_id, 0 from area where id = ${id}
      union all
      select a.id, a.parent_id, up.depth + 1 from area a join up on a.id = up.parent_id where up.depth < 100
    )
    select id from up order by depth`.execute(db);
  return result.rows.map((r) => r.id);
}

function areaRow(input: AreaInput) {
  return { name: input.name, kind: input.kind, parent_id: input.parentId };
}

export async function insertArea(db: Db, input: AreaInput) {
  const row = await db.insertInto('area').values(areaRow(input)).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updateArea(db: Db, id: string, input: AreaInput) {
  await db.updateTable('area').set(areaRow(input)).where('id', '=', id).execute();
}

// Teams

export function listTeams(db: Db, organisationId?: string) {
  let q = db
    .selectFrom('team as t')
    .innerJoin('organisation as o', 'o.id', 't.organisation_id')
    .leftJoin('area as a', 'a.id', 't.area_id')
    .select([
      't.id',
      't.name',
      't.organisation_id',
      't.phone',
      't.email',
      'o.name as organisation_name',
      'a.name as area_name',
      (eb) =>
        eb
          .selectFrom('user_team')
          .select(eb.fn.countAll<string>().as('n'))
          .whereRef('user_team.team_id', '=', 't.id')
          .as('members'),
    ]);
  if (organisationId) q = q.where('t.organisation_id', '=', organisationId);
  return q.orderBy('o.name').orderBy('t.name').execute();
}

export function findTeam(db: Db, id: string) {
  return db.selectFrom('team').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function teamNameTaken(db: Db, organisationId: string, name: string, exceptId?: string) {
  let q = db
    .selectFrom('team')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()));
  if (exceptId) q = q.where('id', '<>', exceptId);
  return Boolean(await q.executeTakeFirst());
}

function teamRow(input: TeamInput) {
  return {
    organisation_id: input.organisationId,
    name: input.name,
    area_id: input.areaId,
    phone: input.phone,
    email: input.email,
    sensitive_category: input.sensitiveCategory,
    contact_role: input.contactRole,
    hours: input.hours,
  };
}

/** Categories an administrator can mark a service with: its involvement then shows only to those consent names. */
export function sensitiveCategoryOptions(db: Db) {
  return db
    .selectFrom('sensitive_category')
    .select(['code', 'label'])
    .where('retired_at', 'is', null)
    .orderBy('label')
    .execute();
}

export async function sensitiveCategoryExists(db: Db, code: string) {
  const row = await db.selectFrom('sensitive_category').select('code').where('code', '=', code).executeTakeFirst();
  return !!row;
}

export async function insertTeam(db: Db, input: TeamInput) {
  const row = await db.insertInto('team').values(teamRow(input)).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

export async function updateTeam(db: Db, id: string, input: TeamInput) {
  await db.updateTable('team').set(teamRow(input)).where('id', '=', id).execute();
}

export async function countExisting(db: Db, table: 'area' | 'team', ids: string[]) {
  if (ids.length === 0) return 0;
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('id', 'in', ids)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// Users (people only: service accounts are managed with their API tokens)

export interface UserListFilter {
  organisationId?: string | undefined;
  role?: Role | undefined;
  q?: string | undefined;
  limit: number;
  offset: number;
}

export async function listUsers(db: Db, filter: UserListFilter) {
  let q = db
    .selectFrom('app_user as u')
    .innerJoin('organisation as o', 'o.id', 'u.organisation_id')
    .where('u.kind', '=', 'person');
  if (filter.organisationId) q = q.where('u.organisation_id', '=', filter.organisationId);
  if (filter.role) {
    const role = filter.role;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('user_role as r')
          .select('r.user_id')
          .whereRef('r.user_id', '=', 'u.id')
          .where('r.role', '=', role),
      ),
    );
  }
  if (filter.q) {
    const pattern = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb('u.name', 'ilike', pattern), eb(sql`u.email::text`, 'ilike', pattern)]));
  }
  const total = await q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const rows = await q
    .select([
      'u.id',
      'u.name',
      sql<string>`u.email::text`.as('email'),
      'u.job_title',
      'u.disabled_at',
      'u.locked_until',
      'o.name as organisation_name',
      sql<Role[]>`array(select r.role::text from user_role r where r.user_id = u.id order by r.role)`.as('roles'),
    ])
    .orderBy('u.name')
    .orderBy('u.id')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
  return { rows, total: Number(total.n) };
}

export async function findUser(db: Db, id: string) {
  const user = await db
    .selectFrom('app_user as u')
    .innerJoin('organisation as o', 'o.id', 'u.organisation_id')
    .select([
      'u.id',
      sql<string>`u.email::text`.as('email'),
      'u.name',
      'u.job_title',
      'u.phone',
      'u.organisation_id',
      'o.name as organisation_name',
      'u.totp_enrolled_at',
      'u.failed_sign_ins',
      'u.locked_until',
      'u.disabled_at',
      'u.oidc_subject',
      'u.created_at',
      'u.updated_at',
      sql<boolean>`u.password_hash is not null`.as('has_password'),
    ])
    .where('u.id', '=', id)
    .where('u.kind', '=', 'person')
    .executeTakeFirst();
  if (!user) return undefined;
  // One after another: inside a transaction there is a single connection to share.
  const roles = await db.selectFrom('user_role').select('role').where('user_id', '=', id).orderBy('role').execute();
  const areas = await db
    .selectFrom('user_area as ua')
    .innerJoin('area as a', 'a.id', 'ua.area_id')
    .select(['a.id', 'a.name', 'a.kind'])
    .where('ua.user_id', '=', id)
    .orderBy('a.name')
    .execute();
  const teams = await db
    .selectFrom('user_team as ut')
    .innerJoin('team as t', 't.id', 'ut.team_id')
    .innerJoin('organisation as o', 'o.id', 't.organisation_id')
    .select(['t.id', 't.name', 'o.name as organisation_name', 'ut.is_manager'])
    .where('ut.user_id', '=', id)
    .orderBy('t.name')
    .execute();
  return { ...user, roles: roles.map((r) => r.role), areas, teams };
}

export async function emailTaken(db: Db, email: string) {
  return Boolean(await db.selectFrom('app_user').select('id').where('email', '=', email).executeTakeFirst());
}

export interface NewUserRow {
  email: string;
  name: string;
  jobTitle: string | null;
  phone: string | null;
  organisationId: string;
  passwordHash: string | null;
  totpSecret: string | null;
  now: Date;
}

export async function insertUser(db: Db, u: NewUserRow) {
  const row = await db
    .insertInto('app_user')
    .values({
      email: u.email,
      name: u.name,
      job_title: u.jobTitle,
      phone: u.phone,
      organisation_id: u.organisationId,
      password_hash: u.passwordHash,
      totp_secret: u.totpSecret,
      totp_enrolled_at: u.totpSecret ? u.now : null,
      recovery_code_hashes: '[]',
      locked_until: null,
      disabled_at: null,
      oidc_issuer: null,
      oidc_subject: null,
      updated_at: u.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateUserDetails(
  db: Db,
  id: string,
  d: { name: string; jobTitle: string | null; phone: string | null; organisationId: string; now: Date },
) {
  await db
    .updateTable('app_user')
    .set({ name: d.name, job_title: d.jobTitle, phone: d.phone, organisation_id: d.organisationId, updated_at: d.now })
    .where('id', '=', id)
    .execute();
}

/** Replaces the user's roles, areas and teams with the given sets. */
export async function replaceMemberships(
  db: Db,
  userId: string,
  m: { roles: Role[]; areaIds: string[]; teams: { teamId: string; isManager: boolean }[] },
) {
  await db.deleteFrom('user_role').where('user_id', '=', userId).execute();
  await db.deleteFrom('user_area').where('user_id', '=', userId).execute();
  await db.deleteFrom('user_team').where('user_id', '=', userId).execute();
  if (m.roles.length) {
    await db
      .insertInto('user_role')
      .values(m.roles.map((role) => ({ user_id: userId, role })))
      .execute();
  }
  if (m.areaIds.length) {
    await db
      .insertInto('user_area')
      .values(m.areaIds.map((area_id) => ({ user_id: userId, area_id })))
      .execute();
  }
  if (m.teams.length) {
    await db
      .insertInto('user_team')
      .values(m.teams.map((t) => ({ user_id: userId, team_id: t.teamId, is_manager: t.isManager })))
      .execute();
  }
}

export async function setUserFields(
  db: Db,
  id: string,
  fields: Partial<{
    disabled_at: Date | null;
    locked_until: Date | null;
    failed_sign_ins: number;
    totp_secret: string | null;
    totp_enrolled_at: Date | null;
    recovery_code_hashes: string;
    password_hash: string;
  }> & { updated_at: Date },
) {
  await db.updateTable('app_user').set(fields).where('id', '=', id).execute();
}

export async function deleteSessions(db: Db, userId: string) {
  const result = await db.deleteFrom('user_session').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows ?? 0);
}
