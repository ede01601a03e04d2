import { randomBytes } from 'node:crypto';
import { generate, generateSecret, generateURI, verify } from 'otplib';
import { sha256 } from './passwords.ts';

/** TOTP (RFC 6238) as authenticator apps expect: SHA-1, 6 digits, 30-second steps, ±1 step of drift. */
export function newTotpSecret(): string {
  return generateSecret();
}

export function totpUri(secret: string, account: string, issuer = 'Early Help Hub'): string {
  return generateURI({ issuer, label: account, secret });
}

export async function totpCode(secret: string, at: Date): Promise<string> {
  return generate({ secret, epoch: Math.floor(at.getTime() / 1000) });
}

/**
 * Checks a code and returns the time step it belongs to, or false. A step at or before `afterStep`
 * is refused, so a code that was already used (or an older one) cannot be replayed.
 */
export async function checkTotp(
  secret: string,
  code: string,
  at: Date,
  afterStep?: number | null,
): Promise<number | false> {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return false;
  try {
    const result = await verify({
      secret,
      token,
      epoch: Math.floor(at.getTime() / 1000),
      epochTolerance: 30,
      ...(afterStep != null ? { afterTimeStep: afterStep } : {}),
    });
    // The functional API's types omit the TOTP time step it returns.
    return result.valid ? (result as typeof result & { timeStep: number }).timeStep : false;
  } catch {
    return false;
  }
}

/** Ten single-use recovery codes, shown once; only their hashes are kept. */
export function newRecoveryCodes(): { codes: string[]; hashes: string[] } {
  const codes = Array.from({ length: 10 }, () => {
    const raw = randomBytes(5).toString('hex');
    return `${raw.slice(0, 5)}-${raw.slice(5)}`;
  });
  return { codes, hashes: codes.map((c) => sha256(c)) };
}

export function normaliseRecoveryCode(input: string): string {
  const compact = input.toLowerCase().replace(/[^0-9a-f]/g, '');
  return compact.length === 10 ? `${compact.slice(0, 5)}-${compact.slice(5)}` : input.trim().toLowerCase();
}
