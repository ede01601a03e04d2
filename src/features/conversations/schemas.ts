/**
 * The conversation form. Participants, people from outside the service and actions are repeated rows named by
 * index (`participant-0`, `outside-1-name`, `action-2-due-day`), so the form works without JavaScript: "Add
 * another" posts the form and it comes back with one more row, keeping everything typed.
 */
import { z } from 'zod';
import { CONVERSATION_KINDS, type ConversationKind, FOLLOW_UP_ANSWERS } from '../../db/schema.ts';
import type { FieldError } from '../../platform/errors.ts';
import { asArray, dateFromParts, orderedForm } from '../../platform/forms.ts';
import { isUuid } from '../../platform/ids.ts';

/** The most rows of each kind a form may have. */
export const MAX_ROWS = 20;

export const ROW_KINDS = ['participant', 'outside', 'action', 'recipient'] as const;
export type RowKind = (typeof ROW_KINDS)[number];

export const KIND_LABELS: Record<ConversationKind, string> = {
  phone: 'Phone call',
  meeting: 'Meeting',
  video: 'Video call',
};

export interface ConversationInput {
  heldOn: string;
  kind: ConversationKind;
  participants: { userId: string; field: string }[];
  outside: { name: string; organisation: string | null; role: string | null }[];
  childIds: string[];
  concerns: string | null;
  strengths: string | null;
  agreed: string;
  actions: { description: string; ownerUserId: string; dueOn: string; field: string }[];
  recipients: { userId: string; field: string }[];
}

type Body = Record<string, unknown>;

const str = (body: Body, key: string) => {
  const v = body[key];
  return typeof v === 'string' ? v.trim() : '';
};

/** How many rows of a kind the posted form had: one past the highest index with a field, at least one. */
export function rowCount(body: Body, kind: RowKind): number {
  let n = 0;
  const pattern = new RegExp(`^${kind}-(\\d{1,2})(?:-|$)`);
  for (const key of Object.keys(body)) {
    const m = pattern.exec(key);
    if (m) n = Math.max(n, Number(m[1]) + 1);
  }
  return Math.min(MAX_ROWS, Math.max(1, n));
}

/** The rows to show again: as many as were posted, plus one when "Add another" of that kind was pressed. */
export function rowsToShow(body: Body): Record<RowKind, number> {
  const add = str(body, 'add');
  const rows = {} as Record<RowKind, number>;
  for (const kind of ROW_KINDS) {
    rows[kind] = Math.min(MAX_ROWS, rowCount(body, kind) + (add === kind ? 1 : 0));
  }
  return rows;
}

const tooLong = (errors: FieldError[], field: string, label: string, value: string, max: number) => {
  if (value.length > max) errors.push({ field, message: `${label} must be ${max} characters or fewer` });
};

/** Users picked in repeated select rows, each once, with the field that picked them (for errors about them). */
function pickedUsers(body: Body, kind: 'participant' | 'recipient', errors: FieldError[]) {
  const picked: { userId: string; field: string }[] = [];
  for (let i = 0; i < rowCount(body, kind); i++) {
    const field = `${kind}-${i}`;
    const v = str(body, field);
    if (!v) continue;
    if (!isUuid(v)) errors.push({ field, message: 'Select a person from the list' });
    else if (!picked.some((p) => p.userId === v)) picked.push({ userId: v, field });
  }
  return picked;
}

