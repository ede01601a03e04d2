/**
 * Think Family needs on a child's household: recorded by someone who works with a child living there, shown to those
 * who may see the child's case detail (a relationship and a sharing basis; a need in a sensitive category only to
 * whoever recorded it and organisations a current consent names for that category).
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Q } from '../../db/connection.ts';
import type { DB, Role } from '../../db/schema.ts';
import { type Actor, hasRole, requireRole } from '../../platform/access.ts';
import { recordAudit } from '../../platform/audit.ts';
import { londonToday } from '../../platform/calendar.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { type FieldError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import { Refusal, refuseOnPerson, runRefusable } from '../../platform/refusals.ts';
import { accessContext, CASE_DETAIL_ROLES, canSeeRecord } from '../../platform/sharing.ts';
import { needDef, THINK_FAMILY_NEEDS } from './needs.ts';

export const RECORD_ROLES: Role[] = ['practitioner', 'manager', 'front_door', 'integrated_processes'];

/** The child's current household and the adults living in it now. */
async function householdOf(db: Q, childId: string) {
  const home = await db
    .selectFrom('household_member')
    .select('household_id')
    .where('person_id', '=', childId)
    .where('moved_out', 'is', null)
    .executeTakeFirst();
  if (!home) return null;
  const adults = await db
    .selectFrom('household_member as hm')
    .innerJoin('person as p', 'p.id', 'hm.person_id')
    .select(['p.id', 'p.given_name', 'p.family_name'])
    .where('hm.household_id', '=', home.household_id)
    .where('hm.moved_out', 'is', null)
    .where('p.kind', '=', 'adult')
    .where('p.merged_into', 'is', null)
    .where('p.shielded', '=', false)
    .orderBy('p.family_name')
    .orderBy('p.given_name')
    .execute();
  return { householdId: home.household_id, adults };
}

async function needsOf(db: Q, householdId: string) {
  return (
    db
      .selectFrom('think_family_need as n')
      .innerJoin('organisation as o', 'o.id', 'n.organisation_id')
      .innerJoin('app_user as u', 'u.id', 'n.recorded_by')
      .leftJoin('person as p', 'p.id', 'n.person_id')
      .select([
        'n.id',
        'n.person_id',
        'n.need',
        'n.category',
        'n.note',
        'n.organisation_id',
        'n.recorded_by',
        'n.recorded_at',
        'n.ended_on',
        'n.end_reason',
        'o.name as organisation_name',
        'u.name as recorded_by_name',
        'p.given_name',
        'p.family_name',
      ])
      .where('n.household_id', '=', householdId)
      // Current needs first, then those ended (shown as ended), newest first.
      .orderBy(sql`n.ended_at is not null`)
      .orderBy('n.recorded_at', 'desc')
      .execute()
  );
}

export class ThinkFamilyService {
  constructor(private readonly db: Kysely<DB>) {}

  /**
   * The needs on the child's household the actor may see, or null when they may see none of it (no role for case
   * detail, or no relationship with the child): the family page then says nothing about Think Family at all.
   */
  async visible(trx: Q, ctx: RequestContext, childId: string) {
    const actor = ctx.actor!;
    if (!hasRole(actor, ...CASE_DETAIL_ROLES)) return null;
    const access = await accessContext(trx, actor, childId, ctx.at);
    if (!access.relationship) return null;
    const home = await householdOf(trx, childId);
    if (!home) return { householdId: null, adults: [], needs: [], hidden: 0, canRecord: false };
    const all = await needsOf(trx, home.householdId);
    const needs = all
      .filter((n) => canSeeRecord(access, { ...n, own_organisation_only: false }))
      .map((n) => ({
        ...n,
        label: needDef(n.need)?.label ?? n.need,
        about: n.person_id ? `${n.given_name} ${n.family_name}` : 'The household',
      }));
    return {
      householdId: home.householdId,
      adults: home.adults,
      needs,
      hidden: all.length - needs.length,
      canRecord: !!hasRole(actor, ...RECORD_ROLES),
    };
  }

  /** The Think Family page of a child: what the actor may see, audited. Anyone else: not found. */
  async forChild(ctx: RequestContext, childId: string) {
    const role = requireRole(ctx.actor, ...CASE_DETAIL_ROLES);
    return this.db.transaction().execute(async (trx) => {
      const person = await trx
        .selectFrom('person')
        .select(['id', 'given_name', 'family_name', 'kind', 'merged_into'])
        .where('id', '=', childId)
        .executeTakeFirst();
      if (!person || person.merged_into) throw new NotFoundError();
      const seen = await this.visible(trx, ctx, childId);
      if (!seen) throw new NotFoundError();
      await this.audit(trx, ctx, role, childId, seen);
      return { person, ...seen, needTypes: THINK_FAMILY_NEEDS };
    });
  }

  /** For the child's family page: the needs the actor may see (audited), or null to show nothing. */
  async forFamilyPage(ctx: RequestContext, childId: string) {
    const role = hasRole(ctx.actor!, ...CASE_DETAIL_ROLES);
    if (!role) return null;
    return this.db.transaction().execute(async (trx) => {
      const seen = await this.visible(trx, ctx, childId);
      if (seen?.householdId) await this.audit(trx, ctx, role, childId, seen);
      return seen?.householdId ? seen : null;
    });
  }

