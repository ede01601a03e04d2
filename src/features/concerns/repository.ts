/** SQL for concerns (dispute) resolution: concerns, their stages and the people asked to respond at each. */
import { type SqlBool, sql } from 'kysely';
import type { Q } from '../../db/connection.ts';
import {
  CONCERN_STAGES,
  type ConcernOutcome,
  type ConcernResolution,
  type ConcernResponderWhy,
  type ConcernStageName,
  type Role,
} from '../../db/schema.ts';
import type { Actor } from '../../platform/access.ts';

export async function insertConcern(
  q: Q,
  row: {
    subjectKind: string;
    subjectId: string;
    personId: string;
    raisedBy: string;
    organisationId: string;
    at: Date;
    disagreement: string;
    outcomeWanted: string;
  },
) {
  return q
    .insertInto('concern')
    .values({
      subject_kind: row.subjectKind,
      subject_id: row.subjectId,
      person_id: row.personId,
      raised_by: row.raisedBy,
      raised_by_organisation_id: row.organisationId,
      raised_at: row.at,
      disagreement: row.disagreement,
      outcome_wanted: row.outcomeWanted,
      resolution: null,
      resolved_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export async function insertStage(
  q: Q,
  row: { concernId: string; stage: ConcernStageName; at: Date; by: string | null },
  responders: { userId: string; why: ConcernResponderWhy }[],
) {
  const stage = await q
    .insertInto('concern_stage')
    .values({
      concern_id: row.concernId,
      stage: row.stage,
      opened_at: row.at,
      opened_by: row.by,
      outcome: null,
      reasons: null,
      answered_by: null,
      answered_at: null,
      overdue_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const seen = new Set<string>();
  const rows = responders.filter((r) => !seen.has(r.userId) && seen.add(r.userId));
  if (rows.length) {
    await q
      .insertInto('concern_responder')
      .values(rows.map((r) => ({ stage_id: stage.id, user_id: r.userId, why: r.why })))
      .execute();
  }
  return stage;
}

/** The concern with who raised it and the child's name; undefined when there is none. */
export async function findConcern(q: Q, id: string) {
  return q
    .selectFrom('concern as c')
    .innerJoin('app_user as u', 'u.id', 'c.raised_by')
    .innerJoin('organisation as o', 'o.id', 'c.raised_by_organisation_id')
    .innerJoin('person as p', 'p.id', 'c.person_id')
    .select([
      'c.id',
      'c.subject_kind',
      'c.subject_id',
      'c.person_id',
      'c.raised_by',
      'c.raised_by_organisation_id',
      'c.raised_at',
      'c.disagreement',
      'c.outcome_wanted',
      'c.status',
      'c.resolution',
      'c.resolved_at',
      'u.name as raised_by_name',
      'o.name as raised_by_organisation_name',
      'p.given_name',
      'p.family_name',
      'p.shielded',
    ])
    .where('c.id', '=', id)
    .executeTakeFirst();
}
export type ConcernRow = NonNullable<Awaited<ReturnType<typeof findConcern>>>;

/** The stages reached so far, in order, with who answered each. */
export async function stagesOf(q: Q, concernId: string) {
  return q
    .selectFrom('concern_stage as s')
    .leftJoin('app_user as u', 'u.id', 's.answered_by')
    .select([
      's.id',
      's.stage',
      's.opened_at',
      's.outcome',
      's.reasons',
      's.answered_by',
      's.answered_at',
      's.overdue_at',
      'u.name as answered_by_name',
    ])
    .where('s.concern_id', '=', concernId)
    .execute()
    .then((rows) => rows.sort((a, b) => CONCERN_STAGES.indexOf(a.stage) - CONCERN_STAGES.indexOf(b.stage)));
}
export type StageRow = Awaited<ReturnType<typeof stagesOf>>[number];

/** The people asked to respond at each of the stages, with their organisations. */
export async function respondersOf(q: Q, stageIds: string[]) {
  if (!stageIds.length) return [];
  return q
    .selectFrom('concern_responder as r')
    .innerJoin('app_user as u', 'u.id', 'r.user_id')
    .innerJoin('organisation as o', 'o.id', 'u.organisation_id')
    .select(['r.stage_id', 'r.user_id', 'r.why', 'u.name', 'o.name as organisation_name'])
    .where('r.stage_id', 'in', stageIds)
    .orderBy('u.name')
    .execute();
}

/**
 * Records the first answer to a stage. Returns false, changing nothing, when the stage was answered already (a
 * second person answering at the same time waits for the first's row lock, then finds it answered).
 */
export async function answerStage(
  q: Q,
  input: { stageId: string; outcome: ConcernOutcome; reasons: string; by: string; at: Date },
): Promise<boolean> {
  const r = await q
    .updateTable('concern_stage')
    .set({ outcome: input.outcome, reasons: input.reasons, answered_by: input.by, answered_at: input.at })
    .where('id', '=', input.stageId)
    .where('answered_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function resolveConcern(q: Q, id: string, resolution: ConcernResolution, at: Date) {
  await q
    .updateTable('concern')
    .set({ status: 'resolved', resolution, resolved_at: at })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .execute();
}

/** A user's line managers: the managers of the teams they belong to; else their organisation's managers. */
export async function lineManagersOf(q: Q, userId: string): Promise<string[]> {
  const byTeam = await q
    .selectFrom('user_team as m')
    .innerJoin('user_team as u', 'u.team_id', 'm.team_id')
    .innerJoin('app_user as a', 'a.id', 'm.user_id')
    .select('m.user_id')
    .distinct()
    .where('u.user_id', '=', userId)
    .where('m.is_manager', '=', true)
    .where('m.user_id', '<>', userId)
    .where('a.disabled_at', 'is', null)
    .where('a.kind', '=', 'person')
    .execute();
  if (byTeam.length) return byTeam.map((r) => r.user_id);
  const managerRole: Role = 'manager';
  const byOrganisation = await q
    .selectFrom('app_user as a')
    .innerJoin('app_user as me', 'me.organisation_id', 'a.organisation_id')
    .innerJoin('user_role as r', 'r.user_id', 'a.id')
    .select('a.id')
    .distinct()
    .where('me.id', '=', userId)
    .where('r.role', '=', managerRole)
    .where('a.id', '<>', userId)
    .where('a.disabled_at', 'is', null)
    .where('a.kind', '=', 'person')
    .execute();
  return byOrganisation.map((r) => r.id);
}

/** The safeguarding leads of the organisations, where one is named and their account is active. */
export async function safeguardingLeadsOf(q: Q, organisationIds: string[]): Promise<string[]> {
  if (!organisationIds.length) return [];
  const rows = await q
    .selectFrom('organisation as o')
    .innerJoin('app_user as a', (j) =>
      j.onRef('a.id', '=', 'o.safeguarding_lead_user_id').onRef('a.organisation_id', '=', 'o.id'),
    )
    .select(['o.id as organisation_id', 'a.id'])
    .where('o.id', 'in', organisationIds)
    .where('a.disabled_at', 'is', null)
    .execute();
  // In the order the organisations were given: the raiser's first.
  return organisationIds.flatMap((id) => rows.filter((r) => r.organisation_id === id).map((r) => r.id));
}

/**
 * Who may see a concern: the person who raised it, anyone asked to respond at any stage, and the managers of any
 * of them (a team they manage has that person as a member). As a condition on `concern as c`.
 */
export function visibleTo(actor: Pick<Actor, 'userId' | 'managedTeamIds'>) {
  return sql<SqlBool>`(
    c.raised_by = ${actor.userId}
    or exists (select 1 from concern_stage s join concern_responder r on r.stage_id = s.id
                where s.concern_id = c.id and r.user_id = ${actor.userId})
    ${
      actor.managedTeamIds.length
        ? sql`or exists (select 1 from user_team ut
                where ut.team_id in (${sql.join(actor.managedTeamIds)})
                  and (ut.user_id = c.raised_by
                       or ut.user_id in (select r.user_id from concern_stage s join concern_responder r on r.stage_id = s.id
                                          where s.concern_id = c.id)))`
        : sql``
    }
  )`;
}

export async function mayAccess(q: Q, actor: Actor, id: string): Promise<boolean> {
  const row = await q
    .selectFrom('concern as c')
    .select('c.id')
    .where('c.id', '=', id)
    .where(visibleTo(actor))
    .executeTakeFirst();
  return !!row;
}

/** The concerns the actor may see, newest first, with the current stage and its deadline. */
export async function visibleConcerns(q: Q, actor: Actor, limit = 500) {
  return q
    .selectFrom('concern as c')
    .innerJoin('person as p', 'p.id', 'c.person_id')
    .innerJoin('app_user as u', 'u.id', 'c.raised_by')
    .select([
      'c.id',
      'c.subject_kind',
      'c.subject_id',
      'c.person_id',
      'c.raised_by',
      'c.raised_at',
      'c.status',
      'c.resolution',
      'c.resolved_at',
      'p.given_name',
      'p.family_name',
      'p.shielded',
      'u.name as raised_by_name',
    ])
    .where(visibleTo(actor))
    .orderBy('c.raised_at', 'desc')
    .orderBy('c.id')
    .limit(limit)
    .execute();
}

/** The current (unanswered) stage of each concern, with its responders' ids. */
export async function currentStages(q: Q, concernIds: string[]) {
  if (!concernIds.length) return [];
  const stages = await q
    .selectFrom('concern_stage')
    .select(['id', 'concern_id', 'stage', 'opened_at', 'overdue_at'])
    .where('concern_id', 'in', concernIds)
    .where('answered_at', 'is', null)
    .execute();
  if (!stages.length) return [];
  const responders = await q
    .selectFrom('concern_responder')
    .select(['stage_id', 'user_id'])
    .where(
      'stage_id',
      'in',
      stages.map((s) => s.id),
    )
    .execute();
  return stages.map((s) => ({
    ...s,
    responderIds: responders.filter((r) => r.stage_id === s.id).map((r) => r.user_id),
  }));
}

/** Open stages whose deadline has passed and that nobody has been told about yet, for the daily check. */
export async function overdueStages(q: Q, now: Date) {
  return q
    .selectFrom('concern_stage as s')
    .innerJoin('concern as c', 'c.id', 's.concern_id')
    .innerJoin('deadline as d', (j) => j.onRef('d.owner_id', '=', 's.id').on('d.owner_type', '=', 'concern_stage'))
    .select(['s.id', 's.stage', 's.concern_id', 'c.person_id', 'c.raised_by', 'd.due_at'])
    .where('s.answered_at', 'is', null)
    .where('s.overdue_at', 'is', null)
    .where('c.status', '=', 'open')
    .where('d.due_at', '<=', now)
    .where('d.met_at', 'is', null)
    .orderBy('d.due_at')
    .execute();
}

export async function markOverdue(q: Q, stageId: string, at: Date): Promise<boolean> {
  const r = await q
    .updateTable('concern_stage')
    .set({ overdue_at: at })
    .where('id', '=', stageId)
    .where('overdue_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
