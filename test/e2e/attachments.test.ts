import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FILES } from '../support/files.ts';
import { createPerson } from '../support/people.ts';
import { AttachmentsPage } from './pages/attachments.ts';
import { IndexCardPage, textOf } from './pages/people.ts';
import { browserSuite } from './support/fixture.ts';
import { signIn } from './support/journeys.ts';

browserSuite('attachments on a child’s record in the browser', (env) => {
  const db = () => env.app.database.db;

  for (const javaScriptEnabled of [true, false]) {
    test(`a PDF uploads and is listed; a program named .pdf is refused (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
      const teacher = await env.createUser({
        name: 'Wilhelmina Hartley',
        organisationName: `Brackenfield Primary ${javaScriptEnabled ? 'North' : 'South'}`,
      });
      const child = await createPerson(db(), {
        givenName: 'Casimir',
        familyName: 'Oyelaran',
        dateOfBirth: '2017-06-21',
        involvement: { organisationId: teacher.organisationId, userId: teacher.id, role: 'Class teacher' },
      });
      const page = await env.newPage({ javaScriptEnabled });
      await signIn(env, page, teacher);
      const card = await IndexCardPage.open(page, child, 'Casimir Oyelaran');
      let attachments = await AttachmentsPage.from(card);
      assert.deepEqual(await attachments.listed(), []);

      // A program whose name says it is a PDF.
      attachments = await attachments.uploadRefused('Letter from the GP', {
        name: 'gp-letter.pdf',
        mimeType: 'application/pdf',
        buffer: FILES.exe,
      });
      assert.match(await textOf(attachments.errorSummary()), /The selected file is a program, not a document/);
      assert.match(await attachments.fieldError('file'), /must be a PDF, a PNG, JPEG, GIF or WebP image/);
      assert.equal(await page.getByLabel('Describe the file').inputValue(), 'Letter from the GP', 'kept');
      await attachments.errorLink(/is a program/).click();
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'file', 'the link leads to the file input');

      attachments = await attachments.upload('Letter from the GP', {
        name: 'gp-letter.pdf',
        mimeType: 'application/pdf',
        buffer: FILES.pdf,
      });
      assert.match(await textOf(attachments.successBanner()), /File uploaded/);
      const listed = await attachments.listed();
      assert.equal(listed.length, 1);
      assert.match(listed[0]!.name, /gp-letter\.pdf/);
      assert.match(listed[0]!.name, /Letter from the GP/);
      assert.match(listed[0]!.type, /^PDF, \d+ bytes$/);
      assert.match(listed[0]!.uploadedBy, /Wilhelmina Hartley/);

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: /^gp-letter\.pdf/ }).click(),
      ]);
      assert.match(download.suggestedFilename(), /^attachment-[0-9a-f]{8}\.pdf$/);
      await page.context().close();
    });
  }
});
