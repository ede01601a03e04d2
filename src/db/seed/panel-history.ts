/**
 * Demo panel history (docs/decisions/0038): each demo panel's fortnightly meetings of the last three months, held,
 * with fictional requests about demo children made by the practitioners already involved with them, each with a
 * consent naming the panel and a signed-off Early Help Assessment whose unmet needs the panel heard. The chair
 * approved each record with its outcomes, recommendations and lead professionals; the four deadlines of seed 003
 * are on each case and meeting, most met on time, a few late and one or two missed. A couple of requests wait for
 * a decision or a slot, and a few cases sit on the next meeting's agenda. Deterministic for a given `today`.
 */
import type { Insertable, Transaction } from 'kysely';
import { CIRCULATION_WORK, RECOMMENDATION_WORK } from '../../features/panels/record.ts';
import { addMonths, planMeetings } from '../../features/panels/schedule.ts';
import { addInvolvement } from '../../features/people/registry-repository.ts';
import { addDays, londonInstant, londonToday } from '../../platform/calendar.ts';
import { loadWorkingCalendar } from '../../platform/closures.ts';
import { computeDeadline, DEADLINE_RULES, type DeadlineRule } from '../../platform/deadlines.ts';
import { assignWork, completeWork } from '../../platform/work.ts';
import { type DB, type DeadlineTable, PANEL_OUTCOMES, type PanelOutcome } from '../schema.ts';
import type { FamilyRows } from './families.ts';
import { demoId, Random } from './random.ts';

type Trx = Transaction<DB>;

/** The demo panels this history is for: the panel's team key, its weekday and start time, and its partnership. */
export interface HistoryPanel {
  team: string;
  weekday: number;
  startTime: string;
  /** Organisation keys' prefix: the children and referrers of this partnership. */
  prefix: 'lea-' | 'aire-';
  /** Teams its recommendations go to. */
  recommendTo: string[];
}

const SEED = 20_031;
const HOUR = 3_600_000;
const ADMIN = demoId('user:panel.admin@demo.early-help.invalid');

const DISCUSSIONS = [
  'The referrer described the family’s situation and what has been tried. Members agreed that needs remain unmet by one agency alone.',
  'School and health described the child’s progress. The family has engaged well but the support offered has not been enough.',
  'Members discussed the family’s housing and money worries and their effect on the children. A co-ordinated offer was agreed.',
  'The referrer explained the child’s emotional difficulties at school and at home. Members agreed a joint approach.',
];
const OBJECTIVES = [
  'Co-ordinate the support offered, hold a team around the family meeting within 4 weeks and review progress with the family.',
  'Agree a plan with the family and the school within 3 weeks, with the agencies’ actions and dates.',
];
const RECOMMENDATIONS = [
  'Offer the family a place on the next parenting programme',
  'Arrange a joint home visit with the school',
  'Assess the young person for targeted emotional well-being support',
  'Give the family advice on housing and benefits',
  'Offer one-to-one youth work sessions',
  'Prioritise the referral for intensive family support',
];
/** How often each outcome comes up: advice and co-ordination often, allocating a resource seldom. */
const OUTCOME_WEIGHTS: [PanelOutcome, number][] = [
  ['advice', 5],
  ['services_appropriate', 2],
  ['better_coordination', 5],
  ['joint_visits', 2],
  ['prioritise_referral', 4],
  ['allocate_resource', 1],
  ['lead_professional', 3],
  ['local_coordination', 2],
];
/** The needs families bring: emotional well-being and housing most, then relationships and learning. */
const NEED_WEIGHTS: [string, number][] = [
  ['development:emotional', 6],
  ['family:housing', 5],
  ['family:relationships', 4],
  ['development:learning', 4],
  ['parenting:guidance', 3],
  ['development:health', 2],
  ['parenting:warmth', 2],
  ['family:community', 1],
  ['parenting:basic-care', 1],
];
const NEED_WORDS: Record<string, string> = {
  'development:emotional': 'Anxious and withdrawn at school; angry outbursts at home.',
  'family:housing': 'Overcrowded flat and rent arrears; the family may lose the tenancy.',
  'family:relationships': 'Frequent arguments between the parents; the children hear them.',
  'development:learning': 'Falling behind in reading and missing school on Mondays.',
  'parenting:guidance': 'Mum finds it hard to set routines and boundaries.',
  'development:health': 'Missed health appointments; asthma not well managed.',
  'parenting:warmth': 'Dad has recently left the family home; the children are unsettled.',
  'family:community': 'Isolated since moving to the area; no family nearby.',
  'parenting:basic-care': 'Mornings are chaotic; the children often arrive without breakfast.',
};

