import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { backupTo, formatCounts } from '../../platform/backup.ts';
import { withDatabase } from '../database.ts';
import { type Command, parseOptions, UsageError } from '../index.ts';

export const command: Command = {
  summary: 'Back up the whole database to a file that restores into either database engine',
  usage: 'backup FILE [--force]',
  async run(args) {
    const { positional, flags } = parseOptions(args, { flags: ['force'] });
    if (positional.length !== 1)
      throw new UsageError('Give one file to write the backup to, for example backup.ndjson.gz');
    const file = resolve(positional[0]!);
    if (existsSync(file) && !flags.has('force')) {
      throw new UsageError(`${file} already exists: choose another name, or add --force to replace it`);
    }
    return withDatabase(
      async ({ db, describe }) => {
        const started = performance.now();
        const summary = await backupTo(db, file);
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        const size = (statSync(file).size / 1024 / 1024).toFixed(1);
        console.log(formatCounts(summary.tables));
        console.log(
          `Backed up ${describe} at schema version ${summary.schemaVersion} to ${file} (${size} MB, ${seconds} s).`,
        );
        console.log('The file holds personal data: keep it encrypted and only where your retention policy allows.');
        return 0;
      },
      { migrate: false },
    );
  },
};
