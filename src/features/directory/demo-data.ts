import type { Kysely } from 'kysely';
import type { AccessRoute, AgencyType, AreaKind, DB, Tier } from '../../db/schema.ts';
import type { Rules } from './eligibility.ts';

/**
 * Demo directory: the services, teams and phone lines the fictional demo partnership publishes. Works on an
 * otherwise empty database (organisations and areas are looked up by name and kind, and created only when
 * missing) and does nothing for an entry that already exists, so it can run again safely, and after the
 * demo partnership it attaches to that partnership's organisations and areas.
 */

const NEEDS = {
  'family-support': '816cf237-3999-435a-bf6e-81b0e14f558c',
  parenting: 'f1bfda15-68aa-4971-ba9c-dcc61ab8708a',
  'behaviour-offending': 'f0fb9bd1-ef64-4944-a110-ac012f025006',
  'mental-health': '28c7464b-d6f2-4740-9683-3d1d67a12a96',
  education: 'dd15a656-98ec-4b6d-9545-57cfdb64f9b3',
  'speech-language': '04199631-97ea-41ad-8541-2a5818923a7a',
  disability: 'cb30cfd1-33b8-4332-8fdb-544efa753ebb',
  'early-years': 'ba603a6a-ef95-42ab-b41d-3ad67c709b62',
  'domestic-abuse': '398bf6b4-2fdf-4794-a0cf-51866f3b4c90',
  'substance-use': 'f78fe581-195c-4196-94f8-bb0a62afb366',
  'housing-money': '9ddd204b-c221-4c07-8d0b-e59ab29447fd',
  youth: 'e7a7c8bd-b0db-4715-9b40-4354d5bd8c9a',
  'information-advice': '11c84041-079c-4cc5-bf64-233ba17d69eb',
  safeguarding: '718ab26d-67e7-4d8a-882c-5805550b6d24',
  'multi-agency': 'e8febe16-67c6-4b81-9457-3ed643d3e46e',
} as const;
export const NEED_TERM_IDS = NEEDS;
type Need = keyof typeof NEEDS;

const AIRE_COUNCIL = 'Aire City Council Children and Families (demo)';
const LEA_COUNCIL = 'Lea Borough Council Children and Learning (demo)';
const SOAR_COUNCIL = 'Soar County Council Early Help and Family Support (demo)';
const RUTMOOR_COUNCIL = 'Rutmoor County Council Stronger Communities (demo)';
const HILLSIDE = 'Hillside Family Trust (demo)';

// The councils carry the demo partnership's exact names and kinds, so after the partnership is loaded the
// directory attaches to its organisations rather than adding look-alikes.
const ORGANISATIONS: { name: string; agency: AgencyType; tier: Tier; description: string }[] = [
  {
    name: AIRE_COUNCIL,
    agency: 'local_authority',
    tier: 'targeted',
    description: 'Children and families services, the front door and cluster-based targeted services in Aire.',
  },
  {
    name: LEA_COUNCIL,
    agency: 'local_authority',
    tier: 'targeted',
    description: 'Children and learning services, including the area family support panels.',
  },
  {
    name: SOAR_COUNCIL,
    agency: 'local_authority',
    tier: 'targeted',
    description: 'First Response and the early help and family support service for Soar.',
  },
  {
    name: RUTMOOR_COUNCIL,
    agency: 'local_authority',
    tier: 'targeted',
    description: 'The early intervention offer for children, young people and families in Rutmoor.',
  },
  {
    name: HILLSIDE,
    agency: 'voluntary',
    tier: 'targeted',
    description: 'A fictional voluntary family support charity used in the demonstration.',
  },
];

const AIRE = "Aire City Children's Partnership";
const LEA = "Lea Borough Children's Partnership";
const SOAR = "Soar and Rutmoor Children's Partnership";

