/**
 * What early help assessments contribute to a child's chronology: started (or an agency's own assessment attached in
 * its place), each submission for sign-off, each
 * return for changes (the reason is case detail of the manager's organisation) and each sign-off. That an assessment
 * exists and who holds it is index-level, as who is working with a child is on the index card.
 */
import type { ChronologySource, SourceEntry } from '../../platform/chronology.ts';

export const assessmentSource: ChronologySource = {
  kind: 'assessment',
  label: 'Early help assessment',
  async entries(q, personIds) {
    const started = await q
      .selectFrom('assessment_person as ap')
      .innerJoin('assessment as a', 'a.id', 'ap.assessment_id')
      .innerJoin('app_user as u', 'u.id', 'a.author_id')
      .innerJoin('organisation as o', 'o.id', 'a.organisation_id')
      .leftJoin('agency_assessment as aa', 'aa.assessment_id', 'a.id')
      .select([
        'ap.person_id',
        'a.id',
        'a.kind',
        'a.started_at',
        'a.organisation_id',
        'u.name',
        'o.name as organisation_name',
        'aa.completed_on',
      ])
      .where('ap.person_id', 'in', personIds)
      .execute();
    if (!started.length) return [];
    const signoffs = await q
      .selectFrom('assessment_signoff as s')
      .innerJoin('app_user as b', 'b.id', 's.submitted_by')
      .innerJoin('app_user as m', 'm.id', 's.manager_id')
      .innerJoin('organisation as mo', 'mo.id', 'm.organisation_id')
      .innerJoin('organisation as bo', 'bo.id', 'b.organisation_id')
      .select([
        's.id',
        's.assessment_id',
        's.version',
        's.submitted_at',
        's.outcome',
        's.reason',
        's.decided_at',
        's.manager_id',
        'b.name as submitted_by_name',
        'b.organisation_id as submitted_by_organisation_id',
        'bo.name as submitted_by_organisation_name',
        'm.name as manager_name',
        'm.organisation_id as manager_organisation_id',
        'mo.name as manager_organisation_name',
      ])
      .where('s.assessment_id', 'in', [...new Set(started.map((a) => a.id))])
      .execute();
    const out: SourceEntry[] = [];
    for (const a of started) {
      if (a.kind === 'agency') {
        // Its name or tool and its findings are case detail (on its page, under the sharing rules); that the agency
        // attached its own assessment, and when it was completed, is index-level as an assessment started is.
        out.push({
          personId: a.person_id,
          path: `agency-assessments/${a.id}`,
          visibility: { kind: 'index' },
          key: `${a.id}:${a.person_id}:attached`,
          at: a.started_at,
          title: `An agency’s own assessment attached, counted as the early help assessment (completed ${a.completed_on})`,
          summary: null,
          organisationId: a.organisation_id,
          organisationName: a.organisation_name,
          actorName: a.name,
        });
        continue;
      }
      const common = { personId: a.person_id, path: `assessments/${a.id}`, visibility: { kind: 'index' as const } };
      out.push({
        ...common,
        key: `${a.id}:${a.person_id}:started`,
        at: a.started_at,
        title: 'Early help assessment started',
        summary: null,
        organisationId: a.organisation_id,
        organisationName: a.organisation_name,
        actorName: a.name,
      });
      for (const s of signoffs.filter((x) => x.assessment_id === a.id)) {
        out.push({
          ...common,
          key: `${s.id}:${a.person_id}:submitted`,
          at: s.submitted_at,
          title: `Early help assessment (version ${s.version}) submitted to ${s.manager_name} for sign-off`,
          summary: null,
          organisationId: s.submitted_by_organisation_id,
          organisationName: s.submitted_by_organisation_name,
          actorName: s.submitted_by_name,
        });
        if (!s.decided_at || !s.outcome) continue;
        const decided = {
          ...common,
          key: `${s.id}:${a.person_id}:${s.outcome}`,
          at: s.decided_at,
          organisationId: s.manager_organisation_id,
          organisationName: s.manager_organisation_name,
          actorName: s.manager_name,
        };
        if (s.outcome === 'signed_off') {
          out.push({ ...decided, title: `Early help assessment (version ${s.version}) signed off`, summary: null });
        } else {
          out.push({
            ...decided,
            title: `Early help assessment (version ${s.version}) returned for changes`,
            summary: s.reason,
            visibility: {
              kind: 'detail_only',
              record: { organisation_id: s.manager_organisation_id, recorded_by: s.manager_id, category: null },
            },
          });
        }
      }
    }
    return out;
  },
};

export const ASSESSMENT_CHRONOLOGY_SOURCES: ChronologySource[] = [assessmentSource];
