/** SQL for the duplicate review queue and for reversible merges. */
import { sql } from 'kysely';
import type { Q } from '../../db/connection.ts';
import type { DuplicateSource } from '../../db/schema.ts';

/**
 * Every column that points at a person and moves with them when two records are merged. A test compares this
 * list with the database's foreign keys, so a new table that refers to people cannot be forgotten here.
 */
export const PERSON_REFERENCES: readonly { table: string; column: string }[] = [
  { table: 'household_member', column: 'person_id' },
  { table: 'relationship', column: 'person_id' },
  { table: 'relationship', column: 'related_person_id' },
  { table: 'involvement', column: 'person_id' },
  { table: 'need_level', column: 'person_id' },
  { table: 'consent', column: 'person_id' },
  { table: 'consent', column: 'given_by_person_id' },
  { table: 'confidentiality_wish', column: 'person_id' },
  { table: 'confidentiality_wish', column: 'withheld_from_person_id' },
  { table: 'sharing_decision', column: 'person_id' },
  { table: 'case_note', column: 'person_id' },
  { table: 'withhold_marker', column: 'person_id' },
  { table: 'withhold_marker', column: 'subject_person_id' },
  { table: 'withhold_marker', column: 'withheld_from_person_id' },
  { table: 'person_name', column: 'person_id' },
  { table: 'person_identifier', column: 'person_id' },
  { table: 'shielding_change', column: 'person_id' },
  { table: 'shielding_request', column: 'person_id' },
  { table: 'work_item', column: 'person_id' },
  { table: 'attachment', column: 'person_id' },
  { table: 'concern', column: 'person_id' },
  { table: 'conversation', column: 'person_id' },
  { table: 'conversation_child', column: 'person_id' },
  { table: 'contact_child', column: 'person_id' },
  { table: 'guidance_support_family', column: 'person_id' },
  { table: 'think_family_need', column: 'person_id' },
  { table: 'episode_person', column: 'person_id' },
  { table: 'assessment_person', column: 'person_id' },
  { table: 'assessment_need', column: 'person_id' },
  { table: 'taf_meeting_family', column: 'person_id' },
  { table: 'contact_typed_child', column: 'matched_person_id' },
  { table: 'panel_request', column: 'person_id' },
  { table: 'panel_request_person', column: 'person_id' },
  { table: 'panel_forum_acknowledgement', column: 'person_id' },
];

/** Tables that link a person to a record by a composite key rather than an id: the key column a moved row is known by. */
const LINK_KEY: Record<string, string> = {
  household_member: 'household_id',
  contact_child: 'contact_id',
  episode_person: 'episode_id',
  assessment_person: 'assessment_id',
  taf_meeting_family: 'meeting_id',
  panel_request_person: 'request_id',
};

/** Columns that refer to people but record history about the records themselves: they never move. */
export const PERSON_REFERENCES_KEPT: readonly { table: string; column: string }[] = [
  { table: 'person', column: 'merged_into' },
  { table: 'possible_duplicate', column: 'person_id' },
  { table: 'possible_duplicate', column: 'other_person_id' },
  { table: 'person_merge', column: 'kept_id' },
  { table: 'person_merge', column: 'merged_id' },
];

/** A row moved by a merge: household memberships are keyed by household, every other table by id. */
export interface MovedRow {
  table: string;
  column: string;
  key: string;
}

/** Foreign keys to person(id) as the database has them, for the completeness test. */
export async function personForeignKeys(db: Q): Promise<{ table: string; column: string }[]> {
  const r = await sql<{ table: string; column: string }>`
    select cl.relname as table, a.attname as column
      from pg_constraint c
      join pg_class cl on cl.oid = c.conrelid
      join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any(c.conkey)
     where c.contype = 'f' and c.confrelid = 'person'::regclass
     order by 1, 2`.execute(db);
  return r.rows;
}

/**
 * Re-points one column from the merged record to the kept one and returns the rows it moved. Rows that would
 * then say something twice (the same household, or a relationship the kept record already has) or refer to the
 * kept record itself stay where they are, so nothing is lost and unmerge finds them untouched.
 */
