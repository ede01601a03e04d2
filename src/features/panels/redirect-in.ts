/**
 * Redirecting a received request to a panel (issue 11; docs/decisions/0039). An agency that received a request it
 * cannot meet — the targeted services leader's request from the front door, on their work list — redirects it to a
 * panel, only with the family told and agreeing. The redirect makes a request to the panel through the panel's own
 * checks (`PanelRequestService.make`: the redirect rules, a consent naming the panel, the assessment on record, the
 * gateway service's eligibility), with the receiving agency as referrer, its reason as background and the received
 * request it came from; in the same transaction the received request's work item is closed as redirected.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB, FamilyAgreedHow, RedirectedFromKind } from '../../db/schema.ts';
import { recordAudit } from '../../platform/audit.ts';
import { londonToday } from '../../platform/calendar.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import { Refusal, refuseOnPerson, runRefusable } from '../../platform/refusals.ts';
import { completeWork } from '../../platform/work.ts';
import * as directory from '../directory/repository.ts';
import { findPerson } from '../people/repository.ts';
import { receivedRequestWords } from './redirected-in-view.ts';
import { type MakeResult, PanelRequestService, type RequestInput } from './requests.ts';

type Trx = Transaction<DB>;

/** The received requests that can be redirected to a panel, and the work item that holds each. */
export const RECEIVED_REQUESTS: Record<RedirectedFromKind, { workKind: string; sourceType: string }> = {
  contact: { workKind: 'front-door.targeted-support', sourceType: 'contact' },
};

export interface FamilyAgreement {
  familyAgreed: 'yes' | 'no';
  agreedBy: string;
  agreedOn: string | null;
  agreedHow: FamilyAgreedHow | null;
  reason: string;
}

export const NOT_AGREED =
  'A request can be redirected to a panel only when the family has been told and agrees: tell the family why your agency cannot meet the request and what the panel is, and redirect it when they agree';

const REFUSED = 'panel-request.redirect-in.refused';
const nameOf = (p: { given_name: string; family_name: string }) => `${p.given_name} ${p.family_name}`;

export class PanelRedirectInService {
  private readonly requests: PanelRequestService;

  constructor(
    private readonly db: Kysely<DB>,
    baseUrl: string,
  ) {
    this.requests = new PanelRequestService(db, baseUrl);
  }

  /**
   * The received request and its children, if the actor holds its open work item. Anyone else (another agency, the
   * same leader once it is closed) gets not found, audited on the request's children.
   */
  private async received(trx: Trx, ctx: RequestContext, kind: RedirectedFromKind, id: string) {
    const actor = ctx.actor;
    if (!actor) throw new ForbiddenError();
    const { workKind, sourceType } = RECEIVED_REQUESTS[kind];
    const children = await trx
      .selectFrom('contact_child as cc')
      .innerJoin('person as p', 'p.id', 'cc.person_id')
      .select(['p.id', 'p.given_name', 'p.family_name', 'p.date_of_birth'])
      .where('cc.contact_id', '=', id)
      .where('p.merged_into', 'is', null)
      .orderBy('p.date_of_birth')
      .orderBy('p.id')
      .execute();
    if (!children.length) throw new NotFoundError();
    const item = await trx
      .selectFrom('work_item')
      .select('id')
      .where('kind', '=', workKind)
      .where('source_type', '=', sourceType)
      .where('source_id', '=', id)
      .where('status', '=', 'open')
      .where('assigned_user_id', '=', actor.userId)
      .executeTakeFirst();
    if (!item) {
      return refuseOnPerson(trx, ctx, REFUSED, children[0]!.id, new NotFoundError(), {
        receivedKind: kind,
        receivedId: id,
        personIds: children.map((c) => c.id),
      });
    }
    return {
      kind,
      id,
      words: await receivedRequestWords(trx, kind, id),
      children: children.map((c) => ({ id: c.id, name: nameOf(c) })),
    };
  }

  /** Whether the actor holds the received request's open work item, so may redirect it (a link, not a read). */
  async mayRedirect(ctx: RequestContext, kind: RedirectedFromKind, id: string) {
    if (!ctx.actor) return false;
    const { workKind, sourceType } = RECEIVED_REQUESTS[kind];
    const item = await this.db
      .selectFrom('work_item')
      .select('id')
      .where('kind', '=', workKind)
      .where('source_type', '=', sourceType)
      .where('source_id', '=', id)
      .where('status', '=', 'open')
      .where('assigned_user_id', '=', ctx.actor.userId)
      .executeTakeFirst();
    return !!item;
  }

