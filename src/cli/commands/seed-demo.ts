import { DEMO_PASSWORD, demoSignInHelp, seedDemo } from '../../db/seed/demo.ts';
import { withDatabase } from '../database.ts';
import { type Command, parseOptions, UsageError } from '../index.ts';

export const command: Command = {
  summary: 'Load the fictional demo partnership, staff and families into an empty database',
  usage: 'seed-demo',
  async run(args) {
    const { positional } = parseOptions(args, {});
    if (positional.length) throw new UsageError(`Unexpected argument "${positional[0]}"`);
    return withDatabase(async ({ db, describe }) => {
      const started = performance.now();
      const seeded = await seedDemo(db, { onlyIfEmpty: true });
      if (!seeded) {
        console.error('Demo data not loaded: the database already has organisations');
        return 1;
      }
      const ms = Math.round(performance.now() - started);
      console.log(`Demo data loaded into ${describe} in ${ms} ms. Every person in it is fictional.`);
      console.log(demoSignInHelp(DEMO_PASSWORD));
      return 0;
    });
  },
};
