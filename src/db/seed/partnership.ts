import type { AgencyType, TeamContactRole, Tier } from '../schema.ts';
import { AIRE_CLUSTERS, type AreaDef, LEA_AREAS, PARTNERSHIP_AREAS, SOAR_LOCALITIES } from './areas.ts';
import { PhoneBook, type PhoneRange } from './phones.ts';

/**
 * The fictional demo partnerships: a borough run in three areas, each with its own family support
 * panel; a city run in clusters, each with a targeted services leader; and a county-and-small-county
 * partnership with a central front door and a locality early help offer. Every organisation name
 * ends "(demo)" so nobody mistakes it for a real body.
 */

export const DEMO_EMAIL_DOMAIN = 'demo.early-help.invalid';

export interface TeamDef {
  key: string;
  name: string;
  area: string | null;
  phone: string | null;
  email: string | null;
}

export interface OrgDef {
  key: string;
  name: string;
  agencyType: AgencyType;
  tier: Tier;
  phone: string;
  email: string;
  teams: TeamDef[];
  /** Schools only: the establishment number that goes into the UPNs the school allocates. */
  schoolNumber?: number;
}

export type ServiceKind =
  | 'midwifery'
  | 'health_visiting'
  | 'gp'
  | 'childrens_centre'
  | 'primary_school'
  | 'secondary_school'
  | 'special_school'
  | 'college'
  | 'school_nursing'
  | 'youth_work'
  | 'youth_offending'
  | 'camhs'
  | 'targeted_mental_health'
  | 'family_support'
  | 'voluntary_family_support'
  | 'intensive_family_support'
  | 'social_work'
  | 'police'
  | 'housing'
  | 'careers'
  | 'domestic_abuse'
  | 'substance_misuse';

export interface Provider {
  org: string;
  team: string | null;
}

export interface Partnership {
  areas: AreaDef[];
  organisations: OrgDef[];
  /** Who provides each kind of service to families living in an area. */
  services: Map<string, Partial<Record<ServiceKind, Provider[]>>>;
}

function slug(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\(demo\)/g, '')
    .replace(/&/g, 'and')
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

class Builder {
  readonly organisations: OrgDef[] = [];
  readonly phones = new PhoneBook();

  org(
    key: string,
    name: string,
    agencyType: AgencyType,
    tier: Tier,
    range: PhoneRange,
    teams: readonly (readonly [string, string, string | null])[] = [],
    extra: { schoolNumber?: number } = {},
  ): OrgDef {
    const org: OrgDef = {
      key,
      name: `${name} (demo)`,
      agencyType,
      tier,
      phone: this.phones.take(range),
      email: `${slug(name)}@${DEMO_EMAIL_DOMAIN}`,
      teams: teams.map(([teamKey, teamName, area]) => ({
        key: `${key}:${teamKey}`,
        name: teamName,
        area,
        phone: this.phones.take(range),
        email: `${slug(teamName)}.${key}@${DEMO_EMAIL_DOMAIN}`,
      })),
      ...extra,
    };
    this.organisations.push(org);
    return org;
  }

  school(key: string, name: string, range: PhoneRange, schoolNumber: number, tier: Tier = 'universal'): OrgDef {
    return this.org(key, name, 'school', tier, range, [['pastoral', 'Safeguarding and Pastoral Team', null]], {
      schoolNumber,
    });
  }
}

const OFFICE = 'Monday to Friday, 9am to 5pm';
const OUT_OF_HOURS = 'Evenings from 5pm, weekends and bank holidays';

/**
 * The part teams play in conversations about a child ("who can I talk to?"), by team key: each partnership's
 * front door in and out of hours, its advice line, integrated processes and targeted services, and family
 * information service.
 */
