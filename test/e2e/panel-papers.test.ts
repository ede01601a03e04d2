import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createPanel } from '../support/factories.ts';
import { createPerson } from '../support/people.ts';
import { MeetingPage, PapersAgendaPage, PapersPage } from './pages/panels.ts';
import { browserSuite } from './support/fixture.ts';
import { signIn } from './support/journeys.ts';

browserSuite('Panel papers (browser)', (env) => {
  it('a member opens the meeting, reads the papers pack and the agenda to circulate, and downloads the PDF', async () => {
    const db = env.app.database.db;
    const today = new Date(env.clock.now());
    const meetingDate = new Date(today.getTime() + 3 * 24 * 3600_000).toISOString().slice(0, 10);
    const practitioner = await env.createUser({ roles: ['practitioner'], organisationName: 'Stopsley Primary' });
    const member = await env.createUser({ roles: ['panel_member'] });
    const panelId = await createPanel(db, 'South Area Family Support Panel', [{ user: member, role: 'member' }]);
    const meeting = await db
      .insertInto('panel_meeting')
      .values({
        panel_id: panelId,
        meeting_date: meetingDate,
        start_time: '10:00',
        end_time: '12:00',
        venue: 'Unity House',
        moved_from: null,
        moved_reason: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const child = await createPerson(db, {
      givenName: 'Ulla',
      familyName: 'Fenwick',
      dateOfBirth: '2017-03-04',
      involvement: { organisationId: practitioner.organisationId, userId: practitioner.id },
    });
    const request = await db
      .insertInto('panel_request')
      .values({
        panel_id: panelId,
        person_id: child,
        referrer_user_id: practitioner.id,
        referrer_organisation_id: practitioner.organisationId,
        episode_id: null,
        assessment_id: null,
        assessment_version: null,
        checklist: ['monitored'],
        changes_wanted: 'Calmer mornings',
        success_criteria: 'On time every day for a term',
        questions: 'Which agency can offer a family worker?',
        service_id: null,
        eligibility: null,
        sharing_basis: 'consent',
        sharing_basis_id: null,
        status: 'accepted',
        status_reason: null,
        redirected_to: null,
        decided_by: null,
        decided_at: null,
        meeting_id: meeting.id,
        slot_order: 1,
        papers_submitted_at: null,
        late_papers_agreed_by: null,
        late_papers_agreed_at: null,
        invitation_sent_at: null,
        updated_at: today,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.insertInto('panel_request_person').values({ request_id: request.id, person_id: child }).execute();

    const page = await env.newPage();
    await signIn(env, page, member);
    await page.goto(`/panels/${panelId}/meetings/${meeting.id}`);
    await MeetingPage.verifyOnPage(page);
    await page.locator('[data-qa="papers-link"]').click();
    await PapersPage.verifyOnPage(page);
    const pack = (await page.locator('[data-qa="document"]').textContent()) ?? '';
    assert.match(pack, /10:00 to 10:15: case/);
    assert.match(pack, /Ulla Fenwick/);
    assert.match(pack, /Which agency can offer a family worker\?/);

    const download = page.waitForEvent('download');
    await page.locator('[data-qa="pack-pdf"]').click();
    assert.match((await download).suggestedFilename(), /^panel-papers-\d{4}-\d{2}-\d{2}\.pdf$/);

    await page.locator('[data-qa="agenda-print"]').click();
    await PapersAgendaPage.verifyOnPage(page);
    const agenda = (await page.locator('[data-qa="document"]').textContent()) ?? '';
    assert.match(agenda, new RegExp(request.id.slice(0, 8).toUpperCase()));
    assert.match(agenda, /Stopsley Primary/);
    assert.doesNotMatch(agenda, /Fenwick/);
  });
});