// Names, kinds and parents follow the demo partnership's areas; each area's districts are its outward codes
// there (the partnerships themselves have none, except Aire's city centre, which no cluster covers).
export const DIRECTORY_AREAS: { name: string; kind: AreaKind; parent?: string; districts: string[] }[] = [
  { name: AIRE, kind: 'partnership', districts: ['LS1', 'LS2', 'LS3'] },
  { name: 'Airedale', kind: 'cluster', parent: AIRE, districts: ['LS12', 'LS13'] },
  { name: 'Holbeck Mills', kind: 'cluster', parent: AIRE, districts: ['LS10', 'LS11'] },
  { name: 'Gipton Moor', kind: 'cluster', parent: AIRE, districts: ['LS8', 'LS9'] },
  { name: 'Seacroft Vale', kind: 'cluster', parent: AIRE, districts: ['LS14', 'LS15'] },
  { name: 'Meanwood Beck', kind: 'cluster', parent: AIRE, districts: ['LS6', 'LS7'] },
  { name: LEA, kind: 'partnership', districts: [] },
  { name: 'Lea North', kind: 'area', parent: LEA, districts: ['LU3', 'LU4'] },
  { name: 'Lea South', kind: 'area', parent: LEA, districts: ['LU1', 'LU2'] },
  { name: 'Lea Central', kind: 'area', parent: LEA, districts: ['LU1', 'LU2'] },
  { name: SOAR, kind: 'partnership', districts: [] },
  { name: 'Soar City East', kind: 'locality', parent: SOAR, districts: ['LE4', 'LE5'] },
  { name: 'Charnwood Fields', kind: 'locality', parent: SOAR, districts: ['LE11', 'LE12'] },
  { name: 'Rutmoor', kind: 'locality', parent: SOAR, districts: ['LE15'] },
];

/** District centres the built-in postcode table lacks, added so proximity search covers every demo area. */
const EXTRA_DISTRICTS: { district: string; latitude: number; longitude: number }[] = [
  { district: 'LE11', latitude: 52.772, longitude: -1.206 },
  { district: 'LE12', latitude: 52.78, longitude: -1.22 },
];

type Hours = 'office' | 'always' | 'evenings';
interface DemoService {
  org: string;
  name: string;
  description: string;
  tier: Tier;
  access: AccessRoute;
  panel?: string;
  howToRefer: string;
  startConversation: string;
  startPhone?: string;
  min: number | null;
  max: number | null;
  areas: string[];
  needs: Need[];
  phones: [string, string][];
  languages?: [string, string][];
  hours?: Hours;
  location?: {
    name: string;
    address: string;
    city: string;
    county: string;
    postcode: string;
    lat: number;
    lon: number;
  };
  fees?: string;
  email?: string;
  /** Days from today to the review date; negative for an entry overdue for review. */
  review: number;
}

const CHILDREN_AIRE_PANEL = 'Children Aire panel';
const LEA_PANEL = 'Area family support panel (Lea)';

