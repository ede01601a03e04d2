/**
 * The one place that finds an actor's relationships with a child: why they "work with this child". Case detail,
 * consent, editing a record, shielding, the caseload and the directory's child picker all ask here, so a child is
 * never "yours" on one page and a stranger on the next.
 *
 * A relationship comes from something recorded about the child now:
 * - `lead`: the actor is the lead practitioner of an open early help episode covering the child; for a child with no
 *   open episode, the actor is marked lead on a current involvement (the marker recorded before episodes, kept
 *   working: docs/decisions/0024-early-help-episodes.md);
 * - `involved`: the actor is the named practitioner on a current involvement;
 * - `team_around_family`: the actor is a current member of the team around the family of an open episode covering
 *   the child (leaving the team, or the episode closing, ends it);
 * - `front_door_contact`: the actor holds an open front door contact about the child;
 * - `panel_agenda`: the actor is a current member of a panel (any seat, deputies included) whose meeting has the
 *   child on its agenda, from `PANEL_AGENDA_DAYS_BEFORE` calendar days before the meeting (papers circulate) until
 *   `PANEL_AGENDA_DAYS_AFTER` days after it (docs/decisions/0030-panel-requests.md);
 * - `team`: a team the actor belongs to is involved;
 * - `managed_team`: a team the actor manages, or one of its members, is involved;
 * - `organisation`: the actor's organisation is involved.
 *
 * Current means started on or before London's today and not yet ended: the end date is the last day of the work, so
 * an involvement ended today still counts until the day is over, and one starting tomorrow does not count yet.
 *
 * Break-glass is not a relationship: it is a separate act, with a reason, audited and notified each time.
 *
 * Which kinds a use accepts is its own decision, written down beside it (see `ANY_RELATIONSHIP` and
 * `PERSONAL_RELATIONSHIPS`, and docs/decisions/0015-one-relationship-function.md).
 */
