/**
 * Concerns (dispute) resolution: raising a concern about a decision, the stages it moves through with their
 * responders and working-day deadlines, the outcome recorded at each, and the daily check for overdue stages.
 * Who may see a concern: the person who raised it, everyone asked to respond at any stage, and their managers
 * (docs/decisions/0020-concerns-resolution.md); anyone else is told it is not there.
 */
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import type { Q } from '../../db/connection.ts';
import type { ConcernOutcome, ConcernResponderWhy, ConcernStageName, DB } from '../../db/schema.ts';
import type { Actor } from '../../platform/access.ts';
import { type AuditContext, recordAudit } from '../../platform/audit.ts';
import { loadWorkingCalendar } from '../../platform/closures.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { describeDeadline, findDeadline, markDeadlineMet, setDeadline } from '../../platform/deadlines.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import { parseForm } from '../../platform/forms.ts';
import { notify } from '../../platform/notifications.ts';
import { Refusal, refuseOnPerson, runRefusable } from '../../platform/refusals.ts';
import { relationshipsWith } from '../../platform/relationships.ts';
import { assignWork, completeWork } from '../../platform/work.ts';
import { findPerson } from '../people/repository.ts';
import * as repo from './repository.ts';
import { nextStage, OUTCOME_WORDS, RESOLUTION_WORDS, STAGES, stageDefinition, WHY_WORDS } from './stages.ts';
import { type ConcernSubject, type ConcernSubjectRecord, concernSubject } from './subjects.ts';

type Trx = Transaction<DB>;

const text = (field: string, what: string, max = 5000) =>
  z
    .string({ message: `Enter ${what}` })
    .trim()
    .min(1, `Enter ${what}`)
    .max(max, `${field} must be ${max.toLocaleString('en-GB')} characters or fewer`);

export const RaiseForm = z.object({
  disagreement: text('What you disagree with', 'what you disagree with and why'),
  outcomeWanted: text('The outcome you want', 'the outcome you want'),
});

export const OutcomeForm = z.object({
  stageId: z.uuid({ message: 'This stage has changed: look at the concern again' }),
  outcome: z.enum(['agreed', 'decision_changed', 'decision_stands', 'escalated'], {
    message: 'Select the outcome at this stage',
  }),
  reasons: text('Reasons', 'the reasons for the outcome'),
});

const STAGE_OWNER = 'concern_stage';
const WORK_KIND = 'concern.respond';

/** Refusals to raise a concern are audited on the child. */
const RAISE_REFUSED = 'concern.raise-refused';

export class ConcernService {
  constructor(private readonly db: Kysely<DB>) {}

  /** The decision a concern would be about, if the actor may raise one; otherwise not found (audited). */
  private async subjectFor(trx: Trx, ctx: RequestContext, kind: string, subjectId: string) {
    const actor = ctx.actor;
    if (!actor) throw new ForbiddenError();
    const subject = concernSubject(kind);
    if (!subject) throw new NotFoundError();
    const record = await subject.load(trx, subjectId);
    if (!record) throw new NotFoundError();
    const person = await findPerson(trx, record.personId);
    if (!person || person.merged_into) throw new NotFoundError();
    if (!(await subject.mayRaise(trx, actor, record, ctx.at))) {
      return refuseOnPerson(trx, ctx, RAISE_REFUSED, record.personId, new NotFoundError(), { kind, subjectId });
    }
    return { subject, record, person };
  }

