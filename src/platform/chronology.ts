import type { Q } from '../db/connection.ts';
import type { Actor } from './access.ts';
import { londonToday } from './calendar.ts';
import {
  type AccessContext,
  type CaseDetailRecord,
  canSeeRecord,
  maySeeService,
  type ServiceInvolvement,
} from './sharing.ts';

export type { Q };

/**
 * What an entry's visibility rests on:
 * - `index`: an index-level fact (a record created, shielding) — anyone who may open the chronology sees it;
 * - `service`: an index-level fact about a service's involvement — hidden when the service is sensitive and the
 *   viewer may not see it (as on the index card);
 * - `case_detail`: a record of case detail — shown only under the sharing rules (`canSeeRecord`): a relationship
 *   and a basis, own-organisation-only and sensitive-category rules honoured;
 * - `detail_only`: the entry itself is index-level, but its summary is case detail and shows only under the
 *   sharing rules (a note from another agency: "note recorded by X", without its text).
 */
export type EntryVisibility =
  | { kind: 'index' }
  | { kind: 'service'; involvement: ServiceInvolvement }
  | { kind: 'case_detail'; record: CaseDetailRecord }
  | { kind: 'detail_only'; record: CaseDetailRecord };

/** An entry as a source returns it. */
export interface SourceEntry {
  /** Unique within the source (a row id, with a suffix when one row gives several entries). */
  key: string;
  /** The person record the entry is on (it may be a record since merged into the one being viewed). */
  personId: string;
  at: Date;
  /** The fact is a day, not an instant (an involvement that started on a date). */
  allDay?: boolean;
  title: string;
  summary?: string | null;
  organisationId?: string | null;
  organisationName?: string | null;
  actorName?: string | null;
  /** Where the source record is, under the child's address (`consent`, `notes/<id>`; '' for the record itself). */
  path?: string | null;
  visibility: EntryVisibility;
}

/** Who recorded a piece of case detail: their organisation, their name, and the record's sharing rules. */
export interface RecordedBy {
  organisationId: string;
  organisationName: string | null;
  userId: string;
  /** Shown as the entry's actor; a later actor (who withdrew, who answered) is given on the entry itself. */
  userName: string | null;
  category?: string | null;
  ownOrganisationOnly?: boolean;
}

/**
 * The shared part of an entry about a record of case detail: its organisation and actor, and its visibility —
 * `case_detail` (shown only under the sharing rules) or `detail_only` (the title to anyone, the summary under them).
 */
export function recordedEntry(
  kind: 'case_detail' | 'detail_only',
  by: RecordedBy,
): Pick<SourceEntry, 'organisationId' | 'organisationName' | 'actorName' | 'visibility'> {
  const record: CaseDetailRecord = {
    organisation_id: by.organisationId,
    recorded_by: by.userId,
    category: by.category ?? null,
  };
  if (by.ownOrganisationOnly !== undefined) record.own_organisation_only = by.ownOrganisationOnly;
  return {
    organisationId: by.organisationId,
    organisationName: by.organisationName,
    actorName: by.userName,
    visibility: { kind, record },
  };
}

/** Who is looking, and how to name people whose details a withhold marker protects. */
export interface ChronologyViewer {
  actor: Actor;
  at: Date;
  /** A person's name as the chronology may show it: a withhold marker on the child replaces it. */
  nameOf(personId: string, name: string): string;
}

/** One feature's contribution to the chronology. */
export interface ChronologySource {
  kind: string;
  label: string;
  entries(q: Q, personIds: string[], viewer: ChronologyViewer): Promise<SourceEntry[]>;
}

/** An entry as the viewer sees it. */
export interface ChronologyEntry {
  id: string;
  /** The child the entry is about: the surviving record when records were merged. */
  personId: string;
  at: Date;
  /** The London date of the entry. */
  date: string;
  allDay: boolean;
  kind: string;
  kindLabel: string;
  title: string;
  summary: string | null;
  /** The summary is case detail the viewer may not see. */
  summaryWithheld: boolean;
  organisationId: string | null;
  organisationName: string | null;
  actorName: string | null;
  href: string | null;
}

