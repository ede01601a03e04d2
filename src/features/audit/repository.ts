import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';

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
