/**
 * SQL for a targeted services leader's lists: the families living in the leader's areas (their own areas and the
 * areas of their teams, with every area below them), scored in one query by what the product holds about them.
 */
import { sql } from 'kysely';
import type { Q } from '../../db/connection.ts';
import type { NeedLevel } from '../../db/schema.ts';
import { leadRows } from '../../platform/relationships.ts';
import { READ_PURPOSES } from '../../platform/sharing.ts';

/** Points for the highest current level of need among a family's children. */
export const LEVEL_POINTS: Record<NeedLevel, number> = { universal: 0, early_help: 2, targeted: 4, specialist: 6 };
/** Points for each further child whose current level is early help or above. */
export const FURTHER_CHILD_POINTS = 1;
/** Points for each agency working with the children now, up to the cap. */
export const AGENCY_POINTS = { each: 1, cap: 5 };
/** Points for each distinct unmet need recorded on the children, up to the cap. */
export const UNMET_POINTS = { each: 1, cap: 5 };
/** Points for each current Think Family need of the adults, up to the cap. */
export const ADULT_NEED_POINTS = { each: 2, cap: 3 };
/** Points when a child at early help or above has no lead practitioner yet. */
export const NO_LEAD_POINTS = 3;
export const TOP_LIMIT = 100;

export type ConsentStatus = 'given' | 'refused' | 'none';

export interface FamilyRow {
  household_id: string;
  area_name: string;
  children: { id: string; given_name: string; family_name: string; level: NeedLevel | null }[];
  top_level: NeedLevel | null;
  further_children: number;
  agencies: number;
  unmet_needs: number;
  adult_needs: number;
  no_lead: boolean;
  score: number;
  consent: ConsentStatus;
}

/** The areas the leader's lists cover: their own and their teams', and every area below those. */
const scope = (leaderId: string) => sql`
  scope(id) as (
    select area_id from user_area where user_id = ${leaderId}
    union
    select t.area_id from user_team ut join team t on t.id = ut.team_id
     where ut.user_id = ${leaderId} and t.area_id is not null
    union
    select a.id from area a join scope s on a.parent_id = s.id
  )`;

/**
 * The leader's families, scored: either the top ones (score above nothing, highest first) or the given households.
 * Households where someone shielded lives are left out: their whereabouts are protected.
 */
