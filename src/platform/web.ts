import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import fastifyView from '@fastify/view';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import nunjucks from 'nunjucks';
import type { Config } from '../config.ts';
import type { Database } from '../db/connection.ts';
import { type Actor, ROLE_LABELS } from './access.ts';
import type { Clock } from './clock.ts';
import type { RequestContext } from './context.ts';
import { HttpError, NotFoundError, UnstorableInputError, ValidationError } from './errors.ts';
import { errorView } from './forms.ts';
import { findUnstorable } from './hostile-input.ts';
import { unreadCount } from './notifications.ts';
import { randomToken, sha256 } from './passwords.ts';
import { PolicyRefusedError, permissions } from './policy.ts';
import { loadActor, type SessionStage, type SessionStore } from './sessions.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    sessionStage: SessionStage | null;
    sessionUserId: string | null;
    expiredSessionUserId: string | null;
    ctx(): RequestContext;
  }
  interface FastifyReply {
    page(template: string, data?: Record<string, unknown>): Promise<FastifyReply>;
  }
  interface FastifyContextConfig {
    /** Reachable without signing in (sign-in pages, health, static pages). */
    public?: boolean;
    /** Reachable part-way through sign-in (second factor, enrolment). */
    signInStage?: boolean;
    /** JSON API route: bearer token, problem documents, no CSRF. */
    api?: boolean;
    /**
     * A file upload (multipart/form-data): its CSRF token is in the body, which is read by the handler, so the
     * handler checks the token itself before reading any file (readUpload in platform/attachments.ts).
     */
    multipartCsrf?: boolean;
  }
}

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
export const SRC_DIR = join(here, '..');
const GOVUK_DIR = dirname(require.resolve('govuk-frontend/package.json'));
const MOJ_DIR = dirname(require.resolve('@ministryofjustice/frontend/package.json'));

export const SESSION_COOKIE = (secure: boolean) => (secure ? '__Host-ehh_session' : 'ehh_session');
const RESUME_COOKIE = 'ehh_resume';
const RETURN_COOKIE = 'ehh_return';
/** As Node's HTTP server would refuse a longer request line with its default header size limit. */
const MAX_URL_LENGTH = 8 * 1024;

export interface WebDeps {
  config: Config;
  database: Database;
  clock: Clock;
  sessions: SessionStore;
  version: string;
}

/** Field names whose values must never be stored or shown again. */
export function isSecretField(name: string): boolean {
  return /password|secret|token/i.test(name);
}

