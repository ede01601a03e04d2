/**
 * The front door: requests for support (contacts) from practitioners, the front door's queue, assignment to a
 * worker and the decision. Risk of significant harm is asked first and makes a contact urgent; a decision needs a
 * rationale, is made once (a second worker deciding at the same time is told, and nothing is overwritten), meets
 * the contact's deadline and is told to the referrer.
 */
import { randomInt } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import {
  CONTACT_OUTCOMES,
  type ContactOutcome,
  type DB,
  LAWFUL_BASES,
  type LawfulBasis,
  NEED_LEVELS,
  type NeedLevel,
  type RecordedIndicator,
} from '../../db/schema.ts';
import { type Actor, hasRole } from '../../platform/access.ts';
import {
  attachmentsOfContact,
  checkFile,
  findContactAttachment,
  insertAttachment,
  type Refusal,
  readContent,
} from '../../platform/attachments.ts';
import { recordAudit } from '../../platform/audit.ts';
import { loadWorkingCalendar } from '../../platform/closures.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import {
  DEADLINE_RULES,
  type Deadline,
  describeDeadline,
  findDeadline,
  markDeadlineMet,
  setDeadline,
} from '../../platform/deadlines.ts';
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../platform/errors.ts';
import { asArray } from '../../platform/forms.ts';
import { isUuid } from '../../platform/ids.ts';
import { notify } from '../../platform/notifications.ts';
import { enqueueEmail } from '../../platform/outbox.ts';
import { actorPartnerships, partnershipReach } from '../../platform/partnership.ts';
import { activeConsents, findRelationship, recipientCovers, recordSharingDecision } from '../../platform/sharing.ts';
import { assignWork, completeWork } from '../../platform/work.ts';
import type { MatchModel } from '../people/matching/model.ts';
import { findPerson } from '../people/repository.ts';
import { type SearchHit, searchIndex } from '../people/search.ts';
import { suggestLevel } from '../threshold/guidance.ts';
import { currentGuidance, guidanceById } from '../threshold/repository.ts';
import { whoToTalkTo } from '../threshold/who-to-talk-to.ts';
import { DEFAULT_SOURCE, NEEDS_MANAGER_WHEN_URGENT, OUTCOME_LABELS, REFERRAL_SOURCES } from './codes.ts';
import * as repo from './repository.ts';

type Trx = Transaction<DB>;

/** Roles that may make a request for support (those who may register children). */
export const REQUEST_ROLES = ['practitioner', 'manager', 'front_door', 'integrated_processes'] as const;

export const MAX_CHILDREN = 10;
const MAX_INDICATORS = 400;

export type Permission = 'consent' | LawfulBasis;

export interface ContactInput {
  significantHarm: boolean;
  urgency: 'urgent' | 'normal';
  childIds: string[];
  referralSource: string;
  circumstances: string;
  indicatorIds: string[];
  guidanceId: string | null;
  needsToHappen: string;
  tried: string | null;
  permission: Permission;
  lawfulReason: string | null;
}

