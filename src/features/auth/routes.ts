import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import type { AppDeps } from '../../platform/app-deps.ts';
import { recordAudit } from '../../platform/audit.ts';
import { auditContext } from '../../platform/context.ts';
import { formValues, parseForm } from '../../platform/forms.ts';
import { passwordProblem } from '../../platform/passwords.ts';
import { revokeApiTokens } from '../../platform/sessions.ts';
import { totpUri } from '../../platform/totp.ts';
import { describeKeptForm } from './kept-form.ts';
import { ChangePasswordForm, CodeForm, EnrolForm, SignInForm } from './schemas.ts';
import { AuthService } from './service.ts';

/** Secret fields of each form that are not kept across a timeout, so the resume page asks for them again. */
const RETYPE_FIELDS: Record<string, { name: string; label: string; autocomplete: string }[]> = {
  '/account/password': [
    { name: 'currentPassword', label: 'Current password', autocomplete: 'current-password' },
    { name: 'newPassword', label: 'New password', autocomplete: 'new-password' },
    { name: 'confirmPassword', label: 'Confirm new password', autocomplete: 'new-password' },
  ],
};

const SIGN_IN_LIMIT = { rateLimit: { max: 20, timeWindow: '1 minute' } };

export function registerAuthRoutes(app: FastifyInstance, deps: AppDeps) {
  const auth = new AuthService(deps.database.db, deps.clock, deps.config);
  const { sessionCookie, resumeCookie, returnCookie } = deps.cookies;
  const secure = deps.config.session.cookieSecure;
  const cookieOpts = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure };
  const meta = (r: FastifyRequest) => ({ requestId: String(r.id), clientIp: r.ip });

  /** A new session token at every stage change: the old one is useless to anyone who saw it. */
  async function startSession(
    request: FastifyRequest,
    reply: FastifyReply,
    userId: string,
    stage: 'mfa' | 'mfa_setup' | 'full',
  ) {
    await deps.sessions.destroy(request.cookies[sessionCookie]);
    const token = await deps.sessions.create(userId, stage, deps.clock.now(), {
      clientIp: request.ip,
      userAgent: request.headers['user-agent'],
    });
    reply.setCookie(sessionCookie, token, cookieOpts);
  }

  async function finishSignIn(request: FastifyRequest, reply: FastifyReply, userId: string) {
    await startSession(request, reply, userId, 'full');
    if (request.cookies[resumeCookie]) return reply.redirect('/sign-in/resume', 303);
    const back = request.unsignCookie(request.cookies[returnCookie] ?? '');
    reply.clearCookie(returnCookie, { path: '/' });
    const target = back.valid && back.value?.startsWith('/') && !back.value.startsWith('//') ? back.value : '/';
    return reply.redirect(target, 303);
  }
  deps.finishSignIn = finishSignIn;

  app.get('/sign-in', { config: { public: true } }, async (request, reply) => {
    if (request.actor) return reply.redirect('/', 303);
    const timeout = (request.query as Record<string, string>).timeout === '1';
    return reply.page('auth/views/sign-in.njk', { timeout, values: {} });
  });

  app.post('/sign-in', { config: { public: true, ...SIGN_IN_LIMIT } }, async (request, reply) => {
    const form = parseForm(SignInForm, request.body);
    const values = { email: formValues(request.body).email };
    if (!form.ok) return reply.code(400).page('auth/views/sign-in.njk', { errors: form.errors, values });
    const outcome = await auth.checkPassword(form.data.email, form.data.password, meta(request));
    if (!outcome.ok) {
      // A locked account, a wrong password and a client over its limit all get the same words.
      const message =
        outcome.reason === 'disabled'
          ? 'Your account has been switched off. Ask your system administrator'
          : 'Enter a correct email address and password';
      return reply
        .code(outcome.reason === 'throttled' ? 429 : 400)
        .page('auth/views/sign-in.njk', { errors: [{ field: 'email', message }], values });
    }
    if (outcome.next === 'full') return finishSignIn(request, reply, outcome.userId);
    await startSession(request, reply, outcome.userId, outcome.next);
    return reply.redirect(outcome.next === 'mfa' ? '/sign-in/two-factor' : '/sign-in/set-up-two-factor', 303);
  });

  app.get('/sign-in/two-factor', { config: { signInStage: true } }, async (request, reply) => {
    if (request.sessionStage !== 'mfa') return reply.redirect('/sign-in', 303);
    return reply.page('auth/views/two-factor.njk', {});
  });

  app.post('/sign-in/two-factor', { config: { signInStage: true, ...SIGN_IN_LIMIT } }, async (request, reply) => {
    if (request.sessionStage !== 'mfa' || !request.sessionUserId) return reply.redirect('/sign-in', 303);
    const form = parseForm(CodeForm, request.body);
    if (!form.ok) return reply.code(400).page('auth/views/two-factor.njk', { errors: form.errors });
    const method = await auth.checkSecondFactor(request.sessionUserId, form.data.code, meta(request));
    if (!method) {
      return reply.code(400).page('auth/views/two-factor.njk', {
        errors: [
          {
            field: 'code',
            message: 'The code is not correct or has expired. Enter the latest code from your authenticator app',
          },
        ],
      });
    }
    return finishSignIn(request, reply, request.sessionUserId);
  });

  async function enrolmentPage(
    request: FastifyRequest,
    reply: FastifyReply,
    secret: string,
    extra: Record<string, unknown> = {},
  ) {
    const user = await deps.database.db
      .selectFrom('app_user')
      .select('email')
      .where('id', '=', request.sessionUserId!)
      .executeTakeFirstOrThrow();
    const uri = totpUri(secret, user.email);
    const qr = await QRCode.toDataURL(uri, { margin: 1, width: 220 });
    reply.setCookie('ehh_enrol', secret, { ...cookieOpts, signed: true });
    return reply.page('auth/views/set-up-two-factor.njk', { secret, qr, ...extra });
  }

  app.get('/sign-in/set-up-two-factor', { config: { signInStage: true } }, async (request, reply) => {
    if (request.sessionStage !== 'mfa_setup') return reply.redirect('/sign-in', 303);
    return enrolmentPage(request, reply, auth.newPendingSecret());
  });

  app.post(
    '/sign-in/set-up-two-factor',
    { config: { signInStage: true, ...SIGN_IN_LIMIT } },
    async (request, reply) => {
      if (request.sessionStage !== 'mfa_setup' || !request.sessionUserId) return reply.redirect('/sign-in', 303);
      const pending = request.unsignCookie(request.cookies.ehh_enrol ?? '');
      if (!pending.valid || !pending.value) return reply.redirect('/sign-in/set-up-two-factor', 303);
      const form = parseForm(EnrolForm, request.body);
      if (!form.ok) return enrolmentPage(request, reply.code(400), pending.value, { errors: form.errors });
      const result = await auth.confirmEnrolment(request.sessionUserId, pending.value, form.data.code, meta(request));
      if (!result.ok) {
        return enrolmentPage(request, reply.code(400), pending.value, {
          errors: [
            {
              field: 'code',
              message: 'The code is not correct. Check the time on your phone and enter the latest code',
            },
          ],
        });
      }
      reply.clearCookie('ehh_enrol', { path: '/' });
      await startSession(request, reply, request.sessionUserId, 'full');
      return reply.page('auth/views/recovery-codes.njk', { codes: result.recoveryCodes });
    },
  );

  app.get('/sign-in/resume', async (request, reply) => {
    const saved = await auth.takeSavedRequest(request.cookies[resumeCookie], request.actor!.userId);
    reply.clearCookie(resumeCookie, { path: '/' });
    if (!saved) return reply.redirect('/', 303);
    const fields = Object.entries(saved.body).flatMap(([name, v]) =>
      (Array.isArray(v) ? v : [v]).map((value) => ({ name, value: String(value) })),
    );
    const secrets = RETYPE_FIELDS[saved.path] ?? [];
    const kept = await describeKeptForm(deps.database.db, request.actor!, saved.path);
    return reply.page('auth/views/resume.njk', { path: saved.path, fields, secrets, kept });
  });

  // "Stay signed in" in the timeout warning: any signed-in request counts as activity, so this needs no body.
  app.post('/session/keep-alive', async (_request, reply) => reply.code(204).send());

  app.post('/sign-out', { config: { public: true } }, async (request, reply) => {
    const token = request.cookies[sessionCookie];
    if (request.actor) {
      const actor = request.actor;
      await deps.database.db.transaction().execute((trx) =>
        recordAudit(trx, auditContext(request.ctx()), {
          action: 'sign-out',
          recordType: 'user',
          recordId: actor.userId,
        }),
      );
    }
    await deps.sessions.destroy(token);
    reply.clearCookie(sessionCookie, { path: '/' });
    return reply.redirect('/signed-out', 303);
  });

  app.get('/signed-out', { config: { public: true } }, async (request, reply) =>
    reply.page('auth/views/signed-out.njk', {
      everywhere: (request.query as Record<string, string>).everywhere === '1',
    }),
  );

  app.get('/account', async (request, reply) => {
    const actor = request.actor!;
    const sessions = await deps.sessions.countForUser(actor.userId, deps.clock.now());
    const recovery = await auth.remainingRecoveryCodes(actor.userId);
    return reply.page('auth/views/account.njk', { sessions, recovery });
  });

  app.post('/account/sign-out-everywhere', async (request, reply) => {
    const actor = request.actor!;
    const ctx = request.ctx();
    // API tokens end with the sessions: a token made from a stolen session must not outlive it.
    await deps.database.db.transaction().execute(async (trx) => {
      const apiTokensRevoked = await revokeApiTokens(trx, actor.userId, ctx.at);
      await recordAudit(trx, auditContext(ctx), {
        action: 'sign-out.everywhere',
        recordType: 'user',
        recordId: actor.userId,
        details: { apiTokensRevoked },
      });
    });
    await deps.sessions.destroyAllForUser(actor.userId);
    reply.clearCookie(sessionCookie, { path: '/' });
    return reply.redirect('/signed-out?everywhere=1', 303);
  });

  app.get('/account/password', async (_request, reply) => reply.page('auth/views/change-password.njk', {}));

  app.post('/account/password', async (request, reply) => {
    const form = parseForm(ChangePasswordForm, request.body);
    if (!form.ok) return reply.code(400).page('auth/views/change-password.njk', { errors: form.errors });
    const problem = passwordProblem(form.data.newPassword);
    if (problem)
      return reply
        .code(400)
        .page('auth/views/change-password.njk', { errors: [{ field: 'newPassword', message: problem }] });
    const outcome = await auth.changePassword(
      request.actor!.userId,
      form.data.currentPassword,
      form.data.newPassword,
      meta(request),
    );
    if (outcome === 'locked') {
      // Too many wrong passwords: the account is locked and every session has ended, this one included.
      reply.clearCookie(sessionCookie, { path: '/' });
      return reply.redirect('/sign-in', 303);
    }
    if (outcome === 'wrong') {
      return reply.code(400).page('auth/views/change-password.njk', {
        errors: [{ field: 'currentPassword', message: 'Your current password is not correct' }],
      });
    }
    await deps.sessions.destroyOthersForUser(request.actor!.userId, request.cookies[sessionCookie]);
    return reply.page('auth/views/account.njk', {
      flash: 'Your password has been changed. You have been signed out on your other devices',
      sessions: await deps.sessions.countForUser(request.actor!.userId, deps.clock.now()),
      recovery: await auth.remainingRecoveryCodes(request.actor!.userId),
    });
  });
}