/** 'currentPassword' or 'date_of_birth' → 'Current password', 'Date of birth'. */
export function humanise(s: unknown): unknown {
  if (typeof s !== 'string') return s;
  const words = s
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function isApiRequest(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/') || request.routeOptions.config?.api === true;
}

/**
 * A page's own script asking for JSON (the autosave), not a person's browser asking for a page: signed out, it is
 * told so in JSON, and neither its body is kept nor the ended session forgotten, so the form the person then sends
 * is kept for them.
 */
function wantsJson(request: FastifyRequest): boolean {
  const accept = String(request.headers.accept ?? '');
  return !isApiRequest(request) && accept.includes('application/json') && !accept.includes('text/html');
}

function clientIp(request: FastifyRequest): string {
  return request.ip;
}

export async function registerWebPlatform(app: FastifyInstance, deps: WebDeps) {
  const { config, clock, sessions } = deps;
  const secure = config.session.cookieSecure;
  const sessionCookie = SESSION_COOKIE(secure);

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        objectSrc: ["'none'"],
        upgradeInsecureRequests: secure ? [] : null,
      },
    },
    strictTransportSecurity: secure ? { maxAge: 31536000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onSend', async (request, reply) => {
    if (!request.url.startsWith('/assets/')) reply.header('Cache-Control', 'no-store');
    reply.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
  });

  await app.register(fastifyCookie, { secret: config.session.secret });
  await app.register(fastifyFormbody, { bodyLimit: 1024 * 1024 });
  await app.register(fastifyCsrf, {
    cookieKey: secure ? '__Host-ehh_csrf' : 'ehh_csrf',
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'lax', secure, path: '/' },
    getToken: (req) => (req.body as Record<string, string> | undefined)?._csrf,
  });

  await app.register(fastifyStatic, {
    root: join(GOVUK_DIR, 'dist/govuk/assets'),
    prefix: '/assets/',
    decorateReply: false,
    maxAge: '1d',
  });
  await app.register(fastifyStatic, {
    root: join(GOVUK_DIR, 'dist/govuk'),
    prefix: '/assets/govuk/',
    allowedPath: (p) => /^\/govuk-frontend\.min\.(css|js)(\.map)?$/.test(p),
    decorateReply: false,
    maxAge: '1d',
  });
  await app.register(fastifyStatic, {
    root: join(MOJ_DIR, 'moj'),
    prefix: '/assets/moj/',
    allowedPath: (p) => /^\/(moj-frontend\.min\.css|all\.bundle\.mjs|assets\/images\/.*)$/.test(p),
    decorateReply: false,
    maxAge: '1d',
  });
  await app.register(fastifyStatic, {
    root: join(SRC_DIR, 'platform/assets'),
    prefix: '/assets/app/',
    decorateReply: false,
    maxAge: '1h',
  });

  await app.register(fastifyView, {
    engine: { nunjucks },
    templates: [join(GOVUK_DIR, 'dist'), join(MOJ_DIR), join(SRC_DIR, 'platform/views'), join(SRC_DIR, 'features')],
    options: {
      onConfigure: (env: nunjucks.Environment) => {
        env.addFilter('date', formatDate);
        env.addFilter('dateTime', formatDateTime);
        env.addFilter('roleLabel', (r: keyof typeof ROLE_LABELS) => ROLE_LABELS[r] ?? r);
        env.addFilter('humanise', humanise);
        // Upper-case the first letter only ("Same NHS number"), unlike Nunjucks' capitalize.
        env.addFilter('sentence', (v: string | null) => (v ? v.charAt(0).toUpperCase() + v.slice(1) : ''));
        // NHS numbers are shown 3-3-4, as on NHS cards and letters.
        env.addFilter('nhsNumber', (v: string | null) =>
          v && /^\d{10}$/.test(v) ? `${v.slice(0, 3)} ${v.slice(3, 6)} ${v.slice(6)}` : (v ?? ''),
        );
      },
      autoescape: true,
      trimBlocks: true,
      lstripBlocks: true,
      throwOnUndefined: false,
    },
  });

  app.decorateRequest('actor', null);
  app.decorateRequest('sessionStage', null);
  app.decorateRequest('sessionUserId', null);
  app.decorateRequest('expiredSessionUserId', null);
  app.decorateRequest('ctx', function (this: FastifyRequest): RequestContext {
    return { actor: this.actor, requestId: String(this.id), clientIp: clientIp(this), at: clock.now() };
  });

  app.decorateReply('page', async function (this: FastifyReply, template: string, data: Record<string, unknown> = {}) {
    const request = this.request;
    const csrfToken = this.generateCsrf();
    const errors = data.errors as ValidationError['errors'] | undefined;
    const actor = request.actor
      ? {
          ...request.actor,
          // The header's count; an error page still renders when the database cannot answer.
          unreadNotifications: await unreadCount(deps.database.db, request.actor.userId).catch(() => null),
        }
      : null;
    return this.type('text/html; charset=utf-8').view(template, {
      actor,
      // Menus and tiles ask the access policy: {% if can('audit.history.read') %}.
      can: permissions(actor),
      csrfToken,
      currentPath: request.url.split('?')[0],
      serviceName: 'Early Help Hub',
      version: deps.version,
      oidcEnabled: Boolean(config.oidc),
      oidcButtonText: config.oidc?.buttonText,
      sessionIdleMinutes: config.session.idleMinutes,
      ...(errors ? errorView(errors) : {}),
      ...data,
    });
  });

  // Hostile input is refused once, here, for every route: query, path and body (form or JSON) alike.
  app.addHook('onRequest', async (request) => {
    if (request.url.length > MAX_URL_LENGTH) throw new HttpError(414, 'The address is too long.');
  });
  app.addHook('preValidation', async (request) => {
    const found =
      findUnstorable(request.query) ?? findUnstorable(request.params) ?? findUnstorable(request.body ?? null);
    if (found) throw new UnstorableInputError(found);
  });

  // Load the session and, for a fully signed-in session, the actor.
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/assets/')) return;
    const token = request.cookies[sessionCookie];
    const lookup = await sessions.load(token, clock.now(), { keepExpired: wantsJson(request) });
    if (lookup.status === 'valid') {
      request.sessionStage = lookup.session.stage;
      request.sessionUserId = lookup.session.userId;
      if (lookup.session.stage === 'full') {
        request.actor = await loadActor(deps.database.db, lookup.session.userId, 'session');
        if (!request.actor) {
          await sessions.destroy(token);
          request.sessionStage = null;
          request.sessionUserId = null;
        }
      }
    } else if (lookup.status === 'expired') {
      request.expiredSessionUserId = lookup.userId;
      if (!wantsJson(request)) reply.clearCookie(sessionCookie, { path: '/' });
    }
  });

  // Deny by default: every route needs a full session unless it says otherwise.
  app.addHook('preHandler', async (request, reply) => {
    const cfg = request.routeOptions.config ?? {};
    if (!request.routeOptions.url || request.url.startsWith('/assets/')) return;
    if (cfg.api) return; // the API plugin authenticates bearer tokens itself
    const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(request.method);
    if (unsafe && !cfg.multipartCsrf) {
      await new Promise<void>((resolve, reject) => {
        app.csrfProtection(request, reply, (err?: Error) => (err ? reject(err) : resolve()));
      });
      if (reply.sent) return;
    }
    if (cfg.public) return;
    if (cfg.signInStage && request.sessionStage && request.sessionStage !== 'full') return;
    if (request.actor) return;
    if (wantsJson(request)) {
      return reply.code(401).type('application/json').send({
        signedOut: true,
        message:
          'You have been signed out, so this was not saved automatically. Use “Save and come back later”: what you typed is kept for you to send after you sign in again.',
      });
    }
    // A form posted after the session ended is kept for the same user, to be offered back after sign-in.
    if (
      unsafe &&
      !cfg.multipartCsrf &&
      request.expiredSessionUserId &&
      request.body &&
      typeof request.body === 'object'
    ) {
      const resumeToken = randomToken();
      const now = clock.now();
      // Passwords, codes and tokens are never kept: the user types them again after signing in.
      const body = Object.fromEntries(
        Object.entries(request.body as Record<string, unknown>).filter(([k]) => k !== '_csrf' && !isSecretField(k)),
      );
      await deps.database.db
        .insertInto('saved_request')
        .values({
          id: sha256(resumeToken),
          user_id: request.expiredSessionUserId,
          path: request.url.split('?')[0] ?? '/',
          body: JSON.stringify(body),
          created_at: now,
          expires_at: new Date(now.getTime() + 24 * 3600_000),
        })
        .execute();
      reply.setCookie(RESUME_COOKIE, resumeToken, { path: '/', httpOnly: true, sameSite: 'lax', secure });
    }
    if (request.method === 'GET' && !request.url.startsWith('/sign-')) {
      reply.setCookie(RETURN_COOKIE, request.url.slice(0, 500), {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure,
        signed: true,
      });
    }
    const timedOut = request.expiredSessionUserId ? '?timeout=1' : '';
    return reply.redirect(`/sign-in${timedOut}`, 303);
  });

  app.setNotFoundHandler(async (request, reply) => {
    if (isApiRequest(request) || request.url.startsWith('/openreferral')) {
      return reply
        .code(404)
        .type('application/problem+json')
        .send(problem(404, 'Not Found', 'There is nothing here.'));
    }
    reply.code(404);
    return reply.page('pages/not-found.njk');
  });

  app.setErrorHandler(async (error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const api = isApiRequest(request) || request.url.startsWith('/openreferral');
    let status = error instanceof HttpError ? error.status : (error.statusCode ?? 500);
    if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET') status = 403;
    if (status >= 500) {
      request.log.error({ err: { message: error.message, stack: error.stack, code: error.code } }, 'request failed');
    } else {
      request.log.info({ status, code: error.code }, 'request refused');
    }
    reply.code(status);
    if (api) {
      const body = problem(
        status,
        statusTitle(status),
        status >= 500
          ? 'Something went wrong. Quote the request id if you report this.'
          : // A page's wording ("Page not found") means nothing to an integrator.
            error instanceof NotFoundError && error.message === 'Page not found'
            ? 'There is nothing here, or nothing this token may see.'
            : publicMessage(error, status),
      );
      if (error instanceof ValidationError) body.errors = error.errors;
      if (error.code === 'FST_ERR_VALIDATION' && 'validation' in error) body.errors = error.validation;
      body.requestId = String(request.id);
      // RFC 6750: every 401 from the API names the scheme it expects.
      if (status === 401) reply.header('WWW-Authenticate', 'Bearer realm="Early Help Hub"');
      return reply.type('application/problem+json').send(body);
    }
    if (status === 404) return reply.page('pages/not-found.njk');
    if (status === 403 && (error.code ?? '').startsWith('FST_CSRF')) {
      return reply.page('pages/csrf.njk');
    }
    if (status === 403) {
      return reply.page('pages/forbidden.njk', error instanceof PolicyRefusedError ? { reason: error.reason } : {});
    }
    if (error instanceof UnstorableInputError)
      return reply.page('pages/unstorable-input.njk', { reason: error.reason });
    if (status < 500) return reply.page('pages/bad-request.njk', { message: publicMessage(error, status) });
    return reply.page('pages/error.njk', { requestId: request.id });
  });

  return { sessionCookie, resumeCookie: RESUME_COOKIE, returnCookie: RETURN_COOKIE };
}

