import { verifyAuditChain } from '../../platform/audit.ts';
import { withDatabase } from '../database.ts';
import { type Command, UsageError } from '../index.ts';

export const command: Command = {
  summary: 'Check the audit trail has not been altered (audit verify)',
  usage: 'audit verify',
  async run(args) {
    if (args[0] !== 'verify') throw new UsageError('Say what to do: audit verify');
    return withDatabase(async ({ db }) => {
      const started = performance.now();
      const result = await verifyAuditChain(db);
      const ms = Math.round(performance.now() - started);
      if (result.ok) {
        console.log(`Audit trail verified: ${result.checked} events, hash chain intact (${ms} ms).`);
        return 0;
      }
      console.error(
        `Audit trail FAILED verification at event ${result.firstBadId}: ${result.problem}. ${result.checked} events before it are intact.`,
      );
      return 3;
    });
  },
};