interface Child {
  id: string;
  householdId: string;
  parentId: string;
  referrer: string;
  organisationId: string;
}

/** Children a demo practitioner of the partnership is involved with, not shielded, with a parent in the household. */
function childrenFor(families: FamilyRows, orgIds: Set<string>, exclude: Set<string>): Child[] {
  const persons = new Map(families.persons.map((p) => [p.id, p]));
  const out: Child[] = [];
  const taken = new Set<string>();
  for (const i of families.involvements) {
    if (!i.user_id || i.ended_on || !orgIds.has(i.organisation_id)) continue;
    if (taken.has(i.person_id) || exclude.has(i.person_id)) continue;
    const p = persons.get(i.person_id);
    if (!p?.id || p.kind !== 'child' || !p.date_of_birth || p.shielded) continue;
    const childId = p.id;
    const home = families.members.find((m) => m.person_id === childId && !m.moved_out);
    if (!home) continue;
    const parent = families.members.find(
      (m) => m.household_id === home.household_id && !m.moved_out && persons.get(m.person_id)?.kind === 'adult',
    );
    if (!parent) continue;
    out.push({
      id: childId,
      householdId: home.household_id,
      parentId: parent.person_id,
      referrer: i.user_id,
      organisationId: i.organisation_id,
    });
    taken.add(childId);
  }
  return out;
}