export const DEMO_TEAM_CONTACTS: Record<string, { role: TeamContactRole; hours: string }> = {
  'lea-csc:intake': { role: 'front_door', hours: OFFICE },
  'lea-csc:out-of-hours': { role: 'out_of_hours', hours: OUT_OF_HOURS },
  'lea-council:change-for-children': { role: 'integrated_processes', hours: OFFICE },
  'lea-council:afs-north': { role: 'targeted_services', hours: OFFICE },
  'lea-council:afs-central': { role: 'targeted_services', hours: OFFICE },
  'lea-council:afs-south': { role: 'targeted_services', hours: OFFICE },
  'aire-csws:duty': { role: 'front_door', hours: OFFICE },
  'aire-csws:out-of-hours': { role: 'out_of_hours', hours: OUT_OF_HOURS },
  'aire-council:ipt': { role: 'integrated_processes', hours: OFFICE },
  'aire-council:fis': { role: 'family_information', hours: 'Monday to Friday, 9am to 5pm (freephone)' },
  'soar-csc:first-response': { role: 'front_door', hours: 'Monday to Friday, 8.30am to 5pm' },
  'soar-csc:out-of-hours': { role: 'out_of_hours', hours: OUT_OF_HOURS },
  'soar-csc:advice-line': { role: 'advice_line', hours: 'Every working day, 9am to 4pm' },
  'soar-county:locality-coordination': { role: 'targeted_services', hours: OFFICE },
  'rutmoor-council:early-intervention': { role: 'integrated_processes', hours: OFFICE },
  'rutmoor-council:fis': { role: 'family_information', hours: OFFICE },
};

