import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Role } from '../../src/db/schema.ts';
import { TestClient } from '../support/client.ts';
import { createUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';

for (const engine of engines()) {
  describe(`home page for each role on ${engine}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(engine);
    });
    after(async () => t.close());

    const home = async (roles: Role[]) => {
      const user = await createUser(t.database.db, { roles });
      const client = new TestClient(t.app, t.clock);
      await client.signIn(user);
      const res = await client.get('/');
      assert.equal(res.statusCode, 200);
      return (res.body.split('<main')[1] ?? '').replace(/\s+/g, ' ');
    };

    test('a front-door worker is not told to call the front door, and is shown what the front door does here', async () => {
      const body = await home(['front_door']);
      assert.doesNotMatch(body, /call the front door/i);
      assert.match(body, /data-qa="front-door-guidance"/);
      assert.match(body, /Record a sharing decision/);
    });

    test('a practitioner is told to call the front door when a child is at risk of significant harm', async () => {
      const body = await home(['practitioner']);
      assert.match(body, /call the front door now/);
      assert.doesNotMatch(body, /data-qa="front-door-guidance"/);
    });

    test('roles that do not work with children are not given advice about sharing or safeguarding them', async () => {
      for (const roles of [['data_protection'], ['system_admin'], ['analyst']] as Role[][]) {
        const body = await home(roles);
        assert.doesNotMatch(body, /call the front door|before information leaves your agency/, roles.join());
      }
    });
  });
}
