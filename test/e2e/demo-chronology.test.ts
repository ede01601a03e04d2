/**
 * The demo data as a practitioner meets it after `npm start`: the demo practitioner's child has a chronology with
 * entries from several features, one entry another agency keeps to itself is withheld (counted, not shown), and the
 * PDF carries the same entries as real text.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { DEMO_PASSWORD, seedDemo } from '../../src/db/seed/demo.ts';
import { DEMO_USERS } from '../../src/db/seed/users.ts';
import { ChronologyPage } from './pages/chronology.ts';
import { IndexCardPage } from './pages/consent-pages.ts';
import { browserSuite } from './support/fixture.ts';
import { signIn } from './support/journeys.ts';

const HIDDEN = 'see her GP this week';

browserSuite('the demo child’s chronology (browser)', (env) => {
  test('the demo practitioner’s child shows entries from four features, hides one, and downloads as a PDF', async () => {
    const db = env.app.database.db;
    assert.equal(await seedDemo(db, { onlyIfEmpty: true, today: env.clock.now() }), true);
    const def = DEMO_USERS.find((u) => u.email === 'practitioner@demo.early-help.invalid')!;
    const row = await db
      .selectFrom('app_user as u')
      .innerJoin('organisation as o', 'o.id', 'u.organisation_id')
      .select(['u.id', 'u.name', 'u.organisation_id', 'o.name as organisation_name'])
      .where('u.email', '=', def.email)
      .executeTakeFirstOrThrow();
    const child = await db
      .selectFrom('conversation as c')
      .innerJoin('person as p', 'p.id', 'c.person_id')
      .select(['p.id', 'p.given_name', 'p.family_name'])
      .where('c.recorded_by', '=', row.id)
      .executeTakeFirstOrThrow();
    const name = `${child.given_name} ${child.family_name}`;

    const page = await env.newPage();
    await signIn(env, page, {
      id: row.id,
      email: def.email,
      password: DEMO_PASSWORD,
      totpSecret: def.totpSecret,
      organisationId: row.organisation_id,
      name: row.name,
      organisationName: row.organisation_name,
    });
    const card = await IndexCardPage.open(page, child.id, name);
    await card.click('See the chronology: what happened, from every service');
    const chronology = await ChronologyPage.verifyOnPage(page);
    const kinds = new Set(await chronology.kinds());
    // The child index (registration, involvement), conversations and case notes.
    for (const kind of ['registration', 'involvement', 'conversation', 'note']) {
      assert.ok(kinds.has(kind), `shows ${kind}: ${[...kinds].join(', ')}`);
    }
    assert.match((await chronology.withheld().textContent()) ?? '', /1 entry you cannot see/);
    assert.equal(await page.getByText(HIDDEN).count(), 0);

    const { bytes } = await chronology.downloadPdf();
    const pdf = await getDocument({ data: new Uint8Array(bytes) }).promise;
    let text = '';
    for (let i = 1; i <= pdf.numPages; i++) {
      const content = await (await pdf.getPage(i)).getTextContent();
      text += content.items.map((x) => ('str' in x ? x.str : '')).join(' ');
    }
    assert.ok(text.includes(name), 'the child’s name is real text');
    assert.ok(
      text.includes('Home visit offered after the call with school'),
      'the practitioner’s own note is in the PDF',
    );
    assert.ok(!text.includes(HIDDEN));
  });
});
