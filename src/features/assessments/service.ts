/**
 * Early Help Assessments (issue 10, second part): for one child or the children of a family, within the child's
 * early help episode. The draft is saved section by section, each save carrying the version it was edited from: a
 * save over a newer version is not applied, and the page shows who changed what beside what was typed. The author
 * submits it to a manager of one of their own teams, who signs it off or returns it with a reason; the author never
 * signs off their own. A signed-off version is kept unchanged; later changes make a new draft version.
 * See docs/decisions/0025-early-help-assessments.md.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Q } from '../../db/connection.ts';
import type { AssessmentContent, AssessmentStatus, DB, RecordedIndicator } from '../../db/schema.ts';
import { type Actor, hasRole } from '../../platform/access.ts';
import {
  type Refusal as AttachmentRefusal,
  checkFile,
  insertAttachment,
  uploadError,
} from '../../platform/attachments.ts';
import { recordAudit } from '../../platform/audit.ts';
import { londonToday } from '../../platform/calendar.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import type { DocumentBlock, DocumentModel } from '../../platform/documents.ts';
import { type FieldError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import { notify } from '../../platform/notifications.ts';
import { Refusal, refuseOnPerson, runRefusable } from '../../platform/refusals.ts';
import { relationshipsWith } from '../../platform/relationships.ts';
import { caseDetailAccess, WITHHELD_NAME, withheldPeople } from '../../platform/sharing.ts';
import { assignWork, completeWork } from '../../platform/work.ts';
import { findPerson } from '../people/repository.ts';
import { LEVEL_NAMES, needAreaName, suggestLevel } from '../threshold/guidance.ts';
import { currentGuidance, type GuidanceVersion, guidanceById } from '../threshold/repository.ts';
import { type AssessmentSection, assessmentSections, fieldLabels, sectionOf } from './sections.ts';
import { refreshAssessmentSummary } from './summary.ts';

type Trx = Transaction<DB>;

/** Roles that may start and write an assessment. */
export const ASSESSMENT_ROLES = ['practitioner', 'manager', 'front_door', 'integrated_processes'] as const;

const REFUSED = 'assessment.refused';
const SIGN_OFF_WORK = 'assessment.sign-off';
const RETURNED_WORK = 'assessment.returned';

export const STATUS_WORDS: Record<AssessmentStatus, string> = {
  draft: 'Draft',
  submitted: 'With a manager for sign-off',
  returned: 'Returned for changes',
  signed_off: 'Signed off',
};

const nameOf = (p: { given_name: string; family_name: string }) => `${p.given_name} ${p.family_name}`;
const parseJson = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

export interface Prefill {
  household: { id: string; name: string; kind: string }[];
  involved: { organisation: string; role: string; name: string | null }[];
  earlierNeeds: { domain: string; subArea: string; text: string; level: string; source: string; on: string }[];
  contact: { reference: string; circumstances: string; needsToHappen: string; receivedOn: string; from: string } | null;
  /**
   * Concerns recorded in conversations about the children (those the actor may see): offered as suggestions on the
   * unmet needs page, never added as needs without the practitioner choosing their area. Absent from assessments
   * started before conversations were offered.
   */
  conversationConcerns?: { heldOn: string; organisation: string; text: string }[];
}

/** An agency's own assessment as attached: what the agency found, by its own tool and internal sign-off. */
export interface AgencyAssessmentInput {
  personIds: string[];
  tool: string;
  completedOn: string;
  signedOffBy: string;
  signedOffOn: string;
  level: string;
  summary: string;
  needs: { personId: string | null; subArea: string; description: string }[];
}

export interface NeedInput {
  personId: string | null;
  subArea: string;
  description: string;
}

/** A save that was not applied: the assessment changed since the version the page was opened at. */
export interface Conflict {
  conflict: true;
  current: number;
  since: { number: number; by: string; at: Date; section: string | null; changed: string[] }[];
  theirs: AssessmentContent;
}

export class AssessmentService {
  constructor(private readonly db: Kysely<DB>) {}

  private actor(ctx: RequestContext): Actor {
    if (!ctx.actor) throw new ForbiddenError();
    return ctx.actor;
  }

  /** The child, if the actor works with them; refused as not found (audited on the child) otherwise. */
  private async child(trx: Trx, ctx: RequestContext, personId: string, assessmentId?: string) {
    const actor = this.actor(ctx);
    const person = await findPerson(trx, personId);
    if (!person || person.merged_into) throw new NotFoundError();
    const relationships = await relationshipsWith(trx, actor, personId, ctx.at);
    // The manager an assessment was submitted to reaches it while deciding, and afterwards its history.
    const asManager = assessmentId
      ? !!(await trx
          .selectFrom('assessment_signoff')
          .select('id')
          .where('assessment_id', '=', assessmentId)
          .where('manager_id', '=', actor.userId)
          .executeTakeFirst())
      : false;
    if (!relationships.length && !asManager) {
      return refuseOnPerson(trx, ctx, REFUSED, personId, new NotFoundError(), assessmentId ? { assessmentId } : {});
    }
    return { person, relationships, asManager };
  }

  /** The assessment, if it covers the child: with its guidance. */
  private async load(trx: Q, personId: string, assessmentId: string) {
    const a = await trx
      .selectFrom('assessment as a')
      .innerJoin('assessment_person as ap', 'ap.assessment_id', 'a.id')
      .innerJoin('app_user as u', 'u.id', 'a.author_id')
      .innerJoin('organisation as o', 'o.id', 'a.organisation_id')
      .selectAll('a')
      .select(['u.name as author_name', 'o.name as organisation_name'])
      .where('a.id', '=', assessmentId)
      .where('ap.person_id', '=', personId)
      .executeTakeFirst();
    if (!a) throw new NotFoundError();
    const guidance = await guidanceById(trx, a.guidance_id);
    if (!guidance) throw new NotFoundError();
    return { ...a, content: parseJson<AssessmentContent>(a.content), guidance };
  }

  /**
   * The assessment for reading: the actor works with the child (or is its manager for sign-off), and the sharing
   * rules allow them its detail (own agency, or consent or a lawful basis, as for the record's case detail).
   */
  private async readable(trx: Trx, ctx: RequestContext, personId: string, assessmentId: string) {
    const found = await this.child(trx, ctx, personId, assessmentId);
    if (found instanceof Refusal) return found;
    const a = await this.load(trx, personId, assessmentId);
    const actor = ctx.actor!;
    if (!found.asManager) {
      const access = await caseDetailAccess(trx, actor, personId, ctx.at, {
        recordedByOrganisationId: a.organisation_id,
      });
      if (!access.allowed) {
        return refuseOnPerson(
          trx,
          ctx,
          REFUSED,
          personId,
          new ForbiddenError(
            'This assessment was written by another agency. You need consent or a lawful basis to see it.',
          ),
          { assessmentId },
        );
      }
    }
    return { ...found, a };
  }

