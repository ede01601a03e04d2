import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ACTION_WORDS, actionInWords } from './action-words.ts';

const src = new URL('../..', import.meta.url).pathname;
const DOTTED = /'([a-z][a-z0-9-]*(?:\.[a-z0-9-]+)+)'/g;

/** Every audit action the source writes, walked as src/platform/audit-actions.test.ts walks them. */
function actionsInSource(): Set<string> {
  const found = new Set<string>();
  const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
  );
  for (const file of files) {
    const text = readFileSync(join(src, file), 'utf8');
    for (const m of text.matchAll(/action:\s*([^,\n}]+)|refuse\(\s*trx,\s*ctx,\s*('[^']+')/g)) {
      for (const lit of (m[1] ?? m[2] ?? '').matchAll(DOTTED)) found.add(lit[1]!);
    }
  }
  return found;
}

test('every audit action the source writes has words for the access history', () => {
  const actions = actionsInSource();
  assert.ok(actions.has('person.index-card.viewed'));
  assert.deepEqual(
    [...actions].filter((a) => !ACTION_WORDS[a]),
    [],
  );
});

test('an action is shown in words, and one without words still reads as something', () => {
  assert.equal(actionInWords('person.index-card.viewed'), 'Viewed the index card');
  assert.equal(actionInWords('something.new-thing.done'), 'Something: new thing done');
});
