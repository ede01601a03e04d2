import { readFile } from 'node:fs/promises';
import type { Kysely, Transaction } from 'kysely';
import type { DB, ServiceStatus } from '../../db/schema.ts';
import { SERVICE_STATUSES } from '../../db/schema.ts';
import { recordAudit } from '../../platform/audit.ts';
import { UUID } from './oruk.ts';
import { insertChange } from './repository.ts';
import { addMonths, londonNow } from './service.ts';

/**
 * Loads another directory's Open Referral UK feed: a /services list (paged, with each entry's detail
 * fetched), an array of services, or one fully nested service. Every item is checked before anything is
 * written; problems are reported item by item, and nothing is applied unless every item is valid or
 * the caller asks for the valid ones only. All writes happen in one transaction.
 */

export interface ImportProblem {
  item: number;
  id?: string;
  name?: string;
  field: string;
  message: string;
  severity: 'error' | 'warning';
}

export interface ImportReport {
  items: number;
  valid: number;
  applied: number;
  problems: ImportProblem[];
  appliedIds: string[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, max = 4000): string | null =>
  typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : typeof v === 'number' ? String(v) : null;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const MAX_ITEMS = 20_000;
const MAX_PAGES = 1000;

export class FeedError extends Error {}

async function fetchJson(url: string, fetchImpl: typeof fetch): Promise<unknown> {
  const res = await fetchImpl(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(30_000) });
  if (!res.ok) throw new FeedError(`${url} answered ${res.status}`);
  try {
    return await res.json();
  } catch {
    throw new FeedError(`${url} did not return JSON`);
  }
}