export async function seedPanelHistory(
  trx: Trx,
  families: FamilyRows,
  today: Date,
  panels: HistoryPanel[],
  organisationKeys: string[],
  exclude: Set<string>,
): Promise<{ meetings: number; requests: number }> {
  const rng = new Random(SEED);
  const day = londonToday(today);
  const guidance = await trx
    .selectFrom('threshold_guidance')
    .select('id')
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  const pools = new Map<string, Child[]>();
  for (const prefix of ['lea-', 'aire-']) {
    const orgIds = new Set(organisationKeys.filter((k) => k.startsWith(prefix)).map((k) => demoId(`org:${k}`)));
    pools.set(prefix, childrenFor(families, orgIds, exclude));
  }
  let meetings = 0;
  let requests = 0;
  let missedLeft = 2;
  for (const p of panels) {
    const panelId = demoId(`panel:${p.team}`);
    const panel = await trx.selectFrom('panel').selectAll().where('id', '=', panelId).executeTakeFirst();
    if (!panel) continue;
    const calendar = await loadWorkingCalendar(trx, panel.area_id);
    const members = await trx
      .selectFrom('panel_member')
      .select(['id', 'user_id', 'role'])
      .where('panel_id', '=', panelId)
      .execute();
    const chair = members.find((m) => m.role === 'chair')?.user_id ?? ADMIN;
    const runners = members.filter((m) => ['chair', 'deputy_chair', 'administrator'].includes(m.role));
    const pool = pools.get(p.prefix)!;
    // Deadline rows as the product sets them (computeDeadline), written in batches to keep seeding quick.
    const pending: Insertable<DeadlineTable>[] = [];
    const deadline = (ownerType: string, ownerId: string, rule: DeadlineRule, start: Date) => {
      const { dueAt, atRiskFrom } = computeDeadline(calendar, rule, start);
      const row = {
        id: demoId(`panel-history:deadline:${ownerId}:${rule.code}`),
        owner_type: ownerType,
        owner_id: ownerId,
        rule_code: rule.code,
        rule_words: rule.words,
        started_at: start,
        due_at: dueAt,
        at_risk_from: atRiskFrom,
        met_at: null as Date | null,
        met_by: null as string | null,
      };
      pending.push(row);
      return row;
    };
    const flush = async () => {
      if (pending.length) await trx.insertInto('deadline').values(pending.splice(0)).execute();
    };
    const nextChild = () => pool.shift();

    /** A request about a child: its consent naming the panel and its signed-off assessment with unmet needs. */
    const makeRequest = async (key: string, c: Child, createdAt: Date) => {
      const consentId = demoId(`panel-history:consent:${key}`);
      const obtained = londonToday(new Date(createdAt.getTime() - 3 * 24 * HOUR));
      await trx
        .insertInto('consent')
        .values({
          id: consentId,
          person_id: c.id,
          household_id: c.householdId,
          given_by_person_id: c.parentId,
          given_by_kind: 'parent_carer',
          decision: 'given',
          purposes: ['panel_discussion'],
          service_name: null,
          method: 'in_person',
          obtained_on: obtained,
          review_on: addMonths(obtained, 12),
          explained: 'Explained who sits on the panel, what it does with the information and that they can say no.',
          withdrawn_on: null,
          withdrawn_reason: null,
          withdrawn_by: null,
          withdrawn_at: null,
          recorded_by: c.referrer,
          recorded_by_organisation_id: c.organisationId,
          recorded_at: londonInstant(obtained, '11:00'),
        })
        .execute();
      await trx
        .insertInto('consent_recipient')
        .values({
          consent_id: consentId,
          kind: 'panel',
          organisation_id: null,
          agency_type: null,
          panel_name: panel.name,
          panel_id: panelId,
        })
        .execute();
      const assessmentId = demoId(`panel-history:assessment:${key}`);
      const started = new Date(createdAt.getTime() - 10 * 24 * HOUR);
      const signedOff = new Date(createdAt.getTime() - 2 * 24 * HOUR);
      const content = JSON.stringify({
        reason: 'Needs remain unmet after single-agency support; the family agreed to an assessment.',
      });
      await trx
        .insertInto('assessment')
        .values({
          id: assessmentId,
          episode_id: null,
          author_id: c.referrer,
          organisation_id: c.organisationId,
          guidance_id: guidance.id,
          contact_id: null,
          status: 'signed_off',
          content,
          version: 1,
          signed_off_version: 1,
          started_at: started,
          updated_at: signedOff,
          updated_by: c.referrer,
        })
        .execute();
      await trx.insertInto('assessment_person').values({ assessment_id: assessmentId, person_id: c.id }).execute();
      await trx
        .insertInto('assessment_version')
        .values({
          assessment_id: assessmentId,
          number: 1,
          content,
          section: null,
          saved_by: c.referrer,
          saved_at: signedOff,
        })
        .execute();
      const needs = new Set<string>();
      const howMany = rng.int(1, 3);
      while (needs.size < howMany) needs.add(rng.weighted(NEED_WEIGHTS));
      for (const n of needs) {
        const [domain, subArea] = n.split(':') as [string, string];
        await trx
          .insertInto('assessment_need')
          .values({
            assessment_id: assessmentId,
            person_id: c.id,
            domain,
            sub_area: subArea,
            description: NEED_WORDS[n]!,
            recorded_by: c.referrer,
            recorded_at: started,
          })
          .execute();
      }
      const requestId = demoId(`panel-history:request:${key}`);
      await trx
        .insertInto('panel_request')
        .values({
          id: requestId,
          panel_id: panelId,
          person_id: c.id,
          referrer_user_id: c.referrer,
          referrer_organisation_id: c.organisationId,
          episode_id: null,
          assessment_id: assessmentId,
          assessment_version: 1,
          checklist: ['children-and-professionals', 'monitored', 'consent-explained', 'discussed-locally'],
          changes_wanted: 'Regular school attendance and calmer mornings at home.',
          success_criteria: 'Attendance above 95% for a term; the family says home feels calmer.',
          questions: 'Which agency is best placed to co-ordinate the support?',
          service_id: null,
          eligibility: null,
          sharing_basis: 'consent',
          sharing_basis_id: consentId,
          status: 'submitted',
          created_at: createdAt,
          updated_at: createdAt,
        })
        .execute();
      await trx.insertInto('panel_request_person').values({ request_id: requestId, person_id: c.id }).execute();
      requests++;
      return requestId;
    };

    /** Accepted and given a slot on a meeting: the papers and invitation deadlines, met as the dice say. */
    const allocate = async (
      requestId: string,
      meeting: { id: string; date: string },
      slot: number,
      decidedAt: Date,
      papersAt: Date | null,
      invitedAt: Date,
    ) => {
      await trx
        .updateTable('panel_request')
        .set({
          status: 'accepted',
          decided_by: ADMIN,
          decided_at: decidedAt,
          meeting_id: meeting.id,
          slot_order: slot,
          invitation_sent_at: invitedAt,
          papers_submitted_at: papersAt,
          updated_at: decidedAt,
        })
        .where('id', '=', requestId)
        .execute();
      const start = londonInstant(meeting.date, p.startTime);
      const papers = { ...DEADLINE_RULES.PANEL_PAPERS, days: panel.papers_due_working_days };
      const invitation = { ...DEADLINE_RULES.PANEL_INVITATION, days: panel.invitation_days };
      const papersRow = deadline('panel_request', requestId, papers, start);
      const invitationRow = deadline('panel_request', requestId, invitation, start);
      invitationRow.met_at = invitedAt;
      invitationRow.met_by = ADMIN;
      if (papersAt) {
        papersRow.met_at = papersAt;
        papersRow.met_by = ADMIN;
      }
    };

    // The meetings held in the last three months.
    const past = planMeetings({ cadenceWeeks: 2, weekday: p.weekday }, addMonths(day, -3), addDays(day, -1), calendar);
    const endTime = `${String(Number(p.startTime.slice(0, 2)) + 2).padStart(2, '0')}${p.startTime.slice(2)}`;
    for (const m of past) {
      const meetingId = demoId(`panel-history:meeting:${p.team}:${m.date}`);
      await trx
        .insertInto('panel_meeting')
        .values({
          id: meetingId,
          panel_id: panelId,
          meeting_date: m.date,
          start_time: p.startTime,
          end_time: endTime,
          venue: null,
          status: 'held',
          moved_from: m.movedFrom,
          moved_reason: m.movedReason,
        })
        .execute();
      meetings++;
      const end = londonInstant(m.date, endTime);
      const cases: { requestId: string; child: Child }[] = [];
      const count = rng.int(2, 3);
      for (let slot = 1; slot <= count; slot++) {
        const child = nextChild();
        if (!child) break;
        const key = `${p.team}:${m.date}:${slot}`;
        const createdAt = londonInstant(addDays(m.date, -rng.int(20, 28)), '10:30');
        const requestId = await makeRequest(key, child, createdAt);
        const decidedAt = new Date(createdAt.getTime() + rng.int(1, 3) * 24 * HOUR);
        const papersDue = londonInstant(calendar.workingDaysBefore(m.date, panel.papers_due_working_days), '16:00');
        const papersAt = rng.chance(0.12)
          ? londonInstant(addDays(m.date, -2), '12:00')
          : new Date(papersDue.getTime() - rng.int(0, 4) * 24 * HOUR);
        const invitedAt = rng.chance(0.06) ? londonInstant(addDays(m.date, -1), '09:00') : decidedAt;
        await allocate(requestId, { id: meetingId, date: m.date }, slot, decidedAt, papersAt, invitedAt);
        if (papersAt > papersDue) {
          await trx
            .updateTable('panel_request')
            .set({ late_papers_agreed_by: chair, late_papers_agreed_at: papersAt })
            .where('id', '=', requestId)
            .execute();
        }
        cases.push({ requestId, child });
      }
      if (!cases.length) continue;

      // The record: attendance, each case's decisions, the chair's approval (the 48-hour clock) and circulation.
      const decisions = { ...DEADLINE_RULES.PANEL_DECISION_RECORDED, hours: panel.decisions_hours };
      const clock = deadline('panel_meeting', meetingId, decisions, end);
      const approvedAt = rng.chance(0.15)
        ? new Date(clock.due_at.getTime() + rng.int(3, 20) * HOUR)
        : new Date(Math.max(end.getTime() + HOUR, clock.due_at.getTime() - rng.int(4, 30) * HOUR));
      await trx
        .insertInto('panel_meeting_record')
        .values({
          meeting_id: meetingId,
          started_by: ADMIN,
          started_at: new Date(end.getTime() - HOUR),
          updated_at: approvedAt,
          approved_by: chair,
          approved_at: approvedAt,
        })
        .execute();
      await trx
        .insertInto('panel_attendance')
        .values([
          ...members.map((x) => ({
            meeting_id: meetingId,
            member_id: x.id,
            request_id: null,
            status: rng.chance(0.85) ? ('present' as const) : ('apologies' as const),
            deputy_member_id: null,
          })),
          ...cases.map((c) => ({
            meeting_id: meetingId,
            member_id: null,
            request_id: c.requestId,
            status: 'present' as const,
            deputy_member_id: null,
          })),
        ])
        .execute();
      clock.met_at = approvedAt;
      clock.met_by = chair;
      let uncirculated: string | null = null;
      for (const c of cases) {
        const outcomes = new Set<PanelOutcome>();
        const howMany = rng.int(1, 3);
        while (outcomes.size < howMany) outcomes.add(rng.weighted(OUTCOME_WEIGHTS));
        const lead = outcomes.has('lead_professional');
        await trx
          .insertInto('panel_case_record')
          .values({
            request_id: c.requestId,
            meeting_id: meetingId,
            discussion: rng.pick(DISCUSSIONS),
            outcomes: PANEL_OUTCOMES.filter((o) => outcomes.has(o)),
            school_organisation_id: null,
            school_contact: null,
            school_note: null,
            lead_kind: lead ? 'person' : null,
            lead_user_id: lead ? c.child.referrer : null,
            lead_organisation_id: lead ? c.child.organisationId : null,
            lead_criteria: lead ? ['additional_needs', 'formal_assessment_likely', 'coordination_needed'] : [],
            lead_objectives: lead ? rng.pick(OBJECTIVES) : null,
            lead_review_on: lead ? addDays(m.date, 56) : null,
            lead_inform_family: lead ? 'The lead professional will phone the family the day after the panel.' : null,
            dissent_user_id: null,
            dissent_organisation_id: null,
            dissent_reason: null,
            recorded_by: ADMIN,
            recorded_at: end,
          })
          .execute();
        await trx.updateTable('panel_request').set({ status: 'discussed' }).where('id', '=', c.requestId).execute();
        const recs = rng.int(0, 2);
        for (let i = 0; i < recs; i++) {
          const teamKey = rng.pick(p.recommendTo);
          const teamId = demoId(`team:${teamKey}`);
          const organisationId = demoId(`org:${teamKey.split(':')[0]}`);
          const recId = demoId(`panel-history:recommendation:${c.requestId}:${i}`);
          const dueOn = addDays(m.date, rng.int(14, 42));
          await trx
            .insertInto('panel_recommendation')
            .values({
              id: recId,
              request_id: c.requestId,
              what: rng.pick(RECOMMENDATIONS),
              organisation_id: organisationId,
              team_id: teamId,
              due_on: dueOn,
              created_by: ADMIN,
              created_at: end,
            })
            .execute();
          const involved = await trx
            .selectFrom('involvement')
            .select('id')
            .where('person_id', '=', c.child.id)
            .where('team_id', '=', teamId)
            .where('ended_on', 'is', null)
            .executeTakeFirst();
          if (!involved) {
            await addInvolvement(trx, c.child.id, {
              organisationId,
              teamId,
              userId: null,
              role: `Acting on a recommendation of ${panel.name}`,
              startedOn: londonToday(approvedAt),
              contactPhone: null,
              contactEmail: null,
              addedBy: chair,
              addedReason: `Recommended at ${panel.name}`,
            });
          }
          await assignWork(trx, {
            kind: RECOMMENDATION_WORK,
            title: `Act on a recommendation of ${panel.name}`,
            href: `/people/${c.child.id}/panel-requests/${c.requestId}/decisions`,
            sourceType: 'panel_recommendation',
            sourceId: recId,
            personId: c.child.id,
            assignTo: { teamId },
            dueAt: londonInstant(dueOn, '23:59'),
            at: approvedAt,
            by: chair,
          });
          // Most agencies act on it in time; some have not yet, after the date it was due.
          const doneOn = addDays(dueOn, -rng.int(1, 10));
          if (dueOn < day ? rng.chance(0.8) : doneOn < day && rng.chance(0.4)) {
            await completeWork(trx, {
              sourceType: 'panel_recommendation',
              sourceId: recId,
              at: londonInstant(doneOn, '15:00'),
              by: null,
            });
          }
        }
        const circulation = deadline('panel_request', c.requestId, DEADLINE_RULES.PANEL_DECISION_CIRCULATED, end);
        const dueBy = circulation.due_at;
        const missed = dueBy < today && missedLeft > 0 && rng.chance(0.08);
        if (missed || dueBy >= today) {
          if (missed) missedLeft--;
          uncirculated = circulation.id;
          continue;
        }
        const sentAt = rng.chance(0.1)
          ? new Date(dueBy.getTime() + rng.int(2, 30) * HOUR)
          : new Date(Math.max(approvedAt.getTime() + HOUR, dueBy.getTime() - rng.int(10, 60) * HOUR));
        circulation.met_at = sentAt;
        circulation.met_by = chair;
      }
      await flush();
      if (uncirculated) {
        await assignWork(trx, {
          kind: CIRCULATION_WORK,
          title: `Circulate the decisions of ${panel.name}`,
          href: `/panels/${panelId}/meetings/${meetingId}/record#circulate`,
          sourceType: 'panel_meeting',
          sourceId: meetingId,
          assignTo: { userIds: runners.map((x) => x.user_id) },
          deadlineId: uncirculated,
          at: approvedAt,
          by: chair,
        });
      }
    }

    // Cases on the next meeting's agenda, and a couple of requests waiting.
    const next = await trx
      .selectFrom('panel_meeting')
      .select(['id', 'meeting_date'])
      .where('panel_id', '=', panelId)
      .where('status', '=', 'scheduled')
      .where('meeting_date', '>=', day)
      .orderBy('meeting_date')
      .limit(1)
      .executeTakeFirst();
    if (next) {
      for (let slot = 1; slot <= 2; slot++) {
        const child = nextChild();
        if (!child) break;
        const key = `${p.team}:next:${slot}`;
        const createdAt = londonInstant(addDays(day, -rng.int(8, 12)), '10:00');
        const requestId = await makeRequest(key, child, createdAt);
        const decidedAt = new Date(createdAt.getTime() + 24 * HOUR);
        const papersDue = londonInstant(
          calendar.workingDaysBefore(next.meeting_date, panel.papers_due_working_days),
          '16:00',
        );
        const papersAt = papersDue < today ? new Date(papersDue.getTime() - 24 * HOUR) : null;
        await allocate(requestId, { id: next.id, date: next.meeting_date }, slot, decidedAt, papersAt, decidedAt);
      }
    }
    await flush();
    if (p.team === 'lea-council:panel-north' || p.team === 'aire-council:panel') {
      const child = nextChild();
      if (child) await makeRequest(`${p.team}:waiting`, child, londonInstant(addDays(day, -6), '11:00'));
    }
    if (p.team === 'lea-council:panel-central') {
      const child = nextChild();
      if (child) {
        const requestId = await makeRequest(`${p.team}:waiting`, child, londonInstant(addDays(day, -9), '14:00'));
        await trx
          .updateTable('panel_request')
          .set({ status: 'accepted', decided_by: ADMIN, decided_at: londonInstant(addDays(day, -4), '10:00') })
          .where('id', '=', requestId)
          .execute();
      }
    }
  }
  return { meetings, requests };
}
