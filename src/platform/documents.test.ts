import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import {
  type DocumentModel,
  fontCandidates,
  fontCovers,
  pdfFileName,
  pdfHeaders,
  renderPdf,
  toWinAnsi,
} from './documents.ts';

const model: DocumentModel = {
  title: 'Chronology: Zofia Łęcka',
  footer: 'Reference ABC',
  blocks: [
    { type: 'heading', level: 1, text: 'Chronology: Zofia Łęcka' },
    { type: 'paragraph', text: 'Şükrü Öztürk met Nguyễn Thị Ánh.' },
    { type: 'list', items: ['First', 'Second'] },
    { type: 'keyValue', rows: [{ key: 'Child', value: 'Zofia Łęcka' }] },
    { type: 'table', head: ['Date', 'What'], rows: [['1 February 2026', 'Consent given']] },
  ],
};

async function read(buf: Buffer) {
  const pdf = await getDocument({ data: new Uint8Array(buf) }).promise;
  const content = await (await pdf.getPage(1)).getTextContent();
  return { pdf, text: content.items.map((x) => ('str' in x ? x.str : '')).join(' ') };
}

test('a PDF is tagged, in en-GB, titled, and holds real text with every letter of the names', async () => {
  const { pdf, text } = await read(await renderPdf(model));
  assert.equal((await pdf.getMarkInfo())?.Marked, true);
  const info = (await pdf.getMetadata()).info as Record<string, unknown>;
  assert.equal(info.Language, 'en-GB');
  assert.equal(info.Title, 'Chronology: Zofia Łęcka');
  assert.equal(info.PDFFormatVersion, '1.7');
  assert.ok(text.includes('Zofia Łęcka'));
  assert.ok(text.includes('Şükrü Öztürk'));
  const tree = await (await pdf.getPage(1)).getStructTree();
  const roles = JSON.stringify(tree)
    .match(/"role":"(\w+)"/g)
    ?.map((r) => r.slice(8, -1));
  for (const role of ['Document', 'H1', 'P', 'L', 'LI', 'Table', 'TR', 'TH', 'TD'])
    assert.ok(roles?.includes(role), role);
});

test('without an embedded font, letters lose their accents rather than turning into other letters', async () => {
  assert.equal(toWinAnsi('Łęcka Öztürk Nguyễn Şükrü 李'), 'Lecka Öztürk Nguyen Sükrü ?');
  const { text } = await read(
    await renderPdf(model, { fonts: { regular: 'Helvetica', bold: 'Helvetica-Bold', origin: 'standard' } }),
  );
  assert.ok(text.includes('Zofia Lecka'));
  assert.ok(text.includes('Nguyen Thi Ánh'));
});

test('a script no installed font has is not offered as a PDF; file names carry only the date', () => {
  assert.equal(fontCovers('Zmiana decyzji', fontCandidates()), true);
  assert.equal(fontCovers('আপনার সিদ্ধান্ত বদলানো', fontCandidates()), false);
  assert.equal(pdfFileName('chronology', new Date('2026-06-30T23:30:00Z')), 'chronology-2026-07-01.pdf');
  assert.deepEqual(pdfHeaders('x.pdf'), {
    'Content-Type': 'application/pdf',
    'Content-Disposition': 'attachment; filename="x.pdf"',
    'X-Content-Type-Options': 'nosniff',
  });
});
