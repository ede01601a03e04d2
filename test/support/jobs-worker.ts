/**
 * One instance of the app for test/integration/jobs-two-instances.test.ts: the real app (not listening) against
 * DATABASE_URL, polling for jobs, with one test kind of job that inserts a row and sends an email. With HOLD_AFTER set,
 * the job it takes after that many is held open (its row inserted, its transaction and lease kept) and "holding <n>"
 * is written to stdout, so the test can kill the process there.
 */
import { sql } from 'kysely';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { openDatabase } from '../../src/db/connection.ts';
import { createMailer } from '../../src/platform/mailer.ts';
import { enqueueEmail } from '../../src/platform/outbox.ts';

const config = loadConfig();
const database = await openDatabase(config.database);
const app = await buildApp({ config, database, mailer: createMailer(config), logger: false });
const holdAfter = Number(process.env.HOLD_AFTER ?? 0);
let taken = 0;

app.jobs.register<{ n: number }>('test.effect', async ({ trx, payload }) => {
  await sql`insert into job_effect (n, pid) values (${payload.n}, ${process.pid})`.execute(trx);
  await enqueueEmail(trx, {
    to: `worker-test-${payload.n}@test.invalid`,
    subject: `Job ${payload.n}`,
    text: 'There is something to look at.',
  });
  if (holdAfter && ++taken > holdAfter) {
    process.stdout.write(`holding ${payload.n}\n`);
    await new Promise(() => {});
  }
});

await app.ready();
process.stdout.write('ready\n');
process.on('SIGTERM', async () => {
  await app.close();
  await database.close();
  process.exit(0);
});
