/**
 * Demo data must never ring or mail a real person or service: every telephone number in every table that
 * holds one is from Ofcom's drama ranges, every email address is at a reserved domain, and every street in
 * the demo directory is invented.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Database } from '../../src/db/connection.ts';
import { seedDemo } from '../../src/db/seed/demo.ts';
import { isDramaNumber } from '../../src/db/seed/phones.ts';
import { engines, freshDatabase } from '../support/harness.ts';

const TODAY = new Date('2026-03-02T10:00:00Z');
/** Domains that can never receive mail (RFC 2606 and RFC 6761). */
const RESERVED_EMAIL = /@([a-z0-9-]+\.)*(invalid|example|test|localhost|example\.(org|com|net))$/i;

for (const engine of engines()) {
  describe(`demo contact details on ${engine}`, () => {
    let database: Database;
    before(async () => {
      database = await freshDatabase(engine);
      await seedDemo(database.db, { onlyIfEmpty: true, today: TODAY });
    });
    after(async () => database?.close());

    /** Every text column whose name says it holds a phone number or an email address. */
    async function contactColumns(kind: 'phone' | 'email') {
      const pattern = kind === 'phone' ? '%phone%' : '%email%';
      const { rows } = await sql<{ table_name: string; column_name: string }>`
        select table_name, column_name from information_schema.columns
        where table_schema = current_schema() and column_name like ${pattern}
        order by table_name, column_name`.execute(database.db);
      // directory_phone keeps its number in a column called "number".
      if (kind === 'phone') rows.push({ table_name: 'directory_phone', column_name: 'number' });
      // A user's choice of immediate or daily notification emails holds no address.
      return rows.filter((r) => !(r.table_name === 'app_user' && r.column_name === 'notification_email'));
    }

    async function values(table: string, column: string): Promise<string[]> {
      const { rows } = await sql<{ v: string }>`select distinct ${sql.ref(column)}::text as v from ${sql.table(table)}
        where ${sql.ref(column)} is not null`.execute(database.db);
      return rows.map((r) => r.v);
    }

    test('every demo telephone number is from an Ofcom drama range', async () => {
      const columns = await contactColumns('phone');
      for (const expected of ['organisation.phone', 'team.phone', 'app_user.phone', 'involvement.contact_phone']) {
        assert.ok(
          columns.some((c) => `${c.table_name}.${c.column_name}` === expected),
          `${expected} is checked`,
        );
      }
      const real: string[] = [];
      let checked = 0;
      for (const { table_name, column_name } of columns) {
        for (const v of await values(table_name, column_name)) {
          checked++;
          if (!isDramaNumber(v)) real.push(`${table_name}.${column_name}: ${v}`);
        }
      }
      assert.ok(checked > 50, `${checked} numbers checked`);
      assert.deepEqual(real, []);
    });

    test('every demo email address is at a reserved domain', async () => {
      const columns = await contactColumns('email');
      assert.ok(columns.some((c) => c.table_name === 'app_user' && c.column_name === 'email'));
      const real: string[] = [];
      let checked = 0;
      for (const { table_name, column_name } of columns) {
        for (const v of await values(table_name, column_name)) {
          checked++;
          if (!RESERVED_EMAIL.test(v)) real.push(`${table_name}.${column_name}: ${v}`);
        }
      }
      assert.ok(checked > 50, `${checked} addresses checked`);
      assert.deepEqual(real, []);
    });

    test('every demo directory address is on an invented street', async () => {
      const rows = await database.db.selectFrom('directory_location').select(['address_1', 'postal_code']).execute();
      assert.ok(rows.length > 0);
      for (const r of rows) assert.match(String(r.address_1), /^\d+ Demo [A-Z][a-z]+$/, String(r.address_1));
    });
  });
}
