/**
 * What early help episodes contribute to a child's chronology: the episode opened (and its first lead), each
 * handover to a new lead, each member joining and leaving the team around the family, and the episode closed.
 * Who leads and who is in the team is index-level, as who is working with a child is on the index card; a handover
 * note and a closing note are case detail of the organisation of the person who wrote them.
 */
import type { ChronologySource, SourceEntry } from '../../platform/chronology.ts';
import { OUTCOME_WORDS } from './closure-letter.ts';
import { CLOSE_REASON_WORDS } from './service.ts';

const LETTER_WORDS = { given: 'given to the family', posted: 'posted to the family', emailed: 'emailed to the family' };

export const episodeSource: ChronologySource = {
  kind: 'episode',
  label: 'Early help episode',
  async entries(q, personIds) {
    const episodes = await q
      .selectFrom('episode_person as ep')
      .innerJoin('episode as e', 'e.id', 'ep.episode_id')
      .innerJoin('app_user as u', 'u.id', 'e.opened_by')
      .innerJoin('organisation as o', 'o.id', 'u.organisation_id')
      .leftJoin('app_user as c', 'c.id', 'e.closed_by')
      .leftJoin('organisation as co', 'co.id', 'c.organisation_id')
      .select([
        'ep.person_id',
        'e.id',
        'e.opened_at',
        'e.closed_at',
        'e.closed_by',
        'e.close_reason',
        'e.close_note',
        'e.letter_recorded_at',
        'e.letter_recorded_by',
        'e.letter_method',
        'u.name as opened_by_name',
        'u.organisation_id',
        'o.name as organisation_name',
        'c.name as closed_by_name',
        'c.organisation_id as closed_by_organisation_id',
        'co.name as closed_by_organisation_name',
      ])
      .where('ep.person_id', 'in', personIds)
      .execute();
    if (!episodes.length) return [];
    const ids = [...new Set(episodes.map((e) => e.id))];
    const leads = await q
      .selectFrom('episode_lead as l')
      .innerJoin('app_user as u', 'u.id', 'l.user_id')
      .innerJoin('app_user as a', 'a.id', 'l.appointed_by')
      .innerJoin('organisation as ao', 'ao.id', 'a.organisation_id')
      .leftJoin('app_user as f', 'f.id', 'l.handover_from')
      .select([
        'l.id',
        'l.episode_id',
        'l.started_at',
        'l.handover_note',
        'l.handover_agreed_on',
        'l.appointed_by',
        'u.name',
        'f.name as from_name',
        'a.organisation_id as appointed_by_organisation_id',
        'ao.name as appointed_by_organisation_name',
        'a.name as appointed_by_name',
      ])
      .where('l.episode_id', 'in', ids)
      .execute();
    const members = await q
      .selectFrom('episode_member as m')
      .innerJoin('app_user as a', 'a.id', 'm.added_by')
      .innerJoin('organisation as ao', 'ao.id', 'a.organisation_id')
      .leftJoin('app_user as u', 'u.id', 'm.user_id')
      .leftJoin('directory_service as s', 's.id', 'm.directory_service_id')
      .select([
        'm.id',
        'm.episode_id',
        'm.role',
        'm.added_at',
        'm.left_at',
        'm.outside_name',
        'u.name as user_name',
        's.name as service_name',
        'a.name as added_by_name',
        'a.organisation_id as added_by_organisation_id',
        'ao.name as added_by_organisation_name',
      ])
      .where('m.episode_id', 'in', ids)
      .execute();
    const monitorings = await q
      .selectFrom('episode_monitoring as m')
      .innerJoin('app_user as u', 'u.id', 'm.proposed_by')
      .innerJoin('organisation as o', 'o.id', 'u.organisation_id')
      .leftJoin('app_user as x', 'x.id', 'm.ended_by')
      .leftJoin('organisation as xo', 'xo.id', 'x.organisation_id')
      .select([
        'm.id',
        'm.episode_id',
        'm.proposed_at',
        'm.proposed_by',
        'm.improvement',
        'm.weeks',
        'm.ends_on',
        'm.ended_at',
        'm.ended_by',
        'm.ending',
        'm.relapse_note',
        'u.name as proposed_by_name',
        'u.organisation_id',
        'o.name as organisation_name',
        'x.name as ended_by_name',
        'x.organisation_id as ended_by_organisation_id',
        'xo.name as ended_by_organisation_name',
      ])
      .where('m.episode_id', 'in', ids)
      .execute();
    const outcomes = await q
      .selectFrom('episode_outcome')
      .select(['episode_id', 'outcome', 'achieved', 'sustained'])
      .where('episode_id', 'in', ids)
      .orderBy('outcome')
      .execute();
    const letterUserIds = [...new Set(episodes.flatMap((e) => (e.letter_recorded_by ? [e.letter_recorded_by] : [])))];
    const letterBy = letterUserIds.length
      ? await q
          .selectFrom('app_user as u')
          .innerJoin('organisation as o', 'o.id', 'u.organisation_id')
          .select(['u.id', 'u.name', 'u.organisation_id', 'o.name as organisation_name'])
          .where('u.id', 'in', letterUserIds)
          .execute()
      : [];
    const out: SourceEntry[] = [];
    for (const e of episodes) {
      const path = `episodes/${e.id}`;
      const common = { personId: e.person_id, path, visibility: { kind: 'index' as const } };
      out.push({
        ...common,
        key: `${e.id}:${e.person_id}:opened`,
        at: e.opened_at,
        title: 'Early help episode opened',
        summary: null,
        organisationId: e.organisation_id,
        organisationName: e.organisation_name,
        actorName: e.opened_by_name,
      });
      for (const l of leads.filter((x) => x.episode_id === e.id)) {
        const base = {
          ...common,
          key: `${l.id}:${e.person_id}:lead`,
          at: l.started_at,
          organisationId: l.appointed_by_organisation_id,
          organisationName: l.appointed_by_organisation_name,
          actorName: l.appointed_by_name,
        };
        if (!l.from_name) {
          out.push({ ...base, title: `Lead practitioner appointed: ${l.name}`, summary: null });
        } else {
          out.push({
            ...base,
            title: `Lead practitioner handed over from ${l.from_name} to ${l.name}`,
            summary: `Agreed ${l.handover_agreed_on}. ${l.handover_note ?? ''}`.trim(),
            visibility: {
              kind: 'detail_only',
              record: { organisation_id: l.appointed_by_organisation_id, recorded_by: l.appointed_by, category: null },
            },
          });
        }
      }
      for (const m of members.filter((x) => x.episode_id === e.id)) {
        const who = m.user_name ?? m.outside_name ?? m.service_name ?? 'Someone';
        const base = {
          ...common,
          organisationId: m.added_by_organisation_id,
          organisationName: m.added_by_organisation_name,
          actorName: m.added_by_name,
        };
        out.push({
          ...base,
          key: `${m.id}:${e.person_id}:joined`,
          at: m.added_at,
          title: `${who} joined the team around the family (${m.role})`,
          summary: null,
        });
        if (m.left_at) {
          out.push({
            ...base,
            key: `${m.id}:${e.person_id}:left`,
            at: m.left_at,
            title: `${who} left the team around the family`,
            summary: null,
          });
        }
      }
      for (const m of monitorings.filter((x) => x.episode_id === e.id)) {
        out.push({
          ...common,
          key: `${m.id}:${e.person_id}:proposed`,
          at: m.proposed_at,
          title: `Closure proposed: improvement made; monitored for ${m.weeks} weeks until ${m.ends_on}`,
          summary: m.improvement,
          organisationId: m.organisation_id,
          organisationName: m.organisation_name,
          actorName: m.proposed_by_name,
          visibility: {
            kind: 'detail_only',
            record: { organisation_id: m.organisation_id, recorded_by: m.proposed_by, category: null },
          },
        });
        if (m.ended_at && m.ended_by && m.ended_by_organisation_id && m.ending !== 'closed') {
          out.push({
            ...common,
            key: `${m.id}:${e.person_id}:ended`,
            at: m.ended_at,
            title:
              m.ending === 'relapse'
                ? 'Monitoring ended: relapse, the episode carries on'
                : 'Monitoring ended: closure confirmed',
            summary: m.relapse_note,
            organisationId: m.ended_by_organisation_id,
            organisationName: m.ended_by_organisation_name,
            actorName: m.ended_by_name,
            visibility: {
              kind: 'detail_only',
              record: { organisation_id: m.ended_by_organisation_id, recorded_by: m.ended_by, category: null },
            },
          });
        }
      }
      if (e.closed_at && e.close_reason && e.closed_by && e.closed_by_organisation_id) {
        const achieved = outcomes.filter((o) => o.episode_id === e.id && o.achieved);
        const outcomeWords = achieved.length
          ? `Supporting Families outcomes achieved: ${achieved
              .map((o) => `${OUTCOME_WORDS[o.outcome]}${o.sustained ? ' (sustained)' : ''}`)
              .join('; ')}.`
          : null;
        out.push({
          ...common,
          key: `${e.id}:${e.person_id}:closed`,
          at: e.closed_at,
          title: `Early help episode closed: ${CLOSE_REASON_WORDS[e.close_reason].charAt(0).toLowerCase()}${CLOSE_REASON_WORDS[e.close_reason].slice(1)}`,
          summary: [outcomeWords, e.close_note].filter(Boolean).join(' ') || null,
          organisationId: e.closed_by_organisation_id,
          organisationName: e.closed_by_organisation_name,
          actorName: e.closed_by_name,
          visibility: {
            kind: 'detail_only',
            record: { organisation_id: e.closed_by_organisation_id, recorded_by: e.closed_by, category: null },
          },
        });
      }
      const by = letterBy.find((u) => u.id === e.letter_recorded_by);
      if (e.letter_recorded_at && e.letter_method && by) {
        out.push({
          ...common,
          key: `${e.id}:${e.person_id}:letter`,
          at: e.letter_recorded_at,
          title: `Closure letter ${LETTER_WORDS[e.letter_method]}`,
          summary: null,
          organisationId: by.organisation_id,
          organisationName: by.organisation_name,
          actorName: by.name,
        });
      }
    }
    return out;
  },
};

export const EPISODE_CHRONOLOGY_SOURCES: ChronologySource[] = [episodeSource];