const SERVICES: DemoService[] = [
  {
    org: AIRE_COUNCIL,
    name: 'Family Information Service',
    description:
      'Information for parents, carers and practitioners about childcare, family support and activities for children and young people aged 0 to 19 (up to 25 for disabled young people).',
    tier: 'universal',
    access: 'direct',
    howToRefer: 'Families and practitioners can phone the freephone line. No referral is needed.',
    startConversation: 'Can tell you how to contact practitioners in universal services.',
    startPhone: '0808 157 0640',
    min: 0,
    max: 25,
    areas: [AIRE],
    needs: ['information-advice', 'early-years', 'disability'],
    phones: [['0808 157 0640', 'Freephone']],
    languages: [
      ['English', 'en'],
      ['Urdu', 'ur'],
      ['Polish', 'pl'],
    ],
    location: {
      name: 'City centre information point',
      address: '1 Demo Square',
      city: 'Leeds',
      county: 'West Yorkshire',
      postcode: 'LS2 8AA',
      lat: 53.8,
      lon: -1.545,
    },
    fees: 'Free',
    review: 200,
  },
  {
    org: AIRE_COUNCIL,
    name: 'Integrated Processes Team',
    description:
      'Practical support, training and advice for practitioners doing early help work. Puts practitioners who work with the same family in touch with one another and advises who to contact in each cluster.',
    tier: 'targeted',
    access: 'direct',
    howToRefer: 'Phone the team. Have the family’s consent to share their details before you do.',
    startConversation: 'Will tell you who to contact in the clusters and in targeted services.',
    startPhone: '0113 496 0830',
    min: 0,
    max: 18,
    areas: [AIRE],
    needs: ['multi-agency', 'information-advice'],
    phones: [['0113 496 0830', 'Team line']],
    review: 120,
  },
  {
    org: AIRE_COUNCIL,
    name: 'Duty and Advice Team (front door)',
    description:
      'A multi-agency team of social workers, police officers and health professionals who talk through concerns about a child with practitioners and decide the best response: information and advice, signposting, targeted support through the Integrated Processes Team, or a referral for a social work assessment.',
    tier: 'specialist',
    access: 'direct',
    howToRefer:
      'If you think a child is at risk of significant harm, phone now. Do not wait for a panel or an assessment.',
    startConversation: 'Will talk through your concerns and advise the most appropriate course of action.',
    startPhone: '0113 496 0336',
    min: 0,
    max: 17,
    areas: [AIRE],
    needs: ['safeguarding', 'multi-agency'],
    phones: [
      ['0113 496 0336', 'Daytime'],
      ['0113 496 0536', 'Out of hours'],
    ],
    hours: 'always',
    review: 90,
  },
  {
    org: AIRE_COUNCIL,
    name: 'Signpost intensive family support',
    description:
      'Intensive support for families, at home or in a dispersed tenancy, for up to two years: family support, help with education and access to leisure and recreation.',
    tier: 'specialist',
    access: 'panel',
    panel: CHILDREN_AIRE_PANEL,
    howToRefer:
      'Cases are presented at a Children Aire panel by the lead practitioner. Phone the CAF team first to discuss a request.',
    startConversation: 'The CAF team discusses how to make a request to the panel.',
    startPhone: '0113 496 0830',
    min: 0,
    max: 17,
    areas: [AIRE],
    needs: ['family-support', 'behaviour-offending', 'parenting'],
    phones: [['0113 496 0830', 'CAF team (panel requests)']],
    review: 60,
  },
  {
    org: AIRE_COUNCIL,
    name: 'Multisystemic Therapy (MST)',
    description:
      'An intensive, home-based family and community intervention for young people with serious anti-social behaviour. Therapists are available to the family 24 hours a day, 7 days a week, and work to goals agreed with the family.',
    tier: 'specialist',
    access: 'panel',
    panel: CHILDREN_AIRE_PANEL,
    howToRefer:
      'Cases are presented at a Children Aire panel by the lead practitioner. Phone the CAF team first to discuss a request.',
    startConversation: 'The CAF team discusses how to make a request to the panel.',
    startPhone: '0113 496 0830',
    min: 11,
    max: 17,
    areas: [AIRE],
    needs: ['behaviour-offending', 'family-support', 'parenting', 'mental-health'],
    phones: [
      ['0113 496 0830', 'CAF team (panel requests)'],
      ['0113 496 0123', 'MST team office'],
    ],
    hours: 'always',
    location: {
      name: 'MST team base',
      address: '2 Demo Road',
      city: 'Leeds',
      county: 'West Yorkshire',
      postcode: 'LS9 7AA',
      lat: 53.797,
      lon: -1.51,
    },
    review: 150,
  },
  {
    org: AIRE_COUNCIL,
    name: 'Early Start team (Holbeck Mills)',
    description:
      'Children’s centre and health visiting staff working together for children aged 0 to 5 and their families: baby groups, parenting support and stay-and-play sessions.',
    tier: 'universal',
    access: 'direct',
    howToRefer: 'Families can drop in. Practitioners can phone the centre to talk about a family.',
    startConversation: 'Ask for the duty family outreach worker.',
    min: 0,
    max: 5,
    areas: ['Holbeck Mills'],
    needs: ['early-years', 'parenting', 'family-support'],
    phones: [['0113 496 0456', 'Children’s centre']],
    languages: [
      ['English', 'en'],
      ['Punjabi', 'pa'],
      ['Bengali', 'bn'],
    ],
    location: {
      name: 'Holbeck Mills children’s centre',
      address: '3 Demo Lane',
      city: 'Leeds',
      county: 'West Yorkshire',
      postcode: 'LS11 3AA',
      lat: 53.777,
      lon: -1.56,
    },
    fees: 'Free',
    review: -20,
  },
  {
    org: AIRE_COUNCIL,
    name: 'Cluster family support (Gipton Moor)',
    description:
      'Family support workers based in the cluster who work alongside schools and children’s centres with families who have more than one need.',
    tier: 'targeted',
    access: 'direct',
    howToRefer:
      'Talk to the cluster’s targeted services leader, who prioritises families through Guidance and Support meetings.',
    startConversation: 'The targeted services leader for the cluster.',
    startPhone: '0113 496 0789',
    min: 0,
    max: 18,
    areas: ['Gipton Moor'],
    needs: ['family-support', 'parenting', 'education'],
    phones: [['0113 496 0789', 'Cluster office']],
    languages: [
      ['English', 'en'],
      ['Urdu', 'ur'],
    ],
    review: 30,
  },
  {
    org: AIRE_COUNCIL,
    name: 'Youth Offending Service',
    description:
      'Works with young people aged 10 to 17 who have offended or are at risk of offending, and their families.',
    tier: 'targeted',
    access: 'direct',
    howToRefer: 'Phone the service to discuss a young person.',
    startConversation: 'The duty officer.',
    min: 10,
    max: 17,
    areas: [AIRE],
    needs: ['behaviour-offending', 'youth'],
    phones: [['0113 496 0234', 'Duty officer']],
    review: 100,
  },
  {
    org: AIRE_COUNCIL,
    name: 'Targeted mental health in schools',
    description: 'Emotional wellbeing support for pupils, delivered with schools in each cluster.',
    tier: 'targeted',
    access: 'direct',
    howToRefer: 'Ask the school’s cluster lead for mental health, or phone the service.',
    startConversation: 'The cluster lead for mental health.',
    min: 5,
    max: 18,
    areas: ['Holbeck Mills', 'Gipton Moor', 'Meanwood Beck'],
    needs: ['mental-health', 'education'],
    phones: [['0113 496 0345', 'Service line']],
    review: -5,
  },
  {
    org: AIRE_COUNCIL,
    name: 'Children’s social work service',
    description:
      'Assessment and support for children in need, child protection, looked after children and care leavers. Requests come through the Duty and Advice Team.',
    tier: 'specialist',
    access: 'front_door',
    howToRefer: 'Contact the Duty and Advice Team. A referral for social work assessment is made there.',
    startConversation: 'The Duty and Advice Team.',
    startPhone: '0113 496 0336',
    min: 0,
    max: 25,
    areas: [AIRE],
    needs: ['safeguarding', 'family-support'],
    phones: [['0113 496 0336', 'Duty and Advice Team']],
    review: 180,
  },
  {
    org: HILLSIDE,
    name: 'Parenting Together groups',
    description:
      'Evening groups for parents and carers of children aged 2 to 12 who want help with routines and behaviour.',
    tier: 'universal',
    access: 'direct',
    howToRefer: 'Parents can book a place themselves, or a practitioner can book one with the family’s agreement.',
    startConversation: 'The group co-ordinator.',
    min: 2,
    max: 12,
    areas: ['Seacroft Vale'],
    needs: ['parenting'],
    phones: [['0113 496 0567', 'Bookings']],
    languages: [
      ['English', 'en'],
      ['Polish', 'pl'],
    ],
    hours: 'evenings',
    fees: 'Free. Crèche available.',
    review: 240,
  },
  {
    org: LEA_COUNCIL,
    name: 'Area family support panel',
    description:
      'A multi-agency panel in each of the three Lea areas that co-ordinates family support when a simple referral is not available or has not worked, needs cannot be met by one agency, or needs are unclear. It meets every two weeks; each case has a 15-minute slot.',
    tier: 'targeted',
    access: 'direct',
    howToRefer:
      'Send the early help assessment, signed off by your manager, to the panel administrator at least 5 days before the panel. Do not use the panel where you suspect a risk of significant harm: contact children’s social care instead.',
    startConversation: 'Your area family support co-ordinator.',
    startPhone: '01632 960100',
    min: 0,
    max: 18,
    areas: ['Lea North', 'Lea South', 'Lea Central'],
    needs: ['multi-agency', 'family-support'],
    phones: [['01632 960100', 'Panel administrator']],
    location: {
      name: 'Area panel meeting room',
      address: '4 Demo Street',
      city: 'Luton',
      county: 'Bedfordshire',
      postcode: 'LU1 2AA',
      lat: 51.878,
      lon: -0.42,
    },
    review: 75,
  },
  {
    org: LEA_COUNCIL,
    name: 'School-based family workers',
    description:
      'Family workers based in and around schools who support families where the concern is mainly about the family rather than education.',
    tier: 'targeted',
    access: 'panel',
    panel: LEA_PANEL,
    howToRefer: 'Through the area family support panel, or ask the head teacher or SENCO at the child’s school.',
    startConversation: 'Your area family support co-ordinator.',
    startPhone: '01632 960101',
    min: 4,
    max: 16,
    areas: ['Lea North', 'Lea South', 'Lea Central'],
    needs: ['family-support', 'education'],
    phones: [['01632 960101', 'Family support co-ordinators']],
    review: 45,
  },
  {
    org: LEA_COUNCIL,
    name: 'Children’s social services intake and assessment',
    description:
      'Takes referrals where a child may be at risk of significant harm, a family is at significant or immediate risk of breaking down, or a specific statutory assessment is needed.',
    tier: 'specialist',
    access: 'direct',
    howToRefer: 'Phone the intake and assessment team. Never route these concerns through a panel.',
    startConversation: 'The duty social worker.',
    startPhone: '01632 960102',
    min: 0,
    max: 17,
    areas: [LEA],
    needs: ['safeguarding'],
    phones: [['01632 960102', 'Intake and assessment']],
    review: 160,
  },
  {
    org: SOAR_COUNCIL,
    name: 'First Response',
    description:
      'The central front door for children’s social care and early help in Soar. Takes requests for service and safeguarding referrals.',
    tier: 'specialist',
    access: 'direct',
    howToRefer:
      'If a child is at risk of immediate harm, phone now. Otherwise complete a request for service with the family’s permission.',
    startConversation: 'The First Response duty team.',
    startPhone: '0116 496 0005',
    min: 0,
    max: 18,
    areas: ['Charnwood Fields'],
    needs: ['safeguarding', 'multi-agency'],
    phones: [['0116 496 0005', 'First Response']],
    hours: 'always',
    location: {
      name: 'County Hall',
      address: '6 Demo Way',
      city: 'Loughborough',
      county: 'Leicestershire',
      postcode: 'LE11 3AA',
      lat: 52.771,
      lon: -1.205,
    },
    review: 130,
  },
  {
    org: SOAR_COUNCIL,
    name: 'Early Help and Family Support Service',
    description:
      'Targeted early intervention for children, young people and families with a range of additional needs, below child protection thresholds. Locality service co-ordinators link referrers and providers.',
    tier: 'targeted',
    access: 'front_door',
    howToRefer: 'Complete a request for service, which goes to First Response. You must have the family’s permission.',
    startConversation: 'Your locality services co-ordinator.',
    startPhone: '0116 496 0111',
    min: 0,
    max: 25,
    areas: ['Charnwood Fields'],
    needs: ['family-support', 'parenting', 'youth'],
    phones: [['0116 496 0111', 'Locality services co-ordinators']],
    review: 110,
  },
  {
    org: SOAR_COUNCIL,
    name: 'Professional advice line',
    description: 'Daily access to a social worker for practitioners who need advice about a child’s needs.',
    tier: 'targeted',
    access: 'direct',
    howToRefer: 'Phone for advice. This is not a referral.',
    startConversation: 'The duty social worker on the advice line.',
    startPhone: '07700 900058',
    min: 0,
    max: 18,
    areas: ['Charnwood Fields'],
    needs: ['safeguarding', 'information-advice'],
    phones: [['07700 900058', 'Advice line']],
    review: 95,
  },
  {
    org: RUTMOOR_COUNCIL,
    name: 'Rutmoor Children’s Centre',
    description: 'Universal and early help support for families with young children in Rutmoor.',
    tier: 'universal',
    access: 'direct',
    howToRefer: 'Families can drop in or phone.',
    startConversation: 'The children’s centre team.',
    min: 0,
    max: 5,
    areas: ['Rutmoor'],
    needs: ['early-years', 'parenting'],
    phones: [['01632 960590', 'Children’s centre']],
    location: {
      name: 'Rutmoor Children’s Centre',
      address: '5 Demo Walk',
      city: 'Oakham',
      county: 'Rutland',
      postcode: 'LE15 6AA',
      lat: 52.671,
      lon: -0.728,
    },
    fees: 'Free',
    review: 80,
  },
  {
    org: RUTMOOR_COUNCIL,
    name: 'Aiming High short breaks',
    description: 'Short breaks and activities for disabled children and young people and their families.',
    tier: 'targeted',
    access: 'direct',
    howToRefer: 'Phone the team to talk about a family.',
    startConversation: 'The Aiming High team.',
    min: 0,
    max: 25,
    areas: ['Rutmoor'],
    needs: ['disability', 'youth'],
    phones: [['01632 960421', 'Aiming High and Family Information Service']],
    review: 85,
  },
  {
    org: RUTMOOR_COUNCIL,
    name: 'Targeted Youth Support',
    description:
      'Youth workers supporting young people with additional needs, including information, advice and guidance.',
    tier: 'targeted',
    access: 'direct',
    howToRefer: 'Phone the team.',
    startConversation: 'The duty youth worker.',
    min: 11,
    max: 19,
    areas: ['Rutmoor'],
    needs: ['youth', 'behaviour-offending', 'mental-health'],
    phones: [['01632 960655', 'Stronger Communities team 2']],
    review: 70,
  },
  {
    org: RUTMOOR_COUNCIL,
    name: 'Rutmoor early help assessment support',
    description:
      'Help with early help assessments. A single agency can meet up to two unmet needs; a third unmet need means an early help assessment is started.',
    tier: 'targeted',
    access: 'direct',
    howToRefer: 'Phone for advice on starting an assessment.',
    startConversation: 'The early intervention officer for assessments.',
    startPhone: '01632 960246',
    min: 0,
    max: 25,
    areas: ['Rutmoor'],
    needs: ['multi-agency'],
    phones: [['01632 960246', 'Early intervention officer']],
    review: 65,
  },
];

