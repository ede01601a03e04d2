/**
 * A panel meeting's papers (docs/decisions/0035): the pack, in agenda (slot) order — per case the request (the
 * questions for the panel, the steps taken, the changes wanted and the success criteria), the signed-off Early Help
 * Assessment the request was made with, the background (the agencies involved, the early help episode, the child's
 * earlier panel requests) and the files the referrer added to the child's record — and the agenda to circulate.
 *
 * Who reads them: the panel's current administrator, chair and deputy chairs at any time; its other current members
 * (deputies and advisers included) within the panel_agenda relationship's window around the meeting (from
 * `PANEL_AGENDA_DAYS_BEFORE` days before, when papers circulate, to `PANEL_AGENDA_DAYS_AFTER` days after). Anyone
 * else gets not found, audited on the children of the agenda. Every reading is audited on each child of the pack.
 * People a withhold marker on one of the children protects are not named, as in the chronology.
 *
 * The agenda names no one: it shows each slot's time, the case's reference, the agency presenting and the service
 * asked for. It is the page most often printed and left on a table; the names are in the pack.
 */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { AssessmentContent, DB, PanelMeetingTable, PanelTable } from '../../db/schema.ts';
import { recordAudit } from '../../platform/audit.ts';
import { addDays, londonToday, longDate } from '../../platform/calendar.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import type { DocumentBlock, DocumentModel } from '../../platform/documents.ts';
import { ForbiddenError, NotFoundError } from '../../platform/errors.ts';
import { Refusal, runRefusable } from '../../platform/refusals.ts';
import { PANEL_AGENDA_DAYS_AFTER, PANEL_AGENDA_DAYS_BEFORE } from '../../platform/relationships.ts';
import { WITHHELD_NAME, withheldPeople } from '../../platform/sharing.ts';

import { assessmentDocument } from '../assessments/service.ts';
import { guidanceById } from '../threshold/repository.ts';
import { earlierDiscussions } from './implementation.ts';
import { REQUEST_STATUS_WORDS, STEPS } from './requests.ts';
import { capacity, minutesOf, timeOf } from './schedule.ts';
import { current } from './service.ts';

type Q = Kysely<DB>;
type Use = 'view' | 'download';

const ON_AGENDA = ['accepted', 'discussed'] as const;
const SEATS_ALWAYS = ['administrator', 'chair', 'deputy_chair'];

/** A case's reference on the agenda and in the pack: the first eight characters of its request's id. */
export const caseReference = (requestId: string) => requestId.slice(0, 8).toUpperCase();

const nameOf = (p: { given_name: string; family_name: string }) => `${p.given_name} ${p.family_name}`;
const parseJson = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

/** Whether a meeting's papers are open to a member (not the administrator or chair) on the day. */
export function papersOpenTo(meetingDate: string, today: string): boolean {
  return (
    addDays(meetingDate, -PANEL_AGENDA_DAYS_BEFORE) <= today && today <= addDays(meetingDate, PANEL_AGENDA_DAYS_AFTER)
  );
}

export class PanelPapersService {
  constructor(private readonly db: Kysely<DB>) {}

  /** The meeting's cases in slot order, with their times. */
  private async cases(q: Q, panel: Selectable<PanelTable>, meeting: Selectable<PanelMeetingTable>) {
    const rows = await q
      .selectFrom('panel_request as r')
      .innerJoin('app_user as u', 'u.id', 'r.referrer_user_id')
      .innerJoin('organisation as o', 'o.id', 'r.referrer_organisation_id')
      .leftJoin('directory_service as s', 's.id', 'r.service_id')
      .selectAll('r')
      .select(['u.name as referrer', 'o.name as organisation', 's.name as service_name'])
      .where('r.meeting_id', '=', meeting.id)
      .where('r.status', 'in', ON_AGENDA)
      .orderBy('r.slot_order')
      .orderBy('r.id')
      .execute();
    const people = rows.length
      ? await q
          .selectFrom('panel_request_person as rp')
          .innerJoin('person as p', 'p.id', 'rp.person_id')
          .select(['rp.request_id', 'p.id', 'p.given_name', 'p.family_name', 'p.date_of_birth'])
          .where(
            'rp.request_id',
            'in',
            rows.map((r) => r.id),
          )
          .orderBy('p.date_of_birth')
          .orderBy('p.id')
          .execute()
      : [];
    return rows.map((r, i) => {
      const start = minutesOf(meeting.start_time) + i * panel.slot_minutes;
      return {
        ...r,
        slot: i + 1,
        start: timeOf(start),
        end: timeOf(start + panel.slot_minutes),
        reference: caseReference(r.id),
        children: people.filter((p) => p.request_id === r.id),
      };
    });
  }

