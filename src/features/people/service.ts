import type { Kysely, Transaction } from 'kysely';
import type { DB, Role } from '../../db/schema.ts';
import { type Actor, hasRole, INDEX_ROLES, requireRole } from '../../platform/access.ts';
import { recordAudit } from '../../platform/audit.ts';
import { ageOn } from '../../platform/calendar.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { NotFoundError } from '../../platform/errors.ts';
import { enqueueEmail } from '../../platform/outbox.ts';
import { consentStatus } from '../../platform/sharing.ts';
import type { MatchModel } from './matching/model.ts';
import * as registry from './registry-repository.ts';
import * as repo from './repository.ts';
import { type SearchCriteria, type SearchResult, searchIndex } from './search.ts';

export { INDEX_ROLES };

/** May add children to the index, link to a record and record that they work with a child. */
export const REGISTER_ROLES: Role[] = ['practitioner', 'manager', 'front_door', 'integrated_processes'];
/** Work across the partnership's families, so may correct any record's identifying details. */
export const PARTNERSHIP_ROLES: Role[] = ['front_door', 'integrated_processes'];
/** May record involvement with a shielded child (after opening the record with a reason). */
export const SAFEGUARDING_ROLES: Role[] = ['manager', 'front_door', 'integrated_processes'];
/** Safeguarding authority: may shield a child or lift shielding, with a reason. */
export const SHIELD_ROLES: Role[] = ['manager', 'front_door'];

/** The record was merged into another: callers send the user there. */
export class MergedRecordError extends Error {
  constructor(readonly keptId: string) {
    super('This record was merged into another');
  }
}

export class ShieldedRecordError extends Error {
  constructor(readonly personId: string) {
    super('This record is shielded');
  }
}

/** A shielded record was opened with a reason: everyone working with the child is told (no personal data). */
export async function tellInvolvedOfBreakGlass(trx: Transaction<DB>, ctx: RequestContext, personId: string) {
  const actor = ctx.actor!;
  for (const to of await registry.activeInvolvementContacts(trx, personId)) {
    await enqueueEmail(trx, {
      to,
      subject: 'A shielded record you work with was opened',
      text:
        `${actor.name} (${actor.organisationName}) opened a shielded record you are involved with, ` +
        `at ${ctx.at.toISOString()}, giving a reason. Sign in to Early Help Hub and ask your data protection ` +
        `officer for the access history if this was not expected. Reference: ${personId}`,
    });
  }
}

/** A child's age on the London date of an instant. */
export { ageOn };

/** Which search fields were used: the audit records this, never what was typed (that is personal data too). */
export function criteriaFields(c: SearchCriteria): string[] {
  return Object.entries(c)
    .filter(([, v]) => v !== undefined && v !== false)
    .map(([k]) => k)
    .sort();
}

/** Your own involvement, your team's, your organisation's (recorded without a named person), or any for the front door. */
export function mayEndInvolvement(
  actor: Actor,
  i: { user_id: string | null; team_id: string | null; organisation_id: string },
): boolean {
  if (!hasRole(actor, ...REGISTER_ROLES)) return false;
  return (
    i.user_id === actor.userId ||
    (i.team_id !== null && [...actor.teamIds, ...actor.managedTeamIds].includes(i.team_id)) ||
    (i.user_id === null && i.organisation_id === actor.organisationId) ||
    !!hasRole(actor, ...PARTNERSHIP_ROLES)
  );
}

/** Whether the actor may change a record's identifying details: they work with the child, or across the partnership. */
export async function mayEditRecord(db: Kysely<DB>, actor: Actor, personId: string): Promise<boolean> {
  if (!hasRole(actor, ...REGISTER_ROLES)) return false;
  if (hasRole(actor, ...PARTNERSHIP_ROLES)) return true;
  return registry.actorInvolved(db, personId, {
    userId: actor.userId,
    organisationId: actor.organisationId,
    teamIds: [...actor.teamIds, ...actor.managedTeamIds],
  });
}

