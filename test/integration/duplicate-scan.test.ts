import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../../src/db/connection.ts';
import { scanForDuplicates } from '../../src/features/people/duplicate-service.ts';
import { modelWith } from '../../src/features/people/search.ts';
import { engines, freshDatabase } from '../support/harness.ts';
import { createPerson } from '../support/people.ts';

for (const engine of engines()) {
  describe(`scanning the whole index for duplicates on ${engine}`, () => {
    let database: Database;
    before(async () => {
      database = await freshDatabase(engine);
    });
    after(async () => database.close());

    test('finds a child recorded twice, queues the pair once, and leaves a decided pair alone', async () => {
      const db = database.db;
      const a = await createPerson(db, {
        givenName: 'Katarzyna',
        familyName: 'Wiśniewska',
        dateOfBirth: '2015-04-09',
        sex: 'F',
        address: { line1: '7 Kirkstall Road', postcode: 'LS4 2QA' },
      });
      const b = await createPerson(db, {
        givenName: 'Kasia',
        familyName: 'Wisniewska',
        dateOfBirth: '2015-09-04',
        sex: 'F',
        address: { line1: '7 Kirkstall Rd', postcode: 'LS4 2QA' },
      });
      // A sister at the same address: the same family name and place, but a different child.
      await createPerson(db, {
        givenName: 'Zofia',
        familyName: 'Wiśniewska',
        dateOfBirth: '2018-01-20',
        sex: 'F',
        address: { line1: '7 Kirkstall Road', postcode: 'LS4 2QA' },
      });
      const model = modelWith({ match: 16, possible: 8 });
      const first = await scanForDuplicates(db, model);
      assert.equal(first.records, 3);
      const pairs = await db.selectFrom('possible_duplicate').selectAll().execute();
      assert.equal(pairs.length, 1, JSON.stringify(pairs));
      assert.deepEqual([pairs[0]!.person_id, pairs[0]!.other_person_id].sort(), [a, b].sort());
      assert.equal(pairs[0]!.source, 'scan');
      await db.updateTable('possible_duplicate').set({ status: 'not_duplicate' }).execute();
      await scanForDuplicates(db, model);
      const again = await db.selectFrom('possible_duplicate').selectAll().execute();
      assert.equal(again.length, 1);
      assert.equal(again[0]!.status, 'not_duplicate', 'a decided pair is not reopened');
    });
  });
}
