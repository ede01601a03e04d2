import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { withinPartnership } from '../../src/platform/partnership.ts';
import { createOrganisation, createPartnership, createUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';
import { createPerson } from '../support/people.ts';

for (const engine of engines()) {
  describe(`The partnership boundary (${engine})`, () => {
    let t: TestApp;
    const at = new Date('2026-06-01T12:00:00Z');
    let lea: { partnershipId: string; areaId: string };
    let aire: { partnershipId: string; areaId: string };
    let leaDoor: { userId: string; organisationId: string };
    let aireDoor: { userId: string; organisationId: string };
    let aireSchool: string;

    before(async () => {
      t = await startTestApp(engine);
      const db = t.database.db;
      const leaOrg = (await createOrganisation(db, { agency_type: 'local_authority' })).id;
      const aireOrg = (await createOrganisation(db, { agency_type: 'local_authority' })).id;
      aireSchool = (await createOrganisation(db)).id;
      lea = await createPartnership(db, 'Lea', [leaOrg]);
      aire = await createPartnership(db, 'Aire', [aireOrg, aireSchool]);
      await db
        .insertInto('postcode_district')
        .values({ district: 'LS9', latitude: 53.8, longitude: -1.5 })
        .onConflict((oc) => oc.doNothing())
        .execute();
      await db.insertInto('area_postcode_district').values({ area_id: aire.areaId, district: 'LS9' }).execute();
      // Users without teams: their organisation's teams place them.
      leaDoor = { userId: '00000000-0000-4000-8000-000000000001', organisationId: leaOrg };
      aireDoor = { userId: '00000000-0000-4000-8000-000000000002', organisationId: aireOrg };
    });
    after(() => t.close());

    test('a child living in one partnership is out of the other partnership’s reach', async () => {
      const db = t.database.db;
      const child = await createPerson(db, {
        givenName: 'Rhian',
        dateOfBirth: '2016-04-12',
        familyName: 'Oduya',
        address: { line1: '4 Kestrel Way', postcode: 'LU3 9ZZ' },
      });
      await db
        .updateTable('household')
        .set({ area_id: lea.areaId })
        .where('id', 'in', db.selectFrom('household_member').select('household_id').where('person_id', '=', child))
        .execute();
      assert.equal(await withinPartnership(db, leaDoor, child, at), true);
      assert.equal(await withinPartnership(db, aireDoor, child, at), false);
    });

    test('an address with no recorded area is placed by its postcode district', async () => {
      const db = t.database.db;
      const child = await createPerson(db, {
        givenName: 'Tomasz',
        dateOfBirth: '2016-04-12',
        familyName: 'Wrenfield',
        address: { line1: '12 Harebell Close', postcode: 'LS9 7QQ' },
      });
      assert.equal(await withinPartnership(db, aireDoor, child, at), true);
      assert.equal(await withinPartnership(db, leaDoor, child, at), false);
    });

    test('a child is also in the partnership of an organisation working with them now, and not after it ends', async () => {
      const db = t.database.db;
      const child = await createPerson(db, {
        givenName: 'Amara',
        dateOfBirth: '2016-04-12',
        familyName: 'Quell',
        involvement: { organisationId: aireSchool },
      });
      assert.equal(await withinPartnership(db, aireDoor, child, at), true);
      assert.equal(await withinPartnership(db, leaDoor, child, at), false);
      await db.updateTable('involvement').set({ ended_on: '2026-01-31' }).where('person_id', '=', child).execute();
      assert.equal(await withinPartnership(db, leaDoor, child, at), true, 'placed nowhere now');
    });

    test('a child placed in no partnership is within every partnership’s reach', async () => {
      const db = t.database.db;
      const child = await createPerson(db, { givenName: 'Noor', familyName: 'Ashdown', dateOfBirth: '2017-02-03' });
      assert.equal(await withinPartnership(db, leaDoor, child, at), true);
      assert.equal(await withinPartnership(db, aireDoor, child, at), true);
    });

    test('a user given an area themselves reaches that area’s partnership', async () => {
      const db = t.database.db;
      const child = await createPerson(db, {
        givenName: 'Eliska',
        dateOfBirth: '2016-04-12',
        familyName: 'Marrow',
        address: { line1: '3 Linnet Avenue', postcode: 'LS9 2AB' },
      });
      const otherOrg = (await createOrganisation(db)).id;
      const user = await createUser(db, { organisationId: otherOrg });
      const actor = { userId: user.id, organisationId: otherOrg };
      assert.equal(await withinPartnership(db, actor, child, at), false);
      await db.insertInto('user_area').values({ user_id: user.id, area_id: aire.areaId }).execute();
      assert.equal(await withinPartnership(db, actor, child, at), true);
    });
  });
}
