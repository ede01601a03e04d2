/** Think Family needs on the chronology of each child who lived in the household, under the case-detail rules. */
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
      .select([
        'n.id',
        'hm.person_id as child_id',
        'n.person_id',
        'n.need',
        'n.category',
        'n.organisation_id',
        'n.recorded_by',
        'n.recorded_at',
        'o.name as organisation_name',
        'u.name as recorded_by_name',
        'p.given_name',
        'p.family_name',
      ])
      .where('hm.person_id', 'in', personIds)
      .execute();
    return rows.map((n): SourceEntry => {
      const about = n.person_id ? viewer.nameOf(n.person_id, `${n.given_name} ${n.family_name}`) : 'the household';
      return {
        key: `${n.id}:${n.child_id}`,
        personId: n.child_id,
        at: n.recorded_at,
        title: `Adult need affecting parenting recorded: ${needDef(n.need)?.label ?? n.need}`,
        summary: `About ${about}`,
        path: 'think-family',
        ...recordedEntry('case_detail', {
          organisationId: n.organisation_id,
          organisationName: n.organisation_name,
          userId: n.recorded_by,
          userName: n.recorded_by_name,
          category: n.category,
        }),
      };
    });
  },
};

export const THINK_FAMILY_CHRONOLOGY_SOURCES: ChronologySource[] = [thinkFamilySource];
