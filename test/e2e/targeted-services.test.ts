import assert from 'node:assert/strict';
import { it } from 'node:test';
import { createPartnership } from '../support/factories.ts';
import { createPerson, relate } from '../support/people.ts';
import { AddFamilyPage, RemoveFamilyPage, TargetedServicesPage, ThinkFamilyPage } from './pages/targeted-services.ts';
import { browserSuite } from './support/fixture.ts';
import { signIn } from './support/journeys.ts';

browserSuite('Targeted services and Think Family (browser)', (env) => {
  it('a practitioner records a Think Family need; the leader sees the family in the Top 100 and brings it to the meeting', async () => {
    const db = env.app.database.db;
    const teacher = await env.createUser({ roles: ['practitioner'] });
    const leader = await env.createUser({ roles: ['integrated_processes'] });
    const lea = await createPartnership(db, 'Lea', [leader.organisationId]);
    await db.insertInto('area_postcode_district').values({ area_id: lea.areaId, district: 'LU3' }).execute();
    await db.insertInto('user_area').values({ user_id: leader.id, area_id: lea.areaId }).execute();
    const address = { line1: '8 Linnet Avenue', postcode: 'LU3 8BB' };
    const child = await createPerson(db, {
      givenName: 'Ruby',
      familyName: 'Ashdown',
      dateOfBirth: '2018-06-01',
      address,
      involvement: { organisationId: teacher.organisationId, userId: teacher.id },
    });
    const mother = await createPerson(db, { kind: 'adult', givenName: 'Kerry', familyName: 'Ashdown', address });
    await relate(db, child, mother);
    await db
      .insertInto('need_level')
      .values({
        person_id: child,
        level: 'targeted',
        reason: 'Judgement',
        recorded_at: env.clock.now(),
        organisation_id: teacher.organisationId,
      })
      .execute();

    const practitioner = await env.newPage();
    await signIn(env, practitioner, teacher);
    await practitioner.goto(`/people/${child}/think-family`);
    const thinkFamily = await ThinkFamilyPage.verifyOnPage(practitioner);
    await thinkFamily.record('Debt, low income or unemployment', 'Kerry Ashdown', 'Rent arrears since the spring');
    await ThinkFamilyPage.verifyOnPage(practitioner);
    assert.match((await practitioner.locator('[data-qa="think-family-needs"]').textContent()) ?? '', /Rent arrears/);

    const page = await env.newPage();
    await signIn(env, page, leader);
    await page.goto('/targeted-services');
    const lists = await TargetedServicesPage.verifyOnPage(page);
    const row = page.locator('[data-qa="family"]').filter({ hasText: 'Ruby Ashdown' });
    assert.match((await row.textContent()) ?? '', /1 adult need affecting parenting/);
    await lists.setMeeting(new Date(env.clock.now().getTime() + 14 * 86_400_000));
    await TargetedServicesPage.verifyOnPage(page);
    await row.getByRole('link', { name: /Add to meeting/ }).click();
    const add = await AddFamilyPage.verifyOnPage(page);
    await add.add('');
    await AddFamilyPage.verifyOnPage(page);
    assert.match((await add.errorSummary().textContent()) ?? '', /Enter why the family is brought to the meeting/);
    await add.add('Needs a lead practitioner for housing and school');
    await TargetedServicesPage.verifyOnPage(page);
    const meeting = page.locator('[data-qa="meeting-families"]');
    assert.match((await meeting.textContent()) ?? '', /Needs a lead practitioner/);
    await meeting.getByRole('link', { name: /Remove/ }).click();
    const remove = await RemoveFamilyPage.verifyOnPage(page);
    await remove.remove('Lead practitioner agreed');
    await TargetedServicesPage.verifyOnPage(page);
    assert.equal(await page.locator('[data-qa="meeting-families"]').count(), 0);
  });
});
