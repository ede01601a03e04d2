import type { Transaction } from 'kysely';
import { addMonths, planMeetings } from '../../features/panels/schedule.ts';
import { addDays } from '../../platform/calendar.ts';
import { loadWorkingCalendar } from '../../platform/closures.ts';
import type { DB, PanelMemberRole, PanelModel, Role } from '../schema.ts';
import type { FamilyRows } from './families.ts';
import { seedPanelHistory } from './panel-history.ts';
import { buildPartnership } from './partnership.ts';
import { demoId, isoDate } from './random.ts';
import { DEMO_USERS } from './users.ts';

/**
 * Demo panels (docs/decisions/0029): the three Lea area family support panels (Luton-style: fortnightly, two hours,
 * 15-minute slots) and Aire's complex needs panel (Leeds-style: the gateway to Signpost and MST from the directory),
 * each with the demo staff who sit on them, and their meetings for the next three months.
 */
interface DemoPanel {
  team: string;
  model: PanelModel;
  remit: string;
  weekday: number;
  startTime: string;
  venue: string;
  gatewayPanel?: string;
  /** Teams its demo history's recommendations go to. */
  recommendTo: string[];
}

const LEA_TEAMS = [
  'lea-health:school-nursing',
  'lea-camhs:targeted',
  'lea-housing:options',
  'lea-council:change-for-children',
  'lea-youth:north',
  'glasshouse:family',
];

const DEMO_PANELS: DemoPanel[] = [
  {
    team: 'lea-council:panel-north',
    model: 'area_family_support',
    remit:
      'Family support when a simple referral is not available or has not worked, needs cannot be met by one agency, are unclear or remain unmet. Not where there is a risk of significant harm: contact the front door.',
    weekday: 2,
    startTime: '09:30',
    venue: 'North Area Family Centre, meeting room 1',
    recommendTo: LEA_TEAMS,
  },
  {
    team: 'lea-council:panel-central',
    model: 'area_family_support',
    remit:
      'Family support when a simple referral is not available or has not worked, needs cannot be met by one agency, are unclear or remain unmet. Not where there is a risk of significant harm: contact the front door.',
    weekday: 3,
    startTime: '10:00',
    venue: 'Unity House, Change for Children Unit',
    recommendTo: LEA_TEAMS,
  },
  {
    team: 'lea-council:panel-south',
    model: 'area_family_support',
    remit:
      'Family support when a simple referral is not available or has not worked, needs cannot be met by one agency, are unclear or remain unmet. Not where there is a risk of significant harm: contact the front door.',
    weekday: 4,
    startTime: '13:30',
    venue: 'South Area Children’s Centre',
    recommendTo: LEA_TEAMS,
  },
  {
    team: 'aire-council:panel',
    model: 'complex_case_gateway',
    remit:
      'Complex cases where targeted and specialist services are involved and have run out of options. The gateway to Signpost and Multisystemic Therapy.',
    weekday: 5,
    startTime: '10:00',
    venue: 'Aire Civic Hall, committee room 3',
    gatewayPanel: 'Children Aire panel',
    recommendTo: ['aire-council:families-first', 'aire-council:signpost', 'aire-csws:mst', 'aire-council:attendance'],
  },
];

const ROLE_FOR: [Role, PanelMemberRole][] = [
  ['panel_chair', 'chair'],
  ['panel_admin', 'administrator'],
  ['panel_member', 'member'],
];

/**
 * The demo panels, their members and next meetings; with the demo families, also each panel's last three months
 * (panel-history.ts), leaving out the children in `exclude` (the demo practitioner's own family).
 */
export async function seedDemoPanels(
  trx: Transaction<DB>,
  today: Date,
  families?: FamilyRows,
  exclude: Set<string> = new Set(),
): Promise<number> {
  const partnership = buildPartnership();
  const teams = new Map(partnership.organisations.flatMap((o) => o.teams.map((t) => [t.key, t] as const)));
  const day = isoDate(today);
  let count = 0;
  for (const p of DEMO_PANELS) {
    const team = teams.get(p.team);
    if (!team) continue;
    const id = demoId(`panel:${p.team}`);
    const areaId = team.area ? demoId(`area:${team.area}`) : null;
    await trx
      .insertInto('panel')
      .values({
        id,
        name: team.name,
        model: p.model,
        model_description: null,
        area_id: areaId,
        remit: p.remit,
        weekday: p.weekday,
        start_time: p.startTime,
        from_team_id: demoId(`team:${team.key}`),
      })
      .execute();
    const sitting = DEMO_USERS.filter((u) => u.teams.includes(p.team));
    let chairTaken = false;
    for (const u of sitting) {
      let role = ROLE_FOR.find(([r]) => u.roles.includes(r))?.[1];
      if (!role) continue;
      if (role === 'chair') {
        if (chairTaken) role = 'deputy_chair';
        chairTaken = true;
      }
      await trx
        .insertInto('panel_member')
        .values({
          panel_id: id,
          user_id: demoId(`user:${u.email}`),
          organisation_id: demoId(`org:${u.org}`),
          role,
          deputy_for: null,
          adviser_kind: null,
          from_date: addDays(day, -180),
          to_date: null,
        })
        .execute();
    }
    if (p.gatewayPanel) {
      const services = await trx
        .selectFrom('directory_service')
        .select('id')
        .where('access_panel', '=', p.gatewayPanel)
        .execute();
      if (services.length) {
        await trx
          .insertInto('panel_gateway_service')
          .values(services.map((s) => ({ panel_id: id, service_id: s.id })))
          .execute();
      }
    }
    const calendar = await loadWorkingCalendar(trx, areaId);
    for (const m of planMeetings(
      { cadenceWeeks: 2, weekday: p.weekday },
      addDays(day, 1),
      addMonths(day, 3),
      calendar,
    )) {
      const [h, min] = p.startTime.split(':').map(Number);
      await trx
        .insertInto('panel_meeting')
        .values({
          panel_id: id,
          meeting_date: m.date,
          start_time: p.startTime,
          end_time: `${String(h! + 2).padStart(2, '0')}:${String(min).padStart(2, '0')}`,
          venue: p.venue,
          moved_from: m.movedFrom,
          moved_reason: m.movedReason,
        })
        .execute();
    }
    count++;
  }
  if (families) {
    await seedPanelHistory(
      trx,
      families,
      today,
      DEMO_PANELS.map((p) => ({
        team: p.team,
        weekday: p.weekday,
        startTime: p.startTime,
        prefix: p.team.startsWith('aire-') ? 'aire-' : 'lea-',
        recommendTo: p.recommendTo,
      })),
      partnership.organisations.map((o) => o.key),
      exclude,
    );
  }
  return count;
}
