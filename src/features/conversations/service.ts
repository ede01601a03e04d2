/**
 * Recorded conversations between practitioners about children (DOMAIN.md §3): who took part, what was agreed, the
 * actions and their owners, who the outcome went to, and later whether it helped. A conversation is case detail of
 * the recorder's organisation. Someone who works with a child it is about reads it under the sharing rules, as
 * they read a case note; a user it names (participant, action owner, recipient of the outcome) reads it too, from
 * their own organisation or with a consent or lawful basis covering theirs. Naming a user of another organisation
 * needs that basis when the conversation is recorded.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB, FollowUpAnswer, Role } from '../../db/schema.ts';
import { type Actor, hasRole, requireRole } from '../../platform/access.ts';
import { recordAudit } from '../../platform/audit.ts';
import { londonMidnight, londonToday } from '../../platform/calendar.ts';
import { loadWorkingCalendar } from '../../platform/closures.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { type FieldError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import { enqueueJob, type JobContext } from '../../platform/jobs.ts';
import { notify } from '../../platform/notifications.ts';
import { actorPartnerships, personPartnerships } from '../../platform/partnership.ts';
import { Refusal, refuseOnPerson, runRefusable } from '../../platform/refusals.ts';
import {
  accessContext,
  CASE_DETAIL_ROLES,
  ConsentRequiredError,
  canSeeRecord,
  findRelationship,
  READ_PURPOSES,
  requireSharingBasis,
} from '../../platform/sharing.ts';
import { assignWork, completeWork } from '../../platform/work.ts';
import { familyChildren, findPerson } from '../people/repository.ts';
import * as repo from './repository.ts';
import type { ConversationInput } from './schemas.ts';

type Trx = Transaction<DB>;

/** Roles that record conversations about children they work with. */
export const RECORD_ROLES: Role[] = ['practitioner', 'manager', 'front_door', 'integrated_processes'];
/** Roles that see the follow-up report (counts only). */
export const REPORT_ROLES: Role[] = ['manager', 'integrated_processes'];
/** Working days after a conversation before its participants are asked whether it helped, when no partnership says. */
export const DEFAULT_FOLLOW_UP_WORKING_DAYS = 10;
/** The durable job that asks the participants, on the follow-up day. */
export const FOLLOW_UP_JOB = 'conversations.follow-up';

const fullName = (p: { given_name: string; family_name: string }) => `${p.given_name} ${p.family_name}`;

export class ConversationService {
  constructor(private readonly db: Kysely<DB>) {}

  /** The child, the right to record a conversation about them, or a refusal (audited, "not found"). */
  private async recordRights(trx: Trx, ctx: RequestContext, personId: string) {
    const actor = ctx.actor;
    if (!actor) throw new ForbiddenError();
    const role = requireRole(actor, ...RECORD_ROLES);
    const person = await findPerson(trx, personId);
    const relationship = person && !person.merged_into ? await findRelationship(trx, actor, personId, ctx.at) : null;
    if (!person || !relationship) {
      return refuseOnPerson(trx, ctx, 'conversation.refused', personId, new NotFoundError(), {
        attempted: 'conversation.record',
        notFound: !person,
      });
    }
    return { person, role };
  }

  /** Other children of the family the recorder works with: the conversation may be about them too. */
  private async otherChildren(trx: Trx, actor: Actor, personId: string, at: Date) {
    const children = (await familyChildren(trx, personId)).filter((c) => c.id !== personId);
    const mine = [];
    for (const c of children) if (await findRelationship(trx, actor, c.id, at)) mine.push(c);
    return mine;
  }

  /** What the form needs: the child, the other children it may be about, and the users to pick from. */
  async form(
    ctx: RequestContext,
    personId: string,
    picker: { search: string; chosen: string[] } = { search: '', chosen: [] },
  ) {
    return runRefusable(this.db, async (trx) => {
      const rights = await this.recordRights(trx, ctx, personId);
      if (rights instanceof Refusal) return rights;
      const others = await this.otherChildren(trx, ctx.actor!, personId, ctx.at);
      const picked = await repo.pickableUsers(trx, { ...picker, organisationId: ctx.actor!.organisationId });
      return {
        person: rights.person,
        others,
        users: picked.users,
        peopleFound: { search: picker.search, count: picked.found, more: picked.more },
        today: londonToday(ctx.at),
      };
    });
  }

