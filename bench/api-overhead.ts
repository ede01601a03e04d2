/**
 * Where the time of one child index search through the JSON API goes, piece by piece, on a database kept by
 * bench/search.ts (PGlite):
 *   node --import tsx bench/search.ts --engine pglite --people 1000000 --data-dir /tmp/ehh-1m
 *   node --import tsx bench/api-overhead.ts --data-dir /tmp/ehh-1m
 * Medians of 200 runs of each piece, after 20 to warm up.
 */
import { join } from 'node:path';
import { sql } from 'kysely';
import { buildApp } from '../src/app.ts';
import { parseOptions } from '../src/cli/index.ts';
import { loadConfig } from '../src/config.ts';
import { openPGlite } from '../src/db/connection.ts';
import { TokenService } from '../src/features/api/service.ts';
import { modelWith, searchIndex } from '../src/features/people/search.ts';
import { PeopleService } from '../src/features/people/service.ts';
import { authenticateBearer } from '../src/platform/api.ts';
import { recordAudit } from '../src/platform/audit.ts';
import { createOrganisation, createUser } from '../test/support/factories.ts';

const { strings } = parseOptions(process.argv.slice(2), { strings: ['data-dir'] });
if (!strings['data-dir']) {
  console.error('Give --data-dir: a PGlite database kept by bench/search.ts');
  process.exit(1);
}
const database = await openPGlite(join(strings['data-dir'], 'pglite'));
const db = database.db;
const model = modelWith({ match: 16, possible: 8 });
const org = await createOrganisation(db, { name: `Overhead bench ${Date.now()}` });
const user = await createUser(db, { roles: ['practitioner'], organisationId: org.id });
const clock = { now: () => new Date() };
const { token } = await new TokenService(db, clock).createForEmail(
  user.email,
  { name: 'bench', expiresInDays: null },
  { requestId: 'bench', clientIp: '127.0.0.1' },
);
const app = await buildApp({
  config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SEED_DEMO: 'false' }),
  database,
});
await app.listen({ port: 0, host: '127.0.0.1' });
const port = (app.server.address() as { port: number }).port;
const criteria = { givenName: 'Oliver', familyName: 'Smith', dateOfBirth: '2015-03-07' };
const ctx = { requestId: 'bench', clientIp: '127.0.0.1' };
const auth = await authenticateBearer({ database, clock }, `Bearer ${token}`);
if (!auth.ok) throw new Error('token did not authenticate');
const service = new PeopleService(db, model);

const rows: [string, number][] = [];
async function time(label: string, f: () => Promise<unknown>) {
  for (let i = 0; i < 20; i++) await f();
  const xs: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    await f();
    xs.push(performance.now() - t);
  }
  xs.sort((a, b) => a - b);
  rows.push([label, xs[100]!]);
}
await time('a trivial query (select 1)', () => sql`select 1`.execute(db));
await time('search: keys, candidate SQL, scoring, reasons', () => searchIndex(db, criteria, model, new Date()));
await time('authenticate the bearer token', () => authenticateBearer({ database, clock }, `Bearer ${token}`));
await time('an audit event in its own transaction', () =>
  db.transaction().execute((trx) => recordAudit(trx, { actor: null, at: new Date(), ...ctx }, { action: 'bench' })),
);
await time('the search service (search and its audit, one transaction)', () =>
  service.search({ ...ctx, actor: auth.actor, at: new Date() }, criteria),
);
await time('the API route without HTTP (inject)', () =>
  app.inject({
    method: 'POST',
    url: '/api/v1/people/search',
    payload: criteria,
    headers: { authorization: `Bearer ${token}` },
  }),
);
await time('the API over HTTP on loopback', async () =>
  (
    await fetch(`http://127.0.0.1:${port}/api/v1/people/search`, {
      method: 'POST',
      body: JSON.stringify(criteria),
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    })
  ).json(),
);
await app.close();
await database.close();
console.log('| piece | median ms |\n|---|---|');
for (const [label, ms] of rows) console.log(`| ${label} | ${ms.toFixed(2)} |`);
console.log(JSON.stringify({ bench: 'api-overhead', rows: Object.fromEntries(rows) }));
