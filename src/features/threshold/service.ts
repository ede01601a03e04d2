import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { type DB, NEED_LEVELS, type NeedLevel, type RecordedIndicator } from '../../db/schema.ts';
import { hasRole, INDEX_ROLES, requireRole } from '../../platform/access.ts';
import { recordAudit } from '../../platform/audit.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import { asArray, parseForm } from '../../platform/forms.ts';
import { rolePowerOver } from '../../platform/partnership.ts';
import { Refusal, refuseOnPerson, runRefusable } from '../../platform/refusals.ts';
import { accessContext, CASE_DETAIL_ROLES, canSeeRecord, findRelationship } from '../../platform/sharing.ts';
import { findPerson } from '../people/repository.ts';
import {
  type GuidanceContent,
  GuidanceContentSchema,
  LEVEL_NAMES,
  type Suggestion,
  suggestLevel,
  TIERS_FOR_LEVEL,
  UNMET_NEEDS_PROMPT_AT,
} from './guidance.ts';
import * as repo from './repository.ts';
import { whoToTalkTo } from './who-to-talk-to.ts';

type Trx = Transaction<DB>;
type Rights =
  | Refusal
  | { readonly kind: 'moved'; readonly to: string }
  | { readonly kind: 'ok'; readonly person: NonNullable<Awaited<ReturnType<typeof findPerson>>> };

/** The judgement a practitioner records: their own level and why, alongside the helper's suggestion. */
export const JudgementForm = z.object({
  guidanceId: z.uuid({ message: 'The guidance you used has changed: start the helper again' }),
  level: z.enum(NEED_LEVELS, { message: 'Select the level of need you judge the child to have' }),
  rationale: z
    .string({ message: 'Enter why you judge this to be the level of need' })
    .trim()
    .min(1, 'Enter why you judge this to be the level of need')
    .max(5000, 'Rationale must be 5,000 characters or fewer'),
});

const MAX_INDICATORS = 400;

/** The indicator ids picked in a posted form (checkboxes named `indicator`). */
export function pickedIds(body: unknown): string[] {
  const raw = asArray((body as Record<string, unknown> | null)?.indicator);
  return [...new Set(raw.filter((x) => typeof x === 'string' && x.length <= 80))].slice(0, MAX_INDICATORS);
}

export interface HelperResult {
  guidance: repo.GuidanceVersion;
  suggestion: Suggestion;
  services: Awaited<ReturnType<typeof repo.servicesAtTiers>>;
  tiers: string[];
}

export class ThresholdService {
  constructor(private readonly db: Kysely<DB>) {}

  async guidance(ctx: RequestContext): Promise<repo.GuidanceVersion> {
    if (!ctx.actor) throw new ForbiddenError();
    return repo.currentGuidance(this.db);
  }

  /** The helper's suggestion for the indicators picked, under the version of the guidance they were picked from. */
  async suggest(ctx: RequestContext, body: unknown): Promise<HelperResult> {
    if (!ctx.actor) throw new ForbiddenError();
    const guidanceId = (body as Record<string, unknown> | null)?.guidanceId;
    const current = await repo.currentGuidance(this.db);
    const guidance =
      typeof guidanceId === 'string' && z.uuid().safeParse(guidanceId).success
        ? ((await repo.guidanceById(this.db, guidanceId)) ?? current)
        : current;
    const suggestion = suggestLevel(guidance.content, pickedIds(body));
    const tiers = suggestion.overall ? TIERS_FOR_LEVEL[suggestion.overall] : [];
    const services = tiers.length ? await repo.servicesAtTiers(this.db, tiers) : [];
    return { guidance, suggestion, services, tiers };
  }

