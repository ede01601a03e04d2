/**
 * `npm test`: lint and type-check, then every unit, integration and browser test in one run of
 * Node's test runner. Integration tests run on PGlite and on a real PostgreSQL server, started here
 * in a temporary directory unless TEST_DATABASE_URL names one.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { findPgBin, type PgServer, startPostgres } from './support/postgres-server.ts';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const only = args.filter((a) => !a.startsWith('--'));
const skipLint = args.includes('--no-lint');

function testFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => join(dir, f))
    .sort();
}

function run(cmd: string, cmdArgs: string[], env: NodeJS.ProcessEnv = process.env): number {
  const result = spawnSync(cmd, cmdArgs, { stdio: 'inherit', cwd: root, env });
  return result.status ?? 1;
}

if (!skipLint && only.length === 0) {
  console.log('› biome check');
  if (run(join(root, 'node_modules/.bin/biome'), ['check', '.']) !== 0) process.exit(1);
  console.log('› tsc --noEmit');
  if (run(join(root, 'node_modules/.bin/tsc'), ['--noEmit']) !== 0) process.exit(1);
}

let server: PgServer | undefined;
const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test' };
if (!env.TEST_DATABASE_URL) {
  if (findPgBin()) {
    console.log('› starting a temporary PostgreSQL server');
    server = await startPostgres();
    env.TEST_DATABASE_URL = server.url;
  } else if (process.env.CI === 'true') {
    console.error('PostgreSQL server binaries were not found, and CI=true requires them.');
    process.exit(1);
  } else {
    console.warn('PostgreSQL was not found: integration tests will run on PGlite only.');
  }
}

const files = only.length ? only : [...testFiles('src'), ...testFiles('test')];
const status = run(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  env,
);
if (server) await server.stop();
process.exit(status);
