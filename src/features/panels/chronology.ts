/**
 * What requests to panels contribute to a child's chronology: a request made, redirected at the start (the front
 * door or the School Liaison Meeting), accepted, declined or redirected by the panel, and its slot on a meeting. What
 * was asked is case detail of the referrer's organisation; the panel, the status and the meeting are index-level.
 */

import { longDate } from '../../platform/calendar.ts';
import type { ChronologySource, SourceEntry } from '../../platform/chronology.ts';
import { panelImplementationSource } from './implementation.ts';
import { OUTCOME_WORDS } from './record.ts';
import { receivedWords } from './redirected-in-view.ts';
import { REDIRECT_WORDS } from './requests.ts';

export const panelRequestSource: ChronologySource = {
  kind: 'panel_request',
  label: 'Request to a panel',
  async entries(q, personIds) {
    const rows = await q
      .selectFrom('panel_request as r')
      .innerJoin('panel_request_person as rp', 'rp.request_id', 'r.id')
      .innerJoin('panel as p', 'p.id', 'r.panel_id')
      .innerJoin('app_user as u', 'u.id', 'r.referrer_user_id')
      .innerJoin('organisation as o', 'o.id', 'r.referrer_organisation_id')
      .leftJoin('panel_meeting as m', 'm.id', 'r.meeting_id')
      .leftJoin('contact as fc', (j) =>
        j.onRef('fc.id', '=', 'r.redirected_from_id').on('r.redirected_from_kind', '=', 'contact'),
      )
      .select(['rp.person_id', 'r.id', 'r.status', 'r.status_reason', 'r.redirected_to', 'r.created_at'])
      .select(['r.decided_at', 'r.decided_by', 'r.referrer_user_id', 'r.referrer_organisation_id', 'r.questions'])
      .select(['r.withdrawn_at'])
      .select(['r.changes_wanted', 'p.name as panel_name', 'u.name as referrer', 'o.name as organisation_name'])
      .select(['m.meeting_date', 'r.redirected_from_kind', 'fc.reference as redirected_from_reference'])
      .where('rp.person_id', 'in', personIds)
      .execute();
    const out: SourceEntry[] = [];
    for (const r of rows) {
      if (r.redirected_from_kind && r.status !== 'redirected') {
        // An agency redirected a request it received to the panel, with the family's agreement: index-level.
        out.push({
          personId: r.person_id,
          key: `${r.id}:${r.person_id}:redirected-in`,
          at: r.created_at,
          title: `${r.organisation_name} redirected ${receivedWords(r.redirected_from_kind, r.redirected_from_reference)} to ${r.panel_name}, with the family’s agreement`,
          path: `panel-requests/${r.id}`,
          organisationId: r.referrer_organisation_id,
          organisationName: r.organisation_name,
          actorName: r.referrer,
          visibility: { kind: 'index' },
        });
      }
      const visibility = {
        kind: 'detail_only' as const,
        record: { organisation_id: r.referrer_organisation_id, recorded_by: r.referrer_user_id, category: null },
      };
      const common = {
        personId: r.person_id,
        path: `panel-requests/${r.id}`,
        organisationId: r.referrer_organisation_id,
        organisationName: r.organisation_name,
        actorName: r.referrer,
        visibility,
      };
      const atRequest = r.status === 'redirected' && r.decided_by === r.referrer_user_id;
      out.push({
        ...common,
        key: `${r.id}:${r.person_id}:asked`,
        at: r.created_at,
        title: atRequest
          ? `Request to ${r.panel_name} redirected to ${REDIRECT_WORDS[r.redirected_to ?? 'other'].toLowerCase()}`
          : `Asked ${r.panel_name} to discuss the family`,
        summary: atRequest
          ? r.status_reason
          : `Changes wanted: ${r.changes_wanted ?? ''}\nQuestions: ${r.questions ?? ''}`,
      });
      if (!atRequest && r.decided_at && r.status !== 'submitted') {
        const what =
          r.status === 'declined'
            ? 'declined'
            : r.status === 'redirected'
              ? `redirected to ${REDIRECT_WORDS[r.redirected_to ?? 'other'].toLowerCase()}`
              : 'accepted';
        out.push({
          ...common,
          key: `${r.id}:${r.person_id}:decided`,
          at: r.decided_at,
          title: `${r.panel_name} ${what} the request${r.meeting_date ? `; on the agenda for ${longDate(r.meeting_date)}` : ''}`,
          summary: r.status === 'declined' || r.status === 'redirected' ? r.status_reason : null,
        });
      }
      if (r.withdrawn_at) {
        out.push({
          ...common,
          key: `${r.id}:${r.person_id}:withdrawn`,
          at: r.withdrawn_at,
          title: `Request to ${r.panel_name} withdrawn`,
          summary: r.status_reason,
        });
      }
    }
    return out;
  },
};

