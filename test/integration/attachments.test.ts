/**
 * Files on a child's record: what may be uploaded (by content, not by name), what is refused and why, access by
 * relationship and consent, the audit trail, and how a download is sent.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { TestClient } from '../support/client.ts';
import { createOrganisation, createUser, type TestUser } from '../support/factories.ts';
import { countingStream, FILES, multipart, type Part } from '../support/files.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';
import { createPerson } from '../support/people.ts';

const LIMIT = 64 * 1024;
const NOW = new Date('2026-11-23T10:00:00Z');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

for (const engine of engines()) {
  describe(`attachments on ${engine}`, () => {
    let t: TestApp;
    let db: Kysely<DB>;
    let school: string;
    let health: string;
    let teacher: TestUser;
    let colleague: TestUser;
    let nurse: TestUser;
    let stranger: TestUser;
    let analyst: TestUser;
    let child: string;
    const clients = new Map<string, TestClient>();

    async function client(user: TestUser) {
      let c = clients.get(user.id);
      if (!c) {
        c = new TestClient(t.app, t.clock);
        const res = await c.signIn(user);
        assert.equal(res.statusCode, 303, res.body);
        clients.set(user.id, c);
      }
      return c;
    }

    /** Posts the upload form as a browser does: the CSRF token first, then the description, then the file. */
    async function upload(
      user: TestUser,
      personId: string,
      file: { filename: string; content: Buffer | Readable } | null,
      description = 'Letter from the school nurse',
      options: { csrf?: 'first' | 'none' | 'after-file' } = {},
    ): Promise<LightMyRequestResponse> {
      const c = await client(user);
      t.clock.advance(1000);
      await c.get(`/people/${personId}/attachments`);
      const token: Part = { name: '_csrf', value: c.csrf ?? '' };
      const parts: Part[] = [];
      const where = options.csrf ?? 'first';
      if (where === 'first') parts.push(token);
      parts.push({ name: 'description', value: description });
      parts.push({ name: 'file', file: file ?? { filename: '', content: Buffer.alloc(0) } });
      if (where === 'after-file') parts.push(token);
      const { body, contentType } = multipart(parts);
      return t.app.inject({
        method: 'POST',
        url: `/people/${personId}/attachments`,
        payload: body,
        headers: { cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'content-type': contentType },
      });
    }

    const count = async () =>
      Number((await sql<{ n: string }>`select count(*)::text as n from attachment`.execute(db)).rows[0]!.n);
    const latest = () =>
      db
        .selectFrom('attachment')
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .limit(1)
        .executeTakeFirstOrThrow();

    before(async () => {
      t = await startTestApp(engine, { config: { ATTACHMENT_MAX_BYTES: String(LIMIT) } });
      t.clock.set(NOW);
      db = t.database.db;
      school = (await createOrganisation(db, { name: 'Larkfield Primary School', agency_type: 'school' })).id;
      health = (await createOrganisation(db, { name: 'Larkfield Health Visiting', agency_type: 'health' })).id;
      teacher = await createUser(db, { organisationId: school, name: 'Imogen Thackeray' });
      colleague = await createUser(db, { organisationId: school, name: 'Rafael Okonkwo' });
      nurse = await createUser(db, { organisationId: health, name: 'Priya Venkataraman' });
      stranger = await createUser(db, { organisationId: (await createOrganisation(db)).id, name: 'Not Involved' });
      analyst = await createUser(db, { organisationId: school, roles: ['analyst'], name: 'Anna Lyst' });
      child = await createPerson(db, {
        givenName: 'Tobias',
        familyName: 'Fernsby',
        dateOfBirth: '2016-04-04',
        involvement: { organisationId: school, userId: teacher.id },
      });
      await db
        .insertInto('involvement')
        .values([
          {
            person_id: child,
            organisation_id: health,
            team_id: null,
            user_id: nurse.id,
            role: 'Health visitor',
            started_on: '2025-09-01',
            ended_on: null,
            contact_phone: null,
            contact_email: null,
          },
          {
            person_id: child,
            organisation_id: school,
            team_id: null,
            user_id: colleague.id,
            role: 'Teaching assistant',
            started_on: '2025-09-01',
            ended_on: null,
            contact_phone: null,
            contact_email: null,
          },
        ])
        .execute();
    });
    after(async () => t?.close());

    test('documents and pictures of every allowed type are accepted, by content, and listed', async () => {
      const expected: [keyof typeof FILES, string, string][] = [
        ['pdf', 'application/pdf', 'PDF'],
        ['png', 'image/png', 'PNG image'],
        ['jpeg', 'image/jpeg', 'JPEG image'],
        ['gif', 'image/gif', 'GIF image'],
        ['webp', 'image/webp', 'WebP image'],
        ['docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'Word document'],
        ['doc', 'application/msword', 'Word 97–2003 document'],
        ['odt', 'application/vnd.oasis.opendocument.text', 'OpenDocument text'],
      ];
      for (const [kind, mediaType, label] of expected) {
        // The name says nothing reliable: a Word document called .bin is still a Word document.
        const res = await upload(teacher, child, { filename: `scan-${kind}.bin`, content: FILES[kind] }, `A ${kind}`);
        assert.equal(res.statusCode, 303, `${kind}: ${res.body.slice(0, 2000)}`);
        assert.equal(res.headers.location, `/people/${child}/attachments?done=uploaded`);
        const row = await latest();
        assert.equal(row.media_type, mediaType, kind);
        assert.equal(row.size_bytes, FILES[kind].length);
        assert.equal(row.sha256, sha(FILES[kind]));
        assert.equal(row.organisation_id, school);
        assert.equal(row.uploaded_by, teacher.id);
        assert.equal(row.person_id, child);
        assert.deepEqual(Buffer.from(row.content), FILES[kind]);
        const list = await (await client(teacher)).get(`/people/${child}/attachments`);
        assert.match(list.body, new RegExp(`scan-${kind}\\.bin`));
        assert.ok(list.body.includes(`${label}, `), `${kind} is listed as ${label}`);
      }
      const list = await (await client(teacher)).get(`/people/${child}/attachments`);
      assert.match(list.body, /Imogen Thackeray<br>Larkfield Primary School/);
      assert.match(list.body, /23 November 2026 at 10:00am|23 November 2026/);
    });

    test('refusals say what is allowed, keep the description, and store nothing', async () => {
      const before = await count();
      const allowed =
        /must be a PDF, a PNG, JPEG, GIF or WebP image, a Word document \(\.docx or \.doc\) or an OpenDocument text \(\.odt\)/;
      const cases: [string, { filename: string; content: Buffer } | null, RegExp, number][] = [
        ['a program named .pdf', { filename: 'letter.pdf', content: FILES.exe }, /is a program, not a document/, 400],
        ['a Linux program named .pdf', { filename: 'letter.pdf', content: FILES.elf }, /is a program/, 400],
        ['a web page named .pdf', { filename: 'letter.pdf', content: FILES.html }, /web page or a drawing/, 400],
        ['an SVG drawing', { filename: 'drawing.svg', content: FILES.svg }, /web page or a drawing/, 400],
        ['plain text', { filename: 'notes.txt', content: FILES.text }, allowed, 400],
        [
          'an installer (a compound file without a Word stream)',
          { filename: 'a.doc', content: FILES.msi },
          allowed,
          400,
        ],
        ['an empty file', { filename: 'empty.pdf', content: Buffer.alloc(0) }, /The selected file is empty/, 400],
        [
          'a file over the limit',
          { filename: 'big.pdf', content: Buffer.concat([FILES.pdf, Buffer.alloc(LIMIT)]) },
          /The selected file must be smaller than 64 KB/,
          413,
        ],
        ['no file chosen', null, /Select a file to upload/, 400],
      ];
      for (const [what, file, message, status] of cases) {
        const res = await upload(teacher, child, file, `Kept description for ${what}`);
        assert.equal(res.statusCode, status, `${what}: ${res.body.slice(0, 500)}`);
        assert.match(res.body, /govuk-error-summary/, what);
        assert.match(res.body, message, what);
        assert.match(res.body, /href="#file"/, `${what}: the summary links to the file input`);
        if (!/empty|over the limit/.test(what)) assert.match(res.body, allowed, `${what}: says what is allowed`);
        assert.ok(res.body.includes(`Kept description for ${what}`), `${what}: the description is kept`);
        assert.equal(await count(), before, `${what}: nothing stored`);
      }
      const noDescription = await upload(teacher, child, { filename: 'letter.pdf', content: FILES.pdf }, '   ');
      assert.equal(noDescription.statusCode, 400);
      assert.match(noDescription.body, /Enter a description of the file/);
      assert.equal(await count(), before);
    });

    test('an upload over the limit stops being read: a 1 GB stream is not drained', async () => {
      const before = await count();
      const { stream, counter } = countingStream(1024 * 1024 * 1024);
      const res = await upload(teacher, child, { filename: 'huge.pdf', content: stream }, 'Huge scan');
      assert.equal(res.statusCode, 413);
      assert.match(res.body, /must be smaller than 64 KB/);
      assert.match(res.body, /Huge scan/);
      assert.equal(res.headers.connection, 'close');
      assert.ok(counter.read < 8 * 1024 * 1024, `read ${counter.read} bytes of the upload`);
      stream.destroy();
      assert.equal(await count(), before);
    });

    test('the CSRF token is checked before the file is read; a form sent without multipart has no file', async () => {
      const before = await count();
      const missing = await upload(teacher, child, { filename: 'a.pdf', content: FILES.pdf }, 'x', { csrf: 'none' });
      assert.equal(missing.statusCode, 403);
      const late = await upload(teacher, child, { filename: 'a.pdf', content: FILES.pdf }, 'x', { csrf: 'after-file' });
      assert.equal(late.statusCode, 403);
      const c = await client(teacher);
      await c.get(`/people/${child}/attachments`);
      const plain = await c.post(`/people/${child}/attachments`, { description: 'Typed but no file' });
      assert.equal(plain.statusCode, 400);
      assert.match(plain.body, /Select a file to upload/);
      assert.match(plain.body, /Typed but no file/);
      const forged = await c.post(`/people/${child}/attachments`, { description: 'x' }, { csrf: null });
      assert.equal(forged.statusCode, 403);
      assert.equal(await count(), before);
    });

    test('hostile uploads are refused with a 4xx, never a 500, and store nothing', async () => {
      const before = await count();
      const c = await client(teacher);
      await c.get(`/people/${child}/attachments`);
      const cookie = [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const send = (payload: Buffer | string, contentType: string) =>
        t.app.inject({
          method: 'POST',
          url: `/people/${child}/attachments`,
          payload,
          headers: { cookie, 'content-type': contentType },
        });
      const token = c.csrf ?? '';
      const cases: [string, LightMyRequestResponse][] = [
        ['no boundary', await send('junk', 'multipart/form-data')],
        [
          'cut short',
          await send(
            `--b\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n--b\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF`,
            'multipart/form-data; boundary=b',
          ),
        ],
        [
          'a prototype field',
          await send(
            `--b\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n--b\r\nContent-Disposition: form-data; name="__proto__"\r\n\r\nx\r\n--b--\r\n`,
            'multipart/form-data; boundary=b',
          ),
        ],
      ];
      const two = multipart([
        { name: '_csrf', value: token },
        { name: 'description', value: 'Two files' },
        { name: 'file', file: { filename: 'a.pdf', content: FILES.pdf } },
        { name: 'file', file: { filename: 'b.pdf', content: FILES.pdf } },
      ]);
      cases.push(['two files', await send(two.body as Buffer, two.contentType)]);
      const other = multipart([
        { name: '_csrf', value: token },
        { name: 'description', value: 'Another field' },
        { name: 'photo', file: { filename: 'a.pdf', content: FILES.pdf } },
      ]);
      cases.push(['a file in another field', await send(other.body as Buffer, other.contentType)]);
      const nul = multipart([
        { name: '_csrf', value: token },
        { name: 'description', value: 'Bad\u0000text' },
        { name: 'file', file: { filename: 'a.pdf', content: FILES.pdf } },
      ]);
      cases.push(['a NUL in the description', await send(nul.body as Buffer, nul.contentType)]);
      for (const [what, res] of cases) {
        assert.ok(
          res.statusCode >= 400 && res.statusCode < 500,
          `${what}: ${res.statusCode} ${res.body.slice(0, 300)}`,
        );
      }
      assert.match(cases.at(-1)![1].body, /characters that cannot be stored/);
      assert.equal(await count(), before);
      // A name with control and direction-override characters is stored cleaned, for display only.
      const odd = await upload(
        teacher,
        child,
        { filename: 'C:\\fakepath\\inv\u202efdp.exe', content: FILES.pdf },
        'Odd',
      );
      assert.equal(odd.statusCode, 303);
      assert.equal((await latest()).file_name, 'invfdp.exe');
    });

    test('uploads and downloads are audited naming the child; a download is sent safely and checked', async () => {
      const content = FILES.pdf;
      const res = await upload(teacher, child, { filename: 'Tobias Fernsby report.pdf', content }, 'Annual report');
      assert.equal(res.statusCode, 303);
      const row = await latest();
      const uploaded = await db
        .selectFrom('audit_event')
        .selectAll()
        .where('action', '=', 'attachment.uploaded')
        .where('record_id', '=', row.id)
        .executeTakeFirstOrThrow();
      assert.equal(uploaded.actor_user_id, teacher.id);
      assert.equal((uploaded.details as { personId: string }).personId, child);

      const dl = await (await client(teacher)).get(`/people/${child}/attachments/${row.id}`);
      assert.equal(dl.statusCode, 200);
      assert.equal(dl.headers['content-type'], 'application/pdf');
      assert.equal(dl.headers['content-disposition'], `attachment; filename="attachment-${row.id.slice(0, 8)}.pdf"`);
      assert.equal(dl.headers['x-content-type-options'], 'nosniff');
      assert.equal(dl.headers['cache-control'], 'no-store');
      assert.ok(!String(dl.headers['content-disposition']).includes('Tobias'), 'no personal data in the header');
      assert.deepEqual(dl.rawPayload, content);
      const downloaded = await db
        .selectFrom('audit_event')
        .selectAll()
        .where('action', '=', 'attachment.downloaded')
        .where('record_id', '=', row.id)
        .execute();
      assert.equal(downloaded.length, 1);
      assert.equal((downloaded[0]!.details as { personId: string }).personId, child);

      // A file damaged in storage is refused, and its download is not recorded as having happened.
      await sql`update attachment set content = ${Buffer.from('%PDF-1.4 tampered')}, size_bytes = 17 where id = ${row.id}`.execute(
        db,
      );
      const damaged = await (await client(teacher)).get(`/people/${child}/attachments/${row.id}`);
      assert.equal(damaged.statusCode, 500);
      assert.match(damaged.headers['content-type'] as string, /text\/html/);
      assert.match(damaged.body, /The file is damaged/);
      assert.ok(!damaged.body.includes('tampered'));
    });

    test('access follows case detail: own agency, consent for another agency, not found without a relationship', async () => {
      const res = await upload(teacher, child, { filename: 'plan.pdf', content: FILES.pdf }, 'Support plan');
      assert.equal(res.statusCode, 303);
      const row = await latest();

      // The health visitor works with the child but no consent covers health: the school's file is hidden.
      const nurseClient = await client(nurse);
      const hidden = await nurseClient.get(`/people/${child}/attachments`);
      assert.equal(hidden.statusCode, 200);
      assert.ok(!hidden.body.includes('plan.pdf'));
      assert.match(hidden.body, /files are not shown to you/);
      assert.equal((await nurseClient.get(`/people/${child}/attachments/${row.id}`)).statusCode, 404);
      // Her own upload is hers to see.
      const own = await upload(nurse, child, { filename: 'growth-chart.png', content: FILES.png }, 'Growth chart');
      assert.equal(own.statusCode, 303);
      assert.match((await nurseClient.get(`/people/${child}/attachments`)).body, /growth-chart\.png/);

      // Consent for information sharing with health: now she sees the school's file.
      const parent = await createPerson(db, { givenName: 'Helena', familyName: 'Fernsby', kind: 'adult' });
      await db
        .insertInto('relationship')
        .values({ person_id: child, related_person_id: parent, kind: 'parent', parental_responsibility: true })
        .execute();
      const consent = await db
        .insertInto('consent')
        .values({
          person_id: child,
          household_id: null,
          given_by_person_id: parent,
          given_by_kind: 'parent_carer',
          decision: 'given',
          purposes: ['information_sharing'],
          service_name: null,
          method: 'in_person',
          obtained_on: '2026-11-01',
          review_on: null,
          explained: null,
          recorded_by: teacher.id,
          recorded_by_organisation_id: school,
          recorded_at: new Date('2026-11-01T12:00:00Z'),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('consent_recipient')
        .values({
          consent_id: consent.id,
          kind: 'agency_type',
          organisation_id: null,
          agency_type: 'health',
          panel_name: null,
        })
        .execute();
      assert.match((await nurseClient.get(`/people/${child}/attachments`)).body, /plan\.pdf/);
      assert.equal((await nurseClient.get(`/people/${child}/attachments/${row.id}`)).statusCode, 200);

      // No relationship: not found, for the list, a download and an upload, and nothing is stored.
      const strangerClient = await client(stranger);
      assert.equal((await strangerClient.get(`/people/${child}/attachments`)).statusCode, 404);
      assert.equal((await strangerClient.get(`/people/${child}/attachments/${row.id}`)).statusCode, 404);
      const before = await count();
      const refused = await upload(stranger, child, { filename: 'x.pdf', content: FILES.pdf }, 'x', { csrf: 'first' });
      assert.equal(refused.statusCode, 404);
      assert.equal(await count(), before);
      // A role without case detail is refused outright.
      assert.equal((await (await client(analyst)).get(`/people/${child}/attachments`)).statusCode, 403);
      // An attachment id under another child is not found.
      const other = await createPerson(db, {
        givenName: 'Maisie',
        familyName: 'Quill',
        dateOfBirth: '2017-08-08',
        involvement: { organisationId: school, userId: teacher.id },
      });
      assert.equal((await (await client(teacher)).get(`/people/${other}/attachments/${row.id}`)).statusCode, 404);

      // The index card links to the attachments for those who work with the child, and not for others.
      assert.match((await (await client(teacher)).get(`/people/${child}`)).body, /data-qa="attachments-link"/);
      assert.ok(!(await strangerClient.get(`/people/${child}`)).body.includes('attachments-link'));
    });

    test("a merged record's files are reached through the record kept, by those who work with the child", async () => {
      const duplicate = await createPerson(db, {
        givenName: 'Tobias',
        familyName: 'Fernsbie',
        dateOfBirth: '2016-04-04',
        involvement: { organisationId: school, userId: teacher.id },
      });
      const res = await upload(
        teacher,
        duplicate,
        { filename: 'duplicate.pdf', content: FILES.pdf },
        'On the duplicate',
      );
      assert.equal(res.statusCode, 303);
      const row = await latest();
      // Merged into the child's record: what pointed at the duplicate now points at the record kept.
      await db.updateTable('person').set({ merged_into: child, merged_at: NOW }).where('id', '=', duplicate).execute();
      await db.updateTable('attachment').set({ person_id: child }).where('id', '=', row.id).execute();
      await db.updateTable('involvement').set({ person_id: child }).where('person_id', '=', duplicate).execute();

      const teacherClient = await client(teacher);
      for (const personId of [duplicate, child]) {
        const list = await teacherClient.get(`/people/${personId}/attachments`);
        assert.equal(list.statusCode, 200, personId);
        assert.match(list.body, new RegExp(`href="/people/${child}/attachments/${row.id}"`), personId);
        const file = await teacherClient.get(`/people/${personId}/attachments/${row.id}`);
        assert.equal(file.statusCode, 200, personId);
        assert.ok(file.rawPayload.equals(FILES.pdf), personId);
      }
      // No relationship with the record kept: not found, by either address.
      const strangerClient = await client(stranger);
      for (const personId of [duplicate, child]) {
        assert.equal((await strangerClient.get(`/people/${personId}/attachments`)).statusCode, 404, personId);
        assert.equal((await strangerClient.get(`/people/${personId}/attachments/${row.id}`)).statusCode, 404, personId);
      }
    });

    test('the uploader removes a file with a reason, audited; a colleague who did not upload it cannot', async () => {
      const res = await upload(teacher, child, { filename: 'wrong-child.pdf', content: FILES.pdf }, 'Wrong record');
      assert.equal(res.statusCode, 303);
      const row = await latest();
      const colleagueClient = await client(colleague);
      assert.equal((await colleagueClient.get(`/people/${child}/attachments/${row.id}/delete`)).statusCode, 403);
      const c = await client(teacher);
      const form = await c.get(`/people/${child}/attachments/${row.id}/delete`);
      assert.equal(form.statusCode, 200);
      const empty = await c.post(`/people/${child}/attachments/${row.id}/delete`, { reason: '' });
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /Enter why you are removing the file/);
      const done = await c.post(`/people/${child}/attachments/${row.id}/delete`, {
        reason: 'Uploaded to the wrong child’s record',
      });
      assert.equal(done.statusCode, 303);
      const list = await c.get(`/people/${child}/attachments?done=deleted`);
      assert.ok(!list.body.includes('wrong-child.pdf'));
      assert.match(list.body, /File removed/);
      assert.equal((await c.get(`/people/${child}/attachments/${row.id}`)).statusCode, 404);
      const stored = await db.selectFrom('attachment').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
      assert.equal(stored.deleted_by, teacher.id);
      assert.equal(stored.deleted_reason, 'Uploaded to the wrong child’s record');
      const event = await db
        .selectFrom('audit_event')
        .selectAll()
        .where('action', '=', 'attachment.deleted')
        .where('record_id', '=', row.id)
        .executeTakeFirstOrThrow();
      assert.equal(event.reason, 'Uploaded to the wrong child’s record');
      assert.equal((event.details as { personId: string }).personId, child);
      // Removing it again changes nothing.
      assert.equal(
        (await c.post(`/people/${child}/attachments/${row.id}/delete`, { reason: 'Again' })).statusCode,
        404,
      );
    });
  });
}