function buildLea(b: Builder, services: Partnership['services']) {
  const areas = LEA_AREAS;
  const short = (a: AreaDef) => a.key.replace('lea-', '');
  b.org('lea-council', 'Lea Borough Council Children and Learning', 'local_authority', 'targeted', 'fiction', [
    ...areas.map((a) => [`panel-${short(a)}`, `${a.name} Family Support Panel`, a.key] as const),
    ...areas.map((a) => [`afs-${short(a)}`, `${a.name} Area Family Support`, a.key] as const),
    ['change-for-children', 'Change for Children Unit', 'lea'],
    ['access', 'Access and Education Welfare', 'lea'],
    ['information', 'Information Governance and Performance', 'lea'],
  ]);
  b.org('lea-csc', "Lea Borough Children's Social Care", 'social_care', 'specialist', 'fiction', [
    ['intake', 'Intake and Assessment', 'lea'],
    ['cin', 'Children in Need and Protection', 'lea'],
    ['out-of-hours', 'Emergency Duty Team', 'lea'],
  ]);
  b.org('lea-health', 'Lea Valley Community Health', 'health', 'universal', 'fiction', [
    ...areas.map((a) => [`hv-${short(a)}`, `Health Visiting – ${a.name}`, a.key] as const),
    ['school-nursing', 'School Nursing – Lea', 'lea'],
    ['childrens-services', "Children's Community Services", 'lea'],
  ]);
  b.org('lea-maternity', 'Lea General Hospital Maternity Service', 'health', 'universal', 'fiction', [
    ['midwifery', 'Community Midwifery', 'lea'],
  ]);
  b.org('lea-camhs', 'Lea CAMHS', 'health', 'specialist', 'fiction', [
    ['targeted', 'Targeted Mental Health in Schools', 'lea'],
    ['tier3', 'CAMHS Community Team', 'lea'],
  ]);
  b.org('lea-police', 'Lea Valley Police', 'police', 'universal', 'fiction', [
    ['neighbourhood', 'Neighbourhood Policing – Lea', 'lea'],
    ['early-intervention', 'Police Early Intervention – Lea', 'lea'],
  ]);
  b.org('lea-youth', 'Lea Youth Service', 'youth_service', 'universal', 'fiction', [
    ['north', 'Youth Work – North', 'lea-north'],
    ['south', 'Youth Work – Central and South', 'lea-south'],
  ]);
  b.org('lea-yos', 'Lea Youth Offending Service', 'youth_offending', 'targeted', 'fiction', [
    ['yot', 'Youth Offending Team', 'lea'],
  ]);
  b.org('lea-housing', 'Lea Borough Housing Options', 'housing', 'universal', 'fiction', [
    ['options', 'Housing Options', 'lea'],
  ]);
  b.org('glasshouse', 'Glasshouse Family Project', 'voluntary', 'targeted', 'fiction', [
    ['family', 'Family Support', 'lea'],
  ]);
  b.org('family-welfare', 'Family Welfare Circle', 'voluntary', 'targeted', 'fiction', [
    ['lea', 'Family Welfare – Lea', 'lea'],
  ]);
  b.org('lea-ypa', "Lea Young People's Association", 'voluntary', 'universal', 'fiction', [
    ['rights', "Children's Rights Service", 'lea'],
    ['teenage-pregnancy', 'Teenage Pregnancy Project', 'lea'],
  ]);
  b.school('lea-warden-rise', 'Warden Rise Primary School', 'fiction', 2101);
  b.school('lea-linnet', 'Linnet Avenue Infant and Junior School', 'fiction', 2102);
  b.school('lea-sundon', 'Sundon Vale Academy', 'fiction', 4101);
  b.school('lea-hightown', 'Hightown Community Primary School', 'fiction', 2103);
  b.school('lea-castle', 'Castle Mill Primary School', 'fiction', 2104);
  b.school('lea-central-high', 'Lea Central High School', 'fiction', 4102);
  b.school('lea-chiltern', 'Chiltern Green Primary School', 'fiction', 2105);
  b.school('lea-southfields', 'Southdown Rise Academy', 'fiction', 4103);
  b.school('lea-beechwood', 'Beechwood Special School', 'fiction', 7001, 'targeted');
  b.school('lea-college', 'Lea Meadows College', 'fiction', 8001);
  b.org('lea-gp-hightown', 'Hightown Medical Practice', 'health', 'universal', 'fiction');
  b.org('lea-gp-leagrave', 'Leagrave Road Surgery', 'health', 'universal', 'fiction');
  b.org('lea-gp-farley', 'Farley Hill Health Centre', 'health', 'universal', 'fiction');
  b.org('lea-cc-sunflower', "Sunflower Children's Centre", 'early_years', 'universal', 'fiction', [
    ['outreach', 'Family Outreach', 'lea-north'],
  ]);
  b.org('lea-cc-maple', "Maple Children's Centre", 'early_years', 'universal', 'fiction', [
    ['outreach', 'Family Outreach', 'lea-central'],
  ]);
  b.org('lea-cc-chiltern', "Chiltern Children's Centre", 'early_years', 'universal', 'fiction', [
    ['outreach', 'Family Outreach', 'lea-south'],
  ]);
  const local: Record<string, { primary: string[]; secondary: string; gp: string[]; cc: string; youth: string }> = {
    'lea-north': {
      primary: ['lea-warden-rise', 'lea-linnet'],
      secondary: 'lea-sundon',
      gp: ['lea-gp-leagrave'],
      cc: 'lea-cc-sunflower',
      youth: 'lea-youth:north',
    },
    'lea-central': {
      primary: ['lea-hightown', 'lea-castle'],
      secondary: 'lea-central-high',
      gp: ['lea-gp-hightown'],
      cc: 'lea-cc-maple',
      youth: 'lea-youth:south',
    },
    'lea-south': {
      primary: ['lea-chiltern'],
      secondary: 'lea-southfields',
      gp: ['lea-gp-farley', 'lea-gp-hightown'],
      cc: 'lea-cc-chiltern',
      youth: 'lea-youth:south',
    },
  };
  for (const a of areas) {
    const l = local[a.key]!;
    services.set(a.key, {
      midwifery: [{ org: 'lea-maternity', team: 'lea-maternity:midwifery' }],
      health_visiting: [{ org: 'lea-health', team: `lea-health:hv-${short(a)}` }],
      gp: l.gp.map((org) => ({ org, team: null })),
      childrens_centre: [{ org: l.cc, team: `${l.cc}:outreach` }],
      primary_school: l.primary.map((org) => ({ org, team: `${org}:pastoral` })),
      secondary_school: [{ org: l.secondary, team: `${l.secondary}:pastoral` }],
      special_school: [{ org: 'lea-beechwood', team: 'lea-beechwood:pastoral' }],
      college: [{ org: 'lea-college', team: 'lea-college:pastoral' }],
      school_nursing: [{ org: 'lea-health', team: 'lea-health:school-nursing' }],
      youth_work: [{ org: 'lea-youth', team: l.youth }],
      youth_offending: [{ org: 'lea-yos', team: 'lea-yos:yot' }],
      camhs: [{ org: 'lea-camhs', team: 'lea-camhs:tier3' }],
      targeted_mental_health: [{ org: 'lea-camhs', team: 'lea-camhs:targeted' }],
      family_support: [{ org: 'lea-council', team: `lea-council:afs-${short(a)}` }],
      voluntary_family_support: [
        { org: 'safe-childhoods', team: 'safe-childhoods:lea' },
        { org: 'family-alliance', team: 'family-alliance:lea' },
        { org: 'glasshouse', team: 'glasshouse:family' },
        { org: 'family-welfare', team: 'family-welfare:lea' },
      ],
      social_work: [{ org: 'lea-csc', team: 'lea-csc:cin' }],
      police: [{ org: 'lea-police', team: 'lea-police:early-intervention' }],
      housing: [{ org: 'lea-housing', team: 'lea-housing:options' }],
      careers: [{ org: 'next-steps', team: 'next-steps:lea' }],
      domestic_abuse: [{ org: 'safer-homes', team: 'safer-homes:lea' }],
      substance_misuse: [{ org: 'clear-path', team: 'clear-path:lea' }],
    });
  }
}

