/**
 * After the panel (issue 11; docs/decisions/0036). Each agency asked to act on a recommendation reports whether it
 * implemented it: implemented (when, with an optional note) or not implemented (why). Seed 003: "An agency must feed
 * back to the chair of the panel if it has not implemented a panel recommendation", and the chair is expected to
 * "achieve a satisfactory resolution if the panel's recommendations are not implemented". So a report of
 * non-implementation notifies the panel's chair and deputy chairs and puts it on their work lists until one of them
 * records that it was considered. A report is never overwritten: a correction is a new report naming the one it
 * corrects, and the history keeps who reported what and when.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB, PanelOutcome } from '../../db/schema.ts';
import type { Actor } from '../../platform/access.ts';
import { recordAudit } from '../../platform/audit.ts';
import { londonToday, longDate } from '../../platform/calendar.ts';
import type { ChronologySource, SourceEntry } from '../../platform/chronology.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { dueWords } from '../../platform/deadlines.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import { notify } from '../../platform/notifications.ts';
import { PolicyRefusedError } from '../../platform/policy.ts';
import { Refusal, refuseOnPerson, runRefusable } from '../../platform/refusals.ts';
import { relationshipsWith } from '../../platform/relationships.ts';
import { assignWork, completeWork } from '../../platform/work.ts';
import { findPerson } from '../people/repository.ts';
import { OUTCOME_WORDS, RECOMMENDATION_WORK } from './record.ts';
import { current } from './service.ts';

type Trx = Transaction<DB>;
type Q = Kysely<DB> | Trx;

export const NOT_IMPLEMENTED_WORK = 'panel-recommendation.not-implemented';
const CHAIRS = ['chair', 'deputy_chair'] as const;

export interface ReportInput {
  implemented: boolean;
  implementedOn: string | null;
  note: string | null;
  /** The report this one corrects: the current one, as the form showed it. */
  corrects: string | null;
}

export interface ReportView {
  id: string;
  implemented: boolean;
  implementedOn: string | null;
  implementedLabel: string | null;
  note: string | null;
  reporter: string;
  organisation: string;
  reportedLabel: string;
  correctsId: string | null;
  corrected: boolean;
  considered: boolean;
  consideredBy: string | null;
  consideredLabel: string | null;
  consideredNote: string | null;
  words: string;
}

export interface Implementation {
  /** The report that stands (the latest, not corrected), or null when none has been made. */
  current: ReportView | null;
  /** Every report, oldest first, corrections included. */
  history: ReportView[];
  words: string;
}

/** Each recommendation's reports, for the record, the decisions page and the API. */
export async function implementationOf(q: Q, recommendationIds: string[]): Promise<Map<string, Implementation>> {
  const out = new Map<string, Implementation>();
  if (!recommendationIds.length) return out;
  const rows = await q
    .selectFrom('panel_recommendation_report as r')
    .innerJoin('app_user as u', 'u.id', 'r.reported_by')
    .innerJoin('organisation as o', 'o.id', 'u.organisation_id')
    .leftJoin('app_user as c', 'c.id', 'r.considered_by')
    .selectAll('r')
    .select(['u.name as reporter', 'o.name as organisation', 'c.name as considerer'])
    .where('r.recommendation_id', 'in', recommendationIds)
    .orderBy('r.reported_at')
    .orderBy('r.id')
    .execute();
  const correctedIds = new Set(rows.map((r) => r.corrects_id).filter(Boolean));
  for (const id of recommendationIds) {
    const history = rows
      .filter((r) => r.recommendation_id === id)
      .map(
        (r): ReportView => ({
          id: r.id,
          implemented: r.implemented,
          implementedOn: r.implemented_on,
          implementedLabel: r.implemented_on ? longDate(r.implemented_on) : null,
          note: r.note,
          reporter: r.reporter,
          organisation: r.organisation,
          reportedLabel: dueWords(r.reported_at).replace(/^by /, ''),
          correctsId: r.corrects_id,
          corrected: correctedIds.has(r.id),
          considered: !!r.considered_at,
          consideredBy: r.considerer,
          consideredLabel: r.considered_at ? dueWords(r.considered_at).replace(/^by /, '') : null,
          consideredNote: r.considered_note,
          words: r.implemented
            ? `Implemented on ${longDate(r.implemented_on!)}`
            : r.considered_at
              ? 'Not implemented; considered by the chair'
              : 'Not implemented',
        }),
      );
    const standing = history.filter((r) => !r.corrected).at(-1) ?? null;
    out.set(id, { current: standing, history, words: standing ? standing.words : 'Not reported yet' });
  }
  return out;
}

