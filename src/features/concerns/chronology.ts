/**
 * What concerns resolution contributes to the chronology: a concern raised about a decision, each stage it reached,
 * each stage that went past its deadline, and each outcome. That a concern exists is shown to anyone who may open
 * the chronology; what was disagreed with and the reasons are case detail of the organisation that raised it.
 */
import type { Q } from '../../db/connection.ts';
import { type ChronologySource, recordedEntry, type SourceEntry } from '../../platform/chronology.ts';
import { OUTCOME_WORDS, stageDefinition } from './stages.ts';
import { CONCERN_SUBJECTS, concernSubject } from './subjects.ts';

/** Each stage of each concern, with what the chronology says about it. */
const stageRows = (q: Q) =>
  q
    .selectFrom('concern_stage as s')
    .innerJoin('concern as c', 'c.id', 's.concern_id')
    .innerJoin('app_user as u', 'u.id', 'c.raised_by')
    .innerJoin('organisation as o', 'o.id', 'c.raised_by_organisation_id')
    .leftJoin('app_user as a', 'a.id', 's.answered_by')
    .select([
      's.id',
      's.stage',
      's.opened_at',
      's.outcome',
      's.reasons',
      's.answered_at',
      's.overdue_at',
      'c.id as concern_id',
      'c.person_id',
      'c.subject_kind',
      'c.subject_id',
      'c.raised_by',
      'c.raised_by_organisation_id',
      'c.disagreement',
      'u.name as raised_by_name',
      'o.name as organisation_name',
      'a.name as answered_by_name',
    ]);
type StageRow = Awaited<ReturnType<ReturnType<typeof stageRows>['execute']>>[number];

export const concernSource: ChronologySource = {
  kind: 'concern',
  label: 'Concern about a decision',
  async entries(q, personIds) {
    const rows: (StageRow & { shared?: true })[] = await stageRows(q).where('c.person_id', 'in', personIds).execute();
    // A decision about several children (a front door contact): the concern shows on each child's chronology too.
    for (const subject of CONCERN_SUBJECTS) {
      const covered = (await subject.coveredChildren?.(q, personIds)) ?? [];
      if (!covered.length) continue;
      const found = await stageRows(q)
        .where('c.subject_kind', '=', subject.kind)
        .where('c.subject_id', 'in', [...new Set(covered.map((x) => x.id))])
        .execute();
      for (const r of found) {
        for (const x of covered) {
          if (x.id === r.subject_id && x.personId !== r.person_id)
            rows.push({ ...r, person_id: x.personId, shared: true });
        }
      }
    }
    const out: SourceEntry[] = [];
    for (const r of rows) {
      const label = (concernSubject(r.subject_kind)?.label ?? 'decision').toLowerCase();
      const stage = stageDefinition(r.stage).title;
      const common = {
        personId: r.person_id,
        path: null,
        ...recordedEntry('detail_only', {
          organisationId: r.raised_by_organisation_id,
          organisationName: r.organisation_name,
          userId: r.raised_by,
          userName: null,
        }),
      };
      out.push({
        ...common,
        key: `${r.id}${r.shared ? `:${r.person_id}` : ''}:opened`,
        at: r.opened_at,
        title:
          r.stage === 'practitioners'
            ? `Concern raised about a ${label}`
            : `Concern about a ${label} taken to: ${stage.charAt(0).toLowerCase()}${stage.slice(1)}`,
        summary: r.stage === 'practitioners' ? r.disagreement : null,
        actorName: r.stage === 'practitioners' ? r.raised_by_name : null,
      });
      if (r.overdue_at) {
        out.push({
          ...common,
          key: `${r.id}${r.shared ? `:${r.person_id}` : ''}:overdue`,
          at: r.overdue_at,
          title: `Concern about a ${label}: “${stage}” stage overdue`,
          summary: null,
          actorName: null,
        });
      }
      if (r.outcome && r.answered_at) {
        out.push({
          ...common,
          key: `${r.id}${r.shared ? `:${r.person_id}` : ''}:answered`,
          at: r.answered_at,
          title: `Concern about a ${label}: ${OUTCOME_WORDS[r.outcome].toLowerCase()} (${stage})`,
          summary: r.reasons,
          actorName: r.answered_by_name,
        });
      }
    }
    return out;
  },
};

export const CONCERN_CHRONOLOGY_SOURCES: ChronologySource[] = [concernSource];
