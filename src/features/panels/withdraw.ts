/**
 * Withdrawing a request to a panel (docs/decisions/0037): its referrer, or the panel's administrator or chair,
 * withdraws a submitted or accepted request that has not been discussed, with a reason. It leaves the agenda (later
 * slots close up), its open deadlines are closed as no longer needed, the panel's administrators are told, and the
 * withdrawal is audited on each child and shows on their chronologies at index level.
 */
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import type { DB } from '../../db/schema.ts';
import { recordAudit } from '../../platform/audit.ts';
import { londonToday, longDate } from '../../platform/calendar.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { closeDeadlines } from '../../platform/deadlines.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import { notify } from '../../platform/notifications.ts';
import { refuseOnPerson, runRefusable } from '../../platform/refusals.ts';
import { closeUpSlots, REQUEST_STATUS_WORDS } from './requests.ts';
import { current } from './service.ts';

export const WithdrawForm = z.object({
  reason: z
    .string({ message: 'Enter why the request is being withdrawn' })
    .trim()
    .min(1, 'Enter why the request is being withdrawn')
    .max(2000, 'The reason must be 2,000 characters or fewer'),
});

const ADMINISTERS = ['administrator', 'chair', 'deputy_chair'];

/** The request as the person withdrawing it sees it, or "not found" (audited on the child) for anyone else. */
async function withdrawable(q: Kysely<DB>, ctx: RequestContext, personId: string, requestId: string) {
  return runRefusable(q, async (trx) => {
    if (!ctx.actor) throw new ForbiddenError();
    const r = await trx
      .selectFrom('panel_request as r')
      .innerJoin('panel_request_person as rp', 'rp.request_id', 'r.id')
      .innerJoin('panel as p', 'p.id', 'r.panel_id')
      .leftJoin('panel_meeting as m', 'm.id', 'r.meeting_id')
      .selectAll('r')
      .select(['p.name as panel_name', 'm.meeting_date'])
      .where('r.id', '=', requestId)
      .where('rp.person_id', '=', personId)
      .executeTakeFirst();
    if (!r) throw new NotFoundError();
    const seats = await trx
      .selectFrom('panel_member')
      .select(['role', 'from_date', 'to_date'])
      .where('panel_id', '=', r.panel_id)
      .where('user_id', '=', ctx.actor.userId)
      .execute();
    const administers = current(seats, londonToday(ctx.at)).some((s) => ADMINISTERS.includes(s.role));
    if (!administers && r.referrer_user_id !== ctx.actor.userId) {
      return refuseOnPerson(trx, ctx, 'panel-request.withdraw-refused', personId, new NotFoundError(), { requestId });
    }
    return r;
  });
}

/** Why a request cannot be withdrawn, or null. */
async function whyNot(q: Kysely<DB> | Transaction<DB>, r: { id: string; status: string }) {
  if (r.status !== 'submitted' && r.status !== 'accepted') {
    return `This request is ${REQUEST_STATUS_WORDS[r.status as keyof typeof REQUEST_STATUS_WORDS].toLowerCase()}: only a request waiting for the panel or accepted and not yet discussed can be withdrawn`;
  }
  const recorded = await q
    .selectFrom('panel_case_record')
    .select('request_id')
    .where('request_id', '=', r.id)
    .executeTakeFirst();
  if (recorded) return 'The panel has discussed this request and recorded its decisions: it can no longer be withdrawn';
  return null;
}

export class WithdrawService {
  constructor(private readonly db: Kysely<DB>) {}

  /** The withdrawal page: the request and, when it cannot be withdrawn, why. */
  async page(ctx: RequestContext, personId: string, requestId: string) {
    const r = await withdrawable(this.db, ctx, personId, requestId);
    const person = await this.db
      .selectFrom('person')
      .select(['id', 'given_name', 'family_name'])
      .where('id', '=', personId)
      .executeTakeFirstOrThrow();
    return {
      person: { id: person.id, name: `${person.given_name} ${person.family_name}` },
      request: {
        id: r.id,
        panelName: r.panel_name,
        status: r.status,
        meetingLabel: r.meeting_date ? longDate(r.meeting_date) : null,
      },
      cannot: await whyNot(this.db, r),
    };
  }

  async withdraw(ctx: RequestContext, personId: string, requestId: string, reason: string) {
    const r = await withdrawable(this.db, ctx, personId, requestId);
    await this.db.transaction().execute(async (trx) => {
      const now = await trx
        .selectFrom('panel_request')
        .select(['id', 'status'])
        .where('id', '=', requestId)
        .forUpdate()
        .executeTakeFirstOrThrow();
      const why = await whyNot(trx, now);
      if (why) throw new ValidationError([{ field: 'reason', message: why }]);
      await trx
        .updateTable('panel_request')
        .set({
          status: 'withdrawn',
          status_reason: reason,
          withdrawn_by: ctx.actor!.userId,
          withdrawn_at: ctx.at,
          meeting_id: null,
          slot_order: null,
          updated_at: ctx.at,
        })
        .where('id', '=', requestId)
        .execute();
      if (r.meeting_id) await closeUpSlots(trx, r.meeting_id);
      const closed = await closeDeadlines(trx, 'panel_request', requestId);
      const people = await trx
        .selectFrom('panel_request_person')
        .select('person_id')
        .where('request_id', '=', requestId)
        .execute();
      for (const id of new Set([r.person_id, ...people.map((p) => p.person_id)])) {
        await recordAudit(trx, auditContext(ctx), {
          action: 'panel-request.withdrawn',
          recordType: 'person',
          recordId: id,
          details: { requestId, panelId: r.panel_id, meetingId: r.meeting_id, deadlinesClosed: closed },
        });
      }
      const admins = await trx
        .selectFrom('panel_member')
        .select(['user_id', 'from_date', 'to_date'])
        .where('panel_id', '=', r.panel_id)
        .where('role', '=', 'administrator')
        .execute();
      await notify(trx, {
        userIds: [r.referrer_user_id],
        kind: 'panel-request.withdrawn',
        title: `Your request to ${r.panel_name} was withdrawn`,
        href: `/people/${r.person_id}/panel-requests/${requestId}`,
        recordType: 'panel_request',
        recordId: requestId,
        at: ctx.at,
        except: ctx.actor!.userId,
      });
      await notify(trx, {
        userIds: current(admins, londonToday(ctx.at)).map((a) => a.user_id),
        kind: 'panel-request.withdrawn',
        title: `A request to ${r.panel_name} was withdrawn`,
        href: `/panels/${r.panel_id}/requests/${requestId}`,
        recordType: 'panel_request',
        recordId: requestId,
        at: ctx.at,
        except: ctx.actor!.userId,
      });
    });
    return { id: requestId, panelId: r.panel_id };
  }
}
