import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { requireRole } from '../../platform/access.ts';
import { recordAudit, verifyAuditChain } from '../../platform/audit.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { accessSummary, findEvents, recordTypes } from './repository.ts';

export const PAGE_SIZE = 50;

/** The data-protection officer's view of the audit trail. Looking at it is itself audited. */
export class AuditService {
  constructor(private readonly db: Kysely<DB>) {}

  async recordHistory(ctx: RequestContext, recordType: string, recordId: string, page: number) {
    const role = requireRole(ctx.actor, 'data_protection', 'system_admin');
    return this.db.transaction().execute(async (trx) => {
      const summary = await accessSummary(trx, recordType, recordId);
      const events = await findEvents(trx, { recordType, recordId, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'audit.record-history.viewed',
        recordType,
        recordId,
      });
      return { summary, ...events };
    });
  }

  async userActivity(ctx: RequestContext, userId: string, page: number) {
    const role = requireRole(ctx.actor, 'data_protection', 'system_admin');
    return this.db.transaction().execute(async (trx) => {
      const user = await trx
        .selectFrom('app_user as u')
        .innerJoin('organisation as o', 'o.id', 'u.organisation_id')
        .select(['u.id', 'u.name', 'u.email', 'o.name as organisation_name'])
        .where('u.id', '=', userId)
        .executeTakeFirst();
      const events = await findEvents(trx, { actorUserId: userId, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'audit.user-activity.viewed',
        recordType: 'user',
        recordId: userId,
      });
      return { user, ...events };
    });
  }

  async recordTypes(ctx: RequestContext) {
    requireRole(ctx.actor, 'data_protection', 'system_admin');
    return recordTypes(this.db);
  }

  async verify(ctx: RequestContext) {
    const role = requireRole(ctx.actor, 'data_protection', 'system_admin');
    const result = await verifyAuditChain(this.db);
    await this.db.transaction().execute((trx) =>
      recordAudit(trx, auditContext(ctx, role), {
        action: 'audit.verified',
        details: { ok: result.ok, checked: result.checked },
      }),
    );
    return result;
  }
}