/** Reads the posted form; problems come back in GOV.UK wording, each on its own field. */
export function parseConversation(
  body: Body,
  today: string,
): { ok: true; data: ConversationInput } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const held = dateFromParts(str(body, 'held-day'), str(body, 'held-month'), str(body, 'held-year'), 'Date');
  if (held.error) errors.push({ field: 'held', message: held.error });
  else if (!held.iso) errors.push({ field: 'held', message: 'Enter the date of the conversation' });
  else if (held.iso > today) errors.push({ field: 'held', message: 'Date must be today or in the past' });

  const kind = str(body, 'kind');
  if (!(CONVERSATION_KINDS as readonly string[]).includes(kind)) {
    errors.push({ field: 'kind', message: 'Select whether it was a phone call, a meeting or a video call' });
  }

  const participants = pickedUsers(body, 'participant', errors);

  const outside: ConversationInput['outside'] = [];
  for (let i = 0; i < rowCount(body, 'outside'); i++) {
    const name = str(body, `outside-${i}-name`);
    const organisation = str(body, `outside-${i}-organisation`);
    const role = str(body, `outside-${i}-role`);
    if (!name && !organisation && !role) continue;
    if (!name) errors.push({ field: `outside-${i}-name`, message: 'Enter the name of the person who took part' });
    tooLong(errors, `outside-${i}-name`, 'Name', name, 200);
    tooLong(errors, `outside-${i}-organisation`, 'Organisation', organisation, 200);
    tooLong(errors, `outside-${i}-role`, 'Role', role, 200);
    if (name) outside.push({ name, organisation: organisation || null, role: role || null });
  }
  if (!participants.length && !outside.length && !errors.some((e) => /^(participant|outside)-/.test(e.field))) {
    errors.push({ field: 'participant-0', message: 'Select or enter at least one other person who took part' });
  }

  const childIds = [...new Set(asArray(body.children))];
  if (childIds.some((id) => !isUuid(id))) errors.push({ field: 'children', message: 'Select children from the list' });

  const concerns = str(body, 'concerns');
  const strengths = str(body, 'strengths');
  const agreed = str(body, 'agreed');
  tooLong(errors, 'concerns', 'Concerns', concerns, 10000);
  tooLong(errors, 'strengths', 'Strengths', strengths, 10000);
  if (!agreed) errors.push({ field: 'agreed', message: 'Enter what was agreed' });
  tooLong(errors, 'agreed', 'What was agreed', agreed, 10000);

  const actions: ConversationInput['actions'] = [];
  for (let i = 0; i < rowCount(body, 'action'); i++) {
    const p = `action-${i}`;
    const description = str(body, `${p}-description`);
    const owner = str(body, `${p}-owner`);
    const due = dateFromParts(
      str(body, `${p}-due-day`),
      str(body, `${p}-due-month`),
      str(body, `${p}-due-year`),
      'Due date',
    );
    if (!description && !owner && !due.iso && !due.error) continue;
    if (!description) errors.push({ field: `${p}-description`, message: 'Enter what is to be done' });
    tooLong(errors, `${p}-description`, 'Action', description, 2000);
    if (!isUuid(owner)) errors.push({ field: `${p}-owner`, message: 'Select who will do it' });
    if (due.error) errors.push({ field: `${p}-due`, message: due.error });
    else if (!due.iso) errors.push({ field: `${p}-due`, message: 'Enter the date it is due by' });
    else if (held.iso && due.iso < held.iso) {
      errors.push({ field: `${p}-due`, message: 'Due date must be on or after the date of the conversation' });
    }
    if (description && isUuid(owner) && due.iso) {
      actions.push({ description, ownerUserId: owner, dueOn: due.iso, field: `${p}-owner` });
    }
  }

  const recipients = pickedUsers(body, 'recipient', errors);

  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    data: {
      heldOn: held.iso!,
      kind: kind as ConversationKind,
      participants,
      outside,
      childIds,
      concerns: concerns || null,
      strengths: strengths || null,
      agreed,
      actions,
      recipients,
    },
  };
}

/** The conversation form as a schema for `submitForm`: the problems of `parseConversation`, in the same order. */
export const conversationForm = (today: string) =>
  orderedForm((body, _field, problem) => {
    const form = parseConversation(body, today);
    if (form.ok) return form.data;
    for (const e of form.errors) problem(e.field, e.message);
    return undefined as unknown as ConversationInput;
  });

export const FollowUpForm = z.object({
  answer: z.enum(FOLLOW_UP_ANSWERS, { error: 'Select yes, partly or no' }),
  comment: z
    .string()
    .trim()
    .max(2000, 'Comment must be 2,000 characters or fewer')
    .optional()
    .transform((v) => v || null),
});

export const FOLLOW_UP_LABELS = { yes: 'Yes', partly: 'Partly', no: 'No' } as const;

export const NoteForm = z.object({
  category: z
    .string()
    .optional()
    .transform((v) => (v && v !== 'general' ? v : null)),
  body: z
    .string({ error: 'Enter the note' })
    .trim()
    .min(1, 'Enter the note')
    .max(10000, 'The note must be 10000 characters or fewer'),
  withholdFromParents: z
    .string()
    .optional()
    .transform((v) => v === 'yes'),
});
