import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import type { AccessRoute, DB, ServiceStatus, Tier } from '../../db/schema.ts';
import { londonToday } from '../../platform/calendar.ts';
import {
  ANY_RELATIONSHIP,
  currentInvolvement,
  personIdsActorWorksWith,
  type RelationshipActor,
  relationshipsWith,
} from '../../platform/relationships.ts';

/** Everything the directory can filter services by; the web search and the Open Referral API share it. */
export interface ServiceFilters {
  text?: string;
  /** Other ways of saying the search words (what an abbreviation stands for): a service matching any is found. */
  textAlternatives?: string[];
  /** Services with any of these taxonomy terms. */
  termIds?: string[];
  taxonomyId?: string;
  /** Services whose age range includes this age. */
  age?: number;
  /** Open Referral: services whose minimum age is at least this. */
  minimumAgeAtLeast?: number;
  /** Open Referral: services whose maximum age is at most this. */
  maximumAgeAtMost?: number;
  /** Services offered in any of these areas (already expanded to ancestors and descendants). */
  areaIds?: string[];
  /** With areaIds: also services that name no area at all (coverage unknown). */
  includeUnplaced?: boolean;
  tiers?: Tier[];
  language?: string;
  accessRoutes?: AccessRoute[];
  openAt?: { day: string; time: string };
  day?: string;
  startTime?: string;
  endTime?: string;
  modifiedAfter?: Date;
  organisationId?: string;
  statuses?: ServiceStatus[];
  near?: { latitude: number; longitude: number; metres: number };
}

const like = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function where(filters: ServiceFilters) {
  const parts: Expression<SqlBool>[] = [];
  if (filters.text) {
    const matches = [filters.text, ...(filters.textAlternatives ?? [])].map((text) => {
      const q = like(text);
      return sql<SqlBool>`(s.name ilike ${q} or s.description ilike ${q} or o.name ilike ${q}
      or exists (select 1 from directory_service_taxonomy st join directory_taxonomy_term t on t.id = st.taxonomy_term_id
                 where st.service_id = s.id and t.name ilike ${q}))`;
    });
    parts.push(sql<SqlBool>`(${sql.join(matches, sql` or `)})`);
  }
  if (filters.termIds?.length) {
    parts.push(sql<SqlBool>`exists (select 1 from directory_service_taxonomy st where st.service_id = s.id
      and st.taxonomy_term_id in (${sql.join(filters.termIds)}))`);
  }
  if (filters.taxonomyId) {
    parts.push(sql<SqlBool>`exists (select 1 from directory_service_taxonomy st join directory_taxonomy_term t
      on t.id = st.taxonomy_term_id where st.service_id = s.id and t.taxonomy_id = ${filters.taxonomyId})`);
  }
  if (filters.age !== undefined) {
    parts.push(sql<SqlBool>`(s.minimum_age is null or s.minimum_age <= ${filters.age})
      and (s.maximum_age is null or s.maximum_age >= ${filters.age})`);
  }
  if (filters.minimumAgeAtLeast !== undefined) parts.push(sql<SqlBool>`s.minimum_age >= ${filters.minimumAgeAtLeast}`);
  if (filters.maximumAgeAtMost !== undefined) parts.push(sql<SqlBool>`s.maximum_age <= ${filters.maximumAgeAtMost}`);
  if (filters.areaIds) {
    const inArea = filters.areaIds.length
      ? sql<SqlBool>`exists (select 1 from directory_service_area sa where sa.service_id = s.id
          and sa.area_id in (${sql.join(filters.areaIds)}))`
      : sql<SqlBool>`false`;
    parts.push(
      filters.includeUnplaced
        ? sql<SqlBool>`(${inArea} or not exists (select 1 from directory_service_area sa where sa.service_id = s.id))`
        : inArea,
    );
  }
  if (filters.tiers?.length) parts.push(sql<SqlBool>`s.tier in (${sql.join(filters.tiers)})`);
  if (filters.accessRoutes?.length) parts.push(sql<SqlBool>`s.access_route in (${sql.join(filters.accessRoutes)})`);
  if (filters.language) {
    parts.push(sql<SqlBool>`exists (select 1 from directory_language l where l.service_id = s.id
      and (lower(l.code) = lower(${filters.language}) or lower(l.name) = lower(${filters.language})))`);
  }
  if (filters.openAt) {
    parts.push(sql<SqlBool>`exists (select 1 from directory_schedule sc where sc.service_id = s.id
      and position(${filters.openAt.day} in sc.byday) > 0
      and sc.opens_at <= ${filters.openAt.time}::time and sc.closes_at > ${filters.openAt.time}::time)`);
  }
  if (filters.day || filters.startTime || filters.endTime) {
    const day = filters.day ? sql`and position(${filters.day} in sc.byday) > 0` : sql``;
    const start = filters.startTime ? sql`and sc.opens_at >= ${filters.startTime}::time` : sql``;
    const end = filters.endTime ? sql`and sc.closes_at <= ${filters.endTime}::time` : sql``;
    parts.push(
      sql<SqlBool>`exists (select 1 from directory_schedule sc where sc.service_id = s.id ${day} ${start} ${end})`,
    );
  }
  if (filters.modifiedAfter)
    parts.push(sql<SqlBool>`s.updated_at >= ${filters.modifiedAfter.toISOString()}::timestamptz`);
  if (filters.organisationId) parts.push(sql<SqlBool>`s.directory_organisation_id = ${filters.organisationId}`);
  if (filters.statuses?.length) parts.push(sql<SqlBool>`s.status in (${sql.join(filters.statuses)})`);
  if (filters.near) {
    const { latitude: lat, longitude: lon, metres } = filters.near;
    parts.push(sql<SqlBool>`exists (select 1 from directory_service_at_location sal join directory_location l
      on l.id = sal.location_id where sal.service_id = s.id and l.latitude is not null and l.longitude is not null
      and ${haversine(lat, lon)} <= ${metres})`);
  }
  return parts.length ? sql<SqlBool>`${sql.join(parts, sql` and `)}` : sql<SqlBool>`true`;
}