function buildAire(b: Builder, services: Partnership['services']) {
  const clusters = AIRE_CLUSTERS;
  b.org('aire-council', 'Aire City Council Children and Families', 'local_authority', 'targeted', 'leeds', [
    ['ipt', 'Integrated Processes Team', 'aire'],
    ['fis', 'Family Information Service', 'aire'],
    ...clusters.map((c) => [`tsl-${c.key}`, `Targeted Services – ${c.name} Cluster`, c.key] as const),
    ['families-first', 'Families First', 'aire'],
    ['signpost', 'Signpost Intensive Family Support', 'aire'],
    ['attendance', 'Attendance Advice', 'aire'],
    ['panel', "Children's Complex Needs Panel", 'aire'],
  ]);
  b.org('aire-csws', "Aire City Children's Social Work Service", 'social_care', 'specialist', 'leeds', [
    ['duty', 'Duty and Advice', 'aire'],
    ['out-of-hours', 'Out of Hours Duty', 'aire'],
    ['cin-east', 'Child in Need – East', 'aire'],
    ['cin-west', 'Child in Need – West', 'aire'],
    ['mst', 'Multisystemic Therapy Team', 'aire'],
    ['complex-needs', 'Complex Needs Service', 'aire'],
  ]);
  b.org('aire-health', 'Aire Community Healthcare', 'health', 'universal', 'leeds', [
    ...clusters.map((c) => [`early-start-${c.key}`, `Early Start – ${c.name}`, c.key] as const),
    ['school-nursing', 'School Nursing – Aire', 'aire'],
    ['midwifery', 'Community Midwifery – Aire', 'aire'],
  ]);
  b.org('aire-camhs', 'Aire CAMHS', 'health', 'specialist', 'leeds', [
    ['targeted', 'Targeted Mental Health Service', 'aire'],
    ['tier3', 'CAMHS Tier 3', 'aire'],
  ]);
  b.org('aire-police', 'Aire Police', 'police', 'universal', 'leeds', [
    ['safeguarding', 'Safeguarding Unit – Aire', 'aire'],
    ['neighbourhood', 'Neighbourhood Policing – Aire', 'aire'],
  ]);
  b.org('aire-youth', 'Aire Youth Service', 'youth_service', 'universal', 'leeds', [
    ['east', 'Youth Work – East', 'aire'],
    ['west', 'Youth Work – West', 'aire'],
  ]);
  b.org('aire-yjs', 'Aire Youth Justice Service', 'youth_offending', 'targeted', 'leeds', [
    ['yjs', 'Youth Justice Team', 'aire'],
  ]);
  b.org('aire-homes', 'Aire Homes', 'housing', 'universal', 'leeds', [['tenancy', 'Tenancy Support', 'aire']]);
  b.school('aire-wortley', 'Wortley Beck Primary School', 'leeds', 3201);
  b.school('aire-airedale-high', 'Airedale Bridge High School', 'leeds', 4201);
  b.school('aire-meanwood', 'Meanwood Beck Primary School', 'leeds', 3202);
  b.school('aire-meanwood-park', 'Meanwood Park High School', 'leeds', 4202);
  b.school('aire-gipton', 'Gipton Moor Primary School', 'leeds', 3203);
  b.school('aire-oakwood', 'Oakwood Gate Academy', 'leeds', 4203);
  b.school('aire-holbeck', 'Holbeck Mills Primary School', 'leeds', 3204);
  b.school('aire-south-aire', 'South Aire High School', 'leeds', 4204);
  b.school('aire-seacroft', 'Seacroft Vale Primary School', 'leeds', 3205);
  b.school('aire-moorland', 'Moorland Rise Academy', 'leeds', 4205);
  b.school('aire-silc', 'Aire Valley Specialist Inclusive Learning Centre', 'leeds', 7002, 'targeted');
  b.school('aire-college', 'Aire City College', 'leeds', 8002);
  const local: Record<string, { primary: string; secondary: string; gp: string }> = {
    airedale: { primary: 'aire-wortley', secondary: 'aire-airedale-high', gp: 'Airedale Road Surgery' },
    meanwood: { primary: 'aire-meanwood', secondary: 'aire-meanwood-park', gp: 'Meanwood Beck Medical Practice' },
    gipton: { primary: 'aire-gipton', secondary: 'aire-oakwood', gp: 'Gipton Moor Health Centre' },
    holbeck: { primary: 'aire-holbeck', secondary: 'aire-south-aire', gp: 'Holbeck Mills Surgery' },
    seacroft: { primary: 'aire-seacroft', secondary: 'aire-moorland', gp: 'Seacroft Vale Medical Centre' },
  };
  for (const c of clusters) {
    const { primary: pk, secondary: sk, gp } = local[c.key]!;
    const gpKeys = [b.org(`aire-gp-${c.key}`, gp, 'health', 'universal', 'leeds').key];
    const east = ['gipton', 'seacroft'].includes(c.key);
    services.set(c.key, {
      midwifery: [{ org: 'aire-health', team: 'aire-health:midwifery' }],
      health_visiting: [{ org: 'aire-health', team: `aire-health:early-start-${c.key}` }],
      childrens_centre: [{ org: 'aire-health', team: `aire-health:early-start-${c.key}` }],
      gp: gpKeys.map((org) => ({ org, team: null })),
      primary_school: [{ org: pk, team: `${pk}:pastoral` }],
      secondary_school: [{ org: sk, team: `${sk}:pastoral` }],
      special_school: [{ org: 'aire-silc', team: 'aire-silc:pastoral' }],
      college: [{ org: 'aire-college', team: 'aire-college:pastoral' }],
      school_nursing: [{ org: 'aire-health', team: 'aire-health:school-nursing' }],
      youth_work: [{ org: 'aire-youth', team: east ? 'aire-youth:east' : 'aire-youth:west' }],
      youth_offending: [{ org: 'aire-yjs', team: 'aire-yjs:yjs' }],
      camhs: [{ org: 'aire-camhs', team: 'aire-camhs:tier3' }],
      targeted_mental_health: [{ org: 'aire-camhs', team: 'aire-camhs:targeted' }],
      family_support: [
        { org: 'aire-council', team: `aire-council:tsl-${c.key}` },
        { org: 'aire-council', team: 'aire-council:families-first' },
        { org: 'aire-council', team: 'aire-council:attendance' },
      ],
      voluntary_family_support: [
        { org: 'safe-childhoods', team: 'safe-childhoods:aire' },
        { org: 'family-alliance', team: 'family-alliance:aire' },
      ],
      intensive_family_support: [
        { org: 'aire-council', team: 'aire-council:signpost' },
        { org: 'aire-csws', team: 'aire-csws:mst' },
      ],
      social_work: [{ org: 'aire-csws', team: east ? 'aire-csws:cin-east' : 'aire-csws:cin-west' }],
      police: [{ org: 'aire-police', team: 'aire-police:safeguarding' }],
      housing: [{ org: 'aire-homes', team: 'aire-homes:tenancy' }],
      careers: [{ org: 'next-steps', team: 'next-steps:aire' }],
      domestic_abuse: [{ org: 'safer-homes', team: 'safer-homes:aire' }],
      substance_misuse: [{ org: 'clear-path', team: 'clear-path:aire' }],
    });
  }
}