export interface EarlierDiscussion {
  requestId: string;
  panelName: string;
  meetingDate: string;
  /** "Re-referral: discussed on <date> at <panel>". */
  label: string;
  outcomes: string[];
  notImplemented: { what: string; organisation: string; reason: string | null }[];
}

/**
 * The earlier discussions that re-referrals follow (seed 003: "A case may be re-referred if the solutions proposed
 * are not effective"), by the earlier request's id: when and where it was discussed, the outcomes of its approved
 * record, and the recommendations reported as not implemented.
 */
export async function earlierDiscussions(q: Q, previousIds: string[]): Promise<Map<string, EarlierDiscussion>> {
  const out = new Map<string, EarlierDiscussion>();
  const ids = [...new Set(previousIds.filter(Boolean))];
  if (!ids.length) return out;
  const rows = await q
    .selectFrom('panel_request as r')
    .innerJoin('panel as p', 'p.id', 'r.panel_id')
    .innerJoin('panel_meeting as m', 'm.id', 'r.meeting_id')
    .innerJoin('panel_meeting_record as mr', 'mr.meeting_id', 'm.id')
    .leftJoin('panel_case_record as c', 'c.request_id', 'r.id')
    .select(['r.id', 'p.name as panel_name', 'm.meeting_date', 'c.outcomes'])
    .where('r.id', 'in', ids)
    .where('r.status', '=', 'discussed')
    .where('mr.approved_at', 'is not', null)
    .execute();
  const recs = rows.length
    ? await q
        .selectFrom('panel_recommendation as x')
        .innerJoin('organisation as o', 'o.id', 'x.organisation_id')
        .select(['x.id', 'x.request_id', 'x.what', 'o.name as organisation'])
        .where(
          'x.request_id',
          'in',
          rows.map((r) => r.id),
        )
        .orderBy('x.created_at')
        .execute()
    : [];
  const reports = await implementationOf(
    q,
    recs.map((x) => x.id),
  );
  for (const r of rows) {
    out.set(r.id, {
      requestId: r.id,
      panelName: r.panel_name,
      meetingDate: r.meeting_date,
      label: `Re-referral: discussed on ${longDate(r.meeting_date)} at ${r.panel_name}`,
      outcomes: (r.outcomes ?? []).map((o) => OUTCOME_WORDS[o as PanelOutcome] ?? o),
      notImplemented: recs
        .filter((x) => x.request_id === r.id)
        .map((x) => ({ x, current: reports.get(x.id)?.current }))
        .filter(({ current }) => current && !current.implemented)
        .map(({ x, current }) => ({ what: x.what, organisation: x.organisation, reason: current!.note })),
    });
  }
  return out;
}

/** The recommendation with its case, panel and meeting, once the chair has approved the meeting's record. */
async function recommendationOf(q: Q, recommendationId: string) {
  return q
    .selectFrom('panel_recommendation as x')
    .innerJoin('panel_request as r', 'r.id', 'x.request_id')
    .innerJoin('panel as p', 'p.id', 'r.panel_id')
    .innerJoin('panel_meeting as m', 'm.id', 'r.meeting_id')
    .innerJoin('panel_meeting_record as mr', 'mr.meeting_id', 'm.id')
    .innerJoin('organisation as o', 'o.id', 'x.organisation_id')
    .innerJoin('team as t', 't.id', 'x.team_id')
    .select(['x.id', 'x.what', 'x.due_on', 'x.team_id', 'x.organisation_id', 'x.request_id'])
    .select(['r.person_id', 'r.panel_id', 'r.meeting_id', 'p.name as panel_name', 'm.meeting_date'])
    .select(['o.name as organisation', 't.name as team'])
    .where('x.id', '=', recommendationId)
    .where('mr.approved_at', 'is not', null)
    .executeTakeFirst();
}

/** Whether the actor reports for the recommendation's team: a member of it, or one of its managers. */
export function reportsFor(actor: Actor, teamId: string): boolean {
  return actor.teamIds.includes(teamId) || actor.managedTeamIds.includes(teamId);
}

