/**
 * The family's decision letter for a case on an approved panel record (docs/decisions/0037): who may read it, the
 * letter in the family's language, its PDF, and recording that it was sent (part of circulating the decisions).
 * Readers: the panel's current administrator, chair and deputy chairs, the case's lead professional and its
 * referrer. Anyone else is "not found", and the refusal is audited on the child.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB, PanelLetterMethod, PanelOutcome } from '../../db/schema.ts';
import { recordAudit } from '../../platform/audit.ts';
import { londonToday, longDate } from '../../platform/calendar.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { ForbiddenError, NotFoundError } from '../../platform/errors.ts';
import { Refusal, refuseOnPerson, runRefusable } from '../../platform/refusals.ts';
import { withheldPeople } from '../../platform/sharing.ts';
import { familyLanguage, familyLetterPdf, familyOf } from '../letters/family-letter.ts';
import { findPerson } from '../people/repository.ts';
import { buildDecisionLetter, decisionLetterDocument, type LetterLead } from './decision-letter.ts';
import { current } from './service.ts';

type Trx = Transaction<DB>;
type Q = Kysely<DB> | Trx;

const WRITERS = ['administrator', 'chair', 'deputy_chair'];
const nameOf = (p: { given_name: string; family_name: string }) => `${p.given_name} ${p.family_name}`;

export const LETTER_METHOD_WORDS: Record<PanelLetterMethod, string> = {
  given: 'Given to the family by hand',
  posted: 'Posted to the family',
  emailed: 'Emailed to the family',
};

/** Whether the user holds a current administrator, chair or deputy chair seat on the panel. */
async function isWriter(q: Q, userId: string, panelId: string, at: Date) {
  const seats = await q
    .selectFrom('panel_member')
    .select(['role', 'from_date', 'to_date'])
    .where('panel_id', '=', panelId)
    .where('user_id', '=', userId)
    .execute();
  return current(seats, londonToday(at)).some((s) => WRITERS.includes(s.role));
}

/** Whether the user may read the family's letter of an approved case: for links to it (the letter checks again). */
export async function mayReadLetter(q: Q, userId: string, requestId: string, at: Date): Promise<boolean> {
  const row = await q
    .selectFrom('panel_request as r')
    .innerJoin('panel_case_record as c', 'c.request_id', 'r.id')
    .select(['r.panel_id', 'r.referrer_user_id', 'c.lead_user_id'])
    .where('r.id', '=', requestId)
    .executeTakeFirst();
  if (!row) return false;
  return row.referrer_user_id === userId || row.lead_user_id === userId || isWriter(q, userId, row.panel_id, at);
}

export class DecisionLetterService {
  constructor(private readonly db: Kysely<DB>) {}

