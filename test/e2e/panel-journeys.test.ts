/**
 * Issue 11's "Done when" journeys, through the real pages as the people who do them: a Leeds-style complex-case
 * gateway panel, where a young person who fails MST's eligibility rules is told why and a Signpost request for the
 * family goes through; and a Luton-style area panel, from the request on the child's record to the agency opening
 * the panel's recommendation on its work list.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { seedDirectoryDemo } from '../../src/features/directory/demo-data.ts';
import * as registry from '../../src/features/people/registry-repository.ts';
import { currentGuidance } from '../../src/features/threshold/repository.ts';
import { addDays, londonInstant, londonToday } from '../../src/platform/calendar.ts';
import { createMailer } from '../../src/platform/mailer.ts';
import { deliverPending } from '../../src/platform/outbox.ts';
import { createOrganisation, createPanel, createTeam, createUser, joinTeam } from '../support/factories.ts';
import { testConfig } from '../support/harness.ts';
import { createPerson } from '../support/people.ts';
import { startSmtpServer } from '../support/smtp.ts';
import { AppPage } from './pages/app-page.ts';
import { IndexCardPage } from './pages/consent-pages.ts';
import { WorkPage } from './pages/notifications.ts';
import { CaseRecordPage, MeetingRecordPage, PanelDecisionsPage } from './pages/panel-record.ts';
import { MeetingPage, PanelPage } from './pages/panels.ts';
import { type BrowserTestEnv, type BrowserUser, browserSuite } from './support/fixture.ts';
import { signIn } from './support/journeys.ts';

class PanelRequestsPage extends AppPage {
  readonly heading = 'Requests to panels';
}

class AskPanelPage extends AppPage {
  readonly heading = 'Ask a panel';
}

class RequestFormPage extends AppPage {
  constructor(
    page: AskPanelPage['page'],
    readonly panelName: string,
  ) {
    super(page);
  }
  get heading() {
    return `Ask ${this.panelName}`;
  }

  /** "No" to each redirect question: the panel is the right route. */
  async rightRoute(): Promise<void> {
    for (const q of [
      /at risk of significant harm/,
      /risk of family breakdown/,
      /assessment for a specific service/,
      /mainly about school or education/,
    ]) {
      await this.answer(q, 'No');
    }
  }

  async answer(question: RegExp | string, answer: 'Yes' | 'No' | 'Not known'): Promise<void> {
    await this.page.getByRole('group', { name: question }).getByLabel(answer, { exact: true }).check();
  }

  async send(): Promise<void> {
    await this.page.locator('[data-qa="send-request"]').click();
  }
}

class ChildRequestPage extends AppPage {
  constructor(
    page: AskPanelPage['page'],
    readonly panelName: string,
  ) {
    super(page);
  }
  get heading() {
    return `Request to ${this.panelName}`;
  }
}

class ReportPage extends AppPage {
  constructor(
    page: AskPanelPage['page'],
    readonly panelName: string,
  ) {
    super(page);
  }
  get heading() {
    return `Report on a recommendation of ${this.panelName}`;
  }
}

class RequestsWaitingPage extends AppPage {
  readonly heading = 'Requests waiting';
}

class RequestAdminPage extends AppPage {
  readonly heading = /^Request about /;
}

/** A signed-off Early Help Assessment of these children by this author: the world the request rests on. */
async function signedOffAssessment(db: Kysely<DB>, personIds: string[], author: BrowserUser, at: Date) {
  const guidance = await currentGuidance(db);
  const content = {
    changesWanted: 'Mornings without arguments, and school every day.',
    successCriteria: 'On time every day for a term.',
  };
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
      started_at: at,
      updated_at: at,
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
      saved_at: at,
    })
    .execute();
}

