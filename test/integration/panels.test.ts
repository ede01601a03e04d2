import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { createMailer } from '../../src/platform/mailer.ts';
import { deliverPending } from '../../src/platform/outbox.ts';
import { signedInClients } from '../support/client.ts';
import { createOrganisation, createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp, testConfig } from '../support/harness.ts';
import { createPerson } from '../support/people.ts';
import { startSmtpServer } from '../support/smtp.ts';

/** The body of a MIME part as sent: base64 or quoted-printable decoded. */
function partBody(message: string, contentType: RegExp): string | null {
  const boundary = /boundary="?([^"\r\n;]+)"?/.exec(message)?.[1];
  const parts = boundary ? message.split(`--${boundary}`) : [message];
  for (const part of parts) {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const headers = part.slice(0, split);
    if (!contentType.test(headers)) continue;
    const body = part.slice(split + 4);
    if (/Content-Transfer-Encoding: base64/i.test(headers))
      return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString();
    if (/Content-Transfer-Encoding: quoted-printable/i.test(headers)) {
      return body
        .replace(/=\r\n/g, '')
        .replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
    }
    return body;
  }
  return null;
}

const panelForm = (extra: Record<string, string | string[]> = {}) => ({
  name: 'North Area Family Support Panel',
  model: 'area_family_support',
  areaId: '',
  remit: 'Family support when a simple referral has not worked.',
  cadenceWeeks: '1',
  weekday: '5',
  startTime: '10:00',
  maxMinutes: '120',
  slotMinutes: '15',
  papersDueWorkingDays: '5',
  invitationDays: '3',
  circulationWorkingDays: '4',
  decisionsHours: '48',
  ...extra,
});