  /** Records that the needs shown were seen: the child and every adult a need shown is about. */
  async audit(
    trx: Parameters<typeof recordAudit>[0],
    ctx: RequestContext,
    role: string,
    childId: string,
    seen: { needs: { id: string; person_id: string | null }[]; hidden: number },
  ) {
    await recordAudit(trx, auditContext(ctx, role), {
      action: 'person.think-family.viewed',
      recordType: 'person',
      recordId: childId,
      details: {
        shown: seen.needs.map((n) => n.id),
        hidden: seen.hidden,
        personIds: [...new Set(seen.needs.flatMap((n) => (n.person_id ? [n.person_id] : [])))],
      },
    });
  }

  /** Records a need on an adult living with the child now, or on the household. */
  async record(ctx: RequestContext, childId: string, input: { need: string; about: string; note: string }) {
    const role = requireRole(ctx.actor, ...RECORD_ROLES);
    const actor: Actor = ctx.actor!;
    return this.db.transaction().execute(async (trx) => {
      const access = await accessContext(trx, actor, childId, ctx.at);
      if (!access.relationship) throw new NotFoundError();
      const home = await householdOf(trx, childId);
      if (!home) {
        throw new ValidationError([
          { field: 'need', message: 'Record the child’s address first: needs are recorded on the household' },
        ]);
      }
      const errors: FieldError[] = [];
      const def = needDef(input.need);
      if (!def) errors.push({ field: 'need', message: 'Select the need' });
      const adult = home.adults.find((a) => a.id === input.about);
      if (input.about !== 'household' && !adult) {
        errors.push({ field: 'about', message: 'Select who the need is about' });
      }
      const note = input.note.trim();
      if (note.length > 1000) errors.push({ field: 'note', message: 'The note must be 1000 characters or fewer' });
      if (errors.length || !def) throw new ValidationError(errors);
      const row = await trx
        .insertInto('think_family_need')
        .values({
          household_id: home.householdId,
          person_id: adult?.id ?? null,
          need: def.code,
          category: def.category,
          note: note || null,
          organisation_id: actor.organisationId,
          recorded_by: actor.userId,
          recorded_at: ctx.at,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.think-family.recorded',
        recordType: 'person',
        recordId: childId,
        details: {
          needId: row.id,
          householdId: home.householdId,
          ...(adult ? { personId: adult.id } : {}),
          category: def.category,
        },
      });
      return row.id;
    });
  }

  /**
   * One need on the child's household, for ending it: the actor works with the child, may record needs and may see
   * this one. Anyone else (and a need on another household): not found, the refusal audited on the child.
   */
  private async needToEnd(trx: Transaction<DB>, ctx: RequestContext, childId: string, needId: string) {
    const actor: Actor = ctx.actor!;
    const refuse = () => refuseOnPerson(trx, ctx, 'person.think-family.end.refused', childId, new NotFoundError());
    const access = await accessContext(trx, actor, childId, ctx.at);
    if (!access.relationship) return refuse();
    const home = await householdOf(trx, childId);
    const need = home ? (await needsOf(trx, home.householdId)).find((n) => n.id === needId) : undefined;
    if (!need || !canSeeRecord(access, { ...need, own_organisation_only: false })) return refuse();
    return {
      ...need,
      label: needDef(need.need)?.label ?? need.need,
      about: need.person_id ? `${need.given_name} ${need.family_name}` : 'The household',
    };
  }

  /** The "end this need" page: the need as the actor sees it. */
  async endForm(ctx: RequestContext, childId: string, needId: string) {
    requireRole(ctx.actor, ...RECORD_ROLES);
    return runRefusable(this.db, async (trx) => {
      const person = await trx
        .selectFrom('person')
        .select(['id', 'given_name', 'family_name', 'merged_into'])
        .where('id', '=', childId)
        .executeTakeFirst();
      if (!person || person.merged_into) throw new NotFoundError();
      const need = await this.needToEnd(trx, ctx, childId, needId);
      if (need instanceof Refusal) return need;
      return { person, need };
    });
  }

  /** Ends a need: the day it ended (not in the future, not before it was recorded) and why. Audited on the child. */
  async end(ctx: RequestContext, childId: string, needId: string, input: { endedOn: string; reason: string }) {
    const role = requireRole(ctx.actor, ...RECORD_ROLES);
    const actor: Actor = ctx.actor!;
    return runRefusable(this.db, async (trx) => {
      const need = await this.needToEnd(trx, ctx, childId, needId);
      if (need instanceof Refusal) return need;
      if (need.ended_on) throw new ValidationError([{ field: 'endedOn', message: 'This need has already ended' }]);
      if (input.endedOn < londonToday(need.recorded_at)) {
        throw new ValidationError([
          { field: 'endedOn', message: 'The date the need ended must be on or after the day it was recorded' },
        ]);
      }
      const updated = await trx
        .updateTable('think_family_need')
        .set({ ended_on: input.endedOn, end_reason: input.reason, ended_at: ctx.at, ended_by: actor.userId })
        .where('id', '=', needId)
        .where('ended_at', 'is', null)
        .executeTakeFirst();
      if (!updated.numUpdatedRows) {
        throw new ValidationError([{ field: 'endedOn', message: 'This need has already ended' }]);
      }
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.think-family.ended',
        recordType: 'person',
        recordId: childId,
        details: {
          needId,
          endedOn: input.endedOn,
          ...(need.person_id ? { personId: need.person_id } : {}),
          category: need.category,
        },
      });
    });
  }
}
