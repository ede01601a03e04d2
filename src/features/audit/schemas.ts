import { z } from 'zod';
import { UUID } from '../../platform/ids.ts';

function isoDate(message: string) {
  return z
    .string()
    .trim()
    .optional()
    .transform((v) => v || undefined)
    .refine((v) => {
      if (v === undefined) return true;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
      const d = new Date(`${v}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
    }, message);
}

export const RecordLookup = z.object({
  type: z
    .string({ error: 'Select the type of record' })
    .trim()
    .min(1, 'Select the type of record')
    .max(40, 'Select the type of record')
    .regex(/^[a-z_-]+$/, 'Select the type of record'),
  id: z
    .string({ error: 'Enter the record reference' })
    .trim()
    .min(1, 'Enter the record reference')
    .max(100, 'The record reference must be 100 characters or fewer')
    .regex(/^[A-Za-z0-9_-]+$/, 'The record reference can only contain letters, numbers, hyphens and underscores'),
  page: z.coerce.number().int().min(1).max(10000).catch(1).default(1),
  user: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || undefined)
    .refine((v) => v === undefined || UUID.test(v), 'Select a person from the list'),
  action: z
    .string()
    .trim()
    .max(80)
    .optional()
    .transform((v) => v || undefined)
    .refine((v) => v === undefined || /^[a-z0-9.-]+$/.test(v), 'Select an action from the list'),
  from: isoDate('The first date must be a real date, like 2026-03-27'),
  to: isoDate('The last date must be a real date, like 2026-03-27'),
});

/** The filters of an access history, as they go back into a link (page, CSV, print). */
export type HistoryFilters = Partial<Pick<z.infer<typeof RecordLookup>, 'user' | 'action' | 'from' | 'to'>>;

export const FindChild = z.object({
  givenName: z.string().trim().max(100, 'The first name must be 100 characters or fewer').optional().default(''),
  familyName: z
    .string({ error: 'Enter a last name' })
    .trim()
    .min(1, 'Enter a last name')
    .max(100, 'The last name must be 100 characters or fewer'),
});

export const UserLookup = z.object({
  id: z.string().regex(UUID, 'Enter a valid user reference'),
  page: z.coerce.number().int().min(1).max(10000).catch(1).default(1),
});
