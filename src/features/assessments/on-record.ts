/**
 * The child's assessment on record: the latest assessment that counts, a signed-off Early Help Assessment (its
 * signed-off version) or an agency's own assessment attached in its place. Everything that asks "has this child an
 * assessment, and what did it find?" asks here: panel requests, the step up's summary, the derived summary on the
 * person, the episode page and the child's record. It reads; the caller decides who may see it.
 * See docs/decisions/0033-an-agencys-own-assessment.md.
 */
import type { Q } from '../../db/connection.ts';
import type { AssessmentKind, AssessmentStatus } from '../../db/schema.ts';
import type { Actor } from '../../platform/access.ts';
import { londonToday } from '../../platform/calendar.ts';
import { caseDetailAccess } from '../../platform/sharing.ts';
import { needAreaName } from '../threshold/guidance.ts';
import { currentGuidance, guidanceById } from '../threshold/repository.ts';

export interface OnRecordNeed {
  id: string;
  personId: string | null;
  domain: string;
  subArea: string;
  area: string;
  description: string;
}

export interface AssessmentOnRecord {
  id: string;
  kind: AssessmentKind;
  episodeId: string | null;
  /** The version that counts: the one a manager signed off (an agency's assessment has one version). */
  version: number;
  /** The day it counts from: signed off (an Early Help Assessment), completed (an agency's own). */
  on: string;
  level: string | null;
  levelName: string | null;
  needs: OnRecordNeed[];
  author: { name: string; organisationId: string; organisation: string };
  /** An agency's own assessment: its name or tool, and who signed it off inside the agency and when. */
  agency: { tool: string; signedOffBy: string; signedOffOn: string; summary: string; attachmentId: string } | null;
  changesWanted: string;
  successCriteria: string;
  childIds: string[];
}

const parseJson = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