  private async letterData(trx: Trx, ctx: RequestContext, personId: string, requestId: string) {
    const actor = ctx.actor;
    if (!actor) throw new ForbiddenError();
    const person = await findPerson(trx, personId);
    if (!person || person.merged_into) throw new NotFoundError();
    const row = await trx
      .selectFrom('panel_request as r')
      .innerJoin('panel_request_person as rp', 'rp.request_id', 'r.id')
      .innerJoin('panel as p', 'p.id', 'r.panel_id')
      .innerJoin('panel_meeting as m', 'm.id', 'r.meeting_id')
      .innerJoin('panel_meeting_record as mr', 'mr.meeting_id', 'm.id')
      .innerJoin('panel_case_record as c', 'c.request_id', 'r.id')
      .innerJoin('app_user as ru', 'ru.id', 'r.referrer_user_id')
      .innerJoin('organisation as ro', 'ro.id', 'r.referrer_organisation_id')
      .select(['r.id', 'r.panel_id', 'r.meeting_id', 'r.referrer_user_id', 'p.name as panel_name', 'm.meeting_date'])
      .select(['c.outcomes', 'c.lead_kind', 'c.lead_user_id', 'c.lead_organisation_id', 'c.lead_review_on'])
      .select(['c.letter_sent_on', 'c.letter_method', 'c.letter_recorded_by', 'c.letter_recorded_at'])
      .select(['ru.name as referrer_name', 'ro.name as referrer_organisation'])
      .where('r.id', '=', requestId)
      .where('rp.person_id', '=', personId)
      .where('mr.approved_at', 'is not', null)
      .executeTakeFirst();
    const writer = row ? await isWriter(trx, actor.userId, row.panel_id, ctx.at) : false;
    const mayRead = !!row && (writer || row.lead_user_id === actor.userId || row.referrer_user_id === actor.userId);
    if (!row || !mayRead) {
      return refuseOnPerson(trx, ctx, 'panel-record.letter-refused', personId, new NotFoundError(), { requestId });
    }
    const childRows = await trx
      .selectFrom('panel_request_person as rp')
      .innerJoin('person as c', 'c.id', 'rp.person_id')
      .select(['c.id', 'c.given_name', 'c.family_name', 'c.known_as'])
      .where('rp.request_id', '=', requestId)
      .where('c.kind', '=', 'child')
      .orderBy('c.date_of_birth')
      .orderBy('c.id')
      .execute();
    const childIds = [...new Set([person.id, ...childRows.map((c) => c.id)])];
    const adults = await familyOf(trx, childIds);
    const family = await familyLanguage(trx, adults, person.first_language ?? null);
    const withheld = await withheldPeople(trx, childIds);
    let lead: LetterLead = null;
    if (row.lead_kind === 'person' && row.lead_user_id) {
      const u = await trx
        .selectFrom('app_user as u')
        .innerJoin('organisation as o', 'o.id', 'u.organisation_id')
        .select(['u.name', 'u.email', 'u.phone', 'o.name as organisation'])
        .where('u.id', '=', row.lead_user_id)
        .executeTakeFirstOrThrow();
      lead = { kind: 'person', name: u.name, organisation: u.organisation, email: u.email, phone: u.phone };
    } else if (row.lead_kind === 'agency' && row.lead_organisation_id) {
      const o = await trx
        .selectFrom('organisation')
        .select('name')
        .where('id', '=', row.lead_organisation_id)
        .executeTakeFirstOrThrow();
      lead = { kind: 'agency', organisation: o.name };
    }
    const recommendations = await trx
      .selectFrom('panel_recommendation as x')
      .innerJoin('organisation as o', 'o.id', 'x.organisation_id')
      .select(['x.what', 'x.due_on', 'o.name as organisation'])
      .where('x.request_id', '=', requestId)
      .orderBy('x.due_on')
      .orderBy('x.created_at')
      .execute();
    const letter = buildDecisionLetter({
      ...family,
      adults: adults.map((a) => ({ id: a.id, name: nameOf(a) })),
      children: (childRows.length ? childRows : [person]).map((c) => ({
        id: c.id,
        name: `${c.known_as ?? c.given_name} ${c.family_name}`,
      })),
      withheld,
      panelName: row.panel_name,
      meetingDate: row.meeting_date,
      outcomes: row.outcomes as PanelOutcome[],
      recommendations: recommendations.map((r) => ({ what: r.what, organisation: r.organisation, dueOn: r.due_on })),
      lead,
      reviewOn: row.lead_review_on,
      contact:
        lead?.kind === 'person'
          ? { name: lead.name, organisation: lead.organisation }
          : { name: row.referrer_name, organisation: row.referrer_organisation },
      requestId,
    });
    const recordedBy = row.letter_recorded_by
      ? await trx.selectFrom('app_user').select('name').where('id', '=', row.letter_recorded_by).executeTakeFirst()
      : undefined;
    return {
      person: { id: person.id, name: nameOf(person) },
      request: { id: row.id, panelId: row.panel_id, meetingId: row.meeting_id! },
      panelName: row.panel_name,
      meetingLabel: longDate(row.meeting_date),
      meetingDate: row.meeting_date,
      letter,
      sent: row.letter_sent_on
        ? {
            on: longDate(row.letter_sent_on),
            method: row.letter_method!,
            by: recordedBy?.name ?? null,
          }
        : null,
      mayRecord: writer,
    };
  }

  /** The letter, for its printable page: reading it is audited on the child. */
  async letterView(ctx: RequestContext, personId: string, requestId: string) {
    return runRefusable(this.db, async (trx) => {
      const data = await this.letterData(trx, ctx, personId, requestId);
      if (data instanceof Refusal) return data;
      await recordAudit(trx, auditContext(ctx), {
        action: 'panel-record.letter-viewed',
        recordType: 'person',
        recordId: personId,
        details: { requestId, language: data.letter.lang },
      });
      return data;
    });
  }

  /** The letter as a document model, for the PDF (downloading it is audited). */
  async letterDocument(ctx: RequestContext, personId: string, requestId: string) {
    return runRefusable(this.db, async (trx) => {
      const data = await this.letterData(trx, ctx, personId, requestId);
      if (data instanceof Refusal) return data;
      return familyLetterPdf(trx, ctx, personId, data.letter, decisionLetterDocument(data.letter), {
        document: 'panel-decision-letter',
        requestId,
      });
    });
  }

  /** Records the day the letter was sent to the family and how: the panel's administrator, chair or deputy chairs. */
  async recordSent(
    ctx: RequestContext,
    personId: string,
    requestId: string,
    input: { sentOn: string; method: PanelLetterMethod },
  ) {
    return runRefusable(this.db, async (trx) => {
      const data = await this.letterData(trx, ctx, personId, requestId);
      if (data instanceof Refusal) return data;
      if (!data.mayRecord) throw new ForbiddenError();
      await trx
        .updateTable('panel_case_record')
        .set({
          letter_sent_on: input.sentOn,
          letter_method: input.method,
          letter_language: data.letter.lang,
          letter_recorded_by: ctx.actor!.userId,
          letter_recorded_at: ctx.at,
        })
        .where('request_id', '=', requestId)
        .execute();
      await recordAudit(trx, auditContext(ctx), {
        action: 'panel-record.letter-recorded',
        recordType: 'person',
        recordId: personId,
        details: { requestId, sentOn: input.sentOn, method: input.method, language: data.letter.lang },
      });
      return { id: requestId };
    });
  }
}
