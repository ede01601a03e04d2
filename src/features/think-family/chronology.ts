/** Think Family needs on the chronology of each child who lived in the household, under the case-detail rules. */
import { longDate } from '../../platform/calendar.ts';
import { type ChronologySource, recordedEntry, type SourceEntry } from '../../platform/chronology.ts';
import { needDef } from './needs.ts';

const thinkFamilySource: ChronologySource = {
  kind: 'think_family',
  label: 'Think Family',
  async entries(q, personIds, viewer) {
    if (personIds.length === 0) return [];
    const rows = await q
      .selectFrom('think_family_need as n')
      .innerJoin('household_member as hm', 'hm.household_id', 'n.household_id')
      .innerJoin('organisation as o', 'o.id', 'n.organisation_id')
      .innerJoin('app_user as u', 'u.id', 'n.recorded_by')
      .leftJoin('person as p', 'p.id', 'n.person_id')
      .leftJoin('app_user as eu', 'eu.id', 'n.ended_by')
      .select([
        'n.id',
        'hm.person_id as child_id',
        'n.person_id',
        'n.need',
        'n.category',
        'n.organisation_id',
        'n.recorded_by',
        'n.recorded_at',
        'n.ended_at',
        'n.ended_on',
        'n.end_reason',
        'eu.name as ended_by_name',
        'o.name as organisation_name',
        'u.name as recorded_by_name',
        'p.given_name',
        'p.family_name',
      ])
      .where('hm.person_id', 'in', personIds)
      .execute();
    return rows.flatMap((n): SourceEntry[] => {
      const about = n.person_id ? viewer.nameOf(n.person_id, `${n.given_name} ${n.family_name}`) : 'the household';
      const label = needDef(n.need)?.label ?? n.need;
      const by = {
        organisationId: n.organisation_id,
        organisationName: n.organisation_name,
        userId: n.recorded_by,
        userName: n.recorded_by_name,
        category: n.category,
      };
      const entries: SourceEntry[] = [
        {
          key: `${n.id}:${n.child_id}`,
          personId: n.child_id,
          at: n.recorded_at,
          title: `Adult need affecting parenting recorded: ${label}`,
          summary: `About ${about}`,
          path: 'think-family',
          ...recordedEntry('case_detail', by),
        },
      ];
      if (n.ended_at && n.ended_on) {
        entries.push({
          key: `${n.id}:${n.child_id}:ended`,
          personId: n.child_id,
          at: n.ended_at,
          title: `Adult need affecting parenting ended: ${label}`,
          summary: `About ${about}. Ended on ${longDate(n.ended_on)}: ${n.end_reason ?? ''}`,
          path: 'think-family',
          ...recordedEntry('case_detail', by),
          actorName: n.ended_by_name,
        });
      }
      return entries;
    });
  },
};

export const THINK_FAMILY_CHRONOLOGY_SOURCES: ChronologySource[] = [thinkFamilySource];
