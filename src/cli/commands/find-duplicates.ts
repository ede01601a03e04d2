import { loadConfig } from '../../config.ts';
import { scanForDuplicates } from '../../features/people/duplicate-service.ts';
import { modelWith } from '../../features/people/search.ts';
import { withDatabase } from '../database.ts';
import type { Command } from '../index.ts';

export const command: Command = {
  summary: 'Scan the whole child index for possible duplicates and add them to the review queue',
  usage:
    'find-duplicates\n\n  Pairs scoring at or above POSSIBLE_MATCH_THRESHOLD are queued; pairs already decided are left alone.',
  async run() {
    const model = modelWith(loadConfig().matching);
    return withDatabase(async ({ db }) => {
      const started = performance.now();
      const r = await scanForDuplicates(db, model, (line) => process.stderr.write(`${line}\n`));
      console.log(
        `${r.records.toLocaleString('en-GB')} records scanned, ${r.pairs.toLocaleString('en-GB')} possible duplicates found, ` +
          `${r.queued.toLocaleString('en-GB')} new or updated in the review queue (${((performance.now() - started) / 1000).toFixed(1)} s).`,
      );
      return 0;
    });
  },
};
