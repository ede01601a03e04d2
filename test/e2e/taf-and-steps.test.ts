import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { Page } from 'playwright-core';
import * as registry from '../../src/features/people/registry-repository.ts';
import { addDays, londonInstant, londonToday } from '../../src/platform/calendar.ts';
import { createOrganisation, createPartnership, createUser } from '../support/factories.ts';
import { createPerson } from '../support/people.ts';
import { ChronologyPage } from './pages/chronology.ts';
import { AddMemberPage, EpisodePage, OpenEpisodePage } from './pages/episodes.ts';
import { ContactPage, FrontDoorQueuePage } from './pages/front-door.ts';
import {
  RecordMeetingPage,
  ScheduleMeetingPage,
  StepDownPage,
  StepUpPage,
  TafMeetingPage,
  TafMeetingsPage,
} from './pages/taf.ts';
import { type BrowserUser, browserSuite } from './support/fixture.ts';
import { signIn } from './support/journeys.ts';

const DAY = 24 * 60 * 60 * 1000;

browserSuite('Team around the family meetings and stepping up and down (browser)', (env) => {
  let teacher: BrowserUser;
  let nurse: BrowserUser;
  let door: BrowserUser;
  let childId: string;
  let stepChildId: string;
  const today = () => londonToday(env.clock.now());
  const fresh = async (user: BrowserUser) => {
    const page = await env.newPage();
    await signIn(env, page, user);
    return page;
  };
  const errors = async (page: Page) => (await page.locator('.govuk-error-summary').textContent()) ?? '';

  before(async () => {
    const db = env.app.database.db;
    const school = await createOrganisation(db, { name: 'Oak Lane Primary', agency_type: 'school' });
    const health = await createOrganisation(db, { name: 'Lea Valley Health', agency_type: 'health' });
    const socialCare = await createOrganisation(db, { name: 'Lea Social Care', agency_type: 'social_care' });
    const lea = await createPartnership(db, 'Lea', [school.id, health.id, socialCare.id]);
    const person = async (organisationId: string, organisationName: string, name: string, front = false) => {
      const u = await createUser(db, { organisationId, name, ...(front ? { roles: ['front_door' as const] } : {}) });
      return { ...u, name, organisationName };
    };
    teacher = await person(school.id, 'Oak Lane Primary', 'Tess Hale');
    nurse = await person(health.id, 'Lea Valley Health', 'Nia Okafor');
    door = await person(socialCare.id, 'Lea Social Care', 'Fay Door', true);
    childId = await createPerson(db, {
      givenName: 'Poppy',
      familyName: 'Fenwick',
      dateOfBirth: '2017-03-04',
      involvement: { organisationId: school.id, userId: teacher.id },
    });
    const motherId = await createPerson(db, {
      kind: 'adult',
      givenName: 'Mina',
      familyName: 'Fenwick',
      dateOfBirth: '1990-01-01',
    });
    stepChildId = await createPerson(db, {
      givenName: 'Sid',
      familyName: 'Stone',
      dateOfBirth: '2015-06-06',
      involvement: { organisationId: socialCare.id, userId: door.id, role: 'Social worker' },
    });
    const address = { line2: null, town: null, postcode: 'LU1 1AA', areaId: lea.areaId };
    const fenwicks = await registry.findOrCreateHousehold(db, { ...address, line1: '1 Mill Lane' });
    for (const id of [childId, motherId]) await registry.moveTo(db, id, fenwicks, '2020-01-01');
    const stones = await registry.findOrCreateHousehold(db, { ...address, line1: '4 Mill Lane' });
    await registry.moveTo(db, stepChildId, stones, '2020-01-01');
  });

  /** The teacher opens an episode for Poppy, as lead, with the nurse in the team; returns its path. */
  let episodePath = '';
  async function episodeWithTeam() {
    if (episodePath) return episodePath;
    const page = await fresh(teacher);
    await page.goto(`/people/${childId}/episodes/new`);
    const open = await OpenEpisodePage.verifyOnPage(page);
    await open.chooseLead(`${teacher.name} (${teacher.organisationName})`);
    await open.open();
    const episode = await EpisodePage.verifyOnPage(page);
    await episode.click('Add to the team');
    await (await AddMemberPage.verifyOnPage(page)).addUser(`${nurse.name} (${nurse.organisationName})`, 'School nurse');
    await page.locator('[data-qa="team"]').filter({ hasText: 'School nurse' }).waitFor();
    await EpisodePage.verifyOnPage(page);
    episodePath = new URL(page.url()).pathname;
    return episodePath;
  }

  it('arranges and records a team around the family meeting; refusals keep what was typed; on the chronology', async () => {
    const path = await episodeWithTeam();
    let page = await fresh(teacher);
    const episode = await EpisodePage.open(page, path);
    await episode.click('Meetings of the team around the family');
    let list = await TafMeetingsPage.verifyOnPage(page);
    await list.click('Arrange a meeting');
    let schedule = await ScheduleMeetingPage.verifyOnPage(page);
    const meeting = {
      on: addDays(today(), 1),
      time: '25:00',
      format: 'In person',
      place: 'Oak Lane Primary, meeting room 2',
      chair: `${teacher.name} (lead practitioner)`,
    };
    await schedule.fill(meeting);
    await schedule.arrange();
    await page.locator('.govuk-error-summary').waitFor();
    schedule = await ScheduleMeetingPage.verifyOnPage(page);
    assert.match(await errors(page), /Enter the time of the meeting, for example 14:30/);
    assert.equal(await page.getByLabel('Where, or how to join').inputValue(), meeting.place);
    assert.equal(await page.getByLabel('In person', { exact: true }).isChecked(), true);
    await page.getByLabel('Time', { exact: true }).fill('09:30');
    await schedule.arrange();
    await page.locator('.govuk-notification-banner--success').waitFor();
    await TafMeetingPage.verifyOnPage(page);
    const meetingPath = new URL(page.url()).pathname;

    // Too early to record it: the meeting has not happened yet.
    await page.goto(`${meetingPath}/record`);
    let record = await RecordMeetingPage.verifyOnPage(page);
    await record.mark(`${teacher.name} (lead practitioner)`, 'Present');
    await record.mark(`${nurse.name} (School nurse)`, 'Sent apologies');
    await record.fill({ views: 'Mina wants help with mornings', decisions: 'Nurse to visit' });
    await record.record();
    await page.locator('.govuk-error-summary').waitFor();
    record = await RecordMeetingPage.verifyOnPage(page);
    assert.match(await errors(page), /The meeting has not happened yet/);
    assert.equal(await page.getByLabel('The family’s views').inputValue(), 'Mina wants help with mornings');

    // The next day, once the meeting has ended whatever the time the test started: a malformed "others" line and a
    // team member left unmarked are refused, keeping the rest.
    const afterMeeting = londonInstant(meeting.on, '09:30').getTime() + 60 * 60_000 - env.clock.now().getTime();
    env.clock.advance(Math.max(DAY + 60_000, afterMeeting));
    page = await fresh(teacher);
    await page.goto(`${meetingPath}/record`);
    record = await RecordMeetingPage.verifyOnPage(page);
    await record.mark(`${teacher.name} (lead practitioner)`, 'Present');
    await record.familyPresent('Mina Fenwick');
    await record.fill({
      others: 'Hal Housing',
      views: 'Mina wants help with mornings',
      decisions: 'Nurse to visit at home\nSchool to offer breakfast club',
    });
    await record.record();
    await page.locator('.govuk-error-summary').waitFor();
    record = await RecordMeetingPage.verifyOnPage(page);
    assert.match(await errors(page), /their name, a comma, then their organisation/);
    assert.equal(
      await page.getByLabel('Decisions').inputValue(),
      'Nurse to visit at home\nSchool to offer breakfast club',
    );
    assert.equal(
      await page.getByRole('group', { name: 'Family members present' }).getByLabel('Mina Fenwick').isChecked(),
      true,
    );
    await page.getByLabel('Others present (optional)').fill('Hal Housing, Lea Homes');
    await record.record();
    await page.locator('.govuk-error-summary').waitFor();
    record = await RecordMeetingPage.verifyOnPage(page);
    assert.match(await errors(page), /Select whether Nia Okafor was present/);
    await record.mark(`${nurse.name} (School nurse)`, 'Sent apologies');
    await record.record();
    await page.locator('[data-qa="attendance"]').waitFor();
    const held = await TafMeetingPage.verifyOnPage(page);
    assert.match((await held.attendance().textContent()) ?? '', /Sent apologies/);
    assert.match((await page.locator('[data-qa="others"]').textContent()) ?? '', /Hal Housing \(Lea Homes\)/);
    assert.match((await held.decisions().textContent()) ?? '', /School to offer breakfast club/);
    await page.getByRole('link', { name: 'Back to the meetings' }).click();
    list = await TafMeetingsPage.verifyOnPage(page);
    assert.match((await list.meetings().textContent()) ?? '', /Held/);

    await page.goto(`/people/${childId}/chronology`);
    await ChronologyPage.verifyOnPage(page);
    assert.match(
      (await page.locator('main').textContent()) ?? '',
      /Team around the family meeting held, attended by Tess Hale/,
    );
  });

  it('steps up to the front door’s queue, and steps another child down to a new lead; both on the chronology', async () => {
    const path = await episodeWithTeam();
    const page = await fresh(teacher);
    const episode = await EpisodePage.open(page, path);
    await episode.click('Ask for a step up to social care');
    let stepUp = await StepUpPage.verifyOnPage(page);
    await stepUp.answerHarm(false);
    await page.locator('[data-qa="summary"]').waitFor();
    stepUp = await StepUpPage.verifyOnPage(page);
    const request = {
      whyNow: '',
      whatChanged: 'Poppy has stopped coming to school.',
      urgent: false,
      reason: 'Asking the family first could put Poppy at risk.',
    };
    await stepUp.fill(request);
    await stepUp.send();
    await page.locator('.govuk-error-summary').waitFor();
    stepUp = await StepUpPage.verifyOnPage(page);
    assert.match(await errors(page), /Enter why you are asking for a step up now/);
    assert.equal(await page.getByLabel('What has changed?').inputValue(), request.whatChanged);
    assert.equal(await page.getByLabel('Not urgent', { exact: true }).isChecked(), true);
    await page.getByLabel('Why are you asking for a step up now?').fill('The plan is not working.');
    await stepUp.send();
    await page.locator('[data-qa="steps"]').waitFor();
    await EpisodePage.verifyOnPage(page);
    const reference = /FD-[0-9A-Z]{6}/.exec((await page.locator('[data-qa="steps"]').textContent()) ?? '')?.[0];
    assert.ok(reference, 'the episode names the request');
    await page.goto(`/people/${childId}/chronology`);
    await ChronologyPage.verifyOnPage(page);
    assert.match(
      (await page.locator('main').textContent()) ?? '',
      new RegExp(
        `Step up to children’s social care: Tess Hale \\(Oak Lane Primary\\) asked the front door, request ${reference}`,
      ),
    );

    // The front door has it on the queue, with the episode's summary.
    const doorPage = await fresh(door);
    await FrontDoorQueuePage.open(doorPage);
    await doorPage.getByRole('link', { name: reference }).click();
    await ContactPage.verifyOnPage(doorPage);
    const contact = (await doorPage.locator('main').textContent()) ?? '';
    assert.match(contact, /The plan is not working/);
    assert.match(contact, /Lead practitioner: Tess Hale, Oak Lane Primary/);

    // Social care steps Sid down into early help, with the nurse as the new lead.
    await doorPage.goto(`/people/${stepChildId}/step-down`);
    let stepDown = await StepDownPage.verifyOnPage(doorPage);
    const handover = {
      lead: `${nurse.name} (${nurse.organisationName})`,
      on: today(),
      present: 'Fay Door and Nia Okafor',
      summary: '',
      familyTold: 'That Nia will visit next week',
    };
    await stepDown.fill(handover);
    await stepDown.send();
    await doorPage.locator('.govuk-error-summary').waitFor();
    stepDown = await StepDownPage.verifyOnPage(doorPage);
    assert.match(await errors(doorPage), /Enter a summary of the handover conversation/);
    assert.equal(await doorPage.getByLabel('Who took part').inputValue(), handover.present);
    assert.equal(await doorPage.getByLabel('What the family was told').inputValue(), handover.familyTold);
    await doorPage.getByLabel('Summary of the conversation').fill('Home is calmer; attendance is back to normal.');
    await stepDown.send();
    await doorPage.locator('[data-qa="lead"]').waitFor();
    const stepped = await EpisodePage.verifyOnPage(doorPage);
    assert.match((await stepped.lead().textContent()) ?? '', /Nia Okafor/);
    await doorPage.goto(`/people/${stepChildId}/chronology`);
    await ChronologyPage.verifyOnPage(doorPage);
    assert.match(
      (await doorPage.locator('main').textContent()) ?? '',
      /Step down from children’s social care: Fay Door \(Lea Social Care\) handed over to Nia Okafor \(Lea Valley Health\), lead practitioner/,
    );
  });
});
