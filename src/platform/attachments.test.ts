import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FILES } from '../../test/support/files.ts';
import { detectType, displayName, downloadName, formatBytes, refusalMessage } from './attachments.ts';

test('the type comes from the content, whatever the name', async () => {
  assert.deepEqual(await detectType(FILES.pdf), { ok: true, mediaType: 'application/pdf', ext: 'pdf' });
  assert.deepEqual(await detectType(FILES.doc), { ok: true, mediaType: 'application/msword', ext: 'doc' });
  assert.deepEqual(await detectType(FILES.exe), { ok: false, reason: 'program' });
  assert.deepEqual(await detectType(Buffer.from('#!/bin/sh\nrm -rf /\n')), { ok: false, reason: 'program' });
  assert.deepEqual(await detectType(FILES.html), { ok: false, reason: 'web-page' });
  assert.deepEqual(await detectType(Buffer.from('\uFEFF  <?xml version="1.0"?><svg/>')), {
    ok: false,
    reason: 'web-page',
  });
  assert.deepEqual(await detectType(FILES.msi), { ok: false, reason: 'not-allowed' });
  assert.deepEqual(await detectType(FILES.text), { ok: false, reason: 'not-allowed' });
  assert.deepEqual(await detectType(Buffer.alloc(0)), { ok: false, reason: 'empty' });
  // A truncated archive is not a crash, just not allowed.
  assert.deepEqual(await detectType(FILES.docx.subarray(0, 40)), { ok: false, reason: 'not-allowed' });
});

test('the name as given is cleaned for display, and never used for the download', () => {
  assert.equal(displayName('C:\\fakepath\\letter.pdf'), 'letter.pdf');
  assert.equal(displayName('../../etc/passwd'), 'passwd');
  // A right-to-left override would show "invoice‮fdp.exe" as "invoiceexe.pdf".
  assert.equal(displayName('invoice\u202efdp.exe'), 'invoicefdp.exe');
  assert.equal(displayName('a\u0000b\u0007c\td.pdf'), 'abc d.pdf');
  assert.equal(displayName('x\ud800y 😀.png'), 'xy 😀.png');
  assert.equal(displayName('   '), 'Unnamed file');
  assert.equal(displayName(undefined), 'Unnamed file');
  assert.equal([...displayName('a'.repeat(1000))].length, 200);
  assert.equal(
    downloadName({ id: '1a2b3c4d-0000-4000-8000-000000000000', extension: 'pdf' }),
    'attachment-1a2b3c4d.pdf',
  );
});

test('sizes and refusals read as people say them', () => {
  assert.equal(formatBytes(10 * 1024 * 1024), '10 MB');
  assert.equal(formatBytes(64 * 1024), '64 KB');
  assert.equal(formatBytes(1536 * 1024), '1.5 MB');
  assert.equal(formatBytes(300), '300 bytes');
  assert.equal(refusalMessage('too-large', 10 * 1024 * 1024), 'The selected file must be smaller than 10 MB');
  assert.match(refusalMessage('program', 1), /is a program, not a document/);
  assert.match(refusalMessage('not-allowed', 1), /^The selected file must be a PDF/);
});