  /**
   * The meeting, if the actor may read its papers today; otherwise a refusal (not found) audited on the agenda's
   * children. A cancelled meeting has no papers.
   */
  private async readable(q: Transaction<DB>, ctx: RequestContext, panelId: string, meetingId: string) {
    const actor = ctx.actor;
    if (!actor) throw new ForbiddenError();
    const panel = await q.selectFrom('panel').selectAll().where('id', '=', panelId).executeTakeFirst();
    if (!panel) throw new NotFoundError();
    const meeting = await q
      .selectFrom('panel_meeting')
      .selectAll()
      .where('id', '=', meetingId)
      .where('panel_id', '=', panelId)
      .executeTakeFirst();
    if (!meeting || meeting.status === 'cancelled') throw new NotFoundError();
    const today = londonToday(ctx.at);
    const seats = current(
      await q
        .selectFrom('panel_member')
        .select(['role', 'from_date', 'to_date'])
        .where('panel_id', '=', panelId)
        .where('user_id', '=', actor.userId)
        .execute(),
      today,
    );
    const always = seats.some((s) => SEATS_ALWAYS.includes(s.role));
    const allowed = always || (seats.length > 0 && papersOpenTo(meeting.meeting_date, today));
    const cases = await this.cases(q, panel, meeting);
    const personIds = [...new Set(cases.flatMap((c) => c.children.map((p) => p.id)))];
    if (!allowed) {
      if (personIds.length) {
        await recordAudit(q, auditContext(ctx, actor.roles.join(' ')), {
          action: 'panel-request.papers.refused',
          recordType: 'panel_meeting',
          recordId: meetingId,
          details: {
            personIds,
            panelId,
            refusal: seats.length ? 'outside the papers window' : 'not a member of the panel',
          },
        });
      }
      return new Refusal(new NotFoundError());
    }
    return { panel, meeting, cases, personIds, today };
  }

  /** The agenda to circulate: slot times and case references, no names. Audited on the meeting's children. */
  async agenda(ctx: RequestContext, panelId: string, meetingId: string, use: Use) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.readable(trx, ctx, panelId, meetingId);
      if (found instanceof Refusal) return found;
      const { panel, meeting, cases, personIds } = found;
      if (personIds.length) {
        await recordAudit(trx, auditContext(ctx), {
          action: `panel-request.papers-agenda.${use === 'view' ? 'viewed' : 'downloaded'}`,
          recordType: 'panel_meeting',
          recordId: meetingId,
          details: { panelId, personIds },
        });
      }
      return {
        panel,
        meeting: { ...meeting, label: longDate(meeting.meeting_date) },
        document: agendaDocument(panel, meeting, cases),
      };
    });
  }

  /** The papers pack, in slot order. Every reading is audited on each child of the pack. */
  async pack(ctx: RequestContext, panelId: string, meetingId: string, use: Use) {
    return runRefusable(this.db, async (trx) => {
      const found = await this.readable(trx, ctx, panelId, meetingId);
      if (found instanceof Refusal) return found;
      const { panel, meeting, cases, personIds } = found;
      const withheld = await withheldPeople(trx, personIds);
      const named = (id: string | null, name: string) => (id && withheld.has(id) ? WITHHELD_NAME : name);
      const blocks: DocumentBlock[] = [
        { type: 'heading', level: 1, text: `Papers: ${panel.name}, ${longDate(meeting.meeting_date)}` },
        {
          type: 'paragraph',
          text: `For the members of ${panel.name} only: do not pass them on. ${cases.length} ${cases.length === 1 ? 'case' : 'cases'}, in the order of the agenda.`,
        },
      ];
      for (const c of cases) {
        blocks.push(...(await caseBlocks(trx, c, found.today, named)));
      }
      if (!cases.length) blocks.push({ type: 'paragraph', text: 'No cases on this meeting’s agenda yet.' });
      const action = use === 'view' ? 'viewed' : 'downloaded';
      for (const personId of personIds) {
        await recordAudit(trx, auditContext(ctx), {
          action: `panel-request.papers.${action}`,
          recordType: 'person',
          recordId: personId,
          details: {
            panelId,
            meetingId,
            requestIds: cases.filter((c) => c.children.some((p) => p.id === personId)).map((c) => c.id),
          },
        });
      }
      const document: DocumentModel = {
        title: `Papers: ${panel.name}, ${longDate(meeting.meeting_date)}`,
        blocks,
        footer: `Panel papers, meeting ${meeting.id.slice(0, 8).toUpperCase()}, for panel members only`,
      };
      return {
        panel,
        meeting: { ...meeting, label: longDate(meeting.meeting_date) },
        cases: cases.map((c) => ({ id: c.id, reference: c.reference, start: c.start, end: c.end })),
        document,
      };
    });
  }
}

