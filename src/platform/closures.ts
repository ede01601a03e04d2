import type { Q } from '../db/connection.ts';
import { WorkingCalendar } from './calendar.ts';

/**
 * The working calendar for a partnership area: bank holidays and the closure days added for everyone or for that
 * area. Loaded per use (a few rows a year), so a closure added by an administrator counts at once.
 */
export async function loadWorkingCalendar(db: Q, areaId: string | null = null): Promise<WorkingCalendar> {
  let query = db.selectFrom('calendar_closure').select(['closed_on as date', 'name']);
  query = areaId
    ? query.where((eb) => eb.or([eb('area_id', 'is', null), eb('area_id', '=', areaId)]))
    : query.where('area_id', 'is', null);
  return new WorkingCalendar(await query.execute());
}

export interface ClosureRow {
  id: string;
  closed_on: string;
  name: string;
  area_id: string | null;
  area_name: string | null;
  added_by_name: string | null;
}

/** Closure days on or after a date, soonest first. */
export async function listClosures(db: Q, from: string): Promise<ClosureRow[]> {
  return db
    .selectFrom('calendar_closure as c')
    .leftJoin('area as a', 'a.id', 'c.area_id')
    .leftJoin('app_user as u', 'u.id', 'c.added_by')
    .select(['c.id', 'c.closed_on', 'c.name', 'c.area_id', 'a.name as area_name', 'u.name as added_by_name'])
    .where('c.closed_on', '>=', from)
    .orderBy('c.closed_on')
    .orderBy('a.name')
    .execute();
}

export async function findClosure(db: Q, id: string): Promise<ClosureRow | undefined> {
  return db
    .selectFrom('calendar_closure as c')
    .leftJoin('area as a', 'a.id', 'c.area_id')
    .leftJoin('app_user as u', 'u.id', 'c.added_by')
    .select(['c.id', 'c.closed_on', 'c.name', 'c.area_id', 'a.name as area_name', 'u.name as added_by_name'])
    .where('c.id', '=', id)
    .executeTakeFirst();
}

export async function closureExists(db: Q, closedOn: string, areaId: string | null): Promise<boolean> {
  const row = await db
    .selectFrom('calendar_closure')
    .select('id')
    .where('closed_on', '=', closedOn)
    .where('area_id', areaId ? '=' : 'is', areaId)
    .executeTakeFirst();
  return !!row;
}

export async function insertClosure(
  db: Q,
  values: { closedOn: string; name: string; areaId: string | null; addedBy: string | null },
): Promise<string> {
  const row = await db
    .insertInto('calendar_closure')
    .values({ closed_on: values.closedOn, name: values.name, area_id: values.areaId, added_by: values.addedBy })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function deleteClosure(db: Q, id: string): Promise<void> {
  await db.deleteFrom('calendar_closure').where('id', '=', id).execute();
}
