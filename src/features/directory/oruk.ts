import { createHash } from 'node:crypto';
import type { FieldError } from '../../platform/errors.ts';
import type { ServiceDetails, ServiceFilters, ServiceRow } from './repository.ts';

/**
 * Mapping from the directory's tables to Open Referral UK 3.0 JSON, and the API's query parameters.
 * Properties the standard does not define are prefixed `x_`, as the profile recommends for local ones.
 */

import { UUID } from '../../platform/ids.ts';

export { UUID };

/** Drops null and undefined so optional properties are absent rather than of the wrong type. */
function clean<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as T;
}

function validUri(s: string | null): string | null {
  if (!s) return null;
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:' ? s : null;
  } catch {
    return null;
  }
}

function validEmail(s: string | null): string | null {
  return s && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s) ? s : null;
}

/** A stable UUID for a record the directory keeps as a column rather than a row of its own. */
export function derivedId(kind: string, id: string): string {
  const h = createHash('sha1').update(`${kind}:${id}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((Number.parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

const timeOf = (t: string | null) => (t ? t.slice(0, 5) : null);

export function organizationJson(row: ServiceRow) {
  return clean({
    id: row.directory_organisation_id,
    name: row.organisation_name,
    description: row.organisation_description ?? '',
    email: validEmail(row.organisation_email),
    website: validUri(row.organisation_website),
  });
}

function localProperties(row: ServiceRow, today: string) {
  return clean({
    x_tier: row.tier,
    x_access_route: row.access_route,
    x_referral_panel: row.access_panel,
    x_how_to_refer: row.how_to_refer,
    x_start_the_conversation: row.start_conversation,
    x_start_the_conversation_phone: row.start_conversation_phone,
    x_review_date: row.review_date,
    x_possibly_out_of_date: row.review_date < today,
  });
}

/** The one-to-one fields of a service: what the list endpoints return. */
export function serviceSummaryJson(row: ServiceRow, today: string) {
  return clean({
    id: row.id,
    organization_id: row.directory_organisation_id,
    name: row.name,
    description: row.description,
    url: validUri(row.url),
    email: validEmail(row.email),
    status: row.status,
    fees: row.fees,
    minimum_age: row.minimum_age,
    maximum_age: row.maximum_age,
    assured_date: row.assured_date,
    alert: row.alert,
    last_modified: new Date(row.updated_at).toISOString(),
    organization: organizationJson(row),
    ...localProperties(row, today),
  });
}

export function taxonomyTermJson(t: {
  id: string;
  name: string;
  description: string;
  code?: string | null;
  parent_id: string | null;
  taxonomy_id: string | null;
  term_uri: string | null;
  taxonomy_name?: string | null;
}) {
  return clean({
    id: t.id,
    name: t.name,
    description: t.description ?? '',
    code: t.code,
    parent_id: t.parent_id,
    taxonomy: t.taxonomy_name,
    taxonomy_id: t.taxonomy_id,
    term_uri: validUri(t.term_uri),
  });
}

export function taxonomyJson(t: {
  id: string;
  name: string;
  description: string;
  uri: string | null;
  version: string | null;
}) {
  return clean({ id: t.id, name: t.name, description: t.description ?? '', uri: validUri(t.uri), version: t.version });
}

type Location = ServiceDetails['locations'][number];

export function locationJson(l: Location) {
  const hasAddress = l.address_1 && l.city && l.postal_code;
  return clean({
    id: l.id,
    location_type: l.location_type,
    name: l.name,
    description: l.description,
    latitude: l.latitude,
    longitude: l.longitude,
    addresses: hasAddress
      ? [
          clean({
            id: l.address_id,
            location_id: l.id,
            address_1: l.address_1,
            city: l.city,
            state_province: l.state_province ?? l.city,
            postal_code: l.postal_code,
            country: l.country,
            address_type: l.location_type,
          }),
        ]
      : [],
    accessibility: l.accessibility
      ? [{ id: derivedId('accessibility', l.id), location_id: l.id, description: l.accessibility }]
      : [],
  });
}

/** A fully nested service: everything a consumer needs, and nothing about any person it serves. */
export function serviceFullJson(row: ServiceRow, d: ServiceDetails, today: string) {
  const own = <T extends { service_id: string | null }>(xs: T[]) => xs.filter((x) => x.service_id === row.id);
  return {
    ...serviceSummaryJson(row, today),
    schedules: own(d.schedules).map((s) =>
      clean({
        id: s.id,
        service_id: s.service_id,
        service_at_location_id: s.service_at_location_id,
        freq: s.freq,
        byday: s.byday,
        opens_at: timeOf(s.opens_at),
        closes_at: timeOf(s.closes_at),
        description: s.description,
      }),
    ),
    service_areas: own(d.areas).map((a) =>
      clean({ id: a.id, service_id: a.service_id, name: a.name, extent: a.extent, extent_type: a.extent_type }),
    ),
    service_at_locations: own(d.locations).map((l) => ({
      id: l.service_at_location_id,
      service_id: row.id,
      location_id: l.id,
      location: locationJson(l),
    })),
    languages: own(d.languages).map((l) => clean({ id: l.id, service_id: l.service_id, name: l.name, code: l.code })),
    funding: [],
    cost_options: [],
    contacts: own(d.contacts).map((c) =>
      clean({
        id: c.id,
        service_id: c.service_id,
        name: c.name,
        title: c.title,
        email: validEmail(c.email),
        phones: d.contactPhones
          .filter((p) => p.contact_id === c.id)
          .map((p) => clean({ id: p.id, contact_id: c.id, number: p.number, description: p.description })),
      }),
    ),
    phones: own(d.phones).map((p) =>
      clean({ id: p.id, service_id: row.id, number: p.number, description: p.description }),
    ),
    attributes: own(d.terms).map((t) => ({
      id: t.link_id,
      link_id: row.id,
      link_type: 'service',
      taxonomy_term_id: t.id,
      taxonomy_term: taxonomyTermJson(t),
    })),
  };
}

export function pageJson<T>(contents: T[], total: number, page: number, perPage: number) {
  const totalPages = Math.ceil(total / perPage);
  return {
    total_items: total,
    total_pages: totalPages,
    page_number: page,
    size: contents.length,
    first_page: page === 1,
    last_page: page >= totalPages,
    empty: contents.length === 0,
    contents,
  };
}

// Query parameters.

export const MAX_PER_PAGE = 100;
const DAYS: Record<string, string> = {
  mo: 'MO',
  monday: 'MO',
  tu: 'TU',
  tuesday: 'TU',
  we: 'WE',
  wednesday: 'WE',
  th: 'TH',
  thursday: 'TH',
  fr: 'FR',
  friday: 'FR',
  sa: 'SA',
  saturday: 'SA',
  su: 'SU',
  sunday: 'SU',
};

const POSTCODE = /^([A-Z]{1,2}[0-9][A-Z0-9]?)(?:\s*([0-9][A-Z]{2}))?$/;

/** The outward code ("LS12") of a full or partial UK postcode, or undefined if it is not one. */
export function postcodeDistrict(raw: string): string | undefined {
  const m = POSTCODE.exec(raw.trim().toUpperCase());
  return m?.[1];
}

export interface ApiQuery {
  page: number;
  perPage: number;
  filters: ServiceFilters;
  postcode?: string;
  proximity?: number;
}

/**
 * Parses the API's query string. Anything malformed or oversized is an error naming the parameter,
 * never a database error later; parameters the API does not define are ignored.
 */
export function parseApiQuery(
  query: Record<string, unknown>,
  allowed: ReadonlyArray<string>,
): { ok: true; value: ApiQuery } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const filters: ServiceFilters = {};
  const value: ApiQuery = { page: 1, perPage: 50, filters };
  const get = (name: string): string | undefined => {
    const v = query[name];
    if (v === undefined || !allowed.includes(name)) return undefined;
    if (typeof v !== 'string') {
      errors.push({ field: name, message: `${name} must be given once` });
      return undefined;
    }
    if (v.length > 200) {
      errors.push({ field: name, message: `${name} must be 200 characters or fewer` });
      return undefined;
    }
    return v.trim();
  };
  const int = (name: string, min: number, max: number) => {
    const v = get(name);
    if (v === undefined || v === '') return undefined;
    if (!/^\d{1,9}$/.test(v) || Number(v) < min || Number(v) > max) {
      errors.push({ field: name, message: `${name} must be a whole number from ${min} to ${max}` });
      return undefined;
    }
    return Number(v);
  };
  const num = (name: string, min: number, max: number) => {
    const v = get(name);
    if (v === undefined || v === '') return undefined;
    if (!/^\d{1,6}(\.\d{1,4})?$/.test(v) || Number(v) < min || Number(v) > max) {
      errors.push({ field: name, message: `${name} must be a number from ${min} to ${max}` });
      return undefined;
    }
    return Number(v);
  };
  const uuid = (name: string) => {
    const v = get(name);
    if (v === undefined || v === '') return undefined;
    if (!UUID.test(v)) {
      errors.push({ field: name, message: `${name} must be a UUID` });
      return undefined;
    }
    return v.toLowerCase();
  };
  const time = (name: string) => {
    const v = get(name);
    if (v === undefined || v === '') return undefined;
    if (!/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/.test(v)) {
      errors.push({ field: name, message: `${name} must be a time such as 09:30` });
      return undefined;
    }
    return v;
  };

  value.page = int('page', 1, 100_000) ?? 1;
  value.perPage = int('per_page', 1, MAX_PER_PAGE) ?? 50;
  const search = get('search');
  if (search) filters.text = search;
  const term = uuid('taxonomy_term_id');
  if (term) filters.termIds = [term];
  const taxonomy = uuid('taxonomy_id');
  if (taxonomy) filters.taxonomyId = taxonomy;
  const organisation = uuid('organization_id');
  if (organisation) filters.organisationId = organisation;
  const minAge = num('minimum_age', 0, 150);
  if (minAge !== undefined) filters.minimumAgeAtLeast = minAge;
  const maxAge = num('maximum_age', 0, 150);
  if (maxAge !== undefined) filters.maximumAgeAtMost = maxAge;
  const start = time('start_time');
  if (start) filters.startTime = start;
  const end = time('end_time');
  if (end) filters.endTime = end;
  const day = get('day');
  if (day) {
    const code = DAYS[day.toLowerCase()];
    if (code) filters.day = code;
    else errors.push({ field: 'day', message: 'day must be a day of the week, such as MO or Monday' });
  }
  const modified = get('modified_after');
  if (modified) {
    const d = new Date(modified);
    if (
      !/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(modified) ||
      Number.isNaN(d.getTime())
    ) {
      errors.push({
        field: 'modified_after',
        message: 'modified_after must be a date and time such as 2026-01-31T09:00:00Z',
      });
    } else filters.modifiedAfter = d;
  }
  const postcode = get('postcode');
  if (postcode) {
    const district = postcodeDistrict(postcode);
    if (district) value.postcode = district;
    else errors.push({ field: 'postcode', message: 'postcode must be a UK postcode, such as LS12 3AA' });
  }
  const proximity = num('proximity', 1, 200_000);
  if (proximity !== undefined) {
    if (!postcode) errors.push({ field: 'proximity', message: 'proximity needs a postcode' });
    else value.proximity = proximity;
  }
  return errors.length ? { ok: false, errors } : { ok: true, value };
}
