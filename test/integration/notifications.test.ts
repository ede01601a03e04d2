import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import { SMTPServer } from 'smtp-server';
import type { DB } from '../../src/db/schema.ts';
import { TokenService } from '../../src/features/api/service.ts';
import { createMailer, type Mailer } from '../../src/platform/mailer.ts';
import { notify, sendDailyDigests } from '../../src/platform/notifications.ts';
import { deliverPending } from '../../src/platform/outbox.ts';
import { assignWork } from '../../src/platform/work.ts';
import { signedInClients, TestClient } from '../support/client.ts';
import { createOrganisation, createPartnership, createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp, testConfig } from '../support/harness.ts';
import { createPerson, relate } from '../support/people.ts';

/**
 * In-app notifications (with email by preference, never carrying personal data) and the work list: each first use
 * is written in the transaction of its cause, and reaches only those it should.
 */
async function involve(db: Kysely<DB>, personId: string, user: TestUser, teamId: string | null = null) {
  await db
    .insertInto('involvement')
    .values({
      person_id: personId,
      organisation_id: user.organisationId,
      team_id: teamId,
      user_id: teamId ? null : user.id,
      role: 'Key worker',
      started_on: '2025-01-01',
      ended_on: null,
      contact_phone: null,
      contact_email: null,
    })
    .execute();
}

const NAMES = /Aleksandra|Kowalczyk|Marta|Zara|Whitlock|Moira|Nell|Ashgrove|Hidden Way/;

