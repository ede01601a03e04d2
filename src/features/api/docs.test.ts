import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeSchema, docSections, PLACEHOLDER_TOKEN } from './docs.ts';

describe('describeSchema', () => {
  test('reads like a person would say it', () => {
    assert.equal(
      describeSchema({ type: 'integer', minimum: 1, maximum: 100, default: 20 }),
      'integer, 1 to 100, default 20',
    );
    assert.equal(
      describeSchema({ type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
      'integer, 1 or more',
    );
    assert.equal(describeSchema({ type: 'string', enum: ['a', 'b'] }), 'one of: a, b');
    assert.equal(describeSchema({ type: 'string', format: 'uuid' }), 'UUID');
    assert.equal(describeSchema({}), 'any');
  });
});

describe('docSections', () => {
  test('groups operations by tag and gives a curl example with a placeholder token only when needed', () => {
    const sections = docSections({
      servers: [{ url: 'https://hub.example' }],
      paths: {
        '/api/v1/b/{id}': {
          get: {
            operationId: 'getB',
            summary: 'B',
            tags: ['Zeta'],
            security: [{ bearerAuth: [] }],
            parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
            responses: { '200': { description: 'Success' } },
          },
        },
        '/api/v1/openapi.json': {
          get: { operationId: 'doc', summary: 'Doc', tags: ['Alpha'], security: [], responses: {} },
        },
      },
    });
    assert.deepEqual(
      sections.map((s) => s.tag),
      ['Alpha', 'Zeta'],
    );
    const b = sections[1]!.operations[0]!;
    assert.equal(b.auth, true);
    assert.equal(b.curl, `curl -H "Authorization: Bearer ${PLACEHOLDER_TOKEN}" "https://hub.example/api/v1/b/{id}"`);
    assert.deepEqual(b.parameters[0], { name: 'id', in: 'path', type: 'UUID', required: true, description: '' });
    assert.equal(sections[0]!.operations[0]!.curl, 'curl "https://hub.example/api/v1/openapi.json"');
  });
});

describe('request bodies', () => {
  const body = {
    type: 'object',
    properties: {
      reason: { type: 'string', minLength: 10, description: 'Why you need the card.' },
      address: {
        type: 'object',
        properties: { line1: { type: 'string' }, postcode: { type: 'string' } },
        required: ['line1'],
      },
    },
    required: ['reason'],
  };
  const doc = {
    servers: [{ url: 'https://hub.example' }],
    paths: {
      '/api/v1/people/{id}/break-glass': {
        post: {
          operationId: 'breakGlass',
          summary: 'Open',
          tags: ['People'],
          security: [{ bearerAuth: [] }],
          parameters: [],
          requestBody: { required: true, content: { 'application/json': { schema: body } } },
          responses: { '200': { description: 'Success' } },
        },
      },
    },
  };

  test('lists each field of the body, nested fields by their path, with type, whether required and description', () => {
    const op = docSections(doc)[0]!.operations[0]!;
    assert.deepEqual(op.body, [
      { name: 'reason', in: 'body', type: 'string', required: true, description: 'Why you need the card.' },
      { name: 'address', in: 'body', type: 'object', required: false, description: '' },
      { name: 'address.line1', in: 'body', type: 'string', required: true, description: '' },
      { name: 'address.postcode', in: 'body', type: 'string', required: false, description: '' },
    ]);
  });

  test('the curl example sends a JSON body, so it does not answer 400', () => {
    const op = docSections(doc)[0]!.operations[0]!;
    assert.match(op.curl, /-H "Content-Type: application\/json"/);
    const sent = /-d '([^']+)'/.exec(op.curl)?.[1];
    assert.ok(sent, op.curl);
    assert.equal(typeof JSON.parse(sent).reason, 'string');
  });
});
