/**
 * What early help plans contribute to a child's chronology: the plan agreed with the family, each review held and
 * each action done. That they happened is index-level, as the episode's own entries are; what was said (the
 * family's view at a review, what an action was) is case detail of the organisation of the person who recorded it.
 */
import type { ChronologySource, SourceEntry } from '../../platform/chronology.ts';

export const planSource: ChronologySource = {
  kind: 'plan',
  label: 'Early help plan',
  async entries(q, personIds) {
    const plans = await q
      .selectFrom('episode_person as ep')
      .innerJoin('plan as p', 'p.episode_id', 'ep.episode_id')
      .leftJoin('app_user as u', 'u.id', 'p.agreed_by')
      .leftJoin('organisation as o', 'o.id', 'u.organisation_id')
      .select([
        'ep.person_id',
        'p.id',
        'p.episode_id',
        'p.agreed_at',
        'p.agreed_by',
        'u.name as agreed_by_name',
        'u.organisation_id',
        'o.name as organisation_name',
      ])
      .where('ep.person_id', 'in', personIds)
      .execute();
    if (!plans.length) return [];
    const planIds = [...new Set(plans.map((p) => p.id))];
    const reviews = await q
      .selectFrom('plan_review as r')
      .innerJoin('app_user as u', 'u.id', 'r.recorded_by')
      .innerJoin('organisation as o', 'o.id', 'u.organisation_id')
      .select([
        'r.id',
        'r.plan_id',
        'r.recorded_at',
        'r.recorded_by',
        'r.family_view',
        'u.name',
        'u.organisation_id',
        'o.name as organisation_name',
      ])
      .where('r.plan_id', 'in', planIds)
      .execute();
    const actions = await q
      .selectFrom('plan_action as a')
      .innerJoin('plan_objective as ob', 'ob.id', 'a.objective_id')
      .innerJoin('app_user as u', 'u.id', 'a.completed_by')
      .innerJoin('organisation as o', 'o.id', 'u.organisation_id')
      .select([
        'a.id',
        'ob.plan_id',
        'a.what',
        'a.completed_at',
        'a.completed_by',
        'u.name',
        'u.organisation_id',
        'o.name as organisation_name',
      ])
      .where('ob.plan_id', 'in', planIds)
      .where('a.status', '=', 'done')
      .execute();
    const out: SourceEntry[] = [];
    for (const p of plans) {
      const path = `episodes/${p.episode_id}/plan`;
      const common = { personId: p.person_id, path, visibility: { kind: 'index' as const } };
      if (p.agreed_at && p.organisation_id) {
        out.push({
          ...common,
          key: `${p.id}:${p.person_id}:agreed`,
          at: p.agreed_at,
          title: 'Early help plan agreed with the family',
          summary: null,
          organisationId: p.organisation_id,
          organisationName: p.organisation_name,
          actorName: p.agreed_by_name,
        });
      }
      for (const r of reviews.filter((x) => x.plan_id === p.id)) {
        out.push({
          ...common,
          key: `${r.id}:${p.person_id}:review`,
          at: r.recorded_at,
          title: 'Early help plan reviewed',
          summary: `The family’s view: ${r.family_view}`,
          organisationId: r.organisation_id,
          organisationName: r.organisation_name,
          actorName: r.name,
          visibility: {
            kind: 'detail_only',
            record: { organisation_id: r.organisation_id, recorded_by: r.recorded_by, category: null },
          },
        });
      }
      for (const a of actions.filter((x) => x.plan_id === p.id)) {
        if (!a.completed_at || !a.completed_by) continue;
        out.push({
          ...common,
          key: `${a.id}:${p.person_id}:done`,
          at: a.completed_at,
          title: 'Early help plan action done',
          summary: a.what,
          organisationId: a.organisation_id,
          organisationName: a.organisation_name,
          actorName: a.name,
          visibility: {
            kind: 'detail_only',
            record: { organisation_id: a.organisation_id, recorded_by: a.completed_by, category: null },
          },
        });
      }
    }
    return out;
  },
};

export const PLAN_CHRONOLOGY_SOURCES: ChronologySource[] = [planSource];
