/**
 * Refusing a request about a child's record: the refusal is audited on the child in its own committed
 * transaction, then the error is thrown to the route (a 404 for "no relationship", a 403 with a reason otherwise).
 * Services return a `Refusal` from inside `runRefusable`, which commits the audit event and then throws.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { recordAudit } from './audit.ts';
import { auditContext, type RequestContext } from './context.ts';

export class Refusal {
  constructor(readonly error: Error) {}
}

/** Runs `fn` in a transaction; a returned `Refusal` is committed (with its audit event) and then thrown. */
export async function runRefusable<T>(db: Kysely<DB>, fn: (trx: Transaction<DB>) => Promise<T | Refusal>): Promise<T> {
  const out = await db.transaction().execute(fn);
  if (out instanceof Refusal) throw out.error;
  return out;
}

/** Audits a refusal on the person it concerns and returns it, for `runRefusable` to throw after commit. */
export async function refuseOnPerson(
  trx: Transaction<DB>,
  ctx: RequestContext,
  action: string,
  personId: string,
  error: Error,
  details: Record<string, unknown> = {},
): Promise<Refusal> {
  await recordAudit(trx, auditContext(ctx, ctx.actor?.roles.join(' ')), {
    action,
    recordType: 'person',
    recordId: personId,
    details: { ...details, refusal: error.message },
  });
  return new Refusal(error);
}
