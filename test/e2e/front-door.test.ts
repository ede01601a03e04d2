import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { Page } from 'playwright-core';
import * as registry from '../../src/features/people/registry-repository.ts';
import { addDays, londonToday } from '../../src/platform/calendar.ts';
import { createPartnership } from '../support/factories.ts';
import { createPerson } from '../support/people.ts';
import { ConversationPage, RecordConversationPage } from './pages/conversations.ts';
import {
  ContactPage,
  DecisionPage,
  FrontDoorQueuePage,
  RequestFormPage,
  RequestStartPage,
} from './pages/front-door.ts';
import { NotificationsPage, WorkPage } from './pages/notifications.ts';
import { NeedLevelPage, SuggestedLevelPage, ThresholdHelperPage } from './pages/threshold.ts';
import { expectAccessible } from './support/axe.ts';
import { type BrowserUser, browserSuite } from './support/fixture.ts';
import { signIn } from './support/journeys.ts';

browserSuite('The front door (browser)', (env) => {
  let teacher: BrowserUser;
  let frontDoor: BrowserUser;
  let leader: BrowserUser;
  let childId: string;

  before(async () => {
    const db = env.app.database.db;
    teacher = await env.createUser({
      roles: ['practitioner'],
      name: 'Tess Teacher',
      organisationName: 'Oak Lane Primary',
    });
    frontDoor = await env.createUser({ roles: ['front_door'], name: 'Fay Door', organisationName: 'Lea Social Care' });
    leader = await env.createUser({
      roles: ['integrated_processes'],
      name: 'Tia Leader',
      organisationName: 'Lea Council',
    });
    const lea = await createPartnership(db, 'Lea', [teacher.organisationId]);
    await db
      .insertInto('team')
      .values([
        {
          organisation_id: frontDoor.organisationId,
          area_id: lea.partnershipId,
          name: 'Lea Front Door',
          phone: '01632 960100',
          contact_role: 'front_door',
          hours: 'Monday to Friday, 9am to 5pm',
        },
        {
          organisation_id: frontDoor.organisationId,
          area_id: lea.partnershipId,
          name: 'Lea Emergency Duty',
          phone: '01632 960101',
          contact_role: 'out_of_hours',
          hours: 'Evenings and weekends',
        },
      ])
      .execute();
    const targeted = await db
      .insertInto('team')
      .values({
        organisation_id: leader.organisationId,
        area_id: lea.areaId,
        name: 'Lea Cluster Targeted Services',
        contact_role: 'targeted_services',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.insertInto('user_team').values({ user_id: leader.id, team_id: targeted.id, is_manager: false }).execute();
    childId = await createPerson(db, {
      givenName: 'Poppy',
      familyName: 'Fenwick',
      dateOfBirth: '2017-03-04',
      involvement: { organisationId: teacher.organisationId, userId: teacher.id },
    });
    const household = await registry.findOrCreateHousehold(db, {
      line1: '1 Mill Lane',
      line2: null,
      town: null,
      postcode: 'LU1 1AA',
      areaId: lea.areaId,
    });
    await registry.moveTo(db, childId, household, '2020-01-01');
  });

  /** The teacher asks for support from the child's record, answering no to significant harm. */
  async function teacherAsks(page: Page): Promise<string> {
    await page.goto(`/people/${childId}`);
    await expectAccessible(page);
    await page.locator('[data-qa="request-support-link"]').click();
    const start = await RequestStartPage.verifyOnPage(page);
    await start.answer(false);
    const form = await RequestFormPage.verifyOnPage(page);
    await form.send();
    await RequestFormPage.verifyOnPage(page);
    assert.match((await page.locator('.govuk-error-summary').textContent()) ?? '', /Enter the circumstances/);
    await form.fill({
      circumstances: 'Often hungry and tired in class since October.',
      needs: 'Someone to work with the family on routines.',
      tried: 'Breakfast club since October.',
      reason: 'The family could not be reached today.',
      urgency: 'A decision within one working day is fine',
    });
    await form.send();
    const contact = await ContactPage.verifyOnPage(page);
    const reference = await contact.reference();
    assert.match(reference, /^FD-[0-9A-Z]{6}$/);
    return reference;
  }

  /** The front door opens the contact from the queue and records a decision. */
  async function frontDoorDecides(page: Page, reference: string, outcome: string) {
    await FrontDoorQueuePage.open(page);
    await page.getByRole('link', { name: reference }).click();
    await ContactPage.verifyOnPage(page);
    await page.locator('[data-qa="record-decision"]').click();
    const decision = await DecisionPage.verifyOnPage(page);
    await decision.decide(outcome, 'Needs at home and at school that no single service has met.');
    await ContactPage.verifyOnPage(page);
    assert.match((await page.locator('[data-qa="outcome"]').textContent()) ?? '', new RegExp(outcome.slice(0, 20)));
  }

  it('a teacher uses the threshold helper, finds who to talk to and records a conversation with the school nurse; asks the front door; the front door asks the targeted services leader; the leader has the work; the teacher is told', async () => {
    const teacherPage = await env.newPage();
    await signIn(env, teacherPage, teacher);

    // The threshold helper: indicators picked, a suggested level with its reasons.
    await teacherPage.goto(`/people/${childId}/need-level`);
    const levels = await NeedLevelPage.verifyOnPage(teacherPage);
    await levels.click('Use the threshold helper');
    const helper = await ThresholdHelperPage.verifyOnPage(teacherPage);
    await helper.pick('learning', 'Sometimes absent or truanting');
    await helper.suggest();
    await SuggestedLevelPage.verifyOnPage(teacherPage);
    assert.match(
      (await teacherPage.locator('[data-qa="reasons"]').textContent()) ?? '',
      /Sometimes absent or truanting/,
    );

    // Who can I talk to: the front door's numbers are there, and a link to record the conversation.
    await teacherPage.goto(`/people/${childId}/who-to-talk-to`);
    await expectAccessible(teacherPage);
    assert.match((await teacherPage.locator('main').textContent()) ?? '', /01632 960100/);
    await teacherPage.locator('[data-qa="record-conversation"]').click();

    // A phone call with the school nurse (not a user of the service), with one action for the teacher.
    const today = londonToday(env.clock.now());
    const form = await RecordConversationPage.verifyOnPage(teacherPage);
    await form.fillBasics(today, 'Phone call', 'The school nurse will see her this week; school shares attendance.');
    await teacherPage.locator('#outside-0-name').fill('Nia Okafor');
    await teacherPage.locator('#outside-0-organisation').fill('Lea Valley Health');
    await teacherPage.locator('#outside-0-role').fill('School nurse');
    await form.action(
      0,
      'Share attendance with the school nurse each week',
      `${teacher.name} (${teacher.organisationName})`,
      addDays(today, 7),
    );
    await form.save();
    const conversation = await ConversationPage.verifyOnPage(teacherPage);
    assert.match((await conversation.participants().textContent()) ?? '', /Nia Okafor/);
    assert.equal(await conversation.actions().count(), 1);
    const teacherWork = await WorkPage.open(teacherPage);
    assert.equal(await teacherWork.items().filter({ hasText: 'An action agreed in a conversation' }).count(), 1);

    const reference = await teacherAsks(teacherPage);

    const doorPage = await env.newPage();
    await signIn(env, doorPage, frontDoor);
    await frontDoorDecides(
      doorPage,
      reference,
      'Ask the targeted services leader to arrange support and find a lead practitioner',
    );

    const leaderPage = await env.newPage();
    await signIn(env, leaderPage, leader);
    const work = await WorkPage.open(leaderPage);
    assert.equal(
      await work.items().filter({ hasText: 'Arrange targeted support and find a lead practitioner' }).count(),
      1,
    );

    const notifications = await NotificationsPage.open(teacherPage);
    assert.equal(
      await notifications
        .rows()
        .filter({ hasText: `The front door has decided on your request for support ${reference}` })
        .count(),
      1,
    );
  });

  it('answering yes to significant harm shows the front door’s numbers at once and offers no panel or targeted service', async () => {
    const page = await env.newPage();
    await signIn(env, page, teacher);
    await page.goto(`/front-door/requests/new?child=${childId}`);
    const start = await RequestStartPage.verifyOnPage(page);
    await start.answer(true);
    await RequestFormPage.verifyOnPage(page);
    const numbers = (await page.locator('[data-qa="urgent-numbers"]').textContent()) ?? '';
    assert.match(numbers, /Lea Front Door: 01632 960100/);
    assert.match(numbers, /Lea Emergency Duty: 01632 960101/);
    const words = (await page.locator('main').textContent()) ?? '';
    assert.doesNotMatch(words, /panel/i);
    assert.doesNotMatch(words, /targeted/i);
    assert.equal(await page.locator('input[name="urgency"]').count(), 0);
    const form = new RequestFormPage(page);
    await form.fill({
      circumstances: 'Bruises on both arms; scared to go home.',
      needs: 'Someone to see her today.',
      reason: 'Telling the parents could put her at greater risk.',
    });
    await form.send();
    await ContactPage.verifyOnPage(page);
    assert.equal(await page.locator('[data-qa="urgent-numbers"]').count(), 1);
  });

  it('without JavaScript: the teacher asks and the front door decides', async () => {
    const teacherPage = await env.newPage({ javaScriptEnabled: false });
    await signIn(env, teacherPage, teacher);
    const reference = await teacherAsks(teacherPage);
    const doorPage = await env.newPage({ javaScriptEnabled: false });
    await signIn(env, doorPage, frontDoor);
    await frontDoorDecides(doorPage, reference, 'Referral for a social work assessment (child in need, section 17)');
  });
});
