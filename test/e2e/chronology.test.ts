import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { ChronologyPage, ChronologyPrintPage } from './pages/chronology.ts';
import { consentFor, family, note } from './pages/consent-data.ts';
import { IndexCardPage } from './pages/consent-pages.ts';
import { browserSuite } from './support/fixture.ts';
import { signIn } from './support/journeys.ts';

const HIDDEN_NOTE = 'Referred to the wellbeing clinic';

browserSuite('the chronology in the browser', (env) => {
  test('a child’s chronology shows entries from four features, hides one the user may not see, and downloads as a PDF', async () => {
    const db = env.app.database.db;
    const teacher = await env.createUser({ name: 'Callum Reid', organisationName: 'Park View School' });
    const nurse = await env.createUser({ name: 'Priya Raman', organisationName: 'Lea Valley Health' });
    const f = await family(db, [
      { userId: teacher.id, organisationId: teacher.organisationId },
      { userId: nurse.id, organisationId: nurse.organisationId },
    ]);
    await consentFor(db, {
      child: f.child,
      by: f.mother,
      byKind: 'parent_carer',
      organisationIds: [teacher.organisationId],
      recordedBy: teacher,
    });
    await note(db, f.child, teacher, 'Settled well after half term');
    // A sensitive note kept to the nurse's organisation: the teacher may not see it, even that it exists.
    await db
      .insertInto('case_note')
      .values({
        person_id: f.child,
        organisation_id: nurse.organisationId,
        category: 'mental_health',
        consent_id: null,
        body: HIDDEN_NOTE,
        recorded_by: nurse.id,
        recorded_at: new Date('2026-02-02T09:00:00Z'),
        own_organisation_only: true,
      })
      .execute();

    const page = await env.newPage();
    await signIn(env, page, teacher);
    const card = await IndexCardPage.open(page, f.child, f.name);
    await card.click('See the chronology: what happened, from every service');
    const chronology = await ChronologyPage.verifyOnPage(page);
    const kinds = new Set(await chronology.kinds());
    for (const kind of ['registration', 'involvement', 'consent', 'note']) assert.ok(kinds.has(kind), `shows ${kind}`);
    assert.match((await chronology.withheld().textContent()) ?? '', /1 entry you cannot see/);
    assert.equal(await page.getByText(HIDDEN_NOTE).count(), 0);

    const notes = await chronology.filterByKind('Case note');
    assert.deepEqual(await notes.kinds(), ['note']);
    assert.match(page.url(), /\?kind=note/);

    const printView = await notes.print();
    assert.match((await printView.document().textContent()) ?? '', /Settled well after half term/);
    await page.goBack();
    const back = await ChronologyPage.verifyOnPage(page);

    const { name, bytes } = await back.downloadPdf();
    assert.match(name, /^chronology-\d{4}-\d{2}-\d{2}\.pdf$/);
    const pdf = await getDocument({ data: new Uint8Array(bytes) }).promise;
    assert.equal((await pdf.getMarkInfo())?.Marked, true);
    const content = await (await pdf.getPage(1)).getTextContent();
    const text = content.items.map((x) => ('str' in x ? x.str : '')).join(' ');
    assert.ok(text.includes(f.name), 'the child’s name is real text');
    assert.ok(text.includes('Settled well after half term'));
    assert.ok(!text.includes(HIDDEN_NOTE));

    await page.goto(`/people/${f.child}/family/chronology`);
    const familyChronology = await ChronologyPage.verifyOnPage(page);
    assert.ok((await familyChronology.entries().count()) > 0);
    await page.goto(`/people/${f.child}/family/chronology/print`);
    await ChronologyPrintPage.verifyOnPage(page);
  });
});
