import type { AccessRoute, Tier } from '../../db/schema.ts';
import { ageRangeText } from './eligibility.ts';
import type { filterOptions, ServiceDetails, ServiceRow } from './repository.ts';
import type { DirectorySearch } from './schemas.ts';

/** What the pages show of a service, worked out once so templates stay simple. */

export const TIER_LABELS: Record<Tier, string> = {
  universal: 'Universal',
  targeted: 'Targeted',
  specialist: 'Specialist',
};
const TIER_TAGS: Record<Tier, string> = {
  universal: 'govuk-tag--green',
  targeted: 'govuk-tag--blue',
  specialist: 'govuk-tag--purple',
};
export const ACCESS_LABELS: Record<AccessRoute, string> = {
  direct: 'Contact the service directly',
  front_door: 'Through the front door',
  panel: 'Through a panel',
};

const DAY_NAMES: Record<string, string> = {
  MO: 'Monday',
  TU: 'Tuesday',
  WE: 'Wednesday',
  TH: 'Thursday',
  FR: 'Friday',
  SA: 'Saturday',
  SU: 'Sunday',
};

function clock(t: string | null): string {
  if (!t) return '';
  const [h, m] = t.split(':').map(Number) as [number, number];
  const suffix = h < 12 ? 'am' : 'pm';
  const hour = h % 12 === 0 ? 12 : h % 12;
  return m ? `${hour}:${String(m).padStart(2, '0')}${suffix}` : `${hour}${suffix}`;
}

export function hoursText(schedules: ServiceDetails['schedules']): string[] {
  return schedules.map((s) => {
    if (s.description) return s.description;
    const days = s.byday
      .split(',')
      .map((d) => DAY_NAMES[d.trim()] ?? d)
      .join(', ');
    return s.opens_at ? `${days}: ${clock(s.opens_at)} to ${clock(s.closes_at)}` : days;
  });
}

export function serviceDisplay(row: ServiceRow, d: ServiceDetails, today: string) {
  const own = <T extends { service_id: string | null }>(xs: T[]) => xs.filter((x) => x.service_id === row.id);
  const contacts = own(d.contacts).map((c) => ({
    ...c,
    phones: d.contactPhones.filter((p) => p.contact_id === c.id),
  }));
  return {
    id: row.id,
    name: row.name,
    organisation: row.organisation_name,
    description: row.description,
    status: row.status,
    tier: row.tier,
    tierLabel: row.tier ? TIER_LABELS[row.tier] : 'Not classified',
    tierTag: row.tier ? TIER_TAGS[row.tier] : 'govuk-tag--grey',
    accessRoute: row.access_route,
    accessLabel: row.access_route
      ? row.access_route === 'panel'
        ? `Through a panel: ${row.access_panel}`
        : ACCESS_LABELS[row.access_route]
      : 'Not stated',
    panel: row.access_panel,
    howToRefer: row.how_to_refer,
    startConversation: row.start_conversation,
    startConversationPhone: row.start_conversation_phone,
    ageRange: ageRangeText(row.minimum_age, row.maximum_age),
    ages:
      row.minimum_age === null && row.maximum_age === null
        ? 'Any age'
        : ageRangeText(row.minimum_age, row.maximum_age).replace(/^aged /, ''),
    needs: own(d.terms).map((t) => t.name),
    areas: own(d.areas).map((a) => a.name),
    languages: own(d.languages).map((l) => l.name),
    phones: own(d.phones),
    contacts,
    locations: own(d.locations),
    fees: row.fees,
    url: row.url,
    email: row.email,
    alert: row.alert,
    reviewDate: row.review_date,
    overdue: row.review_date < today,
    source: row.source,
  };
}

type Options = Awaited<ReturnType<typeof filterOptions>>;

/** The MoJ "selected filters" tags, each linking to the same search without that one value. */
export function describeSelection(criteria: DirectorySearch, options: Options) {
  const base: [string, string][] = [];
  if (criteria.q) base.push(['q', criteria.q]);
  for (const n of criteria.need) base.push(['need', n]);
  if (criteria.age !== undefined) base.push(['age', String(criteria.age)]);
  if (criteria.area) base.push(['area', criteria.area]);
  for (const t of criteria.tier) base.push(['tier', t]);
  if (criteria.language) base.push(['language', criteria.language]);
  for (const a of criteria.access) base.push(['access', a]);
  if (criteria.open) base.push(['open', 'now']);
  const label = ([k, v]: [string, string]) => {
    switch (k) {
      case 'q':
        return `“${v}”`;
      case 'need':
        return options.terms.find((t) => t.id === v)?.name ?? 'Need';
      case 'age':
        return `Age ${v}`;
      case 'area':
        return options.areas.find((a) => a.id === v)?.name ?? 'Area';
      case 'tier':
        return TIER_LABELS[v as Tier];
      case 'language':
        return options.languages.find((l) => l.code === v || l.name === v)?.name ?? v;
      case 'access':
        return ACCESS_LABELS[v as AccessRoute];
      default:
        return 'Open now';
    }
  };
  return base.map((pair, i) => {
    const rest = new URLSearchParams(base.filter((_, j) => j !== i));
    return { text: label(pair), href: `/directory?${rest}` };
  });
}
