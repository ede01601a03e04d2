import type { Transaction } from 'kysely';
import { sql } from 'kysely';
import type { Q } from '../../db/connection.ts';
import type { DB, NeedLevel, RecordedIndicator, Tier } from '../../db/schema.ts';
import { DEFAULT_GUIDANCE } from './default-guidance.ts';
import { type GuidanceContent, GuidanceContentSchema } from './guidance.ts';

export interface GuidanceVersion {
  id: string;
  version: number;
  content: GuidanceContent;
  note: string;
  publishedAt: Date;
  publishedBy: string | null;
}

const columns = ['g.id', 'g.version', 'g.content', 'g.note', 'g.published_at', 'u.name as published_by_name'] as const;

function toVersion(row: {
  id: string;
  version: number;
  content: unknown;
  note: string;
  published_at: Date;
  published_by_name: string | null;
}): GuidanceVersion {
  const raw = typeof row.content === 'string' ? JSON.parse(row.content) : row.content;
  return {
    id: row.id,
    version: row.version,
    content: GuidanceContentSchema.parse(raw),
    note: row.note,
    publishedAt: row.published_at,
    publishedBy: row.published_by_name,
  };
}

function guidanceQuery(db: Q) {
  return db.selectFrom('threshold_guidance as g').leftJoin('app_user as u', 'u.id', 'g.published_by').select(columns);
}

/** The guidance in force: the latest published version, or the partnership's default as version 1. */
export async function currentGuidance(db: Q): Promise<GuidanceVersion> {
  const latest = await guidanceQuery(db).orderBy('g.version', 'desc').limit(1).executeTakeFirst();
  if (latest) return toVersion(latest);
  await db
    .insertInto('threshold_guidance')
    .values({ version: 1, content: JSON.stringify(DEFAULT_GUIDANCE), note: 'The partnership’s default guidance' })
    .onConflict((oc) => oc.column('version').doNothing())
    .execute();
  return toVersion(await guidanceQuery(db).where('g.version', '=', 1).executeTakeFirstOrThrow());
}

/** Every published version of the guidance, oldest first. */
export async function allGuidance(db: Q): Promise<GuidanceVersion[]> {
  return (await guidanceQuery(db).orderBy('g.version').execute()).map(toVersion);
}

export async function guidanceById(db: Q, id: string): Promise<GuidanceVersion | undefined> {
  const row = await guidanceQuery(db).where('g.id', '=', id).executeTakeFirst();
  return row ? toVersion(row) : undefined;
}

export async function guidanceVersions(db: Q) {
  return db
    .selectFrom('threshold_guidance as g')
    .leftJoin('app_user as u', 'u.id', 'g.published_by')
    .select(['g.id', 'g.version', 'g.note', 'g.published_at', 'u.name as published_by_name'])
    .orderBy('g.version', 'desc')
    .execute();
}

/** Publishes a new version after the one the editor started from; null if someone else published first. */
export async function publishGuidance(
  trx: Transaction<DB>,
  basedOn: number,
  content: GuidanceContent,
  note: string,
  userId: string,
): Promise<{ id: string; version: number } | null> {
  await sql`select pg_advisory_xact_lock(815234101)`.execute(trx);
  const latest = await trx
    .selectFrom('threshold_guidance')
    .select((eb) => eb.fn.max('version').as('v'))
    .executeTakeFirst();
  if (Number(latest?.v ?? 0) !== basedOn) return null;
  return trx
    .insertInto('threshold_guidance')
    .values({ version: basedOn + 1, content: JSON.stringify(content), note, published_by: userId })
    .returning(['id', 'version'])
    .executeTakeFirstOrThrow();
}

export async function insertNeedLevel(
  trx: Transaction<DB>,
  row: {
    personId: string;
    level: NeedLevel;
    suggested: NeedLevel | null;
    rationale: string;
    indicators: RecordedIndicator[];
    guidanceId: string;
    userId: string;
    organisationId: string;
    at: Date;
  },
) {
  return trx
    .insertInto('need_level')
    .values({
      person_id: row.personId,
      level: row.level,
      suggested_level: row.suggested,
      reason: row.rationale,
      indicators: JSON.stringify(row.indicators),
      guidance_id: row.guidanceId,
      recorded_by: row.userId,
      organisation_id: row.organisationId,
      recorded_at: row.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

/** Every judgement recorded for the person, newest first, with who made it and the guidance version. */
export async function needLevels(db: Q, personId: string) {
  return db
    .selectFrom('need_level as n')
    .leftJoin('app_user as u', 'u.id', 'n.recorded_by')
    .leftJoin('organisation as o', 'o.id', 'n.organisation_id')
    .leftJoin('threshold_guidance as g', 'g.id', 'n.guidance_id')
    .select([
      'n.id',
      'n.level',
      'n.suggested_level',
      'n.reason',
      'n.indicators',
      'n.recorded_at',
      'n.recorded_by',
      'n.organisation_id',
      'u.name as recorded_by_name',
      'o.name as organisation_name',
      'g.version as guidance_version',
    ])
    .where('n.person_id', '=', personId)
    .orderBy('n.recorded_at', 'desc')
    .execute();
}

/** Distinct unmet needs (indicators above universal) one organisation has recorded for the person. */
export async function unmetNeedsRecordedBy(db: Q, personId: string, organisationId: string): Promise<number> {
  const rows = await db
    .selectFrom('need_level')
    .select('indicators')
    .where('person_id', '=', personId)
    .where('organisation_id', '=', organisationId)
    .execute();
  const needs = new Set<string>();
  for (const r of rows) {
    const list = (typeof r.indicators === 'string' ? JSON.parse(r.indicators) : r.indicators) as RecordedIndicator[];
    for (const i of list) if (i.level !== 'universal') needs.add(`${i.subArea}|${i.text}`);
  }
  return needs.size;
}

/** Active services at the tiers that serve a level of need, for the helper's "services at this level". */
export async function servicesAtTiers(db: Q, tiers: Tier[], limit = 8) {
  return db
    .selectFrom('directory_service as s')
    .innerJoin('directory_organisation as o', 'o.id', 's.directory_organisation_id')
    .select(['s.id', 's.name', 's.tier', 'o.name as organisation_name'])
    .where('s.tier', 'in', tiers)
    .where('s.status', '=', 'active')
    .orderBy('s.name')
    .limit(limit)
    .execute();
}
