/** SQL for recorded conversations: the conversation, its children, participants, actions, recipients and follow-ups. */
import { type Insertable, sql } from 'kysely';
import type { Q } from '../../db/connection.ts';
import type { CaseNoteTable, FollowUpAnswer } from '../../db/schema.ts';

/** Active people who use the service (never service accounts), to pick as participants, owners and recipients. */
/** At most this many people are offered by one search. */
export const PICKER_LIMIT = 50;

/**
 * The people a conversation can name, for the picker: those whose name, job title or organisation contains the
 * search (or, before a search, those of the user's own organisation), at most PICKER_LIMIT, and always the people
 * already chosen.
 */
export async function pickableUsers(db: Q, opts: { search: string; organisationId: string; chosen: string[] }) {
  const base = () =>
    db
      .selectFrom('app_user as u')
      .innerJoin('organisation as o', 'o.id', 'u.organisation_id')
      .select(['u.id', 'u.name', 'u.job_title', 'u.organisation_id', 'o.name as organisation_name', 'o.agency_type'])
      .where('u.disabled_at', 'is', null)
      .where('u.kind', '=', 'person');
  const like = `%${opts.search.replace(/[\\%_]/g, '\\$&')}%`;
  const found = await (opts.search
    ? base().where((eb) =>
        eb.or([eb('u.name', 'ilike', like), eb('u.job_title', 'ilike', like), eb('o.name', 'ilike', like)]),
      )
    : base().where('u.organisation_id', '=', opts.organisationId)
  )
    .orderBy('u.name')
    .orderBy('o.name')
    .limit(PICKER_LIMIT + 1)
    .execute();
  const more = found.length > PICKER_LIMIT;
  const users = found.slice(0, PICKER_LIMIT);
  const missing = opts.chosen.filter((id) => !users.some((u) => u.id === id));
  const chosen = missing.length ? await base().where('u.id', 'in', missing).execute() : [];
  return {
    users: [...chosen, ...users].sort((a, b) => a.name.localeCompare(b.name)),
    found: users.length,
    more,
  };
}

export async function usersByIds(db: Q, ids: string[]) {
  if (!ids.length) return [];
  return db
    .selectFrom('app_user as u')
    .innerJoin('organisation as o', 'o.id', 'u.organisation_id')
    .select(['u.id', 'u.name', 'u.organisation_id', 'o.name as organisation_name', 'o.agency_type'])
    .where('u.id', 'in', ids)
    .where('u.disabled_at', 'is', null)
    .where('u.kind', '=', 'person')
    .execute();
}

export interface ConversationRow {
  id: string;
  person_id: string;
  organisation_id: string;
  organisation_name: string;
  kind: 'phone' | 'meeting' | 'video';
  held_on: string;
  concerns: string | null;
  strengths: string | null;
  agreed: string;
  recorded_by: string;
  recorded_by_name: string;
  recorded_at: Date;
  follow_up_on: string;
}

function conversations(db: Q) {
  return db
    .selectFrom('conversation as c')
    .innerJoin('app_user as u', 'u.id', 'c.recorded_by')
    .innerJoin('organisation as o', 'o.id', 'c.organisation_id')
    .selectAll('c')
    .select(['u.name as recorded_by_name', 'o.name as organisation_name']);
}

export async function findConversation(db: Q, id: string): Promise<ConversationRow | undefined> {
  return conversations(db).where('c.id', '=', id).executeTakeFirst();
}

/** The conversations about a person (through any of the records given: a child's own and those merged into it). */
export async function conversationsAbout(db: Q, personIds: string[]): Promise<ConversationRow[]> {
  if (!personIds.length) return [];
  return conversations(db)
    .where('c.id', 'in', (eb) =>
      eb.selectFrom('conversation_child').select('conversation_id').where('person_id', 'in', personIds),
    )
    .orderBy('c.held_on', 'desc')
    .orderBy('c.recorded_at', 'desc')
    .execute();
}

export async function childrenOf(db: Q, conversationId: string) {
  return db
    .selectFrom('conversation_child as cc')
    .innerJoin('person as p', 'p.id', 'cc.person_id')
    .select(['p.id', 'p.given_name', 'p.family_name'])
    .where('cc.conversation_id', '=', conversationId)
    .orderBy('p.family_name')
    .orderBy('p.given_name')
    .execute();
}

export async function participantsOf(db: Q, conversationId: string) {
  return db
    .selectFrom('conversation_participant as p')
    .leftJoin('app_user as u', 'u.id', 'p.user_id')
    .leftJoin('organisation as o', 'o.id', 'u.organisation_id')
    .select([
      'p.id',
      'p.user_id',
      'p.name',
      'p.organisation_name',
      'p.role',
      'u.name as user_name',
      'u.job_title as user_job_title',
      'u.organisation_id as user_organisation_id',
      'o.name as user_organisation_name',
    ])
    .where('p.conversation_id', '=', conversationId)
    .orderBy('p.user_id', 'asc')
    .orderBy('u.name')
    .orderBy('p.name')
    .execute();
}

