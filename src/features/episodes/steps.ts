/**
 * Stepping up and down (issue 10, fourth part). A step up from an open episode makes a request for support to the
 * front door through the front door's own service, with the episode's summary pulled in, in the same transaction
 * as the step's record; the front door's decision then shows on the episode. See
 * docs/decisions/0027-taf-meetings-and-steps.md.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Q } from '../../db/connection.ts';
import type { DB, Role } from '../../db/schema.ts';
import { type Actor, hasRole } from '../../platform/access.ts';
import { recordAudit } from '../../platform/audit.ts';
import { londonToday } from '../../platform/calendar.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import { rolePowerOver } from '../../platform/partnership.ts';
import { Refusal, refuseOnPerson, runRefusable } from '../../platform/refusals.ts';
import { relationshipsWith } from '../../platform/relationships.ts';
import { WITHHELD_NAME, withheldPeople } from '../../platform/sharing.ts';
import { episodeAssessment } from '../assessments/on-record.ts';
import { STATUS_WORDS as ASSESSMENT_STATUS_WORDS } from '../assessments/service.ts';
import { DEFAULT_SOURCE, OUTCOME_LABELS } from '../front-door/codes.ts';
import { FrontDoorService, parseContact } from '../front-door/service.ts';
import { findPerson } from '../people/repository.ts';
import { openPlanActions } from '../plans/service.ts';
import { EpisodeService } from './service.ts';

type Trx = Transaction<DB>;

const LEADER_ROLES: Role[] = ['integrated_processes'];
const REFUSED = 'episode.refused';

export interface StepUpInput {
  harm: 'yes' | 'no';
  urgency?: string | undefined;
  whyNow: string;
  whatChanged: string;
  permission?: string | undefined;
  lawfulReason?: string | undefined;
}

export interface StepDownInput {
  leadUserId: string;
  heldOn: string;
  present: string;
  summary: string;
  familyTold: string;
}

const nameOf = (p: { given_name: string; family_name: string }) => `${p.given_name} ${p.family_name}`;

/**
 * What the early help assessment and the plan add to a step up's summary, so that the front door reads them without
 * retyping: the episode's latest assessment (its status, when it was signed off, the level of need judged and the
 * unmet needs by domain and sub-area) and the plan's open objectives and actions. A person protected by a withhold
 * marker on one of the children is not named.
 */
export async function stepUpExtras(q: Q, episodeId: string): Promise<string[]> {
  const lines: string[] = [];
  const a = await episodeAssessment(q, episodeId);
  if (a?.agency) {
    const agency = a.agency;
    lines.push(
      `An agency’s own assessment, attached in place of an Early Help Assessment: ${agency.tool} (${agency.organisation}), completed on ${agency.completedOn}, signed off in the agency by ${agency.signedOffBy} on ${agency.signedOffOn}.`,
    );
  }
  if (a) {
    const status = a.signedOffAt
      ? `signed off on ${londonToday(a.signedOffAt)}${
          a.status === 'signed_off' ? '' : ` (a later draft is ${ASSESSMENT_STATUS_WORDS[a.status].toLowerCase()})`
        }`
      : `${ASSESSMENT_STATUS_WORDS[a.status].toLowerCase()}, started on ${londonToday(a.startedAt)}`;
    if (!a.agency) lines.push(`Early Help Assessment: ${status}.`);
    lines.push(`Level of need judged in the assessment: ${a.levelName ?? 'not recorded'}.`);
    const withheld = await withheldPeople(q, a.childIds);
    lines.push(
      `Unmet needs: ${
        a.needs.length
          ? a.needs
              .map(
                (n) =>
                  `${n.area} (${n.personId && withheld.has(n.personId) ? WITHHELD_NAME : n.about}): ${n.description}`,
              )
              .join('; ')
          : 'none recorded'
      }.`,
    );
  } else {
    lines.push('Early Help Assessment: none recorded for this episode.');
  }
  const plan = await q
    .selectFrom('plan')
    .select(['id', 'status', 'agreed_on'])
    .where('episode_id', '=', episodeId)
    .executeTakeFirst();
  if (plan) {
    const objectives = await q
      .selectFrom('plan_objective')
      .select(['need', 'target_date'])
      .where('plan_id', '=', plan.id)
      .where('status', '=', 'open')
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    const actions = await openPlanActions(q, episodeId);
    lines.push(
      `Plan: ${plan.status === 'agreed' ? `agreed with the family on ${plan.agreed_on}` : 'a draft, not yet agreed'}.`,
      `Open objectives: ${
        objectives.length ? objectives.map((o) => `${o.need} (by ${o.target_date})`).join('; ') : 'none'
      }.`,
      `Open actions: ${actions.length ? actions.join('; ') : 'none'}.`,
    );
  } else {
    lines.push('Plan: none yet.');
  }
  return lines;
}