  /** Who may look at or record a child's level of need: a relationship with the child, or the front door. */
  private async rights(trx: Trx, ctx: RequestContext, personId: string, refusedAction: string): Promise<Rights> {
    const actor = ctx.actor;
    if (!actor) throw new ForbiddenError();
    const person = await findPerson(trx, personId);
    if (!person) throw new NotFoundError();
    if (person.kept_id) {
      // A merged record leads to the record kept only for those who may see that one.
      const kept = await this.rights(trx, ctx, person.kept_id, refusedAction);
      return kept instanceof Refusal ? kept : ({ kind: 'moved', to: person.kept_id } as const);
    }
    if (!hasRole(actor, ...CASE_DETAIL_ROLES)) {
      return refuseOnPerson(trx, ctx, refusedAction, personId, new ForbiddenError(), { role: false });
    }
    const relationship = await findRelationship(trx, actor, personId, ctx.at);
    const frontDoor = await rolePowerOver(trx, actor, ['front_door'], personId, ctx.at);
    if (!relationship && !frontDoor) {
      return refuseOnPerson(trx, ctx, refusedAction, personId, new NotFoundError(), { relationship: false });
    }
    return { kind: 'ok', person } as const;
  }

  /** The child's recorded judgements the user may see (their own agency's, or others' with a sharing basis). */
  async forChild(ctx: RequestContext, personId: string) {
    return runRefusable(this.db, async (trx) => {
      const rights = await this.rights(trx, ctx, personId, 'person.need-level.refused');
      if (rights instanceof Refusal || rights.kind === 'moved') return rights;
      const { person } = rights;
      const access = await accessContext(trx, ctx.actor!, personId, ctx.at);
      const all = await repo.needLevels(trx, personId);
      const visible = all.filter((n) =>
        canSeeRecord(access, {
          organisation_id: n.organisation_id ?? '',
          recorded_by: n.recorded_by ?? '',
          category: null,
        }),
      );
      const unmetNeeds = await repo.unmetNeedsRecordedBy(trx, personId, ctx.actor!.organisationId);
      await recordAudit(trx, auditContext(ctx), {
        action: 'person.need-level.viewed',
        recordType: 'person',
        recordId: personId,
        details: { shown: visible.length, withheld: all.length - visible.length },
      });
      return {
        kind: 'ok' as const,
        person,
        judgements: visible.map((n) => ({
          ...n,
          levelName: LEVEL_NAMES[n.level],
          suggestedName: n.suggested_level ? LEVEL_NAMES[n.suggested_level] : null,
          indicators: (typeof n.indicators === 'string'
            ? JSON.parse(n.indicators)
            : n.indicators) as RecordedIndicator[],
        })),
        withheld: all.length - visible.length,
        unmetNeeds,
        promptAssessment: unmetNeeds >= UNMET_NEEDS_PROMPT_AT && person.early_help_assessment === null,
      };
    });
  }

  /** Checks the user may record a judgement for the child, before the helper is shown for them. */
  async childForHelper(ctx: RequestContext, personId: string) {
    return runRefusable(this.db, async (trx) => {
      return this.rights(trx, ctx, personId, 'person.need-level.refused');
    });
  }

  /**
   * Records the practitioner's judgement: the indicators picked (in the words of the guidance version used), the
   * helper's suggestion and their own level and rationale, which may differ. Never refused for disagreeing.
   */
  async record(ctx: RequestContext, personId: string, body: unknown) {
    const form = parseForm(JudgementForm, body);
    return runRefusable(this.db, async (trx) => {
      const rights = await this.rights(trx, ctx, personId, 'person.need-level.refused');
      if (rights instanceof Refusal || rights.kind === 'moved') return rights;
      if (!form.ok) throw new ValidationError(form.errors);
      const guidance = await repo.guidanceById(trx, form.data.guidanceId);
      if (!guidance) {
        throw new ValidationError([{ field: 'guidanceId', message: 'The guidance you used has changed: start again' }]);
      }
      const suggestion = suggestLevel(guidance.content, pickedIds(body));
      const actor = ctx.actor!;
      const recorded: RecordedIndicator[] = suggestion.chosen.map((i) => ({
        id: i.id,
        text: i.text,
        level: i.level,
        subArea: i.subAreaName,
        domain: i.domainName,
      }));
      const { id } = await repo.insertNeedLevel(trx, {
        personId,
        level: form.data.level,
        suggested: suggestion.overall,
        rationale: form.data.rationale,
        indicators: recorded,
        guidanceId: guidance.id,
        userId: actor.userId,
        organisationId: actor.organisationId,
        at: ctx.at,
      });
      await recordAudit(trx, auditContext(ctx), {
        action: 'person.need-level.recorded',
        recordType: 'person',
        recordId: personId,
        details: {
          needLevelId: id,
          level: form.data.level,
          suggested: suggestion.overall,
          guidanceVersion: guidance.version,
          indicators: recorded.length,
        },
      });
      const unmetNeeds = await repo.unmetNeedsRecordedBy(trx, personId, actor.organisationId);
      return { id, level: form.data.level as NeedLevel, unmetNeeds };
    });
  }

