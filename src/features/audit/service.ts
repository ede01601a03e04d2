import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { requireRole } from '../../platform/access.ts';
import { recordAudit, verifyAuditChain } from '../../platform/audit.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { actionInWords } from './action-words.ts';
import { accessSummary, actionsAbout, findEvents, recordExists, recordTypes } from './repository.ts';
import type { HistoryFilters } from './schemas.ts';

/** The most events one export holds: a longer history is exported a date range at a time. */
export const EXPORT_LIMIT = 10_000;

function inWords<T extends { action: string }>(rows: T[]) {
  return rows.map((r) => ({ ...r, action_words: actionInWords(r.action) }));
}

export const PAGE_SIZE = 50;

/** The data-protection officer's view of the audit trail. Looking at it is itself audited. */
/** A record's history, filtered as the data-protection officer asked, as the event search takes it. */
function historySearch(recordType: string, recordId: string, filters: HistoryFilters, limit: number, offset: number) {
  return {
    recordType,
    recordId,
    actorUserId: filters.user,
    action: filters.action,
    from: filters.from,
    to: filters.to,
    limit,
    offset,
  };
}

export class AuditService {
  constructor(private readonly db: Kysely<DB>) {}

  /** A record's access history, filtered; `found: false` when no record has that reference. */
  async recordHistory(
    ctx: RequestContext,
    recordType: string,
    recordId: string,
    page: number,
    filters: HistoryFilters = {},
  ) {
    const role = requireRole(ctx.actor, 'data_protection', 'system_admin');
    return this.db.transaction().execute(async (trx) => {
      if (!(await recordExists(trx, recordType, recordId))) return { found: false as const };
      const summary = await accessSummary(trx, recordType, recordId);
      const actions = (await actionsAbout(trx, recordType, recordId)).map((a) => ({
        value: a,
        text: actionInWords(a),
      }));
      const events = await findEvents(
        trx,
        historySearch(recordType, recordId, filters, PAGE_SIZE, (page - 1) * PAGE_SIZE),
      );
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'audit.record-history.viewed',
        recordType,
        recordId,
      });
      return { found: true as const, summary, actions, rows: inWords(events.rows), more: events.more };
    });
  }

  /** Every event of a record's history that matches the filters (up to EXPORT_LIMIT), for a CSV or a printout. */
  async exportHistory(ctx: RequestContext, recordType: string, recordId: string, filters: HistoryFilters = {}) {
    const role = requireRole(ctx.actor, 'data_protection', 'system_admin');
    return this.db.transaction().execute(async (trx) => {
      if (!(await recordExists(trx, recordType, recordId))) return { found: false as const };
      const events = await findEvents(trx, historySearch(recordType, recordId, filters, EXPORT_LIMIT, 0));
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'audit.record-history.exported',
        recordType,
        recordId,
        details: { filters, events: events.rows.length, truncated: events.more },
      });
      return { found: true as const, rows: inWords(events.rows), truncated: events.more };
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
      return { user, rows: inWords(events.rows), more: events.more };
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