  async record(ctx: RequestContext, personId: string, input: ConversationInput): Promise<string> {
    return runRefusable(this.db, async (trx) => {
      const rights = await this.recordRights(trx, ctx, personId);
      if (rights instanceof Refusal) return rights;
      const actor = ctx.actor!;
      const errors: FieldError[] = [];

      const others = await this.otherChildren(trx, actor, personId, ctx.at);
      if (input.childIds.some((id) => id !== personId && !others.some((o) => o.id === id))) {
        errors.push({ field: 'children', message: 'Select children from the list' });
      }
      const childIds = [personId, ...input.childIds.filter((id) => id !== personId)];

      // Everyone named must be a user of the service; naming someone of another organisation shares the record.
      const named = [
        ...input.participants,
        ...input.actions.map((a) => ({ userId: a.ownerUserId, field: a.field })),
        ...input.recipients,
      ];
      const users = new Map(
        (await repo.usersByIds(trx, [...new Set(named.map((n) => n.userId))])).map((u) => [u.id, u]),
      );
      for (const n of named) {
        const user = users.get(n.userId);
        if (!user) {
          errors.push({ field: n.field, message: 'Select a person from the list' });
          continue;
        }
        if (user.organisation_id === actor.organisationId || errors.some((e) => e.field === n.field)) continue;
        for (const childId of childIds) {
          if (!(await basisToShare(trx, actor, childId, user, ctx.at))) {
            errors.push({
              field: n.field,
              message: `There is no consent or recorded lawful basis to share this with ${user.organisation_name}. Record consent or a decision to share first, or take ${user.name} off this record`,
            });
            break;
          }
        }
      }
      if (errors.length) return new Refusal(new ValidationError(errors));

      const followUpOn = await this.followUpDay(trx, actor, personId, ctx.at);
      const conversation = await trx
        .insertInto('conversation')
        .values({
          person_id: personId,
          organisation_id: actor.organisationId,
          kind: input.kind,
          held_on: input.heldOn,
          concerns: input.concerns,
          strengths: input.strengths,
          agreed: input.agreed,
          recorded_by: actor.userId,
          recorded_at: ctx.at,
          follow_up_on: followUpOn,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const id = conversation.id;
      await trx
        .insertInto('conversation_child')
        .values(childIds.map((p) => ({ conversation_id: id, person_id: p })))
        .execute();
      // The recorder took part.
      const participantIds = [
        actor.userId,
        ...input.participants.map((p) => p.userId).filter((u) => u !== actor.userId),
      ];
      await trx
        .insertInto('conversation_participant')
        .values([
          ...participantIds.map((u) => ({ conversation_id: id, user_id: u })),
          ...input.outside.map((o) => ({
            conversation_id: id,
            name: o.name,
            organisation_name: o.organisation,
            role: o.role,
          })),
        ])
        .execute();
      const href = `/people/${personId}/conversations/${id}`;
      for (const a of input.actions) {
        const action = await trx
          .insertInto('conversation_action')
          .values({ conversation_id: id, description: a.description, owner_user_id: a.ownerUserId, due_on: a.dueOn })
          .returning('id')
          .executeTakeFirstOrThrow();
        // The item names no child (see docs/decisions/0018): an owner from another service may have no
        // relationship with the child yet; the conversation page checks what they may see.
        await assignWork(trx, {
          kind: 'conversation.action',
          title: 'An action agreed in a conversation',
          href: `${href}#action-${action.id}`,
          sourceType: 'conversation_action',
          sourceId: action.id,
          personId: null,
          assignTo: { userIds: [a.ownerUserId] },
          dueAt: londonMidnight(nextDay(a.dueOn)),
          at: ctx.at,
          by: actor.userId,
        });
      }
      const owners = [...new Set(input.actions.map((a) => a.ownerUserId))];
      await notify(trx, {
        userIds: owners,
        kind: 'conversation.action',
        title: 'You were given an action in a recorded conversation',
        href,
        recordType: 'conversation',
        recordId: id,
        at: ctx.at,
        except: actor.userId,
      });
      const recipients = input.recipients.map((r) => r.userId);
      if (recipients.length) {
        await trx
          .insertInto('conversation_recipient')
          .values(recipients.map((u) => ({ conversation_id: id, user_id: u })))
          .execute();
        await notify(trx, {
          userIds: recipients,
          kind: 'conversation.outcome',
          title: 'The outcome of a conversation was shared with you',
          href,
          recordType: 'conversation',
          recordId: id,
          at: ctx.at,
          except: actor.userId,
        });
      }
      await enqueueJob(trx, FOLLOW_UP_JOB, { conversationId: id }, { runAt: followUpInstant(followUpOn) });
      await recordAudit(trx, auditContext(ctx, rights.role), {
        action: 'conversation.recorded',
        recordType: 'conversation',
        recordId: id,
        details: {
          personId,
          personIds: childIds,
          kind: input.kind,
          participants: participantIds.length + input.outside.length,
          actions: input.actions.length,
          recipients: recipients.length,
        },
      });
      return id;
    });
  }

  /** The London date the participants are asked: the child's partnership's setting, else the recorder's, else 10. */
  private async followUpDay(trx: Trx, actor: Actor, personId: string, at: Date): Promise<string> {
    const today = londonToday(at);
    const days =
      (await repo.followUpWorkingDays(trx, await personPartnerships(trx, personId, today))) ??
      (await repo.followUpWorkingDays(trx, await actorPartnerships(trx, actor))) ??
      DEFAULT_FOLLOW_UP_WORKING_DAYS;
    return (await loadWorkingCalendar(trx)).addWorkingDays(today, days);
  }

  /** Whether the actor may read this conversation about this child, and how. */
  private async readRights(trx: Trx, ctx: RequestContext, personId: string, conversationId: string) {
    const actor = ctx.actor;
    if (!actor) throw new ForbiddenError();
    const refuse = () =>
      refuseOnPerson(trx, ctx, 'conversation.view-refused', personId, new NotFoundError(), { conversationId });
    const conversation = await repo.findConversation(trx, conversationId);
    const children = conversation ? await repo.childrenOf(trx, conversationId) : [];
    const person = await findPerson(trx, personId);
    if (!conversation || !person || !children.some((c) => c.id === personId)) return refuse();
    const access = await accessContext(trx, actor, personId, ctx.at);
    const record = {
      organisation_id: conversation.organisation_id,
      recorded_by: conversation.recorded_by,
      category: null,
    };
    const namedUsers = await repo.usersNamedOn(trx, conversationId);
    const named = conversation.recorded_by === actor.userId || namedUsers.includes(actor.userId);
    const byRelationship = canSeeRecord(access, record);
    const asNamed = named && (conversation.organisation_id === actor.organisationId || access.crossBasis !== null);
    if (!byRelationship && !asNamed) return refuse();
    return { conversation, children, person, access, named, role: hasRole(actor, ...CASE_DETAIL_ROLES) ?? null };
  }

  async conversation(ctx: RequestContext, personId: string, conversationId: string) {
    return runRefusable(this.db, async (trx) => {
      const rights = await this.readRights(trx, ctx, personId, conversationId);
      if (rights instanceof Refusal) return rights;
      const [participants, actions, recipients] = await Promise.all([
        repo.participantsOf(trx, conversationId),
        repo.actionsOf(trx, [conversationId]),
        repo.recipientsOf(trx, conversationId),
      ]);
      await recordAudit(trx, auditContext(ctx, rights.role), {
        action: 'conversation.viewed',
        recordType: 'conversation',
        recordId: conversationId,
        details: { personId, asNamed: rights.named },
      });
      // Other children are named only where the reader may see this conversation about them too.
      const children = [];
      for (const c of rights.children) {
        if (c.id === personId) children.push({ ...c, name: fullName(c), shown: true });
        else {
          const other = await accessContext(trx, ctx.actor!, c.id, ctx.at);
          const shown = canSeeRecord(other, {
            organisation_id: rights.conversation.organisation_id,
            recorded_by: rights.conversation.recorded_by,
            category: null,
          });
          children.push({ ...c, name: shown ? fullName(c) : null, shown });
        }
      }
      const actor = ctx.actor!;
      return {
        person: rights.person,
        conversation: rights.conversation,
        children,
        participants,
        recipients,
        actions: actions.map((a) => ({
          ...a,
          canComplete:
            !a.done_at && (a.owner_user_id === actor.userId || rights.conversation.recorded_by === actor.userId),
        })),
      };
    });
  }

  /**
   * A conversation by its id alone (the API): read through the first child it is about that the actor may read it
   * for; otherwise "not found", audited on the child it was recorded from.
   */
  async conversationById(ctx: RequestContext, conversationId: string) {
    const actor = ctx.actor;
    if (!actor) throw new ForbiddenError();
    const through = await this.db.transaction().execute(async (trx) => {
      const conversation = await repo.findConversation(trx, conversationId);
      if (!conversation) return null;
      for (const c of await repo.childrenOf(trx, conversationId)) {
        const access = await accessContext(trx, actor, c.id, ctx.at);
        const record = {
          organisation_id: conversation.organisation_id,
          recorded_by: conversation.recorded_by,
          category: null,
        };
        if (canSeeRecord(access, record)) return c.id;
        const named =
          conversation.recorded_by === actor.userId ||
          (await repo.usersNamedOn(trx, conversationId)).includes(actor.userId);
        if (named && (conversation.organisation_id === actor.organisationId || access.crossBasis)) return c.id;
      }
      return conversation.person_id;
    });
    if (!through) throw new NotFoundError();
    return this.conversation(ctx, through, conversationId);
  }

  /** The conversations about a child the actor may read (the API's list): needs a relationship with the child. */
  async listForChild(ctx: RequestContext, personId: string) {
    return runRefusable(this.db, async (trx) => {
      const actor = ctx.actor;
      if (!actor) throw new ForbiddenError();
      const role = requireRole(actor, ...CASE_DETAIL_ROLES);
      const person = await findPerson(trx, personId);
      const relationship = person && !person.merged_into ? await findRelationship(trx, actor, personId, ctx.at) : null;
      if (!person || !relationship) {
        return refuseOnPerson(trx, ctx, 'conversation.view-refused', personId, new NotFoundError(), {
          attempted: 'conversation.list',
        });
      }
      const found = await this.visibleAbout(trx, actor, [personId], personId, ctx.at);
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'conversation.list.viewed',
        recordType: 'person',
        recordId: personId,
        details: { shown: found.conversations.map((c) => c.id), hidden: found.hidden },
      });
      return found;
    });
  }

