/**
 * The one way to read a form (docs/decisions/0021): the form's zod schema sits beside its handler, messages in
 * GOV.UK wording come from the schema, and `submitForm` runs the handler or shows the page again with the GOV.UK
 * error summary and what was typed. Rules the service finds against the database throw `ValidationError`, which
 * `submitForm` shows the same way (and the API as a problem document listing the fields).
 */
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { type FieldError, ValidationError } from './errors.ts';

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

/** What a form page needs to show a problem: the errors for the GOV.UK error summary, and the values as typed. */
export interface FormProblem {
  errors: FieldError[];
  values: Record<string, string | string[]>;
}

/**
 * Handles a posted form: parses the body with the form's schema and runs `handle` with the data. When the schema
 * or the service finds a problem (a `ValidationError`), answers 400 with `again`: the form page with the GOV.UK
 * error summary and the values kept as typed. Other errors (refusals, conflicts) go on to the error handler.
 */
export async function submitForm<S extends z.ZodType, R>(
  reply: FastifyReply,
  schema: S,
  handle: (data: z.output<S>) => Promise<R>,
  again: (problem: FormProblem) => unknown,
): Promise<unknown> {
  const body = reply.request.body;
  try {
    const form = parseForm(schema, body);
    if (!form.ok) throw new ValidationError(form.errors);
    return await handle(form.data);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    reply.code(400);
    return again({ errors: err.errors, values: formValues(body) });
  }
}

/** Reads one field with its own schema inside an `orderedForm`: its value, or undefined after recording the problem. */
export type FieldReader = <T>(field: string, schema: z.ZodType<T>, value?: unknown) => T | undefined;

/**
 * A form whose rules depend on each other (a date that depends on the kind of person, an age range): a zod schema
 * that reads the fields in order, each with its own zod schema, so a later rule can use an earlier value and the
 * problems stay in the order of the form. `read` adds a problem with `problem(field, message)`; the schema fails
 * if any field had one.
 */
export function orderedForm<T>(
  read: (
    body: Record<string, unknown>,
    field: FieldReader,
    problem: (field: string, message: string) => void,
    problems: () => readonly FieldError[],
  ) => T,
) {
  return z.unknown().transform((raw, ctx) => {
    const body = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
    const found: FieldError[] = [];
    const problem = (field: string, message: string) => {
      found.push({ field, message });
      ctx.addIssue({ code: 'custom', path: [field], message });
    };
    const field: FieldReader = (name, schema, value = body[name]) => {
      const r = schema.safeParse(value);
      if (r.success) return r.data;
      problem(
        r.error.issues[0]?.path.map(String).join('-') || name,
        r.error.issues[0]?.message ?? 'There is a problem',
      );
      return undefined;
    };
    const data = read(body, field, problem, () => found);
    return found.length ? z.NEVER : data;
  });
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
