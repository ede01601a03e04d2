import assert from 'node:assert/strict';
import { test } from 'node:test';
import { londonToday } from '../../src/platform/calendar.ts';
import { createOrganisation, createUser } from '../support/factories.ts';
import { asType, consentFor, family, note } from './pages/consent-data.ts';
import { ConsentPage, IndexCardPage, NotesPage, text } from './pages/consent-pages.ts';
import { browserSuite } from './support/fixture.ts';
import { signIn } from './support/journeys.ts';

browserSuite('what other agencies see, in the browser', (env) => {
  test('a health visitor sees only what the consent covers', async () => {
    const db = env.app.database.db;
    const school = await createOrganisation(db, { name: 'Hillside Academy', agency_type: 'school' });
    const teacher = await createUser(db, { organisationId: school.id, name: 'Gareth Evans' });
    const visitor = await env.createUser({ name: 'Hannah Lee', organisationName: 'Southfield Health Visiting' });
    await asType(env, visitor, 'health');
    const f = await family(db, [
      { userId: teacher.id, organisationId: school.id },
      { userId: visitor.id, organisationId: visitor.organisationId },
    ]);
    await consentFor(db, {
      child: f.child,
      by: f.mother,
      byKind: 'parent_carer',
      organisationIds: [visitor.organisationId],
      recordedBy: teacher,
    });
    // The young person agreed to mental health information being shared with the school only.
    const ownConsent = await consentFor(db, {
      child: f.child,
      by: f.child,
      byKind: 'young_person',
      organisationIds: [school.id],
      recordedBy: teacher,
      sensitive: ['mental_health'],
    });
    await note(db, f.child, teacher, 'Attendance fell to 81% this term; mornings are hard at home.');
    await note(db, f.child, teacher, 'Low mood since the spring; agreed weekly check-ins.', {
      category: 'mental_health',
      consentId: ownConsent,
    });
    const page = await env.newPage();
    await signIn(env, page, visitor);
    const card = await IndexCardPage.open(page, f.child, f.name);
    assert.match(await text(card.consentStatus()), /You can see case detail recorded by other agencies/);
    const notes = await card.openNotes();
    assert.equal(await notes.notes().count(), 1);
    assert.match(await text(notes.notes().first()), /Attendance fell to 81%/);
    assert.doesNotMatch(await page.content(), /Low mood/);
    assert.match(await text(notes.hiddenCount()), /1 note is not shown to you/);
  });

  test('withdrawal cuts access immediately', async () => {
    const db = env.app.database.db;
    const teacher = await env.createUser({ name: 'Callum Reid', organisationName: 'Meadow Lane School' });
    const visitor = await env.createUser({ name: 'Siân Morgan', organisationName: 'Eastgate Health Visiting' });
    await asType(env, visitor, 'health');
    const f = await family(db, [
      { userId: teacher.id, organisationId: teacher.organisationId },
      { userId: visitor.id, organisationId: visitor.organisationId },
    ]);
    await consentFor(db, {
      child: f.child,
      by: f.mother,
      byKind: 'parent_carer',
      organisationIds: [visitor.organisationId],
      recordedBy: teacher,
    });
    await note(db, f.child, teacher, 'Free school meals started; uniform grant applied for.');
    const health = await env.newPage();
    await signIn(env, health, visitor);
    const before = await NotesPage.open(health, f.child);
    assert.match(await text(before.notes().first()), /Free school meals started/);
    const school = await env.newPage();
    await signIn(env, school, teacher);
    const consent = await ConsentPage.open(school, f.child);
    const withdraw = await consent.withdrawFirst();
    assert.match(
      await text(withdraw.effects()),
      /Information already shared stays with the organisations that received it/,
    );
    const after = await withdraw.withdraw(
      londonToday(env.clock.now()),
      'Mum phoned: she no longer wants health told about school matters.',
    );
    assert.match(await text(after.successBanner()), /Sharing on the basis of this consent stopped at once/);
    assert.match(await text(after.history()), /Withdrawn/);
    const now = await NotesPage.open(health, f.child);
    assert.equal(await now.notes().count(), 0);
    assert.match(await text(now.hiddenExplanation()), /No current consent/);
  });
});
