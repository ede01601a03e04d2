/**
 * Closing an early help episode when things are better and stay better. "Needs met" is not closed at once: the lead
 * proposes closure (the improvement made and the Supporting Families outcomes achieved, each with its evidence), and
 * the episode is monitored for an agreed period — the partnership's default or another period with a reason. When
 * the period ends a job puts "confirm closure" on the lead's work list; confirming (with the outcomes that were
 * sustained) closes the episode, and a relapse ends the monitoring while the episode carries on. Other reasons close
 * directly (EpisodeService.close). Once closed, the family's letter is printed or downloaded in their language and
 * recorded as given or sent. See docs/decisions/0028-closing-an-episode.md.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Q } from '../../db/connection.ts';
import type { DB, EpisodeLetterMethod, SupportingFamiliesOutcome } from '../../db/schema.ts';
import { type Actor, hasRole } from '../../platform/access.ts';
import { recordAudit } from '../../platform/audit.ts';
import { addDays, londonMidnight, londonToday, longDate } from '../../platform/calendar.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import { enqueueJob } from '../../platform/jobs.ts';
import { notify } from '../../platform/notifications.ts';
import { actorPartnerships, personPartnerships } from '../../platform/partnership.ts';
import { Refusal, runRefusable } from '../../platform/refusals.ts';
import { assignWork, completeWork } from '../../platform/work.ts';
import { familyLanguage, familyLetterPdf, familyOf } from '../letters/family-letter.ts';
import { buildClosureLetter, closureLetterDocument } from './closure-letter.ts';
import { EPISODE_ROLES, type EpisodeService, MONITORING_SOURCE, openActionsOf } from './service.ts';

type Trx = Transaction<DB>;

/** The job that asks the lead to confirm closure when the monitoring period ends. */
export const MONITORING_ENDS_JOB = 'episode.monitoring-ends';
export const CONFIRM_WORK = 'episode.confirm-closure';
/** Used when neither the child nor the proposer is in a partnership. */
export const DEFAULT_MONITORING_WEEKS = 12;

export interface ProposeInput {
  improvement: string;
  weeks: number;
  periodReason: string | null;
  outcomes: { outcome: SupportingFamiliesOutcome; achieved: boolean; evidence: string }[];
}
export interface ConfirmInput {
  sustained: SupportingFamiliesOutcome[];
  note: string | null;
}

const nameOf = (p: { given_name: string; family_name: string }) => `${p.given_name} ${p.family_name}`;

/** The partnership's default monitoring period: the child's partnership, else the proposer's, else 12 weeks. */
export async function defaultMonitoringWeeks(q: Q, personId: string, actor: Actor, at: Date): Promise<number> {
  let areas = await personPartnerships(q, personId, londonToday(at));
  if (!areas.length) areas = await actorPartnerships(q, actor);
  if (!areas.length) return DEFAULT_MONITORING_WEEKS;
  const row = await q
    .selectFrom('area')
    .select((eb) => eb.fn.min('closure_monitoring_weeks').as('weeks'))
    .where('id', 'in', areas)
    .executeTakeFirst();
  return Number(row?.weeks ?? DEFAULT_MONITORING_WEEKS);
}

export async function currentMonitoring(q: Q, episodeId: string) {
  return q
    .selectFrom('episode_monitoring as m')
    .innerJoin('app_user as u', 'u.id', 'm.proposed_by')
    .selectAll('m')
    .select('u.name as proposed_by_name')
    .where('m.episode_id', '=', episodeId)
    .where('m.ended_at', 'is', null)
    .executeTakeFirst();
}

/** Every monitoring period of the episode, oldest first: the history. */
export async function monitoringsOf(q: Q, episodeId: string) {
  return q
    .selectFrom('episode_monitoring as m')
    .innerJoin('app_user as u', 'u.id', 'm.proposed_by')
    .leftJoin('app_user as e', 'e.id', 'm.ended_by')
    .select([
      'm.id',
      'm.proposed_at',
      'm.weeks',
      'm.default_weeks',
      'm.period_reason',
      'm.ends_on',
      'm.ended_at',
      'm.ending',
      'm.relapse_note',
      'u.name as proposed_by_name',
      'e.name as ended_by_name',
    ])
    .where('m.episode_id', '=', episodeId)
    .orderBy('m.proposed_at')
    .orderBy('m.id')
    .execute();
}

