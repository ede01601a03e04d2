/**
 * Changing the child index: registering a child (only after checking they are not already recorded), linking
 * to an existing record, correcting identifying details, names, identifiers, addresses, family, involvements
 * and shielding. Every change is audited in its transaction and refreshes the search data it affects.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB, PersonNameKind, RELATIONSHIP_KINDS } from '../../db/schema.ts';
import { hasRole, INDEX_ROLES, requireRole } from '../../platform/access.ts';
import { areaChoices } from '../../platform/areas.ts';
import { recordAudit } from '../../platform/audit.ts';
import { londonToday } from '../../platform/calendar.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../../platform/errors.ts';
import { enqueueEmail } from '../../platform/outbox.ts';
import { rolePowerOver, withinPartnership } from '../../platform/partnership.ts';
import { Refusal, refuseOnPerson, runRefusable } from '../../platform/refusals.ts';
import { PERSONAL_RELATIONSHIPS, type RelationshipActor, relationshipsWith } from '../../platform/relationships.ts';
import { assignWork, completeWork } from '../../platform/work.ts';
import { recordDuplicates } from './duplicate-service.ts';
import { refreshMatchData } from './match-repository.ts';
import type { MatchModel } from './matching/model.ts';
import { type AddressInput, PERSON_COLUMN, type PersonInput } from './person-form.ts';
import * as registry from './registry-repository.ts';
import * as repo from './repository.ts';
import { criteriaForPerson, type SearchHit, searchCoder, searchIndex } from './search.ts';
import { mayEditRecord, mayEndInvolvement, REGISTER_ROLES, SAFEGUARDING_ROLES, SHIELD_ROLES } from './service.ts';

export class DuplicateNhsNumberError extends ConflictError {
  constructor(readonly existingId: string) {
    super('A child with this NHS number is already recorded');
  }
}

/** A shielded child's involvements are recorded by the front door or a safeguarding lead, not at registration. */
export class ShieldedLinkError extends ConflictError {
  constructor() {
    super(
      'This child’s record is shielded. Ask your safeguarding lead or the front door to record that you work with them.',
    );
  }
}

export interface FamilyMemberInput {
  kind: (typeof RELATIONSHIP_KINDS)[number];
  parentalResponsibility: boolean;
  existingId?: string;
  newPerson?: PersonInput;
  livesWithChild: boolean;
}

export interface YourInvolvement {
  role: string;
  startedOn: string;
}

export type RegisterOutcome =
  | { status: 'check'; matches: SearchHit[] }
  | { status: 'created'; id: string; queued: number }
  | { status: 'linked'; id: string };

type Trx = Transaction<DB>;

