/**
 * Requests to a panel and their administration (issue 11, second part; docs/decisions/0030). A practitioner who works
 * with a child asks a panel to discuss the child or family: the redirect rules come first (risk of significant harm,
 * immediate family breakdown or a statutory assessment go to the front door; a school's education-only concern to its
 * School Liaison Meeting), then consent naming the panel, a signed-off Early Help Assessment and, for gateway panels,
 * the eligibility of the service asked for. The panel's administrator or chair accepts, declines or redirects it and
 * allocates it a slot on a meeting's agenda within the papers deadline and the meeting's capacity; the referrer is
 * invited with the slot's time. A child on two forums' agendas is flagged to both, and each records that it knows.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type {
  DB,
  FamilyAgreedHow,
  PanelRedirect,
  PanelRequestStatus,
  PanelTable,
  RedirectedFromKind,
} from '../../db/schema.ts';
import type { Actor } from '../../platform/access.ts';
import { recordAudit } from '../../platform/audit.ts';
import { addDays, ageOn, londonInstant, londonToday, longDate } from '../../platform/calendar.ts';
import { loadWorkingCalendar } from '../../platform/closures.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { DEADLINE_RULES, markDeadlineMet, setDeadline } from '../../platform/deadlines.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import { notify } from '../../platform/notifications.ts';
import { enqueueEmail } from '../../platform/outbox.ts';
import { Refusal, refuseOnPerson, runRefusable } from '../../platform/refusals.ts';
import { relationshipsWith } from '../../platform/relationships.ts';
import { ConsentRequiredError, requireSharingBasis, type SharingBasis } from '../../platform/sharing.ts';
import { assessmentOnRecord } from '../assessments/on-record.ts';
import {
  type Answer,
  AREA_QUESTION_ID,
  ageOnlyRules,
  areaQuestion,
  type Evaluation,
  evaluate,
  RulesSchema,
} from '../directory/eligibility.ts';
import * as directory from '../directory/repository.ts';
import { findPerson } from '../people/repository.ts';
import { childrenOnTafMeetings } from '../taf/service.ts';
import { earlierDiscussions } from './implementation.ts';
import { redirectedInView } from './redirected-in-view.ts';
import { capacity, meetingDeadlines, minutesOf, timeOf } from './schedule.ts';
import { current } from './service.ts';

type Trx = Transaction<DB>;
type Q = Kysely<DB> | Trx;
type PanelRow = Selectable<PanelTable>;

/** Seed 003's steps before referring a family to the panel, as a checklist of what was done. */
export const STEPS = [
  {
    code: 'children-and-professionals',
    text: 'Identified all the children in the family and as many of the professionals involved as you can',
  },
  { code: 'monitored', text: 'Monitored the child and recorded your contacts with the family and your concerns' },
  {
    code: 'consent-explained',
    text: 'Discussed it with the child or family, obtained their consent to share information and explained the role of the panel',
  },
  {
    code: 'discussed-locally',
    text: 'Discussed it and shared information with the staff involved, within your agency and between agencies',
  },
  { code: 'single-agency-assessment', text: 'Followed your agency’s arrangements for a single-agency assessment' },
  { code: 'specific-services', text: 'Referred for specific services, where it was clear what was needed' },
  {
    code: 'school-liaison',
    text: 'Discussed the child at the School Liaison Meeting (schools), unless it is clearly a family-focused problem',
  },
  { code: 'line-manager', text: 'Sought advice from a line manager or professional adviser' },
  {
    code: 'assessment-signed-off',
    text: 'Completed the Early Help Assessment, signed off by a manager in your agency',
  },
] as const;
export const STEP_CODES = STEPS.map((s) => s.code) as string[];

export const REQUEST_STATUS_WORDS: Record<PanelRequestStatus, string> = {
  submitted: 'Waiting for the panel administrator',
  accepted: 'Accepted',
  declined: 'Declined',
  redirected: 'Redirected',
  withdrawn: 'Withdrawn',
  discussed: 'Discussed',
};

export const REDIRECT_WORDS: Record<PanelRedirect, string> = {
  front_door: 'The front door (children’s social care)',
  school_liaison_meeting: 'The school’s School Liaison Meeting',
  other_panel: 'Another panel',
  other: 'Somewhere else',
};

/** The redirect questions asked first, and why a "yes" means the panel is the wrong route. */
export const REDIRECT_RULES = {
  harm: 'You suspect a child is at risk of significant harm: this must go to the front door, not the panel.',
  breakdown:
    'You believe there is a significant or immediate risk of family breakdown: this must go to the front door, not the panel.',
  statutory:
    'An assessment for a specific service the council provides is needed (for example respite care for a disabled child): this must go to the front door, not the panel.',
  educationOnly:
    'The school considers the concern to be mainly about school or education: the child should be discussed at the school’s next School Liaison Meeting, not the panel.',
} as const;

/** A child of a request also on another forum's agenda in the same period, and whether each side knows. */
export interface Clash {
  personId: string;
  name: string;
  kind: 'panel_request' | 'taf_meeting';
  otherId: string;
  episodeId?: string;
  words: string;
  here: boolean;
  there: boolean;
}

/** Two forums' agendas clash when their meetings are this many days apart or fewer. */
export const SAME_PERIOD_DAYS = 14;

export interface RequestInput {
  harm: 'yes' | 'no';
  breakdown: 'yes' | 'no';
  statutory: 'yes' | 'no';
  educationOnly: 'yes' | 'no';
  steps: string[];
  changesWanted: string;
  successCriteria: string;
  questions: string;
  serviceId: string | null;
  answers: Record<string, Answer>;
  /** By service: whether the child lives in the areas it serves, when the record cannot say. */
  areaAnswers?: Record<string, Answer>;
  /** A re-referral: the discussed request of this child it follows (docs/decisions/0036). */
  previousRequestId?: string | null;
}

/**
 * A request made on behalf of a received request being redirected to the panel (`redirect-in.ts`): who may make it
 * is decided there (the agency holding the received request, with the family's agreement), not by a relationship
 * with the child; the request carries where it came from; and `made` closes the received request in the same
 * transaction once the panel request is made.
 */
export interface RedirectIn {
  admit: (trx: Trx) => Promise<NonNullable<Awaited<ReturnType<typeof findPerson>>> | Refusal>;
  columns: {
    redirected_from_kind: RedirectedFromKind;
    redirected_from_id: string;
    redirected_in_reason: string;
    family_agreed_by: string;
    family_agreed_on: string;
    family_agreed_how: FamilyAgreedHow;
  };
  made: (trx: Trx, requestId: string) => Promise<void>;
}

export type MakeResult =
  | { kind: 'made'; id: string }
  | { kind: 'redirected'; id: string; to: PanelRedirect; reasons: string[] };

const ACTIVE: PanelRequestStatus[] = ['accepted', 'discussed'];
/** A rule's wording as a sentence of its own (criteria and exclusions are worded without a full stop). */
const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);
/** The questions a service's eligibility rules ask, criteria first. */
const questionsOf = (rules: {
  criteria: { id: string; question: string }[];
  exclusions: { id: string; question: string }[];
}) => [
  ...rules.criteria.map((c) => ({ id: c.id, question: c.question, kind: 'criterion' as const })),
  ...rules.exclusions.map((c) => ({ id: c.id, question: c.question, kind: 'exclusion' as const })),
];
const nameOf = (p: { given_name: string; family_name: string }) => `${p.given_name} ${p.family_name}`;