export async function repoint(db: Q, ref: { table: string; column: string }, from: string, to: string) {
  const link = LINK_KEY[ref.table];
  if (link) {
    // A link the kept record already has (the same household or contact) stays on the merged record.
    const r = await sql<{ key: string }>`
      update ${sql.table(ref.table)} t set person_id = ${to}
       where t.person_id = ${from}
         and not exists (
           select 1 from ${sql.table(ref.table)} o where o.person_id = ${to} and o.${sql.ref(link)} = t.${sql.ref(link)})
      returning t.${sql.ref(link)} as key`.execute(db);
    return r.rows.map((x) => ({ ...ref, key: x.key }));
  }
  if (ref.table === 'relationship') {
    const other = ref.column === 'person_id' ? 'related_person_id' : 'person_id';
    const r = await sql<{ key: string }>`
      update relationship r set ${sql.ref(ref.column)} = ${to}
       where r.${sql.ref(ref.column)} = ${from}
         and r.${sql.ref(other)} <> ${to}
         and not exists (
           select 1 from relationship o
            where o.${sql.ref(ref.column)} = ${to} and o.${sql.ref(other)} = r.${sql.ref(other)} and o.kind = r.kind)
      returning r.id as key`.execute(db);
    return r.rows.map((x) => ({ ...ref, key: x.key }));
  }
  if (ref.table === 'confidentiality_wish' || ref.table === 'withhold_marker') {
    // A wish or marker between the two records themselves would end up pointing at one person twice.
    const others = PERSON_REFERENCES.filter((p) => p.table === ref.table && p.column !== ref.column).map(
      (p) => p.column,
    );
    const r = await sql<{ key: string }>`
      update ${sql.table(ref.table)} t set ${sql.ref(ref.column)} = ${to}
       where t.${sql.ref(ref.column)} = ${from}
         ${sql.join(
           others.map((c) => sql`and t.${sql.ref(c)} is distinct from ${to}`),
           sql` `,
         )}
      returning t.id as key`.execute(db);
    return r.rows.map((x) => ({ ...ref, key: x.key }));
  }
  const r = await sql<{ key: string }>`
    update ${sql.table(ref.table)} t set ${sql.ref(ref.column)} = ${to}
     where t.${sql.ref(ref.column)} = ${from}
    returning t.id as key`.execute(db);
  return r.rows.map((x) => ({ ...ref, key: x.key }));
}

/** Puts moved rows back on the merged record (those still on the kept record; nothing else is touched). */
export async function restore(db: Q, moved: readonly MovedRow[], kept: string, merged: string): Promise<number> {
  let n = 0;
  for (const m of moved) {
    if (!PERSON_REFERENCES.some((p) => p.table === m.table && p.column === m.column)) continue;
    const keyColumn = LINK_KEY[m.table] ?? 'id';
    const r = await sql`
      update ${sql.table(m.table)} set ${sql.ref(m.column)} = ${merged}
       where ${sql.ref(keyColumn)} = ${m.key} and ${sql.ref(m.column)} = ${kept}`.execute(db);
    n += Number(r.numAffectedRows ?? 0);
  }
  return n;
}

export async function markMerged(db: Q, mergedId: string, keptId: string | null, at: Date | null) {
  await db.updateTable('person').set({ merged_into: keptId, merged_at: at }).where('id', '=', mergedId).execute();
}

