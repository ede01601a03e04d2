import { createHash } from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Actor } from './access.ts';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntry {
  action: string;
  recordType?: string;
  recordId?: string;
  reason?: string;
  details?: Record<string, unknown>;
}

/** Who did it and from where: an Actor plus the request it came in on. */
export interface AuditContext {
  actor: Actor | null;
  role?: string | null;
  requestId?: string;
  clientIp?: string;
  at: Date;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export interface HashedFields {
  occurred_at: Date;
  actor_user_id: string | null;
  actor_name: string | null;
  organisation_id: string | null;
  role: string | null;
  action: string;
  record_type: string | null;
  record_id: string | null;
  reason: string | null;
  request_id: string | null;
  client_ip: string | null;
  details: Record<string, unknown>;
}

export function hashEvent(prevHash: string, e: HashedFields): string {
  const body = JSON.stringify([
    prevHash,
    e.occurred_at.toISOString(),
    e.actor_user_id,
    e.actor_name,
    e.organisation_id,
    e.role,
    e.action,
    e.record_type,
    e.record_id,
    e.reason,
    e.request_id,
    e.client_ip,
    canonical(e.details),
  ]);
  return createHash('sha256').update(body).digest('hex');
}

/** Namespaces of events about one child (or adult) in the index: each must name them, so it shows in their history. */
export const PERSON_EVENT_NAMESPACES = [
  'person',
  'consent',
  'case-note',
  'confidentiality-wish',
  'withhold-marker',
  'sharing',
  'shielding',
  'chronology',
  'document',
  'attachment',
  'concern',
  'contact',
  'conversation',
  'episode',
  'assessment',
  'plan',
  'taf-meeting',
  'panel-request',
  'panel-record',
  'panel-recommendation',
];
/** Events in those namespaces about many people or none (searches, queues, bulk work): they list ids or none. */
export const INDEX_WIDE_EVENTS = new Set([
  'person.searched',
  'person.caseload.viewed',
  'person.duplicates.viewed',
  'person.duplicates.scanned',
  'person.merges.viewed',
  'person.records.imported',
  'person.registration.checked',
  'person.shielding-requests.viewed',
  'concern.list.viewed',
  'contact.queue.viewed',
  // A request from the public form before the front door has matched any of its children: about no one yet.
  'contact.made-unmatched',
  'contact.viewed-unmatched',
  'contact.assigned-unmatched',
  'contact.attachment.downloaded-unmatched',
  'conversation.report.viewed',
]);

/** Events about one person in other namespaces. */
export const PERSON_EVENTS_ELSEWHERE = new Set(['directory.eligibility.evaluated']);
/** Namespaces of events about users, the partnership's set-up, the directory and the audit itself: no child. */
export const NON_PERSON_EVENT_NAMESPACES = [
  'admin',
  'api-token',
  'audit',
  'demo',
  'directory',
  'job',
  'mfa',
  'password',
  'sensitive-category',
  'service-account',
  'sign-in',
  'sign-out',
  'account',
  'panel-dashboard',
];

/** Whether the event is about one person, by its action's namespace. */
export function isPersonEvent(action: string): boolean {
  if (PERSON_EVENTS_ELSEWHERE.has(action)) return true;
  return PERSON_EVENT_NAMESPACES.includes(action.split('.')[0]!) && !INDEX_WIDE_EVENTS.has(action);
}

/** The people an event names: its record if that is a person, and the ids its details list. */
export function peopleNamed(entry: AuditEntry): string[] {
  const ids: string[] = [];
  if (entry.recordType === 'person' && entry.recordId) ids.push(entry.recordId);
  const d = entry.details ?? {};
  if (typeof d.personId === 'string') ids.push(d.personId);
  if (Array.isArray(d.personIds)) ids.push(...d.personIds.filter((x): x is string => typeof x === 'string'));
  return ids;
}

/** An event about a person that does not name them would be missing from their access history: a programming error. */
export class UnnamedSubjectError extends Error {
  constructor(action: string) {
    super(`Audit event ${action} is about a person but does not name them`);
  }
}

/**
 * Appends an audit event inside the caller's transaction, so the event exists exactly when the
 * read or change it describes does. A transaction-scoped advisory lock keeps the hash chain linear.
 */
export async function recordAudit(trx: Transaction<DB>, ctx: AuditContext, entry: AuditEntry): Promise<void> {
  if (isPersonEvent(entry.action) && peopleNamed(entry).length === 0) throw new UnnamedSubjectError(entry.action);
  await sql`select pg_advisory_xact_lock(815234002)`.execute(trx);
  // A separate statement after the lock: its snapshot is taken once the lock is held, so it sees the last event.
  const last = await trx.selectFrom('audit_event').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
  const prevHash = last?.hash ?? GENESIS_HASH;
  const fields: HashedFields = {
    occurred_at: new Date(ctx.at.getTime()),
    actor_user_id: ctx.actor?.userId ?? null,
    actor_name: ctx.actor?.name ?? null,
    organisation_id: ctx.actor?.organisationId ?? null,
    role: ctx.role ?? ctx.actor?.roles.join(' ') ?? null,
    action: entry.action,
    record_type: entry.recordType ?? null,
    record_id: entry.recordId ?? null,
    reason: entry.reason ?? null,
    request_id: ctx.requestId ?? null,
    client_ip: ctx.clientIp ?? null,
    details: entry.details ?? {},
  };
  const hash = hashEvent(prevHash, fields);
  await trx
    .insertInto('audit_event')
    .values({ ...fields, details: JSON.stringify(fields.details), prev_hash: prevHash, hash })
    .execute();
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  firstBadId?: number;
  problem?: string;
}

/** Walks the chain in order, recomputing every hash; reports the first event that does not fit. */
export async function verifyAuditChain(db: Kysely<DB>, batchSize = 5000): Promise<VerifyResult> {
  let prev = GENESIS_HASH;
  let lastId = 0;
  let checked = 0;
  for (;;) {
    const rows = await db
      .selectFrom('audit_event')
      .selectAll()
      .where('id', '>', lastId)
      .orderBy('id')
      .limit(batchSize)
      .execute();
    if (rows.length === 0) return { ok: true, checked };
    for (const row of rows) {
      if (row.prev_hash !== prev) {
        return { ok: false, checked, firstBadId: row.id, problem: 'the link to the previous event is broken' };
      }
      const expected = hashEvent(prev, { ...row, details: row.details as unknown as Record<string, unknown> });
      if (expected !== row.hash) {
        return { ok: false, checked, firstBadId: row.id, problem: 'the event was changed after it was written' };
      }
      prev = row.hash;
      lastId = row.id;
      checked++;
    }
  }
}
