import { z } from 'zod';
import { type FormResult, parseForm } from '../../platform/forms.ts';

const name = (label: string) =>
  z
    .string()
    .trim()
    .max(100, `${label} must be 100 characters or fewer`)
    .optional()
    .transform((v) => v || undefined);

/** A date from the GOV.UK date input's three fields. */
export const dateParts = (prefix: string, label: string) =>
  z
    .object({
      [`${prefix}-day`]: z.string().trim().optional(),
      [`${prefix}-month`]: z.string().trim().optional(),
      [`${prefix}-year`]: z.string().trim().optional(),
    })
    .transform((v, ctx) => {
      const d = v[`${prefix}-day`];
      const m = v[`${prefix}-month`];
      const y = v[`${prefix}-year`];
      if (!d && !m && !y) return undefined;
      if (!d || !m || !y) {
        ctx.addIssue({ code: 'custom', path: [prefix], message: `${label} must include a day, month and year` });
        return z.NEVER;
      }
      const iso = `${y.padStart(4, '0')}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
      const date = new Date(`${iso}T00:00:00Z`);
      if (
        !/^\d{4}$/.test(y) ||
        !/^\d{1,2}$/.test(m) ||
        !/^\d{1,2}$/.test(d) ||
        Number.isNaN(date.getTime()) ||
        date.toISOString().slice(0, 10) !== iso
      ) {
        ctx.addIssue({ code: 'custom', path: [prefix], message: `${label} must be a real date` });
        return z.NEVER;
      }
      return iso;
    });

const NameFields = z.object({ givenName: name('First name'), familyName: name('Last name') });

export type SearchCriteria = { givenName?: string; familyName?: string; dateOfBirth?: string };

/** Search needs a name; the date of birth is optional but must be a real date if given. */
export function parseSearch(query: unknown): FormResult<SearchCriteria> {
  const names = parseForm(NameFields, query);
  const dob = parseForm(dateParts('dob', 'Date of birth'), query);
  const errors = [...(names.ok ? [] : names.errors), ...(dob.ok ? [] : dob.errors)];
  if (names.ok && !names.data.givenName && !names.data.familyName) {
    errors.unshift({ field: 'familyName', message: 'Enter a first name or last name' });
  }
  if (errors.length || !names.ok || !dob.ok) return { ok: false, errors };
  return {
    ok: true,
    data: {
      ...(names.data.givenName ? { givenName: names.data.givenName } : {}),
      ...(names.data.familyName ? { familyName: names.data.familyName } : {}),
      ...(dob.data ? { dateOfBirth: dob.data } : {}),
    },
  };
}

export const BreakGlassForm = z.object({
  reason: z
    .string({ error: 'Enter why you need to open this record' })
    .trim()
    .min(10, 'Enter why you need to open this record, in at least 10 characters')
    .max(1000, 'Reason must be 1000 characters or fewer'),
});
