import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../config.ts';
import { TokenService } from '../../features/api/service.ts';
import { systemClock } from '../../platform/clock.ts';
import { ConflictError, NotFoundError } from '../../platform/errors.ts';
import { withDatabase } from '../database.ts';
import { type Command, parseOptions, UsageError } from '../index.ts';

export const command: Command = {
  summary: 'Create an API token for a user or service account; prints only the token',
  usage: 'create-token --user EMAIL [--name LABEL] [--expires-days N]',
  async run(args) {
    const { strings, positional } = parseOptions(args, { strings: ['user', 'name', 'expires-days'] });
    if (positional.length) throw new UsageError(`Unexpected argument "${positional[0]}"`);
    const email = strings.user?.trim();
    if (!email) throw new UsageError('Give the user’s email address (or service account identifier) with --user');
    const name = (strings.name ?? 'Command line').trim();
    if (!name || name.length > 100) throw new UsageError('--name must be 1 to 100 characters');
    // Every token expires: by default after the longest time allowed (API_TOKEN_MAX_DAYS).
    const maxDays = loadConfig().apiTokens.maxDays;
    let expiresInDays = maxDays;
    if (strings['expires-days'] !== undefined) {
      const days = strings['expires-days'];
      if (!/^\d+$/.test(days) || Number(days) < 1 || Number(days) > maxDays) {
        throw new UsageError(`--expires-days must be a whole number of days from 1 to ${maxDays}`);
      }
      expiresInDays = Number(days);
    }
    return withDatabase(async (database) => {
      const tokens = new TokenService(database.db, systemClock, maxDays);
      try {
        const issued = await tokens.createForEmail(
          email,
          { name, expiresInDays },
          { requestId: `cli-${randomUUID()}`, clientIp: 'command line' },
        );
        // Only the token goes to stdout, so a script can capture it; everything else goes to stderr.
        process.stdout.write(`${issued.token}\n`);
        console.error(
          `Created token "${name}" (${issued.record.prefix}…)` +
            (issued.record.expires_at ? `, expiring ${issued.record.expires_at.toISOString()}` : ', with no expiry') +
            '. It will not be shown again.',
        );
        return 0;
      } catch (err) {
        if (err instanceof NotFoundError || err instanceof ConflictError) {
          console.error(err.message);
          return 1;
        }
        throw err;
      }
    });
  },
};