function buildSoar(b: Builder, services: Partnership['services']) {
  b.org(
    'soar-county',
    'Soar County Council Early Help and Family Support',
    'local_authority',
    'targeted',
    'leicester',
    [
      ['eh-city', 'Early Help and Family Support – Soar City East', 'soar-city'],
      ['eh-charnwood', 'Early Help and Family Support – Charnwood Fields', 'charnwood'],
      ['locality-coordination', 'Locality Services Co-ordination', 'soar'],
      ['cc-charnwood', "Children's Centre – Charnwood Fields", 'charnwood'],
      ['cc-city', "Children's Centre – Soar City East", 'soar-city'],
      ['information', 'Performance and Intelligence', 'soar'],
    ],
  );
  b.org('soar-csc', "Soar County Children's Social Care", 'social_care', 'specialist', 'leicester', [
    ['first-response', 'First Response', 'soar'],
    ['advice-line', 'Professional Advice Line', 'soar'],
    ['cin', 'Child in Need – Soar', 'soar'],
    ['out-of-hours', 'Emergency Duty Team – Soar', 'soar'],
  ]);
  // The small county's early intervention offer: nine services in two Stronger Communities teams.
  b.org('rutmoor-council', 'Rutmoor County Council Stronger Communities', 'local_authority', 'targeted', 'fiction', [
    ['team-1', 'Stronger Communities Team 1', 'rutmoor'],
    ['team-2', 'Stronger Communities Team 2', 'rutmoor'],
    ['childrens-centre', "Rutmoor Children's Centre", 'rutmoor'],
    ['aiming-high', 'Aiming High Short Breaks', 'rutmoor'],
    ['fis', 'Family Information Service – Rutmoor', 'rutmoor'],
    ['changing-lives', 'Changing Lives (Supporting Families)', 'rutmoor'],
    ['early-intervention', 'Early Intervention Assessment Team', 'rutmoor'],
    ['targeted-youth', 'Targeted Youth Support', 'rutmoor'],
    ['youth-options', 'Youth Options (information, advice and guidance)', 'rutmoor'],
    ['community-safety', 'Community Safety', 'rutmoor'],
    ['sexual-health', 'Sexual Health Outreach', 'rutmoor'],
    ['housing-options', 'Housing Options – Rutmoor', 'rutmoor'],
  ]);
  b.org('soar-health', 'Soar Community Health', 'health', 'universal', 'leicester', [
    ['hv-city', 'Health Visiting – Soar City East', 'soar-city'],
    ['hv-charnwood', 'Health Visiting – Charnwood Fields', 'charnwood'],
    ['hv-rutmoor', 'Health Visiting – Rutmoor', 'rutmoor'],
    ['school-nursing', 'School Nursing – Soar', 'soar'],
    ['midwifery', 'Community Midwifery – Soar', 'soar'],
  ]);
  b.org('soar-camhs', 'Soar CAMHS', 'health', 'specialist', 'leicester', [
    ['targeted', 'Early Intervention Mental Health', 'soar'],
    ['tier3', 'CAMHS Community Team – Soar', 'soar'],
  ]);
  b.org('soar-police', 'Soar Police', 'police', 'universal', 'leicester', [
    ['safeguarding', 'Safeguarding Hub – Soar', 'soar'],
  ]);
  b.org('soar-iyss', 'Soar Integrated Youth Support Service', 'youth_service', 'universal', 'leicester', [
    ['youth', 'Youth Work – Soar', 'soar'],
  ]);
  b.org('soar-yos', 'Soar Youth Offending Service', 'youth_offending', 'targeted', 'leicester', [
    ['yot', 'Youth Offending Team – Soar', 'soar'],
  ]);
  b.org('soar-housing', 'Soar City Housing', 'housing', 'universal', 'leicester', [
    ['options', 'Housing Options – Soar', 'soar'],
  ]);
  b.school('soar-belgrave', 'Belgrave Mill Primary School', 'leicester', 2301);
  b.school('soar-rushey', 'Rushey Fields Academy', 'leicester', 4301);
  b.school('soar-charnwood', 'Charnwood Fields Primary School', 'leicester', 2302);
  b.school('soar-loughbrook', 'Loughbrook High School', 'leicester', 4302);
  b.school('soar-catmose', 'Catmose Vale Primary School', 'fiction', 2303);
  b.school('soar-rutmoor-college', 'Rutmoor Academy', 'fiction', 4303);
  b.school('soar-ashmount', 'Ashmount Vale Special School', 'leicester', 7003, 'targeted');
  b.school('soar-college', 'Soar Valley College of Further Education', 'leicester', 8003);
  b.org('soar-gp-city', 'Soar Bank Surgery', 'health', 'universal', 'leicester');
  b.org('soar-gp-charnwood', 'Charnwood Fields Health Centre', 'health', 'universal', 'leicester');
  b.org('soar-gp-rutmoor', 'Catmose Vale Practice', 'health', 'universal', 'fiction');
  const local: Record<
    string,
    { primary: string; secondary: string; gp: string; hv: string; eh: Provider[]; cc: Provider }
  > = {
    'soar-city': {
      primary: 'soar-belgrave',
      secondary: 'soar-rushey',
      gp: 'soar-gp-city',
      hv: 'soar-health:hv-city',
      eh: [{ org: 'soar-county', team: 'soar-county:eh-city' }],
      cc: { org: 'soar-county', team: 'soar-county:cc-city' },
    },
    charnwood: {
      primary: 'soar-charnwood',
      secondary: 'soar-loughbrook',
      gp: 'soar-gp-charnwood',
      hv: 'soar-health:hv-charnwood',
      eh: [{ org: 'soar-county', team: 'soar-county:eh-charnwood' }],
      cc: { org: 'soar-county', team: 'soar-county:cc-charnwood' },
    },
    rutmoor: {
      primary: 'soar-catmose',
      secondary: 'soar-rutmoor-college',
      gp: 'soar-gp-rutmoor',
      hv: 'soar-health:hv-rutmoor',
      eh: [
        { org: 'rutmoor-council', team: 'rutmoor-council:early-intervention' },
        { org: 'rutmoor-council', team: 'rutmoor-council:changing-lives' },
        { org: 'rutmoor-council', team: 'rutmoor-council:aiming-high' },
      ],
      cc: { org: 'rutmoor-council', team: 'rutmoor-council:childrens-centre' },
    },
  };
  for (const a of SOAR_LOCALITIES) {
    const l = local[a.key]!;
    const rut = a.key === 'rutmoor';
    services.set(a.key, {
      midwifery: [{ org: 'soar-health', team: 'soar-health:midwifery' }],
      health_visiting: [{ org: 'soar-health', team: l.hv }],
      gp: [{ org: l.gp, team: null }],
      childrens_centre: [l.cc],
      primary_school: [{ org: l.primary, team: `${l.primary}:pastoral` }],
      secondary_school: [{ org: l.secondary, team: `${l.secondary}:pastoral` }],
      special_school: [{ org: 'soar-ashmount', team: 'soar-ashmount:pastoral' }],
      college: [{ org: 'soar-college', team: 'soar-college:pastoral' }],
      school_nursing: [{ org: 'soar-health', team: 'soar-health:school-nursing' }],
      youth_work: [
        rut
          ? { org: 'rutmoor-council', team: 'rutmoor-council:targeted-youth' }
          : { org: 'soar-iyss', team: 'soar-iyss:youth' },
      ],
      youth_offending: [{ org: 'soar-yos', team: 'soar-yos:yot' }],
      camhs: [{ org: 'soar-camhs', team: 'soar-camhs:tier3' }],
      targeted_mental_health: [{ org: 'soar-camhs', team: 'soar-camhs:targeted' }],
      family_support: l.eh,
      voluntary_family_support: [
        { org: 'safe-childhoods', team: 'safe-childhoods:soar' },
        { org: 'family-alliance', team: 'family-alliance:soar' },
      ],
      social_work: [{ org: 'soar-csc', team: 'soar-csc:cin' }],
      police: [{ org: 'soar-police', team: 'soar-police:safeguarding' }],
      housing: [
        rut
          ? { org: 'rutmoor-council', team: 'rutmoor-council:housing-options' }
          : { org: 'soar-housing', team: 'soar-housing:options' },
      ],
      careers: [
        rut
          ? { org: 'rutmoor-council', team: 'rutmoor-council:youth-options' }
          : { org: 'next-steps', team: 'next-steps:soar' },
      ],
      domestic_abuse: [{ org: 'safer-homes', team: 'safer-homes:soar' }],
      substance_misuse: [{ org: 'clear-path', team: 'clear-path:soar' }],
    });
  }
}

