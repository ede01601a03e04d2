import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { ValidationError } from './errors.ts';
import { orderedForm, parseForm, submitForm } from './forms.ts';

/** Just enough of a reply for submitForm: the posted body, and the status it sets. */
function fakeReply(body: unknown) {
  const reply = {
    request: { body },
    statusCode: 200,
    code(n: number) {
      reply.statusCode = n;
      return reply;
    },
  };
  return reply;
}

const Name = z.object({ name: z.string().trim().min(1, 'Enter a name') });

describe('submitForm: one way to handle a posted form', () => {
  test('valid: the handler runs with the parsed data', async () => {
    const reply = fakeReply({ name: ' Ada ', _csrf: 'x' });
    const out = await submitForm(
      reply as unknown as FastifyReply,
      Name,
      async (d) => `saved ${d.name}`,
      () => 'again',
    );
    assert.equal(out, 'saved Ada');
    assert.equal(reply.statusCode, 200);
  });

  test('invalid: 400 and the page again with the errors and what was typed, never the CSRF token', async () => {
    const reply = fakeReply({ name: '  ', other: 'kept', _csrf: 'x' });
    const out = await submitForm(
      reply as unknown as FastifyReply,
      Name,
      async () => assert.fail('the handler must not run'),
      (problem) => problem,
    );
    assert.equal(reply.statusCode, 400);
    assert.deepEqual(out, {
      errors: [{ field: 'name', message: 'Enter a name' }],
      values: { name: '  ', other: 'kept' },
    });
  });

  test('a ValidationError from the service shows the page again the same way; other errors go on', async () => {
    const reply = fakeReply({ name: 'Ada' });
    const out = await submitForm(
      reply as unknown as FastifyReply,
      Name,
      async () => {
        throw new ValidationError([{ field: 'name', message: 'That name is taken' }]);
      },
      (problem) => problem.errors,
    );
    assert.equal(reply.statusCode, 400);
    assert.deepEqual(out, [{ field: 'name', message: 'That name is taken' }]);
    await assert.rejects(
      submitForm(
        fakeReply({ name: 'Ada' }) as unknown as FastifyReply,
        Name,
        async () => {
          throw new Error('boom');
        },
        () => 'again',
      ),
      /boom/,
    );
  });
});

describe('orderedForm: fields read in order, each by its schema', () => {
  const Range = orderedForm((b, field, problem) => {
    const from = field('from', z.coerce.number({ error: 'Enter a number' }).int('Enter a whole number'));
    const to = field('to', z.coerce.number({ error: 'Enter a number' }).int('Enter a whole number'));
    if (from !== undefined && to !== undefined && from > to) problem('to', 'To must be the same as or more than from');
    return { from: from!, to: to!, note: typeof b.note === 'string' ? b.note : '' };
  });

  test('a later rule uses earlier values; problems keep the order of the form', () => {
    assert.deepEqual(parseForm(Range, { from: '3', to: '1' }), {
      ok: false,
      errors: [{ field: 'to', message: 'To must be the same as or more than from' }],
    });
    assert.deepEqual(parseForm(Range, { from: '1.5', to: 'x' }), {
      ok: false,
      errors: [
        { field: 'from', message: 'Enter a whole number' },
        { field: 'to', message: 'Enter a number' },
      ],
    });
    assert.deepEqual(parseForm(Range, { from: '1', to: '2', note: 'n' }), {
      ok: true,
      data: { from: 1, to: 2, note: 'n' },
    });
  });
});
