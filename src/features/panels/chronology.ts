/**
 * What requests to panels contribute to a child's chronology: a request made, redirected at the start (the front
 * door or the School Liaison Meeting), accepted, declined or redirected by the panel, and its slot on a meeting. What
 * was asked is case detail of the referrer's organisation; the panel, the status and the meeting are index-level.
 */

import { longDate } from '../../platform/calendar.ts';
import type { ChronologySource, SourceEntry } from '../../platform/chronology.ts';
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
      .select(['rp.person_id', 'r.id', 'r.status', 'r.status_reason', 'r.redirected_to', 'r.created_at'])
      .select(['r.decided_at', 'r.decided_by', 'r.referrer_user_id', 'r.referrer_organisation_id', 'r.questions'])
      .select(['r.changes_wanted', 'p.name as panel_name', 'u.name as referrer', 'o.name as organisation_name'])
      .select(['m.meeting_date'])
      .where('rp.person_id', 'in', personIds)
      .execute();
    const out: SourceEntry[] = [];
    for (const r of rows) {
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
          summary: r.status_reason,
        });
      }
    }
    return out;
  },
};

export const PANEL_CHRONOLOGY_SOURCES: ChronologySource[] = [panelRequestSource];