/** The steps recorded on an episode, with the front door's decision on a step up's contact once it is made. */
export async function stepsOf(q: Q, episodeId: string) {
  const rows = await q
    .selectFrom('episode_step as s')
    .innerJoin('app_user as u', 'u.id', 's.by_user_id')
    .leftJoin('contact as c', 'c.id', 's.contact_id')
    .leftJoin('contact_decision as d', 'd.contact_id', 's.contact_id')
    .leftJoin('app_user as l', 'l.id', 's.lead_user_id')
    .select([
      's.id',
      's.direction',
      's.at',
      's.significant_harm',
      's.contact_id',
      's.held_on',
      'u.name as by_name',
      'c.reference',
      'c.urgency',
      'd.outcome',
      'd.decided_at',
      'l.name as lead_name',
    ])
    .where('s.episode_id', '=', episodeId)
    .orderBy('s.at')
    .execute();
  return rows.map((r) => ({ ...r, outcomeWords: r.outcome ? OUTCOME_LABELS[r.outcome] : null }));
}

export class StepService {
  private readonly frontDoor: FrontDoorService;
  private readonly episodes: EpisodeService;
  constructor(private readonly db: Kysely<DB>) {
    this.frontDoor = new FrontDoorService(db);
    this.episodes = new EpisodeService(db);
  }

  /**
   * Whether the actor may step a child down from children's social care: a front door worker (children's social
   * care's role here) who works with the child. Otherwise refused (not found without a
   * relationship), audited on the child.
   */
  private async stepDownAccess(trx: Trx, ctx: RequestContext, personId: string) {
    const actor = this.actor(ctx);
    const person = await findPerson(trx, personId);
    if (!person || person.merged_into) throw new NotFoundError();
    if (!(await relationshipsWith(trx, actor, personId, ctx.at)).length) {
      return refuseOnPerson(trx, ctx, REFUSED, personId, new NotFoundError(), { stepDown: true });
    }
    if (!hasRole(actor, 'front_door')) {
      return refuseOnPerson(
        trx,
        ctx,
        REFUSED,
        personId,
        new ForbiddenError('Only children’s social care or the front door can step a child down into early help.'),
        { stepDown: true },
      );
    }
    return { person, name: nameOf(person) };
  }

