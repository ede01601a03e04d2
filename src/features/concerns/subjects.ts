/**
 * What a concern can be about: decisions recorded by any feature. A feature that records decisions people may
 * disagree with declares its kind here, once (like CHRONOLOGY_SOURCES): how to load one decision (the child it is
 * about, who made it, a short title and its page) and who may raise a concern about it. The concerns feature never
 * reads another feature's tables except through these entries.
 */
import type { Q } from '../../db/connection.ts';
import { type Actor, hasRole } from '../../platform/access.ts';
import { londonToday, longDate } from '../../platform/calendar.ts';
import { accessContext, CASE_DETAIL_ROLES, canSeeRecord } from '../../platform/sharing.ts';
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
    if (!hasRole(actor, ...CASE_DETAIL_ROLES)) return false;
    if (record.decidedBy === actor.userId) return false;
    const access = await accessContext(q, actor, record.personId, at);
    return canSeeRecord(access, {
      organisation_id: record.decidedByOrganisationId ?? '',
      recorded_by: record.decidedBy ?? '',
      category: null,
    });
  },
};

/** Every kind of decision a concern can be about. A feature adds its entry here. */
export const CONCERN_SUBJECTS: readonly ConcernSubject[] = [needLevelSubject];

export function concernSubject(kind: string): ConcernSubject | undefined {
  return CONCERN_SUBJECTS.find((s) => s.kind === kind);
}
