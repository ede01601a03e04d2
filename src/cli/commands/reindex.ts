import { reindexPeople } from '../../features/people/reindex.ts';
import { withDatabase } from '../database.ts';
import type { Command } from '../index.ts';

export const command: Command = {
  summary: 'Bring the child index’s search keys up to date (start-up does this too)',
  usage: 'reindex',
  async run() {
    return withDatabase(async ({ db }) => {
      const started = performance.now();
      const n = await reindexPeople(db, {
        onProgress: (done) => process.stderr.write(`${done.toLocaleString('en-GB')} people updated\n`),
      });
      console.log(
        `${n.toLocaleString('en-GB')} people updated in ${((performance.now() - started) / 1000).toFixed(1)} s.`,
      );
      return 0;
    });
  },
};