export class PanelRequestService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly baseUrl: string,
  ) {}

  private actor(ctx: RequestContext): Actor {
    if (!ctx.actor) throw new ForbiddenError();
    return ctx.actor;
  }

  /** The child, if the actor works with them; otherwise a refusal audited on the child (a 404). */
  private async child(trx: Trx, ctx: RequestContext, personId: string, details: Record<string, unknown> = {}) {
    const actor = this.actor(ctx);
    const person = await findPerson(trx, personId);
    if (!person || person.merged_into) throw new NotFoundError();
    if (!(await relationshipsWith(trx, actor, personId, ctx.at)).length) {
      return refuseOnPerson(trx, ctx, 'panel-request.refused', personId, new NotFoundError(), details);
    }
    return person;
  }

  private async activePanel(q: Q, panelId: string) {
    const panel = await q.selectFrom('panel').selectAll().where('id', '=', panelId).executeTakeFirst();
    if (panel?.status !== 'active') throw new NotFoundError();
    return panel;
  }

  /** The gateway services of a panel with their eligibility rules and the questions they ask. */
  private async gatewayServices(q: Q, panelId: string) {
    const rows = await q
      .selectFrom('panel_gateway_service as g')
      .innerJoin('directory_service as s', 's.id', 'g.service_id')
      .select(['s.id', 's.name', 's.minimum_age', 's.maximum_age'])
      .where('g.panel_id', '=', panelId)
      .orderBy('s.name')
      .execute();
    const out = [];
    for (const s of rows) {
      const set = await directory.latestRules(q as Kysely<DB>, s.id);
      const rules = set ? RulesSchema.parse(set.rules) : ageOnlyRules(s.minimum_age, s.maximum_age);
      const served = await directory.servedAreas(q as Kysely<DB>, s.id);
      out.push({ ...s, rules, served, version: set?.version ?? null });
    }
    return out;
  }

  /** The panels a request can go to, for the child's "Ask a panel" page. */
  async choosePanel(ctx: RequestContext, personId: string) {
    return runRefusable(this.db, async (trx) => {
      const person = await this.child(trx, ctx, personId);
      if (person instanceof Refusal) return person;
      const panels = await trx
        .selectFrom('panel')
        .select(['id', 'name', 'model', 'remit'])
        .where('status', '=', 'active')
        .orderBy('name')
        .execute();
      return { person: { id: person.id, name: nameOf(person) }, panels };
    });
  }

  /** What the request form needs: the child, the panel, the assessment, the consent state and the gateway services. */
  async form(
    ctx: RequestContext,
    personId: string,
    panelId: string,
    via?: Pick<RedirectIn, 'admit'>,
    previousRequestId: string | null = null,
  ) {
    return runRefusable(this.db, async (trx) => {
      const person = via ? await via.admit(trx) : await this.child(trx, ctx, personId, { panelId });
      if (person instanceof Refusal) return person;
      const panel = await this.activePanel(trx, panelId);
      const previous = previousRequestId ? await this.previousOf(trx, personId, previousRequestId) : null;
      const assessment = await assessmentOnRecord(trx, personId);
      const basis = await this.sharingBasis(trx, ctx, personId, panel);
      const services = await this.gatewayServices(trx, panelId);
      const area = services.length ? await directory.childArea(trx as unknown as Kysely<DB>, personId) : null;
      const areaKnown = !!area && area !== 'withheld' && area.ids.length > 0;
      return {
        person: { id: person.id, name: nameOf(person) },
        panel: { id: panel.id, name: panel.name, model: panel.model },
        assessment,
        consentCovers: !!basis,
        previous,
        services: services.map((s, i) => ({
          id: s.id,
          name: s.name,
          // A question two services ask (the same id) has one answer: it is asked once, under the first of them.
          questions: questionsOf(s.rules)
            .filter((q) => !services.slice(0, i).some((o) => questionsOf(o.rules).some((x) => x.id === q.id)))
            .map((q) => ({
              ...q,
              alsoFor: services
                .slice(i + 1)
                .filter((o) => questionsOf(o.rules).some((x) => x.id === q.id))
                .map((o) => o.name),
            })),
          // Asked only when the record cannot say where the child lives.
          areaQuestion: s.served.ids.length && !areaKnown ? areaQuestion(s.served) : null,
          guidance: s.rules.guidance,
          ageWording: s.rules.ageWording,
        })),
      };
    });
  }

  /**
   * The discussed request of this child that a re-referral follows, with what it asked and its earlier discussion;
   * null when it is not one (another child's, not discussed, or not there).
   */
  private async previousOf(q: Q, personId: string, requestId: string) {
    const r = await q
      .selectFrom('panel_request as r')
      .innerJoin('panel_request_person as rp', 'rp.request_id', 'r.id')
      .select(['r.id', 'r.changes_wanted', 'r.success_criteria', 'r.questions'])
      .where('r.id', '=', requestId)
      .where('rp.person_id', '=', personId)
      .where('r.status', '=', 'discussed')
      .executeTakeFirst();
    if (!r) return null;
    const earlier = (await earlierDiscussions(q, [r.id])).get(r.id);
    return earlier ? { ...r, earlier } : null;
  }

  private async sharingBasis(
    trx: Trx,
    ctx: RequestContext,
    personId: string,
    panel: { id: string; name: string },
  ): Promise<SharingBasis | null> {
    try {
      return await requireSharingBasis(
        trx,
        this.actor(ctx),
        personId,
        'panel_discussion',
        { panelName: panel.name, panelId: panel.id },
        ctx.at,
      );
    } catch (err) {
      if (err instanceof ConsentRequiredError) return null;
      throw err;
    }
  }

  /**
   * Makes a request, or redirects it (recorded with the reason) when a redirect rule applies. Refused, with the
   * reason and what to do instead, without a consent naming the panel (or a lawful basis), without a signed-off
   * Early Help Assessment, or when the child is not eligible for the gateway service asked for.
   */
  async make(
    ctx: RequestContext,
    personId: string,
    panelId: string,
    input: RequestInput,
    via?: RedirectIn,
  ): Promise<MakeResult> {
    const actor = this.actor(ctx);
    return runRefusable(this.db, async (trx): Promise<MakeResult | Refusal> => {
      const person = via ? await via.admit(trx) : await this.child(trx, ctx, personId, { panelId });
      if (person instanceof Refusal) return person;
      const panel = await this.activePanel(trx, panelId);
      const episode = await trx
        .selectFrom('episode as e')
        .innerJoin('episode_person as ep', 'ep.episode_id', 'e.id')
        .select('e.id')
        .where('ep.person_id', '=', personId)
        .where('e.status', '=', 'open')
        .executeTakeFirst();
      const previous = input.previousRequestId ? await this.previousOf(trx, personId, input.previousRequestId) : null;
      if (input.previousRequestId && !previous) {
        throw new ValidationError([
          {
            field: 'previousRequestId',
            message: 'A re-referral follows a request about this child that a panel has discussed',
          },
        ]);
      }
      const base = {
        panel_id: panelId,
        person_id: personId,
        previous_request_id: previous?.id ?? null,
        referrer_user_id: actor.userId,
        referrer_organisation_id: actor.organisationId,
        episode_id: episode?.id ?? null,
        checklist: input.steps.filter((s) => STEP_CODES.includes(s)),
        changes_wanted: input.changesWanted,
        success_criteria: input.successCriteria,
        questions: input.questions,
        created_at: ctx.at,
        updated_at: ctx.at,
        ...(via?.columns ?? {}),
      };

      // The redirect rules come first: the panel is the wrong route whatever else is true.
      const frontDoor = (['harm', 'breakdown', 'statutory'] as const).filter((k) => input[k] === 'yes');
      const redirect: { to: PanelRedirect; reasons: string[] } | null = frontDoor.length
        ? { to: 'front_door', reasons: frontDoor.map((k) => REDIRECT_RULES[k]) }
        : input.educationOnly === 'yes'
          ? { to: 'school_liaison_meeting', reasons: [REDIRECT_RULES.educationOnly] }
          : null;
      if (redirect) {
        const { id } = await trx
          .insertInto('panel_request')
          .values({
            ...base,
            eligibility: null,
            status: 'redirected',
            status_reason: redirect.reasons.join(' '),
            redirected_to: redirect.to,
            decided_by: actor.userId,
            decided_at: ctx.at,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await trx.insertInto('panel_request_person').values({ request_id: id, person_id: personId }).execute();
        await recordAudit(trx, auditContext(ctx), {
          action: 'panel-request.redirected',
          recordType: 'person',
          recordId: personId,
          details: { requestId: id, panelId, to: redirect.to, atRequest: true },
        });
        return { kind: 'redirected', id, ...redirect };
      }

      const basis = await this.sharingBasis(trx, ctx, personId, panel);
      if (!basis) {
        return refuseOnPerson(
          trx,
          ctx,
          'panel-request.refused',
          personId,
          new ValidationError([
            {
              field: 'consent',
              message: `There is no consent to share with ${panel.name}: record the family’s consent to discussion at this panel (a consent naming the panel) on the child’s consent page, or a lawful basis for sharing without it, before asking the panel`,
            },
          ]),
          { panelId, why: 'no consent naming the panel' },
        );
      }
      const assessment = await assessmentOnRecord(trx, personId);
      if (!assessment) {
        return refuseOnPerson(
          trx,
          ctx,
          'panel-request.refused',
          personId,
          new ValidationError([
            {
              field: 'assessment',
              message:
                'The child has no signed-off Early Help Assessment, nor an agency’s own assessment attached in its place: complete one and have it signed off by a manager in your agency, or attach your agency’s own assessment, before asking the panel',
            },
          ]),
          { panelId, why: 'no assessment on record' },
        );
      }

      let eligibility: { serviceId: string; serviceName: string; evaluation: Evaluation } | null = null;
      const services = await this.gatewayServices(trx, panelId);
      if (services.length) {
        const service = services.find((s) => s.id === input.serviceId);
        if (!service) {
          throw new ValidationError([{ field: 'serviceId', message: 'Select the service you are asking for' }]);
        }
        const child = await directory.childForActor(trx as unknown as Kysely<DB>, personId, actor, ctx.at);
        const evaluation = evaluate(
          service.rules,
          {
            age: ageOn(person.date_of_birth, ctx.at),
            unborn: !person.date_of_birth && Boolean(person.expected_date_of_birth),
            involvedAgencyTypes: child?.agencyTypes ?? [],
            area: await directory.childArea(trx as unknown as Kysely<DB>, personId),
          },
          { ...input.answers, ...(input.areaAnswers?.[service.id] ? { _area: input.areaAnswers[service.id] } : {}) },
          service.served,
        );
        if (evaluation.outcome === 'not_eligible') {
          const why = evaluation.reasons
            .filter((r) => r.status === 'not_met' || r.status === 'applies')
            .map((r) => r.text);
          return refuseOnPerson(
            trx,
            ctx,
            'panel-request.refused',
            personId,
            new ValidationError([
              {
                field: 'serviceId',
                message: `The child is not eligible for ${service.name}: ${why.map(sentence).join(' ')} The family can be told why.`,
              },
            ]),
            { panelId, serviceId: service.id, why: 'not eligible', reasons: why },
          );
        }
        if (evaluation.outcome === 'more_information') {
          const open = evaluation.questions.filter((q) => q.answer === 'unknown' && !q.known);
          throw new ValidationError(
            open.length
              ? open.map((q) => ({
                  field: q.id === AREA_QUESTION_ID ? `area-${service.id}` : `answer-${q.id}`,
                  message: `Answer: ${q.question}`,
                }))
              : [{ field: 'serviceId', message: `Give the child’s date of birth to check ${service.name}` }],
          );
        }
        eligibility = { serviceId: service.id, serviceName: service.name, evaluation };
      }

      const { id } = await trx
        .insertInto('panel_request')
        .values({
          ...base,
          assessment_id: assessment.id,
          assessment_version: assessment.version,
          service_id: eligibility?.serviceId ?? null,
          eligibility: eligibility
            ? JSON.stringify({ outcome: eligibility.evaluation.outcome, reasons: eligibility.evaluation.reasons })
            : null,
          sharing_basis: basis.kind === 'consent' ? 'consent' : 'lawful_basis',
          sharing_basis_id: basis.id,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      // The children the request is about: this child and the other children on the signed-off assessment.
      const children = await trx
        .selectFrom('assessment_person as ap')
        .innerJoin('person as p', 'p.id', 'ap.person_id')
        .select('p.id')
        .where('ap.assessment_id', '=', assessment.id)
        .where('p.kind', '=', 'child')
        .where('p.merged_into', 'is', null)
        .execute();
      const personIds = [...new Set([personId, ...children.map((c) => c.id)])];
      await trx
        .insertInto('panel_request_person')
        .values(personIds.map((p) => ({ request_id: id, person_id: p })))
        .execute();
      await recordAudit(trx, auditContext(ctx), {
        action: 'panel-request.made',
        recordType: 'person',
        recordId: personId,
        details: { requestId: id, panelId, personIds, serviceId: eligibility?.serviceId ?? null, basis: basis.kind },
      });
      if (via) await via.made(trx, id);
      const admins = await this.panelAdministrators(trx, panelId, londonToday(ctx.at));
      await notify(trx, {
        userIds: admins,
        kind: 'panel-request.made',
        title: `A new request to ${panel.name} is waiting`,
        href: `/panels/${panelId}/requests`,
        at: ctx.at,
        except: actor.userId,
      });
      return { kind: 'made', id };
    });
  }

  private async panelAdministrators(q: Q, panelId: string, today: string) {
    const rows = await q
      .selectFrom('panel_member')
      .select(['user_id', 'from_date', 'to_date'])
      .where('panel_id', '=', panelId)
      .where('role', '=', 'administrator')
      .execute();
    return current(rows, today).map((r) => r.user_id);
  }

  /** The child's requests to panels, for those who work with the child. */
  async forChild(ctx: RequestContext, personId: string) {
    return runRefusable(this.db, async (trx) => {
      const person = await this.child(trx, ctx, personId);
      if (person instanceof Refusal) return person;
      const rows = await trx
        .selectFrom('panel_request as r')
        .innerJoin('panel_request_person as rp', 'rp.request_id', 'r.id')
        .innerJoin('panel as p', 'p.id', 'r.panel_id')
        .innerJoin('app_user as u', 'u.id', 'r.referrer_user_id')
        .leftJoin('panel_meeting as m', 'm.id', 'r.meeting_id')
        .select(['r.id', 'r.status', 'r.created_at', 'r.redirected_to', 'p.name as panel_name', 'u.name as referrer'])
        .select(['m.meeting_date'])
        .where('rp.person_id', '=', personId)
        .orderBy('r.created_at', 'desc')
        .execute();
      await recordAudit(trx, auditContext(ctx), {
        action: 'panel-request.list.viewed',
        recordType: 'person',
        recordId: personId,
      });
      return {
        person: { id: person.id, name: nameOf(person) },
        requests: rows.map((r) => ({
          ...r,
          statusWords: REQUEST_STATUS_WORDS[r.status],
          meetingLabel: r.meeting_date ? longDate(r.meeting_date) : null,
        })),
      };
    });
  }

  /** One request, as the child's record shows it (the referrer and those who work with the child). */
  async viewForChild(ctx: RequestContext, personId: string, requestId: string) {
    return runRefusable(this.db, async (trx) => {
      const person = await this.child(trx, ctx, personId, { requestId });
      if (person instanceof Refusal) return person;
      const onIt = await trx
        .selectFrom('panel_request_person')
        .select('request_id')
        .where('request_id', '=', requestId)
        .where('person_id', '=', personId)
        .executeTakeFirst();
      if (!onIt) throw new NotFoundError();
      const view = await this.requestView(trx, requestId);
      await recordAudit(trx, auditContext(ctx), {
        action: 'panel-request.viewed',
        recordType: 'person',
        recordId: personId,
        details: { requestId },
      });
      const forums = await this.forumClashes(trx, requestId);
      return { person: { id: person.id, name: nameOf(person) }, ...view, forums };
    });
  }

  private async requestView(q: Q, requestId: string) {
    const r = await q
      .selectFrom('panel_request as r')
      .innerJoin('panel as p', 'p.id', 'r.panel_id')
      .innerJoin('app_user as u', 'u.id', 'r.referrer_user_id')
      .innerJoin('organisation as o', 'o.id', 'r.referrer_organisation_id')
      .leftJoin('directory_service as s', 's.id', 'r.service_id')
      .leftJoin('panel_meeting as m', 'm.id', 'r.meeting_id')
      .selectAll('r')
      .select(['p.name as panel_name', 'p.slot_minutes', 'u.name as referrer_name', 'o.name as referrer_organisation'])
      .select(['s.name as service_name', 'm.meeting_date', 'm.start_time'])
      .where('r.id', '=', requestId)
      .executeTakeFirst();
    if (!r) throw new NotFoundError();
    const children = await q
      .selectFrom('panel_request_person as rp')
      .innerJoin('person as p', 'p.id', 'rp.person_id')
      .select(['p.id', 'p.given_name', 'p.family_name', 'p.date_of_birth'])
      .where('rp.request_id', '=', requestId)
      .orderBy('p.date_of_birth')
      .execute();
    const eligibility = r.eligibility as { outcome: string; reasons: { text: string; status: string }[] } | null;
    const done = new Set(r.checklist);
    const redirectedIn = await redirectedInView(q, r);
    return {
      request: {
        ...r,
        statusWords: REQUEST_STATUS_WORDS[r.status],
        redirectWords: r.redirected_to ? REDIRECT_WORDS[r.redirected_to] : null,
        meetingLabel: r.meeting_date ? longDate(r.meeting_date) : null,
        slotTime:
          r.start_time && r.slot_order ? timeOf(minutesOf(r.start_time) + (r.slot_order - 1) * r.slot_minutes) : null,
      },
      checklist: STEPS.map((s) => ({ ...s, done: done.has(s.code) })),
      children: children.map((c) => ({ id: c.id, name: nameOf(c), dateOfBirth: c.date_of_birth })),
      eligibility,
      redirectedIn,
      earlier: r.previous_request_id
        ? ((await earlierDiscussions(q, [r.previous_request_id])).get(r.previous_request_id) ?? null)
        : null,
    };
  }

  // Administration: the panel's administrator, or its chair.

  /** The panel if the actor is a current administrator, chair or deputy chair of it; otherwise not found. */
  private async administered(q: Q, ctx: RequestContext, panelId: string) {
    const actor = this.actor(ctx);
    const panel = await q.selectFrom('panel').selectAll().where('id', '=', panelId).executeTakeFirst();
    if (!panel) throw new NotFoundError();
    const seats = await q
      .selectFrom('panel_member')
      .select(['role', 'from_date', 'to_date'])
      .where('panel_id', '=', panelId)
      .where('user_id', '=', actor.userId)
      .where('role', 'in', ['administrator', 'chair', 'deputy_chair'])
      .execute();
    const now = current(seats, londonToday(ctx.at));
    if (!now.length) throw new NotFoundError();
    return { panel, chair: now.some((s) => s.role === 'chair' || s.role === 'deputy_chair') };
  }

  private async request(q: Q, panelId: string, requestId: string) {
    const r = await q
      .selectFrom('panel_request')
      .selectAll()
      .where('id', '=', requestId)
      .where('panel_id', '=', panelId)
      .executeTakeFirst();
    if (!r) throw new NotFoundError();
    return r;
  }

  /** The requests waiting for a decision, and those accepted and not yet on an agenda. */
  async waiting(ctx: RequestContext, panelId: string) {
    return this.db.transaction().execute(async (trx) => {
      const { panel, chair } = await this.administered(trx, ctx, panelId);
      const rows = await trx
        .selectFrom('panel_request as r')
        .innerJoin('person as c', 'c.id', 'r.person_id')
        .innerJoin('app_user as u', 'u.id', 'r.referrer_user_id')
        .innerJoin('organisation as o', 'o.id', 'r.referrer_organisation_id')
        .leftJoin('panel_meeting as m', 'm.id', 'r.meeting_id')
        .select(['r.id', 'r.person_id', 'r.status', 'r.created_at', 'r.slot_order', 'm.meeting_date'])
        .select(['c.given_name', 'c.family_name', 'u.name as referrer', 'o.name as organisation'])
        .select('r.previous_request_id')
        .where('r.panel_id', '=', panelId)
        .where('r.status', 'in', ['submitted', 'accepted'])
        .orderBy('r.created_at')
        .execute();
      if (rows.length) {
        await recordAudit(trx, auditContext(ctx), {
          action: 'panel-request.list.viewed',
          recordType: 'panel',
          recordId: panelId,
          details: { personIds: rows.map((r) => r.person_id) },
        });
      }
      const earlier = await earlierDiscussions(
        trx,
        rows.map((r) => r.previous_request_id ?? ''),
      );
      return {
        panel,
        chair,
        requests: rows.map((r) => ({
          ...r,
          reReferral: r.previous_request_id ? (earlier.get(r.previous_request_id)?.label ?? null) : null,
          name: nameOf(r),
          statusWords: REQUEST_STATUS_WORDS[r.status],
          meetingLabel: r.meeting_date ? longDate(r.meeting_date) : null,
        })),
      };
    });
  }

  /** One request as the administrator sees it, with the meetings it could go to. */
  async adminView(ctx: RequestContext, panelId: string, requestId: string) {
    return this.db.transaction().execute(async (trx) => {
      const { panel, chair } = await this.administered(trx, ctx, panelId);
      const r = await this.request(trx, panelId, requestId);
      const view = await this.requestView(trx, requestId);
      await recordAudit(trx, auditContext(ctx), {
        action: 'panel-request.viewed',
        recordType: 'person',
        recordId: r.person_id,
        details: { requestId, personIds: view.children.map((c) => c.id) },
      });
      const meetings = await this.meetingsWithRoom(trx, panel, ctx.at);
      let deadlines = null;
      if (r.meeting_id) {
        const m = await trx
          .selectFrom('panel_meeting')
          .selectAll()
          .where('id', '=', r.meeting_id)
          .executeTakeFirstOrThrow();
        const d = await this.deadlinesOf(trx, panel, m);
        deadlines = { papersDue: longDate(d.papersDue), papersLate: londonToday(ctx.at) > d.papersDue };
      }
      return {
        panel,
        chair,
        ...view,
        deadlines,
        forums: await this.forumClashes(trx, requestId),
        meetings: meetings.map((m) => ({
          ...m,
          label: `${longDate(m.meeting_date)} (${m.free} of ${m.capacity} slots free, papers due ${longDate(m.papersDue)})`,
        })),
      };
    });
  }

  private async deadlinesOf(q: Q, panel: PanelRow, meeting: { meeting_date: string; end_time: string }) {
    const calendar = await loadWorkingCalendar(q, panel.area_id);
    return meetingDeadlines(
      { date: meeting.meeting_date, endTime: meeting.end_time },
      {
        papersDueWorkingDays: panel.papers_due_working_days,
        invitationDays: panel.invitation_days,
        circulationWorkingDays: panel.circulation_working_days,
        decisionsHours: panel.decisions_hours,
      },
      calendar,
    );
  }

  /** Scheduled meetings from today whose papers deadline has not passed, with their free slots. */
  private async meetingsWithRoom(q: Q, p: PanelRow, at: Date) {
    const today = londonToday(at);
    const meetings = await q
      .selectFrom('panel_meeting')
      .selectAll()
      .where('panel_id', '=', p.id)
      .where('status', '=', 'scheduled')
      .where('meeting_date', '>=', today)
      .orderBy('meeting_date')
      .limit(26)
      .execute();
    const out = [];
    for (const m of meetings) {
      const d = await this.deadlinesOf(q, p, m);
      const used = await this.used(q, m.id);
      const cap = capacity(m.start_time, m.end_time, p.slot_minutes);
      out.push({
        ...m,
        papersDue: d.papersDue,
        papersOpen: today <= d.papersDue,
        capacity: cap,
        free: Math.max(0, cap - used),
      });
    }
    return out;
  }

  private async used(q: Q, meetingId: string) {
    const row = await q
      .selectFrom('panel_request')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('meeting_id', '=', meetingId)
      .where('status', 'in', ACTIVE)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async accept(ctx: RequestContext, panelId: string, requestId: string) {
    await this.db.transaction().execute(async (trx) => {
      await this.administered(trx, ctx, panelId);
      const r = await this.request(trx, panelId, requestId);
      if (r.status !== 'submitted') {
        throw new ValidationError([
          { field: 'decision', message: `This request is ${REQUEST_STATUS_WORDS[r.status].toLowerCase()}` },
        ]);
      }
      await trx
        .updateTable('panel_request')
        .set({ status: 'accepted', decided_by: ctx.actor!.userId, decided_at: ctx.at, updated_at: ctx.at })
        .where('id', '=', requestId)
        .execute();
      await recordAudit(trx, auditContext(ctx), {
        action: 'panel-request.accepted',
        recordType: 'person',
        recordId: r.person_id,
        details: { requestId, panelId },
      });
    });
  }

  /** Declines (with the reason) or redirects (with the reason and where to) a request still waiting. */
  async close(
    ctx: RequestContext,
    panelId: string,
    requestId: string,
    input: { decision: 'declined' | 'redirected'; reason: string; to: PanelRedirect | null },
  ) {
    await this.db.transaction().execute(async (trx) => {
      const { panel } = await this.administered(trx, ctx, panelId);
      const r = await this.request(trx, panelId, requestId);
      if (r.status !== 'submitted' && !(r.status === 'accepted' && !r.meeting_id)) {
        throw new ValidationError([
          { field: 'decision', message: `This request is ${REQUEST_STATUS_WORDS[r.status].toLowerCase()}` },
        ]);
      }
      await trx
        .updateTable('panel_request')
        .set({
          status: input.decision,
          status_reason: input.reason,
          redirected_to: input.decision === 'redirected' ? input.to : null,
          decided_by: ctx.actor!.userId,
          decided_at: ctx.at,
          updated_at: ctx.at,
        })
        .where('id', '=', requestId)
        .execute();
      await recordAudit(trx, auditContext(ctx), {
        action: input.decision === 'declined' ? 'panel-request.declined' : 'panel-request.redirected',
        recordType: 'person',
        recordId: r.person_id,
        details: { requestId, panelId, to: input.to },
      });
      await notify(trx, {
        userIds: [r.referrer_user_id],
        kind: `panel-request.${input.decision}`,
        title: `Your request to ${panel.name} was ${input.decision === 'declined' ? 'declined' : 'redirected'}`,
        href: `/people/${r.person_id}/panel-requests/${requestId}`,
        recordType: 'panel_request',
        recordId: requestId,
        at: ctx.at,
        except: ctx.actor!.userId,
      });
    });
  }

  /**
   * Allocates an accepted request to a meeting: the one chosen, or the next whose papers deadline has not passed and
   * which has a free slot. Refuses a meeting that is full (never over its maximum length) or past its papers deadline.
   * The referrer is invited with the slot's time.
   */
  async allocate(ctx: RequestContext, panelId: string, requestId: string, meetingId: string | null) {
    return this.db.transaction().execute(async (trx) => {
      const { panel } = await this.administered(trx, ctx, panelId);
      const r = await this.request(trx, panelId, requestId);
      if (r.status === 'withdrawn') {
        throw new ValidationError([
          { field: 'meetingId', message: 'This request was withdrawn: it cannot be given a slot' },
        ]);
      }
      if (r.status !== 'accepted') {
        throw new ValidationError([{ field: 'meetingId', message: 'Accept the request before giving it a slot' }]);
      }
      const meetings = await this.meetingsWithRoom(trx, panel, ctx.at);
      let target: (typeof meetings)[number] | undefined;
      if (meetingId) {
        target = meetings.find((m) => m.id === meetingId);
        if (!target) {
          throw new ValidationError([{ field: 'meetingId', message: 'Select a meeting of this panel from the list' }]);
        }
        if (target.id === r.meeting_id) return { meetingId: target.id, moved: false };
        if (!target.papersOpen) {
          throw new ValidationError([
            {
              field: 'meetingId',
              message: `The papers deadline for the meeting on ${longDate(target.meeting_date)} has passed (${longDate(target.papersDue)}): choose a later meeting`,
            },
          ]);
        }
        if (target.free < 1) {
          throw new ValidationError([
            {
              field: 'meetingId',
              message: `The meeting on ${longDate(target.meeting_date)} is full: its ${target.capacity} slots fill its maximum length`,
            },
          ]);
        }
      } else {
        target = meetings.find((m) => m.papersOpen && m.free > 0 && m.id !== r.meeting_id);
        if (!target) {
          throw new ValidationError([
            {
              field: 'meetingId',
              message:
                'No meeting of this panel has a free slot with its papers deadline still to come: generate more meetings first',
            },
          ]);
        }
      }
      await this.place(trx, ctx, panel, r, target);
      return { meetingId: target.id, moved: false };
    });
  }

  /** Puts a request in the last slot of a meeting (out of its old one), and invites the referrer. */
  private async place(
    trx: Trx,
    ctx: RequestContext,
    panel: PanelRow,
    r: { id: string; person_id: string; meeting_id: string | null; referrer_user_id: string },
    target: { id: string; meeting_date: string; start_time: string; end_time: string },
    action: 'panel-request.allocated' | 'panel-request.moved' = 'panel-request.allocated',
  ) {
    const last = await trx
      .selectFrom('panel_request')
      .select((eb) => eb.fn.max('slot_order').as('n'))
      .where('meeting_id', '=', target.id)
      .where('status', 'in', ACTIVE)
      .executeTakeFirst();
    const slot = Number(last?.n ?? 0) + 1;
    const start = timeOf(minutesOf(target.start_time) + (slot - 1) * panel.slot_minutes);
    if (minutesOf(start) + panel.slot_minutes > minutesOf(target.end_time)) {
      throw new ValidationError([
        { field: 'meetingId', message: 'The meeting is full: no slot is left in its length' },
      ]);
    }
    const from = r.meeting_id;
    await trx
      .updateTable('panel_request')
      .set({
        meeting_id: target.id,
        slot_order: slot,
        invitation_sent_at: ctx.at,
        late_papers_agreed_by: null,
        late_papers_agreed_at: null,
        updated_at: ctx.at,
      })
      .where('id', '=', r.id)
      .execute();
    if (from) await closeUpSlots(trx, from);
    await this.setSlotDeadlines(trx, ctx, panel, r.id, target);
    const referrer = await trx
      .selectFrom('app_user')
      .select('email')
      .where('id', '=', r.referrer_user_id)
      .executeTakeFirstOrThrow();
    const url = `${this.baseUrl}/people/${r.person_id}/panel-requests/${r.id}`;
    await enqueueEmail(trx, {
      to: referrer.email,
      subject: 'Invitation to present a case at a panel meeting',
      text: `You are invited to present your request at ${panel.name} on ${longDate(target.meeting_date)}. Your slot starts at ${start} and lasts ${panel.slot_minutes} minutes.\n\nSee the request in Early Help Hub (reference ${r.id.slice(0, 8)}): ${url}`,
    });
    await recordAudit(trx, auditContext(ctx), {
      action,
      recordType: 'person',
      recordId: r.person_id,
      details: { requestId: r.id, panelId: panel.id, meetingId: target.id, fromMeetingId: from, slot, start },
    });
    await this.warnOtherForums(trx, ctx, r.id);
  }

  /**
   * The papers and invitation deadlines of a case on its meeting (seed 003: papers 5 working days before, the
   * referrer invited 3 days before), kept as deadline rows so the dashboard counts them like every other deadline.
   * A case moved to another meeting starts them again: the invitation is met now (it has just been sent), the papers
   * when they arrived, if they have.
   */
  private async setSlotDeadlines(
    trx: Trx,
    ctx: RequestContext,
    panel: PanelRow,
    requestId: string,
    target: { meeting_date: string; start_time: string },
  ) {
    const papers = { ...DEADLINE_RULES.PANEL_PAPERS, days: panel.papers_due_working_days };
    const invitation = { ...DEADLINE_RULES.PANEL_INVITATION, days: panel.invitation_days };
    await trx
      .deleteFrom('deadline')
      .where('owner_type', '=', 'panel_request')
      .where('owner_id', '=', requestId)
      .where('rule_code', 'in', [papers.code, invitation.code])
      .execute();
    const calendar = await loadWorkingCalendar(trx, panel.area_id);
    const start = londonInstant(target.meeting_date, target.start_time);
    const by = ctx.actor?.userId ?? null;
    for (const rule of [papers, invitation]) {
      await setDeadline(trx, calendar, { ownerType: 'panel_request', ownerId: requestId, rule, start });
    }
    await markDeadlineMet(trx, {
      ownerType: 'panel_request',
      ownerId: requestId,
      ruleCode: invitation.code,
      at: ctx.at,
      by,
    });
    const { papers_submitted_at } = await trx
      .selectFrom('panel_request')
      .select('papers_submitted_at')
      .where('id', '=', requestId)
      .executeTakeFirstOrThrow();
    if (papers_submitted_at) {
      await markDeadlineMet(trx, {
        ownerType: 'panel_request',
        ownerId: requestId,
        ruleCode: papers.code,
        at: papers_submitted_at,
        by,
      });
    }
  }

  /**
   * Records that the papers arrived now. After the meeting's papers deadline the request moves to the next meeting
   * with room, unless the chair has agreed that late papers stay.
   */
  async papersReceived(ctx: RequestContext, panelId: string, requestId: string) {
    return this.db.transaction().execute(async (trx) => {
      const { panel } = await this.administered(trx, ctx, panelId);
      const r = await this.request(trx, panelId, requestId);
      if (r.status !== 'accepted' || !r.meeting_id) {
        throw new ValidationError([{ field: 'papers', message: 'Give the request a slot on a meeting first' }]);
      }
      const meeting = await trx
        .selectFrom('panel_meeting')
        .selectAll()
        .where('id', '=', r.meeting_id)
        .executeTakeFirstOrThrow();
      const d = await this.deadlinesOf(trx, panel, meeting);
      await trx
        .updateTable('panel_request')
        .set({ papers_submitted_at: ctx.at, updated_at: ctx.at })
        .where('id', '=', requestId)
        .execute();
      const late = londonToday(ctx.at) > d.papersDue;
      await markDeadlineMet(trx, {
        ownerType: 'panel_request',
        ownerId: requestId,
        ruleCode: DEADLINE_RULES.PANEL_PAPERS.code,
        at: ctx.at,
        by: ctx.actor?.userId ?? null,
      });
      await recordAudit(trx, auditContext(ctx), {
        action: 'panel-request.papers-received',
        recordType: 'person',
        recordId: r.person_id,
        details: { requestId, panelId, meetingId: meeting.id, late, chairAgreed: !!r.late_papers_agreed_at },
      });
      if (!late || r.late_papers_agreed_at) return { moved: null };
      const next = (await this.meetingsWithRoom(trx, panel, ctx.at)).find(
        (m) => m.papersOpen && m.free > 0 && m.id !== meeting.id && m.meeting_date > meeting.meeting_date,
      );
      if (!next) {
        throw new ValidationError([
          {
            field: 'papers',
            message:
              'The papers are late and no later meeting has a free slot: generate more meetings, or ask the chair to agree that the case stays on this meeting',
          },
        ]);
      }
      await this.place(trx, ctx, panel, r, next, 'panel-request.moved');
      return { moved: longDate(next.meeting_date) };
    });
  }

  /** The chair agrees that a case whose papers are late stays on its meeting. */
  async agreeLatePapers(ctx: RequestContext, panelId: string, requestId: string) {
    await this.db.transaction().execute(async (trx) => {
      const { chair } = await this.administered(trx, ctx, panelId);
      const r = await this.request(trx, panelId, requestId);
      if (!chair) throw new ForbiddenError('Only the chair of the panel can agree to late papers');
      if (r.status !== 'accepted' || !r.meeting_id) {
        throw new ValidationError([{ field: 'papers', message: 'The request has no slot on a meeting' }]);
      }
      await trx
        .updateTable('panel_request')
        .set({ late_papers_agreed_by: ctx.actor!.userId, late_papers_agreed_at: ctx.at, updated_at: ctx.at })
        .where('id', '=', requestId)
        .execute();
      await recordAudit(trx, auditContext(ctx), {
        action: 'panel-request.late-papers-agreed',
        recordType: 'person',
        recordId: r.person_id,
        details: { requestId, panelId, meetingId: r.meeting_id },
      });
    });
  }

  /** A meeting's agenda in slot order with times, and the warnings beside each case. */
  async agenda(ctx: RequestContext, panelId: string, meetingId: string) {
    return this.db.transaction().execute(async (trx) => {
      const { panel, chair } = await this.administered(trx, ctx, panelId);
      const meeting = await trx
        .selectFrom('panel_meeting')
        .selectAll()
        .where('id', '=', meetingId)
        .where('panel_id', '=', panelId)
        .executeTakeFirst();
      if (!meeting) throw new NotFoundError();
      const d = await this.deadlinesOf(trx, panel, meeting);
      const rows = await trx
        .selectFrom('panel_request as r')
        .innerJoin('person as c', 'c.id', 'r.person_id')
        .innerJoin('app_user as u', 'u.id', 'r.referrer_user_id')
        .innerJoin('organisation as o', 'o.id', 'r.referrer_organisation_id')
        .select(['r.id', 'r.person_id', 'r.slot_order', 'r.papers_submitted_at', 'r.late_papers_agreed_at'])
        .select(['r.invitation_sent_at', 'c.given_name', 'c.family_name', 'u.name as referrer'])
        .select('o.name as organisation')
        .where('r.meeting_id', '=', meetingId)
        .where('r.status', 'in', ACTIVE)
        .orderBy('r.slot_order')
        .execute();
      const invitationLate = londonInstant(addDays(d.invitationBy, 1), '00:00');
      const papersLate = londonInstant(addDays(d.papersDue, 1), '00:00');
      const forums = await this.forumClashesOf(
        trx,
        rows.map((r) => r.id),
      );
      const items = [];
      for (const [i, r] of rows.entries()) {
        const start = minutesOf(meeting.start_time) + i * panel.slot_minutes;
        items.push({
          ...r,
          name: nameOf(r),
          first: i === 0,
          last: i === rows.length - 1,
          start: timeOf(start),
          end: timeOf(start + panel.slot_minutes),
          invitationLate: !!r.invitation_sent_at && r.invitation_sent_at >= invitationLate,
          papersLate: !!r.papers_submitted_at && r.papers_submitted_at >= papersLate,
          forums: forums.get(r.id) ?? [],
        });
      }
      if (rows.length) {
        await recordAudit(trx, auditContext(ctx), {
          action: 'panel-request.agenda.viewed',
          recordType: 'panel_meeting',
          recordId: meetingId,
          details: { personIds: rows.map((r) => r.person_id) },
        });
      }
      return {
        panel,
        chair,
        meeting: { ...meeting, label: longDate(meeting.meeting_date) },
        capacity: capacity(meeting.start_time, meeting.end_time, panel.slot_minutes),
        deadlines: { papersDue: longDate(d.papersDue), invitationBy: longDate(d.invitationBy) },
        items,
      };
    });
  }

  /** Moves a case one slot up or down on its meeting's agenda. */
  async move(ctx: RequestContext, panelId: string, meetingId: string, requestId: string, direction: 'up' | 'down') {
    await this.db.transaction().execute(async (trx) => {
      await this.administered(trx, ctx, panelId);
      const r = await this.request(trx, panelId, requestId);
      if (r.meeting_id !== meetingId || r.slot_order === null || !ACTIVE.includes(r.status)) {
        throw new NotFoundError();
      }
      await closeUpSlots(trx, meetingId);
      const rows = await trx
        .selectFrom('panel_request')
        .select(['id', 'slot_order'])
        .where('meeting_id', '=', meetingId)
        .where('status', 'in', ACTIVE)
        .orderBy('slot_order')
        .execute();
      const i = rows.findIndex((x) => x.id === requestId);
      const j = direction === 'up' ? i - 1 : i + 1;
      if (j < 0 || j >= rows.length) return;
      await trx
        .updateTable('panel_request')
        .set({ slot_order: j + 1 })
        .where('id', '=', rows[i]!.id)
        .execute();
      await trx
        .updateTable('panel_request')
        .set({ slot_order: i + 1 })
        .where('id', '=', rows[j]!.id)
        .execute();
      await recordAudit(trx, auditContext(ctx), {
        action: 'panel-request.agenda-reordered',
        recordType: 'person',
        recordId: r.person_id,
        details: { requestId, meetingId, from: i + 1, to: j + 1 },
      });
    });
  }

  /** Where the children of one request are also on another forum's agenda (see `forumClashesOf`). */
  private async forumClashes(q: Q, requestId: string) {
    return (await this.forumClashesOf(q, [requestId])).get(requestId) ?? [];
  }

  /**
   * Where the children of requests on an agenda are also on another forum's agenda in the same period: another
   * panel's meeting, or a team around the family meeting. Each with whether this side and the other side know.
   * For many requests at once (a whole agenda) in the same few queries as for one, as `partnershipReach` does for
   * the front door's queue: never a query per row.
   */
  private async forumClashesOf(q: Q, requestIds: string[]) {
    const out = new Map<string, Clash[]>();
    if (!requestIds.length) return out;
    const requests = (
      await q
        .selectFrom('panel_request as r')
        .innerJoin('panel_meeting as m', 'm.id', 'r.meeting_id')
        .select(['r.id', 'r.status', 'm.meeting_date', 'm.status as meeting_status'])
        .where('r.id', 'in', requestIds)
        .execute()
    ).filter((r) => ACTIVE.includes(r.status) && r.meeting_status !== 'cancelled');
    if (!requests.length) return out;
    const ids = requests.map((r) => r.id);
    const people = await q
      .selectFrom('panel_request_person')
      .select(['request_id', 'person_id'])
      .where('request_id', 'in', ids)
      .execute();
    const personIds = [...new Set(people.map((p) => p.person_id))];
    if (!personIds.length) return out;
    const windowOf = (date: string) => ({
      from: addDays(date, -SAME_PERIOD_DAYS),
      to: addDays(date, SAME_PERIOD_DAYS),
    });
    const dates = requests.map((r) => r.meeting_date).sort();
    const from = windowOf(dates[0]!).from;
    const to = windowOf(dates[dates.length - 1]!).to;
    const panels = await q
      .selectFrom('panel_request as o')
      .innerJoin('panel_request_person as op', 'op.request_id', 'o.id')
      .innerJoin('panel_meeting as om', 'om.id', 'o.meeting_id')
      .innerJoin('panel as p', 'p.id', 'o.panel_id')
      .innerJoin('person as c', 'c.id', 'op.person_id')
      .select(['o.id', 'op.person_id', 'om.meeting_date', 'p.name', 'c.given_name', 'c.family_name'])
      .where('op.person_id', 'in', personIds)
      .where('o.status', 'in', ACTIVE)
      .where('om.status', '<>', 'cancelled')
      .where('om.meeting_date', '>=', from)
      .where('om.meeting_date', '<=', to)
      .execute();
    const tafs = (
      await childrenOnTafMeetings(q, londonInstant(from, '00:00'), londonInstant(addDays(to, 1), '00:00'))
    ).filter((t) => personIds.includes(t.personId));
    const names = new Map(
      (
        await q.selectFrom('person').select(['id', 'given_name', 'family_name']).where('id', 'in', personIds).execute()
      ).map((p) => [p.id, nameOf(p)]),
    );
    const acks = await q
      .selectFrom('panel_forum_acknowledgement')
      .select(['request_id', 'person_id', 'other_kind', 'other_id', 'side'])
      .where((eb) =>
        eb.or([
          eb('request_id', 'in', ids),
          eb.and([eb('other_kind', '=', 'panel_request'), eb('other_id', 'in', ids)]),
        ]),
      )
      .execute();
    const known = (requestId: string, personId: string, kind: 'panel_request' | 'taf_meeting', otherId: string) => ({
      here: acks.some(
        (a) =>
          a.request_id === requestId &&
          a.person_id === personId &&
          a.other_kind === kind &&
          a.other_id === otherId &&
          a.side === 'panel',
      ),
      there:
        kind === 'panel_request'
          ? acks.some(
              (a) =>
                a.request_id === otherId &&
                a.person_id === personId &&
                a.other_kind === 'panel_request' &&
                a.other_id === requestId &&
                a.side === 'panel',
            )
          : acks.some(
              (a) =>
                a.request_id === requestId &&
                a.person_id === personId &&
                a.other_kind === 'taf_meeting' &&
                a.other_id === otherId &&
                a.side === 'other',
            ),
    });
    for (const r of requests) {
      const mine = new Set(people.filter((p) => p.request_id === r.id).map((p) => p.person_id));
      const w = windowOf(r.meeting_date);
      const tafFrom = londonInstant(w.from, '00:00');
      const tafTo = londonInstant(addDays(w.to, 1), '00:00');
      out.set(r.id, [
        ...panels
          .filter((o) => o.id !== r.id && mine.has(o.person_id) && o.meeting_date >= w.from && o.meeting_date <= w.to)
          .map((o) => ({
            personId: o.person_id,
            name: nameOf(o),
            kind: 'panel_request' as const,
            otherId: o.id,
            words: `${o.name} on ${longDate(o.meeting_date)}`,
            ...known(r.id, o.person_id, 'panel_request', o.id),
          })),
        ...tafs
          .filter((t) => mine.has(t.personId) && t.meetsAt >= tafFrom && t.meetsAt < tafTo)
          .map((t) => ({
            personId: t.personId,
            name: names.get(t.personId) ?? 'A child',
            kind: 'taf_meeting' as const,
            otherId: t.meetingId,
            episodeId: t.episodeId,
            words: `a team around the family meeting on ${longDate(londonToday(t.meetsAt))}`,
            ...known(r.id, t.personId, 'taf_meeting', t.meetingId),
          })),
      ]);
    }
    return out;
  }

  /** Tells the other forums' people (the other panel's administrators, the TAF meeting's chair) of a clash. */
  private async warnOtherForums(trx: Trx, ctx: RequestContext, requestId: string) {
    const clashes = await this.forumClashes(trx, requestId);
    const today = londonToday(ctx.at);
    for (const c of clashes) {
      if (c.kind === 'panel_request') {
        const other = await trx
          .selectFrom('panel_request')
          .select(['panel_id', 'meeting_id'])
          .where('id', '=', c.otherId)
          .executeTakeFirstOrThrow();
        await notify(trx, {
          userIds: await this.panelAdministrators(trx, other.panel_id, today),
          kind: 'panel-request.two-forums',
          title: 'A child on your panel’s agenda is also on another panel’s agenda',
          href: `/panels/${other.panel_id}/meetings/${other.meeting_id}/agenda`,
          at: ctx.at,
          except: ctx.actor?.userId ?? null,
        });
      } else {
        const m = await trx
          .selectFrom('taf_meeting')
          .select('chair_user_id')
          .where('id', '=', c.otherId)
          .executeTakeFirst();
        await notify(trx, {
          userIds: m ? [m.chair_user_id] : [],
          kind: 'panel-request.two-forums',
          title: 'A child on your team around the family meeting is also on a panel’s agenda',
          href: `/people/${c.personId}/panel-requests/${requestId}`,
          at: ctx.at,
          except: ctx.actor?.userId ?? null,
        });
      }
    }
  }

  /**
   * The other side of a TAF clash, from the team around the family meeting: the panels whose agendas have a child of
   * the meeting on them in the same period, and whether the meeting's side (and the panel) has recorded knowing.
   */
  async panelsClashingWithTafMeeting(q: Q, meetingId: string) {
    const m = await q
      .selectFrom('taf_meeting')
      .select(['id', 'episode_id', 'meets_at', 'status'])
      .where('id', '=', meetingId)
      .executeTakeFirst();
    if (m?.status !== 'scheduled') return [];
    const day = londonToday(m.meets_at);
    const candidates = await q
      .selectFrom('panel_request as r')
      .innerJoin('panel_request_person as rp', 'rp.request_id', 'r.id')
      .innerJoin('episode_person as ep', 'ep.person_id', 'rp.person_id')
      .innerJoin('panel_meeting as pm', 'pm.id', 'r.meeting_id')
      .innerJoin('panel as p', 'p.id', 'r.panel_id')
      .select(['r.id', 'p.name', 'pm.meeting_date'])
      .where('ep.episode_id', '=', m.episode_id)
      .where('r.status', 'in', ACTIVE)
      .where('pm.status', '<>', 'cancelled')
      .where('pm.meeting_date', '>=', addDays(day, -SAME_PERIOD_DAYS))
      .where('pm.meeting_date', '<=', addDays(day, SAME_PERIOD_DAYS))
      .execute();
    if (!candidates.length) return [];
    const clashes = await this.forumClashesOf(q, [...new Set(candidates.map((c) => c.id))]);
    const out = [];
    for (const [requestId, list] of clashes) {
      const panel = candidates.find((c) => c.id === requestId)!;
      for (const c of list) {
        if (c.kind !== 'taf_meeting' || c.otherId !== meetingId) continue;
        out.push({
          requestId,
          personId: c.personId,
          name: c.name,
          words: `${panel.name} on ${longDate(panel.meeting_date)}`,
          here: c.there,
          there: c.here,
        });
      }
    }
    return out.sort((a, b) => a.words.localeCompare(b.words) || a.name.localeCompare(b.name));
  }

  /** The team around the family meeting's side records, in the caller's transaction, that it knows of the panel. */
  async acknowledgeFromTafMeeting(
    trx: Trx,
    ctx: RequestContext,
    meetingId: string,
    requestId: string,
    personId: string,
  ) {
    const clash = (await this.panelsClashingWithTafMeeting(trx, meetingId)).find(
      (c) => c.requestId === requestId && c.personId === personId,
    );
    if (!clash) throw new NotFoundError();
    await this.acknowledge(trx, ctx, requestId, { personId, kind: 'taf_meeting', otherId: meetingId }, 'other');
  }

  /** The panel side (its administrator or chair) records that it knows of another forum. */
  async acknowledgeForPanel(
    ctx: RequestContext,
    panelId: string,
    requestId: string,
    other: { personId: string; kind: 'panel_request' | 'taf_meeting'; otherId: string },
  ) {
    await this.db.transaction().execute(async (trx) => {
      await this.administered(trx, ctx, panelId);
      await this.request(trx, panelId, requestId);
      await this.acknowledge(trx, ctx, requestId, other, 'panel');
    });
  }

  /** The other side of a TAF clash (someone who works with the child) records that it knows of the panel. */
  async acknowledgeForTaf(
    ctx: RequestContext,
    personId: string,
    requestId: string,
    other: { personId: string; kind: 'panel_request' | 'taf_meeting'; otherId: string },
  ) {
    return runRefusable(this.db, async (trx) => {
      const person = await this.child(trx, ctx, personId, { requestId });
      if (person instanceof Refusal) return person;
      if (other.kind !== 'taf_meeting' || other.personId !== personId) throw new NotFoundError();
      await this.acknowledge(trx, ctx, requestId, other, 'other');
      return null;
    });
  }

  private async acknowledge(
    trx: Trx,
    ctx: RequestContext,
    requestId: string,
    other: { personId: string; kind: 'panel_request' | 'taf_meeting'; otherId: string },
    side: 'panel' | 'other',
  ) {
    const clash = (await this.forumClashes(trx, requestId)).find(
      (c) => c.personId === other.personId && c.kind === other.kind && c.otherId === other.otherId,
    );
    if (!clash) throw new NotFoundError();
    const done = side === 'panel' ? clash.here : clash.there;
    if (done) return;
    await trx
      .insertInto('panel_forum_acknowledgement')
      .values({
        request_id: requestId,
        person_id: other.personId,
        other_kind: other.kind,
        other_id: other.otherId,
        side,
        acknowledged_by: ctx.actor!.userId,
        acknowledged_at: ctx.at,
      })
      .execute();
    await recordAudit(trx, auditContext(ctx), {
      action: 'panel-request.two-forums-acknowledged',
      recordType: 'person',
      recordId: other.personId,
      details: { requestId, otherKind: other.kind, otherId: other.otherId, side },
    });
  }
}

/** Closes gaps in a meeting's slot order after a request leaves it: later slots move up. */
export async function closeUpSlots(trx: Trx, meetingId: string) {
  const rows = await trx
    .selectFrom('panel_request')
    .select(['id', 'slot_order'])
    .where('meeting_id', '=', meetingId)
    .where('status', 'in', ACTIVE)
    .orderBy('slot_order')
    .execute();
  for (const [i, row] of rows.entries()) {
    if (row.slot_order !== i + 1) {
      await trx
        .updateTable('panel_request')
        .set({ slot_order: i + 1 })
        .where('id', '=', row.id)
        .execute();
    }
  }
}
