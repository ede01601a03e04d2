import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { verifyAuditChain } from '../../src/platform/audit.ts';
import { loadWorkingCalendar } from '../../src/platform/closures.ts';
import { TestClient } from '../support/client.ts';
import { createPartnership, createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';

for (const engine of engines()) {
  describe(`Closure days (${engine})`, () => {
    let t: TestApp;
    let adminUser: TestUser;
    let admin: TestClient;
    let areaId: string;

    before(async () => {
      t = await startTestApp(engine);
      t.clock.set(new Date('2026-12-01T10:00:00Z'));
      adminUser = await createUser(t.database.db, { roles: ['system_admin'], name: 'Ada Admin' });
      areaId = (await createPartnership(t.database.db, 'Lea')).areaId;
      admin = new TestClient(t.app, t.clock);
      assert.equal((await admin.signIn(adminUser)).headers.location, '/');
    });
    after(() => t.close());

    const day = (d: string, m: string, y: string) => ({ 'closedOn-day': d, 'closedOn-month': m, 'closedOn-year': y });

    test('the administration index links to closure days; others get the 403 page', async () => {
      assert.match((await admin.get('/admin')).body, /href="\/admin\/closure-days"/);
      const other = await createUser(t.database.db, { roles: ['manager', 'front_door'] });
      const client = new TestClient(t.app, t.clock);
      await client.signIn(other);
      assert.equal((await client.get('/admin/closure-days')).statusCode, 403);
      await client.get('/account');
      const res = await client.post('/admin/closure-days', { ...day('29', '12', '2026'), name: 'Sneaky' });
      assert.equal(res.statusCode, 403);
      assert.equal((await t.database.db.selectFrom('calendar_closure').selectAll().execute()).length, 0);
    });

    test('adding a day: GOV.UK errors keep what was typed', async () => {
      await admin.get('/admin/closure-days');
      let res = await admin.post('/admin/closure-days', { ...day('31', '2', '2026'), name: 'Christmas closure' });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /Date must be a real date/);
      assert.match(res.body, /value="Christmas closure"/);
      assert.match(res.body, /name="closedOn-day"[^>]*value="31"|value="31"[^>]*name="closedOn-day"/);
      res = await admin.post('/admin/closure-days', { ...day('', '', ''), name: '' });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /Enter the date of the closure day/);
      assert.match(res.body, /Enter a name for the closure day/);
      res = await admin.post('/admin/closure-days', { ...day('1', '6', '2026'), name: 'Past' });
      assert.match(res.body, /Date must be today or in the future/);

      res = await admin.post('/admin/closure-days', { ...day('29', '12', '2026'), name: 'Christmas closure' });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/admin/closure-days?done=added');
      res = await admin.post('/admin/closure-days', {
        ...day('30', '12', '2026'),
        name: 'Lea staff day',
        areaId,
      });
      assert.equal(res.statusCode, 303);
      res = await admin.post('/admin/closure-days', { ...day('29', '12', '2026'), name: 'Again' });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /That day is already a closure day/);

      const page = await admin.get('/admin/closure-days?done=added');
      assert.match(page.body, /Closure day added/);
      assert.match(page.body, /Tuesday 29 December 2026/);
      assert.match(page.body, /Wednesday 30 December 2026/);
      assert.match(page.body, /Lea area/);

      const events = await t.database.db
        .selectFrom('audit_event')
        .selectAll()
        .where('action', '=', 'admin.closure-day.added')
        .execute();
      assert.equal(events.length, 2);
      assert.equal(events[0]!.actor_user_id, adminUser.id);

      const lea = await loadWorkingCalendar(t.database.db, areaId);
      assert.equal(lea.addWorkingDays('2026-12-24', 1), '2026-12-31');
      assert.equal((await loadWorkingCalendar(t.database.db)).addWorkingDays('2026-12-24', 1), '2026-12-30');
    });

    test('removing a day asks first, is audited, and a second removal is a no-op', async () => {
      const row = await t.database.db
        .selectFrom('calendar_closure')
        .select('id')
        .where('closed_on', '=', '2026-12-29')
        .executeTakeFirstOrThrow();
      const confirm = await admin.get(`/admin/closure-days/${row.id}/remove`);
      assert.equal(confirm.statusCode, 200);
      assert.match(confirm.body, /Remove Christmas closure on Tuesday 29 December 2026\?/);
      let res = await admin.post(`/admin/closure-days/${row.id}/remove`, {});
      assert.equal(res.statusCode, 303);
      res = await admin.post(`/admin/closure-days/${row.id}/remove`, {});
      assert.equal(res.statusCode, 303);
      const removed = await t.database.db
        .selectFrom('audit_event')
        .selectAll()
        .where('action', '=', 'admin.closure-day.removed')
        .execute();
      assert.equal(removed.length, 1);
      assert.equal((await admin.get(`/admin/closure-days/${row.id}/remove`)).statusCode, 404);
      assert.equal((await admin.get('/admin/closure-days/not-an-id/remove')).statusCode, 404);
      assert.equal((await verifyAuditChain(t.database.db)).ok, true);
    });
  });
}
