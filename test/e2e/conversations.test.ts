import assert from 'node:assert/strict';
import { it } from 'node:test';
import { londonToday } from '../../src/platform/calendar.ts';
import { createPerson } from '../support/people.ts';
import { IndexCardPage } from './pages/consent-pages.ts';
import { ConversationPage, RecordConversationPage } from './pages/conversations.ts';
import { type BrowserTestEnv, browserSuite } from './support/fixture.ts';
import { signIn } from './support/journeys.ts';

/** A teacher, a school nurse in another organisation, and a child the teacher works with whose parent consented. */
async function family(env: BrowserTestEnv, suffix: string) {
  const db = env.app.database.db;
  const teacher = await env.createUser({
    name: `Tegan Hale ${suffix}`,
    organisationName: `Larkspur Primary ${suffix}`,
  });
  const nurse = await env.createUser({ name: `Nia Okafor ${suffix}`, organisationName: `Lea Valley Health ${suffix}` });
  const childId = await createPerson(db, {
    givenName: 'Zofia',
    familyName: `Nowak${suffix}`,
    dateOfBirth: '2015-04-02',
    involvement: { organisationId: teacher.organisationId, userId: teacher.id },
  });
  const mother = await createPerson(db, { givenName: 'Marta', familyName: `Nowak${suffix}`, kind: 'adult' });
  const consent = await db
    .insertInto('consent')
    .values({
      person_id: childId,
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
      recorded_by_organisation_id: teacher.organisationId,
      recorded_at: new Date('2026-01-10T10:00:00Z'),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('consent_recipient')
    .values({
      consent_id: consent.id,
      kind: 'organisation',
      organisation_id: nurse.organisationId,
      agency_type: null,
      panel_name: null,
    })
    .execute();
  return { teacher, nurse, childId };
}

const inDays = (iso: string, n: number) => {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

browserSuite('Recording a conversation (browser)', (env) => {
  for (const javaScriptEnabled of [true, false]) {
    it(`a teacher records a phone call with the school nurse, with one action${javaScriptEnabled ? '' : ', without JavaScript'}`, async () => {
      const { teacher, nurse, childId } = await family(env, javaScriptEnabled ? 'A' : 'B');
      const today = londonToday(env.clock.now());
      const page = await env.newPage({ javaScriptEnabled });
      await signIn(env, page, teacher);
      await page.goto(`/people/${childId}`);
      const card = await IndexCardPage.verifyOnPage(page);
      await card.click('Record a conversation');

      let form = await RecordConversationPage.verifyOnPage(page);
      await form.fillBasics(today, 'Phone call', 'The nurse will offer a drop-in appointment');
      await form.pickParticipant(0, `${nurse.name} (${nurse.organisationName})`);
      await form.action(
        0,
        'Offer a drop-in appointment',
        `${nurse.name} (${nurse.organisationName})`,
        inDays(today, 7),
      );
      // "Add another action" posts the form and brings it back with a second row, keeping what was typed.
      form = await form.addAnotherAction();
      assert.equal(await form.actionRows().count(), 2);
      assert.equal(await page.locator('#action-0-description').inputValue(), 'Offer a drop-in appointment');
      // A mistake is shown as a GOV.UK error, with everything typed kept.
      await page.getByLabel('What was agreed').fill('');
      await form.save();
      form = await RecordConversationPage.verifyOnPage(page);
      assert.match((await form.errorSummary().textContent()) ?? '', /Enter what was agreed/);
      assert.equal(await page.locator('#action-0-description').inputValue(), 'Offer a drop-in appointment');
      await page.getByLabel('What was agreed').fill('The nurse will offer a drop-in appointment');
      await form.save();

      const conversation = await ConversationPage.verifyOnPage(page);
      assert.match((await conversation.participants().textContent()) ?? '', new RegExp(nurse.name));
      assert.equal(await conversation.actions().count(), 1);
      assert.match((await conversation.actions().first().textContent()) ?? '', /Offer a drop-in appointment/);
    });
  }
});
