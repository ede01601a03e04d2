import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { type Actor, requireRole } from '../../platform/access.ts';
import { TOKEN_PREFIX } from '../../platform/api.ts';
import { type AuditContext, recordAudit } from '../../platform/audit.ts';
import type { Clock } from '../../platform/clock.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import { randomToken, sha256 } from '../../platform/passwords.ts';
import * as repo from './repository.ts';
import type { ServiceAccountInput } from './schemas.ts';

export type TokenStatus = 'active' | 'revoked' | 'expired';

export interface TokenView extends repo.TokenRow {
  status: TokenStatus;
}

export interface IssuedToken {
  /** The only time the token value exists outside the caller's hands: show it once, store only the hash. */
  token: string;
  record: repo.TokenRow;
}

export function newTokenValue(): string {
  return TOKEN_PREFIX + randomToken(32);
}

export function tokenStatus(row: repo.TokenRow, now: Date): TokenStatus {
  if (row.revoked_at) return 'revoked';
  if (row.expires_at && row.expires_at <= now) return 'expired';
  return 'active';
}

export function expiryDate(now: Date, days: number): Date {
  return new Date(now.getTime() + days * 24 * 3600_000);
}

/** Every token expires, within the configured maximum: a token is never a credential that lasts for ever. */
function lifetime(days: number, maxDays: number): number {
  if (!Number.isInteger(days) || days < 1 || days > maxDays) {
    throw new ValidationError([{ field: 'expiry', message: 'Select when the token expires' }]);
  }
  return days;
}

/** Creates a token inside the caller's transaction and audits it there; the value never reaches the audit. */
async function issueToken(
  trx: Transaction<DB>,
  audit: AuditContext,
  values: { userId: string; name: string; expiresAt: Date; createdBy: string | null; via: string },
): Promise<IssuedToken> {
  const token = newTokenValue();
  const record = await repo.insertToken(trx, {
    userId: values.userId,
    name: values.name,
    tokenHash: sha256(token),
    prefix: token.slice(0, 8),
    createdBy: values.createdBy,
    createdAt: audit.at,
    expiresAt: values.expiresAt,
  });
  await recordAudit(trx, audit, {
    action: 'api-token.create',
    recordType: 'user',
    recordId: values.userId,
    details: {
      tokenId: record.id,
      name: values.name,
      expiresAt: values.expiresAt.toISOString(),
      via: values.via,
    },
  });
  return { token, record };
}

async function revoke(trx: Transaction<DB>, audit: AuditContext, row: repo.TokenRow): Promise<boolean> {
  const changed = await repo.revokeToken(trx, row.id, audit.at);
  if (changed) {
    await recordAudit(trx, audit, {
      action: 'api-token.revoke',
      recordType: 'user',
      recordId: row.user_id,
      details: { tokenId: row.id, name: row.name },
    });
  }
  return changed;
}

/** Signed-in people manage their own tokens. A token cannot be used to make or revoke tokens. */
export class TokenService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    /** The longest a token may last (API_TOKEN_MAX_DAYS). */
    readonly maxDays = 90,
  ) {}

  private person(ctx: RequestContext): Actor {
    const actor = ctx.actor;
    if (actor?.via !== 'session') throw new ForbiddenError();
    return actor;
  }

  async listOwn(ctx: RequestContext): Promise<TokenView[]> {
    const actor = this.person(ctx);
    const now = this.clock.now();
    const rows = await repo.tokensForUser(this.db, actor.userId);
    return rows.map((r) => ({ ...r, status: tokenStatus(r, now) }));
  }

  /** The caller has already given their password again (re-authentication): see the tokens page. */
  async createOwn(ctx: RequestContext, input: { name: string; expiresInDays: number }): Promise<IssuedToken> {
    const actor = this.person(ctx);
    const days = lifetime(input.expiresInDays, this.maxDays);
    return this.db.transaction().execute((trx) =>
      issueToken(trx, auditContext(ctx), {
        userId: actor.userId,
        name: input.name,
        expiresAt: expiryDate(ctx.at, days),
        createdBy: actor.userId,
        via: 'account',
      }),
    );
  }

  /** Someone else's token is "not found", like one that does not exist. */
  async revokeOwn(ctx: RequestContext, tokenId: string): Promise<boolean> {
    const actor = this.person(ctx);
    return this.db.transaction().execute(async (trx) => {
      const row = await repo.findToken(trx, tokenId);
      if (!row || row.user_id !== actor.userId) throw new NotFoundError();
      return revoke(trx, auditContext(ctx), row);
    });
  }

  /** For the command line: an operator with database access issues a token for a named user (null: the maximum). */
  async createForEmail(
    email: string,
    input: { name: string; expiresInDays: number | null },
    meta: { requestId: string; clientIp: string },
  ): Promise<IssuedToken> {
    const now = this.clock.now();
    const days = lifetime(input.expiresInDays ?? this.maxDays, this.maxDays);
    return this.db.transaction().execute(async (trx) => {
      const user = await repo.findUserByEmail(trx, email.trim().toLowerCase());
      if (!user) throw new NotFoundError(`There is no user with the email address ${email}`);
      if (user.disabled_at) throw new ConflictError(`The user ${email} is switched off, so cannot have a token`);
      return issueToken(
        trx,
        { actor: null, role: 'operator', requestId: meta.requestId, clientIp: meta.clientIp, at: now },
        {
          userId: user.id,
          name: input.name,
          expiresAt: expiryDate(now, days),
          createdBy: null,
          via: 'cli',
        },
      );
    });
  }
}

