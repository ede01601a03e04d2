import type { Kysely } from 'kysely';
import type { DB, NotificationEmail } from '../../db/schema.ts';
import { hasRole, requireRole } from '../../platform/access.ts';
import { recordAudit } from '../../platform/audit.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { ForbiddenError, NotFoundError } from '../../platform/errors.ts';
import * as notifications from '../../platform/notifications.ts';
import { listWork } from '../../platform/work.ts';

/** Every person who signs in has notifications and a work list; service accounts (API only) have work through the API. */
const SIGNED_IN_ROLES = [
  'practitioner',
  'manager',
  'front_door',
  'integrated_processes',
  'panel_admin',
  'panel_chair',
  'panel_member',
  'analyst',
  'data_protection',
  'system_admin',
] as const;

/** A user's own notifications, email preference and work list: nobody sees another's. */
export class NotificationService {
  constructor(private readonly db: Kysely<DB>) {}

  private actor(ctx: RequestContext) {
    requireRole(ctx.actor, ...SIGNED_IN_ROLES);
    return ctx.actor!;
  }

  async list(ctx: RequestContext) {
    const actor = this.actor(ctx);
    const rows = await notifications.listNotifications(this.db, actor.userId);
    return { notifications: rows, unread: rows.filter((r) => !r.read_at).length };
  }

  /** Marks it read and returns its link; another user's (or none) is not found. */
  async open(ctx: RequestContext, id: string): Promise<string> {
    const actor = this.actor(ctx);
    const href = await notifications.openNotification(this.db, actor.userId, id, ctx.at);
    if (!href) throw new NotFoundError();
    return href;
  }

  async markRead(ctx: RequestContext, id: string): Promise<void> {
    await this.open(ctx, id);
  }

  async markAllRead(ctx: RequestContext): Promise<number> {
    const actor = this.actor(ctx);
    return notifications.markAllRead(this.db, actor.userId, ctx.at);
  }

  async emailPreference(ctx: RequestContext): Promise<NotificationEmail> {
    const actor = this.actor(ctx);
    return notifications.emailPreference(this.db, actor.userId);
  }

  async setEmailPreference(ctx: RequestContext, choice: NotificationEmail): Promise<boolean> {
    const actor = this.actor(ctx);
    return this.db.transaction().execute(async (trx) => {
      const changed = await notifications.setEmailPreference(trx, actor.userId, choice, ctx.at);
      if (changed) {
        await recordAudit(trx, auditContext(ctx), {
          action: 'account.notification-email.changed',
          recordType: 'user',
          recordId: actor.userId,
          details: { choice },
        });
      }
      return changed;
    });
  }

  /** Whether the actor may see the team view: a manager of at least one team. */
  managesTeams(ctx: RequestContext): boolean {
    return !!ctx.actor && !!hasRole(ctx.actor, 'manager') && ctx.actor.managedTeamIds.length > 0;
  }

  async work(ctx: RequestContext, view: 'mine' | 'team' = 'mine') {
    const actor = ctx.actor;
    if (!actor) throw new ForbiddenError();
    if (view === 'team' && !this.managesTeams(ctx)) throw new ForbiddenError();
    return listWork(this.db, actor, ctx.at, view);
  }
}
