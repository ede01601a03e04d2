/**
 * Issue 10's journey, through the real pages as the people who do it: an early help assessment for a family of
 * three children, pre-filled from the index, that survives a session time-out; returned and then signed off by
 * a manager in the same agency; a team around the family with a lead practitioner and a meeting; a SMART plan
 * agreed and reviewed twice; a handover to a new lead; a step up to the front door; closure with outcomes after
 * monitoring; and every step on the child's chronology.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as registry from '../../src/features/people/registry-repository.ts';
import { DEFAULT_GUIDANCE } from '../../src/features/threshold/default-guidance.ts';
import { currentGuidance } from '../../src/features/threshold/repository.ts';
import { addDays, londonInstant, londonToday } from '../../src/platform/calendar.ts';
import { createOrganisation, createPartnership, createUser } from '../support/factories.ts';
import { createPerson } from '../support/people.ts';
import { AppPage } from './pages/app-page.ts';
import {
  AssessmentPage,
  AssessmentSectionPage,
  SignOffAssessmentPage,
  StartAssessmentPage,
  SubmitAssessmentPage,
} from './pages/assessments.ts';
import { ResumePage, SignInPage, TwoFactorPage } from './pages/auth.ts';
import { ChronologyPage } from './pages/chronology.ts';
import { consentFor } from './pages/consent-data.ts';
import { IndexCardPage } from './pages/consent-pages.ts';
import {
  AddMemberPage,
  ClosedPage,
  EpisodePage,
  EpisodesPage,
  HandoverPage,
  MonitoringPage,
  OpenEpisodePage,
  ProposeClosurePage,
} from './pages/episodes.ts';
import { ContactPage, FrontDoorQueuePage } from './pages/front-door.ts';
import { ActionPage, AgreePage, EditPlanPage, ObjectivePage, PlanPage, ReviewPage } from './pages/plans.ts';
import { RecordMeetingPage, ScheduleMeetingPage, StepUpPage, TafMeetingPage, TafMeetingsPage } from './pages/taf.ts';
import { expectAccessible } from './support/axe.ts';
import { type BrowserUser, browserSuite } from './support/fixture.ts';
import { signIn } from './support/journeys.ts';

const DAY = 24 * 60 * 60 * 1000;
const WEEK = 7 * DAY;
const domain = DEFAULT_GUIDANCE.domains[0]!;
const subArea = domain.subAreas[0]!;

class AssessmentListPage extends AppPage {
  readonly heading = 'Early help assessments';
}

browserSuite('Issue 10: the early help journey (browser)', (env) => {
  it('assess a family of three, survive a time-out, sign off, form a team, meet, plan, review twice, hand over, step up and close — all on the chronology', async () => {
    const db = env.app.database.db;

    // The people: a teacher and her manager at the school, a school nurse who becomes the lead, and the front door.
    const school = await createOrganisation(db, { name: 'Larch Lane Primary', agency_type: 'school' });
    const health = await createOrganisation(db, { name: 'Lea Valley Health', agency_type: 'health' });
    const socialCare = await createOrganisation(db, { name: 'Lea Social Care', agency_type: 'social_care' });
    const lea = await createPartnership(db, 'Lea', [school.id, health.id, socialCare.id]);
    const person = async (organisationId: string, organisationName: string, name: string, roles?: string[]) => {
      const u = await createUser(db, {
        organisationId,
        name,
        ...(roles ? { roles: roles as ('practitioner' | 'manager' | 'front_door')[] } : {}),
      });
      return { ...u, name, organisationName } satisfies BrowserUser;
    };
    const teacher = await person(school.id, 'Larch Lane Primary', 'Tamsin Reed');
    const manager = await person(school.id, 'Larch Lane Primary', 'Hari Patel', ['practitioner', 'manager']);
    const nurse = await person(health.id, 'Lea Valley Health', 'Nia Okafor');
    const door = await person(socialCare.id, 'Lea Social Care', 'Fay Door', ['front_door']);
    const pastoral = await db
      .insertInto('team')
      .values({ organisation_id: school.id, name: 'Pastoral' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('user_team')
      .values([
        { user_id: teacher.id, team_id: pastoral.id, is_manager: false },
        { user_id: manager.id, team_id: pastoral.id, is_manager: true },
      ])
      .execute();

    // A household of three children and their mother on the index, with a need recorded earlier by the school.
    const childId = await createPerson(db, {
      givenName: 'Mira',
      familyName: 'Castell',
      dateOfBirth: '2015-06-07',
      involvement: { organisationId: school.id, userId: teacher.id, role: 'Class teacher' },
    });
    const sisterId = await createPerson(db, { givenName: 'Lina', familyName: 'Castell', dateOfBirth: '2017-09-10' });
    const brotherId = await createPerson(db, { givenName: 'Rafe', familyName: 'Castell', dateOfBirth: '2020-02-03' });
    const motherId = await createPerson(db, {
      kind: 'adult',
      givenName: 'Dana',
      familyName: 'Castell',
      dateOfBirth: '1989-04-05',
    });
    const home = await registry.findOrCreateHousehold(db, {
      line1: '7 Larch Lane',
      line2: null,
      town: null,
      postcode: 'LU2 7AA',
      areaId: lea.areaId,
    });
    for (const id of [childId, sisterId, brotherId, motherId]) await registry.moveTo(db, id, home, '2019-01-01');
    const guidance = await currentGuidance(db);
    await db
      .insertInto('need_level')
      .values({
        person_id: childId,
        level: 'early_help',
        reason: 'Late most mornings',
        recorded_by: teacher.id,
        recorded_at: new Date(env.clock.now().getTime() - 30 * DAY),
        organisation_id: school.id,
        guidance_id: guidance.id,
        suggested_level: 'early_help',
        indicators: JSON.stringify([
          {
            id: `${subArea.id}.early_help.1`,
            text: 'Often late to school',
            level: 'early_help',
            subArea: subArea.id,
            domain: domain.id,
          },
        ]),
      })
      .execute();
    // The mother agreed to the school and the health service sharing what they know.
    await consentFor(db, {
      child: childId,
      by: motherId,
      byKind: 'parent_carer',
      organisationIds: [school.id, health.id],
      recordedBy: teacher,
    });

    const teacherLabel = `${teacher.name} (${teacher.organisationName})`;
    const nurseLabel = `${nurse.name} (${nurse.organisationName})`;
    const today = () => londonToday(env.clock.now());
    const fresh = async (user: BrowserUser) => {
      const page = await env.newPage();
      await signIn(env, page, user);
      return page;
    };

    // 1. The teacher opens an episode for the three children from Mira's record, as the lead practitioner.
    let page = await fresh(teacher);
    let card = await IndexCardPage.open(page, childId, 'Mira Castell');
    await card.click('Early help episodes');
    await (await EpisodesPage.verifyOnPage(page)).click('Open an early help episode');
    const open = await OpenEpisodePage.verifyOnPage(page);
    await page.getByLabel('Lina Castell').check();
    await page.getByLabel('Rafe Castell').check();
    await open.chooseLead(teacherLabel);
    await open.open();
    let episode = await EpisodePage.verifyOnPage(page);
    const episodePath = new URL(page.url()).pathname;

    // 2. The assessment, started from Mira's record: the household and the earlier need are there already.
    card = await IndexCardPage.open(page, childId, 'Mira Castell');
    await card.click('Early help assessments');
    await (await AssessmentListPage.verifyOnPage(page)).click('Start an assessment');
    const start = await StartAssessmentPage.verifyOnPage(page);
    const household = (await page.locator('[data-qa="prefill-household"]').textContent()) ?? '';
    for (const name of ['Mira Castell', 'Lina Castell', 'Rafe Castell', 'Dana Castell']) {
      assert.match(household, new RegExp(name));
    }
    assert.match((await page.locator('[data-qa="prefill-needs"]').textContent()) ?? '', /Often late to school/);
    assert.match((await page.locator('[data-qa="prefill-involved"]').textContent()) ?? '', /Class teacher/);
    await page.getByLabel('Lina Castell').check();
    await page.getByLabel('Rafe Castell').check();
    await start.click('Start the assessment');
    let overview = await AssessmentPage.verifyOnPage(page);
    const assessmentPath = new URL(page.url()).pathname;
    // The earlier need became an unmet need without anyone retyping it.
    await overview.click('Unmet needs');
    await AssessmentSectionPage.verifyOnPage(page);
    assert.match((await page.locator('main').textContent()) ?? '', /Often late to school/);

    await page.goto(assessmentPath);
    overview = await AssessmentPage.verifyOnPage(page);
    await overview.click('Why now and who asked');
    let section = await AssessmentSectionPage.verifyOnPage(page);
    await page.getByLabel('Why is an assessment needed now?').fill('Mira is late most mornings and tired in class.');
    await page.getByLabel('Who asked for the assessment?').fill('Dana, her mother, at parents’ evening.');
    await section.click('Save and continue');
    section = await AssessmentSectionPage.verifyOnPage(page);

    // 3. The session times out mid-way: the teacher types, leaves it over half an hour, then saves.
    await page.goto(`${assessmentPath}/sections/views`);
    section = await AssessmentSectionPage.verifyOnPage(page);
    const childViews = 'Mira says mornings are a rush and she misses breakfast.';
    await page.getByLabel('The child’s views, in their own words').fill(childViews);
    env.clock.advance(31 * 60_000);
    await page.getByRole('button', { name: 'Save and come back later' }).click();
    const signInPage = await SignInPage.verifyOnPage(page);
    assert.match((await signInPage.timeoutBanner().textContent()) ?? '', /signed out because you were inactive/);
    await signInPage.signIn(teacher.email, teacher.password);
    await (await TwoFactorPage.verifyOnPage(page)).enterCode(await env.totp(teacher.totpSecret!));
    const resume = await ResumePage.verifyOnPage(page);
    assert.match(JSON.stringify(await resume.fields()), /misses breakfast/);
    await resume.send();
    overview = await AssessmentPage.verifyOnPage(page);
    await page.goto(`${assessmentPath}/sections/views`);
    await AssessmentSectionPage.verifyOnPage(page);
    assert.equal(await page.getByLabel('The child’s views, in their own words').inputValue(), childViews);

    // 4. Submitted to the manager, who returns it; the teacher changes it and resubmits; the manager signs it off.
    const submitTo = async () => {
      await page.goto(assessmentPath);
      const o = await AssessmentPage.verifyOnPage(page);
      await o.click('Submit for sign-off');
      const submit = await SubmitAssessmentPage.verifyOnPage(page);
      await page.getByLabel('Manager').selectOption({ label: `${manager.name} (Pastoral)` });
      await submit.click('Submit for sign-off');
      await page
        .locator('[data-qa="status"]')
        .filter({ hasText: /With a manager/ })
        .waitFor();
      await AssessmentPage.verifyOnPage(page);
    };
    await submitTo();
    const managerPage = await fresh(manager);
    await managerPage.goto(assessmentPath);
    await (await AssessmentPage.verifyOnPage(managerPage)).click('Sign off or return');
    let signOff = await SignOffAssessmentPage.verifyOnPage(managerPage);
    await managerPage.getByLabel('Return it for changes').check();
    await managerPage.getByLabel('If you return it, what needs to change').fill('Add the parents’ views.');
    await signOff.click('Record the decision');
    await AssessmentPage.verifyOnPage(managerPage);

    await page.goto(assessmentPath);
    overview = await AssessmentPage.verifyOnPage(page);
    assert.match((await overview.status().textContent()) ?? '', /Returned for changes/);
    assert.match((await overview.history().textContent()) ?? '', /Add the parents’ views/);
    await page.goto(`${assessmentPath}/sections/views`);
    section = await AssessmentSectionPage.verifyOnPage(page);
    await page
      .getByLabel('The parents’ or carers’ views, in their own words')
      .fill('Dana wants calmer mornings and help with the school run.');
    await page.getByRole('button', { name: 'Save and come back later' }).click();
    await AssessmentPage.verifyOnPage(page);
    await submitTo();

    await managerPage.goto(assessmentPath);
    await (await AssessmentPage.verifyOnPage(managerPage)).click('Sign off or return');
    signOff = await SignOffAssessmentPage.verifyOnPage(managerPage);
    await managerPage.getByLabel('Sign it off').check();
    await signOff.click('Record the decision');
    await managerPage
      .locator('[data-qa="status"]')
      .filter({ hasText: /Signed off/ })
      .waitFor();
    await AssessmentPage.verifyOnPage(managerPage);

    // 5. The team around the family: the school nurse joins; a meeting is arranged for tomorrow.
    episode = await EpisodePage.open(page, episodePath);
    await episode.click('Add to the team');
    await (await AddMemberPage.verifyOnPage(page)).addUser(nurseLabel, 'School nurse');
    episode = await EpisodePage.verifyOnPage(page);
    assert.match((await episode.team().textContent()) ?? '', /School nurse/);
    assert.match((await episode.lead().textContent()) ?? '', new RegExp(teacher.name));
    await episode.click('Meetings of the team around the family');
    await (await TafMeetingsPage.verifyOnPage(page)).click('Arrange a meeting');
    const schedule = await ScheduleMeetingPage.verifyOnPage(page);
    const meetingOn = addDays(today(), 1);
    await schedule.fill({
      on: meetingOn,
      time: '09:30',
      format: 'In person',
      place: 'Larch Lane Primary, family room',
      chair: `${teacher.name} (lead practitioner)`,
    });
    await schedule.arrange();
    await page.locator('.govuk-notification-banner--success').waitFor();
    await TafMeetingPage.verifyOnPage(page);
    const meetingPath = new URL(page.url()).pathname;

    // The meeting is held the next day; the teacher records it once it has ended (a fresh sign-in after the night),
    // whatever the time of day the test started.
    const afterMeeting = londonInstant(meetingOn, '09:30').getTime() + 60 * 60_000 - env.clock.now().getTime();
    env.clock.advance(Math.max(DAY + 60_000, afterMeeting));
    page = await fresh(teacher);
    await page.goto(meetingPath);
    await (await TafMeetingPage.verifyOnPage(page)).click('Record the meeting');
    const record = await RecordMeetingPage.verifyOnPage(page);
    await record.mark(`${teacher.name} (lead practitioner)`, 'Present');
    await record.mark(`${nurse.name} (School nurse)`, 'Present');
    await record.familyPresent('Dana Castell');
    await record.fill({
      views: 'Dana wants help with mornings; Mira wants breakfast at school.',
      decisions: 'School to offer breakfast club\nNurse to visit at home',
    });
    await record.record();
    await page.locator('[data-qa="attendance"]').waitFor();
    const meeting = await TafMeetingPage.verifyOnPage(page);
    assert.match((await meeting.decisions().textContent()) ?? '', /Nurse to visit at home/);

    // 6. The SMART plan: one objective and one action, agreed with the family, then reviewed twice.
    await EpisodePage.open(page, episodePath);
    await new EpisodePage(page).click(/See the family’s plan/);
    let plan = await PlanPage.verifyOnPage(page);
    await plan.click('Start the plan');
    await (await EditPlanPage.verifyOnPage(page)).save('Dana and the children want mornings to work', /Every 6 weeks/);
    await page.locator('.govuk-notification-banner--success').waitFor();
    plan = await PlanPage.verifyOnPage(page);
    await plan.click('Add an objective');
    const objective = await ObjectivePage.verifyOnPage(page);
    await objective.fill({
      area: `${domain.name}: ${subArea.name}`,
      need: 'Mira is often late to school',
      criterion: 'On time on at least 9 days in 10 for 6 weeks',
      target: addDays(today(), 70),
      agreedBy: 'Dana and the class teacher',
      assessmentNeed: /Often late to school/,
    });
    await objective.submit();
    await page.locator('.govuk-notification-banner--success').waitFor();
    plan = await PlanPage.verifyOnPage(page);
    await plan.click(/Add an action/);
    await (await ActionPage.verifyOnPage(page)).add(
      'Breakfast club place for Mira',
      teacherLabel,
      addDays(today(), 14),
    );
    await page.locator('.govuk-notification-banner--success').waitFor();
    plan = await PlanPage.verifyOnPage(page);
    await plan.click('Record the family’s agreement');
    await (await AgreePage.verifyOnPage(page)).agree('Dana Castell', today());
    await page.locator('[data-qa="next-review"]').waitFor();
    plan = await PlanPage.verifyOnPage(page);
    for (const n of [1, 2]) {
      await plan.click('Record a review');
      await (await ReviewPage.verifyOnPage(page)).record(
        today(),
        'Some progress',
        `Review ${n}`,
        `Mornings better ${n}`,
      );
      await page
        .locator('[data-qa="review-record"]')
        .nth(n - 1)
        .waitFor();
      plan = await PlanPage.verifyOnPage(page);
    }
    // The action is done (the owner marks it), as the episode cannot close with open actions.
    await page.getByRole('button', { name: /Mark done/ }).click();
    await page.locator('[data-qa="actions"]').getByText('Done', { exact: true }).waitFor();
    plan = await PlanPage.verifyOnPage(page);

    // 7. The lead changes through a handover; the nurse acknowledges it.
    episode = await EpisodePage.open(page, episodePath);
    await episode.click('Hand over to a new lead');
    const handover = await HandoverPage.verifyOnPage(page);
    await handover.fill(nurseLabel, 'Health needs are now the main focus.', today());
    await handover.submit();
    await page.locator('[data-qa="lead"]').filter({ hasText: nurse.name }).waitFor();
    episode = await EpisodePage.verifyOnPage(page);

    let nursePage = await fresh(nurse);
    episode = await EpisodePage.open(nursePage, episodePath);
    await episode.click('Acknowledge that I am the lead practitioner');
    await nursePage.locator('[data-qa="acknowledge"]').waitFor({ state: 'detached' });
    episode = await EpisodePage.verifyOnPage(nursePage);

    // 8. The new lead asks for a step up; the front door sees the request with the episode's summary.
    await episode.click('Ask for a step up to social care');
    const stepUp = await StepUpPage.verifyOnPage(nursePage);
    await stepUp.answerHarm(false);
    await nursePage.locator('[data-qa="summary"]').waitFor();
    await StepUpPage.verifyOnPage(nursePage);
    assert.match((await stepUp.summary().textContent()) ?? '', new RegExp(`Lead practitioner: ${nurse.name}`));
    await stepUp.fill({
      whyNow: 'Mira told the nurse things are worse at home.',
      whatChanged: 'A new partner has moved in.',
      urgent: false,
      reason: 'Asking the family first could put the children at risk.',
    });
    await stepUp.send();
    await nursePage.locator('[data-qa="steps"]').waitFor();
    episode = await EpisodePage.verifyOnPage(nursePage);
    const steps = (await nursePage.locator('[data-qa="steps"]').textContent()) ?? '';
    const reference = /FD-[0-9A-Z]{6}/.exec(steps)?.[0];
    assert.ok(reference, `the step up names its request: ${steps}`);

    const doorPage = await fresh(door);
    await FrontDoorQueuePage.open(doorPage);
    await doorPage.getByRole('link', { name: reference }).click();
    await ContactPage.verifyOnPage(doorPage);
    const contact = (await doorPage.locator('main').textContent()) ?? '';
    assert.match(contact, /Mira told the nurse things are worse at home/);
    assert.match(contact, new RegExp(`Lead practitioner: ${nurse.name}, Lea Valley Health`));
    for (const name of ['Mira Castell', 'Lina Castell', 'Rafe Castell']) assert.match(contact, new RegExp(name));
    // The assessment and the plan come with it, not retyped.
    assert.match(contact, /Early Help Assessment: signed off on/);
    assert.match(contact, /Plan: agreed with the family on/);

    // 9. Later the family's needs are met: the lead proposes closure with outcomes, monitors, and confirms.
    episode = await EpisodePage.open(nursePage, episodePath);
    await episode.click('Propose closure: improvement made');
    const propose = await ProposeClosurePage.verifyOnPage(nursePage);
    await nursePage.getByLabel('What improvement has the family made?').fill('Mira on time every day this half term.');
    await nursePage.locator('#outcome-education-2').check();
    await nursePage.getByLabel('Evidence for “Getting a good education”').fill('School register: 97% this term.');
    await propose.submit();
    await nursePage.locator('[data-qa="monitoring"]').waitFor();
    await EpisodePage.verifyOnPage(nursePage);

    env.clock.advance(12 * WEEK + 60_000);
    nursePage = await fresh(nurse);
    episode = await EpisodePage.open(nursePage, episodePath);
    await episode.click('Confirm closure or record a relapse');
    await (await MonitoringPage.verifyOnPage(nursePage)).confirm();
    // The nurse worked with the family only as its lead: closing ends that, so she is told it is done.
    await ClosedPage.verifyOnPage(nursePage);
    page = await fresh(teacher);
    await EpisodePage.open(page, episodePath);
    assert.match((await page.locator('[data-qa="closed"]').textContent()) ?? '', /Needs met/);
    assert.match((await page.locator('[data-qa="outcomes"]').textContent()) ?? '', /Getting a good education/);

    // 10. Every step is on Mira's chronology.
    card = await IndexCardPage.open(page, childId, 'Mira Castell');
    await card.click('See the chronology: what happened, from every service');
    await ChronologyPage.verifyOnPage(page);
    const chronology = (await page.locator('main').textContent()) ?? '';
    for (const step of [
      /Early help episode opened/,
      /Early help assessment \(version \d+\) returned for changes/,
      /Early help assessment \(version \d+\) signed off/,
      /Nia Okafor joined the team around the family \(School nurse\)/,
      /Team around the family meeting held, attended by Tamsin Reed, Nia Okafor/,
      /Early help plan agreed with the family/,
      /Early help plan action done/,
      /Lead practitioner handed over from Tamsin Reed to Nia Okafor/,
      /Step up to children’s social care: Nia Okafor \(Lea Valley Health\) asked the front door/,
      /Closure proposed: improvement made/,
      /Early help episode closed: needs met/,
    ]) {
      assert.match(chronology, step);
    }
    assert.equal(chronology.match(/Early help plan reviewed/g)?.length, 2, 'both reviews are listed');
    await expectAccessible(page);
  });
});