for (const engine of engines()) {
  describe(`panels on ${engine}`, () => {
    let t: TestApp;
    let db: Kysely<DB>;
    let admin: TestUser;
    let panelAdmin: TestUser;
    let otherAdmin: TestUser;
    let chair: TestUser;
    let member: TestUser;
    let outsider: TestUser;
    let practitioner: TestUser;
    let panelId: string;
    const as = signedInClients(() => t);
    const post = async (user: TestUser, url: string, form: Record<string, string | string[]>) => {
      const c = await as(user);
      await c.get('/panels');
      return c.post(url, form);
    };
    const meetings = () =>
      db.selectFrom('panel_meeting').selectAll().where('panel_id', '=', panelId).orderBy('meeting_date').execute();
    const outbox = () => db.selectFrom('outbox_message').select(['id', 'payload']).orderBy('created_at').execute();

    before(async () => {
      t = await startTestApp(engine);
      t.clock.set(new Date('2026-12-07T10:00:00Z'));
      db = t.database.db;
      const council = await createOrganisation(db, { name: 'Luton Borough Council', agency_type: 'local_authority' });
      const health = await createOrganisation(db, { name: 'Luton Primary Care Trust', agency_type: 'health' });
      admin = await createUser(db, { roles: ['system_admin'], organisationId: council.id });
      panelAdmin = await createUser(db, { roles: ['panel_admin'], organisationId: council.id, name: 'Amira Begum' });
      otherAdmin = await createUser(db, { roles: ['panel_admin'], organisationId: council.id });
      chair = await createUser(db, { roles: ['panel_chair'], organisationId: health.id, name: 'Graham Okafor' });
      member = await createUser(db, { roles: ['panel_member'], organisationId: health.id, name: 'Ruth Adeyemi' });
      outsider = await createUser(db, { roles: ['panel_member'], organisationId: health.id });
      practitioner = await createUser(db, { roles: ['practitioner'], organisationId: health.id });
    });
    after(async () => t.close());

    test('only panel roles and administrators reach the Panels page', async () => {
      assert.equal((await (await as(practitioner)).get('/panels')).statusCode, 403);
      const page = await (await as(member)).get('/panels');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /You do not sit on any panel/);
      assert.doesNotMatch(page.body, /Add a panel/);
      assert.equal((await (await as(member)).get('/panels/new')).statusCode, 403);
    });

    test('a panel administrator adds a panel and becomes its administrator; bad set-ups are refused', async () => {
      const bad = await post(panelAdmin, '/panels', panelForm({ slotMinutes: '90', maxMinutes: '60', model: '' }));
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Select the kind of panel/);
      assert.match(bad.body, /A slot cannot be longer than the maximum length of a meeting/);
      assert.match(bad.body, /value="North Area Family Support Panel"/);
      const res = await post(panelAdmin, '/panels', panelForm());
      assert.equal(res.statusCode, 303);
      panelId = /\/panels\/([0-9a-f-]{36})/.exec(String(res.headers.location))![1]!;
      const again = await post(admin, '/panels', panelForm({ name: 'north area family support panel' }));
      assert.equal(again.statusCode, 400);
      assert.match(again.body, /There is already a panel with that name/);
      const seat = await db.selectFrom('panel_member').selectAll().where('panel_id', '=', panelId).execute();
      assert.deepEqual(
        seat.map((s) => [s.user_id, s.role]),
        [[panelAdmin.id, 'administrator']],
      );
    });

    test('members are added by role; a deputy must stand in for a member; others cannot change the panel', async () => {
      assert.equal(
        (await post(panelAdmin, `/panels/${panelId}/members`, { userId: chair.id, role: 'chair' })).statusCode,
        303,
      );
      assert.equal(
        (await post(panelAdmin, `/panels/${panelId}/members`, { userId: member.id, role: 'member' })).statusCode,
        303,
      );
      const noDeputy = await post(panelAdmin, `/panels/${panelId}/members`, { userId: outsider.id, role: 'deputy' });
      assert.equal(noDeputy.statusCode, 400);
      assert.match(noDeputy.body, /Select the member this person deputises for/);
      const notPanel = await post(panelAdmin, `/panels/${panelId}/members`, {
        userId: practitioner.id,
        role: 'member',
      });
      assert.equal(notPanel.statusCode, 400);
      assert.match(notPanel.body, /Select a person who holds a panel role/);
      // Another panel administrator does not administer this panel: it is not theirs to see or change.
      assert.equal((await (await as(otherAdmin)).get(`/panels/${panelId}`)).statusCode, 404);
      assert.equal(
        (await post(otherAdmin, `/panels/${panelId}/members`, { userId: outsider.id, role: 'member' })).statusCode,
        404,
      );
      const page = await (await as(member)).get(`/panels/${panelId}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Graham Okafor/);
      assert.doesNotMatch(page.body, /Add a member/);
      assert.equal((await (await as(outsider)).get(`/panels/${panelId}`)).statusCode, 404);
    });

    test('generating meetings moves a bank holiday meeting to the next working day, says so, and adds nothing twice', async () => {
      const before = (await outbox()).length;
      const res = await post(panelAdmin, `/panels/${panelId}/meetings/generate`, { months: '1', venue: 'Unity House' });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /4 meetings added/);
      assert.match(res.body, /Tuesday 29 December 2026: moved from Friday 25 December 2026 \(Christmas Day\)/);
      assert.deepEqual(
        (await meetings()).map((m) => [m.meeting_date, m.start_time, m.end_time, m.moved_from]),
        [
          ['2026-12-11', '10:00', '12:00', null],
          ['2026-12-18', '10:00', '12:00', null],
          ['2026-12-29', '10:00', '12:00', '2026-12-25'],
          ['2027-01-04', '10:00', '12:00', '2027-01-01'],
        ],
      );
      // Three members, four meetings: twelve invitations, none naming anyone but the panel.
      const sent = (await outbox()).slice(before);
      assert.equal(sent.length, 12);
      const again = await post(panelAdmin, `/panels/${panelId}/meetings/generate`, { months: '1', venue: '' });
      assert.match(again.body, /No meetings added/);
      assert.equal((await meetings()).length, 4);
      assert.equal((await outbox()).length, before + 12);
      const bad = await post(panelAdmin, `/panels/${panelId}/meetings/generate`, { months: '40' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /The number of months must be between 1 and 12/);
    });

    test('invitations reach members over SMTP as an iCalendar VEVENT with a stable UID', async () => {
      const smtp = await startSmtpServer();
      try {
        const mailer = createMailer(testConfig({ SMTP_URL: smtp.url }));
        const delivered = await deliverPending(db, mailer, new Date(Date.now() + 1000), 50);
        assert.ok(delivered >= 12);
        const first = (await meetings())[0]!;
        const toMember = smtp.received.filter((m) => m.includes(`To: ${member.email}`));
        assert.equal(toMember.length, 4);
        const invite = toMember.find((m) => m.includes(first.id));
        assert.ok(invite, 'an invitation for the first meeting');
        assert.match(invite, /Subject: Invitation to a panel meeting/);
        const ics = partBody(invite, /Content-Type: text\/calendar/i);
        assert.ok(ics, 'a text/calendar part');
        assert.match(ics, /^BEGIN:VCALENDAR\r\n/);
        assert.match(ics, /\r\nMETHOD:REQUEST\r\n/);
        assert.match(ics, /\r\nBEGIN:VEVENT\r\n/);
        assert.match(ics, new RegExp(`\\r\\nUID:panel-meeting-${first.id}@`));
        assert.match(ics, /\r\nSEQUENCE:0\r\n/);
        assert.match(ics, /\r\nDTSTART:20261211T100000Z\r\n/);
        assert.match(ics, /\r\nDTEND:20261211T120000Z\r\n/);
        assert.match(ics, /\r\nLOCATION:Unity House\r\n/);
        assert.match(ics, /END:VEVENT\r\nEND:VCALENDAR/);
      } finally {
        await smtp.close();
      }
    });

    test('a meeting longer than the maximum, on a weekend or a holiday is refused; a change goes out as an update', async () => {
      const [first] = await meetings();
      const url = `/panels/${panelId}/meetings/${first!.id}/edit`;
      const form = (extra: Record<string, string>) => ({
        'date-day': '11',
        'date-month': '12',
        'date-year': '2026',
        startTime: '10:00',
        endTime: '12:00',
        venue: 'Unity House',
        ...extra,
      });
      const long = await post(panelAdmin, url, form({ endTime: '12:30' }));
      assert.equal(long.statusCode, 400);
      assert.match(long.body, /The meeting would last 150 minutes: this panel meets for at most 120 minutes/);
      assert.match(long.body, /value="12:30"/);
      const weekend = await post(panelAdmin, url, form({ 'date-day': '12' }));
      assert.match(weekend.body, /Saturday 12 December 2026 is a weekend: choose a working day/);
      const holiday = await post(panelAdmin, url, form({ 'date-day': '28' }));
      assert.match(holiday.body, /Monday 28 December 2026 is not a working day/);
      const clash = await post(panelAdmin, url, form({ 'date-day': '18' }));
      assert.match(clash.body, /The panel already meets that day/);
      assert.equal((await post(member, url, form({}))).statusCode, 403);
      const before = (await outbox()).length;
      const same = await post(panelAdmin, url, form({}));
      assert.equal(same.statusCode, 303);
      assert.equal((await outbox()).length, before, 'saving it unchanged sends nothing');
      const moved = await post(panelAdmin, url, form({ 'date-day': '14', startTime: '13:30', endTime: '15:30' }));
      assert.equal(moved.statusCode, 303);
      const after = (await meetings()).find((m) => m.id === first!.id)!;
      assert.equal(after.meeting_date, '2026-12-14');
      assert.equal(after.sequence, 1);
      const updates = (await outbox()).slice(before);
      assert.equal(updates.length, 3);
      const payload = updates[0]!.payload as unknown as {
        subject: string;
        text: string;
        attachments: { content: string }[];
      };
      assert.equal(payload.subject, 'A panel meeting has changed');
      assert.match(payload.attachments[0]!.content, /\r\nSEQUENCE:1\r\n/);
      assert.match(payload.attachments[0]!.content, /\r\nDTSTART:20261214T133000Z\r\n/);
    });

    test('cancelling sends METHOD:CANCEL with the same UID; cancelling twice does nothing more', async () => {
      const [first] = await meetings();
      const before = (await outbox()).length;
      const res = await post(panelAdmin, `/panels/${panelId}/meetings/${first!.id}/cancel`, {});
      assert.equal(res.statusCode, 303);
      const cancels = (await outbox()).slice(before);
      assert.equal(cancels.length, 3);
      const payload = cancels[0]!.payload as unknown as { subject: string; attachments: { content: string }[] };
      assert.equal(payload.subject, 'A panel meeting has been cancelled');
      assert.match(payload.attachments[0]!.content, /\r\nMETHOD:CANCEL\r\n/);
      assert.match(payload.attachments[0]!.content, new RegExp(`UID:panel-meeting-${first!.id}@`));
      assert.match(payload.attachments[0]!.content, /\r\nSEQUENCE:2\r\n/);
      await post(panelAdmin, `/panels/${panelId}/meetings/${first!.id}/cancel`, {});
      assert.equal((await outbox()).length, before + 3);
    });

    test('members see their panels and meetings and download the calendar file; others do not', async () => {
      const page = await (await as(member)).get('/panels');
      assert.match(page.body, /North Area Family Support Panel/);
      assert.match(page.body, /Friday 18 December 2026/);
      const [, second] = await meetings();
      const meeting = await (await as(member)).get(`/panels/${panelId}/meetings/${second!.id}`);
      assert.equal(meeting.statusCode, 200);
      // Papers 5 working days before Friday 18 December; decisions circulated 4 working days after.
      assert.match(meeting.body, /By the end of Friday 11 December 2026/);
      assert.match(meeting.body, /By the end of Thursday 24 December 2026/);
      assert.match(meeting.body, /8 slots of 15 minutes/);
      const ics = await (await as(member)).get(`/panels/${panelId}/meetings/${second!.id}/calendar.ics`);
      assert.equal(ics.statusCode, 200);
      assert.match(String(ics.headers['content-type']), /text\/calendar/);
      assert.match(ics.body, new RegExp(`UID:panel-meeting-${second!.id}@`));
      assert.equal(
        (await (await as(outsider)).get(`/panels/${panelId}/meetings/${second!.id}/calendar.ics`)).statusCode,
        404,
      );
      assert.equal((await (await as(practitioner)).get(`/panels/${panelId}/meetings/${second!.id}`)).statusCode, 403);
      // Membership ended: the panel is no longer theirs.
      const seat = await db
        .selectFrom('panel_member')
        .select('id')
        .where('panel_id', '=', panelId)
        .where('user_id', '=', member.id)
        .executeTakeFirstOrThrow();
      assert.equal((await post(panelAdmin, `/panels/${panelId}/members/${seat.id}/end`, {})).statusCode, 303);
      assert.equal((await (await as(member)).get(`/panels/${panelId}`)).statusCode, 404);
    });

    test('retiring: a reason is required; refused while a request waits; then no more meetings or requests', async () => {
      const url = `/panels/${panelId}/retire`;
      assert.equal((await post(member, url, { reason: 'Merged' })).statusCode, 403);
      const blank = await post(panelAdmin, url, { reason: '  ' });
      assert.equal(blank.statusCode, 400);
      assert.match(blank.body, /Enter why the panel is being retired/);
      const child = await createPerson(db, { givenName: 'Kit', familyName: 'Example', dateOfBirth: '2015-03-01' });
      const waiting = await db
        .insertInto('panel_request')
        .values({
          panel_id: panelId,
          person_id: child,
          referrer_user_id: practitioner.id,
          referrer_organisation_id: practitioner.organisationId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const refused = await post(panelAdmin, url, { reason: 'Merged with the central panel' });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /1 request is still waiting for this panel or on its agendas/);
      assert.match(refused.body, /Merged with the central panel/);
      assert.equal(
        (await db.selectFrom('panel').select('status').where('id', '=', panelId).executeTakeFirstOrThrow()).status,
        'active',
      );
      await db
        .updateTable('panel_request')
        .set({ status: 'declined', status_reason: 'Not for this panel' })
        .where('id', '=', waiting.id)
        .execute();
      const toCome = (await meetings()).filter((m) => m.status === 'scheduled').length;
      assert.ok(toCome > 0);
      const before = (await outbox()).length;
      const done = await post(panelAdmin, url, { reason: 'Merged with the central panel' });
      assert.equal(done.statusCode, 303);
      assert.equal((await meetings()).filter((m) => m.status === 'scheduled').length, 0);
      assert.ok((await outbox()).length > before, 'members are sent the cancellations');
      const page = await (await as(panelAdmin)).get(`/panels/${panelId}`);
      assert.match(
        page.body,
        /Retired<\/strong> on Monday 7 December 2026 by Amira Begum: Merged with the central panel/,
      );
      assert.doesNotMatch(page.body, /data-qa="generate"/);
      const audit = await db
        .selectFrom('audit_event')
        .select('details')
        .where('action', '=', 'admin.panel.retired')
        .where('record_id', '=', panelId)
        .executeTakeFirstOrThrow();
      assert.equal((audit.details as { meetingsCancelled: number }).meetingsCancelled, toCome);
      const generate = await post(panelAdmin, `/panels/${panelId}/meetings/generate`, { months: '2' });
      assert.equal(generate.statusCode, 400);
      assert.match(generate.body, /This panel is retired/);
    });
  });
}
