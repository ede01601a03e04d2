import { totpCode } from '../../platform/totp.ts';
import { type Command, parseOptions, UsageError } from '../index.ts';

export const command: Command = {
  summary: 'Print the current authenticator code for a setup key (for demo and test accounts)',
  usage: 'totp-code --secret BASE32',
  async run(args) {
    const { strings } = parseOptions(args, { strings: ['secret'] });
    const secret = strings.secret?.replace(/\s+/g, '').toUpperCase();
    if (!secret) throw new UsageError('Give the setup key with --secret');
    if (!/^[A-Z2-7]+=*$/.test(secret))
      throw new UsageError('The setup key must be base32 (letters A–Z and digits 2–7)');
    try {
      console.log(await totpCode(secret, new Date()));
    } catch {
      throw new UsageError('The setup key is too short: it must decode to at least 16 bytes');
    }
    return 0;
  },
};
