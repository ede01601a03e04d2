import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDateIn, phrase } from './explanation.ts';

const english = new Map([
  ['greeting', 'Dear {name},'],
  ['withdraw_heading', 'Changing your mind'],
]);
const urdu = new Map([['greeting', 'محترم {name}،']]);

test('placeholders become separate parts, so names are isolated from the text direction', () => {
  const p = phrase('ur', urdu, english, 'greeting', { name: 'Marta <b>Kowalczyk</b>' });
  assert.deepEqual(p.parts, [{ text: 'محترم ' }, { text: 'Marta <b>Kowalczyk</b>', value: true }, { text: '،' }]);
  assert.equal(p.lang, undefined);
});

test('a phrase missing in a language falls back to English, marked as English', () => {
  const p = phrase('ur', urdu, english, 'withdraw_heading');
  assert.deepEqual(p.parts, [{ text: 'Changing your mind' }]);
  assert.equal(p.lang, 'en');
  assert.equal(phrase('en', english, english, 'withdraw_heading').lang, undefined);
});

test('an unknown key falls back to the text given, then to the key itself', () => {
  assert.deepEqual(phrase('pl', new Map(), english, 'category.gender_identity', {}, 'Gender identity').parts, [
    { text: 'Gender identity' },
  ]);
  assert.deepEqual(phrase('pl', new Map(), english, 'nothing').parts, [{ text: 'nothing' }]);
});

test('dates are written in the family’s language', () => {
  assert.equal(formatDateIn('en', '2026-11-23'), '23 November 2026');
  assert.match(formatDateIn('pl', '2026-11-23'), /listopada 2026/);
});
