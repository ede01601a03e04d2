/**
 * Every audit action the code can write is walked from the source: each is either about one person (and then
 * recordAudit refuses to write it without naming them, so it always reaches their access history) or about
 * something else by a namespace declared here. A new namespace has to be placed on one side before it can be used.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  INDEX_WIDE_EVENTS,
  isPersonEvent,
  NON_PERSON_EVENT_NAMESPACES,
  PERSON_EVENT_NAMESPACES,
  PERSON_EVENTS_ELSEWHERE,
  peopleNamed,
} from './audit.ts';

const src = new URL('..', import.meta.url).pathname;
const DOTTED = /'([a-z][a-z0-9-]*(?:\.[a-z0-9-]+)+)'/g;

/** Dotted string literals written as an audit action: `action: …`, and the action argument of a refusal. */
function actionsInSource(): Map<string, string> {
  const found = new Map<string, string>();
  const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
  );
  for (const file of files) {
    const text = readFileSync(join(src, file), 'utf8');
    for (const m of text.matchAll(/action:\s*([^,\n}]+)|refuse\(\s*trx,\s*ctx,\s*('[^']+')/g)) {
      for (const lit of (m[1] ?? m[2] ?? '').matchAll(DOTTED)) found.set(lit[1]!, file);
    }
  }
  return found;
}

test('the source writes audit actions, and the walk finds the ones it must', () => {
  const actions = actionsInSource();
  for (const a of ['person.index-card.viewed', 'confidentiality-wish.ended', 'withhold-marker.ended', 'person.moved']) {
    assert.ok(actions.has(a), `${a} is found in the source`);
  }
});

test('every audit action is placed: about one person, about many, or in a namespace that is about no child', () => {
  const unplaced = [...actionsInSource()]
    .filter(([a]) => {
      const ns = a.split('.')[0]!;
      return !PERSON_EVENT_NAMESPACES.includes(ns) && !NON_PERSON_EVENT_NAMESPACES.includes(ns);
    })
    .filter(([a]) => !PERSON_EVENTS_ELSEWHERE.has(a))
    .map(([a, file]) => `${a} (${file})`);
  assert.deepEqual(unplaced, []);
});

test('every listed exception is an action the code still writes', () => {
  const actions = actionsInSource();
  for (const a of [...INDEX_WIDE_EVENTS, ...PERSON_EVENTS_ELSEWHERE]) assert.ok(actions.has(a), `${a} is written`);
});

test('an event about a person names them by its record or its details', () => {
  assert.equal(isPersonEvent('confidentiality-wish.ended'), true);
  assert.equal(isPersonEvent('directory.eligibility.evaluated'), true);
  assert.equal(isPersonEvent('person.searched'), false);
  assert.equal(isPersonEvent('admin.user.created'), false);
  assert.deepEqual(peopleNamed({ action: 'x', recordType: 'person', recordId: 'p1' }), ['p1']);
  assert.deepEqual(peopleNamed({ action: 'x', recordType: 'withhold_marker', recordId: 'm1' }), []);
  assert.deepEqual(peopleNamed({ action: 'x', details: { personId: 'p2', personIds: ['p3'] } }), ['p2', 'p3']);
});
