/**
 * What the child index contributes to the chronology: records created, involvements started and ended, shielding
 * and merges. All are index-level facts; an involvement with a sensitive service shows only to those who may see
 * that service, as on the index card. Shielding reasons and merge reasons are not shown.
 */
import type { ChronologySource, SourceEntry } from '../../platform/chronology.ts';
import { dayInstant } from '../../platform/chronology.ts';

export const registrationSource: ChronologySource = {
  kind: 'registration',
  label: 'Record created',
  async entries(q, personIds) {
    const rows = await q
      .selectFrom('person as p')
      .leftJoin('app_user as u', 'u.id', 'p.created_by')
      .leftJoin('organisation as o', 'o.id', 'u.organisation_id')
      .select(['p.id', 'p.created_at', 'p.merged_into', 'u.name as actor', 'o.id as org_id', 'o.name as org'])
      .where('p.id', 'in', personIds)
      .execute();
    return rows.map(
      (r): SourceEntry => ({
        key: r.id,
        personId: r.id,
        at: r.created_at,
        title: r.merged_into ? 'Record created (later merged into this one)' : 'Record created in the child index',
        actorName: r.actor,
        organisationId: r.org_id,
        organisationName: r.org,
        visibility: { kind: 'index' },
      }),
    );
  },
};

export const involvementSource: ChronologySource = {
  kind: 'involvement',
  label: 'Involvement',
  async entries(q, personIds) {
    const rows = await q
      .selectFrom('involvement as i')
      .innerJoin('organisation as o', 'o.id', 'i.organisation_id')
      .leftJoin('team as t', 't.id', 'i.team_id')
      .leftJoin('app_user as u', 'u.id', 'i.user_id')
      .leftJoin('app_user as a', 'a.id', 'i.added_by')
      .select([
        'i.id',
        'i.person_id',
        'i.role',
        'i.started_on',
        'i.ended_on',
        'i.organisation_id',
        'i.team_id',
        'i.user_id',
        'o.name as organisation_name',
        'o.sensitive_category as organisation_sensitive_category',
        't.name as team_name',
        't.sensitive_category as team_sensitive_category',
        'u.name as practitioner_name',
        'a.name as added_by_name',
      ])
      .where('i.person_id', 'in', personIds)
      .execute();
    const out: SourceEntry[] = [];
    for (const r of rows) {
      const who = [r.practitioner_name, r.team_name, r.organisation_name].filter(Boolean).join(', ');
      const visibility = { kind: 'service' as const, involvement: r };
      out.push({
        key: `${r.id}:started`,
        personId: r.person_id,
        at: dayInstant(r.started_on),
        allDay: true,
        title: `Started working with the child: ${r.role}`,
        summary: who,
        organisationId: r.organisation_id,
        organisationName: r.organisation_name,
        actorName: r.added_by_name ?? r.practitioner_name,
        path: '',
        visibility,
      });
      if (r.ended_on) {
        out.push({
          key: `${r.id}:ended`,
          personId: r.person_id,
          at: dayInstant(r.ended_on),
          allDay: true,
          title: `Stopped working with the child: ${r.role}`,
          summary: who,
          organisationId: r.organisation_id,
          organisationName: r.organisation_name,
          actorName: r.practitioner_name,
          visibility,
        });
      }
    }
    return out;
  },
};

export const shieldingSource: ChronologySource = {
  kind: 'shielding',
  label: 'Shielding',
  async entries(q, personIds) {
    const rows = await q
      .selectFrom('shielding_change as s')
      .leftJoin('app_user as u', 'u.id', 's.changed_by')
      .leftJoin('organisation as o', 'o.id', 'u.organisation_id')
      .select([
        's.id',
        's.person_id',
        's.shielded',
        's.changed_at',
        'u.name as actor',
        'o.id as org_id',
        'o.name as org',
      ])
      .where('s.person_id', 'in', personIds)
      .execute();
    return rows.map(
      (r): SourceEntry => ({
        key: r.id,
        personId: r.person_id,
        at: r.changed_at,
        title: r.shielded ? 'Whereabouts shielded' : 'Shielding lifted',
        summary: r.shielded
          ? 'The child’s address, and that of everyone living with them, is hidden; the record opens only with a reason.'
          : 'The child’s address shows again to those who may open the record.',
        actorName: r.actor,
        organisationId: r.org_id,
        organisationName: r.org,
        visibility: { kind: 'index' },
      }),
    );
  },
};

export const mergeSource: ChronologySource = {
  kind: 'merge',
  label: 'Records merged',
  async entries(q, personIds) {
    const rows = await q
      .selectFrom('person_merge as m')
      .leftJoin('app_user as u', 'u.id', 'm.merged_by')
      .leftJoin('app_user as x', 'x.id', 'm.unmerged_by')
      .select(['m.id', 'm.kept_id', 'm.merged_at', 'm.unmerged_at', 'u.name as merged_by', 'x.name as unmerged_by'])
      .where('m.kept_id', 'in', personIds)
      .execute();
    const out: SourceEntry[] = [];
    for (const r of rows) {
      out.push({
        key: `${r.id}:merged`,
        personId: r.kept_id,
        at: r.merged_at,
        title: 'Duplicate record merged into this one',
        summary: 'What was recorded on the duplicate (involvements, consent, notes) now shows here.',
        actorName: r.merged_by,
        visibility: { kind: 'index' },
      });
      if (r.unmerged_at) {
        out.push({
          key: `${r.id}:unmerged`,
          personId: r.kept_id,
          at: r.unmerged_at,
          title: 'Merge undone',
          summary: 'The two records were found to be different children and were separated again.',
          actorName: r.unmerged_by,
          visibility: { kind: 'index' },
        });
      }
    }
    return out;
  },
};

/** The child index's sources, in the order the filter lists them. */
export const PEOPLE_CHRONOLOGY_SOURCES: ChronologySource[] = [
  registrationSource,
  involvementSource,
  shieldingSource,
  mergeSource,
];
