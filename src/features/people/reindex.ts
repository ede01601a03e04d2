/**
 * Keeps the child index's search data current with the key rules: people added by an older version, by an import
 * or straight into the database have no keys (or old ones) until this runs. Start-up runs it; so does
 * `early-help reindex`.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { refreshMatchData, staleMatchData } from './match-repository.ts';
import { searchCoder } from './search.ts';

export async function reindexPeople(
  db: Kysely<DB>,
  options: { batch?: number; onProgress?: (done: number) => void } = {},
): Promise<number> {
  const batch = options.batch ?? 2000;
  let done = 0;
  for (;;) {
    const ids = await staleMatchData(db, batch);
    if (ids.length === 0) return done;
    await db.transaction().execute((trx) => refreshMatchData(trx, ids, searchCoder()));
    done += ids.length;
    options.onProgress?.(done);
  }
}