/** The raw service objects of a feed, from a URL or a file. */
export async function loadFeed(source: string, fetchImpl: typeof fetch = fetch): Promise<unknown[]> {
  if (/^https?:\/\//i.test(source)) {
    const first = await fetchJson(source, fetchImpl);
    let items = itemsOf(first);
    if (isObj(first) && Array.isArray(first.contents)) {
      const pages = Math.min(Number(first.total_pages) || 1, MAX_PAGES);
      for (let p = 2; p <= pages && items.length < MAX_ITEMS; p++) {
        const url = new URL(source);
        url.searchParams.set('page', String(p));
        items = items.concat(itemsOf(await fetchJson(url.toString(), fetchImpl)));
      }
      // A list holds one-to-one fields only: the detail of each entry is at /services/{id}.
      const base = new URL(source);
      base.search = '';
      const detailBase = base.toString().replace(/\/$/, '');
      const detailed: unknown[] = [];
      for (const item of items) {
        const id = isObj(item) ? str(item.id, 100) : null;
        if (id && UUID.test(id) && !('service_at_locations' in (item as Obj))) {
          try {
            detailed.push(await fetchJson(`${detailBase}/${encodeURIComponent(id)}`, fetchImpl));
            continue;
          } catch {
            // Keep the summary: the entry is still usable without its detail.
          }
        }
        detailed.push(item);
      }
      items = detailed;
    }
    return items.slice(0, MAX_ITEMS);
  }
  let text: string;
  try {
    text = await readFile(source, 'utf8');
  } catch {
    throw new FeedError(`Cannot read ${source}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new FeedError(`${source} is not valid JSON`);
  }
  return itemsOf(json).slice(0, MAX_ITEMS);
}

function itemsOf(json: unknown): unknown[] {
  if (Array.isArray(json)) return json;
  if (isObj(json)) {
    if (Array.isArray(json.contents)) return json.contents;
    if (Array.isArray(json.services)) return json.services;
    if ('id' in json || 'name' in json) return [json];
  }
  throw new FeedError('The feed is not a list of services, a page of services or a service');
}

interface MappedLocation {
  id: string;
  salId: string;
  type: 'physical' | 'postal' | 'virtual';
  name: string | null;
  description: string | null;
  latitude: number | null;
  longitude: number | null;
  address: {
    address_1: string;
    city: string;
    state_province: string | null;
    postal_code: string;
    country: string;
  } | null;
}

interface MappedService {
  item: number;
  id: string;
  name: string;
  description: string;
  status: ServiceStatus;
  url: string | null;
  email: string | null;
  fees: string | null;
  minimumAge: number | null;
  maximumAge: number | null;
  alert: string | null;
  assuredDate: string | null;
  organisation: { id: string; name: string; description: string; email: string | null; website: string | null } | null;
  organisationId: string;
  locations: MappedLocation[];
  schedules: {
    salId: string | null;
    byday: string;
    opens: string | null;
    closes: string | null;
    description: string | null;
  }[];
  contacts: {
    name: string | null;
    title: string | null;
    email: string | null;
    phones: { number: string; description: string | null }[];
  }[];
  phones: { number: string; description: string | null }[];
  languages: { name: string; code: string | null }[];
  areas: string[];
  terms: {
    id: string;
    name: string | null;
    description: string;
    taxonomyId: string | null;
    taxonomyName: string | null;
    parentId: string | null;
    code: string | null;
  }[];
}

const time = (v: unknown) => {
  const s = str(v, 20);
  return s && /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/.test(s) ? s.slice(0, 5) : null;
};
const age = (v: unknown) => (typeof v === 'number' && v >= 0 && v <= 150 ? v : null);
const uri = (v: unknown) => {
  const s = str(v, 500);
  return s && /^https?:\/\/\S+$/.test(s) ? s : null;
};
const email = (v: unknown) => {
  const s = str(v, 200);
  return s && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s) ? s : null;
};

export interface Known {
  organisationIds: Set<string>;
  termIds: Set<string>;
  localServiceIds: Set<string>;
}

/** Checks and maps every item; nothing is written here. */
export function validateFeed(items: unknown[], known: Known) {
  const problems: ImportProblem[] = [];
  const mapped: MappedService[] = [];
  const ids = new Map<string, number[]>();
  const feedOrgIds = new Set<string>();
  const feedTermIds = new Set<string>();
  items.forEach((raw) => {
    if (!isObj(raw)) return;
    if (isObj(raw.organization) && typeof raw.organization.id === 'string')
      feedOrgIds.add(raw.organization.id.toLowerCase());
    for (const a of arr(raw.attributes)) {
      if (isObj(a) && isObj(a.taxonomy_term) && typeof a.taxonomy_term.id === 'string') {
        feedTermIds.add(a.taxonomy_term.id.toLowerCase());
      }
    }
  });

  items.forEach((raw, index) => {
    const item = index + 1;
    const errors: ImportProblem[] = [];
    const base = { item, ...(isObj(raw) && typeof raw.id === 'string' ? { id: raw.id.slice(0, 100) } : {}) };
    const named = { ...base, ...(isObj(raw) && typeof raw.name === 'string' ? { name: raw.name.slice(0, 200) } : {}) };
    const error = (field: string, message: string) => errors.push({ ...named, field, message, severity: 'error' });
    const warn = (field: string, message: string) => problems.push({ ...named, field, message, severity: 'warning' });
    if (!isObj(raw)) {
      problems.push({ item, field: 'service', message: 'is not an object', severity: 'error' });
      return;
    }
    const id = str(raw.id, 100)?.toLowerCase() ?? null;
    if (!id) error('id', 'is missing');
    else if (!UUID.test(id)) error('id', 'is not a UUID');
    else {
      ids.set(id, [...(ids.get(id) ?? []), item]);
      if (known.localServiceIds.has(id)) error('id', 'is already used by an entry created in this directory');
    }
    const name = str(raw.name, 200);
    if (!name) error('name', 'is missing');
    const status = str(raw.status, 40);
    if (!status) error('status', 'is missing');
    else if (!(SERVICE_STATUSES as readonly string[]).includes(status)) {
      error('status', `must be one of ${SERVICE_STATUSES.join(', ')}`);
    }
    const minimumAge = age(raw.minimum_age);
    const maximumAge = age(raw.maximum_age);
    if (raw.minimum_age !== undefined && raw.minimum_age !== null && minimumAge === null)
      error('minimum_age', 'is not an age');
    if (raw.maximum_age !== undefined && raw.maximum_age !== null && maximumAge === null)
      error('maximum_age', 'is not an age');
    if (minimumAge !== null && maximumAge !== null && minimumAge > maximumAge) {
      error('maximum_age', 'is less than minimum_age');
    }
    if (raw.url && !uri(raw.url)) warn('url', 'is not a web address and was left out');
    if (raw.email && !email(raw.email)) warn('email', 'is not an email address and was left out');

    // The provider: nested, or a reference to one elsewhere in the feed or already in the directory.
    let organisation: MappedService['organisation'] = null;
    const orgRef = str(raw.organization_id, 100)?.toLowerCase() ?? null;
    if (isObj(raw.organization)) {
      const o = raw.organization;
      const oid = str(o.id, 100)?.toLowerCase() ?? null;
      const oname = str(o.name, 200);
      if (!oid) error('organization.id', 'is missing');
      else if (!UUID.test(oid)) error('organization.id', 'is not a UUID');
      if (!oname) error('organization.name', 'is missing');
      if (oid && orgRef && oid !== orgRef) error('organization_id', 'does not match organization.id');
      if (oid && oname) {
        organisation = {
          id: oid,
          name: oname,
          description: str(o.description) ?? '',
          email: email(o.email),
          website: uri(o.website),
        };
      }
    } else if (orgRef) {
      if (!UUID.test(orgRef)) error('organization_id', 'is not a UUID');
      else if (!feedOrgIds.has(orgRef) && !known.organisationIds.has(orgRef)) {
        error('organization_id', 'refers to an organisation that is not in the feed or the directory');
      }
    } else error('organization', 'is missing: every service needs its provider');

    const locations: MappedLocation[] = [];
    for (const [i, sal] of arr(raw.service_at_locations).entries()) {
      const f = `service_at_locations[${i}]`;
      if (!isObj(sal)) {
        error(f, 'is not an object');
        continue;
      }
      const salId = str(sal.id, 100)?.toLowerCase();
      if (!salId || !UUID.test(salId)) {
        error(`${f}.id`, 'is missing or not a UUID');
        continue;
      }
      const loc = sal.location;
      const ref = str(sal.location_id, 100)?.toLowerCase();
      if (!isObj(loc)) {
        error(`${f}.location`, ref ? 'refers to a location that is not in the feed' : 'is missing');
        continue;
      }
      const lid = str(loc.id, 100)?.toLowerCase();
      if (!lid || !UUID.test(lid)) {
        error(`${f}.location.id`, 'is missing or not a UUID');
        continue;
      }
      if (ref && ref !== lid) {
        error(`${f}.location_id`, 'does not match location.id');
        continue;
      }
      const type = str(loc.location_type, 20) ?? 'physical';
      const a = arr(loc.addresses).find(isObj) as Obj | undefined;
      const address =
        a && str(a.address_1) && str(a.city) && str(a.postal_code)
          ? {
              address_1: str(a.address_1, 300)!,
              city: str(a.city, 100)!,
              state_province: str(a.state_province, 100),
              postal_code: str(a.postal_code, 20)!,
              country: str(a.country, 60) ?? 'GB',
            }
          : null;
      if (a && !address) warn(`${f}.location.addresses`, 'has no first line, town or postcode and was left out');
      locations.push({
        id: lid,
        salId,
        type: type === 'postal' || type === 'virtual' ? type : 'physical',
        name: str(loc.name, 200),
        description: str(loc.description, 2000),
        latitude: typeof loc.latitude === 'number' && Math.abs(loc.latitude) <= 90 ? loc.latitude : null,
        longitude: typeof loc.longitude === 'number' && Math.abs(loc.longitude) <= 180 ? loc.longitude : null,
        address,
      });
    }

    const salIds = new Set(locations.map((l) => l.salId));
    const schedules: MappedService['schedules'] = [];
    for (const [i, s] of arr(raw.schedules).entries()) {
      if (!isObj(s)) {
        error(`schedules[${i}]`, 'is not an object');
        continue;
      }
      const ref = str(s.service_at_location_id, 100)?.toLowerCase() ?? null;
      if (ref && !salIds.has(ref)) {
        error(`schedules[${i}].service_at_location_id`, 'refers to a location this service does not have');
        continue;
      }
      const byday = str(s.byday, 40);
      if (
        !byday ||
        !/^(MO|TU|WE|TH|FR|SA|SU)(,(MO|TU|WE|TH|FR|SA|SU))*$/.test(byday.toUpperCase().replace(/\s/g, ''))
      ) {
        warn(`schedules[${i}]`, 'has no weekly days (byday) and was left out');
        continue;
      }
      schedules.push({
        salId: ref,
        byday: byday.toUpperCase().replace(/\s/g, ''),
        opens: time(s.opens_at),
        closes: time(s.closes_at),
        description: str(s.description, 300),
      });
    }

    const phonesOf = (list: unknown, field: string) =>
      arr(list).flatMap((p, i) => {
        const number = isObj(p) ? str(p.number, 40) : null;
        if (!number) {
          warn(`${field}[${i}]`, 'has no number and was left out');
          return [];
        }
        return [{ number, description: str((p as Obj).description, 200) }];
      });
    const contacts = arr(raw.contacts)
      .filter(isObj)
      .map((c, i) => ({
        name: str(c.name, 200),
        title: str(c.title, 200),
        email: email(c.email),
        phones: phonesOf(c.phones, `contacts[${i}].phones`),
      }));
    const phones = phonesOf(raw.phones, 'phones');
    const languages = arr(raw.languages).flatMap((l, i) => {
      const lname = isObj(l) ? (str(l.name, 100) ?? str(l.code, 20)) : null;
      if (!lname) {
        warn(`languages[${i}]`, 'has no name and was left out');
        return [];
      }
      return [{ name: lname, code: str((l as Obj).code, 20) }];
    });
    const areas = arr(raw.service_areas).flatMap((a) => {
      const aname = isObj(a) ? (str(a.name, 200) ?? str(a.service_area, 200) ?? str(a.extent, 200)) : null;
      return aname ? [aname] : [];
    });
    const terms: MappedService['terms'] = [];
    for (const [i, a] of arr(raw.attributes).entries()) {
      if (!isObj(a)) continue;
      const t = isObj(a.taxonomy_term) ? a.taxonomy_term : null;
      const tid = (str(a.taxonomy_term_id, 100) ?? (t ? str(t.id, 100) : null))?.toLowerCase();
      if (!tid || !UUID.test(tid)) {
        error(`attributes[${i}].taxonomy_term_id`, 'is missing or not a UUID');
        continue;
      }
      if (!t && !feedTermIds.has(tid) && !known.termIds.has(tid)) {
        error(
          `attributes[${i}].taxonomy_term_id`,
          'refers to a taxonomy term that is not in the feed or the directory',
        );
        continue;
      }
      const taxonomyId = t ? (str(t.taxonomy_id, 100)?.toLowerCase() ?? null) : null;
      if (t && !str(t.name, 200)) {
        error(`attributes[${i}].taxonomy_term.name`, 'is missing');
        continue;
      }
      terms.push({
        id: tid,
        name: t ? str(t.name, 200) : null,
        description: t ? (str(t.description, 1000) ?? '') : '',
        taxonomyId: taxonomyId && UUID.test(taxonomyId) ? taxonomyId : null,
        taxonomyName: t ? str(t.taxonomy, 200) : null,
        parentId: null,
        code: t ? str(t.code, 100) : null,
      });
    }

    problems.push(...errors);
    if (errors.length || !id || !name || !status) return;
    mapped.push({
      item,
      id,
      name,
      description: str(raw.description) ?? '',
      status: status as ServiceStatus,
      url: uri(raw.url),
      email: email(raw.email),
      fees: str(raw.fees, 500),
      minimumAge,
      maximumAge,
      alert: str(raw.alert, 500),
      assuredDate:
        str(raw.assured_date, 10) && /^\d{4}-\d{2}-\d{2}$/.test(str(raw.assured_date, 10)!)
          ? str(raw.assured_date, 10)
          : null,
      organisation,
      organisationId: organisation?.id ?? orgRef!,
      locations,
      schedules,
      contacts,
      phones,
      languages,
      areas,
      terms,
    });
  });

  // A repeated id makes every copy doubtful: none of them is applied.
  const duplicated = new Set<string>();
  for (const [id, where] of ids) {
    if (where.length < 2) continue;
    duplicated.add(id);
    for (const item of where) {
      const others = where.filter((w) => w !== item).join(', ');
      problems.push({ item, id, field: 'id', message: `is also used by item ${others}`, severity: 'error' });
    }
  }
  let valid = mapped.filter((m) => !duplicated.has(m.id));
  // A reference is only good if what it points at is itself being loaded or already here.
  const orgsLoaded = new Set([
    ...known.organisationIds,
    ...valid.flatMap((m) => (m.organisation ? [m.organisation.id] : [])),
  ]);
  const termsLoaded = new Set([
    ...known.termIds,
    ...valid.flatMap((m) => m.terms.filter((t) => t.name).map((t) => t.id)),
  ]);
  valid = valid.filter((m) => {
    const problem = (field: string, message: string) =>
      problems.push({ item: m.item, id: m.id, name: m.name, field, message, severity: 'error' });
    let ok = true;
    if (!orgsLoaded.has(m.organisationId)) {
      problem('organization_id', 'refers to an organisation whose own item could not be loaded');
      ok = false;
    }
    for (const t of m.terms) {
      if (!termsLoaded.has(t.id)) {
        problem('attributes', `refers to taxonomy term ${t.id}, whose own item could not be loaded`);
        ok = false;
      }
    }
    return ok;
  });
  problems.sort((a, b) => a.item - b.item || (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  return { valid, problems };
}

export async function importOpenReferral(
  db: Kysely<DB>,
  source: string,
  options: { applyValid?: boolean; fetchImpl?: typeof fetch; at?: Date } = {},
): Promise<ImportReport> {
  const items = await loadFeed(source, options.fetchImpl);
  const at = options.at ?? new Date();
  const feedName = /^https?:\/\//i.test(source) ? new URL(source).origin : source.split('/').pop()!;
  return db.transaction().execute(async (trx) => {
    const [orgs, terms, locals] = await Promise.all([
      trx.selectFrom('directory_organisation').select('id').execute(),
      trx.selectFrom('directory_taxonomy_term').select('id').execute(),
      trx.selectFrom('directory_service').select('id').where('source', '=', 'local').execute(),
    ]);
    const { valid, problems } = validateFeed(items, {
      organisationIds: new Set(orgs.map((o) => o.id)),
      termIds: new Set(terms.map((t) => t.id)),
      localServiceIds: new Set(locals.map((s) => s.id)),
    });
    const blocked = problems.some((p) => p.severity === 'error') && !options.applyValid;
    const toApply = blocked ? [] : valid;
    const areaRows = await trx.selectFrom('area').select(['id', 'name']).execute();
    const areaByName = new Map(areaRows.map((a) => [a.name.toLowerCase(), a.id]));
    const reviewDate = addMonths(londonNow(at).today, 12);
    // Providers and taxonomy terms first: a service may refer to one that another item carries.
    for (const s of toApply) await applyReferences(trx, s, { at, feedName });
    for (const s of toApply) await applyService(trx, s, { at, feedName, reviewDate, areaByName });
    await recordAudit(
      trx,
      { actor: null, role: 'import', at },
      {
        action: 'directory.import',
        details: {
          feed: feedName,
          items: items.length,
          valid: valid.length,
          applied: toApply.length,
          errors: problems.filter((p) => p.severity === 'error').length,
        },
      },
    );
    return {
      items: items.length,
      valid: valid.length,
      applied: toApply.length,
      problems,
      appliedIds: toApply.map((s) => s.id),
    };
  });
}

async function applyReferences(trx: Transaction<DB>, s: MappedService, ctx: { at: Date; feedName: string }) {
  if (s.organisation) {
    const o = s.organisation;
    await trx
      .insertInto('directory_organisation')
      .values({
        id: o.id,
        organisation_id: null,
        name: o.name,
        description: o.description,
        email: o.email,
        website: o.website,
        source: 'import',
        source_feed: ctx.feedName,
        updated_at: ctx.at,
      })
      .onConflict((oc) =>
        oc
          .column('id')
          .doUpdateSet({
            name: o.name,
            description: o.description,
            email: o.email,
            website: o.website,
            updated_at: ctx.at,
          })
          .where('directory_organisation.source', '=', 'import'),
      )
      .execute();
  }
  for (const t of s.terms) {
    if (!t.name) continue;
    if (t.taxonomyId) {
      await trx
        .insertInto('directory_taxonomy')
        .values({
          id: t.taxonomyId,
          name: t.taxonomyName ?? `Taxonomy from ${ctx.feedName}`,
          description: '',
          uri: null,
          version: null,
          updated_at: ctx.at,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    }
    await trx
      .insertInto('directory_taxonomy_term')
      .values({
        id: t.id,
        taxonomy_id: t.taxonomyId,
        parent_id: null,
        code: t.code,
        name: t.name,
        description: t.description,
        term_uri: null,
        updated_at: ctx.at,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }
}

async function applyService(
  trx: Transaction<DB>,
  s: MappedService,
  ctx: { at: Date; feedName: string; reviewDate: string; areaByName: Map<string, string> },
) {
  const fields = {
    directory_organisation_id: s.organisationId,
    name: s.name,
    description: s.description,
    url: s.url,
    email: s.email,
    status: s.status,
    fees: s.fees,
    minimum_age: s.minimumAge,
    maximum_age: s.maximumAge,
    alert: s.alert,
    assured_date: s.assuredDate,
    source: 'import' as const,
    source_feed: ctx.feedName,
    updated_at: ctx.at,
  };
  const existing = await trx.selectFrom('directory_service').select('id').where('id', '=', s.id).executeTakeFirst();
  if (existing) {
    await trx.updateTable('directory_service').set(fields).where('id', '=', s.id).execute();
    // The feed is the truth for an imported entry: its parts are replaced, not merged.
    for (const table of [
      'directory_service_taxonomy',
      'directory_service_area',
      'directory_phone',
      'directory_contact',
      'directory_language',
      'directory_schedule',
      'directory_service_at_location',
    ] as const) {
      await trx.deleteFrom(table).where('service_id', '=', s.id).execute();
    }
  } else {
    await trx
      .insertInto('directory_service')
      .values({
        id: s.id,
        ...fields,
        tier: null,
        access_route: null,
        access_panel: null,
        how_to_refer: null,
        start_conversation: null,
        start_conversation_phone: null,
        review_date: ctx.reviewDate,
      })
      .execute();
  }
  const sid = s.id;
  for (const t of s.terms) {
    await trx
      .insertInto('directory_service_taxonomy')
      .values({ service_id: sid, taxonomy_term_id: t.id })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  for (const name of s.areas) {
    await trx
      .insertInto('directory_service_area')
      .values({
        service_id: sid,
        area_id: ctx.areaByName.get(name.toLowerCase()) ?? null,
        name,
        extent: null,
        extent_type: null,
      })
      .execute();
  }
  for (const p of s.phones)
    await trx
      .insertInto('directory_phone')
      .values({ service_id: sid, contact_id: null, ...p })
      .execute();
  for (const c of s.contacts) {
    const contact = await trx
      .insertInto('directory_contact')
      .values({ service_id: sid, name: c.name, title: c.title, email: c.email })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const p of c.phones)
      await trx
        .insertInto('directory_phone')
        .values({ service_id: null, contact_id: contact.id, ...p })
        .execute();
  }
  for (const l of s.languages)
    await trx
      .insertInto('directory_language')
      .values({ service_id: sid, ...l })
      .execute();
  for (const l of s.locations) {
    const values = {
      location_type: l.type,
      name: l.name,
      description: l.description,
      latitude: l.latitude,
      longitude: l.longitude,
      address_1: l.address?.address_1 ?? null,
      city: l.address?.city ?? null,
      state_province: l.address?.state_province ?? null,
      postal_code: l.address?.postal_code ?? null,
      country: l.address?.country ?? 'GB',
      accessibility: null,
    };
    await trx
      .insertInto('directory_location')
      .values({ id: l.id, ...values })
      .onConflict((oc) => oc.column('id').doUpdateSet(values))
      .execute();
    await trx
      .insertInto('directory_service_at_location')
      .values({ id: l.salId, service_id: sid, location_id: l.id })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }
  for (const sc of s.schedules) {
    await trx
      .insertInto('directory_schedule')
      .values({
        service_id: sid,
        service_at_location_id: sc.salId,
        byday: sc.byday,
        opens_at: sc.opens,
        closes_at: sc.closes,
        description: sc.description,
      })
      .execute();
  }
  await insertChange(trx, {
    serviceId: sid,
    action: existing ? 'reimported' : 'imported',
    summary: `${existing ? 'Updated' : 'Loaded'} from the Open Referral feed ${ctx.feedName}`,
    details: { item: s.item },
    by: null,
    byName: null,
    at: ctx.at,
  });
}