  /** The child on the received request, for the request's form and the redirect itself. */
  private async admitChild(trx: Trx, ctx: RequestContext, kind: RedirectedFromKind, id: string, personId: string) {
    const got = await this.received(trx, ctx, kind, id);
    if (got instanceof Refusal) return got;
    if (!got.children.some((c) => c.id === personId)) throw new NotFoundError();
    const person = await findPerson(trx, personId);
    if (!person) throw new NotFoundError();
    return { got, person };
  }

  /** The page to start from: the children on the request and the panels, those covering the child's area first. */
  async choose(ctx: RequestContext, kind: RedirectedFromKind, id: string) {
    return runRefusable(this.db, async (trx) => {
      const got = await this.received(trx, ctx, kind, id);
      if (got instanceof Refusal) return got;
      const areaIds = new Set<string>();
      for (const c of got.children) {
        const area = await directory.childArea(trx, c.id);
        if (area && area !== 'withheld') for (const a of area.ids) areaIds.add(a);
      }
      const panels = (
        await trx
          .selectFrom('panel')
          .select(['id', 'name', 'remit', 'area_id'])
          .where('status', '=', 'active')
          .orderBy('name')
          .execute()
      ).map((p) => ({ id: p.id, name: p.name, remit: p.remit, covers: !!p.area_id && areaIds.has(p.area_id) }));
      panels.sort((a, b) => Number(b.covers) - Number(a.covers));
      await recordAudit(trx, auditContext(ctx), {
        action: 'panel-request.redirect-in.viewed',
        recordType: 'person',
        recordId: got.children[0]!.id,
        details: { receivedKind: kind, receivedId: id, personIds: got.children.map((c) => c.id) },
      });
      return { received: got, panels };
    });
  }

  /** What the redirect form needs: the panel request's own form for the child, and the received request. */
  async form(ctx: RequestContext, kind: RedirectedFromKind, id: string, personId: string, panelId: string) {
    let received: Awaited<ReturnType<PanelRedirectInService['received']>> | undefined;
    const form = await this.requests.form(ctx, personId, panelId, {
      admit: async (trx) => {
        const a = await this.admitChild(trx, ctx, kind, id, personId);
        if (a instanceof Refusal) return a;
        received = a.got;
        return a.person;
      },
    });
    return { ...form, received: received as Exclude<typeof received, Refusal | undefined> };
  }

  /**
   * Redirects the received request to the panel. Refused, audited on the child, without the family's agreement;
   * then the panel request's own checks. Made, the received request's work item is done and the redirect recorded.
   */
  async redirect(
    ctx: RequestContext,
    kind: RedirectedFromKind,
    id: string,
    personId: string,
    panelId: string,
    input: RequestInput & FamilyAgreement,
  ): Promise<MakeResult> {
    const { workKind, sourceType } = RECEIVED_REQUESTS[kind];
    let personIds: string[] = [];
    return this.requests.make(ctx, personId, panelId, input, {
      admit: async (trx) => {
        const a = await this.admitChild(trx, ctx, kind, id, personId);
        if (a instanceof Refusal) return a;
        personIds = a.got.children.map((c) => c.id);
        if (input.familyAgreed !== 'yes' || !input.agreedBy || !input.agreedOn || !input.agreedHow) {
          return refuseOnPerson(
            trx,
            ctx,
            REFUSED,
            personId,
            new ValidationError([{ field: 'familyAgreed', message: NOT_AGREED }]),
            {
              receivedKind: kind,
              receivedId: id,
              panelId,
              why: 'the family has not agreed',
            },
          );
        }
        if (input.agreedOn > londonToday(ctx.at)) {
          throw new ValidationError([
            { field: 'agreedOn', message: 'The date the family agreed must be today or in the past' },
          ]);
        }
        return a.person;
      },
      columns: {
        redirected_from_kind: kind,
        redirected_from_id: id,
        redirected_in_reason: input.reason,
        family_agreed_by: input.agreedBy,
        family_agreed_on: input.agreedOn ?? '',
        family_agreed_how: input.agreedHow ?? 'in_person',
      },
      made: async (trx, requestId) => {
        await completeWork(trx, { sourceType, sourceId: id, kind: workKind, at: ctx.at, by: ctx.actor!.userId });
        await recordAudit(trx, auditContext(ctx), {
          action: 'panel-request.redirected-in',
          recordType: 'person',
          recordId: personId,
          reason: input.reason,
          details: {
            requestId,
            panelId,
            receivedKind: kind,
            receivedId: id,
            personIds,
            familyAgreedOn: input.agreedOn,
            familyAgreedHow: input.agreedHow,
          },
        });
      },
    });
  }
}