const MST_RULES: Rules = {
  minimumAge: 11,
  maximumAge: 17,
  ageWording: 'MST works with young people aged 11 to 17',
  criteriaMode: 'any',
  criteria: [
    {
      id: 'risk-of-care',
      question: 'Is the young person at risk of coming into care?',
      wording: 'At risk of coming into care',
    },
    {
      id: 'youth-offending',
      question: 'Is the young person involved with the Youth Offending Service?',
      wording: 'Involved with the Youth Offending Service',
      fact: { kind: 'involvement', agencyType: 'youth_offending' },
    },
    {
      id: 'high-asb',
      question: 'Is the young person showing a high level of anti-social behaviour?',
      wording: 'Showing a high level of anti-social behaviour',
    },
  ],
  exclusions: [
    {
      id: 'sexual-offending-primary',
      question: 'Is sexual offending the primary issue, with no other anti-social behaviour?',
      wording:
        'MST is not for young people whose primary issue is sexual offending without other anti-social behaviour',
    },
    {
      id: 'autism',
      question: 'Does the young person have autism?',
      wording: 'MST is not for young people with autism',
    },
    {
      id: 'living-independently',
      question: 'Is the young person living independently?',
      wording: 'MST is not for young people living independently',
    },
    {
      id: 'active-crisis',
      question: 'Is the young person in crisis because of active suicidal or psychotic behaviour?',
      wording:
        'MST is not for a young person in crisis because of active suicidal or psychotic behaviour; once they are stable, a request may be appropriate',
    },
  ],
  guidance:
    'Typical behaviours include serious disrespect and disobedience, truancy and academic problems, aggression (violence, fighting, damage to property), criminal behaviour, drug and alcohol problems, running away and other high-risk behaviour such as self-harm.',
};