/** The family's consent to discussion at this panel, naming it, recorded earlier by the practitioner. */
async function consentNamingPanel(
  db: Kysely<DB>,
  child: string,
  panel: { id: string; name: string },
  by: BrowserUser,
  on: string,
) {
  const c = await db
    .insertInto('consent')
    .values({
      person_id: child,
      household_id: null,
      given_by_person_id: child,
      given_by_kind: 'young_person',
      decision: 'given',
      purposes: ['panel_discussion'],
      service_name: null,
      method: 'in_person',
      obtained_on: on,
      review_on: null,
      explained: null,
      withdrawn_on: null,
      withdrawn_reason: null,
      withdrawn_by: null,
      withdrawn_at: null,
      recorded_by: by.id,
      recorded_by_organisation_id: by.organisationId,
      recorded_at: londonInstant(on, '10:00'),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('consent_recipient')
    .values({
      consent_id: c.id,
      kind: 'panel',
      organisation_id: null,
      agency_type: null,
      panel_name: panel.name,
      panel_id: panel.id,
    })
    .execute();
}

/** From the child's record to the panel's request form, as the practitioner goes there. */
async function openRequestForm(page: AskPanelPage['page'], childId: string, childName: string, panelName: string) {
  const card = await IndexCardPage.open(page, childId, childName);
  await card.click('Requests to panels');
  await (await PanelRequestsPage.verifyOnPage(page)).click('Ask a panel');
  await (await AskPanelPage.verifyOnPage(page)).click(panelName);
  const form = new RequestFormPage(page, panelName);
  await form.verifyOnPage();
  return form;
}

/** The administrator opens the panel's requests waiting and then the one about this child. */
async function openWaitingRequest(page: AskPanelPage['page'], panelId: string, panelName: string, childName: string) {
  await page.goto(`/panels/${panelId}`);
  await new PanelPage(page, panelName).verifyOnPage();
  await page.locator('[data-qa="requests-waiting"]').click();
  await (await RequestsWaitingPage.verifyOnPage(page)).click(childName);
  return RequestAdminPage.verifyOnPage(page);
}

const signedIn = async (env: BrowserTestEnv, user: BrowserUser) => {
  const page = await env.newPage();
  await signIn(env, page, user);
  return page;
};

const text = async (page: AskPanelPage['page'], selector: string) =>
  ((await page.locator(selector).textContent()) ?? '').replace(/\s+/g, ' ');

browserSuite('Issue 11: the panel journeys (browser)', (env) => {
  it('Leeds-style gateway: a young person not eligible for MST is told why; a Signpost request for the family goes through', async () => {
    const db = env.app.database.db;
    const now = new Date(env.clock.now());
    const today = londonToday(now);
    // The directory's Signpost and MST, with their eligibility rules, and the area they serve.
    const demo = await seedDirectoryDemo(db, { today: now });
    const aire = demo.areaIds["Aire City Children's Partnership"]!;
    const admin = await env.createUser({ roles: ['panel_admin'], name: 'Imran Shah' });
    const youthWorker = await env.createUser({
      roles: ['practitioner'],
      name: 'Rosa Lindqvist',
      organisationName: 'Aire Youth Service',
    });
    const panelName = 'Children Aire Complex Needs Panel';
    const panelId = await createPanel(db, panelName, [{ user: admin, role: 'administrator' }]);
    await db
      .updateTable('panel')
      .set({ model: 'complex_case_gateway', area_id: aire })
      .where('id', '=', panelId)
      .execute();
    const mstId = demo.serviceIds['Multisystemic Therapy (MST)']!;
    const signpostId = demo.serviceIds['Signpost intensive family support']!;
    await db
      .insertInto('panel_gateway_service')
      .values([
        { panel_id: panelId, service_id: mstId },
        { panel_id: panelId, service_id: signpostId },
      ])
      .execute();
    await db
      .insertInto('panel_meeting')
      .values({
        panel_id: panelId,
        meeting_date: addDays(today, 28),
        start_time: '10:00',
        end_time: '12:00',
        venue: 'Aire Civic Hall, committee room 3',
        moved_from: null,
        moved_reason: null,
      })
      .execute();
    // A 14-year-old in Aire whom the youth worker knows, with a signed-off assessment and consent naming the panel.
    const child = await createPerson(db, {
      givenName: 'Kian',
      familyName: 'Marsh',
      dateOfBirth: `${Number(today.slice(0, 4)) - 14}-03-04`,
      involvement: { organisationId: youthWorker.organisationId, userId: youthWorker.id },
    });
    const home = await registry.findOrCreateHousehold(db, {
      line1: '12 Kirkgate Row',
      line2: null,
      town: 'Aire',
      postcode: 'LS9 7ZZ',
      areaId: aire,
    });
    await registry.moveTo(db, child, home, '2020-01-01');
    await signedOffAssessment(db, [child], youthWorker, now);
    await consentNamingPanel(db, child, { id: panelId, name: panelName }, youthWorker, addDays(today, -7));

    // MST: the young person has autism, which MST's rules exclude. The page says so, and nothing is sent.
    const page = await signedIn(env, youthWorker);
    const form = await openRequestForm(page, child, 'Kian Marsh', panelName);
    assert.match(await text(page, '[data-qa="consent-ok"]'), /covers discussion at this panel/);
    assert.match(await text(page, '[data-qa="assessment-ok"]'), /signed-off Early Help Assessment/);
    await form.rightRoute();
    await page.getByLabel(/Monitored the child/).check();
    await page.getByLabel(/Completed the Early Help Assessment/).check();
    await page
      .getByLabel('What questions do you want the panel to answer?')
      .fill('Can MST work with Kian and his mum?');
    await page.getByLabel('Service', { exact: true }).selectOption({ label: 'Multisystemic Therapy (MST)' });
    await form.answer('Is the young person showing a high level of anti-social behaviour?', 'Yes');
    await form.answer('Is sexual offending the primary issue, with no other anti-social behaviour?', 'No');
    await form.answer('Does the young person have autism?', 'Yes');
    await form.answer(/Is the young person living independently\?/, 'No');
    await form.answer(/active suicidal or psychotic behaviour/, 'No');
    await form.send();
    await form.errorSummary().waitFor();
    await form.verifyOnPage();
    const refusal = await form.fieldError('serviceId');
    assert.match(refusal, /The child is not eligible for Multisystemic Therapy \(MST\)/);
    assert.match(refusal, /MST is not for young people with autism\./);
    assert.match(refusal, /The family can be told why/);
    assert.match((await form.errorSummary().textContent()) ?? '', /MST is not for young people with autism/);
    // What was typed is kept.
    assert.equal(
      await page.getByLabel('What questions do you want the panel to answer?').inputValue(),
      'Can MST work with Kian and his mum?',
    );
    assert.equal(
      (await db.selectFrom('panel_request').select('id').where('person_id', '=', child).execute()).length,
      0,
      'no request was made for MST',
    );

    // Signpost for the family: its rules are met, so the request goes to the panel.
    await page.getByLabel('Service', { exact: true }).selectOption({ label: 'Signpost intensive family support' });
    await form.answer(/persistent anti-social behaviour or prolific offending/, 'Yes');
    await form.answer(/multiple complex needs that may lead to family breakdown/, 'Yes');
    await form.answer(/possibility of the children being taken into care/, 'Yes');
    await form.answer(/parents have limited capacity to change/, 'No');
    await form.answer(/learning disabilities or severe mental health issues/, 'No');
    await form.send();
    const sent = new ChildRequestPage(page, panelName);
    await sent.verifyOnPage();
    assert.match((await sent.successBanner().textContent()) ?? '', /Request sent to the panel/);
    const details = (await page.locator('main').textContent()) ?? '';
    assert.match(details, /Signpost intensive family support/);
    assert.match(details, /Waiting for the panel administrator/);

    // The panel's administrator accepts it and gives it a slot on the next meeting.
    const adminPage = await signedIn(env, admin);
    const request = await openWaitingRequest(adminPage, panelId, panelName, 'Kian Marsh');
    assert.match((await adminPage.locator('main').textContent()) ?? '', /Signpost intensive family support/);
    await adminPage.locator('[data-qa="accept"]').click();
    await adminPage.locator('[data-qa="allocate"]').waitFor();
    await request.verifyOnPage();
    assert.match((await request.successBanner().textContent()) ?? '', /Request accepted/);
    await adminPage.locator('[data-qa="allocate"]').click();
    await adminPage.locator('[data-qa="papers"]').waitFor();
    await request.verifyOnPage();
    assert.match((await request.successBanner().textContent()) ?? '', /Slot allocated/);

    // The youth worker sees it accepted, on the meeting.
    await page.reload();
    await sent.verifyOnPage();
    assert.match((await page.locator('main').textContent()) ?? '', /Accepted/);
  });

  it('Luton-style area panel: request, slot, papers, invitation, meeting, decisions with a lead professional, circulated, an agency reports non-implementation, re-referral', async () => {
    const db = env.app.database.db;
    const start = new Date(env.clock.now());
    const today = londonToday(start);
    const smtp = await startSmtpServer();
    const mailer = createMailer(testConfig({ SMTP_URL: smtp.url }));
    // The mail queued so far, whichever is later: the app's clock (moved on in the test) or the database's.
    const deliver = () =>
      deliverPending(db, mailer, new Date(Math.max(Date.now(), env.clock.now().getTime()) + 60_000), 100);
    try {
      // The panel, its administrator and chair; the teacher who asks; two agencies whose teams may be asked to act.
      const admin = await env.createUser({ roles: ['panel_admin'], name: 'Amira Begum' });
      const chair = await env.createUser({ roles: ['panel_chair'], name: 'Grace Obi' });
      const teacher = await env.createUser({
        roles: ['practitioner'],
        name: 'Nia Clarke',
        organisationName: 'Stopsley Primary',
      });
      const panelName = 'South Area Family Support Panel';
      const panelId = await createPanel(db, panelName, [
        { user: admin, role: 'administrator' },
        { user: chair, role: 'chair' },
      ]);
      const health = await createOrganisation(db, { name: 'Riverside Health Visiting', agency_type: 'health' });
      const housing = await createOrganisation(db, { name: 'Riverside Housing', agency_type: 'housing' });
      const agencyUser = async (organisation: { id: string; name: string }, team: string, name: string) => {
        const user = await createUser(db, { organisationId: organisation.id, name });
        const member = { ...user, name, organisationName: organisation.name } satisfies BrowserUser;
        await joinTeam(db, await createTeam(db, organisation.id, team), [member]);
        return member;
      };
      const visitor = await agencyUser(health, 'Health visitors', 'Hana Visitor');
      const tenancy = await agencyUser(housing, 'Tenancy support', 'Tom Tenancy');
      // The meeting four weeks ahead, well before its papers deadline.
      const meetingDate = addDays(today, 28);
      const meetingId = (
        await db
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
          .executeTakeFirstOrThrow()
      ).id;
      const child = await createPerson(db, {
        givenName: 'Ulla',
        familyName: 'Fenwick',
        dateOfBirth: '2017-03-04',
        involvement: { organisationId: teacher.organisationId, userId: teacher.id },
      });
      await signedOffAssessment(db, [child], teacher, start);
      await consentNamingPanel(db, child, { id: panelId, name: panelName }, teacher, addDays(today, -7));

      // 1. The teacher asks the panel from Ulla's record, with the steps taken before referring.
      let page = await signedIn(env, teacher);
      const form = await openRequestForm(page, child, 'Ulla Fenwick', panelName);
      assert.match(await text(page, '[data-qa="consent-ok"]'), /covers discussion at this panel/);
      assert.match(await text(page, '[data-qa="assessment-ok"]'), /signed-off Early Help Assessment \(version 1\)/);
      assert.equal(
        await page.getByLabel('What changes does the family want or need to achieve?').inputValue(),
        'Mornings without arguments, and school every day.',
      );
      await form.rightRoute();
      for (const step of [
        /Identified all the children/,
        /Monitored the child/,
        /Completed the Early Help Assessment/,
      ]) {
        await page.getByLabel(step).check();
      }
      await page.getByLabel('What questions do you want the panel to answer?').fill('Who can co-ordinate the support?');
      await form.send();
      const sent = new ChildRequestPage(page, panelName);
      await sent.verifyOnPage();
      assert.match((await sent.successBanner().textContent()) ?? '', /Request sent to the panel/);
      const requestPath = new URL(page.url()).pathname;
      const requestId = requestPath.split('/').at(-1)!;
      assert.match((await page.locator('main').textContent()) ?? '', /Done: Monitored the child/);

      // 2. The administrator accepts it and gives it a slot on the meeting; the papers arrive before the deadline.
      const adminPage = await signedIn(env, admin);
      const request = await openWaitingRequest(adminPage, panelId, panelName, 'Ulla Fenwick');
      await adminPage.locator('[data-qa="accept"]').click();
      await adminPage.locator('[data-qa="allocate"]').waitFor();
      await request.verifyOnPage();
      await adminPage.getByLabel('Meeting', { exact: true }).selectOption({ index: 1 });
      await adminPage.locator('[data-qa="allocate"]').click();
      await adminPage.locator('[data-qa="papers"]').waitFor();
      await request.verifyOnPage();
      assert.match((await request.successBanner().textContent()) ?? '', /Slot allocated/);
      assert.doesNotMatch(await text(adminPage, '[data-qa="papers"]'), /late/);
      await adminPage.locator('[data-qa="papers-received"]').click();
      await adminPage.locator('[data-qa="papers"]').filter({ hasText: 'Papers received' }).waitFor();
      await request.verifyOnPage();
      assert.match((await request.successBanner().textContent()) ?? '', /Papers recorded/);

      // 3. The invitation reached the teacher over SMTP, with the slot's time and without the child's name.
      await deliver();
      const invitation = smtp.received.find(
        (m) => m.includes(`To: ${teacher.email}`) && m.includes('Invitation to present a case'),
      );
      assert.ok(invitation, `an invitation to ${teacher.email}`);
      const body = invitation.replace(/=\r?\n/g, '');
      assert.match(body, /Your slot starts at 10:00 and lasts 15 minutes/);
      assert.match(body, new RegExp(requestId.slice(0, 8)));
      assert.doesNotMatch(body, /Ulla|Fenwick/);

      // 4. The meeting: held on its day; the administrator records it once it has ended, whatever the time of day
      //    the test started (fresh sign-ins after the weeks between).
      env.clock.advance(londonInstant(meetingDate, '13:00').getTime() - env.clock.now().getTime());
      page = await signedIn(env, admin);
      await page.goto(`/panels/${panelId}/meetings/${meetingId}`);
      await MeetingPage.verifyOnPage(page);
      await page.locator('[data-qa="record-link"]').click();
      let record = await MeetingRecordPage.verifyOnPage(page);
      for (const name of [/Amira Begum/, /Grace Obi/]) {
        await page.getByRole('group', { name }).getByLabel('Present').check();
      }
      await page
        .getByRole('group', { name: /Nia Clarke/ })
        .getByLabel('Present', { exact: true })
        .check();
      await page.locator('[data-qa="save-attendance"]').click();
      await page.locator('.govuk-notification-banner').waitFor();
      record = await MeetingRecordPage.verifyOnPage(page);
      assert.match((await record.successBanner().textContent()) ?? '', /Attendance recorded/);

      await page.getByRole('link', { name: 'Ulla Fenwick' }).click();
      const caseForm = await CaseRecordPage.forCase(page, 'Ulla Fenwick');
      const nextYear = String(Number(meetingDate.slice(0, 4)) + 1);
      await page
        .getByLabel('Summary of the discussion')
        .fill('Needs are unclear and no one agency can meet them alone: the support needs co-ordinating.');
      await page.getByLabel('Identify a better way of co-ordinating services').check();
      await page.getByLabel(/Agree the appointment of a lead professional/).check();
      await page.getByLabel('Yes, a named person').check();
      await page
        .getByLabel('Lead professional', { exact: true })
        .selectOption({ label: `${teacher.name} (${teacher.organisationName})` });
      for (const c of [/additional needs/, /formal or statutory assessment/, /collaborative input/]) {
        await page.getByLabel(c).check();
      }
      await page.getByLabel('Clear and specific objectives for the lead professional').fill('One co-ordinated plan.');
      await page.locator('#leadReviewOn').getByLabel('Day').fill('15');
      await page.locator('#leadReviewOn').getByLabel('Month').fill('3');
      await page.locator('#leadReviewOn').getByLabel('Year').fill(nextYear);
      await page
        .getByLabel('How the young person and family will be told, and by whom')
        .fill('Nia Clarke tells Ulla’s mother at school the next morning.');
      await page.locator('[data-qa="save-case"]').click();
      await page.locator('.govuk-notification-banner').waitFor();
      await caseForm.verifyOnPage();

      const recommend = async (what: string, team: string, day: string) => {
        await page.getByLabel('What is to be done').fill(what);
        await page.getByLabel('Agency and team').selectOption({ label: team });
        await page.locator('#dueOn').getByLabel('Day').fill(day);
        await page.locator('#dueOn').getByLabel('Month').fill('1');
        await page.locator('#dueOn').getByLabel('Year').fill(nextYear);
        await page.locator('[data-qa="add-recommendation"]').click();
        await page.locator('[data-qa="recommendations"]').filter({ hasText: what }).waitFor();
        await caseForm.verifyOnPage();
      };
      await recommend('Offer a home visit about sleep routines', 'Riverside Health Visiting: Health visitors', '15');
      await recommend('Review the family’s rent arrears plan', 'Riverside Housing: Tenancy support', '22');

      // 5. The chair approves the record, and circulates the decisions; the mail goes to everyone they concern.
      const chairPage = await signedIn(env, chair);
      await MeetingRecordPage.open(chairPage, panelId, meetingId);
      await chairPage.locator('[data-qa="approve-record"]').click();
      await chairPage.locator('.govuk-notification-banner').waitFor();
      const approved = await MeetingRecordPage.verifyOnPage(chairPage);
      assert.match(await approved.status(), /Approved by Grace Obi/);
      await deliver();
      const before = smtp.received.length;
      await chairPage.locator('[data-qa="circulate-decisions"]').click();
      await chairPage.waitForURL(/done=circulated/);
      await MeetingRecordPage.verifyOnPage(chairPage);
      assert.match(
        await text(chairPage, '[data-qa="circulation"]'),
        /Written decisions circulated on .*, within 4 working days of the meeting/,
      );
      await deliver();
      const circulated = smtp.received.slice(before);
      for (const user of [teacher, visitor, tenancy]) {
        const mail = circulated.find((m) => m.includes(`To: ${user.email}`));
        assert.ok(mail, `the circulation reached ${user.name}`);
        assert.match(mail, /Subject: Early Help Hub: you have a new notification/);
        assert.doesNotMatch(mail, /Ulla|Fenwick/);
      }

      // 6. The health visitor opens the recommendation on their team's work list.
      const visitorPage = await signedIn(env, visitor);
      const work = await WorkPage.open(visitorPage);
      await work
        .items()
        .filter({ hasText: `Act on a recommendation of ${panelName}` })
        .waitFor();
      await work.openItem(`Act on a recommendation of ${panelName}`);
      await PanelDecisionsPage.verifyOnPage(visitorPage);
      const decisions = (await visitorPage.locator('main').textContent()) ?? '';
      assert.match(decisions, /Offer a home visit about sleep routines/);
      assert.match(decisions, /Nia Clarke/);

      // 7. The health visiting team cannot do it: the health visitor reports it was not implemented, with the reason;
      //    the chair is told, and records what was done about it.
      await visitorPage
        .getByRole('link', { name: /Report on it/ })
        .first()
        .click();
      await new ReportPage(visitorPage, panelName).verifyOnPage();
      await visitorPage.locator('[data-qa="send-report"]').click();
      const unanswered = new ReportPage(visitorPage, panelName);
      await unanswered.verifyOnPage();
      assert.match(await text(visitorPage, '.govuk-error-summary'), /implemented/);
      await visitorPage.getByLabel('No, it was not implemented').check();
      await visitorPage
        .getByLabel('Why it was not implemented')
        .fill('No health visitor is free in the area until March.');
      await visitorPage.locator('[data-qa="send-report"]').click();
      await visitorPage.waitForURL(/done=reported/);
      const reported = await PanelDecisionsPage.verifyOnPage(visitorPage);
      assert.match((await reported.successBanner().textContent()) ?? '', /Report sent/);
      assert.match(await text(visitorPage, 'main'), /No health visitor is free in the area until March/);

      const chairWork = await WorkPage.open(chairPage);
      const consider = `Consider a recommendation of ${panelName} that was not implemented`;
      await chairWork.items().filter({ hasText: consider }).waitFor();
      await chairWork.openItem(consider);
      await CaseRecordPage.forCase(chairPage, 'Ulla Fenwick');
      assert.match(await text(chairPage, '[data-qa="not-implemented"]'), /No health visitor is free/);
      await chairPage
        .getByLabel('What you did about it')
        .fill('Asked the school nurse to offer the sleep routine visit.');
      await chairPage.locator('[data-qa="consider"]').click();
      await chairPage.waitForURL(/done=considered/);
      await CaseRecordPage.forCase(chairPage, 'Ulla Fenwick');
      assert.match(await text(chairPage, '[data-qa="considered"]'), /Considered by Grace Obi/);

      // 8. The teacher re-refers the case: the new request is linked to the earlier discussion and says what was not
      //    implemented, and goes through the same checks as any request.
      page = await signedIn(env, teacher);
      await page.goto(requestPath);
      await new ChildRequestPage(page, panelName).verifyOnPage();
      await page.locator('[data-qa="re-refer"]').click();
      const again = new RequestFormPage(page, panelName);
      await again.verifyOnPage();
      assert.equal(
        await page.getByLabel('What questions do you want the panel to answer?').inputValue(),
        'Who can co-ordinate the support?',
      );
      await again.rightRoute();
      await page.getByLabel(/Monitored the child/).check();
      await page
        .getByLabel('What questions do you want the panel to answer?')
        .fill('Health visiting could not offer the visit: who else can help with sleep?');
      await again.send();
      const reReferred = new ChildRequestPage(page, panelName);
      await reReferred.verifyOnPage();
      assert.match((await reReferred.successBanner().textContent()) ?? '', /Request sent to the panel/);
      assert.notEqual(new URL(page.url()).pathname, requestPath);
      const link = await text(page, '[data-qa="re-referral"]');
      assert.match(link, /Re-referral: discussed on/);
      assert.match(link, /Offer a home visit about sleep routines \(Riverside Health Visiting\)/);
    } finally {
      await smtp.close();
    }
  });
});