export interface DecisionInput {
  outcome: ContactOutcome;
  level: NeedLevel | null;
  indicatorIds: string[];
  rationale: string;
  advice: string | null;
  directoryServiceId: string | null;
  managerId: string | null;
}

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** The request form, read as posted (web) or sent (API, after its own schema): every problem, in field order. */
export function parseContact(
  b: Record<string, unknown>,
): { ok: true; data: ContactInput } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const harm = str(b.harm);
  if (harm !== 'yes' && harm !== 'no') {
    errors.push({ field: 'harm', message: 'Select yes if you believe a child is at risk of significant harm' });
  }
  const significantHarm = harm === 'yes';
  const childIds = [...new Set(asArray(b.child))];
  if (!childIds.length) errors.push({ field: 'child', message: 'Select the child or children this request is about' });
  else if (!childIds.every(isUuid) || childIds.length > MAX_CHILDREN) {
    errors.push({ field: 'child', message: `Select up to ${MAX_CHILDREN} children from the list` });
  }
  const referralSource = str(b.referralSource);
  if (!Object.hasOwn(REFERRAL_SOURCES, referralSource)) {
    errors.push({ field: 'referralSource', message: 'Select who is asking, as the census counts it' });
  }
  const long = (field: string, required: string | null, label: string, max = 10000) => {
    const v = str(b[field]);
    if (!v && required) errors.push({ field, message: required });
    else if (v.length > max)
      errors.push({ field, message: `${label} must be ${max.toLocaleString('en-GB')} characters or fewer` });
    return v;
  };
  const circumstances = long('circumstances', 'Enter the circumstances and needs causing concern', 'Circumstances');
  const needsToHappen = long('needsToHappen', 'Enter what you think needs to happen', 'What needs to happen');
  const tried = long(
    'tried',
    significantHarm ? null : 'Enter what has been tried already, or “nothing yet”',
    'What has been tried',
  );
  let urgency: 'urgent' | 'normal' = 'urgent';
  if (!significantHarm) {
    const u = str(b.urgency);
    if (u !== 'urgent' && u !== 'normal') errors.push({ field: 'urgency', message: 'Select how urgent this is' });
    else urgency = u;
  }
  const permission = str(b.permission);
  if (permission !== 'consent' && !(LAWFUL_BASES as readonly string[]).includes(permission)) {
    errors.push({
      field: 'permission',
      message: 'Select whether the family agreed, or the lawful reason to share without their agreement',
    });
  }
  const lawfulReason = long(
    'lawfulReason',
    permission !== 'consent' && permission ? 'Enter why you are sharing without the family’s agreement' : null,
    'The reason',
    2000,
  );
  const guidanceId = str(b.guidanceId);
  const indicatorIds = [...new Set(asArray(b.indicator).filter((x) => x.length <= 80))].slice(0, MAX_INDICATORS);
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    data: {
      significantHarm,
      urgency,
      childIds,
      referralSource,
      circumstances,
      indicatorIds,
      guidanceId: isUuid(guidanceId) ? guidanceId : null,
      needsToHappen,
      tried: tried || null,
      permission: permission as Permission,
      lawfulReason: permission === 'consent' ? null : lawfulReason,
    },
  };
}

export function parseDecision(
  b: Record<string, unknown>,
): { ok: true; data: DecisionInput } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const outcome = str(b.outcome);
  if (!(CONTACT_OUTCOMES as readonly string[]).includes(outcome)) {
    errors.push({ field: 'outcome', message: 'Select the decision' });
  }
  const directoryServiceId = str(b.directoryServiceId);
  if (outcome === 'signpost' && !isUuid(directoryServiceId)) {
    errors.push({ field: 'directoryServiceId', message: 'Select the service you are signposting to' });
  }
  const advice = str(b.advice);
  if (advice.length > 5000) errors.push({ field: 'advice', message: 'Advice must be 5,000 characters or fewer' });
  const level = str(b.level);
  if (level && !(NEED_LEVELS as readonly string[]).includes(level)) {
    errors.push({ field: 'level', message: 'Select a level of need from the list' });
  }
  const rationale = str(b.rationale);
  if (!rationale) {
    errors.push({
      field: 'rationale',
      message: 'Enter the rationale for the decision: a decision cannot be recorded without one',
    });
  } else if (rationale.length > 10000) {
    errors.push({ field: 'rationale', message: 'Rationale must be 10,000 characters or fewer' });
  }
  const managerId = str(b.managerId);
  if (managerId && !isUuid(managerId)) errors.push({ field: 'managerId', message: 'Select the manager from the list' });
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    data: {
      outcome: outcome as ContactOutcome,
      level: (level || null) as NeedLevel | null,
      indicatorIds: [...new Set(asArray(b.indicator).filter((x) => x.length <= 80))].slice(0, MAX_INDICATORS),
      rationale,
      advice: advice || null,
      directoryServiceId: outcome === 'signpost' ? directoryServiceId : null,
      managerId: managerId || null,
    },
  };
}

