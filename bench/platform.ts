/**
 * Platform costs that shape decisions: password hashing, embedded database open, audit append,
 * and an authenticated page request end to end.
 *   node --import tsx bench/platform.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPGlite } from '../src/db/connection.ts';
import { migrate } from '../src/db/migrator.ts';
import { recordAudit } from '../src/platform/audit.ts';
import { hashPassword, verifyPassword } from '../src/platform/passwords.ts';

function median(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
async function time(n: number, fn: () => Promise<unknown>) {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return median(out);
}

const results: Record<string, number> = {};
const hash = await hashPassword('correct horse battery staple');
results['argon2id hash (ms)'] = await time(9, () => hashPassword('correct horse battery staple'));
results['argon2id verify (ms)'] = await time(9, () => verifyPassword(hash, 'correct horse battery staple'));

const dir = mkdtempSync(join(tmpdir(), 'ehh-bench-'));
let t = performance.now();
let database = await openPGlite(join(dir, 'pglite'));
await migrate(database.db);
results['PGlite create + migrate, new data dir (ms)'] = performance.now() - t;
await database.close();
t = performance.now();
database = await openPGlite(join(dir, 'pglite'));
await migrate(database.db);
results['PGlite open + migrate check, existing data dir (ms)'] = performance.now() - t;
const ctx = { actor: null, requestId: 'bench', clientIp: '127.0.0.1', at: new Date() };
results['audit append in its own transaction, PGlite (ms)'] = await time(200, () =>
  database.db.transaction().execute((trx) => recordAudit(trx, { ...ctx, at: new Date() }, { action: 'bench' })),
);
await database.close();
rmSync(dir, { recursive: true, force: true });

console.log('| measure | median |\n|---|---|');
for (const [k, v] of Object.entries(results)) console.log(`| ${k} | ${v.toFixed(1)} |`);
console.log(JSON.stringify(results));
