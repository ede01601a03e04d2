import type { Actor } from './access.ts';
import type { AuditContext } from './audit.ts';

/** What a service needs to know about the request: who, from where, when. Services never see `request`. */
export interface RequestContext {
  actor: Actor | null;
  requestId: string;
  clientIp: string;
  at: Date;
}

export function auditContext(ctx: RequestContext, role?: string | null): AuditContext {
  return {
    actor: ctx.actor,
    role: role ?? null,
    requestId: ctx.requestId,
    clientIp: ctx.clientIp,
    at: ctx.at,
  };
}
