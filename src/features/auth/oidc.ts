import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import * as oidc from 'openid-client';
import type { Config } from '../../config.ts';
import type { DB } from '../../db/schema.ts';
import type { AppDeps } from '../../platform/app-deps.ts';
import { recordAudit } from '../../platform/audit.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';

/**
 * Sign-in with the organisation's OpenID Connect identity provider (authorization code flow with
 * PKCE, state and nonce). The identity provider is trusted for multi-factor authentication: a user
 * who signs in this way gets a full session without our own second factor, so an organisation
 * enabling this must enforce MFA at its identity provider.
 */

const STATE_COOKIE = 'ehh_oidc';
const STATE_MAX_AGE_SECONDS = 600;
const CALLBACK_PATH = '/sign-in/oidc/callback';
const SIGN_IN_LIMIT = { rateLimit: { max: 20, timeWindow: '1 minute' } };

interface PendingSignIn {
  state: string;
  nonce: string;
  verifier: string;
  expiresAt: number;
}

export interface OidcIdentity {
  issuer: string;
  subject: string;
  email?: string;
  emailVerified: boolean;
  amr?: string[];
}

export type OidcOutcome = { ok: true; userId: string } | { ok: false; reason: 'no-account' | 'disabled' };

/** Maps an identity the provider vouched for to one of our users. Never creates a user. */
export class OidcSignInService {
  constructor(private readonly db: Kysely<DB>) {}

  async signIn(identity: OidcIdentity, ctx: RequestContext): Promise<OidcOutcome> {
    return this.db.transaction().execute(async (trx) => {
      const audit = auditContext(ctx);
      const details = { issuer: identity.issuer, ...(identity.amr ? { amr: identity.amr } : {}) };
      let linked = false;
      let user = await trx
        .selectFrom('app_user')
        .select(['id', 'disabled_at'])
        .where('oidc_issuer', '=', identity.issuer)
        .where('oidc_subject', '=', identity.subject)
        .where('kind', '=', 'person')
        .forUpdate()
        .executeTakeFirst();
      if (!user && identity.email && identity.emailVerified) {
        // Only an account not yet linked to any identity is linked by email: an account already
        // linked elsewhere is never taken over by a second identity that shares its address.
        const byEmail = await trx
          .selectFrom('app_user')
          .select(['id', 'disabled_at', 'oidc_subject'])
          .where('email', '=', identity.email)
          .where('kind', '=', 'person')
          .forUpdate()
          .executeTakeFirst();
        if (byEmail && byEmail.oidc_subject === null) {
          user = byEmail;
          linked = !byEmail.disabled_at;
        }
      }
      if (!user) {
        await recordAudit(trx, audit, {
          action: 'sign-in.oidc-refused',
          details: { ...details, reason: 'no-account' },
        });
        return { ok: false, reason: 'no-account' } as const;
      }
      const subject = { recordType: 'user', recordId: user.id };
      if (user.disabled_at) {
        await recordAudit(trx, audit, { action: 'sign-in.refused-disabled', ...subject, details });
        return { ok: false, reason: 'disabled' } as const;
      }
      if (linked) {
        await trx
          .updateTable('app_user')
          .set({ oidc_issuer: identity.issuer, oidc_subject: identity.subject, updated_at: ctx.at })
          .where('id', '=', user.id)
          .execute();
      }
      await recordAudit(trx, audit, { action: 'sign-in.oidc', ...subject, details: { ...details, linked } });
      return { ok: true, userId: user.id } as const;
    });
  }
}

/**
 * The client configuration, discovered at first use rather than at start-up so the service starts
 * (and password sign-in works) while the identity provider is unreachable. A failed discovery is
 * retried on the next attempt.
 */
class OidcClient {
  private pending: Promise<oidc.Configuration> | undefined;

  constructor(
    private readonly settings: NonNullable<Config['oidc']>,
    private readonly allowHttp: boolean,
  ) {}

  configuration(): Promise<oidc.Configuration> {
    this.pending ??= this.discover().catch((err) => {
      this.pending = undefined;
      throw err;
    });
    return this.pending;
  }

  private async discover(): Promise<oidc.Configuration> {
    const options = { timeout: 10, ...(this.allowHttp ? { execute: [oidc.allowInsecureRequests] } : {}) };
    const found = await oidc.discovery(
      new URL(this.settings.issuer),
      this.settings.clientId,
      this.settings.clientSecret,
      undefined,
      options,
    );
    const server = found.serverMetadata();
    // client_secret_basic is the OpenID Connect default; use client_secret_post only where it is all that is offered.
    const methods = server.token_endpoint_auth_methods_supported;
    const auth =
      !methods || methods.includes('client_secret_basic')
        ? oidc.ClientSecretBasic(this.settings.clientSecret)
        : oidc.ClientSecretPost(this.settings.clientSecret);
    const configuration = new oidc.Configuration(
      server,
      this.settings.clientId,
      { client_secret: this.settings.clientSecret },
      auth,
    );
    configuration.timeout = 10;
    if (this.allowHttp) oidc.allowInsecureRequests(configuration);
    return configuration;
  }
}