const SIGNPOST_RULES: Rules = {
  minimumAge: 0,
  maximumAge: 17,
  ageWording: 'Signpost works with families with children and young people aged 0 to 17',
  criteriaMode: 'all',
  criteria: [
    {
      id: 'persistent-asb',
      question: 'Does the child or young person show persistent anti-social behaviour or prolific offending?',
      wording: 'Persistent anti-social behaviour or prolific offending',
    },
    {
      id: 'complex-needs',
      question: 'Does the family have multiple complex needs that may lead to family breakdown?',
      wording: 'Multiple complex needs that may lead to family breakdown',
    },
    {
      id: 'possible-care',
      question: 'Is there a possibility of the children being taken into care?',
      wording: 'A possibility of the children being taken into care',
    },
  ],
  exclusions: [
    {
      id: 'parent-capacity',
      question: 'Do the parents have limited capacity to change, for example because of learning disabilities?',
      wording: 'Signpost is not for families where parents have limited capacity to change',
    },
    {
      id: 'living-independently',
      question: 'Is the young person living independently?',
      wording: 'Signpost is not for young people living independently',
    },
    {
      id: 'yp-ld-mh',
      question: 'Does the young person have learning disabilities or severe mental health issues?',
      wording: 'Signpost is not for young people with learning disabilities or severe mental health issues',
    },
  ],
  guidance: 'Support can last up to two years, at home or in a dispersed tenancy.',
};

