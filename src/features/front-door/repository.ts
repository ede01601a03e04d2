/** SQL for the front door: contacts, their children and decisions, the queue, and who a decision goes to. */
import { type Insertable, sql } from 'kysely';
import type { Q } from '../../db/connection.ts';
import type { ContactDecisionTable, ContactTable, RecordedIndicator } from '../../db/schema.ts';
import type { RelationshipActor } from '../../platform/relationships.ts';
import { personIdsActorWorksWith } from '../../platform/relationships.ts';

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

export async function insertContact(trx: Q, values: Insertable<ContactTable>) {
  return trx.insertInto('contact').values(values).returning(['id', 'reference']).executeTakeFirstOrThrow();
}

export async function referenceTaken(db: Q, reference: string): Promise<boolean> {
  return !!(await db.selectFrom('contact').select('id').where('reference', '=', reference).executeTakeFirst());
}

export async function insertContactChild(trx: Q, contactId: string, personId: string, sharingDecisionId: string) {
  await trx
    .insertInto('contact_child')
    .values({ contact_id: contactId, person_id: personId, sharing_decision_id: sharingDecisionId })
    .execute();
}

export async function findContact(db: Q, id: string) {
  const row = await db
    .selectFrom('contact as c')
    // A request from the public form has no referrer in the product: its sender_* columns say who sent it.
    .leftJoin('app_user as r', 'r.id', 'c.referrer_user_id')
    .leftJoin('organisation as o', 'o.id', 'c.referrer_organisation_id')
    .leftJoin('app_user as a', 'a.id', 'c.assigned_to')
    .leftJoin('threshold_guidance as g', 'g.id', 'c.guidance_id')
    .selectAll('c')
    .select([
      'r.name as referrer_name',
      'r.email as referrer_email',
      'r.phone as referrer_phone',
      'o.name as referrer_organisation_name',
      'a.name as assigned_name',
      'g.version as guidance_version',
    ])
    .where('c.id', '=', id)
    .executeTakeFirst();
  return row ? { ...row, indicators: json<RecordedIndicator[]>(row.indicators) } : undefined;
}

export async function contactChildren(db: Q, contactIds: string[]) {
  if (!contactIds.length) return [];
  return db
    .selectFrom('contact_child as cc')
    .innerJoin('person as p', 'p.id', 'cc.person_id')
    .leftJoin('sharing_decision as s', 's.id', 'cc.sharing_decision_id')
    .select([
      'cc.contact_id',
      'cc.person_id',
      'p.given_name',
      'p.family_name',
      'p.date_of_birth',
      's.basis',
      's.reason as basis_reason',
    ])
    .where('cc.contact_id', 'in', contactIds)
    .orderBy('p.family_name')
    .orderBy('p.given_name')
    .execute();
}

/** How each child's information came to the front door: the sharing decision recorded with the contact. */
export async function contactSharing(db: Q, contactId: string) {
  return db
    .selectFrom('contact_child as cc')
    .innerJoin('sharing_decision as s', 's.id', 'cc.sharing_decision_id')
    .select(['cc.person_id', 's.basis', 's.consent_id', 's.override', 's.reason'])
    .where('cc.contact_id', '=', contactId)
    .orderBy('cc.person_id')
    .execute();
}

export async function findDecision(db: Q, contactId: string) {
  const row = await db
    .selectFrom('contact_decision as d')
    .innerJoin('app_user as u', 'u.id', 'd.decided_by')
    .innerJoin('threshold_guidance as g', 'g.id', 'd.guidance_id')
    .leftJoin('app_user as m', 'm.id', 'd.manager_user_id')
    .leftJoin('app_user as l', 'l.id', 'd.leader_user_id')
    .leftJoin('directory_service as s', 's.id', 'd.directory_service_id')
    .selectAll('d')
    .select([
      'u.name as decided_by_name',
      'u.organisation_id as decided_by_organisation_id',
      'g.version as guidance_version',
      'm.name as manager_name',
      'l.name as leader_name',
      'l.email as leader_email',
      'l.phone as leader_phone',
      's.name as service_name',
    ])
    .where('d.contact_id', '=', contactId)
    .executeTakeFirst();
  return row ? { ...row, indicators: json<RecordedIndicator[]>(row.indicators) } : undefined;
}