export class RegistryService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly model: MatchModel,
  ) {}

  /** Records that might be the person described: the check shown before anyone is registered. */
  private async likelyMatches(trx: Trx, p: PersonInput, address: AddressInput | null, at: Date, exceptId?: string) {
    // A record that looks like a twin is still shown before registering: the practitioner says whether it is the
    // child (a wrong first name on one record looks the same), so the twins rule does not hide it here.
    const model: MatchModel = { ...this.model, twinPenalty: 0 };
    const result = await searchIndex(trx, criteriaForPerson(p, address?.postcode ?? null), model, at, {
      limit: 10,
      minScore: this.model.thresholds.possible,
      ...(exceptId ? { excludeIds: [exceptId] } : {}),
    });
    return result.hits;
  }

  /**
   * Register a child. The first call (confirmedNew false) returns likely existing records if there are any, so
   * the practitioner can link to one instead; registering anyway puts each likely match in the review queue.
   * The person registering is recorded as working with the child.
   */
  async register(
    ctx: RequestContext,
    p: PersonInput,
    address: AddressInput | null,
    you: YourInvolvement,
    opts: { confirmedNew: boolean },
  ): Promise<RegisterOutcome> {
    const role = requireRole(ctx.actor, ...REGISTER_ROLES);
    const actor = ctx.actor!;
    return this.db.transaction().execute(async (trx) => {
      if (p.nhsNumber) {
        const holder = await registry.personWithNhsNumber(trx, p.nhsNumber);
        if (holder) throw new DuplicateNhsNumberError(holder.id);
      }
      const matches = await this.likelyMatches(trx, p, address, ctx.at);
      if (matches.length > 0 && !opts.confirmedNew) {
        await recordAudit(trx, auditContext(ctx, role), {
          action: 'person.registration.checked',
          details: { resultIds: matches.map((m) => m.id) },
        });
        return { status: 'check', matches };
      }
      const id = await registry.insertPerson(trx, p, actor.userId, ctx.at);
      if (address) await registry.moveTo(trx, id, await registry.findOrCreateHousehold(trx, address), you.startedOn);
      await this.addOwnInvolvement(trx, ctx, id, you);
      await refreshMatchData(trx, [id], searchCoder());
      const queued = await recordDuplicates(trx, id, matches, 'registration', actor.userId);
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.registered',
        recordType: 'person',
        recordId: id,
        details: { likelyMatchesShown: matches.map((m) => m.id), queuedForReview: queued },
      });
      return { status: 'created', id, queued };
    });
  }

  /** The practitioner found the child already recorded: record that they work with them. */
  async link(
    ctx: RequestContext,
    personId: string,
    p: PersonInput,
    address: AddressInput | null,
    you: YourInvolvement,
  ) {
    const role = requireRole(ctx.actor, ...REGISTER_ROLES);
    return this.db.transaction().execute(async (trx) => {
      // Only a record the check offered may be linked: an id from elsewhere (a shielded child) is refused.
      const offered = await this.likelyMatches(trx, p, address, ctx.at);
      const match = offered.find((m) => m.id === personId);
      if (!match) throw new NotFoundError();
      if (match.shielded && !(await rolePowerOver(trx, ctx.actor!, SAFEGUARDING_ROLES, personId, ctx.at))) {
        throw new ShieldedLinkError();
      }
      const involvementId = await this.addOwnInvolvement(trx, ctx, personId, you);
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.linked',
        recordType: 'person',
        recordId: personId,
        details: { involvementId },
      });
      return { status: 'linked' as const, id: personId };
    });
  }

  /** Records the user as working with the child, unless they already are. */
  private async addOwnInvolvement(trx: Trx, ctx: RequestContext, personId: string, you: YourInvolvement) {
    const actor = ctx.actor!;
    const existing = (await repo.involvements(trx, personId)).find((i) => !i.ended_on && i.user_id === actor.userId);
    if (existing) return existing.id;
    return registry.addInvolvement(trx, personId, {
      organisationId: actor.organisationId,
      teamId: actor.teamIds[0] ?? null,
      userId: actor.userId,
      role: you.role,
      startedOn: you.startedOn,
      contactPhone: null,
      contactEmail: actor.email,
    });
  }

  /**
   * A record the user may change: not merged away, its whereabouts not protected, and the user works with the
   * person or has a partnership role. Otherwise the same 404 as a record they may not read.
   */
  private async editable(trx: Trx, ctx: RequestContext, personId: string) {
    const role = requireRole(ctx.actor, ...REGISTER_ROLES);
    const person = await repo.findPerson(trx, personId);
    if (!person || person.merged_into) throw new NotFoundError();
    if (person.whereabouts_protected || !(await mayEditRecord(trx, ctx.actor!, personId, ctx.at))) {
      return refuseOnPerson(trx, ctx, 'person.change-refused', personId, new NotFoundError(), {
        whereaboutsProtected: person.whereabouts_protected,
      });
    }
    return { person, role };
  }

  /**
   * Who a change of address may take along: people living with the person now, adults, and children the user may
   * change themselves. Never anyone shielded (whose household makes the person's whereabouts protected anyway).
   */
  private async movable(trx: Trx, ctx: RequestContext, householdId: string, personId: string) {
    const out = [];
    for (const m of await repo.householdMembers(trx, householdId, personId)) {
      if (m.kind === 'adult' || (await mayEditRecord(trx, ctx.actor!, m.id, ctx.at))) out.push(m);
    }
    return out;
  }

  /** The record as a change form starts from: its details, current address and who lives there. */
  async forEdit(ctx: RequestContext, personId: string) {
    return runRefusable(this.db, async (trx) => {
      const rights = await this.editable(trx, ctx, personId);
      if (rights instanceof Refusal) return rights;
      const { person, role } = rights;
      const current = await repo.currentAddress(trx, personId);
      const household = current ? await repo.householdMembers(trx, current.id, personId) : [];
      const movable = current ? await this.movable(trx, ctx, current.id, personId) : [];
      const names = await registry.names(trx, personId);
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.record.opened-to-change',
        recordType: 'person',
        recordId: personId,
      });
      return { person, current, household, movable, names, areas: await areaChoices(trx) };
    });
  }

  /**
   * The child whose shielding a safeguarding lead is about to change, with its history and any request to lift it
   * that is waiting for approval.
   */
  async shieldingSubject(ctx: RequestContext, personId: string) {
    const actor = ctx.actor!;
    return runRefusable(this.db, async (trx) => {
      const rights = await shieldingRole(trx, ctx, personId);
      if (rights instanceof Refusal) return rights;
      const { role, person } = rights;
      const [history, waiting, worksWith] = await Promise.all([
        registry.shieldingHistory(trx, personId),
        registry.waitingLiftRequest(trx, personId),
        worksWithChild(trx, actor, personId, ctx.at),
      ]);
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.shielding.viewed',
        recordType: 'person',
        recordId: personId,
      });
      return { person, history, waiting, canRequestLift: person.shielded && worksWith && !waiting };
    });
  }

  /**
   * Shield a child: one step, with a reason, because protecting a child must never wait. Sending the form again
   * changes nothing and says so.
   */
  async shield(ctx: RequestContext, personId: string, reason: string): Promise<'shielded' | 'already-shielded'> {
    return runRefusable(this.db, async (trx) => {
      const rights = await shieldingRole(trx, ctx, personId);
      if (rights instanceof Refusal) return rights;
      const { role, person } = rights;
      if (person.shielded) return 'already-shielded';
      await registry.recordShielding(trx, personId, true, reason, ctx.actor!.userId, ctx.at);
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.shielded',
        recordType: 'person',
        recordId: personId,
        reason,
      });
      return 'shielded';
    });
  }

  /**
   * Ask for shielding to be lifted: only someone who works with the child now (themselves, or a team they belong
   * to or manage), with a reason. Nothing changes until a second person approves; everyone working with the child
   * is told that it was asked.
   */
  async requestLift(
    ctx: RequestContext,
    personId: string,
    reason: string,
  ): Promise<'requested' | 'already-waiting' | 'not-shielded'> {
    const actor = ctx.actor!;
    return runRefusable(this.db, async (trx) => {
      const rights = await shieldingRole(trx, ctx, personId);
      if (rights instanceof Refusal) return rights;
      const { role, person } = rights;
      if (!(await worksWithChild(trx, actor, personId, ctx.at))) {
        return refuseOnPerson(trx, ctx, 'person.shielding.refused', personId, new NotFoundError(), {
          attempted: 'lift-request',
        });
      }
      if (!person.shielded) return 'not-shielded';
      if (await registry.waitingLiftRequest(trx, personId)) return 'already-waiting';
      const requestId = await registry.insertLiftRequest(trx, personId, reason, actor.userId, ctx.at);
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.shielding.lift-requested',
        recordType: 'person',
        recordId: personId,
        reason,
        details: { requestId },
      });
      await assignWork(trx, {
        kind: 'shielding.lift-request',
        title: 'Approve or decline a request to lift shielding',
        href: `/people/shielding-requests/${requestId}`,
        sourceType: 'shielding_request',
        sourceId: requestId,
        personId,
        reach: 'partnership',
        assignTo: { userIds: await liftApprovers(trx, personId, ctx.at, actor.userId) },
        at: ctx.at,
        by: actor.userId,
      });
      await tellInvolved(
        trx,
        personId,
        'A request to lift shielding on a record you work with',
        `Someone has asked for shielding to be lifted on a record you are involved with. It stays shielded ` +
          `unless a safeguarding lead or manager approves the request. Sign in to Early Help Hub if you have a ` +
          `view on this. Reference: ${requestId}`,
      );
      return 'requested';
    });
  }

  /** Requests to lift shielding waiting for a second person, for the safeguarding leads and managers who decide. */
  async liftRequests(ctx: RequestContext) {
    const role = requireRole(ctx.actor, ...SHIELD_ROLES);
    return this.db.transaction().execute(async (trx) => {
      const rows = [];
      // Only children within the user's partnership, or whom they work with.
      for (const r of await registry.waitingLiftRequests(trx)) {
        if (await mayDecideFor(trx, ctx, r.person_id)) rows.push(r);
      }
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.shielding-requests.viewed',
        details: { personIds: rows.map((r) => r.person_id) },
      });
      return rows.map((r) => ({ ...r, own: r.requested_by === ctx.actor!.userId }));
    });
  }

  /** One request, to approve or decline. The person who asked may see it but not decide it. */
  async liftRequest(ctx: RequestContext, requestId: string) {
    const role = requireRole(ctx.actor, ...SHIELD_ROLES);
    return runRefusable(this.db, async (trx) => {
      const request = await registry.findLiftRequest(trx, requestId);
      if (!request) throw new NotFoundError();
      if (!(await mayDecideFor(trx, ctx, request.person_id))) {
        return refuseOnPerson(trx, ctx, 'person.shielding.refused', request.person_id, new NotFoundError(), {
          requestId,
        });
      }
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.shielding-request.viewed',
        recordType: 'person',
        recordId: request.person_id,
        details: { requestId },
      });
      return { request, canDecide: request.status === 'waiting' && request.requested_by !== ctx.actor!.userId };
    });
  }

  /**
   * Approve (shielding is lifted) or decline a request, with a reason: a safeguarding lead or manager other than
   * the person who asked. A second decision on the same request changes nothing. Everyone working with the child
   * is told when shielding is lifted; the person who asked is told either way.
   */
  async decideLift(
    ctx: RequestContext,
    requestId: string,
    decision: 'approve' | 'decline',
    reason: string,
  ): Promise<'approved' | 'declined' | 'already-decided'> {
    const role = requireRole(ctx.actor, ...SHIELD_ROLES);
    const actor = ctx.actor!;
    return runRefusable(this.db, async (trx) => {
      const request = await registry.findLiftRequest(trx, requestId);
      if (!request) throw new NotFoundError();
      if (!(await mayDecideFor(trx, ctx, request.person_id))) {
        return refuseOnPerson(trx, ctx, 'person.shielding.refused', request.person_id, new NotFoundError(), {
          requestId,
        });
      }
      if (request.requested_by === actor.userId) {
        throw new ForbiddenError('Someone other than the person who asked must decide this request');
      }
      const status = decision === 'approve' ? 'approved' : 'declined';
      if (!(await registry.decideLiftRequest(trx, requestId, { status, by: actor.userId, at: ctx.at, reason }))) {
        return 'already-decided';
      }
      await completeWork(trx, { sourceType: 'shielding_request', sourceId: requestId, at: ctx.at, by: actor.userId });
      const personId = request.person_id;
      const person = await repo.findPerson(trx, personId);
      if (status === 'approved' && person?.shielded) {
        await registry.recordShielding(
          trx,
          personId,
          false,
          `${request.reason} (approved: ${reason})`,
          actor.userId,
          ctx.at,
        );
      }
      await recordAudit(trx, auditContext(ctx, role), {
        action: status === 'approved' ? 'person.shielding.lifted' : 'person.shielding.lift-declined',
        recordType: 'person',
        recordId: personId,
        reason,
        details: { requestId, requestedBy: request.requested_by },
      });
      const requester = await trx
        .selectFrom('app_user')
        .select('email')
        .where('id', '=', request.requested_by)
        .executeTakeFirst();
      const ref = `Reference: ${requestId}`;
      if (status === 'approved') {
        await tellInvolved(
          trx,
          personId,
          'Shielding was lifted on a record you work with',
          `A safeguarding lead or manager approved a request to lift shielding on a record you are involved with. ` +
            `Sign in to Early Help Hub and ask your data protection officer for the history if this was not ` +
            `expected. ${ref}`,
          requester?.email,
        );
      } else if (requester) {
        await enqueueEmail(trx, {
          to: requester.email,
          subject: 'Your request to lift shielding was declined',
          text: `A safeguarding lead or manager declined your request to lift shielding. Sign in to Early Help Hub to see why. ${ref}`,
        });
      }
      return status;
    });
  }

  /** Correct identifying details; a change that makes the record look like another one queues the pair for review. */
  async updateDetails(ctx: RequestContext, personId: string, p: PersonInput) {
    return runRefusable(this.db, async (trx) => {
      const rights = await this.editable(trx, ctx, personId);
      if (rights instanceof Refusal) return rights;
      const { person, role } = rights;
      if (p.nhsNumber) {
        const holder = await registry.personWithNhsNumber(trx, p.nhsNumber, personId);
        if (holder) throw new DuplicateNhsNumberError(holder.id);
      }
      await registry.updatePerson(trx, personId, { ...p, kind: person.kind === 'adult' ? 'adult' : p.kind }, ctx.at);
      await refreshMatchData(trx, [personId], searchCoder());
      const matches = await this.likelyMatches(trx, p, null, ctx.at, personId);
      const queued = await recordDuplicates(trx, personId, matches, 'edit', ctx.actor!.userId);
      const changed = (Object.keys(p) as (keyof PersonInput)[]).filter((k) => fieldChanged(person, k, p));
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.details.changed',
        recordType: 'person',
        recordId: personId,
        details: { fields: changed, queuedForReview: queued },
      });
      return { queued };
    });
  }

  async addName(
    ctx: RequestContext,
    personId: string,
    n: {
      kind: PersonNameKind;
      givenName: string;
      middleNames: string | null;
      familyName: string;
      usedUntil: string | null;
    },
  ) {
    return runRefusable(this.db, async (trx) => {
      const rights = await this.editable(trx, ctx, personId);
      if (rights instanceof Refusal) return rights;
      const { role } = rights;
      await registry.addName(trx, personId, n, ctx.actor!.userId);
      await refreshMatchData(trx, [personId], searchCoder());
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.name.added',
        recordType: 'person',
        recordId: personId,
        details: { kind: n.kind },
      });
    });
  }

  /** Remove a name recorded in error (a wrong alias, say). The audit keeps that a name of this kind was removed. */
  async removeName(ctx: RequestContext, personId: string, nameId: string) {
    return runRefusable(this.db, async (trx) => {
      const rights = await this.editable(trx, ctx, personId);
      if (rights instanceof Refusal) return rights;
      const { role } = rights;
      const kind = await registry.removeName(trx, personId, nameId);
      if (!kind) throw new NotFoundError();
      await refreshMatchData(trx, [personId], searchCoder());
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.name.removed',
        recordType: 'person',
        recordId: personId,
        details: { kind },
      });
    });
  }

  async addIdentifier(ctx: RequestContext, personId: string, i: { scheme: string; value: string }) {
    return runRefusable(this.db, async (trx) => {
      const rights = await this.editable(trx, ctx, personId);
      if (rights instanceof Refusal) return rights;
      const { role } = rights;
      const id = await registry.addIdentifier(
        trx,
        personId,
        { ...i, organisationId: ctx.actor!.organisationId },
        ctx.actor!.userId,
      );
      await refreshMatchData(trx, [personId], searchCoder());
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.identifier.added',
        recordType: 'person',
        recordId: personId,
        details: { scheme: i.scheme, added: !!id },
      });
      return !!id;
    });
  }

  /**
   * A move: the new address becomes current and the old one stays in the history (and in search). Others move
   * too only if the form offered them (see movable); anything else sent is ignored. Each person moved has the move
   * in their own access history.
   */
  async move(ctx: RequestContext, personId: string, address: AddressInput, movedIn: string, withIds: string[]) {
    return runRefusable(this.db, async (trx) => {
      const rights = await this.editable(trx, ctx, personId);
      if (rights instanceof Refusal) return rights;
      const { role } = rights;
      const current = await repo.currentAddress(trx, personId);
      const offered = current && withIds.length ? await this.movable(trx, ctx, current.id, personId) : [];
      const alsoMoved = offered.filter((m) => withIds.includes(m.id)).map((m) => m.id);
      if (address.areaId && !(await areaChoices(trx)).some((a) => a.id === address.areaId)) throw new NotFoundError();
      const household = await registry.findOrCreateHousehold(trx, address);
      const movers = [personId, ...alsoMoved];
      // The same address again (to correct its area) is not a move: the dates they moved in stay as they were.
      if (household !== current?.id) for (const id of movers) await registry.moveTo(trx, id, household, movedIn);
      await refreshMatchData(trx, movers, searchCoder());
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.moved',
        recordType: 'person',
        recordId: personId,
        details: { householdId: household, alsoMoved, areaId: address.areaId ?? null },
      });
      for (const id of alsoMoved) {
        await recordAudit(trx, auditContext(ctx, role), {
          action: 'person.moved',
          recordType: 'person',
          recordId: id,
          details: { householdId: household, movedWith: personId },
        });
      }
    });
  }

  /** Record that the user (or their team) works with a child already in the index. */
  async addInvolvement(
    ctx: RequestContext,
    personId: string,
    i: { role: string; startedOn: string; contactPhone: string | null; teamId: string | null; reason: string },
  ) {
    const role = requireRole(ctx.actor, ...REGISTER_ROLES);
    const actor = ctx.actor!;
    if (i.teamId && !actor.teamIds.includes(i.teamId) && !actor.managedTeamIds.includes(i.teamId)) {
      throw new ForbiddenError('You can only record involvement for yourself or a team you belong to');
    }
    return runRefusable(this.db, async (trx) => {
      const person = await repo.findPerson(trx, personId);
      if (!person || person.merged_into) throw new NotFoundError();
      if (person.shielded && !(await rolePowerOver(trx, actor, SAFEGUARDING_ROLES, personId, ctx.at))) {
        return refuseOnPerson(trx, ctx, 'person.involvement.refused', personId, new NotFoundError(), {
          shielded: true,
        });
      }
      const id = await registry.addInvolvement(trx, personId, {
        organisationId: actor.organisationId,
        teamId: i.teamId,
        userId: actor.userId,
        role: i.role,
        startedOn: i.startedOn,
        contactPhone: i.contactPhone,
        contactEmail: actor.email,
        addedBy: actor.userId,
        addedReason: i.reason,
      });
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.involvement.added',
        recordType: 'person',
        recordId: personId,
        reason: i.reason,
        details: { involvementId: id },
      });
      return id;
    });
  }

  /** End an involvement: your own, your team's, or (for partnership roles) any. */
  async endInvolvement(ctx: RequestContext, personId: string, involvementId: string, endedOn: string) {
    const role = requireRole(ctx.actor, ...REGISTER_ROLES);
    const actor = ctx.actor!;
    return runRefusable(this.db, async (trx) => {
      const inv = await registry.findInvolvement(trx, involvementId);
      if (!inv || inv.person_id !== personId || inv.ended_on) throw new NotFoundError();
      if (!mayEndInvolvement(actor, inv, await withinPartnership(trx, actor, personId, ctx.at))) {
        return refuseOnPerson(trx, ctx, 'person.involvement.refused', personId, new NotFoundError(), {
          involvementId,
        });
      }
      if (endedOn < inv.started_on) throw new ConflictError('The end date must be on or after the start date');
      await registry.endInvolvement(trx, involvementId, endedOn);
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.involvement.ended',
        recordType: 'person',
        recordId: personId,
        details: { involvementId },
      });
    });
  }

  /**
   * Add a family member: someone already living with the child, or a new person. Parental responsibility can
   * only be held by a parent, step-parent, carer or grandparent.
   */
  async addFamilyMember(ctx: RequestContext, personId: string, m: FamilyMemberInput) {
    return runRefusable(this.db, async (trx) => {
      const rights = await this.editable(trx, ctx, personId);
      if (rights instanceof Refusal) return rights;
      const { role } = rights;
      let relatedId: string;
      if (m.existingId) {
        const current = await repo.currentAddress(trx, personId);
        // Only people the form offered (living at the child's address) may be linked by id.
        if (!current || !(await repo.livesAt(trx, m.existingId, current.id)) || m.existingId === personId) {
          throw new NotFoundError();
        }
        relatedId = m.existingId;
      } else {
        const p = m.newPerson!;
        relatedId = await registry.insertPerson(trx, p, ctx.actor!.userId, ctx.at);
        if (m.livesWithChild) {
          const current = await repo.currentAddress(trx, personId);
          if (current) await registry.moveTo(trx, relatedId, current.id, londonToday(ctx.at));
        }
        await refreshMatchData(trx, [relatedId], searchCoder());
      }
      const already = (await repo.relatives(trx, personId)).some((r) => r.id === relatedId);
      if (already) throw new ConflictError('This person is already recorded as a family member');
      await registry.addRelationship(trx, {
        person_id: personId,
        related_person_id: relatedId,
        kind: m.kind,
        parental_responsibility: m.parentalResponsibility,
      });
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'person.family-member.added',
        recordType: 'person',
        recordId: personId,
        details: { relatedPersonId: relatedId, kind: m.kind, created: !m.existingId },
      });
      return relatedId;
    });
  }
}

