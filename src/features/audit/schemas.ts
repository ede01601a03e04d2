import { z } from 'zod';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
});

export const UserLookup = z.object({
  id: z.string().regex(uuid, 'Enter a valid user reference'),
  page: z.coerce.number().int().min(1).max(10000).catch(1).default(1),
});