/** The agenda: the meeting, then each slot with its time, case reference, agency presenting and service asked for. */
export function agendaDocument(
  panel: Selectable<PanelTable>,
  meeting: Selectable<PanelMeetingTable>,
  cases: { start: string; end: string; reference: string; organisation: string; service_name: string | null }[],
): DocumentModel {
  const cap = capacity(meeting.start_time, meeting.end_time, panel.slot_minutes);
  return {
    title: `Agenda: ${panel.name}, ${longDate(meeting.meeting_date)}`,
    blocks: [
      { type: 'heading', level: 1, text: `Agenda: ${panel.name}, ${longDate(meeting.meeting_date)}` },
      {
        type: 'keyValue',
        rows: [
          { key: 'Date', value: longDate(meeting.meeting_date) },
          { key: 'Time', value: `${meeting.start_time} to ${meeting.end_time}` },
          { key: 'Venue', value: meeting.venue ?? 'Not set' },
          { key: 'Cases', value: `${cases.length} of ${cap} slots of ${panel.slot_minutes} minutes` },
        ],
      },
      cases.length
        ? {
            type: 'table',
            caption: 'Cases in the order they will be heard',
            head: ['Time', 'Case reference', 'Presented by', 'Service asked for'],
            rows: cases.map((c) => [`${c.start} to ${c.end}`, c.reference, c.organisation, c.service_name ?? 'None']),
            widths: [0.2, 0.2, 0.35, 0.25],
          }
        : { type: 'paragraph', text: 'No cases on this agenda yet.' },
      {
        type: 'paragraph',
        text: 'Cases are listed by reference only. Members find the children’s names and papers in the papers pack.',
      },
    ],
    footer: `Agenda, meeting ${meeting.id.slice(0, 8).toUpperCase()}`,
  };
}

type Case = Awaited<ReturnType<PanelPapersService['cases']>>[number];