/** A reference to quote on the telephone: FD- and six letters or digits, with no easily confused characters. */
function newReference(): string {
  const alphabet = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
  let out = 'FD-';
  for (let i = 0; i < 6; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

const fullName = (p: { given_name: string; family_name: string }) => `${p.given_name} ${p.family_name}`;
const recorded = (chosen: ReturnType<typeof suggestLevel>['chosen']): RecordedIndicator[] =>
  chosen.map((i) => ({ id: i.id, text: i.text, level: i.level, subArea: i.subAreaName, domain: i.domainName }));

/** The email to a public form's sender when the front door has decided: the reference only, no case detail. */
export function senderDecidedEmail(to: string, reference: string) {
  return {
    to,
    subject: `Your request for support ${reference} has been decided`,
    text:
      `The front door has decided on your request for support, reference ${reference}.\n\n` +
      'If you need to know more, telephone the front door and quote the reference.\n',
  };
}

export class FrontDoorService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly model?: MatchModel,
    private readonly maxBytes = 10 * 1024 * 1024,
  ) {}

  private actor(ctx: RequestContext): Actor {
    if (!ctx.actor) throw new ForbiddenError();
    return ctx.actor;
  }

  /** What the request form needs: the guidance in force, children to pick from, the front door's numbers. */
  async requestForm(ctx: RequestContext, preselected: string[]) {
    const actor = this.actor(ctx);
    if (!hasRole(actor, ...REQUEST_ROLES)) throw new ForbiddenError();
    const guidance = await currentGuidance(this.db);
    const mine = await repo.childrenActorWorksWith(this.db, actor, ctx.at);
    const extra: typeof mine = [];
    for (const id of preselected.filter(isUuid).slice(0, MAX_CHILDREN)) {
      if (mine.some((c) => c.id === id)) continue;
      const person = await this.pickable(this.db, actor, id, ctx.at);
      if (person) extra.push(person);
    }
    const org = await this.db
      .selectFrom('organisation')
      .select(['name', 'agency_type'])
      .where('id', '=', actor.organisationId)
      .executeTakeFirstOrThrow();
    const firstChild = preselected.find(isUuid) && extra.length ? extra[0]!.id : null;
    const { frontDoor } = await whoToTalkTo(this.db, actor, firstChild, ctx.at);
    return {
      guidance,
      children: [...extra, ...mine],
      organisation: org.name,
      defaultSource: DEFAULT_SOURCE[org.agency_type],
      frontDoor,
    };
  }

  /** A child the actor may name in a request: on the index, not merged away, and (if protected) one they work with. */
  private async pickable(db: Kysely<DB> | Trx, actor: Actor, id: string, at: Date) {
    const person = await findPerson(db, id);
    if (person?.kind !== 'child' || person.merged_into) return null;
    if (person.whereabouts_protected && !(await findRelationship(db, actor, id, at))) return null;
    return {
      id: person.id,
      given_name: person.given_name,
      family_name: person.family_name,
      date_of_birth: person.date_of_birth,
    };
  }

  /** The front door's numbers, in and out of hours, for the area of the children named (or the user's own). */
  async frontDoorNumbers(ctx: RequestContext, childId: string | null) {
    const actor = this.actor(ctx);
    return (await whoToTalkTo(this.db, actor, childId, ctx.at)).frontDoor;
  }

  /**
   * Makes a contact: checks each child may be named and that the family agreed (a current consent covering the
   * front door) or records the lawful reason to share without agreement, as a sharing decision for each child.
   */
  async create(ctx: RequestContext, input: ContactInput, via: 'web' | 'api', within?: Trx) {
    const actor = this.actor(ctx);
    if (!hasRole(actor, ...REQUEST_ROLES)) throw new ForbiddenError();
    // Inside a caller's transaction (a step up from an episode records the contact with its own record), or its own.
    const run = <T>(fn: (trx: Trx) => Promise<T>) => (within ? fn(within) : this.db.transaction().execute(fn));
    return run(async (trx) => {
      const errors: FieldError[] = [];
      const children: { id: string; name: string }[] = [];
      for (const id of input.childIds) {
        const person = await this.pickable(trx, actor, id, ctx.at);
        if (!person) {
          errors.push({ field: 'child', message: 'Select the child or children from the list' });
          break;
        }
        children.push({ id, name: fullName(person) });
      }
      const consents = new Map<string, string>();
      if (!errors.length && input.permission === 'consent') {
        for (const child of children) {
          const consent = (await activeConsents(trx, child.id, ctx.at)).find(
            (c) =>
              c.decision === 'given' &&
              c.purposes.some((p) => p === 'information_sharing' || p === 'service_referral') &&
              c.recipients.some((r) => recipientCovers(r, { frontDoor: true })),
          );
          if (!consent) {
            errors.push({
              field: 'permission',
              message: `No current consent for ${child.name} covers sharing with the front door. Record the family’s consent on the child’s record first, or give the lawful reason to share without it`,
            });
            break;
          }
          consents.set(child.id, consent.id);
        }
      }
      if (errors.length) throw new ValidationError(errors);
      const guidance =
        (input.guidanceId && (await guidanceById(trx, input.guidanceId))) || (await currentGuidance(trx));
      const indicators = recorded(suggestLevel(guidance.content, input.indicatorIds).chosen);
      let reference = newReference();
      while (await repo.referenceTaken(trx, reference)) reference = newReference();
      const contact = await repo.insertContact(trx, {
        reference,
        significant_harm: input.significantHarm,
        urgency: input.significantHarm ? 'urgent' : input.urgency,
        referrer_user_id: actor.userId,
        referrer_organisation_id: actor.organisationId,
        referral_source: input.referralSource,
        circumstances: input.circumstances,
        indicators: JSON.stringify(indicators),
        guidance_id: guidance.id,
        needs_to_happen: input.needsToHappen,
        tried: input.tried,
        via,
        received_at: ctx.at,
      });
      for (const child of children) {
        const consentId = consents.get(child.id) ?? null;
        const decision = await trx
          .insertInto('sharing_decision')
          .values({
            person_id: child.id,
            decision: 'share',
            what: `A request for support to the front door (${reference})`,
            recipient_kind: 'front_door',
            basis: consentId ? 'consent' : (input.permission as LawfulBasis),
            consent_id: consentId,
            override: !consentId,
            reason: consentId ? null : input.lawfulReason,
            decided_by: actor.userId,
            decided_by_organisation_id: actor.organisationId,
            decided_at: ctx.at,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await repo.insertContactChild(trx, contact.id, child.id, decision.id);
      }
      const urgent = input.significantHarm || input.urgency === 'urgent';
      const calendar = await loadWorkingCalendar(trx);
      const deadline = await setDeadline(trx, calendar, {
        ownerType: 'contact',
        ownerId: contact.id,
        rule: urgent ? DEADLINE_RULES.FRONT_DOOR_URGENT_DECISION : DEADLINE_RULES.FRONT_DOOR_DECISION,
        start: ctx.at,
      });
      const personIds = children.map((c) => c.id);
      await recordAudit(trx, auditContext(ctx), {
        action: 'contact.made',
        recordType: 'contact',
        recordId: contact.id,
        details: {
          personIds,
          reference,
          urgency: urgent ? 'urgent' : 'normal',
          significantHarm: input.significantHarm,
          permission: input.permission,
          via,
        },
      });
      if (urgent) {
        // Flagged for immediate attention: every front door worker whose partnership reaches a child is told.
        const workers = await this.workersFor(trx, { via }, personIds, ctx.at);
        await notify(trx, {
          userIds: workers.map((w) => w.id),
          kind: 'contact.urgent',
          title: 'An urgent contact is waiting at the front door',
          href: `/front-door/contacts/${contact.id}`,
          recordType: 'contact',
          recordId: contact.id,
          at: ctx.at,
          except: actor.userId,
        });
      }
      return { id: contact.id, reference, urgent, deadline };
    });
  }

  /** Whether a user's role powers (within their partnership) reach any of the children. */
  private async reaches(
    trx: Trx | Kysely<DB>,
    who: { userId: string; organisationId: string },
    personIds: string[],
    at: Date,
  ) {
    const reach = await partnershipReach(trx, [who], personIds, at);
    return personIds.some((id) => reach(who, id));
  }

  /**
   * Whether a front door worker reaches a contact: a child on it is within their partnership; or it came from the
   * public form and none of its children has been matched to the index yet (every front door worker sees it, to
   * match them).
   */
  private async frontDoorReach(
    trx: Trx | Kysely<DB>,
    who: { userId: string; organisationId: string },
    contact: { via: string },
    personIds: string[],
    at: Date,
  ) {
    if (!personIds.length) return contact.via === 'public';
    return this.reaches(trx, who, personIds, at);
  }

  /** The queue: open contacts whose children are within the front door worker's partnership. */
  async queue(ctx: RequestContext) {
    const actor = this.actor(ctx);
    if (!hasRole(actor, 'front_door')) throw new ForbiddenError();
    return this.db.transaction().execute(async (trx) => {
      const open = await repo.openContacts(trx);
      const children = await repo.contactChildren(
        trx,
        open.map((c) => c.contact_id),
      );
      // One reach for the whole queue (withinPartnership's rule, in two statements however long the queue).
      const reach = await partnershipReach(
        trx,
        [actor],
        children.map((x) => x.person_id),
        ctx.at,
      );
      const rows = [];
      for (const c of open) {
        const mine = children.filter((x) => x.contact_id === c.contact_id);
        if (mine.length ? !mine.some((x) => reach(actor, x.person_id)) : c.via !== 'public') continue;
        rows.push({
          ...c,
          referrer_organisation_name: c.referrer_organisation_name ?? c.sender_organisation ?? '',
          children: mine.map((x) => ({ id: x.person_id, name: fullName(x) })),
          deadline: c.id ? describeDeadline(c as unknown as Deadline, ctx.at) : null,
        });
      }
      await recordAudit(trx, auditContext(ctx, 'front_door'), {
        action: 'contact.queue.viewed',
        details: {
          contactIds: rows.map((r) => r.contact_id),
          personIds: rows.flatMap((r) => r.children.map((c) => c.id)),
        },
      });
      return rows;
    });
  }

  /**
   * Who may see a contact: the practitioner who made it, the front door worker holding it, the leader asked to act
   * on it, or a front door worker whose partnership reaches one of its children. Anyone else: not found.
   */
  private async access(trx: Trx, actor: Actor, id: string, at: Date) {
    const contact = await repo.findContact(trx, id);
    if (!contact) throw new NotFoundError();
    const children = await repo.contactChildren(trx, [id]);
    const decision = await repo.findDecision(trx, id);
    const personIds = children.map((c) => c.person_id);
    const frontDoor = !!hasRole(actor, 'front_door') && (await this.frontDoorReach(trx, actor, contact, personIds, at));
    const referrer = contact.referrer_user_id !== null && contact.referrer_user_id === actor.userId;
    const holder = contact.assigned_to === actor.userId;
    const leader = !!decision && decision.leader_user_id === actor.userId;
    if (!frontDoor && !referrer && !holder && !leader) throw new NotFoundError();
    return { contact, children, decision, personIds, frontDoor, referrer, leader };
  }

  async view(ctx: RequestContext, id: string) {
    const actor = this.actor(ctx);
    return this.db.transaction().execute(async (trx) => {
      const a = await this.access(trx, actor, id, ctx.at);
      const deadline =
        (await findDeadline(trx, 'contact', id, DEADLINE_RULES.FRONT_DOOR_URGENT_DECISION.code)) ??
        (await findDeadline(trx, 'contact', id, DEADLINE_RULES.FRONT_DOOR_DECISION.code));
      const workers =
        a.frontDoor && a.contact.status === 'open' ? await this.workersFor(trx, a.contact, a.personIds, ctx.at) : [];
      const typed = await repo.typedChildren(trx, [id]);
      const attachments = await attachmentsOfContact(trx, id);
      await recordAudit(trx, auditContext(ctx), {
        action: a.personIds.length ? 'contact.viewed' : 'contact.viewed-unmatched',
        recordType: 'contact',
        recordId: id,
        details: { personIds: a.personIds, attachmentIds: attachments.map((f) => f.id) },
      });
      // The front door sees, for each child typed on a public request, the records on the index that may be them.
      const candidates = new Map<string, SearchHit[]>();
      if (a.frontDoor && a.contact.status === 'open' && this.model) {
        for (const t of typed.filter((x) => !x.matched_person_id)) {
          const found = await searchIndex(
            trx,
            {
              givenName: t.given_name,
              familyName: t.family_name,
              ...(t.date_of_birth ? { dateOfBirth: String(t.date_of_birth).slice(0, 10) } : {}),
              ...(t.postcode ? { postcode: t.postcode } : {}),
            },
            this.model,
            ctx.at,
            { limit: 10, minScore: this.model.thresholds.possible },
          );
          candidates.set(t.id, found.hits);
        }
      }
      return {
        ...a,
        typedChildren: typed.map((t) => ({ ...t, candidates: candidates.get(t.id) ?? [] })),
        unmatched: typed.filter((t) => !t.matched_person_id).length,
        attachments,
        canAttach: a.referrer && a.contact.status === 'open',
        deadline: deadline ? describeDeadline(deadline, ctx.at) : null,
        workers,
        canDecide: a.frontDoor && a.contact.status === 'open' && typed.every((t) => t.matched_person_id),
        canAssign: a.frontDoor && a.contact.status === 'open',
        outcomeLabel: a.decision ? OUTCOME_LABELS[a.decision.outcome] : null,
        sourceLabel: REFERRAL_SOURCES[a.contact.referral_source] ?? a.contact.referral_source,
      };
    });
  }

  /** Front door workers whose partnership reaches the children: those a contact can be assigned to. */
  private async workersFor(trx: Trx, contact: { via: string }, personIds: string[], at: Date) {
    const all = await repo.usersWithRole(trx, 'front_door');
    // A public request none of whose children is matched yet: every front door worker may take it, to match them.
    if (!personIds.length) return contact.via === 'public' ? all : [];
    const who = all.map((w) => ({ userId: w.id, organisationId: w.organisation_id }));
    const reach = await partnershipReach(trx, who, personIds, at);
    return all.filter((_, i) => personIds.some((id) => reach(who[i]!, id)));
  }

  /** Assigns an open contact to a front door worker (oneself or another); it goes on their work list. */
  async assign(ctx: RequestContext, id: string, workerId: string) {
    const actor = this.actor(ctx);
    return this.db.transaction().execute(async (trx) => {
      const a = await this.access(trx, actor, id, ctx.at);
      if (!a.frontDoor) throw new NotFoundError();
      if (a.contact.status !== 'open') throw new ConflictError('This contact has been decided: it cannot be assigned');
      const workers = await this.workersFor(trx, a.contact, a.personIds, ctx.at);
      if (!isUuid(workerId) || !workers.some((w) => w.id === workerId)) {
        throw new ValidationError([{ field: 'workerId', message: 'Select a front door worker from the list' }]);
      }
      if (!(await repo.assignContact(trx, id, workerId, actor.userId, ctx.at))) {
        throw new ConflictError('This contact has been decided: it cannot be assigned');
      }
      await completeWork(trx, {
        sourceType: 'contact',
        sourceId: id,
        kind: 'front-door.contact',
        at: ctx.at,
        by: actor.userId,
      });
      const deadline =
        (await findDeadline(trx, 'contact', id, DEADLINE_RULES.FRONT_DOOR_URGENT_DECISION.code)) ??
        (await findDeadline(trx, 'contact', id, DEADLINE_RULES.FRONT_DOOR_DECISION.code));
      await assignWork(trx, {
        kind: 'front-door.contact',
        title:
          a.contact.urgency === 'urgent' ? 'An urgent front door contact to decide' : 'A front door contact to decide',
        href: `/front-door/contacts/${id}`,
        sourceType: 'contact',
        sourceId: id,
        personId: a.personIds[0] ?? null,
        reach: 'partnership',
        assignTo: { userIds: [workerId] },
        deadlineId: deadline?.id ?? null,
        at: ctx.at,
        by: actor.userId,
      });
      await recordAudit(trx, auditContext(ctx, 'front_door'), {
        action: a.personIds.length ? 'contact.assigned' : 'contact.assigned-unmatched',
        recordType: 'contact',
        recordId: id,
        details: { personIds: a.personIds, assignedTo: workerId },
      });
    });
  }

  /** What the decision form needs: the guidance in force, services, managers, and the leader a request would go to. */
  async decisionForm(ctx: RequestContext, id: string) {
    const actor = this.actor(ctx);
    return this.db.transaction().execute(async (trx) => {
      const a = await this.access(trx, actor, id, ctx.at);
      if (!a.frontDoor) throw new NotFoundError();
      return {
        ...a,
        guidance: await currentGuidance(trx),
        services: await repo.activeServices(trx),
        managers: await repo.usersWithRole(trx, 'manager'),
        leader: await this.leaderFor(trx, actor, a.personIds),
      };
    });
  }

  /**
   * The targeted services leader for the children: a user with the integrated processes role in a team for
   * targeted services or integrated processes in the children's area, the nearest area first (cluster, then the
   * areas above it); when no child's area is known, the teams at the top of the deciding worker's partnership.
   */
  private async leaderFor(trx: Trx, actor: Actor, personIds: string[]) {
    let areas = await repo.childAreaChain(trx, personIds);
    if (!areas.length) areas = await actorPartnerships(trx, actor);
    const [leader] = await repo.leadersForAreas(trx, areas);
    return leader ?? null;
  }

  /**
   * Records the decision, once. Refused with the reason when the rationale is missing, or when an urgent contact
   * would get advice only or no further action without a manager's name. A second decision finds the contact
   * already decided (a conditional update, which waits for the first) and changes nothing.
   */
  async decide(ctx: RequestContext, id: string, input: DecisionInput) {
    const actor = this.actor(ctx);
    return this.db.transaction().execute(async (trx) => {
      const a = await this.access(trx, actor, id, ctx.at);
      if (!a.frontDoor) throw new NotFoundError();
      const already = () =>
        new ConflictError(
          'This contact has already been decided. Nothing was changed: the decision already recorded stands.',
        );
      if (a.contact.status !== 'open') throw already();
      if ((await repo.typedChildren(trx, [id])).some((t) => !t.matched_person_id)) {
        throw new ConflictError(
          'Match each child on this request to the child index, or register them, before recording the decision.',
        );
      }
      const errors: FieldError[] = [];
      if (a.contact.urgency === 'urgent' && NEEDS_MANAGER_WHEN_URGENT.includes(input.outcome)) {
        if (!input.managerId || !(await repo.userHasRole(trx, input.managerId, 'manager'))) {
          errors.push({
            field: 'managerId',
            message:
              'This contact is urgent: advice only or no further action needs a manager’s agreement. Select the manager who agreed',
          });
        }
      }
      let serviceId: string | null = null;
      if (input.outcome === 'signpost') {
        const service = input.directoryServiceId ? await repo.activeService(trx, input.directoryServiceId) : undefined;
        if (!service)
          errors.push({ field: 'directoryServiceId', message: 'Select the service you are signposting to' });
        else serviceId = service.id;
      }
      let leader: Awaited<ReturnType<FrontDoorService['leaderFor']>> = null;
      if (input.outcome === 'targeted_support') {
        leader = await this.leaderFor(trx, actor, a.personIds);
        if (!leader) {
          errors.push({
            field: 'outcome',
            message:
              'No targeted services leader is recorded for the children’s area or your partnership. Ask an administrator to record one, or choose another decision',
          });
        }
      }
      if (errors.length) throw new ValidationError(errors);
      // The row lock: a second worker deciding at the same time waits here, then finds the contact decided.
      if (!(await repo.closeContact(trx, id))) throw already();
      const guidance = await currentGuidance(trx);
      const indicators = recorded(suggestLevel(guidance.content, input.indicatorIds).chosen);
      const decisionId = await repo.insertDecision(trx, {
        contact_id: id,
        outcome: input.outcome,
        level: input.level,
        indicators: JSON.stringify(indicators),
        guidance_id: guidance.id,
        rationale: input.rationale,
        advice: input.advice,
        directory_service_id: serviceId,
        leader_user_id: leader?.id ?? null,
        manager_user_id: NEEDS_MANAGER_WHEN_URGENT.includes(input.outcome) ? input.managerId : null,
        decided_by: actor.userId,
        decided_at: ctx.at,
      });
      for (const rule of [DEADLINE_RULES.FRONT_DOOR_DECISION, DEADLINE_RULES.FRONT_DOOR_URGENT_DECISION]) {
        await markDeadlineMet(trx, {
          ownerType: 'contact',
          ownerId: id,
          ruleCode: rule.code,
          at: ctx.at,
          by: actor.userId,
        });
      }
      await completeWork(trx, {
        sourceType: 'contact',
        sourceId: id,
        kind: 'front-door.contact',
        at: ctx.at,
        by: actor.userId,
      });
      if (leader) {
        // Routing the contact to the leader shares it onward: recorded for each child, on the basis it came in on.
        for (const child of await repo.contactSharing(trx, id)) {
          await recordSharingDecision(trx, {
            person_id: child.person_id,
            decision: 'share',
            what: `A request for support to the front door (${a.contact.reference}), for targeted support`,
            recipient_kind: 'organisation',
            recipient_organisation_id: leader.organisation_id,
            recipient_description: `${leader.name}, targeted services leader (${leader.team_name})`,
            basis: child.basis,
            consent_id: child.consent_id,
            override: child.override,
            reason: child.reason,
            decided_by: actor.userId,
            decided_by_organisation_id: actor.organisationId,
            decided_at: ctx.at,
          });
        }
        await assignWork(trx, {
          kind: 'front-door.targeted-support',
          title: 'Arrange targeted support and find a lead practitioner',
          href: `/front-door/contacts/${id}`,
          sourceType: 'contact',
          sourceId: id,
          personId: a.personIds[0] ?? null,
          reach: 'partnership',
          assignTo: { userIds: [leader.id] },
          at: ctx.at,
          by: actor.userId,
        });
      }
      if (a.contact.sender_email) {
        // The public form's sender has no account: an email with the reference only.
        await enqueueEmail(trx, senderDecidedEmail(a.contact.sender_email, a.contact.reference));
      }
      await notify(trx, {
        userIds: a.contact.referrer_user_id ? [a.contact.referrer_user_id] : [],
        kind: 'contact.decided',
        title: `The front door has decided on your request for support ${a.contact.reference}`,
        href: `/front-door/contacts/${id}`,
        recordType: 'contact',
        recordId: id,
        at: ctx.at,
        except: actor.userId,
      });
      await recordAudit(trx, auditContext(ctx, 'front_door'), {
        action: 'contact.decided',
        recordType: 'contact',
        recordId: id,
        details: {
          personIds: a.personIds,
          decisionId,
          outcome: input.outcome,
          level: input.level,
          guidanceVersion: guidance.version,
          leader: leader?.id ?? null,
        },
      });
      return { decisionId, outcome: input.outcome, leader };
    });
  }

  /**
   * The front door matches a child typed on a public request to a child on the index (found on the contact page,
   * or registered there with the index's duplicate check). The child is then on the contact like any other.
   */
  async matchChild(ctx: RequestContext, id: string, typedId: string, personId: string) {
    const actor = this.actor(ctx);
    return this.db.transaction().execute(async (trx) => {
      const a = await this.access(trx, actor, id, ctx.at);
      if (!a.frontDoor) throw new NotFoundError();
      if (a.contact.status !== 'open') throw new ConflictError('This contact has been decided: nothing was changed');
      const typed = (await repo.typedChildren(trx, [id])).find((t) => t.id === typedId);
      if (!typed) throw new NotFoundError();
      if (typed.matched_person_id) throw new ConflictError('This child has already been matched: nothing was changed');
      const person = isUuid(personId) ? await this.pickable(trx, actor, personId, ctx.at) : null;
      if (!person) {
        throw new ValidationError([
          { field: `match-${typedId}`, message: 'Select the record on the child index that is this child' },
        ]);
      }
      if (!a.personIds.includes(personId)) {
        await trx.insertInto('contact_child').values({ contact_id: id, person_id: personId }).execute();
      }
      if (!(await repo.matchTypedChild(trx, typedId, personId, actor.userId, ctx.at))) {
        throw new ConflictError('This child has already been matched: nothing was changed');
      }
      await recordAudit(trx, auditContext(ctx, 'front_door'), {
        action: 'contact.child.matched',
        recordType: 'contact',
        recordId: id,
        details: { personId, typedChildId: typedId },
      });
    });
  }

  /** May the actor attach files to this contact? The referrer, while it is open. Checked before the file is read. */
  async mayAttach(ctx: RequestContext, id: string) {
    const actor = this.actor(ctx);
    await this.db.transaction().execute(async (trx) => {
      const a = await this.access(trx, actor, id, ctx.at);
      if (!a.referrer) throw new NotFoundError();
      if (a.contact.status !== 'open') throw new ConflictError('This contact has been decided: files cannot be added');
    });
  }

  /** Attaches a file to a contact the actor made, or says why not. Nothing is stored on a refusal. */
  async attach(
    ctx: RequestContext,
    id: string,
    input: { fileName: string; description: string; content: Buffer },
  ): Promise<{ ok: true; id: string } | { ok: false; refusal: Refusal }> {
    const actor = this.actor(ctx);
    const checked = await checkFile(input.content, this.maxBytes);
    return this.db.transaction().execute(async (trx) => {
      const a = await this.access(trx, actor, id, ctx.at);
      if (!a.referrer) throw new NotFoundError();
      if (a.contact.status !== 'open') throw new ConflictError('This contact has been decided: files cannot be added');
      if (!checked.ok) return { ok: false as const, refusal: checked.reason };
      const row = await insertAttachment(
        trx,
        {
          ownerKind: 'contact',
          ownerId: id,
          personId: null,
          organisationId: actor.organisationId,
          uploadedBy: actor.userId,
          fileName: input.fileName,
          description: input.description,
          content: input.content,
          at: ctx.at,
        },
        checked,
      );
      await recordAudit(trx, auditContext(ctx), {
        action: 'contact.attachment.uploaded',
        recordType: 'attachment',
        recordId: row.id,
        details: {
          contactId: id,
          personIds: a.personIds,
          mediaType: checked.mediaType,
          sizeBytes: input.content.length,
          sha256: row.sha256,
        },
      });
      return { ok: true as const, id: row.id };
    });
  }

  /** A contact's file, for whoever may see the contact, checked against its checksum; the download is audited. */
  async download(ctx: RequestContext, id: string, attachmentId: string) {
    const actor = this.actor(ctx);
    return this.db.transaction().execute(async (trx) => {
      const a = await this.access(trx, actor, id, ctx.at);
      const attachment = await findContactAttachment(trx, id, attachmentId);
      if (!attachment) throw new NotFoundError();
      const content = await readContent(trx, attachment.id);
      await recordAudit(trx, auditContext(ctx), {
        action: a.personIds.length ? 'contact.attachment.downloaded' : 'contact.attachment.downloaded-unmatched',
        recordType: 'attachment',
        recordId: attachment.id,
        details: { contactId: id, personIds: a.personIds },
      });
      return { attachment, content };
    });
  }

  /** Contacts for the API: those the user made, and (front door) the open ones in their partnership. */
  async list(ctx: RequestContext) {
    const actor = this.actor(ctx);
    const made = await repo.contactsMadeBy(this.db, actor.userId);
    const queue = hasRole(actor, 'front_door') ? await this.queue(ctx) : [];
    return { made, queue };
  }
}
