import type { NeedLevel } from '../schema.ts';

/**
 * Reasons a practitioner might give for a level of need, in the product's own words, grouped by
 * the age they fit. They describe circumstances only: no names, so any child can carry any reason.
 */
export interface NeedReason {
  text: string;
  minAge: number;
  maxAge: number;
}

const ANY = { minAge: -1, maxAge: 25 };

export const NEED_REASONS: Record<NeedLevel, readonly NeedReason[]> = {
  universal: [
    { text: 'No additional needs found at the routine review. Universal services only.', ...ANY },
    {
      text: 'Development on track at the two-year review; parents confident and well supported.',
      minAge: 1,
      maxAge: 3,
    },
    { text: 'Settled at school with good attendance. No concerns raised by staff or family.', minAge: 4, maxAge: 17 },
    { text: 'Antenatal booking complete; no additional needs identified so far.', minAge: -1, maxAge: -1 },
    { text: 'Previous support ended after goals were met and sustained for six months.', minAge: 2, maxAge: 17 },
  ],
  early_help: [
    {
      text: 'Attendance has dropped this term and the family has asked for help with morning routines.',
      minAge: 4,
      maxAge: 16,
    },
    {
      text: 'Speech and language milestones not yet reached; parent would like advice and a referral.',
      minAge: 1,
      maxAge: 5,
    },
    {
      text: 'Parent asking for help to manage behaviour at home; strengths in warmth and routine.',
      minAge: 3,
      maxAge: 12,
    },
    { text: 'Family affected by low income and rent arrears; child missing some appointments.', ...ANY },
    { text: 'Low mood and worries about friendships; school pastoral support in place.', minAge: 9, maxAge: 17 },
    {
      text: 'Overcrowded housing affecting sleep and homework; family on the housing register.',
      minAge: 3,
      maxAge: 17,
    },
    { text: 'Young parent, first baby; would value support with feeding and local groups.', minAge: -1, maxAge: 1 },
    { text: 'Occasional missed school and late arrival since a parent started night shifts.', minAge: 5, maxAge: 15 },
    { text: 'Bereavement in the family; child finding it hard to settle.', minAge: 4, maxAge: 17 },
    {
      text: 'Special educational needs support at school; parents want help to plan for the next year.',
      minAge: 4,
      maxAge: 25,
    },
  ],
  targeted: [
    {
      text: 'Three unmet needs across health, learning and family relationships: early help assessment agreed.',
      minAge: 3,
      maxAge: 17,
    },
    {
      text: 'Persistent absence and two fixed-term exclusions this year; family support and a team around the family.',
      minAge: 9,
      maxAge: 16,
    },
    { text: 'Parental mental health affecting routines; child taking on caring tasks at home.', minAge: 6, maxAge: 17 },
    { text: 'Coming to police notice for low-level anti-social behaviour with older peers.', minAge: 10, maxAge: 17 },
    { text: 'History of domestic abuse; the adult who harmed has left. Family working with outreach.', ...ANY },
    { text: 'At risk of homelessness after notice to quit; school moves likely.', ...ANY },
    {
      text: 'Self-harm disclosed to the school nurse; mental health assessment requested with consent.',
      minAge: 11,
      maxAge: 17,
    },
    {
      text: 'Complex disability; short breaks and co-ordinated health and education support needed.',
      minAge: 2,
      maxAge: 25,
    },
    {
      text: 'Concerns about the pregnancy: late booking and missed scans. Midwife and health visitor planning together.',
      minAge: -1,
      maxAge: -1,
    },
  ],
  specialist: [
    { text: 'Child protection plan after a strategy discussion; social worker allocated.', ...ANY },
    { text: 'Child in need assessment under way following a referral from the front door.', ...ANY },
    {
      text: 'Going missing overnight and concerns about exploitation; multi-agency plan in place.',
      minAge: 11,
      maxAge: 17,
    },
    {
      text: 'Parental substance misuse with a young baby at home; pre-birth assessment completed.',
      minAge: -1,
      maxAge: 2,
    },
    { text: 'Youth court order; youth offending service and family working to a joint plan.', minAge: 10, maxAge: 17 },
    {
      text: 'Specialist mental health treatment; school and CAMHS co-ordinating a return to education.',
      minAge: 8,
      maxAge: 17,
    },
  ],
};
