import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { type ApiRouteRecord, buildOpenApiDocument, defaultOperationId, openApiPath, readBearer } from './api.ts';

const info = { title: 'Test', version: '1.2.3', serverUrl: 'http://localhost:3000' };

function route(overrides: Partial<ApiRouteRecord> = {}): ApiRouteRecord {
  return {
    method: 'GET',
    path: '/api/v1/things/:id',
    summary: 'One thing',
    tags: ['Things'],
    operationId: 'getThingsById',
    auth: true,
    status: 200,
    params: z.object({ id: z.guid().describe('The id.') }),
    query: z.object({
      pageSize: z.coerce.number().int().min(1).max(100).default(20),
      kind: z.enum(['a', 'b']).optional(),
      q: z.string(),
    }),
    response: z.object({ id: z.string(), at: z.iso.datetime().nullable() }),
    ...overrides,
  };
}

describe('readBearer', () => {
  test('takes the token from a Bearer header, any case, and nothing else', () => {
    assert.equal(readBearer('Bearer ehh_abc'), 'ehh_abc');
    assert.equal(readBearer('bearer   ehh_abc '), 'ehh_abc');
    assert.equal(readBearer('Basic dXNlcjpwYXNz'), undefined);
    assert.equal(readBearer('Bearer'), undefined);
    assert.equal(readBearer('Bearer a b'), undefined);
    assert.equal(readBearer(undefined), undefined);
  });
});

describe('paths and operation ids', () => {
  test('Fastify parameters become OpenAPI templates', () => {
    assert.equal(openApiPath('/api/v1/a/:id/b/:child_id'), '/api/v1/a/{id}/b/{child_id}');
  });
  test('operation ids read like the route', () => {
    assert.equal(defaultOperationId('GET', '/api/v1/organisations'), 'getOrganisations');
    assert.equal(defaultOperationId('GET', '/api/v1/organisations/:id'), 'getOrganisationsById');
    assert.equal(defaultOperationId('POST', '/api/v1/panel-requests'), 'postPanelRequests');
  });
});

describe('buildOpenApiDocument', () => {
  const doc = buildOpenApiDocument(
    [
      route(),
      route({
        path: '/api/v1/open',
        operationId: 'open',
        auth: false,
        params: undefined,
        query: undefined,
        body: z.object({ name: z.string() }),
        method: 'POST',
        status: 201,
      }),
    ],
    info,
    // biome-ignore lint/suspicious/noExplicitAny: the test walks a JSON document
  ) as Record<string, any>;

  test('is OpenAPI 3.1 with bearer security and a shared problem schema', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.equal(doc.info.version, '1.2.3');
    assert.deepEqual(doc.servers, [{ url: 'http://localhost:3000' }]);
    assert.equal(doc.components.securitySchemes.bearerAuth.scheme, 'bearer');
    assert.ok(doc.components.schemas.Problem.properties.errors);
    assert.deepEqual(doc.tags, [{ name: 'Things' }]);
  });

  test('path and query parameters come from the zod schemas', () => {
    const op = doc.paths['/api/v1/things/{id}'].get;
    const byName = Object.fromEntries(op.parameters.map((p: { name: string }) => [p.name, p]));
    assert.deepEqual(Object.keys(byName), ['id', 'pageSize', 'kind', 'q']);
    assert.deepEqual([byName.id.in, byName.id.required, byName.id.description], ['path', true, 'The id.']);
    assert.equal(byName.id.schema.format, 'uuid');
    assert.deepEqual(
      [byName.pageSize.required, byName.pageSize.schema.maximum, byName.pageSize.schema.default],
      [false, 100, 20],
    );
    assert.deepEqual(byName.kind.schema.enum, ['a', 'b']);
    assert.equal(byName.q.required, true);
    assert.deepEqual(op.security, [{ bearerAuth: [] }]);
  });

  test('responses: success schema, and problems for 400, 401 (authenticated routes only) and 404', () => {
    const op = doc.paths['/api/v1/things/{id}'].get;
    assert.deepEqual(Object.keys(op.responses).sort(), ['200', '400', '401', '404']);
    assert.equal(op.responses['200'].content['application/json'].schema.properties.id.type, 'string');
    assert.equal(op.responses['200'].content['application/json'].schema.$schema, undefined);
    assert.equal(op.responses['404'].content['application/problem+json'].schema.$ref, '#/components/schemas/Problem');
    const open = doc.paths['/api/v1/open'].post;
    assert.deepEqual(Object.keys(open.responses).sort(), ['201', '400', '404']);
    assert.deepEqual(open.security, []);
    assert.deepEqual(open.requestBody.content['application/json'].schema.required, ['name']);
  });

  test('a route without inputs documents no 400; responses allow fields added later', () => {
    const bare = buildOpenApiDocument(
      [route({ path: '/api/v1/me', params: undefined, query: undefined, response: z.object({ a: z.object({}) }) })],
      info,
    ) as { paths: Record<string, { get: { responses: Record<string, unknown> } }> };
    const responses = bare.paths['/api/v1/me']!.get.responses;
    assert.deepEqual(Object.keys(responses).sort(), ['200', '401', '404']);
    assert.doesNotMatch(JSON.stringify(responses), /additionalProperties/);
  });
});
