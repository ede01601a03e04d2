import type { Kysely, Transaction } from 'kysely';
import type { DB, Role } from '../../db/schema.ts';
import { type Actor, hasRole, INDEX_ROLES, requireRole } from '../../platform/access.ts';
import { recordAudit } from '../../platform/audit.ts';
import { ageOn } from '../../platform/calendar.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { NotFoundError } from '../../platform/errors.ts';
import { notify, usersWorkingWith } from '../../platform/notifications.ts';
import { enqueueEmail } from '../../platform/outbox.ts';
import { rolePowerOver, withinPartnership } from '../../platform/partnership.ts';
import { refuseOnPerson, runRefusable } from '../../platform/refusals.ts';
import { ANY_RELATIONSHIP, PERSONAL_RELATIONSHIPS, relationshipsWith } from '../../platform/relationships.ts';
import {
  accessContext,
  consentStatus,
  findRelationship,
  maySeeService,
  SENSITIVE_SERVICE_NOTICE,
  type ServiceInvolvement,
} from '../../platform/sharing.ts';
import { currentLeads, mayReadEpisodes } from '../episodes/leads.ts';
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
export class MergedRecordError extends NotFoundError {
  constructor(readonly keptId: string) {
    // Where no page sends the user on (a change to a merged record), it answers as a record not there.
    super('This record was merged into another');
  }
}

/** The record opens only through break-glass: the person is shielded, or lives with someone who is. */
export class ShieldedRecordError extends Error {
  constructor(
    readonly personId: string,
    readonly shielded: boolean,
  ) {
    super(shielded ? 'This record is shielded' : 'This person’s whereabouts are protected');
  }
}

/**
 * A record whose whereabouts are protected was opened with a reason: everyone working with the person, and with
 * any shielded child they live with, is told (no personal data).
 */