/** Services that work across all three partnerships, with a team in each. */
function buildShared(b: Builder) {
  const each = (prefix: string) =>
    [
      ['lea', `${prefix} – Lea`, 'lea'],
      ['aire', `${prefix} – Aire`, 'aire'],
      ['soar', `${prefix} – Soar`, 'soar'],
    ] as const;
  b.org('safe-childhoods', 'Safe Childhoods Society', 'voluntary', 'targeted', 'london', each('Family Service'));
  b.org('family-alliance', 'Family Support Alliance', 'voluntary', 'targeted', 'london', each('Family Support'));
  b.org('next-steps', 'Compass Careers Service', 'careers', 'universal', 'freephone', each('Compass Careers'));
  b.org('safer-homes', 'Kestrel Domestic Abuse Service', 'domestic_abuse', 'targeted', 'freephone', each('Outreach'));
  b.org(
    'clear-path',
    'Riverbank Drug and Alcohol Service',
    'substance_misuse',
    'targeted',
    'london',
    each('Young People and Families'),
  );
}

export function buildPartnership(): Partnership {
  const b = new Builder();
  const services: Partnership['services'] = new Map();
  buildLea(b, services);
  buildAire(b, services);
  buildSoar(b, services);
  buildShared(b);
  return {
    areas: [...PARTNERSHIP_AREAS, ...LEA_AREAS, ...AIRE_CLUSTERS, ...SOAR_LOCALITIES],
    organisations: b.organisations,
    services,
  };
}
