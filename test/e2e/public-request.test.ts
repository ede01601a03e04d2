import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FILES } from '../support/files.ts';
import { expectAccessible } from './support/axe.ts';
import { browserSuite } from './support/fixture.ts';

browserSuite('the public request form in the browser', (env) => {
  const db = () => env.app.database.db;

  test('a sender verifies their email, answers the first question, is refused a disguised program, and sends the request (no JavaScript)', async () => {
    const page = await env.newPage({ javaScriptEnabled: false });
    await page.goto('/request-support');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Send me the link' }).click();
    await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
    await expectAccessible(page);

    await page.getByLabel('Your name').fill('Rowena Castellane');
    await page.getByLabel('Your organisation').fill('Brackenfield Community Pantry');
    await page.getByLabel('Your role').fill('Volunteer coordinator');
    await page.getByLabel('Your work email address').fill('rowena@pantry.test');
    await page.getByRole('button', { name: 'Send me the link' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    await expectAccessible(page);

    // The link as the email carries it (the outbox keeps the message until it is sent).
    const mail = await db()
      .selectFrom('outbox_message')
      .select('payload')
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    const text = (mail.payload as unknown as { to: string; text: string }).text;
    const link = /\/request-support\/form\?token=[A-Za-z0-9_-]{43}/.exec(text)![0];

    await page.goto(link);
    await expectAccessible(page);
    await page.getByLabel('Yes').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Urgent request to the front door' }).waitFor();
    await expectAccessible(page);

    const child = page.getByRole('group', { name: 'Child 1' });
    await child.getByLabel('First name').fill('Ottoline');
    await child.getByLabel('Last name').fill('Marchbanks');
    await page.getByLabel('Which of these best describes you?').selectOption('8');
    await page.getByLabel('The circumstances and needs causing concern').fill('Has bruises she will not explain.');
    await page.getByLabel('What do you think needs to happen?').fill('Someone to see her today.');
    await page.getByLabel('A child is at risk of harm').check();
    await page
      .getByLabel('If you are asking without the family’s agreement, why')
      .fill('Asking could put her at risk.');
    await page.getByLabel('Choose the file').setInputFiles({
      name: 'notes.pdf',
      mimeType: 'application/pdf',
      buffer: FILES.exe,
    });
    await page.getByRole('button', { name: 'Send the request' }).click();
    await page.getByRole('heading', { name: 'There is a problem' }).waitFor();
    await expectAccessible(page);
    assert.match((await page.locator('.govuk-error-summary').textContent()) ?? '', /is a program, not a document/);
    assert.equal(await child.getByLabel('First name').inputValue(), 'Ottoline', 'what was typed is kept');

    await page.getByLabel('Choose the file').setInputFiles({
      name: 'notes.pdf',
      mimeType: 'application/pdf',
      buffer: FILES.pdf,
    });
    await page.getByRole('button', { name: 'Send the request' }).click();
    await page.getByRole('heading', { name: 'Request sent to the front door' }).waitFor();
    await expectAccessible(page);
    const reference = ((await page.locator('[data-qa="reference"]').textContent()) ?? '').trim();
    assert.match(reference, /^FD-[0-9A-Z]{6}$/);
    assert.doesNotMatch((await page.locator('main').textContent()) ?? '', /Ottoline|Marchbanks|bruises/);

    // The link works once.
    await page.goto(link);
    await page.getByRole('heading', { name: 'This link does not work' }).waitFor();
    await expectAccessible(page);
  });
});