function publicMessage(error: Error & { code?: string }, status: number): string {
  if (error instanceof HttpError) return error.message;
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return 'The request body is too large.';
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'This content type is not accepted.';
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY')
    return 'The request body is not valid JSON.';
  if (status === 400) return 'The request could not be understood.';
  return statusTitle(status);
}

export function statusTitle(status: number): string {
  return (
    {
      400: 'Bad Request',
      401: 'Unauthorized',
      403: 'Forbidden',
      404: 'Not Found',
      405: 'Method Not Allowed',
      409: 'Conflict',
      413: 'Content Too Large',
      414: 'URI Too Long',
      415: 'Unsupported Media Type',
      422: 'Unprocessable Content',
      429: 'Too Many Requests',
    }[status] ?? (status >= 500 ? 'Internal Server Error' : 'Error')
  );
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  [key: string]: unknown;
}

export function problem(status: number, title: string, detail: string): Problem {
  return { type: 'about:blank', title, status, detail };
}

export function newRequestId(): string {
  return randomUUID();
}

const DATE_FMT = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const DATE_TIME_FMT = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  hour12: true,
  timeZone: 'Europe/London',
});

export function formatDate(value: string | Date | null | undefined): string {
  if (!value) return '';
  const d = typeof value === 'string' ? new Date(`${value.slice(0, 10)}T00:00:00Z`) : value;
  return Number.isNaN(d.getTime()) ? '' : DATE_FMT.format(d);
}

export function formatDateTime(value: string | Date | null | undefined): string {
  if (!value) return '';
  const d = typeof value === 'string' ? new Date(value) : value;
  return Number.isNaN(d.getTime()) ? '' : DATE_TIME_FMT.format(d).replace(' am', 'am').replace(' pm', 'pm');
}