for (const engine of engines()) {
  describe(`notifications and work on ${engine}`, () => {
    let t: TestApp;
    let db: Kysely<DB>;
    let smtp: SMTPServer;
    let mailer: Mailer;
    const received: string[] = [];
    const as = signedInClients(() => t);
    const post = async (user: TestUser, url: string, form: Record<string, string | string[]>, from = '/') => {
      const c = await as(user);
      await c.get(from);
      return c.post(url, form);
    };
    const notificationsOf = (user: TestUser) =>
      db.selectFrom('notification').selectAll().where('user_id', '=', user.id).orderBy('created_at').execute();
    /** Delivers the outbox to the real SMTP server and returns what it received. */
    const deliver = async () => {
      const from = received.length;
      // The outbox stamps messages with the database's own time; deliver everything queued up to now.
      await deliverPending(db, mailer, new Date(Math.max(Date.now(), t.clock.now().getTime()) + 60_000), 200);
      return received.slice(from);
    };
    const to = (mails: string[], user: TestUser) => mails.filter((m) => m.includes(user.email));
    const dateFields = (prefix: string) => {
      const [y, m, d] = t.clock.now().toISOString().slice(0, 10).split('-');
      return { [`${prefix}-day`]: String(Number(d)), [`${prefix}-month`]: String(Number(m)), [`${prefix}-year`]: y! };
    };

    before(async () => {
      smtp = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS'],
        onData(stream, _session, callback) {
          let data = '';
          stream.on('data', (c: Buffer) => {
            data += c.toString();
          });
          stream.on('end', () => {
            received.push(data);
            callback();
          });
        },
      });
      await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
      const port = (smtp.server.address() as { port: number }).port;
      mailer = createMailer(testConfig({ SMTP_URL: `smtp://127.0.0.1:${port}` }));
      t = await startTestApp(engine);
      // A Monday.
      t.clock.set(new Date('2026-11-23T10:00:00Z'));
      db = t.database.db;
    });
    after(async () => {
      await t.close();
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    });

    test('the header counts unread notifications; opening one marks it read and follows its link; only your own', async () => {
      const reader = await createUser(db, { name: 'Rhea Reader' });
      const other = await createUser(db, { name: 'Otto Other' });
      await db.transaction().execute((trx) =>
        notify(trx, {
          userIds: [reader.id, other.id],
          kind: 'test',
          title: 'Something to look at',
          href: '/directory',
          at: t.clock.now(),
        }),
      );
      await db
        .transaction()
        .execute((trx) =>
          notify(trx, { userIds: [reader.id], kind: 'test', title: 'Another thing', href: '/work', at: t.clock.now() }),
        );
      const client = await as(reader);
      const home = await client.get('/');
      assert.match(home.body, /Notifications <span aria-hidden="true">\(2\)<\/span>/);
      assert.match(home.body, /2 unread notifications/);
      const page = await client.get('/notifications');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Something to look at/);
      assert.match(page.body, /Another thing/);
      // Each button says which notification it is for, to a screen reader.
      assert.match(page.body, /Open<span class="govuk-visually-hidden">: Something to look at<\/span>/);
      assert.match(page.body, /Mark as read<span class="govuk-visually-hidden">: Another thing<\/span>/);
      const [first] = await notificationsOf(reader);
      const theirs = (await notificationsOf(other))[0]!;
      // Someone else's notification is not found, and stays unread.
      const stolen = await client.post(`/notifications/${theirs.id}/open`, {});
      assert.equal(stolen.statusCode, 404);
      assert.equal((await notificationsOf(other))[0]!.read_at, null);
      assert.equal((await client.post('/notifications/not-an-id/open', {})).statusCode, 404);
      await client.get('/notifications');
      const opened = await client.post(`/notifications/${first!.id}/open`, {});
      assert.equal(opened.statusCode, 303);
      assert.equal(opened.headers.location, '/directory');
      const after = await client.get('/notifications');
      assert.match(after.body, /Notifications <span aria-hidden="true">\(1\)<\/span>/);
      assert.match(after.body, /1 unread notification</);
      // Without the form's token nothing changes.
      const forged = new TestClient(t.app, t.clock);
      forged.cookies = new Map(client.cookies);
      assert.equal((await forged.post('/notifications/read-all', { _csrf: 'forged' })).statusCode, 403);
      const all = await client.post('/notifications/read-all', {});
      assert.equal(all.headers.location, '/notifications?done=all-read');
      assert.match((await client.get('/notifications')).body, /\(0\)/);
      assert.ok((await notificationsOf(reader)).every((n) => n.read_at));
    });

    test('email at once says only that there is something to look at; a daily digest is sent once a day', async () => {
      const now = await createUser(db, { name: 'Nia Now' });
      const daily = await createUser(db, { name: 'Dev Daily' });
      const client = await as(daily);
      await client.get('/account/notifications');
      const missing = await client.post('/account/notifications', {});
      assert.equal(missing.statusCode, 400);
      assert.match(missing.body, /Select how you want to hear about new notifications/);
      const saved = await client.post('/account/notifications', { notificationEmail: 'daily' });
      assert.equal(saved.headers.location, '/account/notifications?done=saved');
      assert.match((await client.get('/account/notifications')).body, /value="daily" checked/);
      await db.transaction().execute((trx) =>
        notify(trx, {
          userIds: [now.id, daily.id],
          kind: 'test',
          title: 'A consent you relied on was withdrawn',
          href: '/notifications',
          at: t.clock.now(),
        }),
      );
      const first = await deliver();
      assert.equal(to(first, now).length, 1);
      assert.equal(to(first, daily).length, 0, 'the digest user is not emailed at once');
      assert.match(first[0]!, /Subject: Early Help Hub: you have a new notification/);
      assert.match(first[0]!, /\/notifications/);
      assert.doesNotMatch(first[0]!, /consent|withdrawn/i);
      // The digest: one email with the count, once per London day however often it runs.
      await db
        .transaction()
        .execute((trx) =>
          notify(trx, { userIds: [daily.id], kind: 'test', title: 'Second', href: '/work', at: t.clock.now() }),
        );
      // One already read in the service is not counted.
      await db
        .transaction()
        .execute((trx) =>
          notify(trx, { userIds: [daily.id], kind: 'test', title: 'Seen', href: '/work', at: t.clock.now() }),
        );
      await db
        .updateTable('notification')
        .set({ read_at: t.clock.now() })
        .where('user_id', '=', daily.id)
        .where('title', '=', 'Seen')
        .execute();
      t.clock.advance(8 * 3600_000);
      assert.ok((await sendDailyDigests(db, t.clock.now())) >= 1);
      assert.equal(await sendDailyDigests(db, t.clock.now()), 0);
      const digest = to(await deliver(), daily);
      assert.equal(digest.length, 1);
      assert.match(digest[0]!, /There are 2 new things for you to look at/);
      const sentDays = await db.selectFrom('notification_digest').selectAll().where('user_id', '=', daily.id).execute();
      assert.equal(sentDays.length, 1);
      assert.equal(sentDays[0]!.notification_count, 2);
      // Nothing new the next day: no email. Something new: one more.
      t.clock.advance(24 * 3600_000);
      await sendDailyDigests(db, t.clock.now());
      assert.equal(to(await deliver(), daily).length, 0);
      await db
        .transaction()
        .execute((trx) =>
          notify(trx, { userIds: [daily.id], kind: 'test', title: 'Third', href: '/work', at: t.clock.now() }),
        );
      // The app's daily job sends it: after 07:00 London time, once whatever the number of runs.
      await t.app.jobs.runDue(t.clock.now());
      await t.app.jobs.runDue(t.clock.now());
      const next = to(await deliver(), daily);
      assert.equal(next.length, 1);
      assert.match(next[0]!, /There is something new for you to look at/);
      t.clock.set(new Date('2026-11-23T10:00:00Z'));
    });

    test('a consent withdrawn notifies the practitioners who relied on it, not those it did not cover', async () => {
      const school = await createOrganisation(db, { name: 'Larkspur Primary School', agency_type: 'school' });
      const health = await createOrganisation(db, { name: 'Northgate Health Visiting', agency_type: 'health' });
      const housing = await createOrganisation(db, { name: 'Luton Housing', agency_type: 'housing' });
      const teacher = await createUser(db, { organisationId: school.id, name: 'Priya Sharma' });
      const nurse = await createUser(db, { organisationId: health.id, name: 'Hannah Lee' });
      const nurseColleague = await createUser(db, { organisationId: health.id, name: 'Hari Team' });
      const housingOfficer = await createUser(db, { organisationId: housing.id, name: 'Hugo Housing' });
      const healthTeam = await db
        .insertInto('team')
        .values({ organisation_id: health.id, area_id: null, name: 'School nursing' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db.insertInto('user_team').values({ user_id: nurseColleague.id, team_id: healthTeam.id }).execute();
      const child = await createPerson(db, {
        givenName: 'Aleksandra',
        familyName: 'Kowalczyk',
        dateOfBirth: '2012-03-27',
        address: { line1: '12 Larkspur Row', postcode: 'LU2 7QX' },
      });
      const mother = await createPerson(db, {
        kind: 'adult',
        givenName: 'Marta',
        familyName: 'Kowalczyk',
        dateOfBirth: '1985-06-01',
        address: { line1: '12 Larkspur Row', postcode: 'LU2 7QX' },
      });
      await relate(db, child, mother, 'parent');
      await db
        .updateTable('relationship')
        .set({ parental_responsibility: true })
        .where('person_id', '=', child)
        .execute();
      await involve(db, child, teacher);
      await involve(db, child, nurse);
      await involve(db, child, nurseColleague, healthTeam.id);
      await involve(db, child, housingOfficer);
      const recorded = await post(
        teacher,
        `/people/${child}/consent`,
        {
          decision: 'given',
          givenBy: mother,
          purposes: ['information_sharing'],
          agencyTypes: ['health', 'school'],
          method: 'in_person',
          ...dateFields('obtainedOn'),
        },
        `/people/${child}/consent/new`,
      );
      assert.equal(recorded.statusCode, 303, recorded.body.slice(0, 500));
      const consent = await db
        .selectFrom('consent')
        .select('id')
        .where('person_id', '=', child)
        .executeTakeFirstOrThrow();
      await deliver();
      const withdrawn = await post(
        teacher,
        `/people/${child}/consent/${consent.id}/withdraw`,
        { ...dateFields('withdrawnOn'), reason: 'Mum rang to say she no longer agrees' },
        `/people/${child}/consent/${consent.id}/withdraw`,
      );
      assert.equal(withdrawn.statusCode, 303);
      for (const user of [nurse, nurseColleague]) {
        const [n] = await notificationsOf(user);
        assert.equal(n?.title, 'A consent you relied on was withdrawn');
        assert.equal(n?.href, `/people/${child}/consent`);
      }
      assert.equal((await notificationsOf(teacher)).length, 0, 'the practitioner who recorded it is not told');
      assert.equal((await notificationsOf(housingOfficer)).length, 0, 'housing was not covered by the consent');
      const mails = await deliver();
      assert.equal(to(mails, nurse).length, 1);
      assert.ok(mails.every((m) => !NAMES.test(m)));
      // The nurse opens it from the header and lands on the consent page.
      const client = await as(nurse);
      assert.match((await client.get('/')).body, /1 unread notification</);
      await client.get('/notifications');
      const [n] = await notificationsOf(nurse);
      const opened = await client.post(`/notifications/${n!.id}/open`, {});
      assert.equal(opened.headers.location, `/people/${child}/consent`);
      assert.equal((await client.get(opened.headers.location as string)).statusCode, 200);
    });

    test('a sharing decision naming an organisation tells its people, and grants nothing more', async () => {
      const council = await createOrganisation(db, { name: 'Luton Front Door', agency_type: 'local_authority' });
      const police = await createOrganisation(db, { name: 'Bedfordshire Police', agency_type: 'police' });
      const frontDoor = await createUser(db, { roles: ['front_door'], organisationId: council.id, name: 'Femi' });
      const officer = await createUser(db, { organisationId: police.id, name: 'Owen Officer' });
      const analyst = await createUser(db, { roles: ['analyst'], organisationId: police.id, name: 'Ana Analyst' });
      const child = await createPerson(db, {
        givenName: 'Aleksandra',
        familyName: 'Kowalczyk',
        dateOfBirth: '2013-03-27',
        involvement: { organisationId: council.id, userId: frontDoor.id },
      });
      const before = await db.selectFrom('involvement').select('id').where('person_id', '=', child).execute();
      const decided = await post(
        frontDoor,
        `/people/${child}/consent/decisions`,
        {
          decision: 'share',
          what: 'Attendance record',
          recipientKind: 'organisation',
          recipientOrganisationId: police.id,
          basis: 'child_at_risk_of_harm',
          adviceSought: 'Designated safeguarding lead',
          reason: 'Police need it for a joint visit today.',
        },
        `/people/${child}/consent/decisions/new`,
      );
      assert.equal(decided.statusCode, 303, decided.body.slice(0, 500));
      const [n] = await notificationsOf(officer);
      assert.equal(n?.title, 'A decision to share information with your organisation was recorded');
      assert.equal(n?.href, `/people/${child}`);
      assert.equal((await notificationsOf(analyst)).length, 0, 'only people who work with children are told');
      assert.equal((await notificationsOf(frontDoor)).length, 0);
      assert.ok((await deliver()).every((m) => !NAMES.test(m) && !/joint visit|Police/.test(m)));
      // Being told adds no involvement and no relationship: the record's own checks still decide.
      const afterwards = await db.selectFrom('involvement').select('id').where('person_id', '=', child).execute();
      assert.equal(afterwards.length, before.length);
      const client = await as(officer);
      await client.get('/notifications');
      const opened = await client.post(`/notifications/${n!.id}/open`, {});
      assert.equal(opened.headers.location, `/people/${child}`);
      assert.notEqual((await client.get(`/people/${child}/consent`)).statusCode, 200);
    });

    test('a break-glass tells those working with the record and with the shielded child it lives with', async () => {
      const school = await createOrganisation(db, { name: 'Brookfield Primary' });
      const refuge = await createOrganisation(db, { name: 'Safe Haven', agency_type: 'domestic_abuse' });
      const teacher = await createUser(db, { organisationId: school.id, name: 'Tara Teacher' });
      const refugeWorker = await createUser(db, { organisationId: refuge.id, name: 'Rita Refuge' });
      const outsider = await createUser(db, { name: 'Olu Outsider' });
      const hidden = { line1: '4 Hidden Way', postcode: 'LU4 4HW' };
      const child = await createPerson(db, {
        givenName: 'Zara',
        familyName: 'Whitlock',
        dateOfBirth: '2015-04-04',
        address: hidden,
        shielded: true,
        involvement: { organisationId: school.id, userId: teacher.id },
      });
      const mother = await createPerson(db, {
        kind: 'adult',
        givenName: 'Moira',
        familyName: 'Whitlock',
        dateOfBirth: '1985-02-02',
        address: hidden,
        involvement: { organisationId: refuge.id, userId: refugeWorker.id },
      });
      await relate(db, child, mother, 'parent');
      await deliver();
      const opened = await post(outsider, `/people/${mother}/break-glass`, { reason: 'Checking who supports her' });
      assert.equal(opened.statusCode, 200);
      const [forRefuge] = await notificationsOf(refugeWorker);
      assert.equal(forRefuge?.title, 'A shielded record you work with was opened');
      assert.equal(forRefuge?.href, `/people/${mother}`);
      const [forTeacher] = await notificationsOf(teacher);
      assert.equal(forTeacher?.title, 'The record of someone living with a shielded child you work with was opened');
      assert.equal(forTeacher?.href, `/people/${child}`);
      assert.equal((await notificationsOf(outsider)).length, 0);
      const mails = await deliver();
      assert.equal(to(mails, teacher).length, 1);
      assert.equal(to(mails, refugeWorker).length, 1);
      assert.ok(mails.every((m) => !NAMES.test(m)));
    });

    test('a merge tells the practitioners working with either record', async () => {
      const reviewer = await createUser(db, { roles: ['integrated_processes'], name: 'Rory Reviewer' });
      const a = await createUser(db, { name: 'Abi Ashworth' });
      const b = await createUser(db, { name: 'Ben Barker' });
      const stranger = await createUser(db, { name: 'Sid Stranger' });
      const one = await createPerson(db, {
        givenName: 'Nell',
        familyName: 'Ashgrove',
        dateOfBirth: '2014-01-01',
        involvement: { organisationId: a.organisationId, userId: a.id },
      });
      const two = await createPerson(db, {
        givenName: 'Nell',
        familyName: 'Ashgrove',
        dateOfBirth: '2014-01-01',
        involvement: { organisationId: b.organisationId, userId: b.id },
      });
      const pair = await db
        .insertInto('possible_duplicate')
        .values({ person_id: one, other_person_id: two, score: 0.95, reasons: '[]', source: 'manual', found_by: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      const merged = await post(
        reviewer,
        `/duplicates/${pair.id}/merge`,
        { kept: one, reason: 'Same child, registered twice' },
        `/duplicates/${pair.id}`,
      );
      assert.equal(merged.statusCode, 303, merged.body.slice(0, 300));
      for (const user of [a, b]) {
        const [n] = await notificationsOf(user);
        assert.equal(n?.title, 'Two records of someone you work with were merged into one');
        assert.equal(n?.href, `/people/${one}`);
      }
      assert.equal((await notificationsOf(stranger)).length, 0);
      assert.equal((await notificationsOf(reviewer)).length, 0);
      assert.ok((await deliver()).every((m) => !NAMES.test(m)));
    });

    test('a request to lift shielding is on the work list of those who may approve it until it is decided', async () => {
      const serving = await createOrganisation(db, { name: 'Aire Family Support' });
      const elsewhere = await createOrganisation(db, { name: 'Lea Family Support' });
      await createPartnership(db, 'Aire', [serving.id]);
      await createPartnership(db, 'Lea', [elsewhere.id]);
      const asker = await createUser(db, { roles: ['manager'], organisationId: serving.id, name: 'Asha Asker' });
      const approver = await createUser(db, { roles: ['manager'], organisationId: serving.id, name: 'Ade Approver' });
      const farAway = await createUser(db, { roles: ['manager'], organisationId: elsewhere.id, name: 'Lee Lea' });
      const practitioner = await createUser(db, { organisationId: serving.id, name: 'Pat Practitioner' });
      const kid = await createPerson(db, {
        givenName: 'Nell',
        familyName: 'Ashgrove',
        dateOfBirth: '2014-01-01',
        shielded: true,
        involvement: { organisationId: serving.id, userId: asker.id },
      });
      const client = await as(asker);
      await client.get(`/people/${kid}/shielding`);
      const asked = await client.post(`/people/${kid}/shielding`, { action: 'lift', reason: 'Risk reviewed' });
      assert.equal(asked.statusCode, 303);
      const request = await db
        .selectFrom('shielding_request')
        .select('id')
        .where('person_id', '=', kid)
        .executeTakeFirstOrThrow();
      const items = await db.selectFrom('work_item').selectAll().where('source_id', '=', request.id).execute();
      assert.deepEqual(
        items.map((i) => i.assigned_user_id),
        [approver.id],
        'only the manager whose partnership the child is in, not the asker, the far-away manager or a practitioner',
      );
      void farAway;
      void practitioner;
      const approverClient = await as(approver);
      const work = await approverClient.get('/work');
      assert.equal(work.statusCode, 200);
      assert.match(work.body, /Approve or decline a request to lift shielding/);
      assert.match(work.body, new RegExp(`href="/people/shielding-requests/${request.id}"`));
      assert.doesNotMatch(work.body, NAMES);
      assert.doesNotMatch((await client.get('/work')).body, /lift shielding/);
      // Decided: done for everyone it was assigned to.
      await approverClient.get(`/people/shielding-requests/${request.id}`);
      const decided = await approverClient.post(`/people/shielding-requests/${request.id}`, {
        decision: 'approve',
        reason: 'Agreed at the strategy meeting',
      });
      assert.equal(decided.statusCode, 303);
      const done = await db.selectFrom('work_item').selectAll().where('source_id', '=', request.id).execute();
      assert.ok(done.every((i) => i.status === 'done' && i.done_by === approver.id));
      assert.doesNotMatch((await approverClient.get('/work')).body, /lift shielding/);
    });

    test('the work list puts overdue first, says when in working days, and hides a child no longer yours', async () => {
      const worker = await createUser(db, { roles: ['practitioner'], name: 'Wren Worker' });
      const manager = await createUser(db, { roles: ['manager'], organisationId: worker.organisationId, name: 'Mo' });
      const team = await db
        .insertInto('team')
        .values({ organisation_id: worker.organisationId, area_id: null, name: 'Family support team' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db.insertInto('user_team').values({ user_id: worker.id, team_id: team.id }).execute();
      await db.insertInto('user_team').values({ user_id: manager.id, team_id: team.id, is_manager: true }).execute();
      const child = await createPerson(db, {
        givenName: 'Nell',
        familyName: 'Ashgrove',
        dateOfBirth: '2014-01-01',
        involvement: { organisationId: worker.organisationId, userId: worker.id },
      });
      const stranger = await createPerson(db, { givenName: 'Zara', familyName: 'Whitlock', dateOfBirth: '2015-01-01' });
      const now = t.clock.now();
      const add = (title: string, extra: Partial<Parameters<typeof assignWork>[1]> = {}) =>
        db.transaction().execute((trx) =>
          assignWork(trx, {
            kind: 'test',
            title,
            href: '/work',
            sourceType: 'test',
            sourceId: crypto.randomUUID(),
            assignTo: { userIds: [worker.id] },
            at: now,
            by: null,
            ...extra,
          }),
        );
      // Monday 23 November 2026, 10:00 UTC.
      await add('Undated thing');
      await add('Due Wednesday', { dueAt: new Date('2026-11-26T00:00:00Z') });
      await add('Was due Thursday', { dueAt: new Date('2026-11-20T00:00:00Z') });
      await add('Due tomorrow', { dueAt: new Date('2026-11-25T00:00:00Z') });
      await add('For the team', { assignTo: { teamId: team.id } });
      await add('About my child', { personId: child });
      await add('About a child I do not know', { personId: stranger });
      const page = await (await as(worker)).get('/work');
      const titles = [...page.body.matchAll(/<a class="govuk-link" href="\/work">([^<]+)<\/a>/g)].map((m) => m[1]);
      assert.deepEqual(titles.slice(0, 3), ['Was due Thursday', 'Due tomorrow', 'Due Wednesday']);
      assert.deepEqual(new Set(titles.slice(3)), new Set(['Undated thing', 'For the team', 'About my child']));
      assert.match(page.body, /2 working days overdue/);
      assert.match(page.body, /Due tomorrow/);
      assert.match(page.body, /Due in 2 working days/);
      assert.doesNotMatch(page.body, /About a child I do not know/);
      // The API gives the same list.
      const token = (
        await new TokenService(db, t.clock).createForEmail(
          worker.email,
          { name: 'work', expiresInDays: null },
          { requestId: 'test', clientIp: '127.0.0.1' },
        )
      ).token;
      const api = await t.app.inject({
        method: 'GET',
        url: '/api/v1/me/work',
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(api.statusCode, 200);
      const body = api.json() as { items: { title: string; due: { words: string } | null }[] };
      assert.equal(body.items[0]!.title, 'Was due Thursday');
      assert.equal(body.items[0]!.due!.words, '2 working days overdue');
      assert.ok(!body.items.some((i) => i.title === 'About a child I do not know'));
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/me/work' })).statusCode, 401);
      // The manager's team view shows the team's work with who has it; others may not see a team view.
      const teamView = await (await as(manager)).get('/work?view=team');
      assert.equal(teamView.statusCode, 200);
      assert.match(teamView.body, /Was due Thursday/);
      assert.match(teamView.body, /Wren Worker/);
      assert.equal((await (await as(worker)).get('/work?view=team')).statusCode, 403);
      // When the involvement ends, work about the child is no longer shown.
      await db.updateTable('involvement').set({ ended_on: '2026-11-20' }).where('person_id', '=', child).execute();
      assert.doesNotMatch((await (await as(worker)).get('/work')).body, /About my child/);
    });
  });
}
