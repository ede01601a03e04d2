/**
 * What a concern can be about: decisions recorded by any feature. A feature that records decisions people may
 * disagree with declares its kind here, once (like CHRONOLOGY_SOURCES): how to load one decision (the child it is
 * about, who made it, a short title and its page) and who may raise a concern about it. The concerns feature never
 * reads another feature's tables except through these entries.
 */
import type { Q } from '../../db/connection.ts';
import { type Actor, hasRole } from '../../platform/access.ts';
import { londonToday, longDate } from '../../platform/calendar.ts';
import { relationshipsWith } from '../../platform/relationships.ts';
import { accessContext, CASE_DETAIL_ROLES, canSeeRecord } from '../../platform/sharing.ts';
import { OUTCOME_LABELS } from '../front-door/codes.ts';
import { LEVEL_NAMES } from '../threshold/guidance.ts';

/** One decision, as the concerns feature needs to know it. */
export interface ConcernSubjectRecord {
  id: string;
  /** The child the decision is about. */
  personId: string;
  /** What the decision was, in a few words: "Level of need: Targeted, recorded on 1 December 2026". */
  title: string;
  /** The user who made the decision: they answer the first stage. Null when nobody is recorded. */
  decidedBy: string | null;
  decidedByOrganisationId: string | null;
  decidedAt: Date;
  /** The user who asked for the decision (a front-door contact's referrer): they may always disagree with it. */
  requestedBy?: string | null;
  /** The decision's page, a path within the service carrying no personal data. */
  href: string;
}

export interface ConcernSubject {
  /** Stored on the concern as `subject_kind`: lower case and underscores. */
  kind: string;
  /** What the decision is called: "Level of need decision". */
  label: string;
  load(q: Q, id: string): Promise<ConcernSubjectRecord | undefined>;
  /**
   * Whether the actor may raise a concern about the decision: they work with the child now and may see the
   * decision. The person who made it cannot disagree with themselves.
   */
  mayRaise(q: Q, actor: Actor, record: ConcernSubjectRecord, at: Date): Promise<boolean>;
  /**
   * For a decision about several children at once: the decisions of this kind about any of these children, each
   * with the child. A concern is recorded against one child (`load`'s); it shows on every child's chronology.
   */
  coveredChildren?(q: Q, personIds: string[]): Promise<{ id: string; personId: string }[]>;
}

/** Whether the actor holds a case-detail role and is not the person who made the decision. */
const mayDisagree = (actor: Actor, record: ConcernSubjectRecord) =>
  !!hasRole(actor, ...CASE_DETAIL_ROLES) && record.decidedBy !== actor.userId;

/** Whether the actor may see the decision as case detail of the organisation that made it (the sharing rules). */
async function maySeeDecision(q: Q, actor: Actor, record: ConcernSubjectRecord, at: Date) {
  const access = await accessContext(q, actor, record.personId, at);
  return canSeeRecord(access, {
    organisation_id: record.decidedByOrganisationId ?? '',
    recorded_by: record.decidedBy ?? '',
    category: null,
  });
}

