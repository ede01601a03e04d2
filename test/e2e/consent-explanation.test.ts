import assert from 'node:assert/strict';
import { test } from 'node:test';
import { consentFor, family } from './pages/consent-data.ts';
import { ConsentPage, text } from './pages/consent-pages.ts';
import { browserSuite } from './support/fixture.ts';
import { signIn } from './support/journeys.ts';

browserSuite('the family explanation in the browser', (env) => {
  test('the family explanation renders in English, Urdu, Polish and Bengali with no accessibility violations', async () => {
    const db = env.app.database.db;
    const teacher = await env.createUser({ name: 'Yusuf Demir', organisationName: 'Park View School' });
    const f = await family(db, [{ userId: teacher.id, organisationId: teacher.organisationId }]);
    await consentFor(db, {
      child: f.child,
      by: f.mother,
      byKind: 'parent_carer',
      organisationIds: [teacher.organisationId],
      agencyTypes: ['health'],
      recordedBy: teacher,
      sensitive: ['mental_health'],
    });
    const page = await env.newPage();
    await signIn(env, page, teacher);
    const consent = await ConsentPage.open(page, f.child);
    const english = await consent.explanationFirst();
    assert.equal(await english.letter().getAttribute('lang'), 'en');
    assert.match(await text(english.letter()), new RegExp(`Dear ${f.motherName}`));
    assert.equal(await page.locator('link[rel="stylesheet"][media="print"]').count(), 1);
    for (const [name, lang, dir, phrase] of [
      ['اردو', 'ur', 'rtl', 'آپ کی رضامندی کا ریکارڈ'],
      ['Polski', 'pl', 'ltr', 'Zmiana decyzji'],
      ['বাংলা', 'bn', 'ltr', 'আপনার সিদ্ধান্ত বদলানো'],
      ['English', 'en', 'ltr', 'Changing your mind'],
    ] as const) {
      const translated = await english.switchTo(name, lang);
      assert.equal(await translated.letter().getAttribute('lang'), lang);
      assert.equal(await translated.letter().getAttribute('dir'), dir);
      assert.match(await text(translated.letter()), new RegExp(phrase));
      assert.match(await text(translated.letter()), /Park View School/);
    }
  });
});
