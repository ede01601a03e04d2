import { POLICY_TABLE_END, POLICY_TABLE_START, policyTable } from '../../platform/policy.ts';
import type { Command } from '../index.ts';

export const command: Command = {
  summary: 'Print the table of who may do what, from the access policy, for docs/user-guide.md',
  usage: 'policy-table',
  async run() {
    console.log(`${POLICY_TABLE_START}\n\n${policyTable()}\n${POLICY_TABLE_END}`);
    return 0;
  },
};
