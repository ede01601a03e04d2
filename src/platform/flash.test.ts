import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const FEATURES = new URL('../features/', import.meta.url).pathname;

function templates(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? templates(join(dir, e.name)) : e.name.endsWith('.njk') ? [join(dir, e.name)] : [],
  );
}

test('the layout alone shows the success banner: no page shows it a second time', () => {
  const layout = readFileSync(new URL('./views/layout.njk', import.meta.url), 'utf8');
  assert.match(layout, /govukNotificationBanner\(\{ type: 'success', text: flash \}\)/);
  const twice = templates(FEATURES).filter((f) => /text:\s*flash\b/.test(readFileSync(f, 'utf8')));
  assert.deepEqual(twice, []);
});