  /** Who may change it: people of the author's agency who work with the child (the author, a colleague). */
  private async writable(trx: Trx, ctx: RequestContext, personId: string, assessmentId: string) {
    const found = await this.readable(trx, ctx, personId, assessmentId);
    if (found instanceof Refusal) return found;
    const actor = ctx.actor!;
    if (found.a.organisation_id !== actor.organisationId || !found.relationships.length) {
      return refuseOnPerson(
        trx,
        ctx,
        REFUSED,
        personId,
        new ForbiddenError('Only practitioners of the agency that wrote this assessment can change it.'),
        { assessmentId },
      );
    }
    if (found.a.kind === 'agency') {
      throw new ValidationError([
        {
          field: 'form',
          message: 'This is an agency’s own assessment, kept as it was attached: it cannot be changed here',
        },
      ]);
    }
    if (found.a.status === 'submitted') {
      throw new ValidationError([
        {
          field: 'form',
          message: 'This assessment is with a manager for sign-off: it can be changed once they return it',
        },
      ]);
    }
    return found;
  }

  private async children(q: Q, assessmentId: string) {
    return q
      .selectFrom('assessment_person as ap')
      .innerJoin('person as p', 'p.id', 'ap.person_id')
      .select(['p.id', 'p.given_name', 'p.family_name', 'p.date_of_birth'])
      .where('ap.assessment_id', '=', assessmentId)
      .orderBy('p.date_of_birth')
      .orderBy('p.id')
      .execute();
  }

  async needs(q: Q, assessmentId: string) {
    return q
      .selectFrom('assessment_need as n')
      .leftJoin('person as p', 'p.id', 'n.person_id')
      .innerJoin('app_user as u', 'u.id', 'n.recorded_by')
      .select([
        'n.id',
        'n.person_id',
        'n.domain',
        'n.sub_area',
        'n.description',
        'n.recorded_at',
        'u.name as recorded_by_name',
        'p.given_name',
        'p.family_name',
      ])
      .where('n.assessment_id', '=', assessmentId)
      .where('n.removed_at', 'is', null)
      .orderBy('n.recorded_at')
      .orderBy('n.id')
      .execute();
  }

  /** The children living with the child now (who the assessment could cover), the child first. */
  private async household(q: Q, personId: string) {
    return q
      .selectFrom('household_member as me')
      .innerJoin('household_member as hm', 'hm.household_id', 'me.household_id')
      .innerJoin('person as p', 'p.id', 'hm.person_id')
      .select(['p.id', 'p.given_name', 'p.family_name', 'p.kind', 'p.date_of_birth'])
      .where('me.person_id', '=', personId)
      .where('me.moved_out', 'is', null)
      .where('hm.moved_out', 'is', null)
      .where('p.merged_into', 'is', null)
      .distinct()
      .orderBy('p.date_of_birth')
      .orderBy('p.id')
      .execute();
  }

  private async openEpisode(q: Q, personId: string) {
    return q
      .selectFrom('episode as e')
      .innerJoin('episode_person as ep', 'ep.episode_id', 'e.id')
      .select(['e.id', 'e.opened_from', 'e.opened_from_id'])
      .where('ep.person_id', '=', personId)
      .where('e.status', '=', 'open')
      .executeTakeFirst();
  }