  /** Marks an action done (its owner or the recorder); again is a no-op. Its work item is done with it. */
  async completeAction(ctx: RequestContext, personId: string, conversationId: string, actionId: string) {
    return runRefusable(this.db, async (trx) => {
      const rights = await this.readRights(trx, ctx, personId, conversationId);
      if (rights instanceof Refusal) return rights;
      const actor = ctx.actor!;
      const action = (await repo.actionsOf(trx, [conversationId])).find((a) => a.id === actionId);
      if (!action) {
        return refuseOnPerson(trx, ctx, 'conversation.view-refused', personId, new NotFoundError(), {
          conversationId,
          actionId,
        });
      }
      if (action.owner_user_id !== actor.userId && rights.conversation.recorded_by !== actor.userId) {
        return refuseOnPerson(
          trx,
          ctx,
          'conversation.action.refused',
          personId,
          new ForbiddenError(
            'Only the person the action was given to, or who recorded the conversation, can mark it done.',
          ),
          { conversationId, actionId },
        );
      }
      if (action.done_at) return false;
      await trx
        .updateTable('conversation_action')
        .set({ done_at: ctx.at, done_by: actor.userId })
        .where('id', '=', actionId)
        .where('done_at', 'is', null)
        .execute();
      await completeWork(trx, {
        sourceType: 'conversation_action',
        sourceId: actionId,
        kind: 'conversation.action',
        at: ctx.at,
        by: actor.userId,
      });
      await recordAudit(trx, auditContext(ctx, rights.role), {
        action: 'conversation.action.completed',
        recordType: 'conversation',
        recordId: conversationId,
        details: { personId, actionId },
      });
      return true;
    });
  }

