import { loadConfig } from '../config.ts';
import { type Database, openDatabase } from '../db/connection.ts';
import { migrate } from '../db/migrator.ts';

/** Opens the configured database (the same one `npm start` uses) with migrations applied. */
export async function withDatabase<T>(fn: (database: Database) => Promise<T>, options: { migrate?: boolean } = {}) {
  const config = loadConfig();
  const database = await openDatabase(config.database);
  try {
    if (options.migrate !== false) await migrate(database.db);
    return await fn(database);
  } finally {
    await database.close();
  }
}
