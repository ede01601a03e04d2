/**
 * A panel meeting's papers (docs/decisions/0035): the pack in slot order with each case's request, signed-off
 * assessment, background and the referrer's files; the agenda to circulate without names; both as print pages and
 * PDFs. Members read them only within the panel_agenda window around the meeting, the administrator and chair at any
 * time, everyone else gets not found; every reading is audited on each child; withhold markers are honoured.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { currentGuidance } from '../../src/features/threshold/repository.ts';
import { signedInClients } from '../support/client.ts';
import { createOrganisation, createPanel, createUser, type TestUser } from '../support/factories.ts';
import { engines, startTestApp, type TestApp } from '../support/harness.ts';
import { createPerson } from '../support/people.ts';

const MONDAY = new Date('2026-12-07T10:00:00Z');

for (const engine of engines()) {
  describe(`panel papers on ${engine}`, () => {
    let t: TestApp;
    let db: Kysely<DB>;
    let practitioner: TestUser;
    let admin: TestUser;
    let chair: TestUser;
    let member: TestUser;
    let notMember: TestUser;
    let formerMember: TestUser;
    let panelId: string;
    let meetingId: string;
    let emptyMeetingId: string;
    let child: string;
    let sibling: string;
    let other: string;
    let parent: string;
    let firstRequest: string;
    let secondRequest: string;
    const as = signedInClients(() => t);
    const setClock = (at: Date) => {
      t.clock.set(at);
      as.clear();
    };
    const papers = () => `/panels/${panelId}/meetings/${meetingId}/papers`;
    const audits = (action: string) =>
      db
        .selectFrom('audit_event')
        .select(['record_id', 'record_type', 'details'])
        .where('action', '=', action)
        .execute();

    const assessmentFor = async (personIds: string[], author: TestUser, content: Record<string, unknown>) => {
      const guidance = await currentGuidance(db);
      const a = await db
        .insertInto('assessment')
        .values({
          episode_id: null,
          author_id: author.id,
          organisation_id: author.organisationId,
          guidance_id: guidance.id,
          contact_id: null,
          content: JSON.stringify(content),
          version: 1,
          status: 'signed_off',
          signed_off_version: 1,
          started_at: new Date('2026-11-01T10:00:00Z'),
          updated_at: new Date('2026-11-02T10:00:00Z'),
          updated_by: author.id,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('assessment_person')
        .values(personIds.map((p) => ({ assessment_id: a.id, person_id: p })))
        .execute();
      await db
        .insertInto('assessment_version')
        .values({
          assessment_id: a.id,
          number: 1,
          content: JSON.stringify(content),
          section: null,
          saved_by: author.id,
          saved_at: new Date('2026-11-02T10:00:00Z'),
        })
        .execute();
      return a.id;
    };
    const requestOn = async (
      personIds: string[],
      slot: number,
      extra: { assessmentId?: string; questions?: string; status?: 'accepted' | 'discussed'; meeting?: string | null },
    ) => {
      const r = await db
        .insertInto('panel_request')
        .values({
          panel_id: panelId,
          person_id: personIds[0]!,
          referrer_user_id: practitioner.id,
          referrer_organisation_id: practitioner.organisationId,
          episode_id: null,
          assessment_id: extra.assessmentId ?? null,
          assessment_version: extra.assessmentId ? 1 : null,
          checklist: ['monitored', 'assessment-signed-off'],
          changes_wanted: 'Calmer mornings and school every day.',
          success_criteria: 'Attendance above 95% for a term.',
          questions: extra.questions ?? 'Which agency can offer a family worker?',
          service_id: null,
          eligibility: null,
          sharing_basis: 'consent',
          sharing_basis_id: null,
          status: extra.status ?? 'accepted',
          status_reason: null,
          redirected_to: null,
          decided_by: admin.id,
          decided_at: new Date('2026-11-20T10:00:00Z'),
          meeting_id: extra.meeting === undefined ? meetingId : extra.meeting,
          slot_order: extra.meeting === null ? null : slot,
          papers_submitted_at: null,
          late_papers_agreed_by: null,
          late_papers_agreed_at: null,
          invitation_sent_at: new Date('2026-11-20T10:00:00Z'),
          created_at: new Date(`2026-11-${String(10 + slot).padStart(2, '0')}T10:00:00Z`),
          updated_at: new Date('2026-11-20T10:00:00Z'),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('panel_request_person')
        .values(personIds.map((p) => ({ request_id: r.id, person_id: p })))
        .execute();
      return r.id;
    };

    before(async () => {
      t = await startTestApp(engine);
      setClock(MONDAY);
      db = t.database.db;
      const school = await createOrganisation(db, { name: 'Stopsley Primary', agency_type: 'school' });
      const council = await createOrganisation(db, { name: 'Luton Borough Council', agency_type: 'local_authority' });
      practitioner = await createUser(db, { roles: ['practitioner'], organisationId: school.id, name: 'Nia Clarke' });
      admin = await createUser(db, { roles: ['panel_admin'], organisationId: council.id });
      chair = await createUser(db, { roles: ['panel_chair'], organisationId: council.id });
      member = await createUser(db, { roles: ['panel_member'], organisationId: council.id });
      notMember = await createUser(db, { roles: ['panel_member'], organisationId: council.id });
      formerMember = await createUser(db, { roles: ['panel_member'], organisationId: council.id });
      panelId = await createPanel(db, 'South Area Family Support Panel', [
        { user: admin, role: 'administrator' },
        { user: chair, role: 'chair' },
        { user: member, role: 'member' },
        { user: formerMember, role: 'member', to: '2026-12-01' },
      ]);
      await createPanel(db, 'North Area Family Support Panel', [{ user: notMember, role: 'member' }]);
      const meeting = async (date: string) =>
        (
          await db
            .insertInto('panel_meeting')
            .values({
              panel_id: panelId,
              meeting_date: date,
              start_time: '10:00',
              end_time: '11:00',
              venue: 'Unity House',
              moved_from: null,
              moved_reason: null,
            })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id;
      meetingId = await meeting('2026-12-16');
      emptyMeetingId = await meeting('2027-01-13');
      const involvement = { organisationId: school.id, userId: practitioner.id };
      child = await createPerson(db, {
        givenName: 'Ulla',
        familyName: 'Fenwick',
        dateOfBirth: '2017-03-04',
        involvement,
      });
      sibling = await createPerson(db, {
        givenName: 'Otto',
        familyName: 'Fenwick',
        dateOfBirth: '2019-05-06',
        involvement,
      });
      other = await createPerson(db, {
        givenName: 'Ravi',
        familyName: 'Sandhu',
        dateOfBirth: '2016-01-02',
        involvement,
      });
      parent = await createPerson(db, {
        givenName: 'Greta',
        familyName: 'Fenwick',
        dateOfBirth: '1988-01-02',
        kind: 'adult',
      });
      const assessmentId = await assessmentFor([child, sibling], practitioner, {
        whyNow: 'Mornings have become very hard since the autumn.',
        prefill: {
          household: [{ id: parent, name: 'Greta Fenwick', kind: 'parent' }],
          involved: [],
          earlierNeeds: [],
          contact: null,
        },
      });
      // An earlier request about the child, discussed at a past meeting.
      await requestOn([child], 0, { status: 'discussed', meeting: null, questions: 'An earlier question' });
      // Ravi is heard second, the Fenwicks first, whatever order the requests were made in.
      secondRequest = await requestOn([other], 2, { questions: 'Should MST be considered for Ravi?' });
      firstRequest = await requestOn([child, sibling], 1, { assessmentId });
      // Greta's details are withheld from the children's records.
      await db
        .insertInto('withhold_marker')
        .values({
          person_id: parent,
          household_id: null,
          subject_person_id: child,
          withheld_from_person_id: sibling,
          reason: 'Fictional test reason',
          recorded_by: practitioner.id,
          recorded_at: new Date('2026-11-01T10:00:00Z'),
          ended_at: null,
          ended_by: null,
        })
        .execute();
      await db
        .insertInto('attachment')
        .values({
          owner_kind: 'person',
          owner_id: child,
          person_id: child,
          organisation_id: practitioner.organisationId,
          uploaded_by: practitioner.id,
          file_name: 'attendance-report.pdf',
          media_type: 'application/pdf',
          extension: 'pdf',
          size_bytes: 20480,
          sha256: 'a'.repeat(64),
          description: 'Attendance this term',
          content: new Uint8Array(20480).fill(37),
          created_at: new Date('2026-11-15T10:00:00Z'),
          deleted_at: null,
          deleted_by: null,
        })
        .execute();
    });
    after(async () => t.close());

    test('before papers circulate a member gets not found, audited; the administrator and chair read them', async () => {
      const res = await (await as(member)).get(papers());
      assert.equal(res.statusCode, 404);
      const refused = await audits('panel-request.papers.refused');
      assert.equal(refused.length, 1);
      assert.equal(refused[0]!.record_id, meetingId);
      assert.deepEqual(
        [...((refused[0]!.details as { personIds: string[] }).personIds ?? [])].sort(),
        [child, sibling, other].sort(),
      );
      assert.equal((await (await as(admin)).get(papers())).statusCode, 200);
      assert.equal((await (await as(chair)).get(`${papers()}/agenda`)).statusCode, 200);
    });

    test('within the window a member reads the pack in slot order, with the request, assessment, background and files', async () => {
      setClock(new Date('2026-12-09T09:00:00Z'));
      const res = await (await as(member)).get(papers());
      assert.equal(res.statusCode, 200);
      const body = res.body;
      const fenwicks = body.indexOf(`case ${firstRequest.slice(0, 8).toUpperCase()}`);
      const ravi = body.indexOf(`case ${secondRequest.slice(0, 8).toUpperCase()}`);
      assert.ok(fenwicks > 0 && ravi > fenwicks, 'the case in slot 1 comes first');
      assert.match(body, /10:00 to 10:15: case/);
      assert.match(body, /10:15 to 10:30: case/);
      assert.match(body, /Ulla Fenwick, born Saturday 4 March 2017/);
      assert.match(body, /Which agency can offer a family worker\?/);
      assert.match(body, /Done: Monitored the child/);
      assert.match(body, /Not done: Sought advice from a line manager/);
      assert.match(body, /Calmer mornings and school every day\./);
      assert.match(body, /Mornings have become very hard since the autumn\./);
      assert.match(body, /An earlier question|Discussed/);
      assert.match(body, /attendance-report\.pdf \(20 KB\)/);
      assert.match(body, /Stopsley Primary/);
      // The withheld parent is never named.
      assert.doesNotMatch(body, /Greta/);
      assert.match(body, /a family member whose details are withheld/);
    });

    test('every reading is audited on each child of the pack', async () => {
      setClock(new Date('2026-12-10T09:00:00Z'));
      const before = await audits('panel-request.papers.viewed');
      await (await as(member)).get(papers());
      const after = await audits('panel-request.papers.viewed');
      const added = after.slice(before.length);
      assert.deepEqual(added.map((a) => a.record_id).sort(), [child, sibling, other].sort());
      assert.ok(added.every((a) => a.record_type === 'person'));
      const mine = added.find((a) => a.record_id === child)!.details as { requestIds: string[]; meetingId: string };
      assert.deepEqual(mine.requestIds, [firstRequest]);
      assert.equal(mine.meetingId, meetingId);
    });

    test('the agenda shows slot times and case references, never names; both come as PDFs, audited', async () => {
      setClock(new Date('2026-12-10T11:00:00Z'));
      const c = await as(member);
      const agenda = await c.get(`${papers()}/agenda`);
      assert.equal(agenda.statusCode, 200, String(agenda.headers.location));
      assert.match(agenda.body, new RegExp(firstRequest.slice(0, 8).toUpperCase()));
      assert.match(agenda.body, /10:00 to 10:15/);
      assert.match(agenda.body, /Stopsley Primary/);
      assert.doesNotMatch(agenda.body, /Fenwick|Sandhu/);
      for (const url of [`${papers()}/pdf`, `${papers()}/agenda/pdf`]) {
        const pdf = await c.get(url);
        assert.equal(pdf.statusCode, 200, url);
        assert.equal(pdf.headers['content-type'], 'application/pdf');
        assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
        assert.doesNotMatch(String(pdf.headers['content-disposition']), /Fenwick|Sandhu/);
      }
      const downloaded = await audits('panel-request.papers.downloaded');
      assert.deepEqual([...new Set(downloaded.map((a) => a.record_id))].sort(), [child, sibling, other].sort());
      assert.equal((await audits('panel-request.papers-agenda.downloaded')).length, 1);
      assert.ok((await audits('panel-request.papers-agenda.viewed')).length >= 1);
    });

    test('members of other panels, former members and practitioners get not found; after the window, members too', async () => {
      setClock(new Date('2026-12-11T09:00:00Z'));
      assert.equal((await (await as(notMember)).get(papers())).statusCode, 404);
      assert.equal((await (await as(formerMember)).get(papers())).statusCode, 404);
      assert.equal((await (await as(notMember)).get(`${papers()}/agenda/pdf`)).statusCode, 404);
      assert.ok([403, 404].includes((await (await as(practitioner)).get(papers())).statusCode));
      // 14 days after the meeting is the last day; the day after, the papers are closed to members.
      setClock(new Date('2026-12-30T12:00:00Z'));
      assert.equal((await (await as(member)).get(papers())).statusCode, 200);
      setClock(new Date('2026-12-31T12:00:00Z'));
      assert.equal((await (await as(member)).get(papers())).statusCode, 404);
      assert.equal((await (await as(member)).get(`${papers()}/pdf`)).statusCode, 404);
      assert.equal((await (await as(admin)).get(papers())).statusCode, 200);
    });

    test('a meeting with no cases has empty papers; a cancelled meeting has none', async () => {
      setClock(new Date('2027-01-07T09:00:00Z'));
      const res = await (await as(member)).get(`/panels/${panelId}/meetings/${emptyMeetingId}/papers`);
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /No cases on this meeting’s agenda yet/);
      await db.updateTable('panel_meeting').set({ status: 'cancelled' }).where('id', '=', emptyMeetingId).execute();
      assert.equal(
        (await (await as(admin)).get(`/panels/${panelId}/meetings/${emptyMeetingId}/papers`)).statusCode,
        404,
      );
    });
  });
}
