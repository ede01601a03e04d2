/** Code lists for identifying details: Children in Need census codes where the census has them. */

export const SEX_LABELS = { M: 'Male', F: 'Female', U: 'Not known' } as const;
export type Sex = keyof typeof SEX_LABELS;

/** CIN census ethnicity codes (DfE), in the census's order. */
export const ETHNICITY_LABELS: Record<string, string> = {
  WBRI: 'White British',
  WIRI: 'White Irish',
  WIRT: 'Traveller of Irish heritage',
  WOTH: 'Any other White background',
  WROM: 'Gypsy or Roma',
  MWBC: 'White and Black Caribbean',
  MWBA: 'White and Black African',
  MWAS: 'White and Asian',
  MOTH: 'Any other mixed background',
  AIND: 'Indian',
  APKN: 'Pakistani',
  ABAN: 'Bangladeshi',
  AOTH: 'Any other Asian background',
  BCRB: 'Caribbean',
  BAFR: 'African',
  BOTH: 'Any other Black background',
  CHNE: 'Chinese',
  OOTH: 'Any other ethnic group',
  REFU: 'Refused',
  NOBT: 'Information not yet obtained',
};

/** CIN census disability codes. NONE excludes the others. */
export const DISABILITY_LABELS: Record<string, string> = {
  NONE: 'No disability',
  MOB: 'Mobility',
  HAND: 'Hand function',
  PC: 'Personal care',
  INC: 'Incontinence',
  COMM: 'Communication',
  LD: 'Learning',
  HEAR: 'Hearing',
  VIS: 'Vision',
  BEH: 'Behaviour',
  CON: 'Consciousness',
  AUT: 'Autism',
  DDA: 'Other',
};

export const NAME_KIND_LABELS = {
  previous: 'Previous name',
  alias: 'Also known as',
  birth: 'Name at birth',
} as const;

/** Roles practitioners hold with a child, for the involvement form's suggestions; any other role may be typed. */
export const INVOLVEMENT_ROLES = [
  'GP',
  'Health visitor',
  'Community midwife',
  'School nurse',
  'Class teacher',
  'Head of year',
  'Designated safeguarding lead',
  'SENCO',
  'Learning mentor',
  'School family worker',
  'Attendance officer',
  "Children's centre key worker",
  'Family support worker',
  'Early help practitioner',
  'Youth worker',
  'Youth offending officer',
  'CAMHS clinician',
  'Social worker',
  'Police early intervention officer',
  'Housing officer',
  'Careers adviser',
  'Independent domestic violence adviser',
  'Drug and alcohol worker',
];

export const RELATIONSHIP_LABELS: Record<string, string> = {
  parent: 'Parent',
  step_parent: 'Step-parent',
  carer: 'Carer',
  sibling: 'Brother or sister',
  half_sibling: 'Half-brother or half-sister',
  grandparent: 'Grandparent',
  other: 'Other relative or connection',
};

/** Identifier schemes offered on the form; an agency may name its own. */
export const IDENTIFIER_SCHEMES = [
  'Police reference',
  'Health visiting record number',
  'School management system id',
  'Social care case number',
  'Youth justice case number',
  'Housing reference',
];