export async function outcomesOf(q: Q, episodeId: string) {
  return q
    .selectFrom('episode_outcome as o')
    .innerJoin('app_user as u', 'u.id', 'o.recorded_by')
    .select(['o.outcome', 'o.achieved', 'o.sustained', 'o.evidence', 'o.recorded_at', 'u.name as recorded_by_name'])
    .where('o.episode_id', '=', episodeId)
    .orderBy('o.outcome')
    .execute();
}

export class ClosureService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly episodes: EpisodeService,
  ) {}

  /** What the proposal form needs; refused while a monitoring period is already running. */
  async proposeForm(ctx: RequestContext, personId: string, episodeId: string) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.episodes.requireManage(trx, ctx, personId, episodeId);
      if (found instanceof Refusal) return found;
      if (await currentMonitoring(trx, episodeId)) throw new NotFoundError();
      return {
        person: found.person,
        name: nameOf(found.person),
        episode: found.episode,
        defaultWeeks: await defaultMonitoringWeeks(trx, personId, ctx.actor!, ctx.at),
        openActions: await openActionsOf(trx, episodeId),
      };
    });
  }

  /** The lead proposes closure: improvement made. The episode is monitored until the period ends. */
  async propose(ctx: RequestContext, personId: string, episodeId: string, input: ProposeInput) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.episodes.requireManage(trx, ctx, personId, episodeId);
      if (found instanceof Refusal) return found;
      if (await currentMonitoring(trx, episodeId)) {
        throw new ValidationError([{ field: 'improvement', message: 'Closure has already been proposed' }]);
      }
      await this.episodes.refuseOpenActions(trx, episodeId, 'improvement');
      const defaultWeeks = await defaultMonitoringWeeks(trx, personId, ctx.actor!, ctx.at);
      if (input.weeks !== defaultWeeks && !input.periodReason) {
        throw new ValidationError([
          {
            field: 'periodReason',
            message: `Enter why the family should be monitored for ${input.weeks} weeks rather than the usual ${defaultWeeks}`,
          },
        ]);
      }
      const endsOn = addDays(londonToday(ctx.at), input.weeks * 7);
      const m = await trx
        .insertInto('episode_monitoring')
        .values({
          episode_id: episodeId,
          proposed_at: ctx.at,
          proposed_by: ctx.actor!.userId,
          improvement: input.improvement,
          weeks: input.weeks,
          default_weeks: defaultWeeks,
          period_reason: input.weeks === defaultWeeks ? null : input.periodReason,
          ends_on: endsOn,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      // A later proposal (after a relapse) says afresh what was achieved.
      await trx.deleteFrom('episode_outcome').where('episode_id', '=', episodeId).execute();
      if (input.outcomes.length) {
        await trx
          .insertInto('episode_outcome')
          .values(
            input.outcomes.map((o) => ({
              episode_id: episodeId,
              outcome: o.outcome,
              achieved: o.achieved,
              evidence: o.evidence,
              recorded_by: ctx.actor!.userId,
              recorded_at: ctx.at,
            })),
          )
          .execute();
      }
      await enqueueJob(
        trx,
        MONITORING_ENDS_JOB,
        { monitoringId: m.id, personId },
        { runAt: londonMidnight(endsOn), dedupeKey: `${MONITORING_ENDS_JOB}:${m.id}` },
      );
      await recordAudit(trx, auditContext(ctx), {
        action: 'episode.closure-proposed',
        recordType: 'person',
        recordId: personId,
        details: {
          episodeId,
          monitoringId: m.id,
          weeks: input.weeks,
          defaultWeeks,
          endsOn,
          outcomes: input.outcomes.map((o) => ({ outcome: o.outcome, achieved: o.achieved })),
          personIds: (await this.episodes.peopleOf(trx, episodeId)).map((p) => p.id),
        },
      });
      return { id: m.id, endsOn };
    });
  }

  /**
   * The job at the end of the period: if the monitoring is still running, "confirm closure" goes on the current
   * lead's work list and they are told.
   */
  static async monitoringEnds(trx: Trx, payload: { monitoringId: string; personId: string }, now: Date) {
    const m = await trx
      .selectFrom('episode_monitoring as m')
      .innerJoin('episode as e', 'e.id', 'm.episode_id')
      .select(['m.id', 'm.episode_id', 'm.ends_on'])
      .where('m.id', '=', payload.monitoringId)
      .where('m.ended_at', 'is', null)
      .where('e.status', '=', 'open')
      .executeTakeFirst();
    if (!m) return;
    const lead = await trx
      .selectFrom('episode_lead')
      .select('user_id')
      .where('episode_id', '=', m.episode_id)
      .where('ended_at', 'is', null)
      .executeTakeFirst();
    if (!lead) return;
    const href = `/people/${payload.personId}/episodes/${m.episode_id}/monitoring`;
    await assignWork(trx, {
      kind: CONFIRM_WORK,
      title: 'The monitoring period of an early help episode has ended: confirm closure or record a relapse',
      href,
      sourceType: MONITORING_SOURCE,
      sourceId: m.id,
      personId: payload.personId,
      assignTo: { userIds: [lead.user_id] },
      at: now,
      by: null,
    });
    await notify(trx, {
      userIds: [lead.user_id],
      kind: 'episode.confirm-closure',
      title: 'An early help episode is ready for you to confirm its closure',
      href,
      recordType: 'episode',
      recordId: m.episode_id,
      at: now,
    });
    await trx.updateTable('episode_monitoring').set({ due_notified_at: now }).where('id', '=', m.id).execute();
  }

  /** The monitoring page: the proposal, the outcomes and whether closure may be confirmed yet. */
  async monitoringPage(ctx: RequestContext, personId: string, episodeId: string) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.episodes.requireManage(trx, ctx, personId, episodeId);
      if (found instanceof Refusal) return found;
      const monitoring = await currentMonitoring(trx, episodeId);
      if (!monitoring) throw new NotFoundError();
      return {
        person: found.person,
        name: nameOf(found.person),
        episode: found.episode,
        monitoring,
        endsOnWords: longDate(monitoring.ends_on),
        mayConfirm: monitoring.ends_on <= londonToday(ctx.at),
        outcomes: await outcomesOf(trx, episodeId),
        openActions: await openActionsOf(trx, episodeId),
      };
    });
  }

  /** Confirms closure at the end of the period: the outcomes sustained are marked, and the episode closes. */
  async confirm(ctx: RequestContext, personId: string, episodeId: string, input: ConfirmInput) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.episodes.requireManage(trx, ctx, personId, episodeId);
      if (found instanceof Refusal) return found;
      const monitoring = await currentMonitoring(trx, episodeId);
      if (!monitoring) throw new NotFoundError();
      if (monitoring.ends_on > londonToday(ctx.at)) {
        throw new ValidationError([
          {
            field: 'sustained',
            message: `The monitoring period ends on ${longDate(monitoring.ends_on)}: closure can be confirmed from then`,
          },
        ]);
      }
      await this.episodes.refuseOpenActions(trx, episodeId, 'sustained');
      const achieved = (await outcomesOf(trx, episodeId)).filter((o) => o.achieved).map((o) => o.outcome);
      const sustained = input.sustained.filter((o) => achieved.includes(o));
      if (sustained.length) {
        await trx
          .updateTable('episode_outcome')
          .set({ sustained: true })
          .where('episode_id', '=', episodeId)
          .where('outcome', 'in', sustained)
          .execute();
      }
      return this.episodes.finishClose(trx, ctx, personId, episodeId, { reason: 'needs_met', note: input.note });
    });
  }

  /** Things got worse again: the monitoring ends and the episode carries on with its lead and team. */
  async relapse(ctx: RequestContext, personId: string, episodeId: string, note: string) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.episodes.requireManage(trx, ctx, personId, episodeId);
      if (found instanceof Refusal) return found;
      const monitoring = await currentMonitoring(trx, episodeId);
      if (!monitoring) throw new NotFoundError();
      await trx
        .updateTable('episode_monitoring')
        .set({ ended_at: ctx.at, ended_by: ctx.actor!.userId, ending: 'relapse', relapse_note: note })
        .where('id', '=', monitoring.id)
        .execute();
      await completeWork(trx, {
        sourceType: MONITORING_SOURCE,
        sourceId: monitoring.id,
        at: ctx.at,
        by: ctx.actor!.userId,
      });
      await recordAudit(trx, auditContext(ctx), {
        action: 'episode.monitoring-ended',
        recordType: 'person',
        recordId: personId,
        details: {
          episodeId,
          monitoringId: monitoring.id,
          ending: 'relapse',
          personIds: (await this.episodes.peopleOf(trx, episodeId)).map((p) => p.id),
        },
      });
      return { id: episodeId };
    });
  }

  /**
   * The family's letter for a closed episode, for anyone who may see the child's episodes: addressed to the
   * parents and carers of its children, in the language recorded for the first of them (else the child's).
   */
  async letter(ctx: RequestContext, personId: string, episodeId: string) {
    return runRefusable(this.db, async (trx) => {
      const data = await this.letterData(trx, ctx, personId, episodeId);
      if (data instanceof Refusal) return data;
      await recordAudit(trx, auditContext(ctx), {
        action: 'episode.letter-viewed',
        recordType: 'person',
        recordId: personId,
        details: { episodeId, language: data.letter.lang },
      });
      return data;
    });
  }

  private async letterData(trx: Trx, ctx: RequestContext, personId: string, episodeId: string) {
    const found = await this.episodes.child(trx, ctx, personId);
    if (found instanceof Refusal) return found;
    const episode = await this.episodes.episode(trx, personId, episodeId);
    if (episode.status !== 'closed' || !episode.closed_at || !episode.close_reason) throw new NotFoundError();
    const children = await this.episodes.peopleOf(trx, episodeId);
    const childIds = children.map((c) => c.id);
    const adults = await familyOf(trx, childIds);
    const family = await familyLanguage(trx, adults, found.person.first_language ?? null);
    const lastLead = await trx
      .selectFrom('episode_lead as l')
      .innerJoin('app_user as u', 'u.id', 'l.user_id')
      .innerJoin('organisation as o', 'o.id', 'u.organisation_id')
      .select(['u.name', 'o.name as organisation_name'])
      .where('l.episode_id', '=', episodeId)
      .orderBy('l.started_at', 'desc')
      .orderBy('l.id', 'desc')
      .executeTakeFirstOrThrow();
    const outcomes = (await outcomesOf(trx, episodeId)).filter((o) => o.achieved);
    const letter = buildClosureLetter({
      ...family,
      addressees: adults.map(nameOf),
      children: children.filter((c) => c.kind === 'child').map(nameOf),
      reason: episode.close_reason,
      closedOn: londonToday(episode.closed_at),
      outcomes: outcomes.map((o) => ({ outcome: o.outcome, sustained: o.sustained })),
      practitioner: lastLead.name,
      organisation: lastLead.organisation_name,
      episodeId,
    });
    const recordedBy = episode.letter_recorded_by
      ? await trx.selectFrom('app_user').select('name').where('id', '=', episode.letter_recorded_by).executeTakeFirst()
      : undefined;
    return {
      person: found.person,
      name: nameOf(found.person),
      episode,
      letter,
      letterRecordedByName: recordedBy?.name ?? null,
      mayRecord: !!hasRole(ctx.actor!, ...EPISODE_ROLES),
    };
  }

  /** The letter as a document model, for the PDF (downloading it is audited). */
  async letterDocument(ctx: RequestContext, personId: string, episodeId: string) {
    return runRefusable(this.db, async (trx) => {
      const data = await this.letterData(trx, ctx, personId, episodeId);
      if (data instanceof Refusal) return data;
      return familyLetterPdf(trx, ctx, personId, data.letter, closureLetterDocument(data.letter), {
        document: 'episode-closure-letter',
        episodeId,
      });
    });
  }

  /** Records that the family's letter was given or sent. */
  async recordLetter(ctx: RequestContext, personId: string, episodeId: string, method: EpisodeLetterMethod) {
    return runRefusable(this.db, async (trx) => {
      const data = await this.letterData(trx, ctx, personId, episodeId);
      if (data instanceof Refusal) return data;
      if (!data.mayRecord) throw new ForbiddenError();
      await trx
        .updateTable('episode')
        .set({
          letter_recorded_at: ctx.at,
          letter_recorded_by: ctx.actor!.userId,
          letter_method: method,
          letter_language: data.letter.lang,
        })
        .where('id', '=', episodeId)
        .execute();
      await recordAudit(trx, auditContext(ctx), {
        action: 'episode.letter-recorded',
        recordType: 'person',
        recordId: personId,
        details: { episodeId, method, language: data.letter.lang },
      });
      return { id: episodeId };
    });
  }
}
