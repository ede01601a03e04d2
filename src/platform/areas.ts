/**
 * Areas from postcodes: the one place that turns a postcode into its district (outward code) and a district into
 * the area whose postcode districts include it (`area_postcode_district`).
 *
 * A district that several areas share (two Lea areas both cover LU1 and LU2 in the demo data) gives no area: the
 * household's area is left empty and the person recording the address chooses it (decision 0019). Guessing one of
 * them would put a family in the wrong area's lists without anyone noticing.
 */
import { type RawBuilder, sql } from 'kysely';
import type { Q } from '../db/connection.ts';

/** SQL for the district (outward code, upper case) of a postcode column or value: "ls12 3aa" gives "LS12". */
export function districtOf(postcode: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`upper(regexp_replace(replace(${postcode}, ' ', ''), '[0-9][A-Za-z]{2}$', ''))`;
}

/** The areas whose postcode districts include this postcode's district, by name. */
export async function areasForPostcode(db: Q, postcode: string): Promise<{ id: string; name: string }[]> {
  const result = await sql<{ id: string; name: string }>`
    select a.id, a.name from area_postcode_district d join area a on a.id = d.area_id
     where d.district = ${districtOf(sql`${postcode}::text`)}
     order by a.name, a.id`.execute(db);
  return result.rows;
}

/** The one area this postcode's district maps to, or null when it maps to none or to more than one. */
export async function areaForPostcode(db: Q, postcode: string): Promise<string | null> {
  const areas = await areasForPostcode(db, postcode);
  return areas.length === 1 ? areas[0]!.id : null;
}

/** The areas a household can be placed in (everything below a partnership), by name, for a choice on a form. */
export async function areaChoices(db: Q): Promise<{ id: string; name: string }[]> {
  return db
    .selectFrom('area')
    .select(['id', 'name'])
    .where('parent_id', 'is not', null)
    .orderBy('name')
    .orderBy('id')
    .execute();
}
