import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { contactSource } from '../../src/features/front-door/chronology.ts';
import { createMailer } from '../../src/platform/mailer.ts';
import { TestClient } from '../support/client.ts';
import { createOrganisation, createPartnership, createUser, type TestUser } from '../support/factories.ts';
import { FILES, multipart, type Part } from '../support/files.ts';
import { engines, startTestApp, type TestApp, testConfig } from '../support/harness.ts';
import { createPerson } from '../support/people.ts';
import { startSmtpServer, type TestSmtp } from '../support/smtp.ts';

const linkIn = (mail: string) => {
  // Quoted-printable may wrap the line: join soft line breaks first.
  const m = /\/request-support\/form\?token=([A-Za-z0-9_-]{43})/.exec(mail.replace(/=\r?\n/g, '').replace(/=3D/g, '='));
  return m ? m[1]! : null;
};

const contactIdFrom = (body: string) => /\/front-door\/contacts\/([0-9a-f-]{36})/.exec(body)?.[1];

for (const engine of engines()) {
  describe(`The public request form (${engine})`, () => {
    let t: TestApp;
    let smtp: TestSmtp;
    let db: Kysely<DB>;
    let fd: TestUser;
    let teacher: TestUser;
    let stranger: TestUser;
    let existingChild: string;
    let ip = 1;
    /** A new client from a new address, so the per-address limit of one test does not reach another. */
    const visitor = () => {
      const c = new TestClient(t.app, t.clock);
      c.remoteAddress = `198.51.100.${ip++}`;
      return c;
    };
    const signedIn = async (u: TestUser) => {
      const c = new TestClient(t.app, t.clock);
      await c.signIn(u);
      return c;
    };
    const sentTo = (email: string) => smtp.received.filter((m) => m.includes(`To: ${email}`));

    /** Step 1 and the email: the token from the link delivered over SMTP. */
    const verify = async (c: TestClient, email: string) => {
      await c.get('/request-support');
      const res = await c.post('/request-support', {
        name: 'Val Volunteer',
        organisation: 'Lea Food Bank',
        role: 'Family support volunteer',
        email,
      });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/request-support/check-your-email');
      await t.runJobs();
      const mails = sentTo(email);
      return linkIn(mails.at(-1) ?? '');
    };

    const FORM: Record<string, string> = {
      harm: 'no',
      'child1-givenName': 'Robin',
      'child1-familyName': 'Ashdown',
      'child1-dob-day': '2',
      'child1-dob-month': '9',
      'child1-dob-year': '2016',
      'child1-address': '4 Quarry Road',
      'child1-postcode': 'LU1 2BB',
      family: 'Lives with mum and an older brother.',
      referralSource: '8',
      circumstances: 'Comes to the food bank alone and says there is no food at home.',
      needsToHappen: 'Someone to visit the family.',
      tried: 'Food parcels since September.',
      permission: 'consent',
      urgency: 'normal',
    };

    /** Posts the request form as the browser does: the CSRF token first, then the fields, then the file. */
    const submit = async (
      c: TestClient,
      token: string,
      fields: Record<string, string> = {},
      file: { filename: string; content: Buffer } | null = null,
    ): Promise<LightMyRequestResponse> => {
      await c.get(`/request-support/form?token=${token}`);
      await c.post(`/request-support/form/start?token=${token}`, { harm: fields.harm ?? 'no' });
      const parts: Part[] = [{ name: '_csrf', value: c.csrf ?? '' }];
      for (const [name, value] of Object.entries({ ...FORM, ...fields })) parts.push({ name, value });
      parts.push({ name: 'file', file: file ?? { filename: '', content: Buffer.alloc(0) } });
      const { body, contentType } = multipart(parts);
      return t.app.inject({
        method: 'POST',
        url: `/request-support/form?token=${token}`,
        payload: body,
        headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': contentType },
        ...(c.remoteAddress ? { remoteAddress: c.remoteAddress } : {}),
      });
    };

    const count = async (table: 'contact' | 'attachment' | 'contact_typed_child') =>
      Number((await sql<{ n: string }>`select count(*)::text as n from ${sql.table(table)}`.execute(db)).rows[0]!.n);

    before(async () => {
      smtp = await startSmtpServer();
      t = await startTestApp(engine, { mailer: createMailer(testConfig({ SMTP_URL: smtp.url })) });
      db = t.database.db;
      const school = await createOrganisation(db, { name: 'Oak Lane Primary', agency_type: 'school' });
      const social = await createOrganisation(db, { name: 'Lea Social Care', agency_type: 'social_care' });
      const other = await createOrganisation(db, { name: 'Far Hill Primary', agency_type: 'school' });
      await createPartnership(db, 'Lea', [school.id, social.id]);
      await db
        .insertInto('team')
        .values({
          organisation_id: social.id,
          name: 'Lea Front Door',
          phone: '01632 960100',
          contact_role: 'front_door',
          hours: 'Monday to Friday, 9am to 5pm',
        } as never)
        .execute();
      fd = await createUser(db, { organisationId: social.id, name: 'Fay Door', roles: ['front_door'] });
      teacher = await createUser(db, { organisationId: school.id, name: 'Tess Teacher' });
      stranger = await createUser(db, { organisationId: other.id, name: 'Sam Stranger' });
      existingChild = await createPerson(db, {
        givenName: 'Robin',
        familyName: 'Ashdown',
        dateOfBirth: '2016-09-02',
        involvement: { organisationId: school.id, userId: teacher.id },
      });
    });
    after(async () => {
      await t.close();
      await smtp.close();
    });

    test('the link is emailed over SMTP with no personal data, works once, and the request reaches the queue', async () => {
      const c = visitor();
      const token = await verify(c, 'val@foodbank.test');
      assert.ok(token, 'the email carries the link');
      const mail = sentTo('val@foodbank.test').at(-1)!;
      assert.doesNotMatch(mail, /Val Volunteer|Lea Food Bank/, 'the email names no one');
      const stored = await db.selectFrom('public_request_token').selectAll().execute();
      assert.ok(
        stored.every((r) => r.token_hash !== token && /^[0-9a-f]{64}$/.test(r.token_hash)),
        'only a hash',
      );

      const form = await c.get(`/request-support/form?token=${token}`);
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /at risk of significant harm/);
      const res = await submit(
        c,
        token!,
        { circumstances: 'Says <script>alert(1)</script> at home.' },
        {
          filename: 'letter.pdf',
          content: FILES.pdf,
        },
      );
      assert.equal(res.statusCode, 200, res.body.slice(0, 2000));
      const reference = /data-qa="reference">(FD-[0-9A-Z]{6})</.exec(res.body)?.[1];
      assert.ok(reference, 'the confirmation shows the reference');
      assert.doesNotMatch(res.body, /Robin|Ashdown/, 'the confirmation shows nothing of the request');

      // Used once: the link works no more, and a second submission makes nothing.
      assert.equal((await c.get(`/request-support/form?token=${token}`)).statusCode, 404);
      const before = await count('contact');
      const again = await submit(c, token!);
      assert.equal(again.statusCode, 404);
      assert.equal(await count('contact'), before);

      // The sender is told it was received, by reference only.
      await t.runJobs();
      const received = sentTo('val@foodbank.test').find((m) => m.includes('has been received'));
      assert.ok(received?.includes(reference!));
      assert.doesNotMatch(received!, /Robin|Ashdown|food at home/);

      // On the queue like any other, with its deadline, the file and the children as typed.
      const worker = await signedIn(fd);
      const queue = await worker.get('/front-door');
      assert.match(queue.body, new RegExp(reference!));
      const contact = await db
        .selectFrom('contact')
        .selectAll()
        .where('reference', '=', reference!)
        .executeTakeFirstOrThrow();
      assert.equal(contact.via, 'public');
      assert.equal(contact.sender_email, 'val@foodbank.test');
      assert.equal(contact.referrer_user_id, null);
      const deadline = await db
        .selectFrom('deadline')
        .select('rule_code')
        .where('owner_id', '=', contact.id)
        .executeTakeFirst();
      assert.equal(deadline?.rule_code, 'FRONT_DOOR_DECISION');
      const page = await worker.get(`/front-door/contacts/${contact.id}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Not matched yet/);
      assert.match(page.body, /letter\.pdf/);
      assert.ok(page.body.includes('Says &lt;script&gt;alert(1)&lt;/script&gt; at home.'), 'typed markup is escaped');
      assert.ok(!page.body.includes('<script>alert(1)</script>'));
      assert.doesNotMatch(page.body, /data-qa="record-decision"/, 'no decision before the children are matched');

      // The file downloads for the front door, as a download that is not sniffed.
      const fileId = /\/front-door\/contacts\/[0-9a-f-]{36}\/attachments\/([0-9a-f-]{36})/.exec(page.body)![1]!;
      const download = await worker.get(`/front-door/contacts/${contact.id}/attachments/${fileId}`);
      assert.equal(download.statusCode, 200);
      assert.match(String(download.headers['content-disposition']), /^attachment; filename="attachment-/);
      assert.equal(download.headers['x-content-type-options'], 'nosniff');
      assert.deepEqual(download.rawPayload, FILES.pdf);
      // Someone who may not see the contact: not found.
      const other = await signedIn(stranger);
      assert.equal((await other.get(`/front-door/contacts/${contact.id}`)).statusCode, 404);
      assert.equal((await other.get(`/front-door/contacts/${contact.id}/attachments/${fileId}`)).statusCode, 404);
    });

    test('the worker matches the typed child to the index, then decides, and the sender is told by reference', async () => {
      const c = visitor();
      const token = await verify(c, 'gp@surgery.test');
      const res = await submit(c, token!);
      const reference = /data-qa="reference">(FD-[0-9A-Z]{6})</.exec(res.body)![1]!;
      const contact = await db
        .selectFrom('contact')
        .select('id')
        .where('reference', '=', reference)
        .executeTakeFirstOrThrow();
      const worker = await signedIn(fd);
      const page = await worker.get(`/front-door/contacts/${contact.id}`);
      // The index's possible match is offered to the front door (never to the sender).
      assert.match(page.body, new RegExp(`value="${existingChild}"`));
      const typed = await db
        .selectFrom('contact_typed_child')
        .select('id')
        .where('contact_id', '=', contact.id)
        .executeTakeFirstOrThrow();
      const early = await worker.post(`/front-door/contacts/${contact.id}/decision`, {
        outcome: 'no_further_action',
        rationale: 'Not needed.',
      });
      assert.equal(early.statusCode, 409, 'a decision waits for the children to be matched');
      const none = await worker.post(`/front-door/contacts/${contact.id}/children/${typed.id}/match`, {});
      assert.equal(none.statusCode, 400);
      assert.match(none.body, /Select the record on the child index that is this child/);
      const matched = await worker.post(`/front-door/contacts/${contact.id}/children/${typed.id}/match`, {
        personId: existingChild,
      });
      assert.equal(matched.statusCode, 303);
      const after = await worker.get(`/front-door/contacts/${contact.id}`);
      assert.match(after.body, /Matched to/);
      assert.match(after.body, /data-qa="record-decision"/);
      const audit = await db
        .selectFrom('audit_event')
        .select('details')
        .where('action', '=', 'contact.child.matched')
        .where('record_id', '=', contact.id)
        .executeTakeFirstOrThrow();
      assert.equal((audit.details as { personId: string }).personId, existingChild);
      await worker.get(`/front-door/contacts/${contact.id}/decision`);
      const decided = await worker.post(`/front-door/contacts/${contact.id}/decision`, {
        outcome: 'no_further_action',
        rationale: 'Already known; the school is working with the family.',
      });
      assert.equal(decided.statusCode, 303, decided.body.slice(0, 1500));
      // The request and its decision are on the matched child's chronology, as the front door's record.
      const entries = await contactSource.entries(db, [existingChild], undefined as never);
      const made = entries.find((e) => e.key === `${contact.id}:${existingChild}:made`);
      assert.match(made?.title ?? '', /through the public form/);
      assert.equal(made?.organisationId, fd.organisationId);
      assert.ok(entries.some((e) => e.title === 'Front door decision' && e.personId === existingChild));
      await t.runJobs();
      const told = sentTo('gp@surgery.test').find((m) => m.includes('has been decided'));
      assert.ok(told?.includes(reference));
      assert.doesNotMatch(told!, /Robin|Ashdown|Already known/);
    });

    test('expired, used and made-up links are refused, and a form sent without a link makes nothing', async () => {
      const c = visitor();
      const token = await verify(c, 'late@charity.test');
      assert.ok(token);
      t.clock.advance(25 * 3600_000);
      assert.equal((await c.get(`/request-support/form?token=${token}`)).statusCode, 404);
      const contacts = await count('contact');
      const expired = await submit(c, token!);
      assert.equal(expired.statusCode, 404);
      const forged = await submit(c, 'A'.repeat(43));
      assert.equal(forged.statusCode, 404);
      assert.match(forged.body, /This link does not work/);
      assert.equal((await c.get('/request-support/form?token=not-a-token')).statusCode, 404);
      assert.equal(await count('contact'), contacts, 'nothing was made');
    });

    test('a program disguised as a PDF is refused with what is allowed, and nothing is stored', async () => {
      const c = visitor();
      const token = await verify(c, 'club@youth.test');
      const [contacts, files, typed] = [
        await count('contact'),
        await count('attachment'),
        await count('contact_typed_child'),
      ];
      const res = await submit(c, token!, {}, { filename: 'minutes.pdf', content: FILES.exe });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /govuk-error-summary/);
      assert.match(res.body, /is a program, not a document/);
      assert.match(res.body, /must be a PDF, a PNG/);
      assert.match(res.body, /Comes to the food bank alone/, 'what was typed is kept');
      const html = await submit(c, token!, {}, { filename: 'notes.pdf', content: FILES.html });
      assert.equal(html.statusCode, 400);
      assert.match(html.body, /can contain script/);
      assert.deepEqual(
        [await count('contact'), await count('attachment'), await count('contact_typed_child')],
        [contacts, files, typed],
      );
      // The link was not spent by the refusal.
      assert.equal((await c.get(`/request-support/form?token=${token}`)).statusCode, 200);
    });

    test('the check-your-email page is the same for any address, and links to one address are capped per hour', async () => {
      const c = visitor();
      await c.get('/request-support');
      const pages: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await c.post('/request-support', {
          name: 'Nia',
          organisation: 'Lea Scouts',
          role: 'Leader',
          email: 'nia@scouts.test',
        });
        assert.equal(res.headers.location, '/request-support/check-your-email');
        pages.push((await c.get('/request-support/check-your-email')).body.replace(/value="[^"]+"/g, ''));
      }
      assert.equal(new Set(pages).size, 1);
      const links = await db
        .selectFrom('public_request_token')
        .select('id')
        .where('email', '=', 'nia@scouts.test')
        .execute();
      assert.equal(links.length, 3, 'at most three links an hour to one address');
      const bad = await c.post('/request-support', { name: '', organisation: '', role: '', email: 'not an email' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Enter your name/);
      assert.match(bad.body, /Enter an email address in the correct format/);
      assert.match(bad.body, /value="not an email"/);
    });

    test('a flood from one connection is refused with 429 and a GOV.UK page', async () => {
      const c = visitor();
      await c.get('/request-support');
      let last: LightMyRequestResponse | undefined;
      for (let i = 0; i < 11; i++) {
        last = await c.post('/request-support', {
          name: 'Flo',
          organisation: 'Flood Ltd',
          role: 'Sender',
          email: `flo${i}@flood.test`,
        });
      }
      assert.equal(last!.statusCode, 429);
      assert.match(last!.body, /govuk-heading-l/);
      assert.match(last!.body, /too many requests/);
    });

    test('the referrer attaches a file to their contact; the front door downloads it; others cannot', async () => {
      const c = await signedIn(teacher);
      await c.get(`/front-door/requests/new?child=${existingChild}`);
      await c.post('/front-door/requests/new', { harm: 'no', child: existingChild });
      const made = await c.post('/front-door/requests', {
        harm: 'no',
        child: existingChild,
        referralSource: '2A',
        circumstances: 'Often hungry in class.',
        needsToHappen: 'Support for the family.',
        tried: 'Breakfast club.',
        permission: 'child_at_risk_of_harm',
        lawfulReason: 'Parents could not be reached.',
        urgency: 'normal',
      });
      assert.equal(made.statusCode, 303);
      const id = contactIdFrom(String(made.headers.location))!;
      const page = await c.get(`/front-door/contacts/${id}`);
      assert.match(page.body, /Attach file/);
      const post = (file: { filename: string; content: Buffer }, description = 'Attendance record') => {
        const { body, contentType } = multipart([
          { name: '_csrf', value: c.csrf ?? '' },
          { name: 'description', value: description },
          { name: 'file', file },
        ]);
        return t.app.inject({
          method: 'POST',
          url: `/front-door/contacts/${id}/attachments`,
          payload: body,
          headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': contentType },
        });
      };
      const files = await count('attachment');
      const refused = await post({ filename: 'report.pdf', content: FILES.exe });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /is a program, not a document/);
      assert.equal(await count('attachment'), files);
      const ok = await post({ filename: 'attendance.png', content: FILES.png });
      assert.equal(ok.statusCode, 303);
      const row = await db.selectFrom('attachment').selectAll().where('owner_id', '=', id).executeTakeFirstOrThrow();
      assert.equal(row.owner_kind, 'contact');
      assert.equal(row.media_type, 'image/png');
      const worker = await signedIn(fd);
      const seen = await worker.get(`/front-door/contacts/${id}`);
      assert.match(seen.body, /attendance\.png/);
      assert.doesNotMatch(seen.body, /Attach file/, 'only the referrer attaches');
      const download = await worker.get(`/front-door/contacts/${id}/attachments/${row.id}`);
      assert.equal(download.statusCode, 200);
      assert.equal(download.headers['x-content-type-options'], 'nosniff');
      const audit = await db
        .selectFrom('audit_event')
        .select('details')
        .where('action', '=', 'contact.attachment.downloaded')
        .where('record_id', '=', row.id)
        .executeTakeFirstOrThrow();
      assert.deepEqual((audit.details as { personIds: string[] }).personIds, [existingChild]);
      const other = await signedIn(stranger);
      assert.equal((await other.get(`/front-door/contacts/${id}/attachments/${row.id}`)).statusCode, 404);
      // The front door worker is not the referrer: they cannot add files to the practitioner's request.
      await worker.get(`/front-door/contacts/${id}`);
      const { body, contentType } = multipart([
        { name: '_csrf', value: worker.csrf ?? '' },
        { name: 'description', value: 'x' },
        { name: 'file', file: { filename: 'a.png', content: FILES.png } },
      ]);
      const byWorker = await t.app.inject({
        method: 'POST',
        url: `/front-door/contacts/${id}/attachments`,
        payload: body,
        headers: {
          cookie: [...worker.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          'content-type': contentType,
        },
      });
      assert.equal(byWorker.statusCode, 404);
    });
  });
}
