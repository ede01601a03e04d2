import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ROLE_LABELS } from '../../platform/access.ts';
import type { AppDeps } from '../../platform/app-deps.ts';
import { ConflictError, NotFoundError } from '../../platform/errors.ts';
import { asArray, formValues, parseForm } from '../../platform/forms.ts';
import { sha256 } from '../../platform/passwords.ts';
import { AuthService } from '../auth/service.ts';
import { expiryChoices, expiryText, ownTokenForm, ServiceAccountForm, tokenForm, UUID_PATTERN } from './schemas.ts';
import { ServiceAccountService, TokenService } from './service.ts';

type IdParams = { Params: { id: string } };
type TokenParams = { Params: { id: string; tokenId: string } };
type DoneQuery = { Querystring: { done?: string } };

const FLASH: Record<string, string> = {
  revoked: 'The token has been revoked. It can no longer be used',
  created: 'The service account has been created. Issue a token for it below',
};

/** A record id from the URL; anything that is not a UUID cannot be a record, so it is "not found". */
function recordId(value: string): string {
  if (!UUID_PATTERN.test(value)) throw new NotFoundError();
  return value;
}

function flash(request: FastifyRequest<DoneQuery>): string | undefined {
  return FLASH[request.query.done ?? ''];
}

/** Pages where people manage API tokens: their own, and (for system administrators) service accounts'. */
export function registerTokenPages(app: FastifyInstance, deps: AppDeps) {
  const maxDays = deps.config.apiTokens.maxDays;
  const tokens = new TokenService(deps.database.db, deps.clock, maxDays);
  const accounts = new ServiceAccountService(deps.database.db, deps.clock, maxDays);
  const auth = new AuthService(deps.database.db, deps.clock, deps.config);
  const now = () => deps.clock.now();
  const expiryOptions = expiryChoices(maxDays).map((d) => ({ value: String(d), text: expiryText(d) }));
  const OwnTokenForm = ownTokenForm(maxDays);
  const TokenForm = tokenForm(maxDays);
  /**
   * Someone who signs in only through their organisation has no password to give again: instead their
   * session must have started within the last few minutes.
   */
  const RECENT_MINUTES = 10;
  async function reauthentication(request: FastifyRequest) {
    const db = deps.database.db;
    const user = await db
      .selectFrom('app_user')
      .select('password_hash')
      .where('id', '=', request.actor!.userId)
      .executeTakeFirst();
    const token = request.cookies[deps.cookies.sessionCookie];
    const session = token
      ? await db.selectFrom('user_session').select('created_at').where('id', '=', sha256(token)).executeTakeFirst()
      : undefined;
    const recent = !!session && now().getTime() - session.created_at.getTime() <= RECENT_MINUTES * 60_000;
    return { askPassword: !!user?.password_hash, recent };
  }
  /** What was typed, to show again: never the password. */
  const typed = (body: unknown) => {
    const { password: _password, ...values } = formValues(body);
    return values;
  };

  async function ownTokensPage(request: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}) {
    return reply.page('api/views/tokens.njk', {
      tokens: await tokens.listOwn(request.ctx()),
      expiryOptions,
      maxDays,
      recentMinutes: RECENT_MINUTES,
      askPassword: (await reauthentication(request)).askPassword,
      values: { expiry: String(maxDays) },
      now: now(),
      ...extra,
    });
  }

  app.get<DoneQuery>('/account/api-tokens', async (request, reply) =>
    ownTokensPage(request, reply, { flash: flash(request) }),
  );

  app.post('/account/api-tokens', async (request, reply) => {
    const reauth = await reauthentication(request);
    const form = reauth.askPassword
      ? parseForm(OwnTokenForm, request.body)
      : parseForm(TokenForm.extend({ password: z.undefined().catch(undefined) }), request.body);
    if (!form.ok) {
      return ownTokensPage(request, reply.code(400), { errors: form.errors, values: typed(request.body) });
    }
    if (!reauth.askPassword && !reauth.recent) {
      return ownTokensPage(request, reply.code(400), {
        errors: [
          {
            field: 'name',
            message: `Sign out and sign in again, then create the token within ${RECENT_MINUTES} minutes of signing in`,
          },
        ],
        values: typed(request.body),
      });
    }
    // A token outlives the session that made it, so whoever makes one gives the password again. A wrong
    // password counts toward the lockout; at the limit every session ends, this one included.
    const password = form.data.password;
    const check =
      password === undefined
        ? 'ok'
        : await auth.reauthenticate(
            request.actor!.userId,
            password,
            { requestId: String(request.id), clientIp: request.ip },
            'api-token.create-refused',
          );
    if (check === 'locked') {
      reply.clearCookie(deps.cookies.sessionCookie, { path: '/' });
      return reply.redirect('/sign-in', 303);
    }
    if (check === 'wrong') {
      return ownTokensPage(request, reply.code(400), {
        errors: [{ field: 'password', message: 'Your password is not correct' }],
        values: typed(request.body),
      });
    }
    const issued = await tokens.createOwn(request.ctx(), { name: form.data.name, expiresInDays: form.data.expiry });
    return reply.page('api/views/token-created.njk', {
      token: issued.token,
      record: issued.record,
      serverUrl: deps.config.baseUrl,
      backHref: '/account/api-tokens',
      backText: 'Back to your API tokens',
    });
  });

  app.post<TokenParams>('/account/api-tokens/:tokenId/revoke', async (request, reply) => {
    await tokens.revokeOwn(request.ctx(), recordId(request.params.tokenId));
    return reply.redirect('/account/api-tokens?done=revoked', 303);
  });

  // ---- service accounts (system administrators)

  app.get('/admin/service-accounts', async (request, reply) =>
    reply.page('api/views/service-accounts.njk', { accounts: await accounts.list(request.ctx()) }),
  );

  async function newAccountPage(request: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}) {
    return reply.page('api/views/service-account-new.njk', {
      organisations: await accounts.organisations(request.ctx()),
      roleOptions: Object.entries(ROLE_LABELS).map(([value, text]) => ({ value, text })),
      values: {},
      ...extra,
    });
  }

  app.get('/admin/service-accounts/new', async (request, reply) => newAccountPage(request, reply));

  app.post('/admin/service-accounts', async (request, reply) => {
    const values = { ...formValues(request.body), roles: asArray((request.body as Record<string, unknown>)?.roles) };
    const form = parseForm(ServiceAccountForm, request.body);
    if (!form.ok) return newAccountPage(request, reply.code(400), { errors: form.errors, values });
    try {
      const id = await accounts.create(request.ctx(), form.data);
      return reply.redirect(`/admin/service-accounts/${id}?done=created`, 303);
    } catch (err) {
      if (err instanceof ConflictError) {
        return newAccountPage(request, reply.code(400), {
          errors: [{ field: 'identifier', message: err.message }],
          values,
        });
      }
      if (err instanceof NotFoundError) {
        return newAccountPage(request, reply.code(400), {
          errors: [{ field: 'organisationId', message: 'Select an organisation' }],
          values,
        });
      }
      throw err;
    }
  });

  async function accountPage(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    extra: Record<string, unknown> = {},
  ) {
    const detail = await accounts.get(request.ctx(), id);
    return reply.page('api/views/service-account.njk', {
      ...detail,
      expiryOptions,
      maxDays,
      values: { expiry: String(maxDays) },
      ...extra,
    });
  }

  app.get<IdParams & DoneQuery>('/admin/service-accounts/:id', async (request, reply) =>
    accountPage(request, reply, recordId(request.params.id), { flash: flash(request) }),
  );

  app.post<IdParams>('/admin/service-accounts/:id/tokens', async (request, reply) => {
    const id = recordId(request.params.id);
    const form = parseForm(TokenForm, request.body);
    if (!form.ok) {
      return accountPage(request, reply.code(400), id, { errors: form.errors, values: formValues(request.body) });
    }
    try {
      const issued = await accounts.issue(request.ctx(), id, {
        name: form.data.name,
        expiresInDays: form.data.expiry,
      });
      return reply.page('api/views/token-created.njk', {
        token: issued.token,
        record: issued.record,
        serverUrl: deps.config.baseUrl,
        backHref: `/admin/service-accounts/${id}`,
        backText: 'Back to the service account',
      });
    } catch (err) {
      if (err instanceof ConflictError) {
        return accountPage(request, reply.code(400), id, {
          errors: [{ field: 'name', message: err.message }],
          values: formValues(request.body),
        });
      }
      throw err;
    }
  });

  app.post<TokenParams>('/admin/service-accounts/:id/tokens/:tokenId/revoke', async (request, reply) => {
    const id = recordId(request.params.id);
    await accounts.revoke(request.ctx(), id, recordId(request.params.tokenId));
    return reply.redirect(`/admin/service-accounts/${id}?done=revoked`, 303);
  });
}
