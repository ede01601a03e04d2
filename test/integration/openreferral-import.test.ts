import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { command } from '../../src/cli/commands/import.ts';
import { seedDirectoryDemo } from '../../src/features/directory/demo-data.ts';
import { FeedError, importOpenReferral } from '../../src/features/directory/import.ts';
import { verifyAuditChain } from '../../src/platform/audit.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';

const ORG = {
  id: '7f7c9a52-6a0e-4d6b-9a43-1f2a4e6b8c01',
  name: 'Neighbouring Borough Council',
  description: 'A neighbouring council’s family services.',
};
const good = (id: string, name: string, extra: Record<string, unknown> = {}) => ({
  id,
  name,
  status: 'active',
  description: `${name} for families.`,
  organization: ORG,
  ...extra,
});

for (const engine of engines()) {
  describe(`Open Referral import on ${engine}`, () => {
    let source: TestApp & { baseUrl?: string };
    let target: TestApp;
    let dir: string;

    before(async () => {
      source = await startTestApp(engine, { listen: true });
      await seedDirectoryDemo(source.database.db, { today: source.clock.now() });
      target = await startTestApp(engine);
      dir = mkdtempSync(join(tmpdir(), 'oruk-import-'));
    });
    after(async () => {
      await source.close();
      await target.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const count = async () =>
      Number(
        (
          await target.database.db
            .selectFrom('directory_service')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    test('a feed with bad items is reported item by item and nothing is applied', async () => {
      const file = join(dir, 'bad.json');
      writeFileSync(
        file,
        JSON.stringify({
          total_items: 6,
          total_pages: 1,
          page_number: 1,
          contents: [
            good('1b0a4f36-7a55-4b1e-8d6a-2f0f3c9e7a10', 'Good family support'),
            { id: '2c1b5a47-8b66-4c2f-9e7b-3a1a4d0f8b21', status: 'active', organization: ORG }, // no name
            good('3d2c6b58-9c77-4d3a-8f8c-4b2b5e1a9c32', 'First copy'),
            good('3d2c6b58-9c77-4d3a-8f8c-4b2b5e1a9c32', 'Second copy'),
            {
              id: '4e3d7c69-0d88-4e4b-9a9d-5c3c6f2b0d43',
              name: 'Dangling provider',
              status: 'active',
              organization_id: '99999999-9999-4999-8999-999999999999',
            },
            good('5f4e8d7a-1e99-4f5c-8bae-6d4d7a3c1e54', 'Broken location', {
              service_at_locations: [
                { id: '6a5f9e8b-2fa0-4a6d-9cbf-7e5e8b4d2f65', location_id: '7b6a0f9c-3ab1-4b7e-8dc0-8f6f9c5e3a76' },
              ],
              schedules: [
                {
                  id: '8c7b1a0d-4bc2-4c8f-9ed1-9a7a0d6f4b87',
                  service_at_location_id: '9d8c2b1e-5cd3-4d9a-8fe2-0b8b1e7a5c98',
                  byday: 'MO',
                },
              ],
            }),
            'not even an object',
          ],
        }),
      );
      const report = await importOpenReferral(target.database.db, file, { at: target.clock.now() });
      assert.equal(report.items, 7);
      assert.equal(report.applied, 0);
      assert.equal(await count(), 0);
      const errors = report.problems.filter((p) => p.severity === 'error');
      const at = (item: number) => errors.filter((p) => p.item === item).map((p) => `${p.field} ${p.message}`);
      assert.deepEqual(at(1), []);
      assert.deepEqual(at(2), ['name is missing']);
      assert.deepEqual(at(3), ['id is also used by item 4']);
      assert.deepEqual(at(4), ['id is also used by item 3']);
      assert.deepEqual(at(5), ['organization_id refers to an organisation that is not in the feed or the directory']);
      assert.ok(at(6).includes('service_at_locations[0].location refers to a location that is not in the feed'));
      assert.ok(at(6).includes('schedules[0].service_at_location_id refers to a location this service does not have'));
      assert.deepEqual(at(7), ['service is not an object']);
      assert.equal(report.valid, 1);
      // The attempt is audited even though nothing changed.
      const audit = await target.database.db
        .selectFrom('audit_event')
        .select('details')
        .where('action', '=', 'directory.import')
        .execute();
      assert.equal(audit.length, 1);

      // Asked to, only the valid item is applied.
      const partial = await importOpenReferral(target.database.db, file, { applyValid: true, at: target.clock.now() });
      assert.equal(partial.applied, 1);
      assert.deepEqual(partial.appliedIds, ['1b0a4f36-7a55-4b1e-8d6a-2f0f3c9e7a10']);
      assert.equal(await count(), 1);
      assert.equal((await verifyAuditChain(target.database.db)).ok, true);
    });

    test('another directory’s /services feed over HTTP is loaded whole, and again without duplicates', async () => {
      const url = `${source.baseUrl}/openreferral/services?per_page=4`;
      const before = await count();
      const report = await importOpenReferral(target.database.db, url, { at: target.clock.now() });
      assert.deepEqual(
        report.problems.filter((p) => p.severity === 'error'),
        [],
      );
      const total = (await source.app.inject('/openreferral/services')).json().total_items as number;
      assert.equal(report.items, total);
      assert.equal(report.applied, total);
      assert.equal(await count(), before + total);

      // The copy serves the same entry through its own feed, with the nested detail carried across.
      const mstId = (await source.app.inject('/openreferral/services?search=multisystemic')).json().contents[0].id;
      const original = (await source.app.inject(`/openreferral/services/${mstId}`)).json();
      const copy = (await target.app.inject(`/openreferral/services/${mstId}`)).json();
      assert.equal(copy.name, original.name);
      assert.equal(copy.minimum_age, 11);
      assert.equal(copy.organization.name, 'Aire City Council Children and Families (demo)');
      assert.deepEqual(
        copy.contacts[0].phones.map((p: { number: string }) => p.number),
        original.contacts[0].phones.map((p: { number: string }) => p.number),
      );
      assert.equal(copy.service_at_locations[0].location.addresses[0].postal_code, 'LS9 7AA');
      assert.equal(copy.attributes.length, original.attributes.length);

      const again = await importOpenReferral(target.database.db, url, { at: target.clock.now() });
      assert.equal(again.applied, total);
      assert.equal(await count(), before + total);
    });

    test('an unreadable feed is a clear error', async () => {
      const file = join(dir, 'broken.json');
      writeFileSync(file, '{ not json');
      await assert.rejects(importOpenReferral(target.database.db, file), FeedError);
      await assert.rejects(importOpenReferral(target.database.db, join(dir, 'missing.json')), FeedError);
      await assert.rejects(importOpenReferral(target.database.db, `${source.baseUrl}/openreferral/nowhere`), FeedError);
    });

    test('the command dispatches on the import type', async () => {
      const errors: string[] = [];
      const original = console.error;
      console.error = (...args: unknown[]) => errors.push(args.join(' '));
      try {
        await assert.rejects(command.run(['nonsense', 'x.csv']), /Unknown import type "nonsense"/);
        await assert.rejects(command.run([]), /Say what to import/);
        await assert.rejects(command.run(['openreferral']), /Give one feed/);
      } finally {
        console.error = original;
      }
    });
  });
}
