import type { Kysely, Transaction } from 'kysely';
import { type AgencyType, type DB, ROLES, type Role, type Tier } from '../../db/schema.ts';
import { requireRole } from '../../platform/access.ts';
import { type AuditContext, recordAudit } from '../../platform/audit.ts';
import type { Clock } from '../../platform/clock.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { type FieldError, ValidationError } from '../../platform/errors.ts';
import { hashPassword, passwordProblem } from '../../platform/passwords.ts';
import * as repo from './repository.ts';
import { parseTotpSecret, requiredEmail, UUID, unknownRoles } from './schemas.ts';

type Trx = Transaction<DB>;

export const DUPLICATE: Record<string, FieldError> = {
  organisation_name_key: { field: 'name', message: 'An organisation with this name already exists' },
  area_name_kind_key: { field: 'name', message: 'An area of this kind with this name already exists' },
  team_organisation_id_name_key: { field: 'name', message: 'This organisation already has a team with this name' },
  app_user_email_key: { field: 'email', message: 'A user with this email address already exists' },
};

/** A unique violation that slipped past the checks (two admins at once) is still a field error, not a failure. */
export function duplicateError(err: unknown): ValidationError | undefined {
  const e = err as { code?: string; constraint?: string; message?: string } | null;
  if (e?.code !== '23505') return undefined;
  const known = DUPLICATE[e.constraint ?? ''] ?? Object.entries(DUPLICATE).find(([k]) => e.message?.includes(k))?.[1];
  return known ? new ValidationError([known]) : undefined;
}

export interface NewUser {
  email: string;
  name: string;
  jobTitle: string | null;
  phone: string | null;
  organisationId: string;
  roles: Role[];
  areaIds: string[];
  teams: { teamId: string; isManager: boolean }[];
  password: string | null;
  totpSecret: string | null;
}

/** The one path by which a person's account is created, from the web or the command line. */
export async function insertUserRecord(trx: Trx, actx: AuditContext, u: NewUser, via: 'web' | 'command line') {
  if (await repo.emailTaken(trx, u.email)) throw new ValidationError([DUPLICATE.app_user_email_key!]);
  const id = await repo.insertUser(trx, {
    email: u.email,
    name: u.name,
    jobTitle: u.jobTitle,
    phone: u.phone,
    organisationId: u.organisationId,
    passwordHash: u.password ? await hashPassword(u.password) : null,
    totpSecret: u.totpSecret,
    now: actx.at,
  });
  await repo.replaceMemberships(trx, id, { roles: u.roles, areaIds: u.areaIds, teams: u.teams });
  await recordAudit(trx, actx, {
    action: 'admin.user.created',
    recordType: 'user',
    recordId: id,
    details: {
      via,
      organisationId: u.organisationId,
      roles: u.roles,
      areaIds: u.areaIds,
      teams: u.teams,
      passwordSet: Boolean(u.password),
      twoFactorSupplied: Boolean(u.totpSecret),
    },
  });
  return id;
}

export interface CreateUserRecordInput {
  email: string;
  name: string;
  /** The organisation's exact name (any case) or its id. */
  organisation: string;
  roles: string[];
  password?: string | undefined;
  /** A base32 TOTP secret the account is enrolled with at once, so automation can sign in. */
  totpSecret?: string | undefined;
  jobTitle?: string | undefined;
  /** On a new installation there is no organisation to name yet: create it, to be completed on the web later. */
  createOrganisation?: { agencyType: AgencyType; tier: Tier } | undefined;
}

/**
 * Creates a user without HTTP (the `create-user` command, set-up scripts). With an actor context the
 * actor must be a system administrator; without one the change is recorded as made from the command line.
 */
export async function createUserRecord(
  db: Kysely<DB>,
  clock: Clock,
  input: CreateUserRecordInput,
  actorCtx?: RequestContext,
): Promise<{ id: string; organisationId: string }> {
  const role = actorCtx ? requireRole(actorCtx.actor, 'system_admin') : null;
  const errors: FieldError[] = [];
  const email = requiredEmail.safeParse(input.email);
  if (!email.success) errors.push({ field: 'email', message: email.error.issues[0]!.message });
  const name = input.name.trim();
  if (!name) errors.push({ field: 'name', message: 'Enter a name' });
  const badRoles = unknownRoles(input.roles);
  if (input.roles.length === 0) errors.push({ field: 'roles', message: `Give at least one role: ${ROLES.join(', ')}` });
  else if (badRoles.length) {
    errors.push({
      field: 'roles',
      message: `Unknown role ${badRoles.map((r) => `"${r}"`).join(', ')}. Valid roles are: ${ROLES.join(', ')}`,
    });
  }
  const weak = input.password === undefined ? undefined : passwordProblem(input.password);
  if (weak) errors.push({ field: 'password', message: weak });
  const totp = input.totpSecret === undefined ? undefined : parseTotpSecret(input.totpSecret);
  if (totp && !totp.ok) errors.push({ field: 'totpSecret', message: totp.problem });
  if (errors.length) throw new ValidationError(errors);

  const at = actorCtx?.at ?? clock.now();
  const actx: AuditContext = actorCtx ? auditContext({ ...actorCtx, at }, role) : { actor: null, role: null, at };
  try {
    return await db.transaction().execute(async (trx) => {
      const ref = input.organisation.trim();
      let organisation = await repo.findOrganisationByIdOrName(trx, ref, UUID.test(ref));
      if (!organisation && input.createOrganisation && ref && !UUID.test(ref)) {
        const { agencyType, tier } = input.createOrganisation;
        const orgId = await repo.insertOrganisation(trx, {
          name: ref,
          agencyType,
          tier,
          phone: null,
          email: null,
          sensitiveCategory: null,
          safeguardingLeadId: null,
        });
        await recordAudit(trx, actx, {
          action: 'admin.organisation.created',
          recordType: 'organisation',
          recordId: orgId,
          details: { name: ref, agencyType, tier, via: actorCtx ? 'web' : 'command line' },
        });
        organisation = { id: orgId, name: ref };
      }
      if (!organisation) {
        throw new ValidationError([{ field: 'organisation', message: await unknownOrganisation(trx, ref) }]);
      }
      const id = await insertUserRecord(
        trx,
        actx,
        {
          email: email.data!,
          name,
          jobTitle: input.jobTitle?.trim() || null,
          phone: null,
          organisationId: organisation.id,
          roles: [...new Set(input.roles)] as Role[],
          areaIds: [],
          teams: [],
          password: input.password ?? null,
          totpSecret: totp?.ok ? totp.secret : null,
        },
        actorCtx ? 'web' : 'command line',
      );
      return { id, organisationId: organisation.id };
    });
  } catch (err) {
    throw duplicateError(err) ?? err;
  }
}

async function unknownOrganisation(db: Kysely<DB>, ref: string) {
  const names = (await repo.organisationOptions(db)).map((o) => o.name);
  const hint =
    names.length === 0
      ? 'There are no organisations yet: a system administrator adds them under Administration, Organisations'
      : names.length <= 10
        ? `Known organisations: ${names.join('; ')}`
        : `Give its exact name or id as listed under Administration, Organisations (${names.length} organisations)`;
  return `No organisation is called "${ref}". ${hint}`;
}
