/**
 * What the front door contributes to a child's chronology: a request for support made, and the front door's
 * decision. Both are case detail (of the referrer's organisation, and of the front door's), so the title shows to
 * anyone who may open the chronology and the summary only under the sharing rules.
 */
import { type ChronologySource, recordedEntry, type SourceEntry } from '../../platform/chronology.ts';
import { OUTCOME_LABELS } from './codes.ts';

export const contactSource: ChronologySource = {
  kind: 'front-door',
  label: 'Front door',
  async entries(q, personIds) {
    const rows = await q
      .selectFrom('contact_child as cc')
      .innerJoin('contact as c', 'c.id', 'cc.contact_id')
      .leftJoin('app_user as u', 'u.id', 'c.referrer_user_id')
      .leftJoin('organisation as o', 'o.id', 'c.referrer_organisation_id')
      // A public request came in through the front door worker who matched the child to the index.
      .leftJoin('contact_typed_child as tc', (j) =>
        j.onRef('tc.contact_id', '=', 'c.id').onRef('tc.matched_person_id', '=', 'cc.person_id'),
      )
      .leftJoin('app_user as mu', 'mu.id', 'tc.matched_by')
      .leftJoin('organisation as mo', 'mo.id', 'mu.organisation_id')
      .leftJoin('contact_decision as d', 'd.contact_id', 'c.id')
      .leftJoin('app_user as du', 'du.id', 'd.decided_by')
      .leftJoin('organisation as dorg', 'dorg.id', 'du.organisation_id')
      .leftJoin('directory_service as ds', 'ds.id', 'd.directory_service_id')
      .select([
        'cc.person_id',
        'c.id',
        'c.reference',
        'c.urgency',
        'c.received_at',
        'c.referrer_user_id',
        'c.referrer_organisation_id',
        'u.name as referrer_name',
        'o.name as organisation_name',
        'c.sender_name',
        'c.sender_organisation',
        'mu.id as matched_by',
        'mu.name as matched_by_name',
        'mu.organisation_id as matched_by_organisation_id',
        'mo.name as matched_by_organisation_name',
        'd.id as decision_id',
        'd.outcome',
        'd.decided_at',
        'd.decided_by',
        'du.name as decided_by_name',
        'du.organisation_id as decided_by_organisation_id',
        'dorg.name as decided_by_organisation_name',
        'ds.name as service_name',
      ])
      .where('cc.person_id', 'in', personIds)
      .execute();
    const out: SourceEntry[] = [];
    for (const r of rows) {
      const urgent = r.urgency === 'urgent' ? ' (urgent)' : '';
      if (r.referrer_user_id && r.referrer_organisation_id) {
        out.push({
          key: `${r.id}:${r.person_id}:made`,
          personId: r.person_id,
          at: r.received_at,
          title: `Request for support to the front door${urgent}`,
          summary: `Contact ${r.reference} made by ${r.referrer_name}.`,
          path: null,
          ...recordedEntry('detail_only', {
            organisationId: r.referrer_organisation_id,
            organisationName: r.organisation_name,
            userId: r.referrer_user_id,
            userName: r.referrer_name,
          }),
        });
      } else if (r.matched_by && r.matched_by_organisation_id) {
        // From the public form: the sender has no account, so the entry is the front door's, who took it in.
        out.push({
          key: `${r.id}:${r.person_id}:made`,
          personId: r.person_id,
          at: r.received_at,
          title: `Request for support to the front door through the public form${urgent}`,
          summary: `Contact ${r.reference} made by ${r.sender_name ?? 'a practitioner'}${r.sender_organisation ? ` (${r.sender_organisation})` : ''}.`,
          path: null,
          ...recordedEntry('detail_only', {
            organisationId: r.matched_by_organisation_id,
            organisationName: r.matched_by_organisation_name,
            userId: r.matched_by,
            userName: r.matched_by_name,
          }),
        });
      }
      if (r.decision_id && r.decided_at && r.outcome && r.decided_by && r.decided_by_organisation_id) {
        out.push({
          key: `${r.decision_id}:${r.person_id}:decided`,
          personId: r.person_id,
          at: r.decided_at,
          title: 'Front door decision',
          summary: `Contact ${r.reference}: ${OUTCOME_LABELS[r.outcome]}${r.service_name ? ` (${r.service_name})` : ''}.`,
          path: null,
          ...recordedEntry('detail_only', {
            organisationId: r.decided_by_organisation_id,
            organisationName: r.decided_by_organisation_name,
            userId: r.decided_by,
            userName: r.decided_by_name,
          }),
        });
      }
    }
    return out;
  },
};

export const FRONT_DOOR_CHRONOLOGY_SOURCES: ChronologySource[] = [contactSource];