/**
 * The role that lets the user change this child's shielding: a safeguarding role, with the child within the user's
 * partnership or a relationship to the child. Anyone else who may use the index gets the same 404 as for a child
 * they may not see.
 */
async function shieldingRole(trx: Trx, ctx: RequestContext, personId: string) {
  requireRole(ctx.actor, ...INDEX_ROLES);
  const role = hasRole(ctx.actor!, ...SHIELD_ROLES);
  const person = await repo.findPerson(trx, personId);
  if (!person || person.merged_into) throw new NotFoundError();
  if (!role || !(await mayDecideFor(trx, ctx, personId))) {
    return refuseOnPerson(trx, ctx, 'person.shielding.refused', personId, new NotFoundError(), { role: !!role });
  }
  return { role, person };
}

/** A safeguarding role's power over this child's shielding: within the user's partnership, or working with the child. */
async function mayDecideFor(trx: Trx, ctx: RequestContext, personId: string): Promise<boolean> {
  return (
    (await withinPartnership(trx, ctx.actor!, personId, ctx.at)) ||
    (await worksWithChild(trx, ctx.actor!, personId, ctx.at))
  );
}

/**
 * Who may approve a request to lift this child's shielding: each active safeguarding lead or manager, other than the
 * person who asked, with the child within their partnership or working with the child (as mayDecideFor).
 */
