import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../../src/db/connection.ts';
import { recordAudit, verifyAuditChain } from '../../src/platform/audit.ts';
import { engines, freshDatabase } from '../support/harness.ts';

for (const engine of engines()) {
  describe(`the audit chain under concurrent writers on ${engine}`, () => {
    let database: Database;
    before(async () => {
      database = await freshDatabase(engine);
    });
    after(async () => database.close());

    test('forty transactions appending at once leave one unbroken chain', async () => {
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          database.db.transaction().execute(async (trx) => {
            await recordAudit(trx, { actor: null, at: new Date() }, { action: 'test.concurrent', details: { i } });
          }),
        ),
      );
      const rows = await database.db
        .selectFrom('audit_event')
        .select(['id', 'prev_hash', 'hash'])
        .orderBy('id')
        .execute();
      assert.equal(rows.length, 40);
      for (let k = 1; k < rows.length; k++)
        assert.equal(rows[k]!.prev_hash, rows[k - 1]!.hash, `event ${k} links to ${k - 1}`);
      assert.deepEqual(await verifyAuditChain(database.db), { ok: true, checked: 40 });
    });
  });
}