  /** The conversations about a child the actor may read, newest first, with their actions. */
  async visibleAbout(trx: Trx, actor: Actor, personIds: string[], personId: string, at: Date) {
    const access = await accessContext(trx, actor, personId, at);
    const all = await repo.conversationsAbout(trx, personIds);
    const visible = [];
    for (const c of all) {
      const record = { organisation_id: c.organisation_id, recorded_by: c.recorded_by, category: null };
      if (canSeeRecord(access, record)) visible.push(c);
      else if (c.organisation_id === actor.organisationId || access.crossBasis) {
        if (c.recorded_by === actor.userId || (await repo.usersNamedOn(trx, c.id)).includes(actor.userId)) {
          visible.push(c);
        }
      }
    }
    const actions = await repo.actionsOf(
      trx,
      visible.map((c) => c.id),
    );
    return {
      conversations: visible.map((c) => ({ ...c, actions: actions.filter((a) => a.conversation_id === c.id) })),
      hidden: all.length - visible.length,
    };
  }

  /** The follow-up question as the user was asked it; anyone not asked finds nothing. */
  async followUp(ctx: RequestContext, conversationId: string) {
    const actor = ctx.actor;
    if (!actor) throw new ForbiddenError();
    const question = await repo.followUpFor(this.db, conversationId, actor.userId);
    const conversation = question ? await repo.findConversation(this.db, conversationId) : undefined;
    if (!question || !conversation) throw new NotFoundError();
    return {
      question,
      conversation: {
        id: conversation.id,
        person_id: conversation.person_id,
        kind: conversation.kind,
        held_on: conversation.held_on,
      },
    };
  }

