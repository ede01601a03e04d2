import { type Kysely, sql } from 'kysely';
import type { DB, Role } from '../db/schema.ts';
import type { Actor } from './access.ts';
import { randomToken, sha256 } from './passwords.ts';

export type SessionStage = 'mfa' | 'mfa_setup' | 'full';

export interface SessionSettings {
  idleMinutes: number;
  absoluteHours: number;
}

export interface LoadedSession {
  id: string;
  userId: string;
  stage: SessionStage;
}

export type SessionLookup =
  | { status: 'valid'; session: LoadedSession }
  | { status: 'expired'; userId: string }
  | { status: 'none' };

/**
 * Server-side sessions. The cookie holds a random token; the database holds only its hash, so a
 * copy of the database cannot be used to take over a session.
 */
export class SessionStore {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly settings: SessionSettings,
  ) {}

  async create(
    userId: string,
    stage: SessionStage,
    now: Date,
    meta: { clientIp?: string; userAgent?: string },
  ): Promise<string> {
    const token = randomToken();
    const expires = new Date(now.getTime() + this.settings.absoluteHours * 3600_000);
    await this.db
      .insertInto('user_session')
      .values({
        id: sha256(token),
        user_id: userId,
        stage,
        created_at: now,
        last_seen_at: now,
        expires_at: expires,
        client_ip: meta.clientIp ?? null,
        user_agent: meta.userAgent?.slice(0, 300) ?? null,
      })
      .execute();
    return token;
  }

  /**
   * The session a token names. An expired one is deleted and reported once, unless `keepExpired` (a background
   * request such as an autosave): then the next request a person makes still finds it expired, and keeps their form.
   */
  async load(token: string | undefined, now: Date, options: { keepExpired?: boolean } = {}): Promise<SessionLookup> {
    if (!token || token.length > 100) return { status: 'none' };
    const id = sha256(token);
    const row = await this.db.selectFrom('user_session').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return { status: 'none' };
    const idleLimit = new Date(row.last_seen_at.getTime() + this.settings.idleMinutes * 60_000);
    if (now >= row.expires_at || now >= idleLimit) {
      if (!options.keepExpired) await this.db.deleteFrom('user_session').where('id', '=', id).execute();
      return { status: 'expired', userId: row.user_id };
    }
    // Writing on every request would serialise reads; a minute's precision is enough for idle time.
    if (now.getTime() - row.last_seen_at.getTime() > 60_000) {
      await this.db.updateTable('user_session').set({ last_seen_at: now }).where('id', '=', id).execute();
    }
    return { status: 'valid', session: { id, userId: row.user_id, stage: row.stage } };
  }

  async destroy(token: string | undefined): Promise<void> {
    if (!token) return;
    await this.db.deleteFrom('user_session').where('id', '=', sha256(token)).execute();
  }

  /** Sign out everywhere: every session of the user ends at once. */
  async destroyAllForUser(userId: string): Promise<number> {
    const result = await this.db.deleteFrom('user_session').where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows ?? 0);
  }

  /** Every session of the user except the one making the request (after a password change). */
  async destroyOthersForUser(userId: string, keepToken: string | undefined): Promise<void> {
    const keep = keepToken ? sha256(keepToken) : '';
    await this.db.deleteFrom('user_session').where('user_id', '=', userId).where('id', '<>', keep).execute();
  }

  async countForUser(userId: string, now: Date): Promise<number> {
    const idleCutoff = new Date(now.getTime() - this.settings.idleMinutes * 60_000);
    const row = await this.db
      .selectFrom('user_session')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .where('expires_at', '>', now)
      .where('last_seen_at', '>', idleCutoff)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async purgeExpired(now: Date): Promise<void> {
    const idleCutoff = new Date(now.getTime() - this.settings.idleMinutes * 60_000);
    await this.db
      .deleteFrom('user_session')
      .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleCutoff)]))
      .execute();
  }
}

interface ActorRow {
  id: string;
  name: string;
  email: string;
  organisation_id: string;
  organisation_name: string;
  disabled_at: Date | null;
  roles: Role[] | null;
  area_ids: string[] | null;
  team_ids: string[] | null;
  managed_team_ids: string[] | null;
}

const ACTOR_COLUMNS = sql`u.id, u.name, u.email::text as email, u.organisation_id, o.name as organisation_name,
  u.disabled_at,
  (select array_agg(role::text order by role) from user_role r where r.user_id = u.id) as roles,
  (select array_agg(area_id::text) from user_area a where a.user_id = u.id) as area_ids,
  (select array_agg(team_id::text) from user_team t where t.user_id = u.id) as team_ids,
  (select array_agg(team_id::text) from user_team t where t.user_id = u.id and t.is_manager) as managed_team_ids`;

function actorOf(u: ActorRow | undefined, via: Actor['via']): Actor | null {
  if (!u || u.disabled_at) return null;
  return {
    userId: u.id,
    name: u.name,
    email: u.email,
    organisationId: u.organisation_id,
    organisationName: u.organisation_name,
    roles: u.roles ?? [],
    areaIds: u.area_ids ?? [],
    teamIds: u.team_ids ?? [],
    managedTeamIds: u.managed_team_ids ?? [],
    via,
  };
}

/** One query builds the actor: the user, their organisation, roles, areas and teams. */
export async function loadActor(db: Kysely<DB>, userId: string, via: Actor['via']): Promise<Actor | null> {
  const row = await sql<ActorRow>`
    select ${ACTOR_COLUMNS}
    from app_user u join organisation o on o.id = u.organisation_id
    where u.id = ${userId}`.execute(db);
  return actorOf(row.rows[0], via);
}

/**
 * Revokes every API token of the user that is still active: part of signing out everywhere and of
 * an administrator's account recovery, so a token cannot outlive the sessions it was made from.
 */
export async function revokeApiTokens(db: Kysely<DB>, userId: string, at: Date): Promise<number> {
  const result = await db
    .updateTable('api_token')
    .set({ revoked_at: at })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows ?? 0);
}

export interface TokenActor {
  tokenId: string;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  actor: Actor | null;
}

/** The API token with this hash and the actor it acts as, in one query: every API call starts here. */
export async function loadTokenActor(db: Kysely<DB>, tokenHash: string): Promise<TokenActor | undefined> {
  const row = await sql<
    ActorRow & { token_id: string; expires_at: Date | null; revoked_at: Date | null; last_used_at: Date | null }
  >`
    select t.id as token_id, t.expires_at, t.revoked_at, t.last_used_at, ${ACTOR_COLUMNS}
    from api_token t join app_user u on u.id = t.user_id join organisation o on o.id = u.organisation_id
    where t.token_hash = ${tokenHash}`.execute(db);
  const r = row.rows[0];
  if (!r) return undefined;
  return {
    tokenId: r.token_id,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    lastUsedAt: r.last_used_at,
    actor: actorOf(r, 'token'),
  };
}