/**
 * What an approved panel record contributes (docs/decisions/0034): the panel's decisions for the case, and the lead
 * professional or lead agency it agreed. That the panel decided, and who leads, are index-level; the outcomes,
 * recommendations and objectives are case detail shared under the referrer's organisation's rules.
 */
export const panelDecisionSource: ChronologySource = {
  kind: 'panel_decision',
  label: 'Panel decision',
  async entries(q, personIds) {
    const rows = await q
      .selectFrom('panel_case_record as c')
      .innerJoin('panel_request as r', 'r.id', 'c.request_id')
      .innerJoin('panel_request_person as rp', 'rp.request_id', 'r.id')
      .innerJoin('panel as p', 'p.id', 'r.panel_id')
      .innerJoin('panel_meeting as m', 'm.id', 'c.meeting_id')
      .innerJoin('panel_meeting_record as mr', 'mr.meeting_id', 'm.id')
      .innerJoin('app_user as a', 'a.id', 'mr.approved_by')
      .leftJoin('app_user as lu', 'lu.id', 'c.lead_user_id')
      .leftJoin('organisation as lo', 'lo.id', 'c.lead_organisation_id')
      .select(['rp.person_id', 'r.id', 'r.referrer_organisation_id', 'r.referrer_user_id', 'c.outcomes'])
      .select(['c.lead_kind', 'c.lead_objectives', 'c.lead_review_on', 'c.dissent_reason', 'mr.approved_at'])
      .select(['p.name as panel_name', 'm.meeting_date', 'a.name as approver', 'lu.name as lead_name'])
      .select(['lo.name as lead_organisation'])
      .where('rp.person_id', 'in', personIds)
      .where('mr.approved_at', 'is not', null)
      .execute();
    const recs = rows.length
      ? await q
          .selectFrom('panel_recommendation as x')
          .innerJoin('organisation as o', 'o.id', 'x.organisation_id')
          .select(['x.request_id', 'x.what', 'x.due_on', 'o.name as organisation'])
          .where('x.request_id', 'in', [...new Set(rows.map((r) => r.id))])
          .orderBy('x.created_at')
          .execute()
      : [];
    const out: SourceEntry[] = [];
    for (const r of rows) {
      const common = {
        personId: r.person_id,
        at: r.approved_at!,
        path: `panel-requests/${r.id}/decisions`,
        organisationId: null,
        organisationName: r.panel_name,
        actorName: r.approver,
      };
      const detail = {
        kind: 'detail_only' as const,
        record: { organisation_id: r.referrer_organisation_id, recorded_by: r.referrer_user_id, category: null },
      };
      const actions = recs
        .filter((x) => x.request_id === r.id)
        .map((x) => `${x.what} (${x.organisation}, by ${longDate(x.due_on)})`);
      out.push({
        ...common,
        key: `${r.id}:${r.person_id}:decided`,
        title: `${r.panel_name} decided on ${longDate(r.meeting_date)}`,
        summary: [
          `Outcomes: ${r.outcomes.map((o) => OUTCOME_WORDS[o as keyof typeof OUTCOME_WORDS] ?? o).join('; ')}`,
          actions.length ? `Recommendations: ${actions.join('; ')}` : null,
          r.dissent_reason ? 'A dissent was noted' : null,
        ]
          .filter(Boolean)
          .join('\n'),
        visibility: detail,
      });
      if (r.lead_kind) {
        out.push({
          ...common,
          key: `${r.id}:${r.person_id}:lead`,
          title:
            r.lead_kind === 'person'
              ? `${r.panel_name} appointed ${r.lead_name} (${r.lead_organisation}) lead professional`
              : `${r.panel_name} asked ${r.lead_organisation} to allocate a lead professional`,
          summary: `Objectives: ${r.lead_objectives ?? ''}\nReview by ${r.lead_review_on ? longDate(r.lead_review_on) : ''}`,
          visibility: detail,
        });
      }
    }
    return out;
  },
};

export const PANEL_CHRONOLOGY_SOURCES: ChronologySource[] = [
  panelRequestSource,
  panelDecisionSource,
  panelImplementationSource,
];
