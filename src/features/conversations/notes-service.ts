/**
 * Case notes: what a practitioner writes down about a child, kept under the consent feature's rules (the same
 * roles and relationship to record; another agency's notes only with consent or a lawful basis; a sensitive
 * note without consent covering its category kept to its organisation). They live with conversations, and the
 * child's notes and conversations are read together on one page.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { hasRole, requireRole } from '../../platform/access.ts';
import { recordAudit } from '../../platform/audit.ts';
import { londonToday } from '../../platform/calendar.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { NotFoundError, ValidationError } from '../../platform/errors.ts';
import { Refusal, runRefusable } from '../../platform/refusals.ts';
import { accessContext, activeConsents, CASE_DETAIL_ROLES, canSeeRecord } from '../../platform/sharing.ts';
import * as consentRepo from '../consent/repository.ts';
import { CHANGE_ROLES, ChangeRefusedError, ConsentService } from '../consent/service.ts';
import * as repo from './repository.ts';
import { ConversationService, RECORD_ROLES } from './service.ts';

export class CaseNoteService {
  private readonly consent: ConsentService;
  private readonly conversations: ConversationService;

  constructor(private readonly db: Kysely<DB>) {
    this.consent = new ConsentService(db);
    this.conversations = new ConversationService(db);
  }

  /** The notes and conversations the actor may see; what is hidden is counted, never shown. */
  async notes(ctx: RequestContext, personId: string) {
    return runRefusable(this.db, async (trx) => {
      const rights = await this.consent.viewRights(trx, ctx, personId, 'case-note.view-refused');
      if (rights instanceof Refusal) return rights;
      const actor = ctx.actor!;
      const access = await accessContext(trx, actor, personId, ctx.at);
      if (!access.relationship) {
        return this.consent.refuse(trx, ctx, 'case-note.view-refused', personId, new NotFoundError(), {});
      }
      const all = await repo.notes(trx, personId);
      const visible = all.filter((n) => canSeeRecord(access, n));
      const talks = await this.conversations.visibleAbout(trx, actor, [personId], personId, ctx.at);
      await recordAudit(trx, auditContext(ctx, rights.role), {
        action: 'case-note.list.viewed',
        recordType: 'person',
        recordId: personId,
        details: {
          shown: visible.map((n) => n.id),
          hidden: all.length - visible.length,
          conversationsShown: talks.conversations.map((c) => c.id),
          conversationsHidden: talks.hidden,
        },
      });
      // One list, newest first: a note by when it was written, a conversation by the day it was held.
      const items = [
        ...visible.map((n) => ({ type: 'note' as const, day: londonToday(n.recorded_at), at: n.recorded_at, note: n })),
        ...talks.conversations.map((c) => ({
          type: 'conversation' as const,
          day: String(c.held_on).slice(0, 10),
          at: c.recorded_at,
          conversation: c,
        })),
      ].sort((a, b) => b.day.localeCompare(a.day) || b.at.getTime() - a.at.getTime());
      const categories = await consentRepo.sensitiveCategories(trx);
      const consentedCategories = new Set(
        access.consents.filter((c) => c.decision === 'given').flatMap((c) => c.sensitive_categories),
      );
      return {
        person: rights.person,
        notes: visible,
        items,
        hidden: all.length - visible.length,
        hiddenConversations: talks.hidden,
        reasons: access.crossBasis ? [] : access.reasons,
        basis: access.crossBasis,
        categories: categories.map((c) => ({ ...c, consented: consentedCategories.has(c.code) })),
        canAdd: !!hasRole(actor, ...CHANGE_ROLES),
        canRecordConversation: !!hasRole(actor, ...RECORD_ROLES),
      };
    });
  }

  async note(ctx: RequestContext, personId: string, noteId: string) {
    return runRefusable(this.db, async (trx) => {
      const actor = ctx.actor!;
      const role = requireRole(actor, ...CASE_DETAIL_ROLES);
      const access = await accessContext(trx, actor, personId, ctx.at);
      const note = (await repo.notes(trx, personId)).find((n) => n.id === noteId);
      if (!note || !canSeeRecord(access, note)) {
        return this.consent.refuse(trx, ctx, 'case-note.view-refused', personId, new NotFoundError(), { noteId });
      }
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'case-note.viewed',
        recordType: 'case_note',
        recordId: noteId,
        details: { personId },
      });
      const person = await consentRepo.findPerson(trx, personId);
      return { person: person!, note };
    });
  }

  async addNote(
    ctx: RequestContext,
    personId: string,
    input: { category: string | null; body: string; withholdFromParents: boolean },
  ) {
    return runRefusable(this.db, async (trx) => {
      const rights = await this.consent.changeRights(trx, ctx, personId, 'case-note.record');
      if (rights instanceof Refusal) return rights;
      if (!rights.relationship) {
        const error = new ChangeRefusedError(
          'You can only add notes for someone you, your team or your organisation work with.',
        );
        return this.consent.refuse(trx, ctx, 'consent.change-refused', personId, error, {
          attempted: 'case-note.record',
        });
      }
      let consentId: string | null = null;
      // A disclosure is never turned away: without consent covering its category it is kept to this organisation.
      let ownOrganisationOnly = false;
      if (input.category) {
        const category = (await consentRepo.sensitiveCategories(trx)).find((c) => c.code === input.category);
        if (!category)
          return new Refusal(new ValidationError([{ field: 'category', message: 'Select a category from the list' }]));
        const consent = (await activeConsents(trx, personId, ctx.at)).find(
          (c) => c.decision === 'given' && c.sensitive_categories.includes(category.code),
        );
        consentId = consent?.id ?? null;
        ownOrganisationOnly = !consent;
      }
      const id = await repo.insertNote(trx, {
        person_id: personId,
        organisation_id: ctx.actor!.organisationId,
        category: input.category,
        consent_id: consentId,
        body: input.body,
        withhold_from_parents: input.withholdFromParents,
        recorded_by: ctx.actor!.userId,
        recorded_at: ctx.at,
        own_organisation_only: ownOrganisationOnly,
      });
      await recordAudit(trx, auditContext(ctx, rights.role), {
        action: 'case-note.created',
        recordType: 'case_note',
        recordId: id,
        details: { personId, category: input.category, ownOrganisationOnly },
      });
      return id;
    });
  }
}