import { type Expression, type ExpressionBuilder, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import type { Q } from '../db/connection.ts';
import type { DB, InvolvementTable } from '../db/schema.ts';
import type { Actor, Relationship } from './access.ts';
import { londonToday } from './calendar.ts';

/** Every kind of relationship, strongest first. */
export const CHILD_RELATIONSHIP_KINDS = [
  'lead',
  'involved',
  'team_around_family',
  'front_door_contact',
  'panel_agenda',
  'team',
  'managed_team',
  'organisation',
] as const;
export type RelationshipKind = (typeof CHILD_RELATIONSHIP_KINDS)[number];

/**
 * Every kind, the organisation's included: seeing case detail (which also needs a sharing basis), seeing and
 * recording consent, changing a record's identifying details, and the directory's eligibility check.
 */
export const ANY_RELATIONSHIP: readonly RelationshipKind[] = CHILD_RELATIONSHIP_KINDS;

/**
 * The actor's own work with the child, themselves or through their teams, not merely their organisation's: the
 * caseload ("children I work with") and the power to shield or lift shielding.
 */
export const PERSONAL_RELATIONSHIPS: readonly RelationshipKind[] = CHILD_RELATIONSHIP_KINDS.filter(
  (k) => k !== 'organisation',
);

export const RELATIONSHIP_DESCRIPTIONS: Record<RelationshipKind, string> = {
  lead: 'You are the lead practitioner for this person',
  involved: 'You are recorded as working with this person',
  team_around_family: 'You are a member of the team around this person’s family',
  front_door_contact: 'You are dealing with an open front door contact about this person',
  panel_agenda: 'This person is on the agenda of a panel you sit on',
  team: 'Your team is recorded as working with this person',
  managed_team: 'A team you manage is working with this person',
  organisation: 'Your organisation is recorded as working with this person',
};

/** The record a relationship comes through: an involvement, a front door contact, an episode or a panel meeting. */
export interface RelationshipVia {
  record: 'involvement' | 'contact' | 'episode' | 'panel_meeting';
  id: string;
}

export interface ChildRelationship extends Relationship {
  kind: RelationshipKind;
  description: string;
  via?: RelationshipVia;
}

/** What the relationship queries need to know about the actor. */
export type RelationshipActor = Pick<Actor, 'userId' | 'organisationId' | 'teamIds' | 'managedTeamIds'>;

export interface RelationshipOptions {
  /** The kinds this use accepts (default: every kind). */
  kinds?: readonly RelationshipKind[];
}

interface Row {
  person_id: string;
  kind: RelationshipKind;
  via_record: RelationshipVia['record'];
  via_id: string;
}

type Source = SelectQueryBuilder<DB, never, Row>;
type InvolvementEb = ExpressionBuilder<DB & { i: InvolvementTable }, 'i'>;

/** The one rule for a current involvement (aliased `i`) on a London date. */
export function currentInvolvement(today: string) {
  return (eb: InvolvementEb) =>
    eb.and([eb('i.started_on', '<=', today), eb.or([eb('i.ended_on', 'is', null), eb('i.ended_on', '>=', today)])]);
}

/** One child's lead practitioner, as `leadRows` finds it. */
export interface LeadRow {
  person_id: string;
  user_id: string | null;
  /** The open episode whose current lead this is; null for a lead marked on an involvement. */
  episode_id: string | null;
  /** The involvement marked lead; null for an episode's lead. */
  involvement_id: string | null;
}

/**
 * The one rule for who is a child's lead practitioner on a London date: the current lead of an open episode covering
 * the child; for a child with no open episode, a current involvement marked lead (the marker recorded before
 * episodes, docs/decisions/0024-early-help-episodes.md). The `lead` relationship, the index card, the family page,
 * "who to talk to" and the targeted services lists all read it (`currentLeads` in the episodes feature).
 */
export function leadRows(q: Q, today: string): SelectQueryBuilder<DB, never, LeadRow> {
  const fromEpisodes = q
    .selectFrom('episode_lead as el')
    .innerJoin('episode as e', 'e.id', 'el.episode_id')
    .innerJoin('episode_person as ep', 'ep.episode_id', 'e.id')
    .select(['ep.person_id', 'el.user_id', 'e.id as episode_id', sql<string | null>`null::uuid`.as('involvement_id')])
    .where('el.ended_at', 'is', null)
    .where('e.status', '=', 'open');
  const fromInvolvements = q
    .selectFrom('involvement as i')
    .select(['i.person_id', 'i.user_id', sql<string | null>`null::uuid`.as('episode_id'), 'i.id as involvement_id'])
    .where(currentInvolvement(today))
    .where('i.is_lead', '=', true)
    .where(
      sql<SqlBool>`not exists (select 1 from episode_person ep0 join episode e0 on e0.id = ep0.episode_id
                                where ep0.person_id = i.person_id and e0.status = 'open')`,
    );
  return (fromEpisodes as unknown as SelectQueryBuilder<DB, never, LeadRow>).unionAll(
    fromInvolvements as unknown as SelectQueryBuilder<DB, never, LeadRow>,
  );
}

/** Current involvements matching a condition, as rows of one kind. */
function fromInvolvements(
  q: Q,
  kind: RelationshipKind,
  today: string,
  condition: (eb: InvolvementEb) => Expression<SqlBool>,
): Source {
  return q
    .selectFrom('involvement as i')
    .select([
      'i.person_id',
      sql<RelationshipKind>`${sql.lit(kind)}::text`.as('kind'),
      sql<RelationshipVia['record']>`'involvement'::text`.as('via_record'),
      'i.id as via_id',
    ])
    .where(currentInvolvement(today))
    .where(condition) as unknown as Source;
}

/** Panel members see a child on their panel's agenda from this many calendar days before the meeting … */
export const PANEL_AGENDA_DAYS_BEFORE = 7;
/** … to this many calendar days after it: decisions are recorded within 48 hours and circulated within 4 working days. */
export const PANEL_AGENDA_DAYS_AFTER = 14;

/**
 * Where each kind of relationship is found: a query of (person_id, kind, via_id) rows, or null when it cannot apply
 * to this actor. Later features add their kind's query here, and only here: the single-child and the list forms
 * both read this table, so they cannot disagree.
 */
const SOURCES: Record<RelationshipKind, (q: Q, actor: RelationshipActor, today: string) => Source | null> = {
  // The lead of an open episode; for a child with no open episode, the lead marked on a current involvement.
  lead: (q, actor, today) =>
    q
      .selectFrom(leadRows(q, today).as('l'))
      .select([
        'l.person_id',
        sql<RelationshipKind>`'lead'::text`.as('kind'),
        sql<RelationshipVia['record']>`case when l.episode_id is null then 'involvement' else 'episode' end`.as(
          'via_record',
        ),
        sql<string>`coalesce(l.episode_id, l.involvement_id)`.as('via_id'),
      ])
      .where('l.user_id', '=', actor.userId) as unknown as Source,
  involved: (q, actor, today) => fromInvolvements(q, 'involved', today, (eb) => eb('i.user_id', '=', actor.userId)),
  // A current member of the team around the family of an open episode: joined on or before today and not removed.
  // Leaving ends it at once (unlike an involvement's end date, which counts to the end of its day): the team is
  // the episode's to change, and someone taken off it should not keep reading the family's record that day.
  team_around_family: (q, actor, today) =>
    q
      .selectFrom('episode_member as m')
      .innerJoin('episode as e', 'e.id', 'm.episode_id')
      .innerJoin('episode_person as ep', 'ep.episode_id', 'e.id')
      .select([
        'ep.person_id',
        sql<RelationshipKind>`'team_around_family'::text`.as('kind'),
        sql<RelationshipVia['record']>`'episode'::text`.as('via_record'),
        'e.id as via_id',
      ])
      .where('m.user_id', '=', actor.userId)
      .where('e.status', '=', 'open')
      .where('m.joined_on', '<=', today)
      .where('m.left_at', 'is', null) as unknown as Source,
  // An open front door contact assigned to the actor: the worker holding it works with its children until it is decided.
  front_door_contact: (q, actor) =>
    q
      .selectFrom('contact as c')
      .innerJoin('contact_child as cc', 'cc.contact_id', 'c.id')
      .select([
        'cc.person_id',
        sql<RelationshipKind>`${sql.lit('front_door_contact')}::text`.as('kind'),
        sql<RelationshipVia['record']>`'contact'::text`.as('via_record'),
        'c.id as via_id',
      ])
      .where('c.assigned_to', '=', actor.userId)
      .where('c.status', '=', 'open') as unknown as Source,
  // A current member of a panel (any seat, deputies included) whose meeting, not cancelled, has the child on its
  // agenda (an accepted request with a slot, or one discussed), within the window around the meeting.
  panel_agenda: (q, actor, today) =>
    q
      .selectFrom('panel_request as r')
      .innerJoin('panel_request_person as rp', 'rp.request_id', 'r.id')
      .innerJoin('panel_meeting as pm', 'pm.id', 'r.meeting_id')
      .innerJoin('panel_member as m', 'm.panel_id', 'r.panel_id')
      .select([
        'rp.person_id',
        sql<RelationshipKind>`'panel_agenda'::text`.as('kind'),
        sql<RelationshipVia['record']>`'panel_meeting'::text`.as('via_record'),
        'pm.id as via_id',
      ])
      .where('m.user_id', '=', actor.userId)
      .where('m.from_date', '<=', today)
      .where((eb) => eb.or([eb('m.to_date', 'is', null), eb('m.to_date', '>', today)]))
      .where('r.status', 'in', ['accepted', 'discussed'])
      .where('pm.status', '<>', 'cancelled')
      .where(sql<SqlBool>`pm.meeting_date - ${sql.lit(PANEL_AGENDA_DAYS_BEFORE)} <= ${today}::date`)
      .where(
        sql<SqlBool>`pm.meeting_date + ${sql.lit(PANEL_AGENDA_DAYS_AFTER)} >= ${today}::date`,
      ) as unknown as Source,
  team: (q, actor, today) =>
    actor.teamIds.length ? fromInvolvements(q, 'team', today, (eb) => eb('i.team_id', 'in', actor.teamIds)) : null,
  managed_team: (q, actor, today) =>
    actor.managedTeamIds.length
      ? fromInvolvements(q, 'managed_team', today, (eb) =>
          eb.or([
            eb('i.team_id', 'in', actor.managedTeamIds),
            eb(
              'i.user_id',
              'in',
              eb.selectFrom('user_team as ut').select('ut.user_id').where('ut.team_id', 'in', actor.managedTeamIds),
            ),
          ]),
        )
      : null,
  organisation: (q, actor, today) =>
    fromInvolvements(q, 'organisation', today, (eb) => eb('i.organisation_id', '=', actor.organisationId)),
};

/** All relationship rows for the accepted kinds, for one person or for everyone; null when none can apply. */
function relationshipRows(q: Q, actor: RelationshipActor, at: Date, options: RelationshipOptions): Source | null {
  const today = londonToday(at);
  const kinds = options.kinds ?? CHILD_RELATIONSHIP_KINDS;
  const sources = CHILD_RELATIONSHIP_KINDS.filter((k) => kinds.includes(k))
    .map((k) => SOURCES[k](q, actor, today))
    .filter((s): s is Source => s !== null);
  const [first, ...rest] = sources;
  if (!first) return null;
  return rest.reduce((all, s) => all.unionAll(s), first);
}

const strength = (kind: RelationshipKind) => CHILD_RELATIONSHIP_KINDS.indexOf(kind);

/** One relationship per kind, strongest first; each through the first record (by id) that gives it. */
function toRelationships(rows: Row[]): ChildRelationship[] {
  const byKind = new Map<RelationshipKind, RelationshipVia>();
  for (const r of rows) {
    const seen = byKind.get(r.kind);
    if (seen === undefined || r.via_id < seen.id) byKind.set(r.kind, { record: r.via_record, id: r.via_id });
  }
  return [...byKind.entries()]
    .sort(([a], [b]) => strength(a) - strength(b))
    .map(([kind, via]) => ({ kind, description: RELATIONSHIP_DESCRIPTIONS[kind], via }));
}

/** All the actor's current relationships with a person, strongest first; none means they do not work with them. */
export async function relationshipsWith(
  q: Q,
  actor: RelationshipActor,
  personId: string,
  at: Date,
  options: RelationshipOptions = {},
): Promise<ChildRelationship[]> {
  const rows = relationshipRows(q, actor, at, options);
  if (!rows) return [];
  return toRelationships(await q.selectFrom(rows.as('r')).selectAll().where('r.person_id', '=', personId).execute());
}

/**
 * The ids of the people the actor works with now, as a sub-query for lists: `where('p.id', 'in', ...)`. The same
 * rows as `relationshipsWith`, for everyone at once.
 */
export function personIdsActorWorksWith(q: Q, actor: RelationshipActor, at: Date, options: RelationshipOptions = {}) {
  const rows = relationshipRows(q, actor, at, options);
  if (rows) return q.selectFrom(rows.as('r')).select('r.person_id');
  // No kind can apply: an empty list, still usable as a sub-query.
  return q.selectFrom('involvement as i').select('i.person_id as person_id').where(sql<SqlBool>`false`);
}

/** The set form: every person the actor works with now, each with their relationships, strongest first. */
export async function childrenActorWorksWith(
  q: Q,
  actor: RelationshipActor,
  at: Date,
  options: RelationshipOptions = {},
): Promise<Map<string, ChildRelationship[]>> {
  const rows = relationshipRows(q, actor, at, options);
  const all = rows ? await rows.execute() : [];
  const byPerson = new Map<string, Row[]>();
  for (const r of all) byPerson.set(r.person_id, [...(byPerson.get(r.person_id) ?? []), r]);
  return new Map([...byPerson.entries()].map(([id, r]) => [id, toRelationships(r)]));
}