/** The latest assessment that counts for the child, or null. Latest by the day it counts from. */
export async function assessmentOnRecord(q: Q, personId: string): Promise<AssessmentOnRecord | null> {
  const rows = await q
    .selectFrom('assessment as a')
    .innerJoin('assessment_person as ap', 'ap.assessment_id', 'a.id')
    .innerJoin('assessment_version as v', (j) =>
      j.onRef('v.assessment_id', '=', 'a.id').onRef('v.number', '=', 'a.signed_off_version'),
    )
    .innerJoin('app_user as u', 'u.id', 'a.author_id')
    .innerJoin('organisation as o', 'o.id', 'a.organisation_id')
    .leftJoin('agency_assessment as aa', 'aa.assessment_id', 'a.id')
    .select([
      'a.id',
      'a.kind',
      'a.episode_id',
      'a.guidance_id',
      'a.organisation_id',
      'a.signed_off_version',
      'a.started_at',
      'v.content',
      'v.saved_at',
      'u.name as author_name',
      'o.name as organisation_name',
      'aa.tool',
      'aa.completed_on',
      'aa.signed_off_by',
      'aa.signed_off_on',
      'aa.summary',
      'aa.attachment_id',
    ])
    .where('ap.person_id', '=', personId)
    .where('a.signed_off_version', 'is not', null)
    .execute();
  if (!rows.length) return null;
  const dated = [];
  for (const r of rows) {
    let on: string;
    let at: Date;
    if (r.kind === 'agency' && r.completed_on) {
      on = r.completed_on;
      at = r.started_at;
    } else {
      const s = await q
        .selectFrom('assessment_signoff')
        .select('decided_at')
        .where('assessment_id', '=', r.id)
        .where('outcome', '=', 'signed_off')
        .where('version', '=', r.signed_off_version!)
        .orderBy('decided_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      at = s?.decided_at ?? r.saved_at;
      on = londonToday(at);
    }
    dated.push({ r, on, at });
  }
  dated.sort((x, y) => (x.on === y.on ? y.at.getTime() - x.at.getTime() : x.on < y.on ? 1 : -1));
  const { r, on } = dated[0]!;
  const content = parseJson<Record<string, unknown>>(r.content);
  const text = (k: string) => (typeof content[k] === 'string' ? (content[k] as string) : '');
  const guidance = await guidanceById(q, r.guidance_id);
  const level = text('level') || null;
  const domains = guidance?.content.domains ?? [];
  const levels = guidance?.content.levels ?? [];
  const needs = (
    (content.unmetNeeds ?? []) as {
      id: string;
      personId: string | null;
      domain: string;
      subArea: string;
      description: string;
    }[]
  ).map((n) => ({ ...n, area: needAreaName({ domains }, n.domain, n.subArea) }));
  return {
    id: r.id,
    kind: r.kind,
    episodeId: r.episode_id,
    version: r.signed_off_version!,
    on,
    level,
    levelName: (level && levels.find((l) => l.id === level)?.name) || null,
    needs,
    author: { name: r.author_name, organisationId: r.organisation_id, organisation: r.organisation_name },
    agency:
      r.kind === 'agency' && r.tool
        ? {
            tool: r.tool,
            signedOffBy: r.signed_off_by ?? '',
            signedOffOn: r.signed_off_on ?? '',
            summary: r.summary ?? '',
            attachmentId: r.attachment_id ?? '',
          }
        : null,
    changesWanted: text('changesWanted'),
    successCriteria: text('successCriteria'),
    childIds: await childrenOf(q, r.id),
  };
}

/** The children an assessment covers. */
async function childrenOf(q: Q, assessmentId: string): Promise<string[]> {
  const rows = await q
    .selectFrom('assessment_person')
    .select('person_id')
    .where('assessment_id', '=', assessmentId)
    .orderBy('person_id')
    .execute();
  return rows.map((c) => c.person_id);
}

/** An agency's own assessment's details, as the step up's summary and the record name it. */
export async function agencyAssessmentOf(q: Q, assessmentId: string) {
  const r = await q
    .selectFrom('agency_assessment as aa')
    .innerJoin('assessment as a', 'a.id', 'aa.assessment_id')
    .innerJoin('organisation as o', 'o.id', 'a.organisation_id')
    .select(['aa.tool', 'aa.completed_on', 'aa.signed_off_by', 'aa.signed_off_on', 'o.name as organisation'])
    .where('aa.assessment_id', '=', assessmentId)
    .executeTakeFirst();
  return r
    ? {
        tool: r.tool,
        organisation: r.organisation,
        completedOn: r.completed_on,
        signedOffBy: r.signed_off_by,
        signedOffOn: r.signed_off_on,
      }
    : null;
}

/**
 * The assessment on record as a page about the child shows it to the actor: what it is, when it counts from, its
 * level and a link — only when the sharing rules let the actor see its agency's case detail (own agency, or consent
 * or a lawful basis); otherwise only that another agency holds one.
 */
export async function assessmentOnRecordFor(q: Q, actor: Actor, personId: string, at: Date) {
  const a = await assessmentOnRecord(q, personId);
  if (!a) return null;
  const access = await caseDetailAccess(q, actor, personId, at, { recordedByOrganisationId: a.author.organisationId });
  if (!access.allowed) return { shown: false as const, organisation: a.author.organisation };
  return {
    shown: true as const,
    kind: a.kind,
    name: a.agency ? a.agency.tool : 'Early Help Assessment',
    organisation: a.author.organisation,
    on: a.on,
    levelName: a.levelName,
    needs: a.needs.length,
    path: a.kind === 'agency' ? `agency-assessments/${a.id}` : `assessments/${a.id}`,
  };
}

/** An unmet need recorded in an episode's assessment, as a plan objective names it. */
export interface AssessmentNeedChoice {
  id: string;
  domain: string;
  subArea: string;
  area: string;
  /** The person the need is about; null for the whole family. */
  personId: string | null;
  about: string;
  description: string;
}

export interface EpisodeAssessment {
  id: string;
  kind: AssessmentKind;
  status: AssessmentStatus;
  startedAt: Date;
  /** When its last signed-off version was signed off (an agency's assessment: when it was attached); else null. */
  signedOffAt: Date | null;
  /** The level judged: in the signed-off version when there is one, in the draft otherwise. */
  levelName: string | null;
  childIds: string[];
  /** The unmet needs of its current draft. */
  needs: AssessmentNeedChoice[];
  agency: Awaited<ReturnType<typeof agencyAssessmentOf>>;
}

/**
 * The episode's latest assessment, whatever its state — unlike `assessmentOnRecord`, a draft counts here: the plan
 * offers the needs being assessed, and the step up's summary says how far the assessment has got. Null when the
 * episode has none.
 */
export async function episodeAssessment(q: Q, episodeId: string): Promise<EpisodeAssessment | null> {
  const a = await q
    .selectFrom('assessment')
    .select(['id', 'kind', 'status', 'guidance_id', 'content', 'signed_off_version', 'started_at'])
    .where('episode_id', '=', episodeId)
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!a) return null;
  const guidance = ((await guidanceById(q, a.guidance_id)) ?? (await currentGuidance(q))).content;
  const signedOff = a.signed_off_version
    ? await q
        .selectFrom('assessment_version as v')
        .leftJoin('assessment_signoff as s', (j) =>
          j
            .onRef('s.assessment_id', '=', 'v.assessment_id')
            .onRef('s.version', '=', 'v.number')
            .on('s.outcome', '=', 'signed_off'),
        )
        .select(['v.content', 'v.saved_at', 's.decided_at'])
        .where('v.assessment_id', '=', a.id)
        .where('v.number', '=', a.signed_off_version)
        .orderBy('s.decided_at', 'desc')
        .limit(1)
        .executeTakeFirst()
    : undefined;
  const content = parseJson<Record<string, unknown>>(signedOff?.content ?? a.content);
  const rows = await q
    .selectFrom('assessment_need as n')
    .leftJoin('person as p', 'p.id', 'n.person_id')
    .select(['n.id', 'n.domain', 'n.sub_area', 'n.description', 'n.person_id', 'p.given_name', 'p.family_name'])
    .where('n.assessment_id', '=', a.id)
    .where('n.removed_at', 'is', null)
    .orderBy('n.recorded_at')
    .orderBy('n.id')
    .execute();
  return {
    id: a.id,
    kind: a.kind,
    status: a.status,
    startedAt: a.started_at,
    signedOffAt: signedOff ? (signedOff.decided_at ?? signedOff.saved_at) : null,
    levelName: guidance.levels.find((l) => l.id === content.level)?.name ?? null,
    childIds: await childrenOf(q, a.id),
    needs: rows.map((r) => ({
      id: r.id,
      domain: r.domain,
      subArea: r.sub_area,
      area: needAreaName(guidance, r.domain, r.sub_area),
      personId: r.person_id,
      about: r.given_name ? `${r.given_name} ${r.family_name}` : 'The whole family',
      description: r.description,
    })),
    agency: a.kind === 'agency' ? await agencyAssessmentOf(q, a.id) : null,
  };
}