const RULES_BY_SERVICE: Record<string, Rules> = {
  'Multisystemic Therapy (MST)': MST_RULES,
  'Signpost intensive family support': SIGNPOST_RULES,
};

function addDays(today: Date, days: number): string {
  return new Date(today.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

const WEEKDAYS = 'MO,TU,WE,TH,FR';
const EVERY_DAY = 'MO,TU,WE,TH,FR,SA,SU';

export interface DirectoryDemo {
  serviceIds: Record<string, string>;
  areaIds: Record<string, string>;
  organisationIds: Record<string, string>;
}

export async function seedDirectoryDemo(trx: Kysely<DB>, options: { today: Date }): Promise<DirectoryDemo> {
  const { today } = options;
  const organisationIds: Record<string, string> = {};
  const directoryOrgIds: Record<string, string> = {};
  for (const o of ORGANISATIONS) {
    const found = await trx
      .selectFrom('organisation')
      .select('id')
      .where('name', '=', o.name)
      .where('agency_type', '=', o.agency)
      .executeTakeFirst();
    const id =
      found?.id ??
      (
        await trx
          .insertInto('organisation')
          .values({ name: o.name, agency_type: o.agency, tier: o.tier, phone: null, email: null, is_demo: true })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    organisationIds[o.name] = id;
    const dirOrg = await trx
      .selectFrom('directory_organisation')
      .select('id')
      .where('organisation_id', '=', id)
      .executeTakeFirst();
    directoryOrgIds[o.name] =
      dirOrg?.id ??
      (
        await trx
          .insertInto('directory_organisation')
          .values({
            organisation_id: id,
            name: o.name,
            description: o.description,
            email: null,
            website: null,
            source_feed: null,
            is_demo: true,
            updated_at: today,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
  }

  for (const d of EXTRA_DISTRICTS) {
    await trx
      .insertInto('postcode_district')
      .values(d)
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  const areaIds: Record<string, string> = {};
  for (const a of DIRECTORY_AREAS) {
    const found = await trx
      .selectFrom('area')
      .select('id')
      .where('name', '=', a.name)
      .where('kind', '=', a.kind)
      .executeTakeFirst();
    const id =
      found?.id ??
      (
        await trx
          .insertInto('area')
          .values({
            name: a.name,
            kind: a.kind,
            parent_id: a.parent ? (areaIds[a.parent] ?? null) : null,
            is_demo: true,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    areaIds[a.name] = id;
    for (const district of a.districts) {
      await trx
        .insertInto('area_postcode_district')
        .values({ area_id: id, district })
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  }

  const serviceIds: Record<string, string> = {};
  for (const s of SERVICES) {
    const orgId = directoryOrgIds[s.org]!;
    const existing = await trx
      .selectFrom('directory_service')
      .select('id')
      .where('name', '=', s.name)
      .where('directory_organisation_id', '=', orgId)
      .executeTakeFirst();
    if (existing) {
      serviceIds[s.name] = existing.id;
      continue;
    }
    const service = await trx
      .insertInto('directory_service')
      .values({
        directory_organisation_id: orgId,
        name: s.name,
        description: s.description,
        url: null,
        email: s.email ?? null,
        fees: s.fees ?? null,
        minimum_age: s.min,
        maximum_age: s.max,
        tier: s.tier,
        access_route: s.access,
        access_panel: s.panel ?? null,
        how_to_refer: s.howToRefer,
        start_conversation: s.startConversation,
        start_conversation_phone: s.startPhone ?? null,
        alert: null,
        assured_date: addDays(today, s.review - 365),
        review_date: addDays(today, s.review),
        source_feed: null,
        is_demo: true,
        updated_at: today,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    serviceIds[s.name] = service.id;
    const sid = service.id;
    for (const need of s.needs) {
      await trx
        .insertInto('directory_service_taxonomy')
        .values({ service_id: sid, taxonomy_term_id: NEEDS[need] })
        .execute();
    }
    for (const areaName of s.areas) {
      await trx
        .insertInto('directory_service_area')
        .values({
          service_id: sid,
          area_id: areaIds[areaName] ?? null,
          name: areaName,
          extent: null,
          extent_type: null,
        })
        .execute();
    }
    for (const [number, description] of s.phones) {
      await trx
        .insertInto('directory_phone')
        .values({ service_id: sid, contact_id: null, number, description })
        .execute();
    }
    for (const [name, code] of s.languages ?? [['English', 'en']]) {
      await trx.insertInto('directory_language').values({ service_id: sid, name, code }).execute();
    }
    const hours = s.hours ?? 'office';
    const schedule =
      hours === 'always'
        ? { byday: EVERY_DAY, opens_at: '00:00', closes_at: '23:59', description: 'Open 24 hours a day, every day' }
        : hours === 'evenings'
          ? { byday: 'TU,TH', opens_at: '18:00', closes_at: '20:00', description: 'Tuesday and Thursday evenings' }
          : { byday: WEEKDAYS, opens_at: '09:00', closes_at: '17:00', description: 'Monday to Friday, 9am to 5pm' };
    await trx
      .insertInto('directory_schedule')
      .values({ service_id: sid, service_at_location_id: null, ...schedule })
      .execute();
    const contact = await trx
      .insertInto('directory_contact')
      .values({
        service_id: sid,
        name: s.startConversation.replace(/\.$/, ''),
        title: 'Start the conversation',
        email: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (s.startPhone) {
      await trx
        .insertInto('directory_phone')
        .values({
          service_id: null,
          contact_id: contact.id,
          number: s.startPhone,
          description: 'Start the conversation',
        })
        .execute();
    }
    if (s.location) {
      const l = s.location;
      const location = await trx
        .insertInto('directory_location')
        .values({
          name: l.name,
          description: null,
          latitude: l.lat,
          longitude: l.lon,
          address_1: l.address,
          city: l.city,
          state_province: l.county,
          postal_code: l.postcode,
          accessibility: 'Step-free access',
          is_demo: true,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('directory_service_at_location')
        .values({ service_id: sid, location_id: location.id })
        .execute();
    }
    const rules = RULES_BY_SERVICE[s.name];
    if (rules) {
      await trx
        .insertInto('eligibility_rule_set')
        .values({
          service_id: sid,
          version: 1,
          rules: JSON.stringify(rules),
          change_note: 'Criteria and exclusions published with the panel guidance',
          created_by: null,
          created_by_name: 'Demo data',
          created_at: today,
        })
        .execute();
    }
    await trx
      .insertInto('directory_change')
      .values({
        service_id: sid,
        action: 'created',
        summary: 'Entry created from demo data',
        details: '{}',
        changed_by: null,
        changed_by_name: 'Demo data',
        changed_at: today,
      })
      .execute();
  }
  return { serviceIds, areaIds, organisationIds };
}
