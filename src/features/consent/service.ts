import type { Kysely, Transaction } from 'kysely';
import type { AgencyType, DB, Role } from '../../db/schema.ts';
import { type Actor, hasRole, type Relationship, requireRole } from '../../platform/access.ts';
import { recordAudit } from '../../platform/audit.ts';
import { ageOn, londonToday } from '../../platform/calendar.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { documentText, fontCovers } from '../../platform/documents.ts';
import { type FieldError, ForbiddenError, HttpError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import { notify, usersOfOrganisation, usersWorkingWith } from '../../platform/notifications.ts';
import { enqueueEmail } from '../../platform/outbox.ts';
import { rolePowerOver } from '../../platform/partnership.ts';
import { Refusal, refuseOnPerson, runRefusable } from '../../platform/refusals.ts';
import {
  accessContext,
  accessFromContext,
  activeConsents,
  CASE_DETAIL_ROLES,
  ConsentRequiredError,
  canSeeRecord,
  consentStatus,
  findRelationship,
  OVERRIDE_ROLES,
  READ_PURPOSES,
  type Recipient,
  type RecipientRow,
  recipientCovers,
} from '../../platform/sharing.ts';
import { MergedRecordError } from '../people/service.ts';
import { buildExplanation, explanationDocument } from './explanation.ts';
import * as repo from './repository.ts';
import type { ConsentInput, DecisionInput } from './schemas.ts';

/** Roles that record consent, wishes, markers and notes for people they work with. */
export const CHANGE_ROLES: Role[] = ['practitioner', 'manager', 'front_door', 'integrated_processes'];

/** A change refused for want of rights: shown with its own message, and audited. */
export class ChangeRefusedError extends ForbiddenError {}

/** A PDF of the family explanation cannot be made in this language: the page is printed from the browser instead. */
export class PdfLanguageError extends HttpError {
  constructor() {
    super(
      400,
      'A PDF of the explanation cannot be made in this language. Open the explanation and use your browser’s Print command to print it or save it as a PDF.',
    );
  }
}

type Trx = Transaction<DB>;

const fullName = (p: { given_name: string; family_name: string }) => `${p.given_name} ${p.family_name}`;

export class ConsentService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly rules: { minAge: number; baseUrl: string } = { minAge: 12, baseUrl: '' },
  ) {}

  /** Whether a child is too young to be the person consenting, by the partnership's age. */
  private tooYoung(person: { kind: string; date_of_birth: string | null }, at: Date): boolean {
    if (person.kind !== 'child' || !person.date_of_birth) return false;
    return (ageOn(String(person.date_of_birth).slice(0, 10), at) ?? 0) < this.rules.minAge;
  }

  /** The platform's refusable transaction (see src/platform/refusals.ts), bound to this database. */
  private run<T>(fn: (trx: Trx) => Promise<T | Refusal>): Promise<T> {
    return runRefusable(this.db, fn);
  }

  /** The platform's audited refusal on a person (see src/platform/refusals.ts). */
  readonly refuse = refuseOnPerson;

  /**
   * The person, and the right to change consent-related records for them, or a refusal (audited). Case notes
   * (src/features/conversations) are recorded under the same rule.
   */
  async changeRights(trx: Trx, ctx: RequestContext, personId: string, attempted: string) {
    const actor = ctx.actor!;
    const person = await repo.findPerson(trx, personId);
    // A record merged away is changed on the record kept: no change lands on it.
    if (person?.kept_id) throw new MergedRecordError(person.kept_id);
    if (!person) {
      return this.refuse(trx, ctx, 'consent.change-refused', personId, new NotFoundError(), {
        attempted,
        notFound: true,
      });
    }
    const role = hasRole(actor, ...CHANGE_ROLES);
    if (!role) {
      const error = new ChangeRefusedError('Your role does not allow you to record or change consent.');
      return this.refuse(trx, ctx, 'consent.change-refused', personId, error, { attempted });
    }
    const relationship = await findRelationship(trx, actor, personId, ctx.at);
    const frontDoor = await frontDoorReach(trx, actor, personId, ctx.at);
    if (!relationship && !frontDoor) {
      const error = new ChangeRefusedError(
        'You can only record or change consent for someone you, your team or your organisation work with. Ask a practitioner who works with them, or the front door.',
      );
      return this.refuse(trx, ctx, 'consent.change-refused', personId, error, { attempted });
    }
    return { person, role, relationship, frontDoor };
  }

  /** Seeing consent records (and the case notes page) needs a relationship, or the front door role. */
  async viewRights(trx: Trx, ctx: RequestContext, requestedId: string, action: string) {
    const actor = ctx.actor!;
    const role = requireRole(actor, ...CASE_DETAIL_ROLES);
    const requested = await repo.findPerson(trx, requestedId);
    // A record merged away shows the record kept, to someone who may see that one (others are refused on it).
    const personId = requested?.kept_id ?? requestedId;
    const person = requested?.kept_id ? await repo.findPerson(trx, personId) : requested;
    const relationship = person ? await findRelationship(trx, actor, personId, ctx.at) : null;
    const frontDoor = person ? await frontDoorReach(trx, actor, personId, ctx.at) : false;
    if (!person || (!relationship && !frontDoor)) {
      return this.refuse(trx, ctx, action, personId, new NotFoundError(), { notFound: !person });
    }
    if (requested?.kept_id) throw new MergedRecordError(personId);
    return { person, role, relationship, frontDoor };
  }

  /**
   * Tells the practitioner who recorded a wish, marker or consent that someone else ended it. The email says
   * only that there is something to look at, with a link: no names and nothing of what was recorded.
   */
  private async tellRecorder(
    trx: Trx,
    ctx: RequestContext,
    recorder: { id: string; email: string },
    personId: string,
    what: string,
  ) {
    if (recorder.id === ctx.actor!.userId) return;
    await enqueueEmail(trx, {
      to: recorder.email,
      subject: `Early Help Hub: ${what} you recorded has been ended`,
      text:
        `Another practitioner has ended ${what} that you recorded on Early Help Hub, and gave a reason. ` +
        `Sign in to see it: ${this.rules.baseUrl}/people/${personId}/consent`,
    });
  }

  async overview(ctx: RequestContext, personId: string) {
    return this.run(async (trx) => {
      const rights = await this.viewRights(trx, ctx, personId, 'consent.view-refused');
      if (rights instanceof Refusal) return rights;
      const actor = ctx.actor!;
      const [status, history, wishes, decisions, markers, access] = await Promise.all([
        consentStatus(trx, actor, personId, ctx.at),
        repo.consentHistory(trx, personId),
        repo.wishes(trx, personId),
        repo.decisions(trx, personId),
        repo.markers(trx, personId),
        accessContext(trx, actor, personId, ctx.at),
      ]);
      const activeIds = new Set(status.consents.map((c) => c.id));
      await recordAudit(trx, auditContext(ctx, rights.role), {
        action: 'consent.viewed',
        recordType: 'person',
        recordId: personId,
      });
      // Texts practitioners wrote (what a young person wants kept private, what a decision is about and
      // why, why a marker or a withdrawal) are case detail: shown with the same basis as any other.
      const sees = (organisationId: string, recordedBy: string) =>
        recordedBy === actor.userId ||
        canSeeRecord(access, { organisation_id: organisationId, recorded_by: recordedBy, category: null });
      const hiddenBecause = (organisationId: string) => accessFromContext(access, organisationId).reasons.join(' ');
      return {
        person: rights.person,
        status,
        history: history.map((c) => {
          const visible = sees(c.recorded_by_organisation_id, c.recorded_by);
          return {
            ...c,
            explained: visible ? c.explained : null,
            withdrawn_reason: visible ? c.withdrawn_reason : null,
            competence_note: visible ? c.competence_note : null,
            active: activeIds.has(c.id),
            lapsed: isLapsed(c, ctx.at),
          };
        }),
        wishes: wishes.map((w) => {
          const visible = sees(w.recorded_by_organisation_id, w.recorded_by);
          return {
            ...w,
            ...(visible ? {} : { information: null, best_interests_reason: null, ended_reason: null }),
            visible,
            hiddenBecause: visible ? null : hiddenBecause(w.recorded_by_organisation_id),
          };
        }),
        decisions: decisions.map((d) => {
          const visible = sees(d.decided_by_organisation_id, d.decided_by);
          return visible
            ? { ...d, visible, hiddenBecause: null }
            : {
                id: d.id,
                decided_at: d.decided_at,
                decided_by_organisation: d.decided_by_organisation,
                visible,
                hiddenBecause: hiddenBecause(d.decided_by_organisation_id),
              };
        }),
        markers: (rights.person.whereabouts_protected
          ? markers.map((m) => (m.household_id ? { ...m, what: 'An address (not shown: whereabouts protected)' } : m))
          : markers
        ).map((m) => {
          // What is withheld, and from whom, protects the family and shows to all; why is case detail.
          const visible = sees(m.recorded_by_organisation_id, m.recorded_by);
          return {
            ...m,
            reason: visible ? m.reason : null,
            ended_reason: visible ? m.ended_reason : null,
            visible,
            hiddenBecause: visible ? null : hiddenBecause(m.recorded_by_organisation_id),
          };
        }),
        canChange: !!hasRole(actor, ...CHANGE_ROLES) && (!!rights.relationship || rights.frontDoor),
        canOverride: canOverride(actor, rights.relationship, rights.frontDoor),
      };
    });
  }

  async consentForm(ctx: RequestContext, personId: string) {
    return this.run(async (trx) => {
      const rights = await this.changeRights(trx, ctx, personId, 'consent.form');
      if (rights instanceof Refusal) return rights;
      const today = londonToday(ctx.at);
      const [adults, involved, organisations, categories, household, panels] = await Promise.all([
        repo.adultsAround(trx, personId),
        repo.involvedOrganisations(trx, personId, today),
        repo.allOrganisations(trx),
        repo.sensitiveCategories(trx),
        repo.currentHousehold(trx, personId),
        repo.panels(trx),
      ]);
      return {
        person: rights.person,
        adults,
        involved,
        organisations,
        categories,
        household: !!household,
        panels,
        minAge: this.rules.minAge,
        tooYoung: this.tooYoung(rights.person, ctx.at),
      };
    });
  }

  async recordConsent(ctx: RequestContext, personId: string, input: ConsentInput) {
    return this.run(async (trx) => {
      const rights = await this.changeRights(trx, ctx, personId, 'consent.record');
      if (rights instanceof Refusal) return rights;
      const { person, role } = rights;
      const actor = ctx.actor!;
      const today = londonToday(ctx.at);
      const errors: FieldError[] = [];
      const invalid = async (reason: string) => {
        await recordAudit(trx, auditContext(ctx, role), {
          action: 'consent.change-refused',
          recordType: 'person',
          recordId: personId,
          details: { attempted: 'consent.record', reason, messages: errors.map((e) => e.message) },
        });
        return new Refusal(new ValidationError(errors));
      };

      let givenByKind: 'young_person' | 'parent_carer' | 'self';
      if (input.givenBy === personId) {
        givenByKind = person.kind === 'child' ? 'young_person' : 'self';
        if (this.tooYoung(person, ctx.at)) {
          errors.push({
            field: 'givenBy',
            message: `A child under ${this.rules.minAge} cannot give consent for themselves. Select a person with parental responsibility for ${fullName(person)}`,
          });
          return invalid('under_age');
        }
        // Gillick: a young person consents for themselves only if the practitioner judges they understand.
        if (person.kind === 'child') {
          if (input.competent === null) {
            errors.push({
              field: 'competent',
              message: 'Select whether the young person understands what they are agreeing to',
            });
          }
          if (!input.competenceNote) errors.push({ field: 'competenceNote', message: 'Enter why you think so' });
          if (input.competent === false) {
            errors.push({
              field: 'competent',
              message:
                'A young person who does not understand what they are agreeing to cannot give consent themselves. Ask a person with parental responsibility instead',
            });
          }
          if (errors.length) return invalid('competence');
        }
      } else {
        const giver = await repo.findPerson(trx, input.givenBy);
        const pr = giver && person.kind === 'child' && (await repo.hasParentalResponsibility(trx, personId, giver.id));
        if (!giver || !pr) {
          errors.push({
            field: 'givenBy',
            message: giver
              ? `${fullName(giver)} does not have parental responsibility for ${fullName(person)}. Consent must come from the young person or an adult with parental responsibility`
              : 'Select who gave or refused consent',
          });
          return invalid('no_parental_responsibility');
        }
        givenByKind = 'parent_carer';
      }
      if (input.obtainedOn > today) {
        errors.push({ field: 'obtainedOn', message: 'Date consent was obtained must be today or in the past' });
        return invalid('future_date');
      }
      const categories = await repo.sensitiveCategories(trx);
      const sensitive = input.decision === 'given' ? input.sensitiveCategories : [];
      if (!sensitive.every((c) => categories.some((k) => k.code === c))) {
        errors.push({ field: 'sensitiveCategories', message: 'Select sensitive categories from the list' });
        return invalid('unknown_category');
      }
      const orgs = await repo.organisationsByIds(trx, input.organisationIds);
      if (orgs.length !== input.organisationIds.length) {
        errors.push({ field: 'organisations', message: 'Select organisations from the list' });
        return invalid('unknown_organisation');
      }
      // A panel consent names one panel from the list, so it covers only that panel's members.
      const panel = input.panelName ? await repo.panelByName(trx, input.panelName) : undefined;
      if (input.panelName && !panel) {
        errors.push({ field: 'panelName', message: 'Select a panel from the list' });
        return invalid('unknown_panel');
      }
      const household = input.familyWide ? await repo.currentHousehold(trx, personId) : undefined;
      if (input.familyWide && !household) {
        errors.push({
          field: 'familyWide',
          message: 'There is no current address for this child, so consent cannot cover the whole household',
        });
        return invalid('no_household');
      }
      const recipients: RecipientRow[] = [
        ...orgs.map((o) => ({
          kind: 'organisation' as const,
          organisation_id: o.id,
          agency_type: null,
          panel_name: null,
        })),
        ...input.agencyTypes.map((t) => ({
          kind: 'agency_type' as const,
          organisation_id: null,
          agency_type: t,
          panel_name: null,
        })),
        ...(panel
          ? [
              {
                kind: 'panel' as const,
                organisation_id: null,
                agency_type: null,
                panel_name: panel.name,
                panel_id: panel.id,
              },
            ]
          : []),
        ...(input.frontDoor
          ? [{ kind: 'front_door' as const, organisation_id: null, agency_type: null, panel_name: null }]
          : []),
      ];
      const clash = await this.contradiction(trx, personId, ctx.at, input, recipients);
      if (clash) {
        errors.push({ field: 'decision', message: clash });
        return invalid('contradiction');
      }
      const id = await repo.insertConsent(
        trx,
        {
          person_id: personId,
          household_id: household?.id ?? null,
          given_by_person_id: input.givenBy,
          given_by_kind: givenByKind,
          decision: input.decision,
          purposes: input.purposes,
          service_name: input.serviceName,
          method: input.method,
          obtained_on: input.obtainedOn,
          review_on: input.reviewOn,
          sensitive_categories: sensitive,
          explained: input.explained,
          competent: givenByKind === 'young_person' ? input.competent : null,
          competence_note: givenByKind === 'young_person' ? input.competenceNote : null,
          withdrawn_on: null,
          withdrawn_reason: null,
          withdrawn_by: null,
          withdrawn_at: null,
          recorded_by: actor.userId,
          recorded_by_organisation_id: actor.organisationId,
          recorded_at: ctx.at,
        },
        recipients.map((r) => ({ ...r, kind: r.kind as 'organisation' })),
      );
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'consent.recorded',
        recordType: 'consent',
        recordId: id,
        details: {
          personId,
          decision: input.decision,
          givenByKind,
          purposes: input.purposes,
          recipients: recipients.length,
          sensitiveCategories: sensitive,
          familyWide: !!household,
        },
      });
      return { id, decision: input.decision };
    });
  }

  /** A current consent with the opposite decision for an overlapping recipient and purpose, described, or null. */
  private async contradiction(
    trx: Trx,
    personId: string,
    at: Date,
    input: ConsentInput,
    recipients: RecipientRow[],
  ): Promise<string | null> {
    const current = (await activeConsents(trx, personId, at)).filter(
      (c) => c.decision !== input.decision && c.purposes.some((p) => input.purposes.includes(p)),
    );
    if (!current.length) return null;
    const orgIds = [
      ...recipients.map((r) => r.organisation_id),
      ...current.flatMap((c) => c.recipients.map((r) => r.organisation_id)),
    ].filter((x): x is string => !!x);
    const types = new Map((await repo.organisationsByIds(trx, [...new Set(orgIds)])).map((o) => [o.id, o.agency_type]));
    const asTarget = (r: RecipientRow): Recipient => {
      if (r.kind === 'organisation') {
        const type = types.get(r.organisation_id ?? '');
        return { organisationId: r.organisation_id ?? '', ...(type ? { agencyType: type as AgencyType } : {}) };
      }
      if (r.kind === 'agency_type') return { agencyType: r.agency_type as AgencyType };
      if (r.kind === 'panel') return { panelName: r.panel_name ?? '' };
      return { frontDoor: true };
    };
    const overlaps = (a: RecipientRow, b: RecipientRow) =>
      recipientCovers(a, asTarget(b)) || recipientCovers(b, asTarget(a));
    const other = current.find((c) => c.recipients.some((a) => recipients.some((b) => overlaps(a, b))));
    if (!other) return null;
    const what = other.decision === 'given' ? 'given' : 'refused';
    return `This contradicts consent ${what} by ${other.given_by_name} on ${other.obtained_on} for some of the same people and purposes. Withdraw that consent first, then record the new decision`;
  }

  async consentFor(ctx: RequestContext, personId: string, consentId: string, attempted: string) {
    return this.run(async (trx) => {
      const rights = await this.changeRights(trx, ctx, personId, attempted);
      if (rights instanceof Refusal) return rights;
      const consent = await repo.findConsent(trx, personId, consentId);
      if (!consent) {
        return this.refuse(trx, ctx, 'consent.change-refused', personId, new NotFoundError(), {
          attempted,
          consentId,
          notFound: true,
        });
      }
      return { person: rights.person, consent };
    });
  }

  async withdraw(
    ctx: RequestContext,
    personId: string,
    consentId: string,
    input: { withdrawnOn: string; reason: string },
  ) {
    return this.run(async (trx) => {
      const rights = await this.changeRights(trx, ctx, personId, 'consent.withdraw');
      if (rights instanceof Refusal) return rights;
      const consent = await repo.findConsent(trx, personId, consentId);
      if (!consent) {
        return this.refuse(trx, ctx, 'consent.change-refused', personId, new NotFoundError(), {
          attempted: 'consent.withdraw',
          consentId,
          notFound: true,
        });
      }
      const errors: FieldError[] = [];
      if (consent.withdrawn_at)
        errors.push({ field: 'withdrawnOn', message: 'This consent has already been withdrawn' });
      else if (input.withdrawnOn > londonToday(ctx.at)) {
        errors.push({ field: 'withdrawnOn', message: 'Date consent was withdrawn must be today or in the past' });
      } else if (input.withdrawnOn < consent.obtained_on) {
        errors.push({
          field: 'withdrawnOn',
          message: 'Date consent was withdrawn must be on or after the date it was obtained',
        });
      }
      if (errors.length) {
        await recordAudit(trx, auditContext(ctx, rights.role), {
          action: 'consent.change-refused',
          recordType: 'consent',
          recordId: consentId,
          details: { personId, attempted: 'consent.withdraw', messages: errors.map((e) => e.message) },
        });
        return new Refusal(new ValidationError(errors));
      }
      // Withdrawal takes effect from the moment it is recorded, whatever date the family gave.
      await repo.withdrawConsent(trx, consentId, {
        withdrawn_on: input.withdrawnOn,
        withdrawn_reason: input.reason,
        withdrawn_by: ctx.actor!.userId,
        withdrawn_at: ctx.at,
      });
      await recordAudit(trx, auditContext(ctx, rights.role), {
        action: 'consent.withdrawn',
        recordType: 'person',
        recordId: personId,
        reason: input.reason,
        details: { consentId, withdrawnOn: input.withdrawnOn },
      });
      await this.tellRecorder(
        trx,
        ctx,
        { id: consent.recorded_by, email: consent.recorded_by_email },
        personId,
        'a consent',
      );
      if (consent.decision === 'given') {
        // Those who relied on it: working with the child in an organisation it covered.
        const relied = await usersWorkingWith(trx, [personId], ctx.at, (i) =>
          consent.recipients.some((r) =>
            recipientCovers(r, { organisationId: i.organisation_id, agencyType: i.agency_type as AgencyType }),
          ),
        );
        await notify(trx, {
          // The practitioner who recorded it has been told above: one message, not two.
          userIds: relied.filter((id) => id !== consent.recorded_by),
          kind: 'consent.withdrawn',
          title: 'A consent you relied on was withdrawn',
          href: `/people/${personId}/consent`,
          recordType: 'consent',
          recordId: consentId,
          at: ctx.at,
          except: ctx.actor!.userId,
        });
      }
      return { recipients: consent.recipients };
    });
  }

  async familyPeople(ctx: RequestContext, personId: string, attempted: string) {
    return this.run(async (trx) => {
      const rights = await this.changeRights(trx, ctx, personId, attempted);
      if (rights instanceof Refusal) return rights;
      const [related, households, adults, consents] = await Promise.all([
        repo.relatedPeople(trx, personId),
        repo.familyHouseholds(trx, personId),
        repo.adultsAround(trx, personId),
        activeConsents(trx, personId, ctx.at),
      ]);
      const organisations = await repo.allOrganisations(trx);
      return {
        person: rights.person,
        related,
        households: rights.person.whereabouts_protected
          ? households.map((h) => ({
              ...h,
              address_line1: 'An address (not shown: whereabouts protected)',
              postcode: '',
            }))
          : households,
        adults,
        organisations,
        consents: consents.filter((c) => c.decision === 'given'),
        canOverride: canOverride(ctx.actor!, rights.relationship, rights.frontDoor),
      };
    });
  }

  async recordWish(
    ctx: RequestContext,
    personId: string,
    input: { withheldFrom: string; information: string; bestInterests: string },
  ) {
    return this.run(async (trx) => {
      const rights = await this.changeRights(trx, ctx, personId, 'confidentiality-wish.record');
      if (rights instanceof Refusal) return rights;
      const adults = await repo.adultsAround(trx, personId);
      if (rights.person.kind !== 'child' || !adults.some((a) => a.id === input.withheldFrom)) {
        return new Refusal(
          new ValidationError([
            { field: 'withheldFrom', message: 'Select a parent or carer recorded for this young person' },
          ]),
        );
      }
      const id = await repo.insertWish(trx, {
        person_id: personId,
        withheld_from_person_id: input.withheldFrom,
        information: input.information,
        best_interests_reason: input.bestInterests,
        recorded_by: ctx.actor!.userId,
        recorded_at: ctx.at,
        ended_on: null,
        ended_by: null,
        ended_reason: null,
      });
      await recordAudit(trx, auditContext(ctx, rights.role), {
        action: 'confidentiality-wish.recorded',
        recordType: 'confidentiality_wish',
        recordId: id,
        details: { personId, withheldFrom: input.withheldFrom },
      });
      return id;
    });
  }

  /** A current wish, for the page that confirms ending it: who it keeps information from, not what. */
  async wishToEnd(ctx: RequestContext, personId: string, wishId: string) {
    return this.run(async (trx) => {
      const rights = await this.changeRights(trx, ctx, personId, 'confidentiality-wish.end-form');
      if (rights instanceof Refusal) return rights;
      const wish = (await repo.wishes(trx, personId)).find((w) => w.id === wishId && !w.ended_on);
      if (!wish) {
        return this.refuse(trx, ctx, 'consent.change-refused', personId, new NotFoundError(), {
          attempted: 'confidentiality-wish.end-form',
          wishId,
        });
      }
      return {
        person: rights.person,
        kind: 'wish' as const,
        id: wish.id,
        summary: `Keep information from ${wish.withheld_from_name}`,
        recordedAt: wish.recorded_at,
        recordedBy: wish.recorded_by_name,
      };
    });
  }

  async endWish(ctx: RequestContext, personId: string, wishId: string, reason: string) {
    return this.run(async (trx) => {
      const rights = await this.changeRights(trx, ctx, personId, 'confidentiality-wish.end');
      if (rights instanceof Refusal) return rights;
      const wish = (await repo.wishes(trx, personId)).find((w) => w.id === wishId);
      const ok =
        !!wish &&
        (await repo.endWish(trx, personId, wishId, {
          ended_on: londonToday(ctx.at),
          ended_by: ctx.actor!.userId,
          ended_reason: reason,
        }));
      if (!wish || !ok) {
        return this.refuse(trx, ctx, 'consent.change-refused', personId, new NotFoundError(), {
          attempted: 'confidentiality-wish.end',
          wishId,
        });
      }
      await recordAudit(trx, auditContext(ctx, rights.role), {
        action: 'confidentiality-wish.ended',
        recordType: 'person',
        recordId: personId,
        reason,
        details: { wishId },
      });
      await this.tellRecorder(
        trx,
        ctx,
        { id: wish.recorded_by, email: wish.recorded_by_email },
        personId,
        'a confidentiality wish',
      );
      return true;
    });
  }

  async recordDecision(ctx: RequestContext, personId: string, input: DecisionInput) {
    return this.run(async (trx) => {
      const actor = ctx.actor!;
      const rights = await this.changeRights(trx, ctx, personId, 'sharing.decision');
      if (rights instanceof Refusal) return rights;
      const lawful = input.decision === 'share' && input.basis !== 'consent';
      if (lawful && !canOverride(actor, rights.relationship, rights.frontDoor)) {
        const error = new ChangeRefusedError(
          'Only a manager working with this child, or a front door worker, can record sharing without consent. Talk to your manager or call the front door now if you think a child is at risk.',
        );
        return this.refuse(trx, ctx, 'sharing.override-refused', personId, error, { basis: input.basis });
      }
      const recipient: Recipient = {};
      let recipientAgencyType: AgencyType | null = null;
      if (input.recipientKind === 'organisation') {
        const [org] = await repo.organisationsByIds(trx, [input.recipientOrganisationId!]);
        if (!org) {
          return new Refusal(
            new ValidationError([
              { field: 'recipientOrganisationId', message: 'Select an organisation from the list' },
            ]),
          );
        }
        recipient.organisationId = org.id;
      } else if (input.recipientKind === 'agency_type') {
        recipientAgencyType = input.recipientAgencyType as AgencyType;
        recipient.agencyType = recipientAgencyType;
      } else if (input.recipientKind === 'front_door') recipient.frontDoor = true;
      else if (input.recipientKind === 'panel') recipient.panelName = input.recipientDescription ?? '';
      const share = input.decision === 'share';
      if (share && input.basis === 'consent') {
        const consent = (await activeConsents(trx, personId, ctx.at)).find((c) => c.id === input.consentId);
        const covers =
          consent?.decision === 'given' &&
          consent.purposes.some((p) => READ_PURPOSES.includes(p) || p === 'panel_discussion') &&
          consent.recipients.some((r) => recipientCovers(r, recipient));
        if (!covers) {
          await recordAudit(trx, auditContext(ctx, rights.role), {
            action: 'sharing.consent-missing',
            recordType: 'person',
            recordId: personId,
            details: { recipientKind: input.recipientKind },
          });
          return new Refusal(
            new ConsentRequiredError(personId, 'information_sharing', recipient, [
              consent
                ? 'The consent you chose does not cover this recipient for sharing information.'
                : 'The consent you chose is not current.',
            ]),
          );
        }
      }
      const id = await repo.insertDecision(trx, {
        person_id: personId,
        decision: input.decision,
        what: input.what,
        recipient_kind: input.recipientKind,
        recipient_organisation_id: recipient.organisationId ?? null,
        recipient_agency_type: recipientAgencyType,
        recipient_description:
          input.recipientKind === 'panel' || input.recipientKind === 'other' ? input.recipientDescription : null,
        basis: share ? (input.basis ?? null) : null,
        consent_id: share && input.basis === 'consent' ? (input.consentId ?? null) : null,
        override: lawful,
        advice_sought: input.adviceSought,
        reason: input.reason,
        decided_by: actor.userId,
        decided_by_organisation_id: actor.organisationId,
        decided_at: ctx.at,
        expires_on: input.expiresOn,
      });
      await recordAudit(trx, auditContext(ctx, rights.role), {
        action: lawful ? 'sharing.override' : 'sharing.decision.recorded',
        recordType: 'sharing_decision',
        recordId: id,
        ...(input.reason ? { reason: input.reason } : {}),
        details: { personId, decision: input.decision, basis: share ? input.basis : null },
      });
      if (share && recipient.organisationId) {
        // The organisation named is told there is something to look at; being told grants nothing the decision does not.
        await notify(trx, {
          userIds: await usersOfOrganisation(trx, recipient.organisationId, CHANGE_ROLES),
          kind: 'sharing.named',
          title: 'A decision to share information with your organisation was recorded',
          href: `/people/${personId}`,
          recordType: 'sharing_decision',
          recordId: id,
          at: ctx.at,
          except: actor.userId,
        });
      }
      return { id, lawful };
    });
  }

  async recordMarker(
    ctx: RequestContext,
    personId: string,
    input: { target: string; withheldFrom: string; reason: string },
  ) {
    return this.run(async (trx) => {
      const rights = await this.changeRights(trx, ctx, personId, 'withhold-marker.record');
      if (rights instanceof Refusal) return rights;
      const [kind, targetId] = input.target.split(':') as ['household' | 'person', string];
      const [related, households] = await Promise.all([
        repo.relatedPeople(trx, personId),
        repo.familyHouseholds(trx, personId),
      ]);
      const errors: FieldError[] = [];
      const known =
        kind === 'household'
          ? households.some((h) => h.id === targetId)
          : targetId === personId || related.some((p) => p.id === targetId);
      if (!known) errors.push({ field: 'target', message: 'Select what must be withheld' });
      if (!related.some((p) => p.id === input.withheldFrom)) {
        errors.push({ field: 'withheldFrom', message: 'Select a family member recorded for this child' });
      }
      if (kind === 'person' && targetId === input.withheldFrom) {
        errors.push({ field: 'withheldFrom', message: 'A person’s details cannot be withheld from themselves' });
      }
      if (errors.length) return new Refusal(new ValidationError(errors));
      const id = await repo.insertMarker(trx, {
        person_id: kind === 'person' ? targetId : null,
        household_id: kind === 'household' ? targetId : null,
        subject_person_id: personId,
        withheld_from_person_id: input.withheldFrom,
        reason: input.reason,
        recorded_by: ctx.actor!.userId,
        recorded_at: ctx.at,
        ended_at: null,
        ended_by: null,
      });
      await recordAudit(trx, auditContext(ctx, rights.role), {
        action: 'withhold-marker.recorded',
        recordType: 'withhold_marker',
        recordId: id,
        details: { personId, kind },
      });
      return id;
    });
  }

  /** A current marker, for the page that confirms ending it. */
  async markerToEnd(ctx: RequestContext, personId: string, markerId: string) {
    return this.run(async (trx) => {
      const rights = await this.changeRights(trx, ctx, personId, 'withhold-marker.end-form');
      if (rights instanceof Refusal) return rights;
      const marker = (await repo.markers(trx, personId)).find((m) => m.id === markerId && !m.ended_at);
      if (!marker) {
        return this.refuse(trx, ctx, 'consent.change-refused', personId, new NotFoundError(), {
          attempted: 'withhold-marker.end-form',
          markerId,
        });
      }
      const what =
        rights.person.shielded && marker.household_id ? 'An address (not shown: whereabouts protected)' : marker.what;
      return {
        person: rights.person,
        kind: 'marker' as const,
        id: marker.id,
        summary: `${what}, withheld from ${marker.withheld_from_name}`,
        recordedAt: marker.recorded_at,
        recordedBy: marker.recorded_by_name,
      };
    });
  }

  async endMarker(ctx: RequestContext, personId: string, markerId: string, reason: string) {
    return this.run(async (trx) => {
      const rights = await this.changeRights(trx, ctx, personId, 'withhold-marker.end');
      if (rights instanceof Refusal) return rights;
      const marker = (await repo.markers(trx, personId)).find((m) => m.id === markerId);
      if (!marker || !(await repo.endMarker(trx, personId, markerId, ctx.at, ctx.actor!.userId, reason))) {
        return this.refuse(trx, ctx, 'consent.change-refused', personId, new NotFoundError(), {
          attempted: 'withhold-marker.end',
          markerId,
        });
      }
      await recordAudit(trx, auditContext(ctx, rights.role), {
        action: 'withhold-marker.ended',
        recordType: 'person',
        recordId: personId,
        reason,
        details: { markerId },
      });
      await this.tellRecorder(
        trx,
        ctx,
        { id: marker.recorded_by, email: marker.recorded_by_email },
        personId,
        'a withhold marker',
      );
      return true;
    });
  }

  async explanation(ctx: RequestContext, personId: string, consentId: string, language: string) {
    return this.run(async (trx) => {
      const data = await this.explanationData(trx, ctx, personId, consentId, language);
      if (data instanceof Refusal) return data;
      await recordAudit(trx, auditContext(ctx, data.role), {
        action: 'consent.explanation.viewed',
        recordType: 'consent',
        recordId: consentId,
        details: { personId, language: data.explanation.lang, addressShown: !!data.explanation.address },
      });
      return data.explanation;
    });
  }

  /**
   * The family explanation as a PDF's document model. Only a left-to-right language whose every character an
   * embedded font has can be made into a PDF here; for others (Urdu, Bengali) the page is printed from the browser.
   */
  async explanationDocument(ctx: RequestContext, personId: string, consentId: string, language: string) {
    return this.run(async (trx) => {
      const data = await this.explanationData(trx, ctx, personId, consentId, language);
      if (data instanceof Refusal) return data;
      const model = explanationDocument(data.explanation);
      if (data.explanation.dir !== 'ltr' || !fontCovers(documentText(model))) {
        return new Refusal(new PdfLanguageError());
      }
      await recordAudit(trx, auditContext(ctx, data.role), {
        action: 'document.downloaded',
        recordType: 'person',
        recordId: personId,
        details: {
          document: 'consent-explanation',
          consentId,
          language: data.explanation.lang,
          addressShown: !!data.explanation.address,
        },
      });
      return model;
    });
  }

  private async explanationData(trx: Trx, ctx: RequestContext, personId: string, consentId: string, language: string) {
    const rights = await this.viewRights(trx, ctx, personId, 'consent.view-refused');
    if (rights instanceof Refusal) return rights;
    const consent = await repo.findConsent(trx, personId, consentId);
    if (!consent) {
      return this.refuse(trx, ctx, 'consent.view-refused', personId, new NotFoundError(), { consentId });
    }
    const languages = await repo.languages(trx);
    const lang = languages.some((l) => l.language === language) ? language : 'en';
    const [texts, english, household, categories] = await Promise.all([
      repo.consentTexts(trx, lang),
      repo.consentTexts(trx, 'en'),
      rights.person.whereabouts_protected ? Promise.resolve(undefined) : repo.currentHousehold(trx, personId),
      repo.sensitiveCategories(trx, true),
    ]);
    // A marker withholding this address from the person the letter is for wins over everything else.
    const withheld = household ? await repo.addressWithheldFrom(trx, household.id, consent.given_by_person_id) : false;
    return {
      role: rights.role,
      explanation: buildExplanation({
        lang,
        texts,
        english,
        person: rights.person,
        consent,
        address: household && !withheld ? household : null,
        categories,
        languages,
      }),
    };
  }

  async categories(ctx: RequestContext) {
    requireRole(ctx.actor, 'system_admin');
    return repo.sensitiveCategories(this.db, true);
  }

  async addCategory(ctx: RequestContext, input: { code: string; label: string; description: string | null }) {
    const role = requireRole(ctx.actor, 'system_admin');
    return this.run(async (trx) => {
      if (!(await repo.insertCategory(trx, input))) {
        return new Refusal(
          new ValidationError([{ field: 'code', message: 'A category with this code or name already exists' }]),
        );
      }
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'sensitive-category.created',
        recordType: 'sensitive_category',
        recordId: input.code,
        details: { label: input.label },
      });
      return true;
    });
  }

  async retireCategory(ctx: RequestContext, code: string) {
    const role = requireRole(ctx.actor, 'system_admin');
    return this.run(async (trx) => {
      if (!(await repo.retireCategory(trx, code, ctx.at))) return new Refusal(new NotFoundError());
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'sensitive-category.retired',
        recordType: 'sensitive_category',
        recordId: code,
      });
      return true;
    });
  }
}

/** Managers need a relationship with the child; the front door holds safeguarding authority within its partnership. */
function canOverride(actor: Actor, relationship: Relationship | null, frontDoor: boolean): boolean {
  if (frontDoor) return true;
  return !!relationship && !!hasRole(actor, ...OVERRIDE_ROLES);
}

/** The front door's role power over a child it has no relationship with: only within its own partnership. */
async function frontDoorReach(trx: Trx, actor: Actor, personId: string, at: Date): Promise<boolean> {
  return rolePowerOver(trx, actor, ['front_door'], personId, at);
}

function isLapsed(c: { review_on: string | null; withdrawn_at: Date | null }, at: Date): boolean {
  return !c.withdrawn_at && !!c.review_on && c.review_on < londonToday(at);
}