  /** What the raise form shows: the decision and the stages ahead. */
  async raiseForm(ctx: RequestContext, kind: string, subjectId: string) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.subjectFor(trx, ctx, kind, subjectId);
      if (found instanceof Refusal) return found;
      return {
        subject: { kind: found.subject.kind, label: found.subject.label },
        record: found.record,
        name: `${found.person.given_name} ${found.person.family_name}`,
      };
    });
  }

  /** Raises a concern: the first stage opens at once, with the decision-maker asked to respond. */
  async raise(ctx: RequestContext, kind: string, subjectId: string, body: unknown): Promise<{ id: string }> {
    const form = parseForm(RaiseForm, body);
    return runRefusable(this.db, async (trx) => {
      const found = await this.subjectFor(trx, ctx, kind, subjectId);
      if (found instanceof Refusal) return found;
      if (!form.ok) throw new ValidationError(form.errors);
      const actor = ctx.actor!;
      const { id } = await repo.insertConcern(trx, {
        subjectKind: found.subject.kind,
        subjectId: found.record.id,
        personId: found.record.personId,
        raisedBy: actor.userId,
        organisationId: actor.organisationId,
        at: ctx.at,
        disagreement: form.data.disagreement,
        outcomeWanted: form.data.outcomeWanted,
      });
      await recordAudit(trx, auditContext(ctx), {
        action: 'concern.raised',
        recordType: 'person',
        recordId: found.record.personId,
        details: { concernId: id, subjectKind: found.subject.kind, subjectId: found.record.id },
      });
      const concern = (await repo.findConcern(trx, id))!;
      await this.openStage(trx, concern, found.record, 'practitioners', auditContext(ctx));
      return { id };
    });
  }

  /** Who is asked to respond at a stage. */
  private async respondersFor(
    trx: Trx,
    stage: ConcernStageName,
    concern: repo.ConcernRow,
    record: ConcernSubjectRecord | undefined,
  ): Promise<{ userId: string; why: ConcernResponderWhy }[]> {
    const decider = record?.decidedBy ?? null;
    const parties = [concern.raised_by, decider].filter((x): x is string => !!x);
    if (stage === 'practitioners') {
      if (!decider) return [];
      const active = await trx
        .selectFrom('app_user')
        .select('id')
        .where('id', '=', decider)
        .where('disabled_at', 'is', null)
        .executeTakeFirst();
      return active ? [{ userId: decider, why: 'decision_maker' }] : [];
    }
    if (stage === 'line_managers') {
      const out: { userId: string; why: ConcernResponderWhy }[] = [];
      for (const m of await repo.lineManagersOf(trx, concern.raised_by)) out.push({ userId: m, why: 'raiser_manager' });
      if (decider) {
        for (const m of await repo.lineManagersOf(trx, decider)) out.push({ userId: m, why: 'decision_maker_manager' });
      }
      return out.filter((r) => !parties.includes(r.userId));
    }
    const organisations = [
      ...new Set([concern.raised_by_organisation_id, record?.decidedByOrganisationId].filter((x): x is string => !!x)),
    ];
    const leads = await repo.safeguardingLeadsOf(trx, organisations);
    return leads.filter((id) => !parties.includes(id)).map((userId) => ({ userId, why: 'safeguarding_lead' as const }));
  }

  /** Opens a stage: its responders, its deadline, their work and a notification. */
  private async openStage(
    trx: Trx,
    concern: repo.ConcernRow,
    record: ConcernSubjectRecord | undefined,
    stage: ConcernStageName,
    audit: AuditContext,
  ) {
    const responders = await this.respondersFor(trx, stage, concern, record);
    const { id: stageId } = await repo.insertStage(
      trx,
      { concernId: concern.id, stage, at: audit.at, by: audit.actor?.userId ?? null },
      responders,
    );
    const definition = stageDefinition(stage);
    const deadline = definition.rule
      ? await setDeadline(trx, await loadWorkingCalendar(trx), {
          ownerType: STAGE_OWNER,
          ownerId: stageId,
          rule: definition.rule,
          start: audit.at,
        })
      : null;
    const userIds = responders.map((r) => r.userId);
    const href = `/concerns/${concern.id}`;
    if (userIds.length) {
      await assignWork(trx, {
        kind: WORK_KIND,
        title: 'Respond to a concern about a decision',
        href,
        sourceType: STAGE_OWNER,
        sourceId: stageId,
        // The work is the concern's: its responders may have no relationship with the child, and the concern's
        // page decides what they see (the work list would hide an item about a child they do not work with).
        personId: null,
        assignTo: { userIds },
        deadlineId: deadline?.id ?? null,
        at: audit.at,
        by: audit.actor?.userId ?? null,
      });
      await notify(trx, {
        userIds,
        kind: 'concern.response-needed',
        title: 'A concern about a decision needs your response',
        href,
        recordType: 'concern',
        recordId: concern.id,
        at: audit.at,
        except: audit.actor?.userId ?? null,
      });
    }
    await recordAudit(trx, audit, {
      action: 'concern.stage-opened',
      recordType: 'person',
      recordId: concern.person_id,
      details: { concernId: concern.id, stage, responders: userIds },
    });
    return stageId;
  }

  /** The concern, if the actor may see it; otherwise not found. */
  private async concernFor(trx: Trx, ctx: RequestContext, id: string) {
    const actor = ctx.actor;
    if (!actor) throw new ForbiddenError();
    const concern = await repo.findConcern(trx, id);
    if (!concern || !(await repo.mayAccess(trx, actor, id))) throw new NotFoundError();
    return concern;
  }

  /** One concern with its stages, responders and deadlines, as the actor may see and act on it. Audited. */
  async view(ctx: RequestContext, id: string) {
    return this.db.transaction().execute(async (trx) => {
      const concern = await this.concernFor(trx, ctx, id);
      const detail = await this.detail(trx, ctx.actor!, concern, ctx.at);
      await recordAudit(trx, auditContext(ctx), {
        action: 'concern.viewed',
        recordType: 'person',
        recordId: concern.person_id,
        details: { concernId: concern.id },
      });
      return detail;
    });
  }

  private async detail(trx: Trx, actor: Actor, concern: repo.ConcernRow, at: Date) {
    const subject: ConcernSubject | undefined = concernSubject(concern.subject_kind);
    const record = subject ? await subject.load(trx, concern.subject_id) : undefined;
    const stages = await repo.stagesOf(trx, concern.id);
    const responders = await repo.respondersOf(
      trx,
      stages.map((s) => s.id),
    );
    const out = [];
    for (const s of stages) {
      const definition = stageDefinition(s.stage);
      const deadline = definition.rule ? await findDeadline(trx, STAGE_OWNER, s.id, definition.rule.code) : undefined;
      out.push({
        id: s.id,
        stage: s.stage,
        title: definition.title,
        openedAt: s.opened_at,
        responders: responders
          .filter((r) => r.stage_id === s.id)
          .map((r) => ({ userId: r.user_id, name: r.name, organisation: r.organisation_name, why: WHY_WORDS[r.why] })),
        deadline: deadline ? { dueAt: deadline.due_at, ...describeDeadline(deadline, at) } : null,
        overdueNotifiedAt: s.overdue_at,
        outcome: s.outcome,
        outcomeWords: s.outcome ? OUTCOME_WORDS[s.outcome] : null,
        reasons: s.reasons,
        answeredBy: s.answered_by_name,
        answeredAt: s.answered_at,
      });
    }
    const current = concern.status === 'open' ? out.find((s) => !s.outcome) : undefined;
    const mayAnswer =
      !!current && (concern.raised_by === actor.userId || current.responders.some((r) => r.userId === actor.userId));
    const next = current ? nextStage(current.stage) : undefined;
    return {
      concern: {
        id: concern.id,
        status: concern.status,
        resolution: concern.resolution,
        resolutionWords: concern.resolution ? RESOLUTION_WORDS[concern.resolution] : null,
        resolvedAt: concern.resolved_at,
        raisedAt: concern.raised_at,
        raisedBy: {
          id: concern.raised_by,
          name: concern.raised_by_name,
          organisation: concern.raised_by_organisation_name,
        },
        disagreement: concern.disagreement,
        outcomeWanted: concern.outcome_wanted,
      },
      person: { id: concern.person_id, name: await childName(trx, actor, concern, at) },
      subject: {
        kind: concern.subject_kind,
        id: concern.subject_id,
        label: subject?.label ?? 'Decision',
        title: record?.title ?? 'The decision is no longer available',
        href: record?.href ?? null,
      },
      stages: out,
      current: current ?? null,
      next: next ? { name: next.name, title: next.title } : null,
      mayAnswer,
    };
  }

  /**
   * Records the outcome at the current stage: resolved (the concern closes) or not resolved (the next stage opens).
   * Only the stage's responders and the person who raised the concern may; the first answer wins, and a second
   * (someone answering the same stage at the same time, or from an old page) is refused and changes nothing.
   */
  async answer(ctx: RequestContext, id: string, body: unknown) {
    const form = parseForm(OutcomeForm, body);
    return this.db.transaction().execute(async (trx) => {
      const concern = await this.concernFor(trx, ctx, id);
      const actor = ctx.actor!;
      const stages = await repo.stagesOf(trx, concern.id);
      const posted = form.ok ? stages.find((s) => s.id === form.data.stageId) : undefined;
      if (posted?.answered_at) throw alreadyAnswered(posted);
      if (concern.status !== 'open')
        throw new ConflictError('This concern has already been resolved. Nothing was changed.');
      const current = stages.find((s) => !s.answered_at);
      if (!current) throw new ConflictError('This concern has no stage waiting for an answer. Nothing was changed.');
      const responders = await repo.respondersOf(trx, [current.id]);
      if (concern.raised_by !== actor.userId && !responders.some((r) => r.user_id === actor.userId)) {
        throw new ForbiddenError(
          'Only the people asked to respond at this stage, or the person who raised the concern, can record its outcome.',
        );
      }
      if (!form.ok) throw new ValidationError(form.errors);
      if (!posted)
        throw new ConflictError(
          'This concern has moved on since you opened it. Look at it again. Nothing was changed.',
        );
      const next = nextStage(current.stage);
      if (form.data.outcome === 'escalated' && !next) {
        throw new ValidationError([
          { field: 'outcome', message: 'The formal procedure is the last stage: select how it was resolved' },
        ]);
      }
      const answered = await repo.answerStage(trx, {
        stageId: current.id,
        outcome: form.data.outcome,
        reasons: form.data.reasons,
        by: actor.userId,
        at: ctx.at,
      });
      if (!answered) {
        const now = (await repo.stagesOf(trx, concern.id)).find((s) => s.id === current.id)!;
        throw alreadyAnswered(now);
      }
      const definition = stageDefinition(current.stage);
      if (definition.rule) {
        await markDeadlineMet(trx, {
          ownerType: STAGE_OWNER,
          ownerId: current.id,
          ruleCode: definition.rule.code,
          at: ctx.at,
          by: actor.userId,
        });
      }
      await completeWork(trx, { sourceType: STAGE_OWNER, sourceId: current.id, at: ctx.at, by: actor.userId });
      await recordAudit(trx, auditContext(ctx), {
        action: 'concern.outcome-recorded',
        recordType: 'person',
        recordId: concern.person_id,
        details: { concernId: concern.id, stage: current.stage, outcome: form.data.outcome },
      });
      const href = `/concerns/${concern.id}`;
      const told = [concern.raised_by, ...responders.map((r) => r.user_id)];
      if (form.data.outcome === 'escalated') {
        const record = await concernSubject(concern.subject_kind)?.load(trx, concern.subject_id);
        await this.openStage(trx, concern, record, next!.name, auditContext(ctx));
        await notify(trx, {
          userIds: told,
          kind: 'concern.escalated',
          title: 'A concern about a decision has moved to its next stage',
          href,
          recordType: 'concern',
          recordId: concern.id,
          at: ctx.at,
          except: actor.userId,
        });
        return { outcome: form.data.outcome as ConcernOutcome, next: next!.name };
      }
      await repo.resolveConcern(trx, concern.id, form.data.outcome, ctx.at);
      await notify(trx, {
        userIds: told,
        kind: 'concern.resolved',
        title: 'A concern about a decision has been resolved',
        href,
        recordType: 'concern',
        recordId: concern.id,
        at: ctx.at,
        except: actor.userId,
      });
      return { outcome: form.data.outcome as ConcernOutcome, next: null };
    });
  }

  /**
   * The concerns list: those the actor raised, those waiting on them now, and the rest they may see (as a manager
   * of someone involved, or from an earlier stage). Audited, naming the children listed.
   */
  async list(ctx: RequestContext) {
    const actor = ctx.actor;
    if (!actor) throw new ForbiddenError();
    return this.db.transaction().execute(async (trx) => {
      const rows = await repo.visibleConcerns(trx, actor);
      const current = await repo.currentStages(
        trx,
        rows.map((r) => r.id),
      );
      const items = [];
      for (const r of rows) {
        const stage = current.find((s) => s.concern_id === r.id);
        const definition = stage ? stageDefinition(stage.stage) : undefined;
        const deadline =
          stage && definition?.rule ? await findDeadline(trx, STAGE_OWNER, stage.id, definition.rule.code) : undefined;
        const subject = concernSubject(r.subject_kind);
        items.push({
          id: r.id,
          personId: r.person_id,
          name: await childName(trx, actor, r, ctx.at),
          subjectKind: r.subject_kind,
          subjectLabel: subject?.label ?? 'Decision',
          raisedBy: r.raised_by_name,
          raisedById: r.raised_by,
          raisedAt: r.raised_at,
          status: r.status,
          resolution: r.resolution,
          resolutionWords: r.resolution ? RESOLUTION_WORDS[r.resolution] : null,
          stage: stage ? { name: stage.stage, title: definition!.title } : null,
          deadline: deadline ? { dueAt: deadline.due_at, ...describeDeadline(deadline, ctx.at) } : null,
          waitingOnYou: !!stage && stage.responderIds.includes(actor.userId),
          raisedByYou: r.raised_by === actor.userId,
        });
      }
      await recordAudit(trx, auditContext(ctx), {
        action: 'concern.list.viewed',
        details: { personIds: [...new Set(items.map((i) => i.personId))] },
      });
      return {
        raised: items.filter((i) => i.raisedByYou),
        waiting: items.filter((i) => i.waitingOnYou && !i.raisedByYou),
        others: items.filter((i) => !i.raisedByYou && !i.waitingOnYou),
        all: items,
      };
    });
  }

  /**
   * The daily check: each stage past its deadline without an answer is marked overdue (once) and the next tier is
   * told, with the person who raised the concern, so they can act. The stage does not move on by itself: only a
   * person recording "not resolved" takes a concern to the next stage, with reasons.
   */
  static async checkOverdue(trx: Trx, now: Date): Promise<number> {
    const due = await repo.overdueStages(trx, now);
    const service = new ConcernService(trx as unknown as Kysely<DB>);
    let marked = 0;
    for (const s of due) {
      if (!(await repo.markOverdue(trx, s.id, now))) continue;
      marked++;
      const concern = (await repo.findConcern(trx, s.concern_id))!;
      const next = nextStage(s.stage);
      const record = await concernSubject(concern.subject_kind)?.load(trx, concern.subject_id);
      const nextTier = next ? await service.respondersFor(trx, next.name, concern, record) : [];
      const current = await repo.respondersOf(trx, [s.id]);
      await notify(trx, {
        userIds: [concern.raised_by, ...current.map((r) => r.user_id), ...nextTier.map((r) => r.userId)],
        kind: 'concern.overdue',
        title: 'A concern about a decision is overdue at its current stage',
        href: `/concerns/${concern.id}`,
        recordType: 'concern',
        recordId: concern.id,
        at: now,
      });
      await recordAudit(
        trx,
        { actor: null, role: 'system', at: now },
        {
          action: 'concern.stage-overdue',
          recordType: 'person',
          recordId: concern.person_id,
          details: { concernId: concern.id, stage: s.stage, told: nextTier.map((r) => r.userId) },
        },
      );
    }
    return marked;
  }
}

function alreadyAnswered(stage: repo.StageRow) {
  const by = stage.answered_by_name ? ` by ${stage.answered_by_name}` : '';
  return new ConflictError(
    `This stage has already been answered${by}: ${OUTCOME_WORDS[stage.outcome!]}. Your outcome was not recorded.`,
  );
}

export { STAGES };

/**
 * The child's name as a participant sees it. Line managers and safeguarding leads of another agency take part
 * without working with the child; a shielded child's name is shown only to those who do.
 */
export async function childName(
  q: Q,
  actor: Actor,
  row: { person_id: string; given_name: string; family_name: string; shielded: boolean },
  at: Date,
): Promise<string> {
  if (row.shielded && (await relationshipsWith(q, actor, row.person_id, at)).length === 0) {
    return 'a child whose record is shielded';
  }
  return `${row.given_name} ${row.family_name}`;
}