export async function insertMerge(
  db: Q,
  m: {
    keptId: string;
    mergedId: string;
    duplicateId: string | null;
    reason: string;
    moved: MovedRow[];
    filled: Record<string, unknown>;
    by: string | null;
    at: Date;
  },
): Promise<string> {
  const row = await db
    .insertInto('person_merge')
    .values({
      kept_id: m.keptId,
      merged_id: m.mergedId,
      possible_duplicate_id: m.duplicateId,
      reason: m.reason,
      moved: JSON.stringify(m.moved),
      filled: JSON.stringify(m.filled),
      merged_by: m.by,
      merged_at: m.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findMerge(db: Q, id: string) {
  return db.selectFrom('person_merge').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function markUnmerged(db: Q, id: string, by: string | null, at: Date, reason: string) {
  await db
    .updateTable('person_merge')
    .set({ unmerged_by: by, unmerged_at: at, unmerge_reason: reason })
    .where('id', '=', id)
    .execute();
}

/** Merges not undone, newest first, with both names. */
export async function merges(db: Q, opts: { personId?: string; limit: number }) {
  let q = db
    .selectFrom('person_merge as m')
    .innerJoin('person as k', 'k.id', 'm.kept_id')
    .innerJoin('person as d', 'd.id', 'm.merged_id')
    .leftJoin('app_user as u', 'u.id', 'm.merged_by')
    .select([
      'm.id',
      'm.kept_id',
      'm.merged_id',
      'm.reason',
      'm.merged_at',
      'm.unmerged_at',
      'm.unmerge_reason',
      'k.given_name as kept_given_name',
      'k.family_name as kept_family_name',
      'd.given_name as merged_given_name',
      'd.family_name as merged_family_name',
      'u.name as merged_by_name',
    ])
    .orderBy('m.merged_at', 'desc')
    .limit(opts.limit);
  if (opts.personId) {
    const pid = opts.personId;
    q = q.where((eb) => eb.or([eb('m.kept_id', '=', pid), eb('m.merged_id', '=', pid)]));
  }
  return q.execute();
}

/** Records a possible duplicate once per pair; a pair already decided is not reopened by finding it again. */
export async function upsertPossibleDuplicate(
  db: Q,
  d: { personId: string; otherId: string; score: number; reasons: unknown; source: DuplicateSource; by: string | null },
): Promise<boolean> {
  const r = await sql`
    insert into possible_duplicate (person_id, other_person_id, score, reasons, source, found_by)
    values (${d.personId}, ${d.otherId}, ${d.score}, ${JSON.stringify(d.reasons)}::json, ${d.source}, ${d.by})
    on conflict (least(person_id, other_person_id), greatest(person_id, other_person_id))
    do update set score = excluded.score, reasons = excluded.reasons
     where possible_duplicate.status = 'open'`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

/** A reviewer asks to compare two records: the pair is queued (or reopened, if it was decided before). */
export async function openPairForReview(
  db: Q,
  d: { personId: string; otherId: string; score: number; reasons: unknown; by: string | null },
): Promise<string> {
  const r = await sql<{ id: string }>`
    insert into possible_duplicate (person_id, other_person_id, score, reasons, source, found_by)
    values (${d.personId}, ${d.otherId}, ${d.score}, ${JSON.stringify(d.reasons)}::json, 'manual', ${d.by})
    on conflict (least(person_id, other_person_id), greatest(person_id, other_person_id))
    do update set score = excluded.score, reasons = excluded.reasons, status = 'open',
                  decided_by = null, decided_at = null, decision_reason = null
    returning id`.execute(db);
  return r.rows[0]!.id;
}

export async function openDuplicates(db: Q, limit: number, offset: number) {
  return db
    .selectFrom('possible_duplicate as d')
    .innerJoin('person as a', 'a.id', 'd.person_id')
    .innerJoin('person as b', 'b.id', 'd.other_person_id')
    .select([
      'd.id',
      'd.score',
      'd.source',
      'd.found_at',
      'a.id as a_id',
      'a.given_name as a_given_name',
      'a.family_name as a_family_name',
      'a.date_of_birth as a_date_of_birth',
      'a.shielded as a_shielded',
      'b.id as b_id',
      'b.given_name as b_given_name',
      'b.family_name as b_family_name',
      'b.date_of_birth as b_date_of_birth',
      'b.shielded as b_shielded',
    ])
    .where('d.status', '=', 'open')
    .where('a.merged_into', 'is', null)
    .where('b.merged_into', 'is', null)
    .orderBy('d.score', 'desc')
    .orderBy('d.found_at')
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function countOpenDuplicates(db: Q): Promise<number> {
  const r = await db
    .selectFrom('possible_duplicate as d')
    .innerJoin('person as a', 'a.id', 'd.person_id')
    .innerJoin('person as b', 'b.id', 'd.other_person_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('d.status', '=', 'open')
    .where('a.merged_into', 'is', null)
    .where('b.merged_into', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function findDuplicate(db: Q, id: string) {
  return db.selectFrom('possible_duplicate').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function decideDuplicate(
  db: Q,
  id: string,
  status: 'merged' | 'not_duplicate' | 'open',
  by: string | null,
  at: Date | null,
  reason: string | null,
) {
  await db
    .updateTable('possible_duplicate')
    .set({ status, decided_by: by, decided_at: at, decision_reason: reason })
    .where('id', '=', id)
    .execute();
}

/** Open queue entries that involve a record (closed when that record is merged away). */
export async function duplicatesOf(db: Q, personId: string) {
  return db
    .selectFrom('possible_duplicate')
    .select(['id', 'person_id', 'other_person_id', 'status'])
    .where((eb) => eb.or([eb('person_id', '=', personId), eb('other_person_id', '=', personId)]))
    .execute();
}