  /**
   * What the system already holds, shown on the start page and copied into the draft: who lives in the household,
   * who is involved, needs and indicators recorded earlier (those the actor may see), and the front door contact
   * that led to the episode.
   */
  private async prefill(trx: Trx, actor: Actor, at: Date, childIds: string[], personId: string): Promise<Prefill> {
    const household = (await this.household(trx, personId)).map((p) => ({ id: p.id, name: nameOf(p), kind: p.kind }));
    const today = londonToday(at);
    const involved = await trx
      .selectFrom('involvement as i')
      .innerJoin('organisation as o', 'o.id', 'i.organisation_id')
      .leftJoin('app_user as u', 'u.id', 'i.user_id')
      .select(['o.name as organisation', 'i.role', 'u.name'])
      .where('i.person_id', 'in', childIds)
      .where('i.started_on', '<=', today)
      .where((eb) => eb.or([eb('i.ended_on', 'is', null), eb('i.ended_on', '>=', today)]))
      .orderBy('o.name')
      .execute();
    const seen = new Set<string>();
    const involvedOnce = involved.filter((i) => {
      const k = `${i.organisation}|${i.role}|${i.name}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    const earlierNeeds: Prefill['earlierNeeds'] = [];
    const mayShare = new Map<string, boolean>();
    for (const id of childIds) {
      mayShare.set(id, (await caseDetailAccess(trx, actor, id, at)).allowed);
    }
    const levels = await trx
      .selectFrom('need_level')
      .select(['person_id', 'indicators', 'organisation_id', 'recorded_at'])
      .where('person_id', 'in', childIds)
      .orderBy('recorded_at')
      .execute();
    for (const l of levels) {
      if (l.organisation_id !== actor.organisationId && !mayShare.get(l.person_id)) continue;
      for (const i of parseJson<RecordedIndicator[]>(l.indicators)) {
        if (i.level === 'universal') continue;
        earlierNeeds.push({
          domain: i.domain,
          subArea: i.subArea,
          text: i.text,
          level: i.level,
          source: 'A level of need recorded',
          on: londonToday(l.recorded_at),
        });
      }
    }
    const episode = await this.openEpisode(trx, personId);
    let contact: Prefill['contact'] = null;
    const contactId = episode?.opened_from === 'front_door_contact' ? episode.opened_from_id : null;
    if (contactId) {
      const c = await trx
        .selectFrom('contact as c')
        .leftJoin('organisation as o', 'o.id', 'c.referrer_organisation_id')
        .select([
          'c.reference',
          'c.circumstances',
          'c.needs_to_happen',
          'c.received_at',
          'c.indicators',
          'c.referral_source',
          'c.sender_organisation',
          'o.name as organisation',
        ])
        .where('c.id', '=', contactId)
        .executeTakeFirst();
      if (c) {
        contact = {
          reference: c.reference,
          circumstances: c.circumstances,
          needsToHappen: c.needs_to_happen,
          receivedOn: londonToday(c.received_at),
          from: c.organisation ?? c.sender_organisation ?? c.referral_source,
        };
        for (const i of parseJson<RecordedIndicator[]>(c.indicators)) {
          if (i.level === 'universal') continue;
          earlierNeeds.push({
            domain: i.domain,
            subArea: i.subArea,
            text: i.text,
            level: i.level,
            source: `Front door contact ${c.reference}`,
            on: contact.receivedOn,
          });
        }
      }
    }
    const conversations = await trx
      .selectFrom('conversation as c')
      .innerJoin('conversation_child as cc', 'cc.conversation_id', 'c.id')
      .innerJoin('organisation as o', 'o.id', 'c.organisation_id')
      .select(['c.id', 'cc.person_id', 'c.organisation_id', 'c.held_on', 'c.concerns', 'o.name as organisation'])
      .where('cc.person_id', 'in', childIds)
      .where('c.concerns', 'is not', null)
      .orderBy('c.held_on')
      .orderBy('c.id')
      .execute();
    const concerns = new Map<string, { heldOn: string; organisation: string; text: string }>();
    for (const c of conversations) {
      const text = c.concerns?.trim();
      if (!text || concerns.has(c.id)) continue;
      if (c.organisation_id !== actor.organisationId && !mayShare.get(c.person_id)) continue;
      concerns.set(c.id, { heldOn: c.held_on, organisation: c.organisation, text });
    }
    const unique = new Map(earlierNeeds.map((n) => [`${n.subArea}|${n.text}`, n]));
    return {
      household,
      involved: involvedOnce,
      earlierNeeds: [...unique.values()],
      contact,
      conversationConcerns: [...concerns.values()],
    };
  }

  /**
   * The child an API request about one assessment acts through: one of its children the actor works with, or else
   * the first (the manager it was submitted to reaches it through any; anyone else is refused on that child).
   */
  async personFor(ctx: RequestContext, assessmentId: string): Promise<string> {
    const actor = this.actor(ctx);
    const people = await this.db
      .selectFrom('assessment_person')
      .select('person_id')
      .where('assessment_id', '=', assessmentId)
      .orderBy('person_id')
      .execute();
    if (!people.length) throw new NotFoundError();
    for (const p of people) {
      if ((await relationshipsWith(this.db, actor, p.person_id, ctx.at)).length) return p.person_id;
    }
    return people[0]!.person_id;
  }

  /** The child's assessments, newest first: those the sharing rules let the actor see. */
  async list(ctx: RequestContext, personId: string) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.child(trx, ctx, personId);
      if (found instanceof Refusal) return found;
      const actor = ctx.actor!;
      const rows = await trx
        .selectFrom('assessment as a')
        .innerJoin('assessment_person as ap', 'ap.assessment_id', 'a.id')
        .innerJoin('app_user as u', 'u.id', 'a.author_id')
        .innerJoin('organisation as o', 'o.id', 'a.organisation_id')
        .select([
          'a.id',
          'a.status',
          'a.started_at',
          'a.organisation_id',
          'a.signed_off_version',
          'a.kind',
          'u.name as author_name',
          'o.name as organisation_name',
        ])
        .where('ap.person_id', '=', personId)
        .orderBy('a.started_at', 'desc')
        .execute();
      const crossAgency = (await caseDetailAccess(trx, actor, personId, ctx.at)).allowed;
      await recordAudit(trx, auditContext(ctx), {
        action: 'assessment.list.viewed',
        recordType: 'person',
        recordId: personId,
      });
      return {
        person: found.person,
        name: nameOf(found.person),
        assessments: rows.filter((r) => r.organisation_id === actor.organisationId || crossAgency),
        mayStart: hasRole(actor, ...ASSESSMENT_ROLES) && found.person.kind === 'child',
      };
    });
  }

  /** The start page: the children who could be covered and what will be copied in. */
  async startForm(ctx: RequestContext, personId: string) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.child(trx, ctx, personId);
      if (found instanceof Refusal) return found;
      const household = (await this.household(trx, personId)).filter((p) => p.kind === 'child');
      const children = household.some((c) => c.id === personId)
        ? household
        : [{ ...found.person, id: personId }, ...household];
      const prefill = await this.prefill(trx, ctx.actor!, ctx.at, [personId], personId);
      const episode = await this.openEpisode(trx, personId);
      return {
        person: found.person,
        name: nameOf(found.person),
        children: children.map((c) => ({ id: c.id, name: nameOf(c) })),
        prefill,
        episodeId: episode?.id ?? null,
      };
    });
  }

  /** Starts an assessment for the child (and the children chosen from their household), pre-filled. */
  async start(ctx: RequestContext, personId: string, input: { personIds: string[] }): Promise<{ id: string }> {
    return runRefusable(this.db, async (trx) => {
      const found = await this.child(trx, ctx, personId);
      if (found instanceof Refusal) return found;
      const actor = ctx.actor!;
      if (!hasRole(actor, ...ASSESSMENT_ROLES)) throw new ForbiddenError();
      if (found.person.kind !== 'child') throw new NotFoundError();
      const household = new Set(
        (await this.household(trx, personId)).filter((p) => p.kind === 'child').map((p) => p.id),
      );
      const personIds = [...new Set([personId, ...input.personIds])];
      if (personIds.some((id) => id !== personId && !household.has(id))) {
        throw new ValidationError([{ field: 'personIds', message: 'Select only children who live with this child' }]);
      }
      const guidance = await currentGuidance(trx);
      const episode = await this.openEpisode(trx, personId);
      const prefill = await this.prefill(trx, actor, ctx.at, personIds, personId);
      const content: AssessmentContent = { prefill };
      if (prefill.contact) {
        content.whyNow = `${prefill.contact.circumstances}\n\nWhat needs to happen: ${prefill.contact.needsToHappen}`;
        content.whoAsked = `Front door contact ${prefill.contact.reference} from ${prefill.contact.from}`;
      }
      const a = await trx
        .insertInto('assessment')
        .values({
          episode_id: episode?.id ?? null,
          author_id: actor.userId,
          organisation_id: actor.organisationId,
          guidance_id: guidance.id,
          contact_id: episode?.opened_from === 'front_door_contact' ? episode.opened_from_id : null,
          content: JSON.stringify(content),
          version: 1,
          started_at: ctx.at,
          updated_at: ctx.at,
          updated_by: actor.userId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('assessment_person')
        .values(personIds.map((id) => ({ assessment_id: a.id, person_id: id })))
        .execute();
      // Needs recorded earlier become the draft's first unmet needs, when this guidance still has their sub-area.
      const subAreas = new Map(guidance.content.domains.flatMap((d) => d.subAreas.map((s) => [s.id, d.id] as const)));
      for (const n of prefill.earlierNeeds) {
        const domain = subAreas.get(n.subArea);
        if (!domain) continue;
        await trx
          .insertInto('assessment_need')
          .values({
            assessment_id: a.id,
            person_id: personIds.length === 1 ? personId : null,
            domain,
            sub_area: n.subArea,
            description: n.text,
            recorded_by: actor.userId,
            recorded_at: ctx.at,
          })
          .execute();
      }
      await this.addVersion(trx, a.id, 1, content, ['prefill'], null, actor.userId, ctx.at);
      await refreshAssessmentSummary(trx, personIds, ctx.at);
      await recordAudit(trx, auditContext(ctx), {
        action: 'assessment.started',
        recordType: 'person',
        recordId: personId,
        details: { assessmentId: a.id, personIds, episodeId: episode?.id ?? null, guidanceVersion: guidance.version },
      });
      return { id: a.id };
    });
  }

  private async addVersion(
    trx: Q,
    assessmentId: string,
    number: number,
    content: AssessmentContent,
    changed: string[],
    section: string | null,
    by: string,
    at: Date,
  ) {
    const needs = (await this.needs(trx, assessmentId)).map((n) => ({
      id: n.id,
      personId: n.person_id,
      domain: n.domain,
      subArea: n.sub_area,
      description: n.description,
    }));
    await trx
      .insertInto('assessment_version')
      .values({
        assessment_id: assessmentId,
        number,
        content: JSON.stringify({ ...content, unmetNeeds: needs }),
        changed: JSON.stringify(changed),
        section,
        saved_by: by,
        saved_at: at,
      })
      .execute();
  }

  /** The task list: each section's state, the children, the status and the sign-off history. */
  async overview(ctx: RequestContext, personId: string, assessmentId: string) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.readable(trx, ctx, personId, assessmentId);
      if (found instanceof Refusal) return found;
      const { a } = found;
      const actor = ctx.actor!;
      const history = await this.signoffs(trx, assessmentId);
      const pending = history.find((h) => !h.outcome);
      await recordAudit(trx, auditContext(ctx), {
        action: 'assessment.viewed',
        recordType: 'person',
        recordId: personId,
        details: { assessmentId, version: a.version },
      });
      return {
        person: found.person,
        name: nameOf(found.person),
        a,
        sections: assessmentSections(a.guidance.content),
        children: await this.children(trx, assessmentId),
        needs: await this.needs(trx, assessmentId),
        history,
        mayEdit:
          a.status !== 'submitted' && a.organisation_id === actor.organisationId && found.relationships.length > 0,
        maySubmit: (a.status === 'draft' || a.status === 'returned') && a.author_id === actor.userId,
        mayDecide: !!pending && pending.manager_id === actor.userId && a.author_id !== actor.userId,
      };
    });
  }

  private async signoffs(q: Q, assessmentId: string) {
    return q
      .selectFrom('assessment_signoff as s')
      .innerJoin('app_user as m', 'm.id', 's.manager_id')
      .innerJoin('app_user as b', 'b.id', 's.submitted_by')
      .leftJoin('app_user as d', 'd.id', 's.decided_by')
      .select([
        's.id',
        's.version',
        's.submitted_at',
        's.manager_id',
        's.outcome',
        's.reason',
        's.decided_at',
        'm.name as manager_name',
        'b.name as submitted_by_name',
        'd.name as decided_by_name',
      ])
      .where('s.assessment_id', '=', assessmentId)
      .orderBy('s.submitted_at')
      .execute();
  }

  /** One section's page: its fields and values, and for the level of need the threshold helper's suggestion. */
  async section(ctx: RequestContext, personId: string, assessmentId: string, key: string) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.writable(trx, ctx, personId, assessmentId);
      if (found instanceof Refusal) return found;
      const section = sectionOf(found.a.guidance.content, key);
      if (!section) throw new NotFoundError();
      return { ...(await this.sectionView(trx, found.a, section)), person: found.person, name: nameOf(found.person) };
    });
  }

  private async sectionView(trx: Q, a: Awaited<ReturnType<AssessmentService['load']>>, section: AssessmentSection) {
    const sections = assessmentSections(a.guidance.content);
    const next = sections[sections.findIndex((s) => s.key === section.key) + 1] ?? null;
    const needs = section.needs ? await this.needs(trx, a.id) : [];
    const children = await this.children(trx, a.id);
    const suggestion = section.key === 'level' ? await this.suggestion(trx, a) : null;
    return { a, section, next, needs, children, suggestion, guidance: a.guidance.content };
  }

  /** The threshold helper's suggestion from the needs recorded for the children under this guidance version. */
  private async suggestion(trx: Q, a: { id: string; guidance: GuidanceVersion }) {
    const people = await this.children(trx, a.id);
    const ids = new Set<string>();
    const rows = await trx
      .selectFrom('need_level')
      .select(['indicators', 'guidance_id'])
      .where(
        'person_id',
        'in',
        people.map((p) => p.id),
      )
      .execute();
    for (const r of rows) {
      if (r.guidance_id !== a.guidance.id) continue;
      for (const i of parseJson<RecordedIndicator[]>(r.indicators)) ids.add(i.id);
    }
    const s = suggestLevel(a.guidance.content, [...ids]);
    return { level: s.overall, name: s.overall ? LEVEL_NAMES[s.overall] : null, reasons: s.reasons };
  }

  /**
   * Saves a section from the version the page was opened at. A save over a newer version is not applied: the
   * conflict (who changed what since, and their values) comes back so the page can show both.
   */
  async save(
    ctx: RequestContext,
    personId: string,
    assessmentId: string,
    key: string,
    values: Record<string, string>,
    fromVersion: number,
  ): Promise<{ version: number; saved: boolean } | Conflict> {
    return runRefusable(this.db, async (trx) => {
      const found = await this.writable(trx, ctx, personId, assessmentId);
      if (found instanceof Refusal) return found;
      const { a } = found;
      const section = sectionOf(a.guidance.content, key);
      if (!section || section.needs) throw new NotFoundError();
      if (fromVersion !== a.version) return this.conflict(trx, a, fromVersion);
      const levels = a.guidance.content.levels.map((l) => l.id as string);
      const next: AssessmentContent = { ...a.content };
      const changed: string[] = [];
      for (const f of section.fields) {
        const v = values[f.name] ?? '';
        if (f.kind === 'level' && v !== '' && !levels.includes(v)) {
          throw new ValidationError([{ field: f.name, message: 'Select a level of need' }]);
        }
        if ((a.content[f.name] ?? '') !== v) {
          next[f.name] = v;
          changed.push(f.name);
        }
      }
      if (!changed.length) return { version: a.version, saved: false };
      await this.bump(trx, ctx, personId, a, next, changed, key);
      return { version: a.version + 1, saved: true };
    });
  }

  /** A new version: the draft's content, a version row, back to draft if it had been signed off, audited. */
  private async bump(
    trx: Trx,
    ctx: RequestContext,
    personId: string,
    a: { id: string; version: number; status: AssessmentStatus },
    content: AssessmentContent,
    changed: string[],
    section: string,
  ) {
    const actor = ctx.actor!;
    const version = a.version + 1;
    const status: AssessmentStatus = a.status === 'signed_off' ? 'draft' : a.status;
    await trx
      .updateTable('assessment')
      .set({ content: JSON.stringify(content), version, status, updated_at: ctx.at, updated_by: actor.userId })
      .where('id', '=', a.id)
      .where('version', '=', a.version)
      .execute();
    await this.addVersion(trx, a.id, version, content, changed, section, actor.userId, ctx.at);
    await recordAudit(trx, auditContext(ctx), {
      action: 'assessment.saved',
      recordType: 'person',
      recordId: personId,
      details: { assessmentId: a.id, version, section, changed },
    });
  }

  private async conflict(
    trx: Q,
    a: { id: string; version: number; content: AssessmentContent; guidance: GuidanceVersion },
    fromVersion: number,
  ): Promise<Conflict> {
    const labels = fieldLabels(a.guidance.content);
    const rows = await trx
      .selectFrom('assessment_version as v')
      .innerJoin('app_user as u', 'u.id', 'v.saved_by')
      .select(['v.number', 'v.saved_at', 'v.section', 'v.changed', 'u.name'])
      .where('v.assessment_id', '=', a.id)
      .where('v.number', '>', fromVersion)
      .orderBy('v.number')
      .execute();
    return {
      conflict: true,
      current: a.version,
      since: rows.map((r) => ({
        number: r.number,
        by: r.name,
        at: r.saved_at,
        section: r.section,
        changed: parseJson<string[]>(r.changed).map((c) => labels.get(c) ?? c),
      })),
      theirs: a.content,
    };
  }

  /** Adds an unmet need (one child or the whole family), by the guidance's sub-area; a new version. */
  async addNeed(ctx: RequestContext, personId: string, assessmentId: string, input: NeedInput, fromVersion: number) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.writable(trx, ctx, personId, assessmentId);
      if (found instanceof Refusal) return found;
      const { a } = found;
      if (fromVersion !== a.version) return this.conflict(trx, a, fromVersion);
      const domain = a.guidance.content.domains.find((d) => d.subAreas.some((s) => s.id === input.subArea));
      if (!domain) throw new ValidationError([{ field: 'subArea', message: 'Select the area of the need' }]);
      const children = await this.children(trx, assessmentId);
      if (input.personId && !children.some((c) => c.id === input.personId)) {
        throw new ValidationError([{ field: 'personId', message: 'Select who the need is about' }]);
      }
      await trx
        .insertInto('assessment_need')
        .values({
          assessment_id: assessmentId,
          person_id: input.personId,
          domain: domain.id,
          sub_area: input.subArea,
          description: input.description,
          recorded_by: ctx.actor!.userId,
          recorded_at: ctx.at,
        })
        .execute();
      await this.bump(trx, ctx, personId, a, a.content, ['unmetNeeds'], 'needs');
      return { version: a.version + 1, saved: true };
    });
  }

  async removeNeed(ctx: RequestContext, personId: string, assessmentId: string, needId: string, fromVersion: number) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.writable(trx, ctx, personId, assessmentId);
      if (found instanceof Refusal) return found;
      const { a } = found;
      if (fromVersion !== a.version) return this.conflict(trx, a, fromVersion);
      const r = await trx
        .updateTable('assessment_need')
        .set({ removed_at: ctx.at, removed_by: ctx.actor!.userId })
        .where('id', '=', needId)
        .where('assessment_id', '=', assessmentId)
        .where('removed_at', 'is', null)
        .executeTakeFirst();
      if (!Number(r.numUpdatedRows)) throw new NotFoundError();
      await this.bump(trx, ctx, personId, a, a.content, ['unmetNeeds'], 'needs');
      return { version: a.version + 1, saved: true };
    });
  }

  /** Every saved version: who changed which fields of which section, when. */
  async versions(ctx: RequestContext, personId: string, assessmentId: string) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.readable(trx, ctx, personId, assessmentId);
      if (found instanceof Refusal) return found;
      const labels = fieldLabels(found.a.guidance.content);
      const sections = new Map(assessmentSections(found.a.guidance.content).map((s) => [s.key, s.title]));
      const rows = await trx
        .selectFrom('assessment_version as v')
        .innerJoin('app_user as u', 'u.id', 'v.saved_by')
        .select(['v.number', 'v.saved_at', 'v.section', 'v.changed', 'u.name'])
        .where('v.assessment_id', '=', assessmentId)
        .orderBy('v.number', 'desc')
        .execute();
      return {
        person: found.person,
        name: nameOf(found.person),
        a: found.a,
        versions: rows.map((r) => ({
          number: r.number,
          at: r.saved_at,
          by: r.name,
          section: r.section ? (sections.get(r.section) ?? r.section) : 'Started, pre-filled from the record',
          changed: parseJson<string[]>(r.changed)
            .filter((c) => c !== 'prefill')
            .map((c) => labels.get(c) ?? c),
          signedOff: r.number === found.a.signed_off_version,
        })),
      };
    });
  }

  /** The managers the author may submit to: managers of the author's own teams, never the author. */
  private async managers(q: Q, authorId: string) {
    return q
      .selectFrom('user_team as mine')
      .innerJoin('user_team as m', 'm.team_id', 'mine.team_id')
      .innerJoin('app_user as u', 'u.id', 'm.user_id')
      .innerJoin('team as t', 't.id', 'm.team_id')
      .select(['u.id', 'u.name', 't.name as team_name'])
      .where('mine.user_id', '=', authorId)
      .where('m.is_manager', '=', true)
      .where('m.user_id', '!=', authorId)
      .where('u.disabled_at', 'is', null)
      .where('u.kind', '=', 'person')
      .distinct()
      .orderBy('u.name')
      .execute();
  }

  async submitForm(ctx: RequestContext, personId: string, assessmentId: string) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.writable(trx, ctx, personId, assessmentId);
      if (found instanceof Refusal) return found;
      return {
        person: found.person,
        name: nameOf(found.person),
        a: found.a,
        managers: await this.managers(trx, found.a.author_id),
      };
    });
  }

  /** The author submits the current version to a manager of one of their teams: a work item and a notification. */
  async submit(ctx: RequestContext, personId: string, assessmentId: string, managerId: string) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.writable(trx, ctx, personId, assessmentId);
      if (found instanceof Refusal) return found;
      const { a } = found;
      const actor = ctx.actor!;
      if (a.author_id !== actor.userId) {
        throw new ValidationError([{ field: 'managerId', message: 'Only the author can submit the assessment' }]);
      }
      if (a.status === 'signed_off') {
        throw new ValidationError([
          { field: 'managerId', message: 'This version is already signed off: change it before submitting again' },
        ]);
      }
      const managers = await this.managers(trx, actor.userId);
      if (!managers.some((m) => m.id === managerId)) {
        throw new ValidationError([{ field: 'managerId', message: 'Select a manager of one of your teams' }]);
      }
      await trx
        .insertInto('assessment_signoff')
        .values({
          assessment_id: assessmentId,
          version: a.version,
          submitted_by: actor.userId,
          submitted_at: ctx.at,
          manager_id: managerId,
        })
        .execute();
      await trx
        .updateTable('assessment')
        .set({ status: 'submitted', updated_at: ctx.at })
        .where('id', '=', assessmentId)
        .execute();
      await completeWork(trx, {
        sourceType: 'assessment',
        sourceId: assessmentId,
        kind: RETURNED_WORK,
        at: ctx.at,
        by: actor.userId,
      });
      const href = `/people/${personId}/assessments/${assessmentId}/sign-off`;
      await assignWork(trx, {
        kind: SIGN_OFF_WORK,
        title: 'Sign off an early help assessment',
        href,
        sourceType: 'assessment',
        sourceId: assessmentId,
        // The manager may not work with the child themselves: the item carries no child, only the link.
        personId: null,
        assignTo: { userIds: [managerId] },
        at: ctx.at,
        by: actor.userId,
      });
      await notify(trx, {
        userIds: [managerId],
        kind: 'assessment.submitted',
        title: 'An early help assessment is waiting for your sign-off',
        href,
        recordType: 'assessment',
        recordId: assessmentId,
        at: ctx.at,
        except: actor.userId,
      });
      await recordAudit(trx, auditContext(ctx), {
        action: 'assessment.submitted',
        recordType: 'person',
        recordId: personId,
        details: { assessmentId, version: a.version, managerId },
      });
      return { ok: true };
    });
  }

  /** The sign-off page: the version submitted, for the manager it was submitted to. */
  async signOffForm(ctx: RequestContext, personId: string, assessmentId: string) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.readable(trx, ctx, personId, assessmentId);
      if (found instanceof Refusal) return found;
      const pending = (await this.signoffs(trx, assessmentId)).find((s) => !s.outcome) ?? null;
      return {
        person: found.person,
        name: nameOf(found.person),
        a: found.a,
        pending,
        document: withoutTitle(await this.documentOf(trx, found.a, found.a.version, { nameOf: (_id, n) => n })),
      };
    });
  }

  /**
   * The manager signs off or returns the submitted version with a reason. The author can never sign off their own
   * (even as a manager); only the manager it was submitted to decides.
   */
  async decide(
    ctx: RequestContext,
    personId: string,
    assessmentId: string,
    input: { decision: 'signed_off' | 'returned'; reason: string | null },
  ) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.readable(trx, ctx, personId, assessmentId);
      if (found instanceof Refusal) return found;
      const { a } = found;
      const actor = ctx.actor!;
      if (a.author_id === actor.userId) {
        await recordAudit(trx, auditContext(ctx), {
          action: 'assessment.sign-off-refused',
          recordType: 'person',
          recordId: personId,
          details: { assessmentId, why: 'author' },
        });
        return new Refusal(
          new ValidationError([
            {
              field: 'decision',
              message: 'You wrote this assessment, so you cannot sign it off: another manager must do it',
            },
          ]),
        );
      }
      const pending = (await this.signoffs(trx, assessmentId)).find((s) => !s.outcome);
      if (a.status !== 'submitted' || !pending) {
        throw new ValidationError([{ field: 'decision', message: 'This assessment is not waiting for sign-off' }]);
      }
      if (pending.manager_id !== actor.userId) {
        return refuseOnPerson(
          trx,
          ctx,
          REFUSED,
          personId,
          new ForbiddenError('Only the manager this assessment was submitted to can sign it off.'),
          { assessmentId },
        );
      }
      await trx
        .updateTable('assessment_signoff')
        .set({ outcome: input.decision, reason: input.reason, decided_by: actor.userId, decided_at: ctx.at })
        .where('id', '=', pending.id)
        .execute();
      await trx
        .updateTable('assessment')
        .set({
          status: input.decision,
          updated_at: ctx.at,
          ...(input.decision === 'signed_off' ? { signed_off_version: pending.version } : {}),
        })
        .where('id', '=', assessmentId)
        .execute();
      await refreshAssessmentSummary(
        trx,
        (await this.children(trx, assessmentId)).map((c) => c.id),
        ctx.at,
      );
      await completeWork(trx, {
        sourceType: 'assessment',
        sourceId: assessmentId,
        kind: SIGN_OFF_WORK,
        at: ctx.at,
        by: actor.userId,
      });
      const href = `/people/${personId}/assessments/${assessmentId}`;
      if (input.decision === 'returned') {
        await assignWork(trx, {
          kind: RETURNED_WORK,
          title: 'Make the changes a manager asked for to an early help assessment',
          href,
          sourceType: 'assessment',
          sourceId: assessmentId,
          personId,
          assignTo: { userIds: [a.author_id] },
          at: ctx.at,
          by: actor.userId,
        });
      }
      await notify(trx, {
        userIds: [a.author_id],
        kind: `assessment.${input.decision}`,
        title:
          input.decision === 'returned'
            ? 'An early help assessment was returned for changes'
            : 'An early help assessment was signed off',
        href,
        recordType: 'assessment',
        recordId: assessmentId,
        at: ctx.at,
        except: actor.userId,
      });
      await recordAudit(trx, auditContext(ctx), {
        action: input.decision === 'returned' ? 'assessment.returned' : 'assessment.signed-off',
        recordType: 'person',
        recordId: personId,
        details: { assessmentId, version: pending.version },
      });
      return { ok: true };
    });
  }

  /** The signed-off version as a document, naming people as the chronology does under withhold markers. */
  async printable(ctx: RequestContext, personId: string, assessmentId: string, use: 'print' | 'download') {
    return runRefusable(this.db, async (trx) => {
      const found = await this.readable(trx, ctx, personId, assessmentId);
      if (found instanceof Refusal) return found;
      const { a } = found;
      if (!a.signed_off_version || a.kind === 'agency') throw new NotFoundError();
      const withheld = await withheldPeople(
        trx,
        (await this.children(trx, assessmentId)).map((c) => c.id),
      );
      const document = await this.documentOf(trx, a, a.signed_off_version, {
        nameOf: (id, n) => (id && withheld.has(id) ? WITHHELD_NAME : n),
      });
      document.blocks.push(...(await planObjectivesFor(trx, a.id)));
      await recordAudit(trx, auditContext(ctx), {
        action: use === 'print' ? 'assessment.printed' : 'assessment.downloaded',
        recordType: 'person',
        recordId: personId,
        details: { assessmentId, version: a.signed_off_version },
      });
      return { person: found.person, a, document };
    });
  }

  /**
   * The form to attach an agency's own assessment: the children it could cover (the child and the children living
   * with them), the levels and areas of the current threshold guidance, and the open episode it is attached in.
   */
  async attachForm(ctx: RequestContext, personId: string) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.attachable(trx, ctx, personId);
      if (found instanceof Refusal) return found;
      const guidance = await currentGuidance(trx);
      return {
        person: found.person,
        name: nameOf(found.person),
        children: found.children.map((c) => ({ id: c.id, name: nameOf(c) })),
        episodeId: found.episode?.id ?? null,
        organisation: (
          await trx
            .selectFrom('organisation')
            .select('name')
            .where('id', '=', ctx.actor!.organisationId)
            .executeTakeFirstOrThrow()
        ).name,
        guidance: guidance.content,
      };
    });
  }

  /** Who may attach one: a role that writes assessments, working with the child. Checked before a file is read. */
  async mayAttach(ctx: RequestContext, personId: string): Promise<void> {
    await runRefusable(this.db, async (trx) => {
      const found = await this.attachable(trx, ctx, personId);
      return found instanceof Refusal ? found : null;
    });
  }

  private async attachable(trx: Trx, ctx: RequestContext, personId: string) {
    const found = await this.child(trx, ctx, personId);
    if (found instanceof Refusal) return found;
    const actor = ctx.actor!;
    if (!hasRole(actor, ...ASSESSMENT_ROLES)) throw new ForbiddenError();
    if (found.person.kind !== 'child') throw new NotFoundError();
    const household = (await this.household(trx, personId)).filter((p) => p.kind === 'child');
    const children = household.some((c) => c.id === personId)
      ? household
      : [{ ...found.person, id: personId }, ...household];
    return { ...found, children, episode: await this.openEpisode(trx, personId) };
  }

  /**
   * Attaches an agency's own assessment in the child's open episode: counted as an assessment (kind 'agency',
   * complete when attached, at version 1), its unmet needs as the Early Help Assessment's are, the document an
   * attachment on the child's record (checked as every attachment is). Every rule of the record is checked before
   * anything is written; the assessment, its needs, the file and the audit are written in one transaction.
   */
  async attach(
    ctx: RequestContext,
    personId: string,
    input: AgencyAssessmentInput,
    document: { fileName: string; content: Buffer } | { refusal: AttachmentRefusal },
    maxBytes: number,
    /** Through the API: the episode named in the address, which must be the child's open episode. */
    episodeId?: string,
  ): Promise<{ id: string; needs: number }> {
    const checked =
      'refusal' in document
        ? ({ ok: false, reason: document.refusal } as const)
        : await checkFile(document.content, maxBytes);
    return runRefusable(this.db, async (trx) => {
      const found = await this.attachable(trx, ctx, personId);
      if (found instanceof Refusal) return found;
      if (episodeId && found.episode?.id !== episodeId) throw new NotFoundError();
      const actor = ctx.actor!;
      const errors: FieldError[] = [];
      if (!found.episode) {
        errors.push({
          field: 'form',
          message:
            'The child has no open early help episode: an agency’s own assessment is attached in the episode it counts for',
        });
      }
      const personIds = [...new Set([personId, ...input.personIds])];
      const covered = found.children.filter((c) => personIds.includes(c.id));
      if (covered.length !== personIds.length) {
        errors.push({ field: 'personIds', message: 'Select only children who live with this child' });
      }
      const guidance = await currentGuidance(trx);
      if (!guidance.content.levels.some((l) => l.id === input.level)) {
        errors.push({ field: 'level', message: 'Select the level of need the assessment found' });
      }
      const today = londonToday(ctx.at);
      const dated = (field: string, label: string, iso: string) => {
        if (iso > today) {
          errors.push({ field, message: `${label} must be today or in the past` });
          return;
        }
        for (const c of covered) {
          if (c.date_of_birth && iso < c.date_of_birth) {
            errors.push({ field, message: `${label} must be on or after ${nameOf(c)}’s date of birth` });
            return;
          }
        }
      };
      dated('completedOn', 'The date it was completed', input.completedOn);
      dated('signedOffOn', 'The date it was signed off', input.signedOffOn);
      if (input.signedOffOn < input.completedOn && !errors.some((e) => e.field === 'signedOffOn')) {
        errors.push({
          field: 'signedOffOn',
          message: 'The date it was signed off must be the same as or after the date it was completed',
        });
      }
      const domainOf = new Map(guidance.content.domains.flatMap((d) => d.subAreas.map((s) => [s.id, d.id] as const)));
      input.needs.forEach((n, i) => {
        if (!domainOf.has(n.subArea)) {
          errors.push({ field: `need-${i + 1}-subArea`, message: `Select the area of need ${i + 1}` });
        }
        if (n.personId && !personIds.includes(n.personId)) {
          errors.push({ field: `need-${i + 1}-personId`, message: `Select who need ${i + 1} is about` });
        }
      });
      if (!checked.ok) errors.push(uploadError(checked.reason, maxBytes));
      if (errors.length || !checked.ok || 'refusal' in document || !found.episode) throw new ValidationError(errors);

      const content: AssessmentContent = {
        tool: input.tool,
        completedOn: input.completedOn,
        signedOffBy: input.signedOffBy,
        signedOffOn: input.signedOffOn,
        level: input.level,
        summary: input.summary,
      };
      const a = await trx
        .insertInto('assessment')
        .values({
          kind: 'agency',
          episode_id: found.episode.id,
          author_id: actor.userId,
          organisation_id: actor.organisationId,
          guidance_id: guidance.id,
          contact_id: null,
          status: 'signed_off',
          content: JSON.stringify(content),
          version: 1,
          signed_off_version: 1,
          started_at: ctx.at,
          updated_at: ctx.at,
          updated_by: actor.userId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('assessment_person')
        .values(personIds.map((id) => ({ assessment_id: a.id, person_id: id })))
        .execute();
      const file = await insertAttachment(
        trx,
        {
          ownerKind: 'person',
          ownerId: personId,
          personId,
          organisationId: actor.organisationId,
          uploadedBy: actor.userId,
          fileName: document.fileName,
          description: `${input.tool}: an agency’s own assessment, completed ${input.completedOn}`.slice(0, 500),
          content: document.content,
          at: ctx.at,
        },
        checked,
      );
      await trx
        .insertInto('agency_assessment')
        .values({
          assessment_id: a.id,
          tool: input.tool,
          completed_on: input.completedOn,
          signed_off_by: input.signedOffBy,
          signed_off_on: input.signedOffOn,
          level: input.level,
          summary: input.summary,
          attachment_id: file.id,
        })
        .execute();
      for (const n of input.needs) {
        await trx
          .insertInto('assessment_need')
          .values({
            assessment_id: a.id,
            person_id: n.personId,
            domain: domainOf.get(n.subArea)!,
            sub_area: n.subArea,
            description: n.description,
            recorded_by: actor.userId,
            recorded_at: ctx.at,
          })
          .execute();
      }
      await this.addVersion(trx, a.id, 1, content, ['attached'], null, actor.userId, ctx.at);
      await refreshAssessmentSummary(trx, personIds, ctx.at);
      await recordAudit(trx, auditContext(ctx), {
        action: 'attachment.uploaded',
        recordType: 'attachment',
        recordId: file.id,
        details: { personId, mediaType: checked.mediaType, sizeBytes: document.content.length, sha256: file.sha256 },
      });
      await recordAudit(trx, auditContext(ctx), {
        action: 'assessment.attached',
        recordType: 'person',
        recordId: personId,
        details: {
          assessmentId: a.id,
          personIds,
          episodeId: found.episode.id,
          attachmentId: file.id,
          needs: input.needs.length,
        },
      });
      return { id: a.id, needs: input.needs.length };
    });
  }

  /** An agency's own assessment as its page shows it: read as an Early Help Assessment is (sharing rules). */
  async agencyView(ctx: RequestContext, personId: string, assessmentId: string) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.readable(trx, ctx, personId, assessmentId);
      if (found instanceof Refusal) return found;
      const { a } = found;
      if (a.kind !== 'agency') throw new NotFoundError();
      const details = await trx
        .selectFrom('agency_assessment as aa')
        .leftJoin('attachment as f', (j) => j.onRef('f.id', '=', 'aa.attachment_id').on('f.deleted_at', 'is', null))
        .select([
          'aa.tool',
          'aa.completed_on',
          'aa.signed_off_by',
          'aa.signed_off_on',
          'aa.level',
          'aa.summary',
          'aa.attachment_id',
          'f.person_id as file_person_id',
          'f.media_type',
          'f.size_bytes',
        ])
        .where('aa.assessment_id', '=', assessmentId)
        .executeTakeFirstOrThrow();
      const children = await this.children(trx, assessmentId);
      const withheld = await withheldPeople(
        trx,
        children.map((c) => c.id),
      );
      const named = (id: string | null, n: string) => (id && withheld.has(id) ? WITHHELD_NAME : n);
      const needs = (await this.needs(trx, assessmentId)).map((n) => ({
        ...n,
        area: needAreaName(a.guidance.content, n.domain, n.sub_area),
        about: n.person_id ? named(n.person_id, `${n.given_name} ${n.family_name}`) : 'The whole family',
      }));
      await recordAudit(trx, auditContext(ctx), {
        action: 'assessment.viewed',
        recordType: 'person',
        recordId: personId,
        details: { assessmentId, kind: 'agency' },
      });
      return {
        person: found.person,
        name: named(personId, nameOf(found.person)),
        a,
        details: {
          ...details,
          levelName: a.guidance.content.levels.find((l) => l.id === details.level)?.name ?? details.level,
        },
        children: children.map((c) => ({ id: c.id, name: named(c.id, nameOf(c)) })),
        needs,
        document: details.media_type && details.file_person_id ? { personId: details.file_person_id } : null,
      };
    });
  }

  private async documentOf(
    trx: Q,
    a: { id: string; guidance: GuidanceVersion; author_name: string; organisation_name: string },
    number: number,
    names: { nameOf(id: string | null, name: string): string },
  ) {
    const v = await trx
      .selectFrom('assessment_version as v')
      .innerJoin('app_user as u', 'u.id', 'v.saved_by')
      .select(['v.content', 'v.saved_at', 'u.name'])
      .where('v.assessment_id', '=', a.id)
      .where('v.number', '=', number)
      .executeTakeFirstOrThrow();
    const content = parseJson<
      AssessmentContent & { unmetNeeds?: { personId: string | null; subArea: string; description: string }[] }
    >(v.content);
    return assessmentDocument(a, number, content, await this.children(trx, a.id), names);
  }
}

const OBJECTIVE_WORDS: Record<string, string> = {
  open: 'Open',
  achieved: 'Achieved',
  not_achieved: 'Not achieved',
  dropped: 'No longer needed',
};

/** The plan's objectives that address this assessment's unmet needs: which need each addresses, as it stands now. */
async function planObjectivesFor(q: Q, assessmentId: string): Promise<DocumentBlock[]> {
  const rows = await q
    .selectFrom('plan_objective as o')
    .innerJoin('assessment_need as n', 'n.id', 'o.assessment_need_id')
    .select(['o.need', 'o.success_criterion', 'o.target_date', 'o.status', 'n.description'])
    .where('n.assessment_id', '=', assessmentId)
    .orderBy('o.created_at')
    .orderBy('o.id')
    .execute();
  return [
    { type: 'heading', level: 2, text: 'The plan’s objectives for these needs' },
    rows.length
      ? {
          type: 'table',
          head: ['Unmet need', 'Objective', 'Target date', 'Status'],
          rows: rows.map((r) => [
            r.description,
            `${r.need}. ${r.success_criterion}`,
            r.target_date,
            OBJECTIVE_WORDS[r.status] ?? r.status,
          ]),
        }
      : { type: 'paragraph', text: 'No plan objective is linked to these needs yet' },
  ];
}

/** A document shown inside a page that has its own title: without the document's first heading. */
function withoutTitle(d: DocumentModel): DocumentModel {
  return { ...d, blocks: d.blocks.filter((b) => !(b.type === 'heading' && b.level === 1)) };
}

/** The document model of one version: for the printable page, the PDF and the sign-off page. */
export function assessmentDocument(
  a: { guidance: GuidanceVersion; author_name: string; organisation_name: string },
  number: number,
  content: AssessmentContent & { unmetNeeds?: { personId: string | null; subArea: string; description: string }[] },
  children: { id: string; given_name: string; family_name: string }[],
  names: { nameOf(id: string | null, name: string): string },
): DocumentModel {
  const g = a.guidance.content;
  const text = (k: string) => {
    const v = content[k];
    return typeof v === 'string' && v.trim() ? v : 'Not recorded';
  };
  const subAreaName = new Map(g.domains.flatMap((d) => d.subAreas.map((s) => [s.id, `${d.name}: ${s.name}`] as const)));
  const childName = new Map(children.map((c) => [c.id, names.nameOf(c.id, nameOf(c))]));
  const prefill = content.prefill as Prefill | undefined;
  const blocks: DocumentBlock[] = [
    { type: 'heading', level: 1, text: 'Early help assessment' },
    {
      type: 'keyValue',
      rows: [
        { key: 'Children', value: children.map((c) => childName.get(c.id)).join(', ') },
        { key: 'Written by', value: `${a.author_name}, ${a.organisation_name}` },
        { key: 'Version', value: String(number) },
        { key: 'Threshold guidance', value: `Version ${a.guidance.version}` },
      ],
    },
  ];
  if (prefill?.household.length) {
    blocks.push({ type: 'heading', level: 2, text: 'Household' });
    blocks.push({ type: 'list', items: prefill.household.map((h) => names.nameOf(h.id, h.name)) });
  }
  for (const s of assessmentSections(g)) {
    blocks.push({ type: 'heading', level: 2, text: s.title });
    if (s.needs) {
      const needs = content.unmetNeeds ?? [];
      blocks.push(
        needs.length
          ? {
              type: 'table',
              head: ['Area', 'About', 'Need'],
              rows: needs.map((n) => [
                subAreaName.get(n.subArea) ?? n.subArea,
                n.personId ? (childName.get(n.personId) ?? 'A child') : 'The whole family',
                n.description,
              ]),
            }
          : { type: 'paragraph', text: 'None recorded' },
      );
      continue;
    }
    for (const f of s.fields) {
      const label = f.group ? `${f.group}: ${f.label.toLowerCase()}` : f.label;
      blocks.push({ type: 'heading', level: 3, text: label });
      const v =
        f.kind === 'level' ? (g.levels.find((l) => l.id === content[f.name])?.name ?? 'Not recorded') : text(f.name);
      blocks.push({ type: 'paragraph', text: v });
    }
  }
  return { title: 'Early help assessment', blocks, footer: `Early help assessment, version ${number}` };
}
