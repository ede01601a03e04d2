/** Record ids: every id in a URL or a form is a UUID, checked by this one pattern before it reaches a query. */
import { NotFoundError } from './errors.ts';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** An id from a URL that is not a UUID names no record: "not found", before any query. */
export function checkId(...ids: string[]): void {
  if (!ids.every((id) => UUID.test(id))) throw new NotFoundError();
}
