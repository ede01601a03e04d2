/**
 * What team around the family meetings contribute to a child's chronology: a meeting held, with who attended (the
 * team's names are index-level, as the team is); the family members present, the family's views and the decisions
 * are case detail of the recorder's organisation.
 */
import type { ChronologySource, SourceEntry } from '../../platform/chronology.ts';

export const tafMeetingSource: ChronologySource = {
  kind: 'taf_meeting',
  label: 'Team around the family meeting',
  async entries(q, personIds, viewer) {
    const meetings = await q
      .selectFrom('taf_meeting as m')
      .innerJoin('episode_person as ep', 'ep.episode_id', 'm.episode_id')
      .innerJoin('app_user as r', 'r.id', 'm.recorded_by')
      .innerJoin('organisation as o', 'o.id', 'r.organisation_id')
      .select([
        'ep.person_id',
        'm.id',
        'm.episode_id',
        'm.recorded_at',
        'm.recorded_by',
        'm.family_views',
        'm.next_meeting_on',
        'r.name as recorded_by_name',
        'r.organisation_id',
        'o.name as organisation_name',
      ])
      .where('ep.person_id', 'in', personIds)
      .where('m.status', '=', 'held')
      .execute();
    if (!meetings.length) return [];
    const ids = [...new Set(meetings.map((m) => m.id))];
    const attendance = await q
      .selectFrom('taf_meeting_attendance')
      .select(['meeting_id', 'name', 'attendance'])
      .where('meeting_id', 'in', ids)
      .orderBy('user_id')
      .orderBy('id')
      .execute();
    const family = await q
      .selectFrom('taf_meeting_family as f')
      .innerJoin('person as p', 'p.id', 'f.person_id')
      .select(['f.meeting_id', 'p.id', 'p.given_name', 'p.family_name'])
      .where('f.meeting_id', 'in', ids)
      .execute();
    const others = await q
      .selectFrom('taf_meeting_other')
      .select(['meeting_id', 'name', 'organisation'])
      .where('meeting_id', 'in', ids)
      .orderBy('position')
      .execute();
    const decisions = await q
      .selectFrom('taf_meeting_decision')
      .select(['meeting_id', 'decision'])
      .where('meeting_id', 'in', ids)
      .orderBy('position')
      .execute();
    const out: SourceEntry[] = [];
    for (const m of meetings) {
      if (!m.recorded_at || !m.recorded_by) continue;
      const present = attendance.filter((a) => a.meeting_id === m.id && a.attendance === 'present').map((a) => a.name);
      const fam = family
        .filter((f) => f.meeting_id === m.id)
        .map((f) => viewer.nameOf(f.id, `${f.given_name} ${f.family_name}`));
      const oth = others.filter((o) => o.meeting_id === m.id).map((o) => `${o.name} (${o.organisation})`);
      const dec = decisions.filter((d) => d.meeting_id === m.id).map((d, i) => `${i + 1}. ${d.decision}`);
      const summary = [
        `Family members present: ${fam.length ? fam.join(', ') : 'none'}.`,
        oth.length ? `Others present: ${oth.join(', ')}.` : null,
        `The family’s views: ${m.family_views ?? ''}`,
        `Decisions: ${dec.join(' ')}`,
        m.next_meeting_on ? `Next meeting: ${m.next_meeting_on}.` : null,
      ]
        .filter(Boolean)
        .join('\n');
      out.push({
        key: `${m.id}:${m.person_id}:held`,
        personId: m.person_id,
        at: m.recorded_at,
        path: `episodes/${m.episode_id}/taf-meetings/${m.id}`,
        title: `Team around the family meeting held, attended by ${present.length ? present.join(', ') : 'no one from the team'}`,
        summary,
        organisationId: m.organisation_id,
        organisationName: m.organisation_name,
        actorName: m.recorded_by_name,
        visibility: {
          kind: 'detail_only',
          record: { organisation_id: m.organisation_id, recorded_by: m.recorded_by, category: null },
        },
      });
    }
    return out;
  },
};

/**
 * Steps up and down: planned conversations between early help and children's social care, naming both sides. The
 * reasons are case detail of the organisation of the person who stepped.
 */
export const stepSource: ChronologySource = {
  kind: 'episode_step',
  label: 'Step up or down',
  async entries(q, personIds) {
    const steps = await q
      .selectFrom('episode_step as s')
      .innerJoin('episode_person as ep', 'ep.episode_id', 's.episode_id')
      .innerJoin('app_user as u', 'u.id', 's.by_user_id')
      .innerJoin('organisation as o', 'o.id', 'u.organisation_id')
      .leftJoin('contact as c', 'c.id', 's.contact_id')
      .leftJoin('app_user as l', 'l.id', 's.lead_user_id')
      .leftJoin('organisation as lo', 'lo.id', 'l.organisation_id')
      .select([
        'ep.person_id',
        's.id',
        's.episode_id',
        's.direction',
        's.at',
        's.by_user_id',
        's.why_now',
        's.what_changed',
        's.held_on',
        's.present',
        's.summary',
        's.family_told',
        'c.reference',
        'u.name as by_name',
        'u.organisation_id',
        'o.name as organisation_name',
        'l.name as lead_name',
        'lo.name as lead_organisation',
      ])
      .where('ep.person_id', 'in', personIds)
      .execute();
    return steps.map((s) => {
      const up = s.direction === 'up';
      return {
        key: `${s.id}:${s.person_id}`,
        personId: s.person_id,
        at: s.at,
        path: `episodes/${s.episode_id}`,
        title: up
          ? `Step up to children’s social care: ${s.by_name} (${s.organisation_name}) asked the front door, request ${s.reference}`
          : `Step down from children’s social care: ${s.by_name} (${s.organisation_name}) handed over to ${s.lead_name} (${s.lead_organisation}), lead practitioner`,
        summary: up
          ? `Why now: ${s.why_now ?? ''}\nWhat has changed: ${s.what_changed ?? ''}`
          : `Handover conversation on ${s.held_on}${s.present ? ` with ${s.present}` : ''}.\n${s.summary ?? ''}\nWhat the family was told: ${s.family_told ?? ''}`,
        organisationId: s.organisation_id,
        organisationName: s.organisation_name,
        actorName: s.by_name,
        visibility: {
          kind: 'detail_only' as const,
          record: { organisation_id: s.organisation_id, recorded_by: s.by_user_id, category: null },
        },
      };
    });
  },
};

export const TAF_CHRONOLOGY_SOURCES: ChronologySource[] = [tafMeetingSource, stepSource];