export async function tellInvolvedOfBreakGlass(trx: Transaction<DB>, ctx: RequestContext, personId: string) {
  const actor = ctx.actor!;
  const recipients = new Set<string>();
  const told = new Set<string>();
  for (const id of [personId, ...(await repo.shieldedHousemates(trx, personId))]) {
    for (const email of await registry.activeInvolvementContacts(trx, id)) recipients.add(email);
    // Users working with each record get a notification linking to the record they work with.
    const users = (await usersWorkingWith(trx, [id], ctx.at)).filter((u) => !told.has(u));
    for (const u of await notify(trx, {
      userIds: users,
      kind: 'person.break-glass',
      title:
        id === personId
          ? 'A shielded record you work with was opened'
          : 'The record of someone living with a shielded child you work with was opened',
      href: `/people/${id}`,
      recordType: 'person',
      recordId: id,
      at: ctx.at,
      except: actor.userId,
    })) {
      told.add(u);
    }
  }
  // Contact addresses on involvements that are not a notified user's own address are emailed as before.
  if (told.size) {
    const own = await trx
      .selectFrom('app_user')
      .select('email')
      .where('id', 'in', [...told])
      .execute();
    for (const u of own) recipients.delete(u.email);
  }
  for (const to of recipients) {
    await enqueueEmail(trx, {
      to,
      subject: 'A shielded record you work with was opened',
      text:
        `${actor.name} (${actor.organisationName}) opened a record whose whereabouts are protected by ` +
        `shielding, at ${ctx.at.toISOString()}, giving a reason. It is a record you are involved with, or the ` +
        `record of someone living with a shielded child you are involved with. Sign in to Early Help Hub and ask ` +
        `your data protection officer for the access history if this was not expected. Reference: ${personId}`,
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

/**
 * Your own involvement, your team's, your organisation's (recorded without a named person), or any for the front
 * door when the child is within its partnership (`inPartnership`, from withinPartnership).
 */
export function mayEndInvolvement(
  actor: Actor,
  i: { user_id: string | null; team_id: string | null; organisation_id: string },
  inPartnership: boolean,
): boolean {
  if (!hasRole(actor, ...REGISTER_ROLES)) return false;
  return (
    i.user_id === actor.userId ||
    (i.team_id !== null && [...actor.teamIds, ...actor.managedTeamIds].includes(i.team_id)) ||
    (i.user_id === null && i.organisation_id === actor.organisationId) ||
    (!!hasRole(actor, ...PARTNERSHIP_ROLES) && inPartnership)
  );
}

/**
 * Whether the actor may change a record's identifying details: they work with the child, or have a partnership
 * role and the child is within their partnership.
 */
export async function mayEditRecord(db: Kysely<DB>, actor: Actor, personId: string, at: Date): Promise<boolean> {
  if (!hasRole(actor, ...REGISTER_ROLES)) return false;
  if (await rolePowerOver(db, actor, PARTNERSHIP_ROLES, personId, at)) return true;
  return (await relationshipsWith(db, actor, personId, at, { kinds: ANY_RELATIONSHIP })).length > 0;
}

const isSensitive = (i: ServiceInvolvement) => !!(i.team_sensitive_category ?? i.organisation_sensitive_category);

/**
 * Involvements as the actor may see them: a sensitive service they may not see keeps only its dates, with a
 * notice in place of who it is and how to reach them.
 */
export async function visibleInvolvements<T extends ServiceInvolvement & { person_id?: string }>(
  db: Kysely<DB>,
  actor: Actor,
  rows: T[],
  at: Date,
): Promise<(T & { hidden: boolean })[]> {
  const contexts = new Map<string, Awaited<ReturnType<typeof accessContext>>>();
  const out: (T & { hidden: boolean })[] = [];
  for (const i of rows) {
    if (!isSensitive(i)) {
      out.push({ ...i, hidden: false });
      continue;
    }
    const personId = i.person_id ?? '';
    let ctx = contexts.get(personId);
    if (!ctx) {
      ctx = await accessContext(db, actor, personId, at);
      contexts.set(personId, ctx);
    }
    out.push(
      maySeeService(ctx, i)
        ? { ...i, hidden: false }
        : {
            ...i,
            hidden: true,
            role: SENSITIVE_SERVICE_NOTICE,
            organisation_name: SENSITIVE_SERVICE_NOTICE,
            team_name: null,
            practitioner_name: null,
            practitioner_job_title: null,
            contact_phone: null,
            contact_email: null,
            added_reason: null,
            added_by_name: null,
            is_lead: false,
            user_id: null,
            team_id: null,
          },
    );
  }
  return out;
}

/** Roles that read the audit trail, and may find a child in the index only to see who has accessed their record. */
export const AUDIT_ROLES: Role[] = ['data_protection', 'system_admin'];

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
      const rows = await repo.caseload(trx, actor, ctx.at);
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
  async search(
    ctx: RequestContext,
    criteria: SearchCriteria,
    options: { limit?: number; forAudit?: boolean } = {},
  ): Promise<SearchResult> {
    // The data-protection officer finds a child to see their access history: the same search, audited the same way.
    const role = requireRole(ctx.actor, ...(options.forAudit ? AUDIT_ROLES : INDEX_ROLES));
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
   * A card whose whereabouts are protected (a shielded child, or anyone living with one) opens only through
   * break-glass: a reason, an audit event and a notice to everyone working with the person and with the shielded
   * child(ren) they live with. Its address is never shown.
   */
  async indexCard(ctx: RequestContext, personId: string, breakGlassReason?: string) {
    const role = requireRole(ctx.actor, ...INDEX_ROLES);
    const actor = ctx.actor!;
    return this.db.transaction().execute(async (trx) => {
      const person = await repo.findPerson(trx, personId);
      if (!person) throw new NotFoundError();
      if (person.kept_id) throw new MergedRecordError(person.kept_id);
      const guarded = person.whereabouts_protected;
      if (guarded && !breakGlassReason) throw new ShieldedRecordError(personId, person.shielded);
      const [family, involved, address, names, identifiers, lead] = await Promise.all([
        repo.relatives(trx, personId),
        repo.involvements(trx, personId),
        guarded ? Promise.resolve(undefined) : repo.currentAddress(trx, personId),
        registry.names(trx, personId),
        registry.identifiers(trx, personId),
        currentLeads(trx, [personId], ctx.at).then((m) => m.get(personId)),
      ]);
      const housemates = guarded ? await repo.shieldedHousemates(trx, personId) : [];
      await recordAudit(trx, auditContext(ctx, role), {
        action: guarded ? 'person.break-glass' : 'person.index-card.viewed',
        recordType: 'person',
        recordId: personId,
        ...(breakGlassReason ? { reason: breakGlassReason } : {}),
        ...(housemates.length ? { details: { livesWithShielded: housemates } } : {}),
      });
      if (guarded) await tellInvolvedOfBreakGlass(trx, ctx, personId);
      const inPartnership = await withinPartnership(trx, actor, personId, ctx.at);
      const involvedNow =
        (await relationshipsWith(trx, actor, personId, ctx.at, { kinds: PERSONAL_RELATIONSHIPS })).length > 0;
      const visible = await visibleInvolvements(
        trx,
        actor,
        involved.map((i) => ({ ...i, person_id: personId })),
        ctx.at,
      );
      return {
        person,
        age: ageOn(person.date_of_birth, ctx.at),
        address,
        names,
        identifiers,
        // A lead from a sensitive service the user may not see is not named: who leads would say who is involved.
        // The lead of an open episode is named, with the episode for those who may see it.
        lead:
          lead?.involvementId && visible.some((i) => i.id === lead.involvementId && i.hidden)
            ? { hidden: true as const }
            : lead
              ? {
                  ...lead,
                  episodeHref:
                    lead.episodeId && (await mayReadEpisodes(trx, actor, personId, ctx.at))
                      ? `/people/${personId}/episodes/${lead.episodeId}`
                      : null,
                }
              : undefined,
        family: family.filter((f) => !f.shielded || f.id === personId),
        involvements: visible.map((i) => ({
          ...i,
          canEnd: !i.hidden && !i.ended_on && mayEndInvolvement(actor, i, inPartnership),
        })),
        consentStatus: await consentStatus(trx, actor, personId, ctx.at, { reminder: false }),
        canEdit: !guarded && (await mayEditRecord(trx, actor, personId, ctx.at)),
        canRegister: !!hasRole(actor, ...REGISTER_ROLES),
        canAddInvolvement:
          !!hasRole(actor, ...REGISTER_ROLES) &&
          (!person.shielded || (!!hasRole(actor, ...SAFEGUARDING_ROLES) && inPartnership)),
        canShield: !!hasRole(actor, ...SHIELD_ROLES) && (inPartnership || involvedNow),
        // The chronology opens through a relationship, or a partnership role for a child in the partnership.
        canSeeChronology:
          !!(await findRelationship(trx, actor, personId, ctx.at)) ||
          (!guarded && !!hasRole(actor, ...PARTNERSHIP_ROLES) && inPartnership),
        involvedNow: involved.some((i) => !i.ended_on && i.user_id === actor.userId),
        inPartnership,
      };
    });
  }

  /** Whether a record that asks for break-glass is a shielded child's, for the wording of the page that asks. */
  async breakGlassSubject(ctx: RequestContext, personId: string) {
    requireRole(ctx.actor, ...INDEX_ROLES);
    const person = await repo.findPerson(this.db, personId);
    if (!person || person.merged_into) throw new NotFoundError();
    return { shielded: person.shielded };
  }

  /**
   * Every child in the family, one click from any of them: brothers and sisters, other children of the same
   * parents and carers, and children living at the same address. Shielded children are left out, and a person
   * whose whereabouts are protected has no family page (it would show who lives with a shielded child).
   */
  async familyChildren(ctx: RequestContext, personId: string) {
    const role = requireRole(ctx.actor, ...INDEX_ROLES);
    return runRefusable(this.db, async (trx) => {
      const person = await repo.findPerson(trx, personId);
      if (!person || person.merged_into) throw new NotFoundError();
      if (person.whereabouts_protected) {
        return refuseOnPerson(trx, ctx, 'person.family.refused', personId, new NotFoundError(), {
          whereaboutsProtected: true,
        });
      }
      const children = await repo.familyChildren(trx, personId);
      const involvements = await visibleInvolvements(
        trx,
        ctx.actor!,
        await repo.involvementsOf(
          trx,
          children.map((c) => c.id),
        ),
        ctx.at,
      );
      // The lead by the one rule: an open episode's lead, else an involvement marked lead (unless hidden from the user).
      const leads = await currentLeads(
        trx,
        children.map((c) => c.id),
        ctx.at,
      );
      const leadOf = async (childId: string) => {
        const lead = leads.get(childId);
        if (lead?.involvementId && !involvements.some((i) => i.id === lead.involvementId && !i.hidden)) return null;
        if (!lead) return null;
        // The episode is linked for those who may read it, as on the child's card.
        const episodeHref =
          lead.episodeId && (await mayReadEpisodes(trx, ctx.actor!, childId, ctx.at))
            ? `/people/${childId}/episodes/${lead.episodeId}`
            : null;
        return { ...lead, episodeHref };
      };
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
        children: await Promise.all(
          children.map(async (c) => ({
            ...c,
            age: ageOn(c.date_of_birth, ctx.at),
            involvements: involvements.filter((i) => i.person_id === c.id),
            lead: await leadOf(c.id),
          })),
        ),
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
    return runRefusable(this.db, async (trx) => {
      const person = await repo.findPerson(trx, personId);
      if (!person || person.merged_into) throw new NotFoundError();
      if (person.shielded && !(await rolePowerOver(trx, ctx.actor!, SAFEGUARDING_ROLES, personId, ctx.at))) {
        return refuseOnPerson(trx, ctx, 'person.involvement.refused', personId, new NotFoundError(), {
          shielded: true,
        });
      }
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