async function childrenOf(q: Q, requestId: string, personId: string) {
  const rows = await q
    .selectFrom('panel_request_person')
    .select('person_id')
    .where('request_id', '=', requestId)
    .execute();
  return [...new Set([personId, ...rows.map((r) => r.person_id)])];
}

export class PanelImplementationService {
  constructor(private readonly db: Kysely<DB>) {}

  private actor(ctx: RequestContext): Actor {
    if (!ctx.actor) throw new ForbiddenError();
    return ctx.actor;
  }

  /**
   * A recommendation, from a child's record: the child must be one the actor works with (anyone else is told it is
   * not found, and that is audited), the recommendation one of this child's approved cases.
   */
  private async forChild(trx: Trx, ctx: RequestContext, personId: string, requestId: string, recId: string) {
    const actor = this.actor(ctx);
    const person = await findPerson(trx, personId);
    if (!person || person.merged_into) throw new NotFoundError();
    if (!(await relationshipsWith(trx, actor, personId, ctx.at)).length) {
      return refuseOnPerson(trx, ctx, 'panel-recommendation.refused', personId, new NotFoundError(), {
        requestId,
        recommendationId: recId,
      });
    }
    const rec = await recommendationOf(trx, recId);
    if (!rec || rec.request_id !== requestId) throw new NotFoundError();
    const onRequest = await trx
      .selectFrom('panel_request_person')
      .select('person_id')
      .where('request_id', '=', requestId)
      .where('person_id', '=', personId)
      .executeTakeFirst();
    if (!onRequest) throw new NotFoundError();
    return { person: { id: person.id, name: `${person.given_name} ${person.family_name}` }, rec };
  }