async function liftApprovers(trx: Trx, personId: string, at: Date, requestedBy: string): Promise<string[]> {
  const candidates = await trx
    .selectFrom('app_user as u')
    .innerJoin('user_role as r', 'r.user_id', 'u.id')
    .select(['u.id', 'u.organisation_id'])
    .distinct()
    .where('r.role', 'in', SHIELD_ROLES)
    .where('u.disabled_at', 'is', null)
    .where('u.kind', '=', 'person')
    .where('u.id', '<>', requestedBy)
    .execute();
  const approvers: string[] = [];
  for (const c of candidates) {
    const teams = await trx
      .selectFrom('user_team')
      .select(['team_id', 'is_manager'])
      .where('user_id', '=', c.id)
      .execute();
    const candidate = {
      userId: c.id,
      organisationId: c.organisation_id,
      teamIds: teams.map((t) => t.team_id),
      managedTeamIds: teams.filter((t) => t.is_manager).map((t) => t.team_id),
    };
    const reaches =
      (await withinPartnership(trx, candidate, personId, at)) || (await worksWithChild(trx, candidate, personId, at));
    if (reaches) approvers.push(c.id);
  }
  return approvers;
}

/** Whether the actor, or a team they belong to or manage, works with the child now (not merely their organisation). */
async function worksWithChild(trx: Trx, actor: RelationshipActor, personId: string, at: Date): Promise<boolean> {
  return (await relationshipsWith(trx, actor, personId, at, { kinds: PERSONAL_RELATIONSHIPS })).length > 0;
}

/** An email to everyone working with the person now (and anyone else named): never any personal data. */
async function tellInvolved(trx: Trx, personId: string, subject: string, text: string, also?: string) {
  const to = new Set(await registry.activeInvolvementContacts(trx, personId));
  if (also) to.add(also);
  for (const email of to) await enqueueEmail(trx, { to: email, subject, text });
}

function fieldChanged(before: Record<string, unknown>, key: keyof PersonInput, after: PersonInput): boolean {
  if (key === 'kind') return false;
  return JSON.stringify(before[PERSON_COLUMN[key]] ?? null) !== JSON.stringify(after[key] ?? null);
}
