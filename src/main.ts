import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { DataDirLockedError, openDatabase } from './db/connection.ts';
import { migrate } from './db/migrator.ts';
import { DEMO_PASSWORD, demoSignInHelp, seedDemo } from './db/seed/demo.ts';
import { reindexPeople } from './features/people/reindex.ts';
import { createMailer } from './platform/mailer.ts';
import { SessionStore } from './platform/sessions.ts';

async function main() {
  const started = performance.now();
  const config = loadConfig();
  const database = await openDatabase(config.database);
  const applied = await migrate(database.db);
  if (applied.length) console.log(`Applied ${applied.length} database migration(s).`);
  let seeded = false;
  if (config.seedDemo) seeded = await seedDemo(database.db, { onlyIfEmpty: true });
  const reindexed = await reindexPeople(database.db, {
    onProgress: (n) => n % 100_000 === 0 && console.log(`Search index: ${n.toLocaleString('en-GB')} people updated…`),
  });
  if (reindexed && !seeded) console.log(`Search index updated for ${reindexed} people.`);
  const mailer = createMailer(config);
  const app = await buildApp({ config, database, mailer });
  // Ended sessions and kept forms are removed every ten minutes.
  const housekeeping = setInterval(() => {
    const now = new Date();
    Promise.all([
      new SessionStore(database.db, config.session).purgeExpired(now),
      database.db.deleteFrom('saved_request').where('expires_at', '<', now).execute(),
    ]).catch((err: Error) => app.log.error({ err: { message: err.message } }, 'housekeeping failed'));
  }, 10 * 60_000);
  housekeeping.unref();
  await app.listen({ port: config.port, host: config.host });
  const ms = Math.round(performance.now() - started);
  console.log(`Early Help Hub is ready at ${config.baseUrl} (${database.describe}; ready in ${ms} ms)`);
  if (config.seedDemo) {
    if (seeded) console.log('Demo data was loaded: every person in it is fictional.');
    console.log(demoSignInHelp(DEMO_PASSWORD));
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`Received ${signal}, stopping.`);
    clearInterval(housekeeping);
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  if (err instanceof ConfigError || err instanceof DataDirLockedError) {
    console.error(err.message);
    process.exit(2);
  }
  console.error('Early Help Hub could not start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