  /** The report form's page: the recommendation, its reports so far, and whether the actor may report. */
  async reportPage(ctx: RequestContext, personId: string, requestId: string, recId: string) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.forChild(trx, ctx, personId, requestId, recId);
      if (found instanceof Refusal) return found;
      const { person, rec } = found;
      const implementation = (await implementationOf(trx, [rec.id])).get(rec.id)!;
      await recordAudit(trx, auditContext(ctx), {
        action: 'panel-recommendation.viewed',
        recordType: 'person',
        recordId: personId,
        details: { requestId, recommendationId: rec.id },
      });
      return {
        person,
        recommendation: {
          ...rec,
          dueLabel: longDate(rec.due_on),
          meetingLabel: longDate(rec.meeting_date),
        },
        implementation,
        mayReport: reportsFor(this.actor(ctx), rec.team_id),
      };
    });
  }

  /**
   * Records a report for the recommendation's team. Anyone else who works with the child is refused with the
   * reason, and the refusal is audited on the child. A second report is refused unless it corrects the one that
   * stands. Completes the team's work item; a report of non-implementation notifies the panel's chair and deputy
   * chairs and puts it on their work lists to consider.
   */
  async report(ctx: RequestContext, personId: string, requestId: string, recId: string, input: ReportInput) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.forChild(trx, ctx, personId, requestId, recId);
      if (found instanceof Refusal) return found;
      return this.record(trx, ctx, found.rec, input);
    });
  }

  /** The same report, reached by the recommendation alone (the API): the child is found from the recommendation. */
  async reportById(ctx: RequestContext, recId: string, input: ReportInput) {
    return runRefusable(this.db, async (trx) => {
      const rec = await recommendationOf(trx, recId);
      if (!rec) throw new NotFoundError();
      const found = await this.forChild(trx, ctx, rec.person_id, rec.request_id, recId);
      if (found instanceof Refusal) return found;
      return this.record(trx, ctx, found.rec, input);
    });
  }

  private async record(
    trx: Trx,
    ctx: RequestContext,
    rec: NonNullable<Awaited<ReturnType<typeof recommendationOf>>>,
    input: ReportInput,
  ) {
    const actor = this.actor(ctx);
    const personIds = await childrenOf(trx, rec.request_id, rec.person_id);
    if (!reportsFor(actor, rec.team_id)) {
      return refuseOnPerson(
        trx,
        ctx,
        'panel-recommendation.report-refused',
        rec.person_id,
        new PolicyRefusedError(
          'panel-recommendation.report',
          `Only ${rec.organisation}: ${rec.team}, the team the panel asked, can report on this recommendation.`,
        ),
        { requestId: rec.request_id, recommendationId: rec.id, personIds },
      );
    }
    if (input.implemented && input.implementedOn) {
      if (input.implementedOn > londonToday(ctx.at)) {
        throw new ValidationError([
          { field: 'implementedOn', message: 'Date implemented must be today or in the past' },
        ]);
      }
      if (input.implementedOn < rec.meeting_date) {
        throw new ValidationError([
          {
            field: 'implementedOn',
            message: `Date implemented must be on or after the panel met, ${longDate(rec.meeting_date)}`,
          },
        ]);
      }
    }
    const standing = (await implementationOf(trx, [rec.id])).get(rec.id)!.current;
    if (standing && input.corrects !== standing.id) {
      throw new ConflictError(
        `${standing.reporter} (${standing.organisation}) has already reported on this recommendation, ${standing.reportedLabel}: correct that report instead`,
      );
    }
    if (!standing && input.corrects) {
      throw new ConflictError('There is no report on this recommendation to correct');
    }
    const by = actor.userId;
    const report = await trx
      .insertInto('panel_recommendation_report')
      .values({
        recommendation_id: rec.id,
        implemented: input.implemented,
        implemented_on: input.implemented ? input.implementedOn : null,
        note: input.note,
        reported_by: by,
        reported_at: ctx.at,
        corrects_id: standing?.id ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await completeWork(trx, {
      sourceType: 'panel_recommendation',
      sourceId: rec.id,
      kind: RECOMMENDATION_WORK,
      at: ctx.at,
      by,
    });
    // A corrected report of non-implementation no longer waits for the chair.
    if (standing) {
      await completeWork(trx, {
        sourceType: 'panel_recommendation_report',
        sourceId: standing.id,
        kind: NOT_IMPLEMENTED_WORK,
        at: ctx.at,
        by,
      });
    }
    let alerted: string[] = [];
    if (!input.implemented) {
      const seats = await trx
        .selectFrom('panel_member')
        .select(['user_id', 'role', 'from_date', 'to_date'])
        .where('panel_id', '=', rec.panel_id)
        .where('role', 'in', CHAIRS)
        .execute();
      const chairs = current(seats, londonToday(ctx.at)).map((s) => s.user_id);
      const href = `/panels/${rec.panel_id}/meetings/${rec.meeting_id}/record/${rec.request_id}#implementation`;
      alerted = await notify(trx, {
        userIds: chairs,
        kind: 'panel-recommendation.not-implemented',
        title: `${rec.organisation} reports a recommendation of ${rec.panel_name} was not implemented`,
        href,
        recordType: 'panel_recommendation',
        recordId: rec.id,
        at: ctx.at,
        except: by,
      });
      await assignWork(trx, {
        kind: NOT_IMPLEMENTED_WORK,
        title: `Consider a recommendation of ${rec.panel_name} that was not implemented`,
        href,
        sourceType: 'panel_recommendation_report',
        sourceId: report.id,
        assignTo: { userIds: chairs },
        at: ctx.at,
        by,
      });
    }
    await recordAudit(trx, auditContext(ctx), {
      action: standing ? 'panel-recommendation.report-corrected' : 'panel-recommendation.reported',
      recordType: 'person',
      recordId: rec.person_id,
      details: {
        panelId: rec.panel_id,
        requestId: rec.request_id,
        recommendationId: rec.id,
        reportId: report.id,
        implemented: input.implemented,
        corrects: standing?.id ?? null,
        chairsNotified: alerted,
        personIds,
      },
    });
    return { id: report.id, personId: rec.person_id, requestId: rec.request_id, corrected: !!standing };
  }

  /**
   * The panel's chair or a deputy chair records that a report of non-implementation was considered, with a note of
   * what they did. Someone on the panel in another seat is refused and the refusal audited; anyone else is told it is
   * not found.
   */
  async consider(
    ctx: RequestContext,
    panelId: string,
    meetingId: string,
    requestId: string,
    reportId: string,
    note: string,
  ) {
    return runRefusable(this.db, async (trx) => {
      const actor = this.actor(ctx);
      const report = await trx
        .selectFrom('panel_recommendation_report as p')
        .innerJoin('panel_recommendation as x', 'x.id', 'p.recommendation_id')
        .innerJoin('panel_request as r', 'r.id', 'x.request_id')
        .select(['p.id', 'p.implemented', 'p.considered_at', 'x.id as recommendation_id', 'r.person_id'])
        .where('p.id', '=', reportId)
        .where('r.id', '=', requestId)
        .where('r.panel_id', '=', panelId)
        .where('r.meeting_id', '=', meetingId)
        .executeTakeFirst();
      if (!report) throw new NotFoundError();
      const seats = await trx
        .selectFrom('panel_member')
        .select(['role', 'from_date', 'to_date'])
        .where('panel_id', '=', panelId)
        .where('user_id', '=', actor.userId)
        .execute();
      const roles = new Set(current(seats, londonToday(ctx.at)).map((s) => s.role as string));
      if (!roles.size) throw new NotFoundError();
      const personIds = await childrenOf(trx, requestId, report.person_id);
      if (!CHAIRS.some((r) => roles.has(r))) {
        return refuseOnPerson(
          trx,
          ctx,
          'panel-recommendation.consider-refused',
          report.person_id,
          new PolicyRefusedError(
            'panel-recommendation.consider',
            'Only the chair or a deputy chair of this panel can record that a report was considered.',
          ),
          { panelId, requestId, reportId, personIds },
        );
      }
      const standing = (await implementationOf(trx, [report.recommendation_id])).get(report.recommendation_id)!;
      if (report.implemented || standing.current?.id !== report.id) {
        throw new ConflictError('This report has been corrected: there is nothing for the chair to consider');
      }
      if (report.considered_at) throw new ConflictError('This report has already been considered');
      await trx
        .updateTable('panel_recommendation_report')
        .set({ considered_by: actor.userId, considered_at: ctx.at, considered_note: note })
        .where('id', '=', report.id)
        .execute();
      await completeWork(trx, {
        sourceType: 'panel_recommendation_report',
        sourceId: report.id,
        kind: NOT_IMPLEMENTED_WORK,
        at: ctx.at,
        by: actor.userId,
      });
      await recordAudit(trx, auditContext(ctx), {
        action: 'panel-recommendation.considered',
        recordType: 'person',
        recordId: report.person_id,
        details: { panelId, meetingId, requestId, reportId, personIds },
      });
      return { personId: report.person_id };
    });
  }
}

/**
 * What implementation reports contribute to a child's chronology: that the agency reported the recommendation was
 * implemented or not is index-level; its note or reason is case detail of the reporting organisation.
 */
export const panelImplementationSource: ChronologySource = {
  kind: 'panel_implementation',
  label: 'Panel recommendation reported on',
  async entries(q, personIds) {
    const rows = await q
      .selectFrom('panel_recommendation_report as p')
      .innerJoin('panel_recommendation as x', 'x.id', 'p.recommendation_id')
      .innerJoin('panel_request as r', 'r.id', 'x.request_id')
      .innerJoin('panel_request_person as rp', 'rp.request_id', 'r.id')
      .innerJoin('panel as pa', 'pa.id', 'r.panel_id')
      .innerJoin('organisation as o', 'o.id', 'x.organisation_id')
      .innerJoin('app_user as u', 'u.id', 'p.reported_by')
      .select(['p.id', 'p.implemented', 'p.implemented_on', 'p.note', 'p.reported_at', 'p.reported_by'])
      .select(['p.corrects_id', 'rp.person_id', 'r.id as request_id', 'x.organisation_id', 'x.what'])
      .select(['o.name as organisation', 'pa.name as panel_name', 'u.name as reporter'])
      .where('rp.person_id', 'in', personIds)
      .execute();
    return rows.map(
      (r): SourceEntry => ({
        key: `${r.id}:${r.person_id}`,
        personId: r.person_id,
        at: r.reported_at,
        title: `${r.corrects_id ? 'Corrected: ' : ''}${r.organisation} reported the recommendation of ${r.panel_name} was ${r.implemented ? 'implemented' : 'not implemented'}`,
        summary: [
          `Recommendation: ${r.what}`,
          r.implemented_on ? `Implemented on ${longDate(r.implemented_on)}` : null,
          r.note ? `${r.implemented ? 'Note' : 'Why not'}: ${r.note}` : null,
        ]
          .filter(Boolean)
          .join('\n'),
        path: `panel-requests/${r.request_id}/decisions`,
        organisationId: r.organisation_id,
        organisationName: r.organisation,
        actorName: r.reporter,
        visibility: {
          kind: 'detail_only',
          record: { organisation_id: r.organisation_id, recorded_by: r.reported_by, category: null },
        },
      }),
    );
  },
};
