import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { buildApp } from '../../src/app.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import { type Database, openDatabase, openPGlite } from '../../src/db/connection.ts';
import { migrate } from '../../src/db/migrator.ts';
import { TestClock } from '../../src/platform/clock.ts';
import type { Mailer } from '../../src/platform/mailer.ts';
import { loadActor } from '../../src/platform/sessions.ts';
import { listWork } from '../../src/platform/work.ts';

export type EngineName = 'pglite' | 'postgres';

/**
 * The engines integration tests run against. PGlite always; PostgreSQL when the test runner started
 * a server (TEST_DATABASE_URL). Under CI=true a missing PostgreSQL is a failure, never a skip.
 */
export function engines(): EngineName[] {
  if (process.env.TEST_DATABASE_URL) return ['pglite', 'postgres'];
  if (process.env.CI === 'true') throw new Error('TEST_DATABASE_URL is not set: PostgreSQL is required under CI');
  return ['pglite'];
}

/** A fresh, migrated, empty database on the given engine. Each call gets its own database. */
export async function freshDatabase(engine: EngineName): Promise<Database & { url?: string }> {
  if (engine === 'pglite') {
    const database = await openPGlite(undefined);
    await migrate(database.db);
    return database;
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set');
  const name = `ehh_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: 'postgres', url: url.toString() });
  await migrate(database.db);
  const close = database.close;
  return {
    ...database,
    url: url.toString(),
    async close() {
      await close();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SEED_DEMO: 'false', ...overrides });
}

export interface TestApp {
  app: FastifyInstance;
  database: Database;
  clock: TestClock;
  config: Config;
  /**
   * Runs the app's due jobs (mail and the rest). A job enqueued without a time is due from the database's "now",
   * which a test clock set in the past would not reach, so this runs at the later of the two (plus a second).
   */
  runJobs(): ReturnType<FastifyInstance['jobs']['runDue']>;
  close(): Promise<void>;
}

/** The real app on a real database, with a clock the test controls. */
export async function startTestApp(
  engine: EngineName,
  options: { config?: Record<string, string>; mailer?: Mailer; listen?: boolean } = {},
): Promise<TestApp & { baseUrl?: string }> {
  const database = await freshDatabase(engine);
  const clock = new TestClock(new Date());
  const config = testConfig(options.config);
  const app = await buildApp({ config, database, clock, ...(options.mailer ? { mailer: options.mailer } : {}) });
  let baseUrl: string | undefined;
  if (options.listen) {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    baseUrl = typeof addr === 'object' && addr ? `http://127.0.0.1:${addr.port}` : undefined;
  } else await app.ready();
  return {
    app,
    database,
    clock,
    config,
    ...(baseUrl ? { baseUrl } : {}),
    runJobs: () => app.jobs.runDue(new Date(Math.max(Date.now(), clock.now().getTime()) + 1000)),
    async close() {
      await app.close();
      await database.close();
    },
  };
}

/** The user's work list (theirs, or their teams') as it stands at the test clock's time. */
export async function workOf(t: TestApp, userId: string, view: 'mine' | 'team' = 'mine') {
  const db = t.database.db;
  return listWork(db, (await loadActor(db, userId, 'session'))!, t.clock.now(), view);
}
