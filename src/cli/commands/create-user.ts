import { AGENCY_TYPES, ROLES, TIERS } from '../../db/schema.ts';
import { parseTotpSecret, unknownRoles } from '../../features/admin/schemas.ts';
import { createUserRecord } from '../../features/admin/service.ts';
import { systemClock } from '../../platform/clock.ts';
import { ValidationError } from '../../platform/errors.ts';
import { passwordProblem, randomToken } from '../../platform/passwords.ts';
import { withDatabase } from '../database.ts';
import { type Command, parseOptions, UsageError } from '../index.ts';

const isOneOf = <T extends string>(values: readonly T[], v: string): v is T =>
  (values as readonly string[]).includes(v);

/**
 * Creates a person's account from the command line: the first system administrator, or accounts made by
 * set-up scripts. Prints the new user's id on standard output so a script can capture it.
 */
export const command: Command = {
  summary: 'Add a user (prints the new user’s id)',
  usage:
    'create-user --email E --name N --org ORGANISATION --role R [--role R2 ...] [--password P] [--totp-secret BASE32] [--job-title T] [--create-org [--org-type TYPE] [--org-tier TIER]]\n\n' +
    'ORGANISATION is the exact name (any case) or id of an organisation. On a new installation, --create-org\n' +
    `creates it (type ${AGENCY_TYPES.join('|')}, default local_authority; tier ${TIERS.join('|')},\n` +
    'default targeted). Without --password a strong temporary password is generated and shown once, on standard error.',
  async run(args) {
    const { strings, repeated, flags, positional } = parseOptions(args, {
      strings: ['email', 'name', 'org', 'password', 'totp-secret', 'job-title', 'org-type', 'org-tier'],
      repeat: ['role'],
      flags: ['create-org'],
    });
    if (positional.length) throw new UsageError(`Unexpected argument "${positional[0]}"`);
    for (const required of ['email', 'name', 'org'] as const) {
      if (!strings[required]?.trim()) throw new UsageError(`Give --${required}`);
    }
    const roles = (repeated.role ?? [])
      .flatMap((r) => r.split(','))
      .map((r) => r.trim())
      .filter(Boolean);
    if (roles.length === 0) throw new UsageError(`Give at least one --role. Valid roles: ${ROLES.join(', ')}`);
    const bad = unknownRoles(roles);
    if (bad.length) {
      throw new UsageError(`Unknown role ${bad.map((r) => `"${r}"`).join(', ')}. Valid roles: ${ROLES.join(', ')}`);
    }
    if (strings.password !== undefined) {
      const problem = passwordProblem(strings.password);
      if (problem) throw new UsageError(`${problem} (--password)`);
    }
    if (strings['totp-secret'] !== undefined) {
      const totp = parseTotpSecret(strings['totp-secret']);
      if (!totp.ok) throw new UsageError(`${totp.problem} (--totp-secret)`);
    }
    const agencyType = strings['org-type'] ?? 'local_authority';
    const tier = strings['org-tier'] ?? 'targeted';
    if (!isOneOf(AGENCY_TYPES, agencyType))
      throw new UsageError(`--org-type must be one of: ${AGENCY_TYPES.join(', ')}`);
    if (!isOneOf(TIERS, tier)) throw new UsageError(`--org-tier must be one of: ${TIERS.join(', ')}`);
    const generated = strings.password === undefined ? randomToken(18) : undefined;

    return withDatabase(async ({ db }) => {
      try {
        const user = await createUserRecord(db, systemClock, {
          email: strings.email!,
          name: strings.name!,
          organisation: strings.org!,
          roles,
          password: strings.password ?? generated,
          totpSecret: strings['totp-secret'],
          jobTitle: strings['job-title'],
          createOrganisation: flags.has('create-org') ? { agencyType, tier } : undefined,
        });
        console.log(user.id);
        // Shown once, on standard error, so `id=$(early-help create-user …)` captures only the id.
        if (generated) console.error(`Temporary password (shown once): ${generated}`);
        return 0;
      } catch (err) {
        if (err instanceof ValidationError) {
          const unknownOrg = err.errors.some((e) => e.field === 'organisation');
          console.error(err.errors.map((e) => e.message).join('. ') + (unknownOrg ? ' (or add --create-org)' : ''));
          return 1;
        }
        throw err;
      }
    });
  },
};