export async function insertDecision(trx: Q, values: Insertable<ContactDecisionTable>) {
  return (await trx.insertInto('contact_decision').values(values).returning('id').executeTakeFirstOrThrow()).id;
}

/** Marks an open contact decided; false when it was decided already (a row lock makes the second writer wait). */
export async function closeContact(trx: Q, id: string): Promise<boolean> {
  const r = await trx
    .updateTable('contact')
    .set({ status: 'decided' })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function assignContact(trx: Q, id: string, userId: string, by: string, at: Date): Promise<boolean> {
  const r = await trx
    .updateTable('contact')
    .set({ assigned_to: userId, assigned_at: at, assigned_by: by })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The children a contact's sender typed (public form), in the order typed, with the record each was matched to. */
export async function typedChildren(db: Q, contactIds: string[]) {
  if (!contactIds.length) return [];
  return db
    .selectFrom('contact_typed_child as t')
    .leftJoin('person as p', 'p.id', 't.matched_person_id')
    .select([
      't.id',
      't.contact_id',
      't.position',
      't.given_name',
      't.family_name',
      't.date_of_birth',
      't.address',
      't.postcode',
      't.matched_person_id',
      't.matched_at',
      'p.given_name as matched_given_name',
      'p.family_name as matched_family_name',
    ])
    .where('t.contact_id', 'in', contactIds)
    .orderBy('t.contact_id')
    .orderBy('t.position')
    .execute();
}

/** Records that a typed child is the child on the index; false if it was matched already. */
export async function matchTypedChild(trx: Q, typedId: string, personId: string, by: string, at: Date) {
  const r = await trx
    .updateTable('contact_typed_child')
    .set({ matched_person_id: personId, matched_by: by, matched_at: at })
    .where('id', '=', typedId)
    .where('matched_person_id', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Open contacts, urgent first then oldest first, with their deadline and who holds them. */
export async function openContacts(db: Q, limit = 500) {
  return db
    .selectFrom('contact as c')
    .leftJoin('organisation as o', 'o.id', 'c.referrer_organisation_id')
    .leftJoin('app_user as a', 'a.id', 'c.assigned_to')
    .leftJoin('deadline as d', (j) =>
      j
        .onRef('d.owner_id', '=', 'c.id')
        .on('d.owner_type', '=', 'contact')
        .on('d.rule_code', 'in', ['FRONT_DOOR_DECISION', 'FRONT_DOOR_URGENT_DECISION']),
    )
    .selectAll('d')
    .select([
      'c.id as contact_id',
      'c.reference',
      'c.urgency',
      'c.significant_harm',
      'c.received_at',
      'c.assigned_to',
      'c.referrer_user_id',
      'c.via',
      'o.name as referrer_organisation_name',
      'c.sender_organisation',
      'a.name as assigned_name',
    ])
    .where('c.status', '=', 'open')
    .orderBy(sql`case when c.urgency = 'urgent' then 0 else 1 end`)
    .orderBy('c.received_at')
    .limit(limit)
    .execute();
}

/** The contacts a user made, newest first. */
export async function contactsMadeBy(db: Q, userId: string, limit = 100) {
  return db
    .selectFrom('contact')
    .select(['id', 'reference', 'urgency', 'status', 'received_at'])
    .where('referrer_user_id', '=', userId)
    .orderBy('received_at', 'desc')
    .limit(limit)
    .execute();
}

/** Children the actor works with, for the request form's list to pick from. */
export async function childrenActorWorksWith(db: Q, actor: RelationshipActor, at: Date, limit = 200) {
  return db
    .selectFrom('person as p')
    .select(['p.id', 'p.given_name', 'p.family_name', 'p.date_of_birth'])
    .where('p.id', 'in', personIdsActorWorksWith(db, actor, at))
    .where('p.kind', '=', 'child')
    .where('p.merged_into', 'is', null)
    .orderBy('p.family_name')
    .orderBy('p.given_name')
    .limit(limit)
    .execute();
}

/** Active users holding a role, for pickers (front door workers, managers). */
export async function usersWithRole(db: Q, role: 'front_door' | 'manager' | 'integrated_processes') {
  return db
    .selectFrom('app_user as u')
    .innerJoin('user_role as r', (j) => j.onRef('r.user_id', '=', 'u.id').on('r.role', '=', role))
    .innerJoin('organisation as o', 'o.id', 'u.organisation_id')
    .select(['u.id', 'u.name', 'u.email', 'u.organisation_id', 'o.name as organisation_name'])
    .where('u.disabled_at', 'is', null)
    .where('u.kind', '=', 'person')
    .orderBy('u.name')
    .limit(500)
    .execute();
}

export async function userHasRole(db: Q, userId: string, role: 'front_door' | 'manager'): Promise<boolean> {
  return !!(await db
    .selectFrom('app_user as u')
    .innerJoin('user_role as r', (j) => j.onRef('r.user_id', '=', 'u.id').on('r.role', '=', role))
    .select('u.id')
    .where('u.id', '=', userId)
    .where('u.disabled_at', 'is', null)
    .where('u.kind', '=', 'person')
    .executeTakeFirst());
}

export async function activeServices(db: Q) {
  return db
    .selectFrom('directory_service as s')
    .innerJoin('directory_organisation as o', 'o.id', 's.directory_organisation_id')
    .select(['s.id', 's.name', 'o.name as organisation_name'])
    .where('s.status', '=', 'active')
    .orderBy('s.name')
    .limit(1000)
    .execute();
}

export async function activeService(db: Q, id: string) {
  return db
    .selectFrom('directory_service')
    .select(['id', 'name'])
    .where('id', '=', id)
    .where('status', '=', 'active')
    .executeTakeFirst();
}

/**
 * The areas a child lives in (their current address's recorded area, or the area whose postcode districts include
 * it) and every area above, nearest first.
 */
export async function childAreaChain(db: Q, personIds: string[]): Promise<string[]> {
  if (!personIds.length) return [];
  const r = await sql<{ id: string; depth: number }>`
    with recursive start(area_id) as (
      select h.area_id from household_member hm join household h on h.id = hm.household_id
       where hm.person_id in (${sql.join(personIds)}) and hm.moved_out is null and h.area_id is not null
      union
      select d.area_id from household_member hm join household h on h.id = hm.household_id
        join area_postcode_district d
          on d.district = upper(regexp_replace(replace(h.postcode, ' ', ''), '[0-9][A-Za-z]{2}$', ''))
       where hm.person_id in (${sql.join(personIds)}) and hm.moved_out is null and h.area_id is null
    ),
    up(id, parent_id, depth) as (
      select a.id, a.parent_id, 0 from area a where a.id in (select area_id from start)
      union all
      select a.id, a.parent_id, up.depth + 1 from up join area a on a.id = up.parent_id where up.depth < 10
    )
    select id, min(depth)::int as depth from up group by id order by min(depth), id`.execute(db);
  return r.rows.map((x) => x.id);
}

/**
 * The targeted services leaders (integrated processes role) in the teams for targeted services or integrated
 * processes of the given areas, nearest area first, then by name.
 */
export async function leadersForAreas(db: Q, areaIds: string[]) {
  if (!areaIds.length) return [];
  const rows = await db
    .selectFrom('team as t')
    .innerJoin('user_team as ut', 'ut.team_id', 't.id')
    .innerJoin('app_user as u', 'u.id', 'ut.user_id')
    .innerJoin('user_role as r', (j) => j.onRef('r.user_id', '=', 'u.id').on('r.role', '=', 'integrated_processes'))
    .select(['u.id', 'u.name', 'u.organisation_id', 't.area_id', 't.name as team_name'])
    .where('t.contact_role', 'in', ['targeted_services', 'integrated_processes'])
    .where('t.area_id', 'in', areaIds)
    .where('u.disabled_at', 'is', null)
    .where('u.kind', '=', 'person')
    .execute();
  const rank = (areaId: string | null) => (areaId ? areaIds.indexOf(areaId) : areaIds.length);
  return rows.sort((a, b) => rank(a.area_id) - rank(b.area_id) || a.name.localeCompare(b.name));
}
