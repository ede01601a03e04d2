import { z } from 'zod';
import { PERSON_NAME_KINDS } from '../../db/schema.ts';

import { UUID } from '../../platform/ids.ts';

export { UUID };

const reason = (missing: string) =>
  z
    .string({ error: missing })
    .trim()
    .min(10, `${missing}, in at least 10 characters`)
    .max(1000, 'Reason must be 1000 characters or fewer');

export const BreakGlassForm = z.object({ reason: reason('Enter why you need to open this record') });

/** Says what it wants, so that sending it twice cannot undo it. */
export const ShieldingForm = z.object({
  action: z.enum(['shield', 'lift'], { error: 'Choose whether to shield the child or ask for shielding to be lifted' }),
  reason: reason('Enter why'),
});

export const LiftDecisionForm = z.object({
  decision: z.enum(['approve', 'decline'], { error: 'Select whether to approve or decline the request' }),
  reason: reason('Enter the reason for your decision'),
});

export const NotDuplicateForm = z.object({ reason: reason('Enter why these records are not the same person') });

export const MergeForm = z.object({
  kept: z.string({ error: 'Select the record to keep' }).regex(UUID, 'Select the record to keep'),
  reason: reason('Enter why these records are the same person'),
});

export const UnmergeForm = z.object({ reason: reason('Enter why the merge was wrong') });

const NAME_CHARACTERS = /^[^<>{}[\]\\|^~`$%=+_@#*;:!?"\d]*$/;
const requiredName = (label: string) =>
  z
    .string({ error: `Enter a ${label.toLowerCase()}` })
    .trim()
    .min(1, `Enter a ${label.toLowerCase()}`)
    .max(100, `${label} must be 100 characters or fewer`)
    .regex(NAME_CHARACTERS, `${label} must only include letters, spaces, hyphens, apostrophes and full stops`);
const optionalName = (label: string) =>
  z
    .string()
    .trim()
    .max(100, `${label} must be 100 characters or fewer`)
    .regex(NAME_CHARACTERS, `${label} must only include letters, spaces, hyphens, apostrophes and full stops`)
    .optional()
    .transform((v) => v || null);

export const NameForm = z.object({
  kind: z.enum(PERSON_NAME_KINDS, { error: 'Select what kind of name this is' }),
  givenName: requiredName('First name'),
  middleNames: optionalName('Middle names'),
  familyName: requiredName('Last name'),
});

export const IdentifierForm = z.object({
  scheme: z
    .string({ error: 'Enter what the identifier is' })
    .trim()
    .min(1, 'Enter what the identifier is, for example Police reference')
    .max(60, 'What the identifier is must be 60 characters or fewer'),
  value: z
    .string({ error: 'Enter the identifier' })
    .trim()
    .min(1, 'Enter the identifier')
    .max(60, 'The identifier must be 60 characters or fewer')
    .regex(
      /^[A-Za-z0-9 /.-]+$/,
      'The identifier must only include letters, numbers, spaces, slashes, dots and hyphens',
    ),
});

export const InvolvementForm = z.object({
  role: z
    .string({ error: 'Enter your role with the child' })
    .trim()
    .min(1, 'Enter your role with the child')
    .max(100, 'Your role must be 100 characters or fewer'),
  contactPhone: z
    .string()
    .trim()
    .max(30, 'Phone number must be 30 characters or fewer')
    .regex(/^[0-9 +()-]*$/, 'Enter a phone number, like 01632 960 001')
    .optional()
    .transform((v) => v || null),
  teamId: z
    .string()
    .optional()
    .transform((v) => v || null)
    .pipe(z.string().regex(UUID, 'Select a team').nullable()),
  reason: z
    .string({ error: 'Enter why you are adding yourself to this child' })
    .trim()
    .min(1, 'Enter why you are adding yourself to this child')
    .max(1000, 'Your reason must be 1000 characters or fewer'),
});