function haversine(lat: number, lon: number) {
  return sql<number>`(6371000 * 2 * asin(sqrt(power(sin(radians(l.latitude - ${lat}) / 2), 2)
    + cos(radians(${lat})) * cos(radians(l.latitude)) * power(sin(radians(l.longitude - ${lon}) / 2), 2))))`;
}

export type ServiceRow = Awaited<ReturnType<typeof searchServices>>['rows'][number];

export async function searchServices(db: Kysely<DB>, filters: ServiceFilters, page: { limit: number; offset: number }) {
  const base = db
    .selectFrom('directory_service as s')
    .innerJoin('directory_organisation as o', 'o.id', 's.directory_organisation_id')
    .where(where(filters));
  const [rows, count] = await Promise.all([
    base
      .selectAll('s')
      .select([
        'o.name as organisation_name',
        'o.description as organisation_description',
        'o.email as organisation_email',
        'o.website as organisation_website',
        'o.organisation_id as owner_organisation_id',
      ])
      .orderBy('s.name')
      .orderBy('s.id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export async function findService(db: Kysely<DB>, id: string) {
  return db
    .selectFrom('directory_service as s')
    .innerJoin('directory_organisation as o', 'o.id', 's.directory_organisation_id')
    .selectAll('s')
    .select([
      'o.name as organisation_name',
      'o.description as organisation_description',
      'o.email as organisation_email',
      'o.website as organisation_website',
      'o.organisation_id as owner_organisation_id',
    ])
    .where('s.id', '=', id)
    .executeTakeFirst();
}

/** The one-to-many parts of services, keyed by service id, for a page of results or one entry. */
export async function serviceDetails(db: Kysely<DB>, serviceIds: string[]) {
  if (serviceIds.length === 0) {
    return {
      terms: [],
      areas: [],
      phones: [],
      contacts: [],
      contactPhones: [],
      languages: [],
      schedules: [],
      locations: [],
    };
  }
  const [terms, areas, phones, contacts, languages, schedules, locations] = await Promise.all([
    db
      .selectFrom('directory_service_taxonomy as st')
      .innerJoin('directory_taxonomy_term as t', 't.id', 'st.taxonomy_term_id')
      .leftJoin('directory_taxonomy as x', 'x.id', 't.taxonomy_id')
      .select([
        'st.id as link_id',
        'st.service_id',
        't.id',
        't.name',
        't.description',
        't.code',
        't.parent_id',
        't.taxonomy_id',
        't.term_uri',
        'x.name as taxonomy_name',
      ])
      .where('st.service_id', 'in', serviceIds)
      .orderBy('t.name')
      .execute(),
    db
      .selectFrom('directory_service_area as sa')
      .leftJoin('area as a', 'a.id', 'sa.area_id')
      .select(['sa.id', 'sa.service_id', 'sa.area_id', 'sa.name', 'sa.extent', 'sa.extent_type', 'a.kind'])
      .where('sa.service_id', 'in', serviceIds)
      .orderBy('sa.name')
      .execute(),
    db.selectFrom('directory_phone').selectAll().where('service_id', 'in', serviceIds).orderBy('number').execute(),
    db.selectFrom('directory_contact').selectAll().where('service_id', 'in', serviceIds).orderBy('name').execute(),
    db.selectFrom('directory_language').selectAll().where('service_id', 'in', serviceIds).orderBy('name').execute(),
    db.selectFrom('directory_schedule').selectAll().where('service_id', 'in', serviceIds).orderBy('opens_at').execute(),
    db
      .selectFrom('directory_service_at_location as sal')
      .innerJoin('directory_location as l', 'l.id', 'sal.location_id')
      .selectAll('l')
      .select(['sal.id as service_at_location_id', 'sal.service_id'])
      .where('sal.service_id', 'in', serviceIds)
      .orderBy('l.name')
      .execute(),
  ]);
  const contactIds = contacts.map((c) => c.id);
  const contactPhones = contactIds.length
    ? await db.selectFrom('directory_phone').selectAll().where('contact_id', 'in', contactIds).execute()
    : [];
  return { terms, areas, phones, contacts, contactPhones, languages, schedules, locations };
}
export type ServiceDetails = Awaited<ReturnType<typeof serviceDetails>>;

/** An area with everything above it (a city-wide service covers every cluster) and below it. */
export async function areaFamily(db: Kysely<DB>, areaIds: string[], upOnly = false): Promise<string[]> {
  if (areaIds.length === 0) return [];
  const rows = await sql<{ id: string }>`
    with recursive up(id, parent_id) as (
      select id, parent_id from area where id in (${sql.join(areaIds)})
      union select a.id, a.parent_id from area a join up on a.id = up.parent_id
    ), down(id) as (
      select id from area where id in (${sql.join(areaIds)})
      union select a.id from area a join down on a.parent_id = down.id
    )
    select id from up ${upOnly ? sql`` : sql`union select id from down`}`.execute(db);
  return rows.rows.map((r) => r.id);
}

/** What the search words stand for: the whole phrase, and each word, looked up as an abbreviation. */
export async function searchSynonyms(db: Kysely<DB>, text: string): Promise<string[]> {
  const words = [...new Set([text, ...text.split(/[^\p{L}\p{N}]+/u)].map((w) => w.trim().toLowerCase()))].filter(
    (w) => w.length >= 2,
  );
  if (words.length === 0) return [];
  const rows = await db.selectFrom('directory_search_synonym').select('means').where('term', 'in', words).execute();
  return [...new Set(rows.flatMap((r) => r.means))];
}

export async function areasForDistrict(db: Kysely<DB>, district: string) {
  const rows = await db
    .selectFrom('area_postcode_district')
    .select('area_id')
    .where('district', '=', district)
    .execute();
  return rows.map((r) => r.area_id);
}

export async function districtCentroid(db: Kysely<DB>, district: string) {
  return db.selectFrom('postcode_district').selectAll().where('district', '=', district).executeTakeFirst();
}

export async function filterOptions(db: Kysely<DB>) {
  const [terms, areas, languages] = await Promise.all([
    db
      .selectFrom('directory_taxonomy_term as t')
      .select(['t.id', 't.name'])
      .where((eb) =>
        eb.or([
          eb('t.taxonomy_id', '=', '43923649-3ae7-47a5-b49f-bee9cb738e84'),
          eb.exists(
            eb
              .selectFrom('directory_service_taxonomy as st')
              .select('st.id')
              .whereRef('st.taxonomy_term_id', '=', 't.id'),
          ),
        ]),
      )
      .orderBy('t.name')
      .execute(),
    db
      .selectFrom('area as a')
      .leftJoin('area as p', 'p.id', 'a.parent_id')
      .select(['a.id', 'a.name', 'a.kind', 'p.name as parent_name'])
      .orderBy(sql`coalesce(p.name, a.name)`)
      .orderBy(sql`a.parent_id is not null`)
      .orderBy('a.name')
      .execute(),
    db
      .selectFrom('directory_language')
      .select(['name', sql<string>`max(coalesce(code, ''))`.as('code')])
      .groupBy('name')
      .orderBy('name')
      .execute(),
  ]);
  return { terms, areas, languages };
}

export async function latestRules(db: Kysely<DB>, serviceId: string) {
  return db
    .selectFrom('eligibility_rule_set')
    .selectAll()
    .where('service_id', '=', serviceId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function ruleHistory(db: Kysely<DB>, serviceId: string) {
  return db
    .selectFrom('eligibility_rule_set')
    .selectAll()
    .where('service_id', '=', serviceId)
    .orderBy('version', 'desc')
    .execute();
}

export async function insertRules(
  db: Kysely<DB>,
  values: {
    serviceId: string;
    version: number;
    rules: unknown;
    note: string;
    by: string | null;
    byName: string | null;
    at: Date;
  },
) {
  return db
    .insertInto('eligibility_rule_set')
    .values({
      service_id: values.serviceId,
      version: values.version,
      rules: JSON.stringify(values.rules),
      change_note: values.note,
      created_by: values.by,
      created_by_name: values.byName,
      created_at: values.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertChange(
  db: Kysely<DB>,
  values: {
    serviceId: string | null;
    action: string;
    summary: string;
    details: Record<string, unknown>;
    by: string | null;
    byName: string | null;
    at: Date;
  },
) {
  await db
    .insertInto('directory_change')
    .values({
      service_id: values.serviceId,
      action: values.action,
      summary: values.summary,
      details: JSON.stringify(values.details),
      changed_by: values.by,
      changed_by_name: values.byName,
      changed_at: values.at,
    })
    .execute();
}

export async function changes(db: Kysely<DB>, serviceId: string) {
  return db
    .selectFrom('directory_change')
    .selectAll()
    .where('service_id', '=', serviceId)
    .orderBy('changed_at', 'desc')
    .orderBy('id', 'desc')
    .limit(200)
    .execute();
}

/** Services an editor may change: all for an administrator, else those of their own organisation. */
export async function editableServices(db: Kysely<DB>, ownerOrganisationId: string | null) {
  let q = db
    .selectFrom('directory_service as s')
    .innerJoin('directory_organisation as o', 'o.id', 's.directory_organisation_id')
    .select(['s.id', 's.name', 's.status', 's.review_date', 's.updated_at', 's.source', 'o.name as organisation_name'])
    .orderBy('s.review_date')
    .orderBy('s.name');
  if (ownerOrganisationId) q = q.where('o.organisation_id', '=', ownerOrganisationId);
  return q.execute();
}

export async function directoryOrganisations(db: Kysely<DB>, ownerOrganisationId: string | null) {
  let q = db.selectFrom('directory_organisation').select(['id', 'name', 'organisation_id']).orderBy('name');
  if (ownerOrganisationId) q = q.where('organisation_id', '=', ownerOrganisationId);
  return q.execute();
}

export async function platformOrganisation(db: Kysely<DB>, id: string) {
  return db.selectFrom('organisation').select(['id', 'name']).where('id', '=', id).executeTakeFirst();
}

export async function insertDirectoryOrganisation(db: Kysely<DB>, organisationId: string, name: string, at: Date) {
  return db
    .insertInto('directory_organisation')
    .values({ organisation_id: organisationId, name, email: null, website: null, source_feed: null, updated_at: at })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export type ServiceFields = {
  name: string;
  description: string;
  status: ServiceStatus;
  tier: Tier | null;
  access_route: AccessRoute | null;
  access_panel: string | null;
  how_to_refer: string | null;
  start_conversation: string | null;
  start_conversation_phone: string | null;
  url: string | null;
  email: string | null;
  fees: string | null;
  alert: string | null;
  review_date: string;
};

export async function insertService(db: Kysely<DB>, organisationId: string, fields: ServiceFields, at: Date) {
  return db
    .insertInto('directory_service')
    .values({
      ...fields,
      directory_organisation_id: organisationId,
      minimum_age: null,
      maximum_age: null,
      assured_date: londonToday(at),
      source_feed: null,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export async function updateService(
  db: Kysely<DB>,
  id: string,
  fields: Partial<ServiceFields> & { minimum_age?: number | null; maximum_age?: number | null; assured_date?: string },
  at: Date,
) {
  await db
    .updateTable('directory_service')
    .set({ ...fields, updated_at: at })
    .where('id', '=', id)
    .execute();
}

export async function replaceTerms(db: Kysely<DB>, serviceId: string, termIds: string[]) {
  await db.deleteFrom('directory_service_taxonomy').where('service_id', '=', serviceId).execute();
  for (const id of termIds) {
    await db.insertInto('directory_service_taxonomy').values({ service_id: serviceId, taxonomy_term_id: id }).execute();
  }
}

export async function replaceAreas(db: Kysely<DB>, serviceId: string, areas: { id: string; name: string }[]) {
  await db.deleteFrom('directory_service_area').where('service_id', '=', serviceId).execute();
  for (const a of areas) {
    await db
      .insertInto('directory_service_area')
      .values({ service_id: serviceId, area_id: a.id, name: a.name, extent: null, extent_type: null })
      .execute();
  }
}

export async function areasByIds(db: Kysely<DB>, ids: string[]) {
  if (!ids.length) return [];
  return db.selectFrom('area').select(['id', 'name']).where('id', 'in', ids).execute();
}

export async function termsByIds(db: Kysely<DB>, ids: string[]) {
  if (!ids.length) return [];
  return db.selectFrom('directory_taxonomy_term').select(['id', 'name']).where('id', 'in', ids).execute();
}

/**
 * Children the actor may evaluate: any current relationship, their organisation's involvement included (a school's
 * family worker checks for a pupil the school works with). The same rule as for one child, below.
 */
export async function childrenForActor(db: Kysely<DB>, actor: RelationshipActor, at: Date) {
  return db
    .selectFrom('person as p')
    .select(['p.id', 'p.given_name', 'p.family_name', 'p.date_of_birth'])
    .where('p.kind', '=', 'child')
    .where('p.shielded', '=', false)
    .where('p.id', 'in', personIdsActorWorksWith(db, actor, at, { kinds: ANY_RELATIONSHIP }))
    .orderBy('p.family_name')
    .orderBy('p.given_name')
    .limit(500)
    .execute();
}

export async function childForActor(db: Kysely<DB>, childId: string, actor: RelationshipActor, at: Date) {
  if (!(await relationshipsWith(db, actor, childId, at, { kinds: ANY_RELATIONSHIP })).length) return undefined;
  const child = await db
    .selectFrom('person as p')
    .select(['p.id', 'p.date_of_birth', 'p.expected_date_of_birth', 'p.given_name', 'p.family_name'])
    .where('p.id', '=', childId)
    .where('p.kind', '=', 'child')
    // As in the list: a shielded record opens only through break-glass on the index card, never here.
    .where('p.shielded', '=', false)
    .executeTakeFirst();
  if (!child) return undefined;
  const agencies = await db
    .selectFrom('involvement as i')
    .innerJoin('organisation as o', 'o.id', 'i.organisation_id')
    .select('o.agency_type')
    .distinct()
    .where('i.person_id', '=', childId)
    .where(currentInvolvement(londonToday(at)))
    .execute();
  return { ...child, agencyTypes: agencies.map((a) => a.agency_type as string) };
}

// Open Referral taxonomies.
export async function taxonomies(db: Kysely<DB>, page: { limit: number; offset: number }) {
  const [rows, count] = await Promise.all([
    db
      .selectFrom('directory_taxonomy')
      .selectAll()
      .orderBy('name')
      .orderBy('id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    db
      .selectFrom('directory_taxonomy')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export async function taxonomy(db: Kysely<DB>, id: string) {
  return db.selectFrom('directory_taxonomy').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function taxonomyTerms(db: Kysely<DB>, page: { limit: number; offset: number }, taxonomyId?: string) {
  let base = db.selectFrom('directory_taxonomy_term as t').leftJoin('directory_taxonomy as x', 'x.id', 't.taxonomy_id');
  if (taxonomyId) base = base.where('t.taxonomy_id', '=', taxonomyId);
  const [rows, count] = await Promise.all([
    base
      .selectAll('t')
      .select('x.name as taxonomy_name')
      .orderBy('t.name')
      .orderBy('t.id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export async function taxonomyTerm(db: Kysely<DB>, id: string) {
  return db
    .selectFrom('directory_taxonomy_term as t')
    .leftJoin('directory_taxonomy as x', 'x.id', 't.taxonomy_id')
    .selectAll('t')
    .select('x.name as taxonomy_name')
    .where('t.id', '=', id)
    .executeTakeFirst();
}

export async function serviceAtLocations(
  db: Kysely<DB>,
  filters: ServiceFilters,
  page: { limit: number; offset: number },
) {
  const base = db
    .selectFrom('directory_service_at_location as sal')
    .innerJoin('directory_service as s', 's.id', 'sal.service_id')
    .innerJoin('directory_organisation as o', 'o.id', 's.directory_organisation_id')
    .innerJoin('directory_location as l', 'l.id', 'sal.location_id')
    .where(where(filters));
  const near = filters.near;
  const [rows, count] = await Promise.all([
    base
      .select(['sal.id as id', 'sal.service_id', 'sal.location_id'])
      .orderBy(near ? haversine(near.latitude, near.longitude) : sql`s.name`)
      .orderBy('sal.id')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export async function serviceAtLocation(db: Kysely<DB>, id: string) {
  return db.selectFrom('directory_service_at_location').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function servicesByIds(db: Kysely<DB>, ids: string[]) {
  if (!ids.length) return [];
  return db
    .selectFrom('directory_service as s')
    .innerJoin('directory_organisation as o', 'o.id', 's.directory_organisation_id')
    .selectAll('s')
    .select([
      'o.name as organisation_name',
      'o.description as organisation_description',
      'o.email as organisation_email',
      'o.website as organisation_website',
      'o.organisation_id as owner_organisation_id',
    ])
    .where('s.id', 'in', ids)
    .execute();
}

export async function overdueCount(db: Kysely<DB>, today: string, ownerOrganisationId: string | null) {
  let q = db
    .selectFrom('directory_service as s')
    .innerJoin('directory_organisation as o', 'o.id', 's.directory_organisation_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('s.review_date', '<', today);
  if (ownerOrganisationId) q = q.where('o.organisation_id', '=', ownerOrganisationId);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/** The areas a service says it serves (those recorded against an area of the partnership). */
export async function servedAreas(db: Kysely<DB>, serviceId: string) {
  const rows = await db
    .selectFrom('directory_service_area as sa')
    .innerJoin('area as a', 'a.id', 'sa.area_id')
    .select(['a.id', 'a.name'])
    .where('sa.service_id', '=', serviceId)
    .orderBy('a.name')
    .execute();
  return { ids: rows.map((r) => r.id), names: rows.map((r) => r.name) };
}

/**
 * Where a child lives, as areas: the current household's area and its parents, and any area covering the
 * postcode district, with the nearest one's name. Nothing about a child who is shielded or shares a
 * household with someone who is: their whereabouts are never shown.
 */
export async function childArea(
  db: Kysely<DB>,
  childId: string,
): Promise<{ ids: string[]; name: string } | null | 'withheld'> {
  const home = await db
    .selectFrom('household_member as m')
    .innerJoin('household as h', 'h.id', 'm.household_id')
    .select(['h.id', 'h.area_id', 'h.postcode'])
    .where('m.person_id', '=', childId)
    .where('m.moved_out', 'is', null)
    .orderBy('m.moved_in', 'desc')
    .executeTakeFirst();
  const shielded = await db
    .selectFrom('person as p')
    .select('p.id')
    .where('p.shielded', '=', true)
    .where((eb) =>
      eb.or([
        eb('p.id', '=', childId),
        ...(home
          ? [
              eb.exists(
                eb
                  .selectFrom('household_member as o')
                  .select('o.person_id')
                  .whereRef('o.person_id', '=', 'p.id')
                  .where('o.household_id', '=', home.id)
                  .where('o.moved_out', 'is', null),
              ),
            ]
          : []),
      ]),
    )
    .executeTakeFirst();
  if (shielded) return 'withheld';
  if (!home) return null;
  const postcode = home.postcode.trim().toUpperCase().replace(/\s+/g, '');
  const district = postcode.length > 3 ? postcode.slice(0, -3) : postcode;
  const byDistrict = await db
    .selectFrom('area_postcode_district')
    .select('area_id')
    .where('district', '=', district)
    .execute();
  const start = [home.area_id, ...byDistrict.map((r) => r.area_id)].filter((id): id is string => Boolean(id));
  if (start.length === 0) return null;
  const areas = await db.selectFrom('area').select(['id', 'parent_id', 'name']).execute();
  const byId = new Map(areas.map((a) => [a.id, a]));
  const ids = new Set<string>();
  for (let id of start) {
    for (let guard = 0; id && !ids.has(id) && guard < 20; guard++) {
      ids.add(id);
      id = byId.get(id)?.parent_id ?? '';
    }
  }
  const name = byId.get(start[0]!)?.name;
  return name ? { ids: [...ids], name } : null;
}