/** Errors in what the provider or the browser sent back, as opposed to the provider being unreachable. */
function isResponseProblem(err: unknown): boolean {
  return (
    err instanceof oidc.AuthorizationResponseError ||
    err instanceof oidc.ResponseBodyError ||
    err instanceof oidc.WWWAuthenticateChallengeError ||
    (err instanceof oidc.ClientError && err.code !== undefined)
  );
}

export async function registerOidcRoutes(app: FastifyInstance, deps: AppDeps) {
  const settings = deps.config.oidc;
  if (!settings) return;
  const production = deps.config.env === 'production';
  // Plain-HTTP identity providers exist only on developers' and test machines.
  const client = new OidcClient(settings, !production && settings.issuer.startsWith('http:'));
  const service = new OidcSignInService(deps.database.db);
  const redirectUri = `${deps.config.baseUrl}${CALLBACK_PATH}`;
  const cookieOpts = {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: deps.config.session.cookieSecure,
    signed: true,
  };

  const unavailable = (request: FastifyRequest, reply: FastifyReply, err: unknown) => {
    request.log.warn({ err: { message: err instanceof Error ? err.message : String(err) } }, 'identity provider');
    return reply.code(503).page('auth/views/oidc-unavailable.njk');
  };
  const refused = (reply: FastifyReply) =>
    reply.code(400).page('pages/bad-request.njk', {
      message: 'Your sign-in could not be completed. Go back to the sign-in page and try again.',
    });

  app.get('/sign-in/oidc', { config: { public: true, ...SIGN_IN_LIMIT } }, async (request, reply) => {
    if (request.actor) return reply.redirect('/', 303);
    let configuration: oidc.Configuration;
    try {
      configuration = await client.configuration();
    } catch (err) {
      return unavailable(request, reply, err);
    }
    const pending: PendingSignIn = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      verifier: oidc.randomPKCECodeVerifier(),
      expiresAt: deps.clock.now().getTime() + STATE_MAX_AGE_SECONDS * 1000,
    };
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
    });
    reply.setCookie(STATE_COOKIE, JSON.stringify(pending), { ...cookieOpts, maxAge: STATE_MAX_AGE_SECONDS });
    return reply.redirect(url.href, 303);
  });

  app.get(CALLBACK_PATH, { config: { public: true, ...SIGN_IN_LIMIT } }, async (request, reply) => {
    const pending = readPending(request, deps.clock.now());
    reply.clearCookie(STATE_COOKIE, { path: '/' });
    const query = request.query as Record<string, unknown>;
    if (!pending || typeof query.state !== 'string' || query.state !== pending.state) return refused(reply);
    if (typeof query.error === 'string') {
      request.log.info({ code: query.error.slice(0, 50) }, 'identity provider refused the sign-in');
      return refused(reply);
    }
    let identity: OidcIdentity;
    try {
      const configuration = await client.configuration();
      const current = new URL(request.url, deps.config.baseUrl);
      const tokens = await oidc.authorizationCodeGrant(configuration, current, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) return refused(reply);
      let email = typeof claims.email === 'string' ? claims.email : undefined;
      let verified = claims.email_verified === true;
      if (!email) {
        // Providers that follow the specification strictly put scope claims only in UserInfo.
        const info = await oidc.fetchUserInfo(configuration, tokens.access_token, claims.sub);
        email = typeof info.email === 'string' ? info.email : undefined;
        verified = info.email_verified === true;
      }
      identity = {
        issuer: claims.iss,
        subject: claims.sub,
        ...(email ? { email: email.trim() } : {}),
        emailVerified: verified,
        ...(Array.isArray(claims.amr) ? { amr: claims.amr.filter((m) => typeof m === 'string').slice(0, 10) } : {}),
      };
    } catch (err) {
      if (isResponseProblem(err)) {
        request.log.info({ code: (err as { code?: string }).code }, 'identity provider response refused');
        return refused(reply);
      }
      return unavailable(request, reply, err);
    }
    const outcome = await service.signIn(identity, request.ctx());
    if (!outcome.ok) return reply.code(403).page('auth/views/oidc-not-set-up.njk', { reason: outcome.reason });
    if (!deps.finishSignIn) throw new Error('The auth routes must be registered before OpenID Connect');
    return deps.finishSignIn(request, reply, outcome.userId);
  });
}

function readPending(request: FastifyRequest, now: Date): PendingSignIn | undefined {
  const raw = request.cookies[STATE_COOKIE];
  if (!raw) return undefined;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return undefined;
  try {
    const value = JSON.parse(unsigned.value) as Partial<PendingSignIn>;
    if (
      typeof value.state !== 'string' ||
      typeof value.nonce !== 'string' ||
      typeof value.verifier !== 'string' ||
      typeof value.expiresAt !== 'number' ||
      value.expiresAt < now.getTime()
    ) {
      return undefined;
    }
    return value as PendingSignIn;
  } catch {
    return undefined;
  }
}
