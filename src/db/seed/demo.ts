import type { Kysely } from 'kysely';
import type { DB } from '../schema.ts';

export const DEMO_PASSWORD = 'demo-password-2026';
export function demoSignInHelp(password: string): string {
  return `Demo sign-in: admin@demo.early-help.invalid / ${password}`;
}
export async function seedDemo(_db: Kysely<DB>, _opts: { onlyIfEmpty: boolean }): Promise<boolean> {
  return false;
}
