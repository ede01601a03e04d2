import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatCounts, RestoreRefusedError, restoreFrom } from '../../platform/backup.ts';
import { withDatabase } from '../database.ts';
import { type Command, parseOptions, UsageError } from '../index.ts';

export const command: Command = {
  summary: 'Restore a backup into a new, empty database (either engine)',
  usage: 'restore FILE',
  async run(args) {
    const { positional } = parseOptions(args, {});
    if (positional.length !== 1) throw new UsageError('Give the backup file to restore');
    const file = resolve(positional[0]!);
    if (!existsSync(file)) throw new UsageError(`There is no file at ${file}`);
    // Migrating first gives a brand-new database the schema the backup is checked against.
    return withDatabase(async ({ db, describe }) => {
      const started = performance.now();
      let summary: Awaited<ReturnType<typeof restoreFrom>>;
      try {
        summary = await restoreFrom(db, file);
      } catch (err) {
        if (err instanceof RestoreRefusedError) {
          console.error(`Restore refused: ${err.message}`);
          return 3;
        }
        throw err;
      }
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(formatCounts(summary.tables));
      console.log(
        `Restored the backup made ${summary.createdAt} (schema version ${summary.schemaVersion}) into ${describe} in ${seconds} s.`,
      );
      if (!summary.auditChain.ok) {
        console.error(
          `The restored audit trail FAILED verification at event ${summary.auditChain.firstBadId}: ${summary.auditChain.problem}.`,
        );
        return 3;
      }
      console.log(`Audit trail verified: ${summary.auditChain.checked} events, hash chain intact.`);
      return 0;
    });
  },
};