export async function actionsOf(db: Q, conversationIds: string[]) {
  if (!conversationIds.length) return [];
  return db
    .selectFrom('conversation_action as a')
    .innerJoin('app_user as u', 'u.id', 'a.owner_user_id')
    .innerJoin('organisation as o', 'o.id', 'u.organisation_id')
    .leftJoin('app_user as d', 'd.id', 'a.done_by')
    .select([
      'a.id',
      'a.conversation_id',
      'a.description',
      'a.owner_user_id',
      'a.due_on',
      'a.done_at',
      'a.done_by',
      'u.name as owner_name',
      'o.name as owner_organisation_name',
      'd.name as done_by_name',
    ])
    .where('a.conversation_id', 'in', conversationIds)
    .orderBy('a.due_on')
    .orderBy('a.id')
    .execute();
}

export async function recipientsOf(db: Q, conversationId: string) {
  return db
    .selectFrom('conversation_recipient as r')
    .innerJoin('app_user as u', 'u.id', 'r.user_id')
    .innerJoin('organisation as o', 'o.id', 'u.organisation_id')
    .select(['u.id', 'u.name', 'u.organisation_id', 'o.name as organisation_name'])
    .where('r.conversation_id', '=', conversationId)
    .orderBy('u.name')
    .execute();
}

/** The users a conversation names: participants, action owners and those the outcome was sent to. */
export async function usersNamedOn(db: Q, conversationId: string): Promise<string[]> {
  const r = await sql<{ user_id: string }>`
    select user_id from conversation_participant where conversation_id = ${conversationId} and user_id is not null
    union select owner_user_id from conversation_action where conversation_id = ${conversationId}
    union select user_id from conversation_recipient where conversation_id = ${conversationId}`.execute(db);
  return r.rows.map((x) => x.user_id);
}

export async function participantUsers(db: Q, conversationId: string) {
  return db
    .selectFrom('conversation_participant as p')
    .innerJoin('app_user as u', 'u.id', 'p.user_id')
    .select(['u.id', 'u.organisation_id'])
    .where('p.conversation_id', '=', conversationId)
    .where('u.disabled_at', 'is', null)
    .execute();
}

/** The follow-up question a user was asked about a conversation, if they were. */
export async function followUpFor(db: Q, conversationId: string, userId: string) {
  return db
    .selectFrom('conversation_follow_up')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
}

export async function answerFollowUp(
  trx: Q,
  id: string,
  values: { answer: FollowUpAnswer; comment: string | null; at: Date },
) {
  await trx
    .updateTable('conversation_follow_up')
    .set({ answer: values.answer, comment: values.comment, answered_at: values.at })
    .where('id', '=', id)
    .execute();
}

export interface ReportRow {
  month: string;
  organisation_name: string;
  answer: FollowUpAnswer;
  n: number;
}

/** Answers counted by the month the conversation was held and the answerer's organisation; nothing about anyone. */
export async function followUpCounts(db: Q, organisationIds: string[] | 'all'): Promise<ReportRow[]> {
  if (organisationIds !== 'all' && !organisationIds.length) return [];
  const r = await sql<ReportRow>`
    select to_char(c.held_on, 'YYYY-MM') as month, o.name as organisation_name, f.answer, count(*)::int as n
      from conversation_follow_up f
      join conversation c on c.id = f.conversation_id
      join organisation o on o.id = f.organisation_id
     where f.answer is not null
       ${organisationIds === 'all' ? sql`` : sql`and f.organisation_id in (${sql.join(organisationIds)})`}
     group by 1, 2, 3
     order by 1 desc, 2, 3`.execute(db);
  return r.rows;
}

/** The working days a partnership waits before asking whether a conversation helped (the smallest, if several). */
export async function followUpWorkingDays(db: Q, partnershipIds: string[]): Promise<number | null> {
  if (!partnershipIds.length) return null;
  const row = await db
    .selectFrom('area')
    .select((eb) => eb.fn.min('conversation_follow_up_working_days').as('days'))
    .where('id', 'in', partnershipIds)
    .executeTakeFirst();
  return row?.days == null ? null : Number(row.days);
}

/** A person's case notes, newest first, with who wrote them. */
export async function notes(db: Q, personId: string) {
  return db
    .selectFrom('case_note as n')
    .innerJoin('app_user as u', 'u.id', 'n.recorded_by')
    .innerJoin('organisation as o', 'o.id', 'n.organisation_id')
    .leftJoin('sensitive_category as s', 's.code', 'n.category')
    .selectAll('n')
    .select(['u.name as recorded_by_name', 'o.name as organisation_name', 's.label as category_label'])
    .where('n.person_id', '=', personId)
    .orderBy('n.recorded_at', 'desc')
    .execute();
}

export async function insertNote(trx: Q, values: Insertable<CaseNoteTable>) {
  return (await trx.insertInto('case_note').values(values).returning('id').executeTakeFirstOrThrow()).id;
}
