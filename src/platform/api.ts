import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Database } from '../db/connection.ts';
import type { Role } from '../db/schema.ts';
import { type Actor, requireRole } from './access.ts';
import type { Clock } from './clock.ts';
import type { RequestContext } from './context.ts';
import { type FieldError, UnprocessableError, ValidationError } from './errors.ts';
import { sha256 } from './passwords.ts';
import type { Action } from './policy.ts';
import { loadTokenActor } from './sessions.ts';
import { problem } from './web.ts';

/**
 * The JSON API platform: one call declares a route, validates its input with zod, authenticates its
 * bearer token and records it for the OpenAPI document, so the documentation cannot drift from the code.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What defineApiRoute needs from the composition root; the same object identifies one app's registry. */
export interface ApiDeps {
  database: Database;
  clock: Clock;
}

export type AuthedContext = RequestContext & { actor: Actor };

type Empty = z.ZodObject<Record<string, never>>;

export interface ApiRouteSpec<
  A extends boolean,
  P extends z.ZodType,
  Q extends z.ZodType,
  B extends z.ZodType,
  R extends z.ZodType,
> {
  method: HttpMethod;
  /** Fastify style, e.g. '/api/v1/organisations/:id'. */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  operationId?: string;
  auth: A;
  params?: P;
  query?: Q;
  body?: B;
  response: R;
  /** Success status; 200 unless the route creates something. */
  status?: number;
  /** When the route answers 422 (see `recordRules`): what makes a well-formed request unprocessable. */
  unprocessable?: string;
  /** Roles that may call it: checked before the request is read, so other roles are refused, not told what is wrong. */
  roles?: Role[];
  /**
   * The access-policy action it performs, if ROUTES in src/platform/policy.ts does not list it (there, the action's
   * roles are checked before the handler runs; `roles` above stays as a second check and must agree).
   */
  action?: Action;
  handler(
    ctx: A extends true ? AuthedContext : RequestContext,
    input: { params: z.output<P>; query: z.output<Q>; body: z.output<B> },
  ): Promise<z.input<R>> | z.input<R>;
}

export interface ApiRouteRecord {
  method: HttpMethod;
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  operationId: string;
  auth: boolean;
  status: number;
  unprocessable?: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  response: z.ZodType;
}

// Keyed by the deps object every feature receives, so routes declared inside encapsulated Fastify
// scopes still land in the one registry of their app, and two apps in one process never share one.
const registries = new WeakMap<object, ApiRouteRecord[]>();

export function apiRoutes(deps: object): readonly ApiRouteRecord[] {
  return registries.get(deps) ?? [];
}

function register(deps: object, record: ApiRouteRecord) {
  const list = registries.get(deps) ?? [];
  if (list.some((r) => r.method === record.method && r.path === record.path)) {
    throw new Error(`API route ${record.method} ${record.path} is declared twice`);
  }
  if (list.some((r) => r.operationId === record.operationId)) {
    throw new Error(`API operationId ${record.operationId} is used twice`);
  }
  list.push(record);
  registries.set(deps, list);
}

export function defineApiRoute<
  A extends boolean,
  P extends z.ZodType = Empty,
  Q extends z.ZodType = Empty,
  B extends z.ZodType = Empty,
  R extends z.ZodType = z.ZodType,
