import type { Q } from '../../db/connection.ts';
import type { AgencyType, Role, Tier } from '../../db/schema.ts';

export interface TokenRow {
  id: string;
  user_id: string;
  name: string;
  prefix: string;
  created_by: string | null;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const TOKEN_COLUMNS = [
  'id',
  'user_id',
  'name',
  'prefix',
  'created_by',
  'created_at',
  'expires_at',
  'last_used_at',
  'revoked_at',
] as const;

// ---- tokens

export async function insertToken(
  db: Q,
  values: {
    userId: string;
    name: string;
    tokenHash: string;
    prefix: string;
    createdBy: string | null;
    createdAt: Date;
    expiresAt: Date | null;
  },
): Promise<TokenRow> {
  return db
    .insertInto('api_token')
    .values({
      user_id: values.userId,
      name: values.name,
      token_hash: values.tokenHash,
      prefix: values.prefix,
      created_by: values.createdBy,
      created_at: values.createdAt,
      expires_at: values.expiresAt,
    })
    .returning(TOKEN_COLUMNS)
    .executeTakeFirstOrThrow();
}

export async function tokensForUser(db: Q, userId: string): Promise<TokenRow[]> {
  return db
    .selectFrom('api_token')
    .select(TOKEN_COLUMNS)
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
}

export async function findToken(db: Q, id: string): Promise<TokenRow | undefined> {
  return db.selectFrom('api_token').select(TOKEN_COLUMNS).where('id', '=', id).executeTakeFirst();
}

/** Only a token not already revoked is changed, so the first revocation time is kept. */
export async function revokeToken(db: Q, id: string, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('api_token')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows ?? 0) > 0;
}

// ---- users and service accounts

export interface UserSummary {
  id: string;
  kind: 'person' | 'service';
  name: string;
  email: string;
  disabled_at: Date | null;
}

export async function findUserByEmail(db: Q, email: string): Promise<UserSummary | undefined> {
  return db
    .selectFrom('app_user')
    .select(['id', 'kind', 'name', 'email', 'disabled_at'])
    .where('email', '=', email)
    .executeTakeFirst();
}

export async function userKind(db: Q, id: string): Promise<'person' | 'service' | undefined> {
  const row = await db.selectFrom('app_user').select('kind').where('id', '=', id).executeTakeFirst();
  return row?.kind;
}

export interface ServiceAccountRow {
  id: string;
  name: string;
  email: string;
  organisation_id: string;
  organisation_name: string;
  disabled_at: Date | null;
  created_at: Date;
  roles: Role[];
  active_tokens: number;
}

function serviceAccountQuery(db: Q, now: Date) {
  return db
    .selectFrom('app_user as u')
    .innerJoin('organisation as o', 'o.id', 'u.organisation_id')
    .select((eb) => [
      'u.id',
      'u.name',
      'u.email',
      'u.organisation_id',
      'o.name as organisation_name',
      'u.disabled_at',
      'u.created_at',
      eb
        .selectFrom('user_role as r')
        .whereRef('r.user_id', '=', 'u.id')
        .select((e) => e.fn.agg<Role[]>('array_agg', ['r.role']).as('roles'))
        .as('roles'),
      eb
        .selectFrom('api_token as t')
        .whereRef('t.user_id', '=', 'u.id')
        .where('t.revoked_at', 'is', null)
        .where((e) => e.or([e('t.expires_at', 'is', null), e('t.expires_at', '>', now)]))
        .select((e) => e.fn.countAll<number>().as('n'))
        .as('active_tokens'),
    ])
    .where('u.kind', '=', 'service');
}

function toServiceAccount(
  row: Omit<ServiceAccountRow, 'roles' | 'active_tokens'> & {
    roles: Role[] | null;
    active_tokens: number | string | null;
  },
): ServiceAccountRow {
  return { ...row, roles: [...(row.roles ?? [])].sort(), active_tokens: Number(row.active_tokens ?? 0) };
}

export async function serviceAccounts(db: Q, now: Date): Promise<ServiceAccountRow[]> {
  const rows = await serviceAccountQuery(db, now).orderBy('u.name').orderBy('u.id').execute();
  return rows.map(toServiceAccount);
}

export async function findServiceAccount(db: Q, id: string, now: Date): Promise<ServiceAccountRow | undefined> {
  const row = await serviceAccountQuery(db, now).where('u.id', '=', id).executeTakeFirst();
  return row ? toServiceAccount(row) : undefined;
}

export async function emailInUse(db: Q, email: string): Promise<boolean> {
  const row = await db.selectFrom('app_user').select('id').where('email', '=', email).executeTakeFirst();
  return Boolean(row);
}

/** A service account has no password, no second factor and no SSO identity: it can only use tokens. */
export async function insertServiceAccount(
  db: Q,
  values: { name: string; email: string; organisationId: string; roles: Role[]; at: Date },
): Promise<string> {
  const user = await db
    .insertInto('app_user')
    .values({
      kind: 'service',
      email: values.email,
      name: values.name,
      job_title: null,
      phone: null,
      organisation_id: values.organisationId,
      password_hash: null,
      totp_secret: null,
      totp_enrolled_at: null,
      recovery_code_hashes: '[]',
      locked_until: null,
      disabled_at: null,
      oidc_issuer: null,
      oidc_subject: null,
      updated_at: values.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (values.roles.length) {
    await db
      .insertInto('user_role')
      .values(values.roles.map((role) => ({ user_id: user.id, role })))
      .execute();
  }
  return user.id;
}

// ---- organisations, areas, teams

export interface OrganisationRow {
  id: string;
  name: string;
  agency_type: AgencyType;
  tier: Tier;
  phone: string | null;
  email: string | null;
}

export async function organisationPage(
  db: Q,
  filter: { page: number; pageSize: number; tier?: Tier | undefined; agencyType?: AgencyType | undefined },
): Promise<{ rows: OrganisationRow[]; total: number }> {
  let base = db.selectFrom('organisation');
  if (filter.tier) base = base.where('tier', '=', filter.tier);
  if (filter.agencyType) base = base.where('agency_type', '=', filter.agencyType);
  const rows = await base
    .select(['id', 'name', 'agency_type', 'tier', 'phone', 'email'])
    .orderBy('name')
    .orderBy('id')
    .limit(filter.pageSize)
    .offset((filter.page - 1) * filter.pageSize)
    .execute();
  const count = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { rows, total: Number(count.n) };
}

export async function findOrganisation(db: Q, id: string): Promise<OrganisationRow | undefined> {
  return db
    .selectFrom('organisation')
    .select(['id', 'name', 'agency_type', 'tier', 'phone', 'email'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function organisationNames(db: Q): Promise<{ id: string; name: string }[]> {
  return db.selectFrom('organisation').select(['id', 'name']).orderBy('name').execute();
}

export async function allAreas(db: Q) {
  return db.selectFrom('area').select(['id', 'name', 'kind', 'parent_id']).orderBy('name').orderBy('id').execute();
}

export async function allTeams(db: Q, filter: { organisationId?: string | undefined }) {
  let q = db.selectFrom('team').select(['id', 'name', 'organisation_id', 'area_id', 'phone', 'email']);
  if (filter.organisationId) q = q.where('organisation_id', '=', filter.organisationId);
  return q.orderBy('name').orderBy('id').execute();
}
