import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { listMigrations } from '../../src/db/migrator.ts';
import { importPeople } from '../../src/features/people/import.ts';
import { modelWith } from '../../src/features/people/search.ts';
import { areaForPostcode } from '../../src/platform/areas.ts';
import { TestClient } from '../support/client.ts';
import { createOrganisation, createPartnership, createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp, testConfig } from '../support/harness.ts';

for (const engine of engines()) {
  describe(`Households' areas from postcodes (${engine})`, () => {
    let t: TestApp;
    let north: string;
    let central: string;
    let south: string;
    let teacher: TestUser;
    let client: TestClient;

    const householdOf = async (personId: string) =>
      t.database.db
        .selectFrom('household_member as hm')
        .innerJoin('household as h', 'h.id', 'hm.household_id')
        .select(['h.id', 'h.area_id', 'hm.moved_in'])
        .where('hm.person_id', '=', personId)
        .where('hm.moved_out', 'is', null)
        .executeTakeFirstOrThrow();

    async function register(givenName: string, line1: string, postcode: string): Promise<string> {
      await client.get('/people/new');
      const res = await client.post('/people/new', {
        kind: 'child',
        givenName,
        familyName: 'Quarrendon',
        'dateOfBirth-day': '3',
        'dateOfBirth-month': '4',
        'dateOfBirth-year': '2017',
        sex: 'F',
        addressLine1: line1,
        postcode,
        role: 'Class teacher',
      });
      assert.equal(res.statusCode, 303, res.body.slice(0, 500));
      const id = /\/people\/([0-9a-f-]{36})/.exec(res.headers.location as string)?.[1];
      assert.ok(id);
      return id;
    }

    before(async () => {
      t = await startTestApp(engine);
      const db = t.database.db;
      const school = await createOrganisation(db);
      const lea = await createPartnership(db, 'Lea', [school.id]);
      north = lea.areaId;
      const child = (name: string) =>
        db
          .insertInto('area')
          .values({ name, kind: 'area', parent_id: lea.partnershipId })
          .returning('id')
          .executeTakeFirstOrThrow();
      central = (await child('Lea Central')).id;
      south = (await child('Lea South')).id;
      await db
        .insertInto('area_postcode_district')
        .values([
          { area_id: north, district: 'LU3' },
          { area_id: central, district: 'LU1' },
          { area_id: south, district: 'LU1' },
        ])
        .execute();
      teacher = await createUser(db, { organisationId: school.id });
      client = new TestClient(t.app, t.clock);
      await client.signIn(teacher);
    });
    after(() => t.close());

    test('areaForPostcode: the one area of the district, none for a shared or unknown district', async () => {
      const db = t.database.db;
      assert.equal(await areaForPostcode(db, 'lu3 7qx'), north);
      assert.equal(await areaForPostcode(db, 'LU37QX'), north);
      assert.equal(await areaForPostcode(db, 'LU1 2AB'), null, 'LU1 is in two areas');
      assert.equal(await areaForPostcode(db, 'LS6 1AA'), null, 'LS6 is in no area held');
    });

    test('registering a child gives the household the area of its postcode district', async () => {
      const id = await register('Elowen', '7 Sundon Crescent', 'LU3 7QX');
      assert.equal((await householdOf(id)).area_id, north);
      const card = await client.get(`/people/${id}`);
      assert.match(card.body, /data-qa="area">[^<]*Lea area/);
    });

    test('a district in two areas leaves the area for the person recording the address to choose', async () => {
      const id = await register('Marigold', '2 Hatters Lane', 'LU1 2AB');
      const before = await householdOf(id);
      assert.equal(before.area_id, null);
      assert.match((await client.get(`/people/${id}`)).body, /data-qa="area">Not known/);
      const form = await client.get(`/people/${id}/address`);
      assert.match(form.body, /Work it out from the postcode/);
      assert.match(form.body, new RegExp(`<option value="${south}"`));
      const moved = { 'movedIn-day': '1', 'movedIn-month': '1', 'movedIn-year': '2026' };
      const bad = await client.post(`/people/${id}/address`, {
        addressLine1: '2 Hatters Lane',
        postcode: 'LU1 2AB',
        areaId: '00000000-0000-4000-8000-000000000000',
        ...moved,
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Choose an area from the list/);
      assert.match(bad.body, /value="2 Hatters Lane"/);
      const res = await client.post(`/people/${id}/address`, {
        addressLine1: '2 Hatters Lane',
        postcode: 'LU1 2AB',
        areaId: south,
        ...moved,
      });
      assert.equal(res.statusCode, 303);
      const after = await householdOf(id);
      assert.equal(after.id, before.id, 'the same household');
      assert.equal(after.area_id, south);
      assert.equal(String(after.moved_in), String(before.moved_in), 'correcting the area is not a move');
    });

    test('the bulk import sets the area from the postcode', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ehh-areas-'));
      try {
        const path = join(dir, 'extract.csv');
        writeFileSync(
          path,
          'source_id,given_name,family_name,date_of_birth,sex,address_line1,town,postcode\n' +
            'A-1,Tamsin,Hollowell,2018-02-01,F,9 Kestrel Way,Luton,LU3 2XY\n' +
            'A-2,Jory,Hollowell,2016-02-01,M,9 Larkspur Row,Luton,LU1 5XY\n',
        );
        const report = await importPeople(t.database.db, path, {
          organisationId: teacher.organisationId,
          model: modelWith(testConfig().matching),
          now: t.clock.now(),
        });
        assert.equal(report.created, 2);
        const rows = await t.database.db
          .selectFrom('household')
          .select(['address_line1', 'area_id'])
          .where('address_line1', 'in', ['9 Kestrel Way', '9 Larkspur Row'])
          .orderBy('address_line1')
          .execute();
        assert.deepEqual(rows, [
          { address_line1: '9 Kestrel Way', area_id: north },
          { address_line1: '9 Larkspur Row', area_id: null },
        ]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test('the backfill migration places existing households whose district maps to exactly one area', async () => {
      const db = t.database.db;
      const rows = await db
        .insertInto('household')
        .values([
          { address_line1: '1 Linnet Avenue', address_line2: null, town: null, postcode: 'LU3 1AA', area_id: null },
          { address_line1: '1 Plaiter Street', address_line2: null, town: null, postcode: 'LU1 1AA', area_id: null },
          { address_line1: '1 Beck Road', address_line2: null, town: null, postcode: 'LS6 1AA', area_id: null },
          { address_line1: '2 Linnet Avenue', address_line2: null, town: null, postcode: 'LU3 1AB', area_id: south },
        ])
        .returning(['id', 'address_line1'])
        .execute();
      const backfill = listMigrations().find((m) => m.version === 22);
      assert.ok(backfill);
      // The migration's first statement is the backfill; the rest (indexes, tables) ran when the database was made.
      const update = /^update household[\s\S]*?;/m.exec(backfill.sql)?.[0];
      assert.ok(update, 'the migration starts with the backfill');
      await sql.raw(update).execute(db);
      const now = await db
        .selectFrom('household')
        .select(['address_line1', 'area_id'])
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .orderBy('address_line1')
        .execute();
      assert.deepEqual(now, [
        { address_line1: '1 Beck Road', area_id: null },
        { address_line1: '1 Linnet Avenue', area_id: north },
        { address_line1: '1 Plaiter Street', area_id: null },
        { address_line1: '2 Linnet Avenue', area_id: south },
      ]);
    });
  });
}