>(app: FastifyInstance, deps: ApiDeps, spec: ApiRouteSpec<A, P, Q, B, R>): void {
  const record: ApiRouteRecord = {
    method: spec.method,
    path: spec.path,
    summary: spec.summary,
    tags: spec.tags,
    operationId: spec.operationId ?? defaultOperationId(spec.method, spec.path),
    auth: spec.auth,
    status: spec.status ?? 200,
    response: spec.response,
    ...(spec.description ? { description: spec.description } : {}),
    ...(spec.unprocessable ? { unprocessable: spec.unprocessable } : {}),
    ...(spec.params ? { params: spec.params } : {}),
    ...(spec.query ? { query: spec.query } : {}),
    ...(spec.body ? { body: spec.body } : {}),
  };
  register(deps, record);

  app.route({
    method: spec.method,
    url: spec.path,
    config: { api: true, ...(spec.action ? { action: spec.action } : {}) },
    // The session hook may have found a browser session; an API request acts only through its token,
    // because API routes skip CSRF checks and a cookie must never stand in for a token.
    onRequest: async (request, reply) => {
      request.actor = null;
      if (!spec.auth) return;
      const outcome = await authenticateBearer(deps, request.headers.authorization);
      if (!outcome.ok) return sendUnauthorized(request, reply, outcome.reason);
      request.actor = outcome.actor;
    },
    handler: async (request, reply) => {
      if (spec.roles) requireRole(request.actor, ...spec.roles);
      const errors: ApiFieldError[] = [];
      const params = parsePart(spec.params, request.params, 'path', errors);
      const query = parsePart(spec.query, request.query, 'query', errors);
      const body = parsePart(spec.body, request.body, 'body', errors);
      if (errors.length) throw new ValidationError(errors, 'The request has problems: see errors');
      const ctx = request.ctx();
      const result = await spec.handler(ctx as A extends true ? AuthedContext : RequestContext, {
        params: params as z.output<P>,
        query: query as z.output<Q>,
        body: body as z.output<B>,
      });
      // Parsing the result keeps the response to the documented shape: unknown fields are dropped.
      return reply.code(record.status).send(spec.response.parse(result));
    },
  });
}

/**
 * Runs what a route asks of a service under the record's rules: a ValidationError from the service (or from the
 * page's form rules the route reuses) answers 422 with the same `errors`, so a client can tell a request the record's
 * rules refuse from a malformed one (400, found by the route's schemas before the service is asked).
 */
export async function recordRules<T>(call: () => Promise<T> | T, detail?: string): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof ValidationError && !(err instanceof UnprocessableError)) {
      const said = err.errors.map((e) => (/[.!?]$/.test(e.message) ? e.message : `${e.message}.`)).join(' ');
      throw new UnprocessableError(err.errors, detail ?? (said || err.message));
    }
    throw err;
  }
}

/** A field error that also says where the field was: path, query or body. */
export interface ApiFieldError extends FieldError {
  in: 'path' | 'query' | 'body';
}

function parsePart(
  schema: z.ZodType | undefined,
  value: unknown,
  where: ApiFieldError['in'],
  errors: ApiFieldError[],
): unknown {
  if (!schema) return {};
  const result = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (result.success) return result.data;
  const seen = new Set<string>();
  for (const issue of result.error.issues) {
    const field = issue.path.map(String).join('.') || where;
    if (seen.has(field)) continue;
    seen.add(field);
    errors.push({ field, message: issue.message, in: where });
  }
  return undefined;
}

export function defaultOperationId(method: HttpMethod, path: string): string {
  const words = path
    .replace(/^\/api\/v\d+\//, '')
    .split('/')
    .filter(Boolean)
    .map((part) => (part.startsWith(':') ? `by-${part.slice(1)}` : part))
    .flatMap((part) => part.split(/[^A-Za-z0-9]+/))
    .filter(Boolean);
  return [method.toLowerCase(), ...words.map((w) => w.charAt(0).toUpperCase() + w.slice(1))].join('');
}

// ---------------------------------------------------------------------------------------------
// Bearer tokens

export const TOKEN_PREFIX = 'ehh_';
/** `ehh_` and 32 random bytes in base64url: anything else is refused without a database lookup. */
const TOKEN_SHAPE = /^ehh_[A-Za-z0-9_-]{43}$/;
/** last_used_at is written at most this often per token, so busy integrations do not write on every call. */
export const LAST_USED_PRECISION_MS = 60_000;

export type BearerOutcome = { ok: true; actor: Actor; tokenId: string } | { ok: false; reason: 'missing' | 'invalid' };

export function readBearer(header: string | undefined): string | undefined {
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

export async function authenticateBearer(deps: ApiDeps, header: string | undefined): Promise<BearerOutcome> {
  const token = readBearer(header);
  if (!token) return { ok: false, reason: 'missing' };
  if (!TOKEN_SHAPE.test(token)) return { ok: false, reason: 'invalid' };
  const { db } = deps.database;
  const now = deps.clock.now();
  const row = await loadTokenActor(db, sha256(token));
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return { ok: false, reason: 'invalid' };
  if (!row.actor) return { ok: false, reason: 'invalid' };
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_PRECISION_MS) {
    await db.updateTable('api_token').set({ last_used_at: now }).where('id', '=', row.tokenId).execute();
  }
  return { ok: true, actor: row.actor, tokenId: row.tokenId };
}

function sendUnauthorized(request: FastifyRequest, reply: FastifyReply, reason: 'missing' | 'invalid') {
  // RFC 6750: no error code when no credentials were sent; invalid_token when they were but failed.
  const challenge =
    reason === 'missing' ? 'Bearer realm="Early Help Hub"' : 'Bearer realm="Early Help Hub", error="invalid_token"';
  const detail =
    reason === 'missing'
      ? 'Send an API token in the Authorization header: Authorization: Bearer <token>.'
      : 'The API token is not valid: it may be mistyped, revoked or expired.';
  return reply
    .code(401)
    .header('WWW-Authenticate', challenge)
    .type('application/problem+json')
    .send({ ...problem(401, 'Unauthorized', detail), requestId: String(request.id) });
}

// ---------------------------------------------------------------------------------------------
// OpenAPI 3.1

type JsonSchema = Record<string, unknown>;

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
  serverUrl: string;
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  delete out.$schema;
  return io === 'output' ? openResponses(out) : out;
}