export interface ServiceAccountDetail {
  account: repo.ServiceAccountRow;
  tokens: TokenView[];
}

/** System administrators create accounts for other systems and issue or revoke their tokens. */
export class ServiceAccountService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    /** Service-account tokens have the same maximum lifetime as people's (API_TOKEN_MAX_DAYS). */
    readonly maxDays = 90,
  ) {}

  private admin(ctx: RequestContext): string {
    return requireRole(ctx.actor, 'system_admin');
  }

  async list(ctx: RequestContext): Promise<repo.ServiceAccountRow[]> {
    this.admin(ctx);
    return repo.serviceAccounts(this.db, this.clock.now());
  }

  async organisations(ctx: RequestContext) {
    this.admin(ctx);
    return repo.organisationNames(this.db);
  }

  async create(ctx: RequestContext, input: ServiceAccountInput): Promise<string> {
    const role = this.admin(ctx);
    return this.db.transaction().execute(async (trx) => {
      if (!(await repo.findOrganisation(trx, input.organisationId))) {
        throw new NotFoundError('Select an organisation');
      }
      if (await repo.emailInUse(trx, input.identifier)) {
        throw new ConflictError('A user or service account already has this identifier');
      }
      const id = await repo.insertServiceAccount(trx, {
        name: input.name,
        email: input.identifier,
        organisationId: input.organisationId,
        roles: input.roles,
        at: ctx.at,
      });
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'service-account.create',
        recordType: 'user',
        recordId: id,
        details: { name: input.name, organisationId: input.organisationId, roles: input.roles },
      });
      return id;
    });
  }

  async get(ctx: RequestContext, id: string): Promise<ServiceAccountDetail> {
    this.admin(ctx);
    const now = this.clock.now();
    const account = await repo.findServiceAccount(this.db, id, now);
    if (!account) throw new NotFoundError();
    const tokens = (await repo.tokensForUser(this.db, id)).map((r) => ({ ...r, status: tokenStatus(r, now) }));
    return { account, tokens };
  }

  async issue(
    ctx: RequestContext,
    accountId: string,
    input: { name: string; expiresInDays: number },
  ): Promise<IssuedToken> {
    const role = this.admin(ctx);
    const days = lifetime(input.expiresInDays, this.maxDays);
    return this.db.transaction().execute(async (trx) => {
      const account = await repo.findServiceAccount(trx, accountId, ctx.at);
      if (!account) throw new NotFoundError();
      if (account.disabled_at) throw new ConflictError('This service account is switched off');
      return issueToken(trx, auditContext(ctx, role), {
        userId: accountId,
        name: input.name,
        expiresAt: expiryDate(ctx.at, days),
        createdBy: ctx.actor!.userId,
        via: 'service-account',
      });
    });
  }

  async revoke(ctx: RequestContext, accountId: string, tokenId: string): Promise<boolean> {
    const role = this.admin(ctx);
    return this.db.transaction().execute(async (trx) => {
      const row = await repo.findToken(trx, tokenId);
      if (!row || row.user_id !== accountId || (await repo.userKind(trx, accountId)) !== 'service') {
        throw new NotFoundError();
      }
      return revoke(trx, auditContext(ctx, role), row);
    });
  }
}

/** The read-only reference data the API serves: who the caller is, and the partnership's structure. */
export class ReferenceService {
  constructor(private readonly db: Kysely<DB>) {}

  async me(actor: Actor) {
    const kind = (await repo.userKind(this.db, actor.userId)) ?? 'person';
    return {
      id: actor.userId,
      kind,
      name: actor.name,
      email: actor.email,
      organisation: { id: actor.organisationId, name: actor.organisationName },
      roles: actor.roles,
    };
  }

  async organisations(filter: Parameters<typeof repo.organisationPage>[1]) {
    const { rows, total } = await repo.organisationPage(this.db, filter);
    return { items: rows.map(organisationView), page: filter.page, pageSize: filter.pageSize, total };
  }

  async organisation(id: string) {
    const row = await repo.findOrganisation(this.db, id);
    if (!row) throw new NotFoundError('There is no organisation with this id.');
    return organisationView(row);
  }

  async areas() {
    const rows = await repo.allAreas(this.db);
    return { items: rows.map((a) => ({ id: a.id, name: a.name, kind: a.kind, parentId: a.parent_id })) };
  }

  async teams(filter: { organisationId?: string | undefined }) {
    const rows = await repo.allTeams(this.db, filter);
    return {
      items: rows.map((t) => ({
        id: t.id,
        name: t.name,
        organisationId: t.organisation_id,
        areaId: t.area_id,
        phone: t.phone,
        email: t.email,
      })),
    };
  }
}

function organisationView(row: repo.OrganisationRow) {
  return {
    id: row.id,
    name: row.name,
    agencyType: row.agency_type,
    tier: row.tier,
    phone: row.phone,
    email: row.email,
  };
}
