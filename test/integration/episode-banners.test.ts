import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signedInClients } from '../support/client.ts';
import { createOrganisation, createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';
import { createPerson } from '../support/people.ts';

const banners = (body: string) => body.match(/govuk-notification-banner--success/g)?.length ?? 0;

for (const engine of engines()) {
  describe(`Success banners on the episode and its meetings (${engine})`, () => {
    let t: TestApp;
    let teacher: TestUser;
    let childId: string;
    const as = signedInClients(() => t);

    before(async () => {
      t = await startTestApp(engine);
      t.clock.set(new Date('2026-12-01T10:00:00Z'));
      const db = t.database.db;
      const school = await createOrganisation(db, { name: 'Oak Lane Primary', agency_type: 'school' });
      teacher = await createUser(db, { organisationId: school.id, name: 'Tess Teacher' });
      childId = await createPerson(db, {
        givenName: 'Poppy',
        familyName: 'Fenwick',
        dateOfBirth: '2017-03-04',
        involvement: { organisationId: school.id, userId: teacher.id },
      });
    });
    after(() => t.close());

    test('the page an action leads to says it was done once, not twice', async () => {
      const c = await as(teacher);
      const opened = await c.post(`/people/${childId}/episodes`, { personIds: [childId], leadUserId: teacher.id });
      assert.equal(opened.statusCode, 303);
      const episode = await c.get(String(opened.headers.location));
      assert.match(episode.body, /Episode opened/);
      assert.equal(banners(episode.body), 1, 'one banner on the episode');

      const episodeId = /\/episodes\/([0-9a-f-]{36})/.exec(String(opened.headers.location))![1]!;
      const scheduled = await c.post(`/people/${childId}/episodes/${episodeId}/taf-meetings`, {
        'meetsOn-day': '3',
        'meetsOn-month': '12',
        'meetsOn-year': '2026',
        time: '14:30',
        format: 'in_person',
        place: 'Oak Lane Primary, meeting room 2',
        chairUserId: teacher.id,
      });
      assert.equal(scheduled.statusCode, 303);
      const meeting = await c.get(String(scheduled.headers.location));
      assert.match(meeting.body, /Meeting arranged/);
      assert.equal(banners(meeting.body), 1, 'one banner on the meeting');
    });
  });
}