export async function families(
  db: Q,
  leaderId: string,
  today: string,
  at: Date,
  only?: { householdIds: string[] },
): Promise<FamilyRow[]> {
  if (only && only.householdIds.length === 0) return [];
  const which = only ? sql`and h.id in (${sql.join(only.householdIds)})` : sql``;
  const result = await sql<FamilyRow>`
    with recursive ${scope(leaderId)},
    members as (
      select h.id as household_id, h.area_id, p.id as person_id, p.given_name, p.family_name, p.date_of_birth
        from household h
        join household_member hm on hm.household_id = h.id and hm.moved_out is null
        join person p on p.id = hm.person_id
       where h.area_id in (select id from scope) ${which}
         and p.kind = 'child' and p.merged_into is null and p.date_of_death is null
         and h.id not in (select x.household_id from household_member x join person s on s.id = x.person_id
                           where x.moved_out is null and s.shielded and s.merged_into is null)
    ),
    levels as (
      select distinct on (n.person_id) n.person_id, n.level
        from need_level n join members m on m.person_id = n.person_id
       order by n.person_id, n.recorded_at desc
    ),
    ranked as (
      select m.*, l.level,
             case l.level when 'specialist' then 3 when 'targeted' then 2 when 'early_help' then 1 else 0 end as rank
        from members m left join levels l on l.person_id = m.person_id
    ),
    unmet as (
      select m.household_id, count(distinct (i.value->>'subArea') || '|' || (i.value->>'text'))::int as n
        from members m join need_level n on n.person_id = m.person_id
        cross join lateral jsonb_array_elements(n.indicators) i
       where i.value->>'level' <> 'universal'
       group by m.household_id
    ),
    agencies as (
      select m.household_id, count(distinct i.organisation_id)::int as n
        from members m join involvement i on i.person_id = m.person_id
       where i.ended_on is null or i.ended_on >= ${today}::date
       group by m.household_id
    ),
    leads as (
      -- A lead practitioner by the one rule (src/platform/relationships.ts, leadRows): an open episode's lead,
      -- otherwise a current involvement marked lead.
      select distinct m.household_id, true as has_lead
        from members m join (${leadRows(db, today)}) l on l.person_id = m.person_id
    ),
    adults as (
      select t.household_id, count(*)::int as n from think_family_need t
       where t.ended_at is null and t.household_id in (select household_id from members)
       group by t.household_id
    ),
    consents as (
      select k.household_id, bool_or(c.decision = 'given') as given, bool_or(c.decision = 'refused') as refused
        from (select m.household_id, c.id from members m join consent c on c.person_id = m.person_id
              union
              select m.household_id, c.id from members m join consent c on c.household_id = m.household_id) k
        join consent c on c.id = k.id
       where c.recorded_at <= ${at} and (c.withdrawn_at is null or c.withdrawn_at > ${at})
         and c.obtained_on <= ${today}::date and (c.review_on is null or c.review_on >= ${today}::date)
         and c.purposes && ${sql.raw(`array[${READ_PURPOSES.map((p) => `'${p}'`).join(',')}]::text[]`)}
       group by k.household_id
    ),
    households as (
      select r.household_id, r.area_id,
             json_agg(json_build_object('id', r.person_id, 'given_name', r.given_name, 'family_name', r.family_name,
                                        'level', r.level) order by r.rank desc, r.date_of_birth, r.person_id) as children,
             max(r.rank) as top_rank,
             greatest(count(*) filter (where r.rank >= 1) - 1, 0)::int as further_children
        from ranked r group by r.household_id, r.area_id
    ),
    scored as (
      select h.household_id, a.name as area_name, h.children,
             case h.top_rank when 3 then 'specialist' when 2 then 'targeted' when 1 then 'early_help' end as top_level,
             h.further_children,
             coalesce(g.n, 0) as agencies, coalesce(u.n, 0) as unmet_needs, coalesce(ad.n, 0) as adult_needs,
             (h.top_rank >= 1 and not coalesce(ld.has_lead, false)) as no_lead,
             case when cs.given then 'given' when cs.refused then 'refused' else 'none' end as consent,
             (case h.top_rank when 3 then ${LEVEL_POINTS.specialist} when 2 then ${LEVEL_POINTS.targeted}
                              when 1 then ${LEVEL_POINTS.early_help} else 0 end
              + h.further_children * ${FURTHER_CHILD_POINTS}
              + least(coalesce(g.n, 0) * ${AGENCY_POINTS.each}, ${AGENCY_POINTS.cap})
              + least(coalesce(u.n, 0) * ${UNMET_POINTS.each}, ${UNMET_POINTS.cap})
              + least(coalesce(ad.n, 0), ${ADULT_NEED_POINTS.cap}) * ${ADULT_NEED_POINTS.each}
              + case when h.top_rank >= 1 and not coalesce(ld.has_lead, false) then ${NO_LEAD_POINTS} else 0 end
             )::int as score
        from households h
        join area a on a.id = h.area_id
        left join agencies g on g.household_id = h.household_id
        left join leads ld on ld.household_id = h.household_id
        left join unmet u on u.household_id = h.household_id
        left join adults ad on ad.household_id = h.household_id
        left join consents cs on cs.household_id = h.household_id
    )
    select * from scored ${only ? sql`` : sql`where score > 0`}
     order by score desc, household_id
     ${only ? sql`` : sql`limit ${TOP_LIMIT}`}`.execute(db);
  return result.rows.map((r) => ({
    ...r,
    children: typeof r.children === 'string' ? JSON.parse(r.children) : r.children,
  }));
}

/** Whether the household is one of the leader's families (in their areas, nobody shielded in it). */
export async function inScope(db: Q, leaderId: string, householdId: string): Promise<boolean> {
  const result = await sql<{ ok: boolean }>`
    with recursive ${scope(leaderId)}
    select true as ok from household h
     where h.id = ${householdId} and h.area_id in (select id from scope) and not household_protected(h.id)`.execute(db);
  return result.rows.length > 0;
}

/** The leader's next "Guidance and Support" meeting: the first on or after today. */
export async function nextMeeting(db: Q, leaderId: string, today: string) {
  return db
    .selectFrom('guidance_support_meeting')
    .select(['id', 'meets_on'])
    .where('leader_id', '=', leaderId)
    .where('meets_on', '>=', today)
    .orderBy('meets_on')
    .limit(1)
    .executeTakeFirst();
}

/** The families on a meeting now, in the order they were added. */
export async function meetingFamilies(db: Q, meetingId: string) {
  return db
    .selectFrom('guidance_support_family')
    .select(['id', 'household_id', 'person_id', 'added_reason', 'added_at'])
    .where('meeting_id', '=', meetingId)
    .where('removed_at', 'is', null)
    .orderBy('added_at')
    .execute();
}