export interface ChronologyFilters {
  kinds?: string[];
  organisationId?: string;
  /** London dates, inclusive. */
  from?: string;
  to?: string;
}

export interface ChronologyResult {
  entries: ChronologyEntry[];
  /** Entries the viewer may not see, over the whole chronology whatever the filters (so filters reveal nothing). */
  withheld: number;
  /** Entries before filtering, visible to the viewer. */
  visibleTotal: number;
  /** Agencies that appear in the visible entries, for the filter. */
  organisations: { id: string; name: string }[];
  kinds: { kind: string; label: string }[];
}

/** The per-child access the rules need: computed once per child by the caller (sharing.accessContext). */
export interface ChildAccess {
  /** The viewer may open this child's chronology at all; if not, every entry is withheld. */
  allowed: boolean;
  context: AccessContext;
}

export const SUMMARY_WITHHELD =
  'The details are not shown to you: there is no consent or lawful basis for sharing them with your organisation.';

function shows(access: ChildAccess, v: EntryVisibility): 'all' | 'title' | 'none' {
  if (!access.allowed) return 'none';
  switch (v.kind) {
    case 'index':
      return 'all';
    case 'service':
      return maySeeService(access.context, v.involvement) ? 'all' : 'none';
    case 'case_detail':
      return canSeeRecord(access.context, v.record) ? 'all' : 'none';
    case 'detail_only':
      return canSeeRecord(access.context, v.record) ? 'all' : 'title';
  }
}

/**
 * Builds the chronology for some children. `records` maps every record id to read (each child's own id and the
 * ids of records merged into it) to the child it belongs to; `access` gives each child's access. Newest first.
 */
export async function buildChronology(
  q: Q,
  sources: readonly ChronologySource[],
  viewer: ChronologyViewer,
  records: Map<string, string>,
  access: Map<string, ChildAccess>,
  filters: ChronologyFilters = {},
): Promise<ChronologyResult> {
  const ids = [...records.keys()];
  const visible: ChronologyEntry[] = [];
  let withheld = 0;
  for (const source of sources) {
    const rows = ids.length ? await source.entries(q, ids, viewer) : [];
    for (const e of rows) {
      const personId = records.get(e.personId) ?? e.personId;
      const a = access.get(personId);
      const level = a ? shows(a, e.visibility) : 'none';
      if (level === 'none') {
        withheld++;
        continue;
      }
      visible.push({
        id: `${source.kind}:${e.key}`,
        personId,
        at: e.at,
        date: e.allDay ? e.at.toISOString().slice(0, 10) : londonToday(e.at),
        allDay: !!e.allDay,
        kind: source.kind,
        kindLabel: source.label,
        title: e.title,
        summary: level === 'all' ? (e.summary ?? null) : null,
        summaryWithheld: level === 'title' && !!e.summary,
        organisationId: e.organisationId ?? null,
        organisationName: e.organisationName ?? null,
        actorName: e.actorName ?? null,
        href: level === 'all' && e.path != null ? `/people/${personId}${e.path ? `/${e.path}` : ''}` : null,
      });
    }
  }
  visible.sort((a, b) => b.at.getTime() - a.at.getTime() || a.id.localeCompare(b.id));
  const organisations = new Map<string, string>();
  for (const e of visible)
    if (e.organisationId && e.organisationName) organisations.set(e.organisationId, e.organisationName);
  const kinds = filters.kinds?.length ? new Set(filters.kinds) : null;
  const entries = visible.filter(
    (e) =>
      (!kinds || kinds.has(e.kind)) &&
      (!filters.organisationId || e.organisationId === filters.organisationId) &&
      (!filters.from || e.date >= filters.from) &&
      (!filters.to || e.date <= filters.to),
  );
  return {
    entries,
    withheld,
    visibleTotal: visible.length,
    organisations: [...organisations].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name)),
    kinds: sources.map((s) => ({ kind: s.kind, label: s.label })),
  };
}

/** A date-only fact as an instant that sorts on its day: noon UTC keeps the same calendar date in London. */
export function dayInstant(iso: string): Date {
  return new Date(`${iso.slice(0, 10)}T12:00:00Z`);
}
