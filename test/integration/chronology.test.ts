import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { DB } from '../../src/db/schema.ts';
import { TokenService } from '../../src/features/api/service.ts';
import { verifyAuditChain } from '../../src/platform/audit.ts';
import { signedInClients } from '../support/client.ts';
import { createOrganisation, createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';
import { createPerson, relate } from '../support/people.ts';

const SENSITIVE_NOTE = 'Seen at the wellbeing clinic about low mood';
const TEACHER_NOTE = 'Zofia settled well after half term';

async function involve(db: Kysely<DB>, personId: string, user: TestUser, role: string) {
  await db
    .insertInto('involvement')
    .values({
      person_id: personId,
      organisation_id: user.organisationId,
      team_id: null,
      user_id: user.id,
      role,
      started_on: '2025-09-01',
      ended_on: null,
      contact_phone: null,
      contact_email: null,
    })
    .execute();
}

async function pdfText(body: Buffer) {
  const pdf = await getDocument({ data: new Uint8Array(body) }).promise;
  let text = '';
  for (let i = 1; i <= pdf.numPages; i++) {
    const content = await (await pdf.getPage(i)).getTextContent();
    text += `${content.items.map((x) => ('str' in x ? x.str : '')).join(' ')}\n`;
  }
  return { pdf, text: text.replace(/\s+/g, ' ') };
}

for (const engine of engines()) {
  describe(`the chronology on ${engine}`, () => {
    let t: TestApp;
    let db: Kysely<DB>;
    let teacher: TestUser;
    let nurse: TestUser;
    let outsider: TestUser;
    let child: string;
    let sibling: string;
    let duplicate: string;
    let token: string;
    let consentId: string;
    const as = signedInClients(() => t);
    const auditCount = async (action: string, recordId: string) =>
      Number(
        (
          await db
            .selectFrom('audit_event')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('action', '=', action)
            .where('record_id', '=', recordId)
            .executeTakeFirstOrThrow()
        ).n,
      );

    before(async () => {
      t = await startTestApp(engine);
      db = t.database.db;
      const school = await createOrganisation(db, { name: 'Larkspur Primary', agency_type: 'school' });
      const health = await createOrganisation(db, { name: 'Lea Valley Health', agency_type: 'health' });
      teacher = await createUser(db, { organisationId: school.id, name: 'Tegan Hale' });
      nurse = await createUser(db, { organisationId: health.id, name: 'Nia Okafor' });
      outsider = await createUser(db, { name: 'Owen Stray' });
      child = await createPerson(db, {
        givenName: 'Zofia',
        familyName: 'Wiśniewska-Łęcka',
        dateOfBirth: '2015-04-02',
        address: { line1: '4 Larkspur Row', postcode: 'LU2 7QX' },
      });
      sibling = await createPerson(db, {
        givenName: 'Tomasz',
        familyName: 'Wiśniewski',
        dateOfBirth: '2017-08-09',
        address: { line1: '4 Larkspur Row', postcode: 'LU2 7QX' },
      });
      const mother = await createPerson(db, { givenName: 'Marta', familyName: 'Wiśniewska', kind: 'adult' });
      await relate(db, child, mother, 'parent');
      await relate(db, sibling, mother, 'parent');
      await involve(db, child, teacher, 'Class teacher');
      await involve(db, child, nurse, 'School nurse');
      await involve(db, sibling, teacher, 'Class teacher');
      // Consent from the mother covers the school only: the nurse has a relationship but no basis for case detail.
      const consent = await db
        .insertInto('consent')
        .values({
          person_id: child,
          household_id: null,
          given_by_person_id: mother,
          given_by_kind: 'parent_carer',
          decision: 'given',
          purposes: ['information_sharing'],
          service_name: null,
          method: 'in_person',
          obtained_on: '2026-01-10',
          review_on: null,
          explained: null,
          withdrawn_on: null,
          withdrawn_reason: null,
          withdrawn_by: null,
          withdrawn_at: null,
          recorded_by: teacher.id,
          recorded_by_organisation_id: school.id,
          recorded_at: new Date('2026-01-10T10:00:00Z'),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      consentId = consent.id;
      await db
        .insertInto('consent_recipient')
        .values({
          consent_id: consent.id,
          kind: 'organisation',
          organisation_id: school.id,
          agency_type: null,
          panel_name: null,
        })
        .execute();
      await db
        .insertInto('sharing_decision')
        .values({
          person_id: child,
          decision: 'share',
          what: 'Attendance record',
          recipient_kind: 'organisation',
          recipient_organisation_id: school.id,
          recipient_agency_type: null,
          recipient_description: null,
          basis: 'consent',
          consent_id: consent.id,
          advice_sought: null,
          reason: null,
          decided_by: teacher.id,
          decided_by_organisation_id: school.id,
          decided_at: new Date('2026-01-12T10:00:00Z'),
          expires_on: null,
        })
        .execute();
      await db
        .insertInto('case_note')
        .values([
          {
            person_id: child,
            organisation_id: school.id,
            category: null,
            consent_id: null,
            body: TEACHER_NOTE,
            recorded_by: teacher.id,
            recorded_at: new Date('2026-02-01T09:00:00Z'),
          },
          {
            person_id: child,
            organisation_id: health.id,
            category: 'mental_health',
            consent_id: null,
            body: SENSITIVE_NOTE,
            recorded_by: nurse.id,
            recorded_at: new Date('2026-02-03T09:00:00Z'),
            own_organisation_only: true,
          },
        ])
        .execute();
      await db
        .insertInto('shielding_change')
        .values([
          { person_id: child, shielded: true, reason: 'Risk from a former partner', changed_by: teacher.id },
          { person_id: child, shielded: false, reason: 'Risk has passed', changed_by: teacher.id },
        ])
        .execute();
      // A duplicate record of the child, merged into it: its creation shows on the record kept.
      duplicate = await createPerson(db, { givenName: 'Zosia', familyName: 'Wisniewska', dateOfBirth: '2015-04-02' });
      await db
        .updateTable('person')
        .set({ merged_into: child, merged_at: new Date() })
        .where('id', '=', duplicate)
        .execute();
      await db
        .insertInto('person_merge')
        .values({
          kept_id: child,
          merged_id: duplicate,
          possible_duplicate_id: null,
          reason: 'Same child',
          moved: '[]',
          filled: '{}',
          merged_by: null,
        })
        .execute();
      const tokens = new TokenService(db, t.clock);
      token = (
        await tokens.createForEmail(
          teacher.email,
          { name: 'test', expiresInDays: null },
          { requestId: 't', clientIp: '127.0.0.1' },
        )
      ).token;
    });
    after(async () => t.close());

    test('the child’s chronology shows entries from every source the viewer may see, and counts the rest', async () => {
      const res = await (await as(teacher)).get(`/people/${child}/chronology`);
      assert.equal(res.statusCode, 200);
      for (const text of [
        'Record created in the child index',
        'Record created (later merged into this one)',
        'Duplicate record merged into this one',
        'Started working with the child: Class teacher',
        'Started working with the child: School nurse',
        'Consent given',
        'Decided to share information',
        'Note recorded by Tegan Hale',
        TEACHER_NOTE,
        'Whereabouts shielded',
        'Shielding lifted',
      ]) {
        assert.ok(res.body.includes(text), `shows ${text}`);
      }
      // The nurse's note is kept to her organisation: counted, never shown, nor its author.
      assert.ok(!res.body.includes(SENSITIVE_NOTE));
      assert.ok(!res.body.includes('Note recorded by Nia Okafor'));
      assert.match(res.body, /1 entry you cannot see/);
      assert.ok(!res.body.includes('Risk from a former partner'), 'shielding reasons are not shown');
      assert.equal(await auditCount('chronology.viewed', child), 1);
      const card = await (await as(teacher)).get(`/people/${child}`);
      assert.match(card.body, new RegExp(`href="/people/${child}/chronology"`));
    });

    test('another agency without a sharing basis sees that a note exists, not its text; consent and decisions are withheld', async () => {
      const res = await (await as(nurse)).get(`/people/${child}/chronology`);
      assert.equal(res.statusCode, 200);
      assert.ok(res.body.includes('Note recorded by Tegan Hale'));
      assert.ok(!res.body.includes(TEACHER_NOTE));
      assert.ok(res.body.includes('data-qa="summary-withheld"'));
      assert.ok(!res.body.includes('Consent given'));
      assert.ok(!res.body.includes('Decided to share information'));
      assert.ok(res.body.includes(SENSITIVE_NOTE), 'her own note shows to her');
      assert.match(res.body, /2 entries you cannot see/);
    });

    test('a user with no relationship with the child gets not found, on the page, the PDF and the API', async () => {
      const c = await as(outsider);
      assert.equal((await c.get(`/people/${child}/chronology`)).statusCode, 404);
      assert.equal((await c.get(`/people/${child}/chronology/pdf`)).statusCode, 404);
      assert.equal((await c.get(`/people/${child}/family/chronology`)).statusCode, 404);
      assert.equal((await c.get('/people/00000000-0000-4000-8000-000000000000/chronology')).statusCode, 404);
      assert.equal(
        await auditCount('chronology.viewed', child),
        2,
        'only the teacher’s and the nurse’s views were recorded',
      );
    });

    test('filters by kind, agency and dates; wrong dates are shown with what was typed', async () => {
      const c = await as(teacher);
      const notes = await c.get(`/people/${child}/chronology?kind=note`);
      assert.equal(notes.statusCode, 200);
      assert.equal((notes.body.match(/data-qa="entry"/g) ?? []).length, 1);
      assert.match(notes.body, /1 entry you cannot see/, 'the count is over the whole chronology');
      const dated = await c.get(
        `/people/${child}/chronology?from-day=11&from-month=1&from-year=2026&to-day=1&to-month=2&to-year=2026`,
      );
      assert.ok(dated.body.includes('Decided to share information'));
      assert.ok(!dated.body.includes('Consent given'));
      const wrong = await c.get(`/people/${child}/chronology?from-day=31&from-month=2&from-year=2026`);
      assert.equal(wrong.statusCode, 400);
      assert.match(wrong.body, /The start date must be a real date/);
      assert.match(wrong.body, /name="from-day" type="text" value="31"|value="31"/);
    });

    test('a merged record’s chronology leads to the record kept', async () => {
      const res = await (await as(teacher)).get(`/people/${duplicate}/chronology`);
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, `/people/${child}/chronology`);
    });

    test('the PDF is tagged, in en-GB, titled, named by date only, and holds the same entries as text', async () => {
      const res = await (await as(teacher)).get(`/people/${child}/chronology/pdf`);
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'application/pdf');
      assert.match(
        String(res.headers['content-disposition']),
        /^attachment; filename="chronology-\d{4}-\d{2}-\d{2}\.pdf"$/,
      );
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      const { pdf, text } = await pdfText(res.rawPayload);
      assert.deepEqual(await pdf.getMarkInfo(), { Marked: true, UserProperties: false, Suspects: false });
      const meta = await pdf.getMetadata();
      const info = meta.info as Record<string, unknown>;
      assert.equal(info.Language, 'en-GB');
      assert.equal(info.Title, 'Chronology: Zofia Wiśniewska-Łęcka');
      assert.ok(text.includes('Zofia Wiśniewska-Łęcka'), 'Polish letters are real text, not garbled');
      assert.ok(text.includes('Consent given'));
      assert.ok(text.includes(TEACHER_NOTE));
      assert.ok(!text.includes(SENSITIVE_NOTE));
      assert.ok(text.includes('Entries you cannot see'));
      const tree = await (await pdf.getPage(1)).getStructTree();
      assert.equal((tree?.children[0] as { role?: string } | undefined)?.role, 'Document');
      assert.equal(await auditCount('document.downloaded', child), 1);
    });

    test('the print view shows the same document and is audited', async () => {
      const res = await (await as(teacher)).get(`/people/${child}/chronology/print?kind=consent`);
      assert.equal(res.statusCode, 200);
      assert.ok(res.body.includes('href="/assets/app/print.css"'));
      assert.ok(res.body.includes('Consent given'));
      assert.ok(!res.body.includes(TEACHER_NOTE));
      const event = await db
        .selectFrom('audit_event')
        .select(['details'])
        .where('action', '=', 'document.printed')
        .where('record_id', '=', child)
        .executeTakeFirstOrThrow();
      assert.equal((event.details as Record<string, unknown>).document, 'chronology');
    });

    test('the family chronology shows each child’s entries under the same rules', async () => {
      const res = await (await as(nurse)).get(`/people/${child}/family/chronology`);
      assert.equal(res.statusCode, 200);
      assert.ok(res.body.includes('Tomasz Wiśniewski (entries not shown to you)'));
      assert.ok(!res.body.includes(TEACHER_NOTE));
      // The sibling's two entries (record, involvement) are withheld from the nurse, who does not work with him.
      assert.match(res.body, /4 entries you cannot see/);
      const teacherView = await (await as(teacher)).get(`/people/${child}/family/chronology`);
      assert.ok(teacherView.body.includes('Tomasz Wiśniewski'));
      assert.equal(await auditCount('chronology.family.viewed', child), 2);
      const pdf = await (await as(teacher)).get(`/people/${child}/family/chronology/pdf`);
      assert.match(String(pdf.headers['content-disposition']), /filename="family-chronology-\d{4}-\d{2}-\d{2}\.pdf"/);
    });

    test('the family explanation of a consent downloads as a tagged PDF in its language, or is printed from the browser', async () => {
      const c = await as(teacher);
      const page = await c.get(`/people/${child}/consent/${consentId}/explanation?lang=pl`);
      assert.match(page.body, /data-qa="explanation-pdf"/);
      const res = await c.get(`/people/${child}/consent/${consentId}/explanation/pdf?lang=pl`);
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'application/pdf');
      assert.match(String(res.headers['content-disposition']), /filename="consent-explanation-\d{4}-\d{2}-\d{2}\.pdf"/);
      const { pdf, text } = await pdfText(res.rawPayload);
      assert.equal(((await pdf.getMetadata()).info as Record<string, unknown>).Language, 'pl');
      assert.equal((await pdf.getMarkInfo())?.Marked, true);
      assert.ok(text.includes('Zmiana decyzji'));
      assert.ok(text.includes('Zofia Wiśniewska-Łęcka'));
      assert.ok(text.includes('Larkspur Primary'));
      const english = await pdfText((await c.get(`/people/${child}/consent/${consentId}/explanation/pdf`)).rawPayload);
      assert.equal(((await english.pdf.getMetadata()).info as Record<string, unknown>).Language, 'en-GB');
      assert.ok(english.text.includes('Changing your mind'));
      // Urdu is written right to left: no PDF is offered, and asking for one says to print from the browser.
      const urdu = await c.get(`/people/${child}/consent/${consentId}/explanation?lang=ur`);
      assert.ok(!urdu.body.includes('data-qa="explanation-pdf"'));
      const refused = await c.get(`/people/${child}/consent/${consentId}/explanation/pdf?lang=ur`);
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /Print command/);
      const events = await db
        .selectFrom('audit_event')
        .select('details')
        .where('action', '=', 'document.downloaded')
        .where('record_id', '=', child)
        .execute();
      assert.equal(
        events.filter((e) => (e.details as Record<string, unknown>).document === 'consent-explanation').length,
        2,
      );
      assert.equal(
        (await (await as(outsider)).get(`/people/${child}/consent/${consentId}/explanation/pdf`)).statusCode,
        404,
      );
    });

    test('the API returns the same entries and the withheld count', async () => {
      const res = await t.app.inject({
        url: `/api/v1/people/${child}/chronology?kind=note&kind=consent`,
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(res.statusCode, 200);
      const body = res.json();
      assert.equal(body.personId, child);
      assert.equal(body.withheld, 1);
      assert.deepEqual(body.entries.map((e: { kind: string }) => e.kind).sort(), ['consent', 'note']);
      const note = body.entries.find((e: { kind: string }) => e.kind === 'note');
      assert.equal(note.summary, TEACHER_NOTE);
      assert.match(note.at, /^\d{4}-\d{2}-\d{2}T/);
      assert.equal(note.href, `/people/${child}/notes/${note.id.split(':')[1]}`);
      const bad = await t.app.inject({
        url: `/api/v1/people/${child}/chronology?from=2026-02-01&to=2026-01-01`,
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(bad.statusCode, 400);
      const other = await t.app.inject({
        url: `/api/v1/people/${duplicate}/chronology`,
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(other.statusCode, 404);
      assert.ok((await verifyAuditChain(db)).ok);
    });
  });
}
