/**
 * Code lists for the front door. Referral sources are the Children in Need census codes (DfE), copied here as
 * data in the census's order so a contact can be counted in the statutory return.
 */
import type { AgencyType, ContactOutcome } from '../../db/schema.ts';

export const REFERRAL_SOURCES: Record<string, string> = {
  '1A': 'Individual: family member, relative or carer',
  '1B': 'Individual: acquaintance (including neighbours and childminders)',
  '1C': 'Individual: self',
  '1D': 'Individual: other (including strangers)',
  '2A': 'Schools',
  '2B': 'Education services',
  '3A': 'Health services: GP',
  '3B': 'Health services: health visitor',
  '3C': 'Health services: school nurse',
  '3D': 'Health services: other primary health services',
  '3E': 'Health services: A&E',
  '3F': 'Health services: other (for example a hospice)',
  '4': 'Housing: local authority housing or housing association',
  '5A': 'Local authority services: social care (for example adult social care)',
  '5B': 'Local authority services: other internal (for example youth offending)',
  '5C': 'Local authority services: external (for example another local authority)',
  '5D': 'Local authority services: early help',
  '6': 'Police',
  '7': 'Other legal agency (courts, probation, immigration, Cafcass, prison)',
  '8': 'Other (children’s centres, independent providers, voluntary organisations)',
  '9': 'Anonymous',
  '10': 'Unknown',
};

/** In the census's order (object keys that look like numbers would otherwise come first). */
export const REFERRAL_SOURCE_CODES = [
  '1A',
  '1B',
  '1C',
  '1D',
  '2A',
  '2B',
  '3A',
  '3B',
  '3C',
  '3D',
  '3E',
  '3F',
  '4',
  '5A',
  '5B',
  '5C',
  '5D',
  '6',
  '7',
  '8',
  '9',
  '10',
] as const;

/** The likely referral source for a practitioner's organisation; they can change it. */
export const DEFAULT_SOURCE: Record<AgencyType, string> = {
  school: '2A',
  early_years: '8',
  health: '3D',
  police: '6',
  social_care: '5A',
  youth_service: '5B',
  youth_offending: '5B',
  housing: '4',
  careers: '2B',
  voluntary: '8',
  local_authority: '5D',
  substance_misuse: '8',
  domestic_abuse: '8',
  other: '10',
};

export const OUTCOME_LABELS: Record<ContactOutcome, string> = {
  advice: 'Advice or information to the practitioner',
  signpost: 'Signpost to a service in the directory',
  targeted_support: 'Ask the targeted services leader to arrange support and find a lead practitioner',
  social_work_assessment: 'Referral for a social work assessment (child in need, section 17)',
  child_protection: 'Child protection referral (section 47)',
  no_further_action: 'No further action',
};

/** The outcomes that need a manager's agreement on an urgent contact. */
export const NEEDS_MANAGER_WHEN_URGENT: readonly ContactOutcome[] = ['advice', 'no_further_action'];
