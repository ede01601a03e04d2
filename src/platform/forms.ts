import { z } from 'zod';
import type { FieldError } from './errors.ts';

export type FormBody = Record<string, string | string[] | undefined>;

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldError[] };

/**
 * Validates a posted form against its schema. Messages come from the schema and follow GOV.UK
 * wording ("Enter an email address"); the first problem per field wins, in field order.
 */
export function parseForm<S extends z.ZodType>(schema: S, body: unknown): FormResult<z.output<S>> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return { ok: true, data: result.data };
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const issue of result.error.issues) {
    const field = issue.path.map(String).join('-') || 'form';
    if (seen.has(field)) continue;
    seen.add(field);
    errors.push({ field, message: issue.message });
  }
  return { ok: false, errors };
}

/** The shapes the GOV.UK error summary and field macros take. */
export function errorView(errors: FieldError[]) {
  return {
    errorList: errors.map((e) => ({ text: e.message, href: `#${e.field}` })),
    fieldErrors: Object.fromEntries(errors.map((e) => [e.field, { text: e.message }])),
  };
}

/** Keep only string fields (never the CSRF token) so a form can be redisplayed or saved. */
export function formValues(body: unknown): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (!body || typeof body !== 'object') return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (k === '_csrf') continue;
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[k] = v as string[];
  }
  return out;
}

/** Form fields arrive as a string or an array; checkboxes need an array. */
export function asArray(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return typeof v === 'string' && v !== '' ? [v] : [];
}

/**
 * A date from the three GOV.UK date input fields: undefined when all are empty, an ISO date when real,
 * otherwise a field error in GOV.UK wording.
 */
export function readDate(
  body: Record<string, unknown>,
  prefix: string,
  label: string,
  errors: FieldError[],
): string | undefined {
  const part = (k: string) => String(body[`${prefix}-${k}`] ?? '').trim();
  const r = dateFromParts(part('day'), part('month'), part('year'), label);
  if (r.error) errors.push({ field: prefix, message: r.error });
  return r.iso;
}

/** Day, month and year as typed into a GOV.UK date input: an ISO date, nothing (all empty), or the problem. */
export function dateFromParts(d: string, m: string, y: string, label: string): { iso?: string; error?: string } {
  if (!d && !m && !y) return {};
  if (!d || !m || !y) return { error: `${label} must include a day, month and year` };
  const iso = `${y.padStart(4, '0')}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  const date = new Date(`${iso}T00:00:00Z`);
  if (
    !/^\d{4}$/.test(y) ||
    !/^\d{1,2}$/.test(m) ||
    !/^\d{1,2}$/.test(d) ||
    Number.isNaN(date.getTime()) ||
    date.toISOString().slice(0, 10) !== iso
  ) {
    return { error: `${label} must be a real date` };
  }
  return { iso };
}

/**
 * A date from the three GOV.UK date input fields: undefined when all are empty, an ISO date when real,
 * otherwise an error on the field in GOV.UK wording. As a zod schema, for forms parsed with parseForm.
 */
export const dateParts = (prefix: string, label: string) =>
  z
    .object({
      [`${prefix}-day`]: z.string().trim().optional(),
      [`${prefix}-month`]: z.string().trim().optional(),
      [`${prefix}-year`]: z.string().trim().optional(),
    })
    .transform((v, ctx) => {
      const r = dateFromParts(v[`${prefix}-day`] ?? '', v[`${prefix}-month`] ?? '', v[`${prefix}-year`] ?? '', label);
      if (r.error) {
        ctx.addIssue({ code: 'custom', path: [prefix], message: r.error });
        return z.NEVER;
      }
      return r.iso;
    });
