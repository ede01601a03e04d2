import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findUnstorable, hasUnstorableText, MAX_DEPTH } from './hostile-input.ts';

test('control characters, DEL and lone surrogates are unstorable; tab, CR, LF and emoji are not', () => {
  for (const s of [
    'a\u0000b',
    '\u0001',
    '\u0008',
    '\u000B',
    '\u000C',
    '\u001F',
    '\u007F',
    '\uD800',
    'x\uDC00y',
    '\uDBFF',
  ]) {
    assert.equal(hasUnstorableText(s), true, JSON.stringify(s));
  }
  for (const s of ['plain', 'tab\there', 'line\r\nbreak', '😀', 'Zoë O’Brien', '']) {
    assert.equal(hasUnstorableText(s), false, JSON.stringify(s));
  }
});

test('finds unstorable text in nested values and keys, and refuses deep nesting', () => {
  assert.equal(findUnstorable({ a: ['ok', { b: 'x\u0000' }] }), 'characters');
  assert.equal(findUnstorable({ ['k\u0000']: 'v' }), 'characters');
  assert.equal(findUnstorable({ a: 'ok', n: 1, b: null, c: [true] }), null);
  let deep: unknown = 'leaf';
  for (let i = 0; i < 10_000; i++) deep = [deep];
  assert.equal(findUnstorable(deep), 'depth');
  let shallow: unknown = 'leaf';
  for (let i = 0; i < MAX_DEPTH - 1; i++) shallow = { x: shallow };
  assert.equal(findUnstorable(shallow), null);
});
