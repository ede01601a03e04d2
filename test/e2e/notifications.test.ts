import assert from 'node:assert/strict';
import { test } from 'node:test';
import { londonToday } from '../../src/platform/calendar.ts';
import { asType, consentFor, family } from './pages/consent-data.ts';
import { ConsentPage, text } from './pages/consent-pages.ts';
import { HomePage } from './pages/home.ts';
import {
  EmailPreferencePage,
  LiftRequestPage,
  NotificationsPage,
  notificationsLink,
  ShieldingPage,
  WorkPage,
} from './pages/notifications.ts';
import { browserSuite } from './support/fixture.ts';
import { signIn } from './support/journeys.ts';

browserSuite('notifications and the work list (browser)', (env) => {
  test('one user withdraws a consent and asks for shielding to be lifted; another is told and sees the work', async () => {
    const db = env.app.database.db;
    const head = await env.createUser({
      roles: ['manager'],
      name: 'Gareth Evans',
      organisationName: 'Hillside Academy',
    });
    const visitor = await env.createUser({
      roles: ['manager'],
      name: 'Hannah Lee',
      organisationName: 'Southfield Health Visiting',
    });
    await asType(env, visitor, 'health');
    const f = await family(db, [
      { userId: head.id, organisationId: head.organisationId },
      { userId: visitor.id, organisationId: visitor.organisationId },
    ]);
    await consentFor(db, {
      child: f.child,
      by: f.mother,
      byKind: 'parent_carer',
      organisationIds: [visitor.organisationId],
      recordedBy: head,
    });

    // The health visitor starts with nothing unread.
    const health = await env.newPage();
    await signIn(env, health, visitor);
    await HomePage.open(health);
    assert.match(await text(notificationsLink(health)), /Notifications\s*\(0\)/);

    // The head teacher records that the mother withdrew her consent.
    const school = await env.newPage();
    await signIn(env, school, head);
    const consent = await ConsentPage.open(school, f.child);
    const withdraw = await consent.withdrawFirst();
    await withdraw.withdraw(londonToday(env.clock.now()), 'Mum phoned: she no longer wants health told.');

    // The health visitor sees the count in the header, with words for a screen reader.
    await HomePage.open(health);
    const link = notificationsLink(health);
    assert.match(await text(link), /Notifications\s*\(1\)/);
    assert.match((await link.getByText('1 unread notification').textContent()) ?? '', /1 unread notification/);
    await link.click();
    const list = await NotificationsPage.verifyOnPage(health);
    assert.equal(await list.unread().count(), 1);
    assert.doesNotMatch(await health.content(), new RegExp(f.name));
    await list.open('A consent you relied on was withdrawn');
    await ConsentPage.verifyOnPage(health);
    assert.match(await text(notificationsLink(health)), /Notifications\s*\(0\)/);
    const again = await NotificationsPage.open(health);
    assert.equal(await again.unread().count(), 0);
    assert.equal(await again.rows().count(), 1);

    // The email preference page works without surprises.
    const preference = await EmailPreferencePage.open(health);
    await health.getByLabel('One email a day').check();
    await preference.click('Save');
    await EmailPreferencePage.verifyOnPage(health);
    assert.match(await text(preference.successBanner()), /Your email preference has been saved/);

    // The child is shielded; the head teacher asks for it to be lifted; the health visitor, a manager working with
    // the child, may approve it: it arrives on their work list.
    await db.updateTable('person').set({ shielded: true }).where('id', '=', f.child).execute();
    const emptyWork = await WorkPage.open(health);
    assert.equal(await emptyWork.items().count(), 0);
    await ShieldingPage.open(school, f.child);
    await school.getByLabel('Why?').fill('The risk was reviewed at the strategy meeting');
    await school.getByRole('button', { name: 'Ask for shielding to be lifted' }).click();
    await ShieldingPage.verifyOnPage(school);
    const work = await WorkPage.open(health);
    assert.equal(await work.items().count(), 1);
    assert.match(await text(work.items().first()), /No due date/);
    await work.openItem('Approve or decline a request to lift shielding');
    await LiftRequestPage.verifyOnPage(health);
  });
});