  /**
   * Who the user can talk to, now: about a child (anyone who may use the child index; for a child whose
   * whereabouts are protected, only with a relationship or as the front door), or in general.
   */
  async contacts(ctx: RequestContext) {
    if (!ctx.actor) throw new ForbiddenError();
    return whoToTalkTo(this.db, ctx.actor, null, ctx.at);
  }

  /** Who may ask who to talk to about a child: anyone who may use the child index, with a relationship when protected. */
  private async contactRights(trx: Trx, ctx: RequestContext, personId: string): Promise<Rights> {
    const actor = ctx.actor;
    if (!actor) throw new ForbiddenError();
    const person = await findPerson(trx, personId);
    if (!person) throw new NotFoundError();
    if (person.kept_id) {
      // A merged record leads to the record kept only for those who may see that one.
      const kept = await this.contactRights(trx, ctx, person.kept_id);
      return kept instanceof Refusal ? kept : ({ kind: 'moved', to: person.kept_id } as const);
    }
    if (!hasRole(actor, ...INDEX_ROLES)) {
      return refuseOnPerson(trx, ctx, 'person.contacts.refused', personId, new ForbiddenError(), { role: false });
    }
    if (person.whereabouts_protected) {
      const relationship = await findRelationship(trx, actor, personId, ctx.at);
      const frontDoor = await rolePowerOver(trx, actor, ['front_door'], personId, ctx.at);
      if (!relationship && !frontDoor) {
        return refuseOnPerson(trx, ctx, 'person.contacts.refused', personId, new NotFoundError(), {
          protected: true,
        });
      }
    }
    return { kind: 'ok', person } as const;
  }

  async childContacts(ctx: RequestContext, personId: string) {
    const actor = ctx.actor;
    if (!actor) throw new ForbiddenError();
    return runRefusable(this.db, async (trx) => {
      const rights = await this.contactRights(trx, ctx, personId);
      if (rights instanceof Refusal || rights.kind === 'moved') return rights;
      const { person } = rights;
      await recordAudit(trx, auditContext(ctx), {
        action: 'person.contacts.viewed',
        recordType: 'person',
        recordId: personId,
      });
      return { kind: 'ok' as const, person, ...(await whoToTalkTo(trx, actor, personId, ctx.at)) };
    });
  }

  async versions(ctx: RequestContext) {
    requireRole(ctx.actor, 'system_admin');
    await repo.currentGuidance(this.db);
    return repo.guidanceVersions(this.db);
  }

  /** Publishes an edit as a new version; refused if someone else published since the editor started. */
  async publish(ctx: RequestContext, basedOn: number, content: unknown, note: string) {
    requireRole(ctx.actor, 'system_admin');
    const parsed = GuidanceContentSchema.safeParse(content);
    if (!parsed.success) {
      throw new ValidationError([
        { field: 'form', message: `The guidance is not complete: ${parsed.error.issues[0]?.message}` },
      ]);
    }
    const trimmedNote = note.trim();
    if (!trimmedNote) throw new ValidationError([{ field: 'note', message: 'Enter what changed and why' }]);
    if (trimmedNote.length > 500)
      throw new ValidationError([{ field: 'note', message: 'Note must be 500 characters or fewer' }]);
    return this.db.transaction().execute(async (trx) => {
      const published = await repo.publishGuidance(
        trx,
        basedOn,
        parsed.data as GuidanceContent,
        trimmedNote,
        ctx.actor!.userId,
      );
      if (!published) {
        throw new ValidationError([
          {
            field: 'form',
            message:
              'Someone else published a new version while you were editing. Start again from the latest version.',
          },
        ]);
      }
      await recordAudit(trx, auditContext(ctx, 'system_admin'), {
        action: 'admin.threshold-guidance.published',
        recordType: 'threshold_guidance',
        recordId: published.id,
        details: { version: published.version, note: trimmedNote },
      });
      return published;
    });
  }
}