/** Responses may gain fields in a minor version, so clients must not be told that extra fields are invalid. */
function openResponses(value: unknown): JsonSchema {
  if (Array.isArray(value)) return value.map(openResponses) as unknown as JsonSchema;
  if (!value || typeof value !== 'object') return value as JsonSchema;
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'additionalProperties' && v === false) continue;
    out[k] = openResponses(v);
  }
  return out;
}

const PROBLEM_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'A problem document (RFC 9457).',
  properties: {
    type: { type: 'string', examples: ['about:blank'] },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    requestId: { type: 'string', description: 'Quote this when reporting a problem.' },
    errors: {
      type: 'array',
      description: 'Present on 400 and 422: one entry per field that is wrong.',
      items: {
        type: 'object',
        properties: {
          field: { type: 'string' },
          in: { type: 'string', enum: ['path', 'query', 'body'] },
          message: { type: 'string' },
        },
        required: ['field', 'message'],
      },
    },
  },
  required: ['type', 'title', 'status', 'detail'],
};

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

/** Turns an object schema into OpenAPI parameters, one per property. */
function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const s = jsonSchema(schema, 'input');
  const properties = (s.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((s.required ?? []) as string[]);
  return Object.entries(properties).map(([name, prop]) => {
    const { description, ...rest } = prop;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

export function buildOpenApiDocument(routes: readonly ApiRouteRecord[], info: OpenApiInfo): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const tags = new Set<string>();
  for (const r of [...routes].sort((a, b) => a.path.localeCompare(b.path))) {
    for (const t of r.tags) tags.add(t);
    const responses: Record<string, unknown> = {
      [String(r.status)]: {
        description: 'Success',
        content: { 'application/json': { schema: jsonSchema(r.response, 'output') } },
      },
    };
    if (r.params || r.query || r.body) {
      responses['400'] = problemResponse('The request has problems; `errors` names each field.');
    }
    if (r.unprocessable) responses['422'] = problemResponse(r.unprocessable);
    if (r.auth) responses['401'] = problemResponse('No API token, or one that is not valid, revoked or expired.');
    responses['404'] = problemResponse('Nothing here, or nothing this token may see.');
    const operation: Record<string, unknown> = {
      operationId: r.operationId,
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      tags: r.tags,
      security: r.auth ? [{ bearerAuth: [] }] : [],
      parameters: [...parameters(r.params, 'path'), ...parameters(r.query, 'query')],
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(r.body, 'input') } },
            },
          }
        : {}),
      responses,
    };
    const key = openApiPath(r.path);
    paths[key] = { ...(paths[key] ?? {}), [r.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: info.title,
      version: info.version,
      ...(info.description ? { description: info.description } : {}),
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: info.serverUrl }],
    tags: [...tags].sort().map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API token (`ehh_…`) from Your account › API tokens, or a service account’s token.',
        },
      },
      schemas: { Problem: PROBLEM_SCHEMA },
    },
  };
}
