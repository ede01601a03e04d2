import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { UUID } from '../../platform/ids.ts';

/**
 * Events about a record. For a person this includes events recorded against something of theirs (a
 * note, a consent, a sharing decision) and lists they appeared in (a caseload, search results).
 */
function aboutRecord(recordType: string, recordId: string) {
  if (recordType !== 'person') {
    return sql<boolean>`(e.record_type = ${recordType} and e.record_id = ${recordId})`;
  }
  return sql<boolean>`((e.record_type = 'person' and e.record_id = ${recordId})
    or e.details->>'personId' = ${recordId}
    or coalesce(e.details->'personIds', '[]'::jsonb) @> to_jsonb(${recordId}::text)
    or coalesce(e.details->'resultIds', '[]'::jsonb) @> to_jsonb(${recordId}::text))`;
}

export interface AuditQuery {
  recordType?: string;
  recordId?: string;
  actorUserId?: string;
  action?: string;
  /** YYYY-MM-DD, inclusive, London dates taken as UTC days. */
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

export async function findEvents(db: Kysely<DB> | Transaction<DB>, q: AuditQuery) {
  let query = db
    .selectFrom('audit_event as e')
    .leftJoin('organisation as o', 'o.id', 'e.organisation_id')
    .select([
      'e.id',
      'e.occurred_at',
      'e.actor_user_id',
      'e.actor_name',
      'o.name as organisation_name',
      'e.role',
      'e.action',
      'e.record_type',
      'e.record_id',
      'e.reason',
      'e.request_id',
      'e.client_ip',
    ]);
  if (q.recordType && q.recordId) query = query.where(aboutRecord(q.recordType, q.recordId));
  if (q.actorUserId) query = query.where('e.actor_user_id', '=', q.actorUserId);
  if (q.action) query = query.where('e.action', '=', q.action);
  if (q.from) query = query.where('e.occurred_at', '>=', new Date(`${q.from}T00:00:00Z`));
  if (q.to) query = query.where('e.occurred_at', '<', new Date(Date.parse(`${q.to}T00:00:00Z`) + 86_400_000));
  const rows = await query
    .orderBy('e.id', 'desc')
    .limit(q.limit + 1)
    .offset(q.offset)
    .execute();
  return { rows: rows.slice(0, q.limit), more: rows.length > q.limit };
}

/** Distinct people who have touched a record: the "who has seen this child" answer. */
export async function accessSummary(db: Kysely<DB> | Transaction<DB>, recordType: string, recordId: string) {
  return db
    .selectFrom('audit_event as e')
    .leftJoin('organisation as o', 'o.id', 'e.organisation_id')
    .select((eb) => [
      'e.actor_user_id',
      'e.actor_name',
      'o.name as organisation_name',
      eb.fn.countAll<number>().as('events'),
      eb.fn.min('e.occurred_at').as('first_at'),
      eb.fn.max('e.occurred_at').as('last_at'),
    ])
    .where(aboutRecord(recordType, recordId))
    .groupBy(['e.actor_user_id', 'e.actor_name', 'o.name'])
    .orderBy('last_at', 'desc')
    .execute();
}

export async function recordTypes(db: Kysely<DB>) {
  const rows = await db
    .selectFrom('audit_event')
    .select('record_type')
    .distinct()
    .where('record_type', 'is not', null)
    .orderBy('record_type')
    .execute();
  return rows.map((r) => r.record_type as string);
}

/** The tables whose rows are audited by their own id: a reference that is not there is "no record", not "nobody". */
const RECORD_TABLES = {
  person: 'person',
  user: 'app_user',
  organisation: 'organisation',
  area: 'area',
  team: 'team',
} as const;

/** Whether a record exists: looked up in its table when the type has one, otherwise known by any event about it. */
export async function recordExists(db: Kysely<DB> | Transaction<DB>, recordType: string, recordId: string) {
  const table = RECORD_TABLES[recordType as keyof typeof RECORD_TABLES];
  if (table) {
    if (!UUID.test(recordId)) return false;
    const row = await db.selectFrom(table).select('id').where('id', '=', recordId).executeTakeFirst();
    return !!row;
  }
  const event = await db
    .selectFrom('audit_event as e')
    .select('e.id')
    .where(aboutRecord(recordType, recordId))
    .limit(1)
    .executeTakeFirst();
  return !!event;
}

/** The actions written about a record, for the filter. */
export async function actionsAbout(db: Kysely<DB> | Transaction<DB>, recordType: string, recordId: string) {
  const rows = await db
    .selectFrom('audit_event as e')
    .select('e.action')
    .distinct()
    .where(aboutRecord(recordType, recordId))
    .orderBy('e.action')
    .execute();
  return rows.map((r) => r.action);
}
