import { currentVersion, migrate } from '../../db/migrator.ts';
import { withDatabase } from '../database.ts';
import type { Command } from '../index.ts';

export const command: Command = {
  summary: 'Apply database migrations that have not been applied yet',
  usage: 'migrate',
  async run() {
    return withDatabase(
      async ({ db, describe }) => {
        const applied = await migrate(db);
        for (const m of applied) console.log(`Applied ${String(m.version).padStart(4, '0')}_${m.name}`);
        console.log(
          `${describe} is at migration ${await currentVersion(db)}${applied.length ? '' : ' (nothing to apply)'}.`,
        );
        return 0;
      },
      { migrate: false },
    );
  },
};