/** A recorded level of need (src/features/threshold). */
export const needLevelSubject: ConcernSubject = {
  kind: 'need_level',
  label: 'Level of need decision',
  async load(q, id) {
    const row = await q
      .selectFrom('need_level')
      .select(['id', 'person_id', 'level', 'recorded_by', 'organisation_id', 'recorded_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      id: row.id,
      personId: row.person_id,
      title: `Level of need: ${LEVEL_NAMES[row.level]}, recorded on ${longDate(londonToday(row.recorded_at))}`,
      decidedBy: row.recorded_by,
      decidedByOrganisationId: row.organisation_id,
      decidedAt: row.recorded_at,
      href: `/people/${row.person_id}/need-level`,
    };
  },
  async mayRaise(q, actor, record, at) {
    return mayDisagree(actor, record) && maySeeDecision(q, actor, record, at);
  },
};

/**
 * A front-door decision on a contact (src/features/front-door). A contact may be about several children; the
 * concern is recorded against the first of them, as the contact's page lists them, and shows on the chronology
 * of each. The practitioner who asked, and anyone who works with the child, may disagree; the worker who decided
 * may not.
 */
export const frontDoorDecisionSubject: ConcernSubject = {
  kind: 'front_door_decision',
  label: 'Front door decision',
  async load(q, id) {
    const row = await q
      .selectFrom('contact_decision as d')
      .innerJoin('contact as c', 'c.id', 'd.contact_id')
      .innerJoin('app_user as u', 'u.id', 'd.decided_by')
      .select([
        'd.id',
        'd.outcome',
        'd.decided_by',
        'd.decided_at',
        'c.id as contact_id',
        'c.reference',
        'c.referrer_user_id',
        'u.organisation_id',
      ])
      .where('d.id', '=', id)
      .executeTakeFirst();
    if (!row) return undefined;
    const child = await q
      .selectFrom('contact_child as cc')
      .innerJoin('person as p', 'p.id', 'cc.person_id')
      .select('cc.person_id')
      .where('cc.contact_id', '=', row.contact_id)
      .orderBy('p.date_of_birth')
      .orderBy('cc.person_id')
      .executeTakeFirst();
    if (!child) return undefined;
    return {
      id: row.id,
      personId: child.person_id,
      title: `Front door decision on ${row.reference}: ${OUTCOME_LABELS[row.outcome]}, ${longDate(londonToday(row.decided_at))}`,
      decidedBy: row.decided_by,
      decidedByOrganisationId: row.organisation_id,
      decidedAt: row.decided_at,
      requestedBy: row.referrer_user_id,
      href: `/front-door/contacts/${row.contact_id}`,
    };
  },
  async mayRaise(q, actor, record, at) {
    if (!mayDisagree(actor, record)) return false;
    // The contact was read with the decision: its referrer came with it.
    if (record.requestedBy === actor.userId) return true;
    return (await relationshipsWith(q, actor, record.personId, at)).length > 0;
  },
  async coveredChildren(q, personIds) {
    if (!personIds.length) return [];
    return q
      .selectFrom('contact_child as cc')
      .innerJoin('contact_decision as d', 'd.contact_id', 'cc.contact_id')
      .select(['d.id', 'cc.person_id as personId'])
      .where('cc.person_id', 'in', personIds)
      .execute();
  },
};

/**
 * What a recorded conversation agreed (src/features/conversations). A participant or anyone who works with the
 * child and may see the conversation may disagree; the practitioner who recorded it may not.
 */
export const conversationSubject: ConcernSubject = {
  kind: 'conversation',
  label: 'Conversation outcome',
  async load(q, id) {
    const row = await q
      .selectFrom('conversation as c')
      .innerJoin('app_user as u', 'u.id', 'c.recorded_by')
      .select(['c.id', 'c.person_id', 'c.held_on', 'c.recorded_by', 'c.recorded_at', 'c.organisation_id'])
      .where('c.id', '=', id)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      id: row.id,
      personId: row.person_id,
      title: `What was agreed in a conversation on ${longDate(row.held_on)}`,
      decidedBy: row.recorded_by,
      decidedByOrganisationId: row.organisation_id,
      decidedAt: row.recorded_at,
      href: `/people/${row.person_id}/conversations/${row.id}`,
    };
  },
  async mayRaise(q, actor, record, at) {
    if (!mayDisagree(actor, record)) return false;
    const participant = await q
      .selectFrom('conversation_participant')
      .select('id')
      .where('conversation_id', '=', record.id)
      .where('user_id', '=', actor.userId)
      .executeTakeFirst();
    if (participant) return true;
    return maySeeDecision(q, actor, record, at);
  },
};

/** Every kind of decision a concern can be about. A feature adds its entry here. */
export const CONCERN_SUBJECTS: readonly ConcernSubject[] = [
  needLevelSubject,
  frontDoorDecisionSubject,
  conversationSubject,
];

export function concernSubject(kind: string): ConcernSubject | undefined {
  return CONCERN_SUBJECTS.find((s) => s.kind === kind);
}