  async answerFollowUp(
    ctx: RequestContext,
    conversationId: string,
    input: { answer: FollowUpAnswer; comment: string | null },
  ) {
    const actor = ctx.actor;
    if (!actor) throw new ForbiddenError();
    return this.db.transaction().execute(async (trx) => {
      const question = await repo.followUpFor(trx, conversationId, actor.userId);
      const conversation = question ? await repo.findConversation(trx, conversationId) : undefined;
      if (!question || !conversation) throw new NotFoundError();
      await repo.answerFollowUp(trx, question.id, { ...input, at: ctx.at });
      await completeWork(trx, {
        sourceType: 'conversation_follow_up',
        sourceId: question.id,
        at: ctx.at,
        by: actor.userId,
      });
      await recordAudit(trx, auditContext(ctx), {
        action: 'conversation.follow-up.answered',
        recordType: 'conversation',
        recordId: conversationId,
        details: { personId: conversation.person_id, answer: input.answer, changed: !!question.answer },
      });
      return true;
    });
  }

  /** Answers counted by month and organisation: a manager's own organisation; integrated processes, every one. */
  async report(ctx: RequestContext) {
    const actor = ctx.actor;
    if (!actor) throw new ForbiddenError();
    const role = requireRole(actor, ...REPORT_ROLES);
    const scope = hasRole(actor, 'integrated_processes') ? 'all' : [actor.organisationId];
    return this.db.transaction().execute(async (trx) => {
      const rows = await repo.followUpCounts(trx, scope);
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'conversation.report.viewed',
        details: { scope: scope === 'all' ? 'all' : 'organisation' },
      });
      return { rows: reportTable(rows), everyOrganisation: scope === 'all' };
    });
  }
}

/** Whether information about the child may go to a user of another organisation: a consent or a lawful basis. */
async function basisToShare(
  trx: Trx,
  actor: Actor,
  childId: string,
  user: { organisation_id: string; agency_type: string },
  at: Date,
): Promise<boolean> {
  for (const purpose of READ_PURPOSES) {
    try {
      await requireSharingBasis(
        trx,
        actor,
        childId,
        purpose,
        { organisationId: user.organisation_id, agencyType: user.agency_type as never },
        at,
      );
      return true;
    } catch (error) {
      if (!(error instanceof ConsentRequiredError)) throw error;
    }
  }
  return false;
}

function nextDay(iso: string): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Nine in the morning, London time, on the follow-up day. */
export function followUpInstant(day: string): Date {
  return new Date(londonMidnight(day).getTime() + 9 * 3600_000);
}

/** One row per month and organisation, with a count for each answer. */
function reportTable(rows: repo.ReportRow[]) {
  const out = new Map<string, { month: string; organisation: string; yes: number; partly: number; no: number }>();
  for (const r of rows) {
    const key = `${r.month}\u0000${r.organisation_name}`;
    const row = out.get(key) ?? { month: r.month, organisation: r.organisation_name, yes: 0, partly: 0, no: 0 };
    row[r.answer] += Number(r.n);
    out.set(key, row);
  }
  return [...out.values()];
}

/**
 * The follow-up job: on the day, each participant who is a user is asked whether the conversation helped meet the
 * child's needs (a notification and an item on their work list, both linking to the question). Asking twice is a
 * no-op.
 */
export async function askFollowUps({ trx, payload, now }: JobContext<{ conversationId: string }>): Promise<void> {
  const conversation = await repo.findConversation(trx, payload.conversationId);
  if (!conversation) return;
  const href = `/conversations/${conversation.id}/follow-up`;
  for (const user of await repo.participantUsers(trx, conversation.id)) {
    const asked = await trx
      .insertInto('conversation_follow_up')
      .values({
        conversation_id: conversation.id,
        user_id: user.id,
        organisation_id: user.organisation_id,
        asked_at: now,
      })
      .onConflict((oc) => oc.columns(['conversation_id', 'user_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!asked) continue;
    await assignWork(trx, {
      kind: 'conversation.follow-up',
      title: 'Did a conversation help? Tell us',
      href,
      sourceType: 'conversation_follow_up',
      sourceId: asked.id,
      personId: null,
      assignTo: { userIds: [user.id] },
      at: now,
      by: null,
    });
    await notify(trx, {
      userIds: [user.id],
      kind: 'conversation.follow-up',
      title: 'Did a conversation you took part in help meet the child’s needs?',
      href,
      recordType: 'conversation',
      recordId: conversation.id,
      at: now,
    });
  }
}
