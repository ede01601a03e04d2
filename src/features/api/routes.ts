import type { FastifyInstance } from 'fastify';
import { apiRoutes, buildOpenApiDocument, defineApiRoute } from '../../platform/api.ts';
import type { AppDeps } from '../../platform/app-deps.ts';
import { docSections } from './docs.ts';
import { registerTokenPages } from './pages.ts';
import {
  AreaList,
  IdParams,
  Me,
  OpenApiDocument,
  Organisation,
  OrganisationList,
  OrganisationQuery,
  TeamList,
  TeamQuery,
} from './schemas.ts';
import { ReferenceService } from './service.ts';

export async function registerApiRoutes(app: FastifyInstance, deps: AppDeps) {
  const reference = new ReferenceService(deps.database.reader);

  defineApiRoute(app, deps, {
    method: 'GET',
    path: '/api/v1/me',
    summary: 'The user or service account the token belongs to',
    tags: ['Account'],
    auth: true,
    response: Me,
    handler: (ctx) => reference.me(ctx.actor),
  });

  defineApiRoute(app, deps, {
    method: 'GET',
    path: '/api/v1/organisations',
    summary: 'List organisations in the partnership, a page at a time',
    tags: ['Partnership'],
    auth: true,
    query: OrganisationQuery,
    response: OrganisationList,
    handler: (_ctx, { query }) => reference.organisations(query),
  });

  defineApiRoute(app, deps, {
    method: 'GET',
    path: '/api/v1/organisations/:id',
    summary: 'One organisation',
    tags: ['Partnership'],
    auth: true,
    params: IdParams,
    response: Organisation,
    handler: (_ctx, { params }) => reference.organisation(params.id),
  });

  defineApiRoute(app, deps, {
    method: 'GET',
    path: '/api/v1/areas',
    summary: 'List areas, clusters and localities',
    tags: ['Partnership'],
    auth: true,
    response: AreaList,
    handler: () => reference.areas(),
  });

  defineApiRoute(app, deps, {
    method: 'GET',
    path: '/api/v1/teams',
    summary: 'List teams, optionally of one organisation',
    tags: ['Partnership'],
    auth: true,
    query: TeamQuery,
    response: TeamList,
    handler: (_ctx, { query }) => reference.teams(query),
  });

  // Every feature has declared its routes before the app is ready, so the document is built once, on first use.
  let document: Record<string, unknown> | undefined;
  const openApi = () => {
    document ??= buildOpenApiDocument(apiRoutes(deps), {
      title: 'Early Help Hub API',
      version: deps.version,
      description:
        'The JSON API of Early Help Hub. Send an API token as `Authorization: Bearer <token>`. ' +
        'Errors are problem documents (RFC 9457); a 400 lists each wrong field in `errors`.',
      serverUrl: deps.config.baseUrl,
    });
    return document;
  };

  defineApiRoute(app, deps, {
    method: 'GET',
    path: '/api/v1/openapi.json',
    summary: 'This API described in OpenAPI 3.1',
    tags: ['Documentation'],
    auth: false,
    response: OpenApiDocument,
    handler: () => openApi() as { openapi: string },
  });

  app.get('/api/docs', { config: { public: true } }, async (_request, reply) => {
    const doc = openApi();
    return reply.page('api/views/docs.njk', {
      sections: docSections(doc),
      apiVersion: (doc.info as { version: string }).version,
      serverUrl: deps.config.baseUrl,
    });
  });

  registerTokenPages(app, deps);
}