  /** What the step down form needs: the child and who may be the new lead practitioner. */
  async stepDownForm(ctx: RequestContext, personId: string) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.stepDownAccess(trx, ctx, personId);
      if (found instanceof Refusal) return found;
      return { ...found, candidates: await this.episodes.candidates(trx, personId, ctx.at) };
    });
  }

  /**
   * Steps a child down from social care: opens an early help episode through the episodes service (the one way),
   * with the new lead (told, and asked to acknowledge), and records the handover conversation with it.
   */
  async stepDown(ctx: RequestContext, personId: string, input: StepDownInput) {
    const allowed = await runRefusable(this.db, async (trx) => this.stepDownAccess(trx, ctx, personId));
    if (input.heldOn > londonToday(ctx.at)) {
      throw new ValidationError([
        { field: 'heldOn', message: 'The date of the handover conversation must be today or in the past' },
      ]);
    }
    return this.episodes.open(ctx, personId, {
      personIds: [personId],
      leadUserId: input.leadUserId,
      stepDown: async (trx, episodeId) => {
        await trx
          .insertInto('episode_step')
          .values({
            episode_id: episodeId,
            direction: 'down',
            at: ctx.at,
            by_user_id: ctx.actor!.userId,
            lead_user_id: input.leadUserId,
            held_on: input.heldOn,
            present: input.present,
            summary: input.summary,
            family_told: input.familyTold,
          })
          .execute();
        await recordAudit(trx, auditContext(ctx), {
          action: 'episode.stepped-down',
          recordType: 'person',
          recordId: allowed.person.id,
          details: { episodeId, leadUserId: input.leadUserId, heldOn: input.heldOn },
        });
      },
    });
  }

  private actor(ctx: RequestContext): Actor {
    if (!ctx.actor) throw new ForbiddenError();
    return ctx.actor;
  }

  /**
   * The child, the open episode and its summary, if the actor may ask for a step up: the episode's lead, a manager
   * who works with the child, or the targeted services leader within the child's partnership. Someone who does not
   * work with the child is refused as not found; others as forbidden. Both audited on the child.
   */
  private async stepUpAccess(trx: Trx, ctx: RequestContext, personId: string, episodeId: string) {
    const actor = this.actor(ctx);
    const person = await findPerson(trx, personId);
    if (!person || person.merged_into) throw new NotFoundError();
    const related = (await relationshipsWith(trx, actor, personId, ctx.at)).length > 0;
    const leader = await rolePowerOver(trx, actor, LEADER_ROLES, personId, ctx.at);
    if (!related && !leader) return refuseOnPerson(trx, ctx, REFUSED, personId, new NotFoundError(), { episodeId });
    const episode = await trx
      .selectFrom('episode as e')
      .innerJoin('episode_person as ep', 'ep.episode_id', 'e.id')
      .select(['e.id', 'e.status', 'e.opened_at'])
      .where('e.id', '=', episodeId)
      .where('ep.person_id', '=', personId)
      .executeTakeFirst();
    if (!episode) throw new NotFoundError();
    const lead = await trx
      .selectFrom('episode_lead as l')
      .innerJoin('app_user as u', 'u.id', 'l.user_id')
      .innerJoin('organisation as o', 'o.id', 'u.organisation_id')
      .select(['l.user_id', 'u.name', 'o.name as organisation'])
      .where('l.episode_id', '=', episodeId)
      .where('l.ended_at', 'is', null)
      .executeTakeFirst();
    const allowed = lead?.user_id === actor.userId || leader || (related && !!hasRole(actor, 'manager'));
    if (!allowed || episode.status !== 'open') {
      return refuseOnPerson(
        trx,
        ctx,
        REFUSED,
        personId,
        new ForbiddenError(
          'Only the lead practitioner, a manager or the targeted services leader can ask for a step up from an open episode.',
        ),
        { episodeId },
      );
    }
    const children = await trx
      .selectFrom('episode_person as ep')
      .innerJoin('person as p', 'p.id', 'ep.person_id')
      .select(['p.id', 'p.given_name', 'p.family_name'])
      .where('ep.episode_id', '=', episodeId)
      .where('p.kind', '=', 'child')
      .where('p.merged_into', 'is', null)
      .orderBy('p.date_of_birth')
      .orderBy('p.id')
      .execute();
    const team = await trx
      .selectFrom('episode_member as m')
      .leftJoin('app_user as u', 'u.id', 'm.user_id')
      .leftJoin('organisation as o', 'o.id', 'u.organisation_id')
      .leftJoin('directory_service as s', 's.id', 'm.directory_service_id')
      .select(['m.role', 'u.name as user_name', 'm.outside_name', 's.name as service_name'])
      .select(['o.name as user_organisation', 'm.outside_organisation'])
      .where('m.episode_id', '=', episodeId)
      .where('m.left_at', 'is', null)
      .orderBy('m.added_at')
      .execute();
    const summary = [
      `Early help episode open since ${episode.opened_at.toISOString().slice(0, 10)}.`,
      `Lead practitioner: ${lead ? `${lead.name}, ${lead.organisation}` : 'none'}.`,
      `Team around the family: ${
        team.length
          ? team
              .map((m) => {
                const org = m.user_organisation ?? m.outside_organisation;
                return `${m.user_name ?? m.outside_name ?? m.service_name}${org ? `, ${org}` : ''} (${m.role})`;
              })
              .join('; ')
          : 'no one yet'
      }.`,
      ...(await stepUpExtras(trx, episodeId)),
    ].join('\n');
    return { person, name: nameOf(person), episode, lead, children, summary };
  }

  /** What the step up form needs: the episode's summary and the front door's numbers for the child. */
  async stepUpForm(ctx: RequestContext, personId: string, episodeId: string) {
    const found = await runRefusable(this.db, async (trx) => this.stepUpAccess(trx, ctx, personId, episodeId));
    return { ...found, frontDoor: await this.frontDoor.frontDoorNumbers(ctx, personId) };
  }

  /**
   * Asks for a step up: one request for support to the front door for the episode's children, made by the front
   * door's own service with the episode's summary, and the step recorded on the episode with the contact, together.
   */
  async stepUp(ctx: RequestContext, personId: string, episodeId: string, input: StepUpInput) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.stepUpAccess(trx, ctx, personId, episodeId);
      if (found instanceof Refusal) return found;
      const actor = ctx.actor!;
      const org = await trx
        .selectFrom('organisation')
        .select('agency_type')
        .where('id', '=', actor.organisationId)
        .executeTakeFirstOrThrow();
      const parsed = parseContact({
        harm: input.harm,
        urgency: input.harm === 'yes' ? 'urgent' : input.urgency,
        child: found.children.map((c) => c.id),
        referralSource: DEFAULT_SOURCE[org.agency_type],
        circumstances: `Step up from early help to children’s social care.\nWhy now: ${input.whyNow}\nWhat has changed: ${input.whatChanged}`,
        needsToHappen: 'A decision on stepping up from early help to children’s social care.',
        tried: `Early help so far:\n${found.summary}`,
        permission: input.permission,
        lawfulReason: input.lawfulReason,
      });
      if (!parsed.ok) {
        const fields = new Set(['harm', 'urgency', 'permission', 'lawfulReason']);
        throw new ValidationError(
          parsed.errors.map((e) =>
            fields.has(e.field)
              ? e
              : { field: 'whyNow', message: 'The request for support could not be made from this episode' },
          ),
        );
      }
      const contact = await this.frontDoor.create(ctx, parsed.data, 'web', trx);
      await trx
        .insertInto('episode_step')
        .values({
          episode_id: episodeId,
          direction: 'up',
          at: ctx.at,
          by_user_id: actor.userId,
          why_now: input.whyNow,
          what_changed: input.whatChanged,
          significant_harm: input.harm === 'yes',
          contact_id: contact.id,
        })
        .execute();
      await recordAudit(trx, auditContext(ctx), {
        action: 'episode.stepped-up',
        recordType: 'person',
        recordId: personId,
        details: {
          episodeId,
          contactId: contact.id,
          urgent: contact.urgent,
          personIds: found.children.map((c) => c.id),
        },
      });
      return { contactId: contact.id, reference: contact.reference, urgent: contact.urgent };
    });
  }
}
