import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestClient } from '../support/client.ts';
import { createOrganisation, createUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';
import { createPerson } from '../support/people.ts';

for (const engine of engines()) {
  describe(`the kept form after a timeout says what it was for, on ${engine}`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(engine);
    });
    after(async () => t.close());

    async function keptAfterTimeout(shielded: boolean) {
      const db = t.database.db;
      const school = await createOrganisation(db, { name: shielded ? 'Ashgrove Primary' : 'Birchfield Primary' });
      const user = await createUser(db, { roles: ['front_door'], organisationId: school.id });
      const child = await createPerson(db, {
        givenName: 'Nadia',
        familyName: shielded ? 'Quillfeather' : 'Rowntree',
        dateOfBirth: '2014-02-03',
        sex: 'F',
        shielded,
      });
      const client = new TestClient(t.app, t.clock);
      await client.signIn(user);
      await client.get('/people');
      t.clock.advance((t.config.session.idleMinutes + 1) * 60_000);
      const res = await client.post(`/people/${child}/consent/decisions`, { decision: 'share', what: 'Attendance' });
      assert.equal(res.headers.location, '/sign-in?timeout=1');
      assert.equal((await client.signIn(user)).headers.location, '/sign-in/resume');
      const resume = await client.get('/sign-in/resume');
      assert.equal(resume.statusCode, 200);
      return resume.body;
    }

    test('names the form and the child the user may still see', async () => {
      const body = await keptAfterTimeout(false);
      assert.match(body, /data-qa="kept-form"[^>]*>[^<]*Record a sharing decision[^<]*Nadia Rowntree/);
    });

    test('an autosave after the timeout is told so in JSON, and the form sent next is still kept', async () => {
      const db = t.database.db;
      const school = await createOrganisation(db, { name: 'Cedarwood Primary' });
      const user = await createUser(db, { roles: ['front_door'], organisationId: school.id });
      const child = await createPerson(db, {
        givenName: 'Orla',
        familyName: 'Penhaligon',
        dateOfBirth: '2015-04-05',
        sex: 'F',
      });
      const client = new TestClient(t.app, t.clock);
      await client.signIn(user);
      await client.get('/people');
      t.clock.advance((t.config.session.idleMinutes + 1) * 60_000);
      const url = `/people/${child}/consent/decisions`;
      const autosave = await client.post(
        url,
        { decision: 'share', what: 'Half typed' },
        { headers: { accept: 'application/json' } },
      );
      assert.equal(autosave.statusCode, 401);
      assert.equal(autosave.json().signedOut, true);
      assert.match(autosave.json().message, /Save and come back later/);
      assert.equal(
        autosave.cookies.find((c) => c.name === 'ehh_resume'),
        undefined,
        'an autosave is not kept as the form to resume',
      );
      // The person then presses the button: their form is kept for them after signing in.
      const res = await client.post(url, { decision: 'share', what: 'Attendance and punctuality' });
      assert.equal(res.headers.location, '/sign-in?timeout=1');
      assert.equal((await client.signIn(user)).headers.location, '/sign-in/resume');
      const resume = await client.get('/sign-in/resume');
      assert.match(resume.body, /data-qa="kept-form"[^>]*>[^<]*Record a sharing decision[^<]*Orla Penhaligon/);
      assert.match(resume.body, /Attendance and punctuality/);
      assert.doesNotMatch(resume.body, /autosave/);
    });

    test('names the form but not a shielded child', async () => {
      const body = await keptAfterTimeout(true);
      assert.match(body, /data-qa="kept-form"[^>]*>[^<]*Record a sharing decision/);
      assert.doesNotMatch(body, /Quillfeather/);
    });
  });
}