/** One case of the pack: the request, the signed-off assessment, the background and the referrer's files. */
async function caseBlocks(
  q: Q,
  c: Case,
  today: string,
  named: (id: string | null, name: string) => string,
): Promise<DocumentBlock[]> {
  const childIds = c.children.map((p) => p.id);
  const done = new Set(c.checklist);
  const blocks: DocumentBlock[] = [
    { type: 'heading', level: 2, text: `${c.start} to ${c.end}: case ${c.reference}` },
    {
      type: 'keyValue',
      rows: [
        {
          key: 'Children',
          value: c.children
            .map((p) => `${named(p.id, nameOf(p))}${p.date_of_birth ? `, born ${longDate(p.date_of_birth)}` : ''}`)
            .join('; '),
        },
        { key: 'Presented by', value: `${c.referrer}, ${c.organisation}` },
        { key: 'Service asked for', value: c.service_name ?? 'None' },
        { key: 'Request', value: REQUEST_STATUS_WORDS[c.status] },
      ],
    },
    { type: 'heading', level: 3, text: 'Questions for the panel' },
    { type: 'paragraph', text: c.questions || 'None given' },
    { type: 'heading', level: 3, text: 'Steps taken before asking the panel' },
    { type: 'list', items: STEPS.map((s) => `${done.has(s.code) ? 'Done' : 'Not done'}: ${s.text}`) },
    { type: 'heading', level: 3, text: 'The changes the family wants' },
    { type: 'paragraph', text: c.changes_wanted || 'None given' },
    { type: 'heading', level: 3, text: 'How the family will know it has worked' },
    { type: 'paragraph', text: c.success_criteria || 'None given' },
  ];

  // A re-referral: the earlier discussion, its outcomes and what was not implemented (docs/decisions/0036).
  const previous = await q
    .selectFrom('panel_request')
    .select('previous_request_id')
    .where('id', '=', c.id)
    .executeTakeFirst();
  const earlierCase = previous?.previous_request_id
    ? (await earlierDiscussions(q, [previous.previous_request_id])).get(previous.previous_request_id)
    : undefined;
  if (earlierCase) {
    blocks.push(
      { type: 'heading', level: 3, text: earlierCase.label },
      { type: 'list', items: earlierCase.outcomes.map((o) => `Outcome: ${o}`) },
      earlierCase.notImplemented.length
        ? {
            type: 'list',
            items: earlierCase.notImplemented.map(
              (r) => `Not implemented: ${r.what} (${r.organisation})${r.reason ? `: ${r.reason}` : ''}`,
            ),
          }
        : { type: 'paragraph', text: 'No recommendation of it has been reported as not implemented.' },
    );
  }

  // The assessment as signed off when the request was made: its needs, level and the family's views.
  blocks.push({ type: 'heading', level: 3, text: 'Early help assessment' });
  const assessment =
    c.assessment_id && c.assessment_version
      ? await q
          .selectFrom('assessment as a')
          .innerJoin('app_user as u', 'u.id', 'a.author_id')
          .innerJoin('organisation as o', 'o.id', 'a.organisation_id')
          .innerJoin('assessment_version as v', (j) =>
            j.onRef('v.assessment_id', '=', 'a.id').on('v.number', '=', c.assessment_version!),
          )
          .select(['a.id', 'a.guidance_id', 'u.name as author_name', 'o.name as organisation_name', 'v.content'])
          .where('a.id', '=', c.assessment_id)
          .executeTakeFirst()
      : undefined;
  const guidance = assessment ? await guidanceById(q, assessment.guidance_id) : undefined;
  if (assessment && guidance) {
    const children = await q
      .selectFrom('assessment_person as ap')
      .innerJoin('person as p', 'p.id', 'ap.person_id')
      .select(['p.id', 'p.given_name', 'p.family_name'])
      .where('ap.assessment_id', '=', assessment.id)
      .orderBy('p.date_of_birth')
      .orderBy('p.id')
      .execute();
    const withheld = await withheldPeople(
      q,
      children.map((p) => p.id),
    );
    const doc = assessmentDocument(
      { guidance, author_name: assessment.author_name, organisation_name: assessment.organisation_name },
      c.assessment_version!,
      parseJson<AssessmentContent>(assessment.content),
      children,
      { nameOf: (id, n) => (id && withheld.has(id) ? WITHHELD_NAME : named(id, n)) },
    );
    // Inside the pack, the assessment's own headings sit one level down.
    for (const b of doc.blocks) {
      if (b.type === 'heading') {
        if (b.level === 1) continue;
        blocks.push({ type: 'heading', level: 3, text: b.level === 2 ? `Assessment: ${b.text}` : b.text });
      } else blocks.push(b);
    }
  } else {
    blocks.push({ type: 'paragraph', text: 'No signed-off assessment was attached to this request.' });
  }

  // Background: the agencies involved now, the early help episode, earlier requests to panels.
  const involvements = await q
    .selectFrom('involvement as i')
    .innerJoin('organisation as o', 'o.id', 'i.organisation_id')
    .innerJoin('person as p', 'p.id', 'i.person_id')
    .leftJoin('team as t', 't.id', 'i.team_id')
    .leftJoin('app_user as u', 'u.id', 'i.user_id')
    .select(['i.person_id', 'p.given_name', 'p.family_name', 'o.name as organisation', 't.name as team'])
    .select(['u.name as practitioner', 'i.role', 'i.started_on'])
    .where('i.person_id', 'in', childIds)
    .where('i.started_on', '<=', today)
    .where((eb) => eb.or([eb('i.ended_on', 'is', null), eb('i.ended_on', '>=', today)]))
    .orderBy('o.name')
    .orderBy('i.started_on')
    .execute();
  blocks.push({ type: 'heading', level: 3, text: 'Background: agencies involved' });
  blocks.push(
    involvements.length
      ? {
          type: 'table',
          head: ['Child', 'Agency', 'Role', 'Since'],
          rows: involvements.map((i) => [
            named(i.person_id, nameOf(i)),
            [i.organisation, i.team].filter(Boolean).join(', '),
            [i.role, i.practitioner].filter(Boolean).join(': '),
            longDate(i.started_on),
          ]),
        }
      : { type: 'paragraph', text: 'No agency is recorded as involved.' },
  );
  const episode = c.episode_id
    ? await q
        .selectFrom('episode as e')
        .leftJoin('episode_lead as l', (j) => j.onRef('l.episode_id', '=', 'e.id').on('l.ended_at', 'is', null))
        .leftJoin('app_user as u', 'u.id', 'l.user_id')
        .select(['e.opened_at', 'e.status', 'u.name as lead'])
        .where('e.id', '=', c.episode_id)
        .executeTakeFirst()
    : undefined;
  blocks.push({ type: 'heading', level: 3, text: 'Background: early help episode' });
  blocks.push({
    type: 'paragraph',
    text: episode
      ? `Opened ${longDate(londonToday(episode.opened_at))}, ${episode.status === 'open' ? 'open' : 'closed'}; lead practitioner ${episode.lead ?? 'not appointed'}.`
      : 'No early help episode was open when the request was made.',
  });
  const earlier = await q
    .selectFrom('panel_request as r')
    .innerJoin('panel_request_person as rp', 'rp.request_id', 'r.id')
    .innerJoin('panel as p', 'p.id', 'r.panel_id')
    .leftJoin('panel_meeting as m', 'm.id', 'r.meeting_id')
    .select(['r.id', 'r.status', 'r.created_at', 'p.name as panel_name', 'm.meeting_date'])
    .where('rp.person_id', 'in', childIds)
    .where('r.id', '<>', c.id)
    .where('r.created_at', '<', c.created_at)
    .orderBy('r.created_at')
    .execute();
  const seen = new Set<string>();
  const earlierRows = earlier.filter((r) => !seen.has(r.id) && seen.add(r.id));
  blocks.push({ type: 'heading', level: 3, text: 'Background: earlier requests to panels' });
  blocks.push(
    earlierRows.length
      ? {
          type: 'table',
          head: ['Panel', 'Asked on', 'Meeting', 'What happened'],
          rows: earlierRows.map((r) => [
            r.panel_name,
            longDate(londonToday(r.created_at)),
            r.meeting_date ? longDate(r.meeting_date) : 'None',
            REQUEST_STATUS_WORDS[r.status],
          ]),
        }
      : { type: 'paragraph', text: 'None: this is the first request to a panel about these children.' },
  );

  // The files the referrer added to the children's records.
  const files = await q
    .selectFrom('attachment')
    .select(['id', 'file_name', 'description', 'size_bytes', 'created_at'])
    .where('owner_kind', '=', 'person')
    .where('person_id', 'in', childIds)
    .where('uploaded_by', '=', c.referrer_user_id)
    .where('deleted_at', 'is', null)
    .orderBy('created_at')
    .execute();
  blocks.push({ type: 'heading', level: 3, text: 'Files the referrer added' });
  blocks.push(
    files.length
      ? {
          type: 'table',
          head: ['File', 'Description', 'Added'],
          rows: files.map((f) => [
            `${f.file_name} (${Math.max(1, Math.round(f.size_bytes / 1024))} KB)`,
            f.description || 'None',
            longDate(londonToday(f.created_at)),
          ]),
        }
      : { type: 'paragraph', text: 'None.' },
  );
  return blocks;
}
