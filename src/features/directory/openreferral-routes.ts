import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../../platform/app-deps.ts';
import { HttpError, ValidationError } from '../../platform/errors.ts';
import { problem, statusTitle } from '../../platform/web.ts';
import { OpenReferralService } from './openreferral-service.ts';
import { parseApiQuery } from './oruk.ts';

const PREFIX = '/openreferral';
const OPENAPI = readFileSync(new URL('./openreferral-openapi.json', import.meta.url), 'utf8');

const LIST_PARAMS = [
  'search',
  'page',
  'per_page',
  'taxonomy_term_id',
  'taxonomy_id',
  'organization_id',
  'minimum_age',
  'maximum_age',
  'start_time',
  'end_time',
  'day',
  'modified_after',
] as const;
const PAGE_PARAMS = ['page', 'per_page'] as const;

/**
 * The Open Referral UK 3.0 API: open without keys, CORS for any origin, throttled per client, and
 * answering every bad request with a problem document rather than a page or a stack trace.
 */
export async function registerOpenReferralRoutes(app: FastifyInstance, deps: AppDeps) {
  const api = new OpenReferralService(deps.database.reader, () => deps.clock.now());
  const config = { public: true, rateLimit: { max: 600, timeWindow: '1 minute' } };

  // At the root, so the header is on every answer under the prefix, the platform's 404 included.
  app.addHook('onSend', async (request, reply) => {
    if (request.url === PREFIX || request.url.startsWith(`${PREFIX}/`) || request.url.startsWith(`${PREFIX}?`)) {
      reply.header('Access-Control-Allow-Origin', '*');
    }
  });

  await app.register(
    async (scope) => {
      scope.setErrorHandler(async (error: Error & { statusCode?: number }, request, reply) => {
        const status = error instanceof HttpError ? error.status : (error.statusCode ?? 500);
        if (status >= 500) request.log.error({ err: { message: error.message, stack: error.stack } }, 'request failed');
        const body = problem(
          status,
          statusTitle(status),
          status >= 500
            ? 'Something went wrong. Quote the request id if you report this.'
            : error instanceof HttpError
              ? error.message === 'There is a problem'
                ? 'One or more query parameters are not valid.'
                : error.message
              : 'The request could not be understood.',
        );
        if (error instanceof ValidationError) body.errors = error.errors;
        body.requestId = String(request.id);
        return reply.code(status).type('application/problem+json').send(body);
      });

      const json = (reply: FastifyReply, body: unknown) => reply.type('application/json; charset=utf-8').send(body);
      const query = (request: FastifyRequest, allowed: ReadonlyArray<string>) => {
        const parsed = parseApiQuery(request.query as Record<string, unknown>, allowed);
        if (!parsed.ok) throw new ValidationError(parsed.errors);
        return parsed.value;
      };

      scope.options('/*', { config }, async (request, reply) => {
        reply.header('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS');
        const asked = request.headers['access-control-request-headers'];
        reply.header('Access-Control-Allow-Headers', typeof asked === 'string' ? asked.slice(0, 500) : 'Accept');
        reply.header('Access-Control-Max-Age', '86400');
        return reply.code(204).send();
      });
      scope.options('/', { config }, async (_request, reply) => {
        reply.header('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS');
        reply.header('Access-Control-Max-Age', '86400');
        return reply.code(204).send();
      });

      scope.get('/', { config }, async (_request, reply) =>
        json(reply, {
          version: '3.0',
          profile: 'https://openreferraluk.org/',
          openapi_url: `${deps.config.baseUrl}${PREFIX}/openapi.json`,
        }),
      );
      scope.get('/openapi.json', { config }, async (_request, reply) => json(reply, OPENAPI));

      scope.get('/services', { config }, async (request, reply) =>
        json(reply, await api.services(query(request, LIST_PARAMS))),
      );
      scope.get<{ Params: { id: string } }>('/services/:id', { config }, async (request, reply) =>
        json(reply, await api.service(request.params.id)),
      );
      scope.get('/service_at_locations', { config }, async (request, reply) =>
        json(reply, await api.serviceAtLocations(query(request, [...LIST_PARAMS, 'postcode', 'proximity']))),
      );
      scope.get<{ Params: { id: string } }>('/service_at_locations/:id', { config }, async (request, reply) =>
        json(reply, await api.serviceAtLocation(request.params.id)),
      );
      scope.get('/taxonomies', { config }, async (request, reply) =>
        json(reply, await api.taxonomies(query(request, PAGE_PARAMS))),
      );
      scope.get<{ Params: { id: string } }>('/taxonomies/:id', { config }, async (request, reply) =>
        json(reply, await api.taxonomy(request.params.id)),
      );
      scope.get('/taxonomy_terms', { config }, async (request, reply) =>
        json(reply, await api.taxonomyTerms(query(request, [...PAGE_PARAMS, 'taxonomy_id']))),
      );
      scope.get<{ Params: { id: string } }>('/taxonomy_terms/:id', { config }, async (request, reply) =>
        json(reply, await api.taxonomyTerm(request.params.id)),
      );
    },
    { prefix: PREFIX },
  );
}