export class PeopleService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly model: MatchModel,
    private readonly reader: Kysely<DB> = db,
  ) {}

  async caseload(ctx: RequestContext) {
    const role = requireRole(ctx.actor, ...INDEX_ROLES);
    const actor = ctx.actor!;
    return this.db.transaction().execute(async (trx) => {
      const teamIds = [...new Set([...actor.teamIds, ...actor.managedTeamIds])];
      const rows = await repo.caseload(trx, actor.userId, teamIds);
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.caseload.viewed',
        details: { personIds: rows.map((r) => r.id) },
      });
      return rows;
    });
  }

  /**
   * Search the index. Candidates come from the reader (a replica when there is one); the audit of which records
   * were shown is written on the primary, in its own transaction, before the results are returned.
   */
  async search(ctx: RequestContext, criteria: SearchCriteria, options: { limit?: number } = {}): Promise<SearchResult> {
    const role = requireRole(ctx.actor, ...INDEX_ROLES);
    const result =
      this.reader === this.db ? undefined : await searchIndex(this.reader, criteria, this.model, ctx.at, options);
    return this.db.transaction().execute(async (trx) => {
      const r = result ?? (await searchIndex(trx, criteria, this.model, ctx.at, options));
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.searched',
        details: { fields: criteriaFields(criteria), resultIds: r.hits.map((h) => h.id) },
      });
      return r;
    });
  }

  /**
   * The index card: identifying details, family, who is involved and how to reach them; never case detail.
   * A shielded child's card opens only through break-glass: a reason, an audit event and a notice to everyone
   * working with the child.
   */
  async indexCard(ctx: RequestContext, personId: string, breakGlassReason?: string) {
    const role = requireRole(ctx.actor, ...INDEX_ROLES);
    const actor = ctx.actor!;
    return this.db.transaction().execute(async (trx) => {
      const person = await repo.findPerson(trx, personId);
      if (!person) throw new NotFoundError();
      if (person.merged_into) throw new MergedRecordError(await repo.liveRecordOf(trx, person.merged_into));
      if (person.shielded && !breakGlassReason) throw new ShieldedRecordError(personId);
      const [family, involved, address, names, identifiers, lead] = await Promise.all([
        repo.relatives(trx, personId),
        repo.involvements(trx, personId),
        person.shielded ? Promise.resolve(undefined) : repo.currentAddress(trx, personId),
        registry.names(trx, personId),
        registry.identifiers(trx, personId),
        repo.leadPractitioner(trx, personId),
      ]);
      await recordAudit(trx, auditContext(ctx, role), {
        action: person.shielded ? 'person.break-glass' : 'person.index-card.viewed',
        recordType: 'person',
        recordId: personId,
        ...(breakGlassReason ? { reason: breakGlassReason } : {}),
      });
      if (person.shielded) await tellInvolvedOfBreakGlass(trx, ctx, personId);
      return {
        person,
        age: ageOn(person.date_of_birth, ctx.at),
        address,
        names,
        identifiers,
        lead,
        family: family.filter((f) => !f.shielded || f.id === personId),
        involvements: involved.map((i) => ({ ...i, canEnd: !i.ended_on && mayEndInvolvement(actor, i) })),
        consentStatus: await consentStatus(trx, actor, personId, ctx.at, { reminder: false }),
        canEdit: !person.shielded && (await mayEditRecord(trx, actor, personId)),
        canRegister: !!hasRole(actor, ...REGISTER_ROLES),
        canAddInvolvement:
          !!hasRole(actor, ...REGISTER_ROLES) && (!person.shielded || !!hasRole(actor, ...SAFEGUARDING_ROLES)),
        canShield: !!hasRole(actor, ...SHIELD_ROLES),
        involvedNow: involved.some((i) => !i.ended_on && i.user_id === actor.userId),
      };
    });
  }

  /**
   * Every child in the family, one click from any of them: brothers and sisters, other children of the same
   * parents and carers, and children living at the same address. Shielded children are left out.
   */
  async familyChildren(ctx: RequestContext, personId: string) {
    const role = requireRole(ctx.actor, ...INDEX_ROLES);
    return this.db.transaction().execute(async (trx) => {
      const person = await repo.findPerson(trx, personId);
      if (!person || person.merged_into || person.shielded) throw new NotFoundError();
      const children = await repo.familyChildren(trx, personId);
      const involvements = await repo.involvementsOf(
        trx,
        children.map((c) => c.id),
      );
      const adults = (await repo.relatives(trx, personId)).filter((r) => r.kind === 'adult' && !r.shielded);
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.family.viewed',
        recordType: 'person',
        recordId: personId,
        details: { personIds: children.map((c) => c.id) },
      });
      return {
        person,
        adults,
        children: children.map((c) => ({
          ...c,
          age: ageOn(c.date_of_birth, ctx.at),
          involvements: involvements.filter((i) => i.person_id === c.id),
        })),
      };
    });
  }

  /** The user's own teams, for recording that a team works with a child. */
  async teamsOf(ctx: RequestContext) {
    requireRole(ctx.actor, ...REGISTER_ROLES);
    return repo.teamsOf(this.db, ctx.actor!.userId);
  }

  /**
   * The child and their involvements, for recording or ending an involvement: no address, so a shielded child's
   * form needs no second reason, but only safeguarding roles may record involvement with a shielded child.
   */
  async involvementSubject(ctx: RequestContext, personId: string) {
    const role = requireRole(ctx.actor, ...REGISTER_ROLES);
    return this.db.transaction().execute(async (trx) => {
      const person = await repo.findPerson(trx, personId);
      if (!person || person.merged_into) throw new NotFoundError();
      if (person.shielded && !hasRole(ctx.actor!, ...SAFEGUARDING_ROLES)) throw new NotFoundError();
      const involvements = await repo.involvements(trx, personId);
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.involvements.viewed',
        recordType: 'person',
        recordId: personId,
      });
      return { person, involvements };
    });
  }
}
