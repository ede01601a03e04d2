/**
 * Documents: a small model (headings, paragraphs, lists, key-value lists, tables) that a feature fills once and
 * that is rendered both as a print view (documents/views/document.njk) and as a PDF made here with pdfkit. The
 * PDF is tagged (a structure tree of H1/H2/P/L/Table), holds real text in an embedded Unicode font, declares its
 * language (en-GB unless the document says otherwise) and shows its title in the viewer's title bar.
 * See docs/decisions/0012-chronology-and-documents.md.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import PDFDocument from 'pdfkit';
import { londonToday } from './calendar.ts';

export type DocumentBlock =
  | { type: 'heading'; level: 1 | 2 | 3; text: string }
  | { type: 'paragraph'; text: string; lang?: string }
  | { type: 'list'; items: string[] }
  | { type: 'keyValue'; rows: { key: string; value: string }[] }
  | { type: 'table'; caption?: string; head: string[]; rows: string[][]; widths?: number[] };

export interface DocumentModel {
  /** The document's title: the PDF's Title, shown in the viewer's title bar, and its first heading. */
  title: string;
  /** BCP 47 language of the document; en-GB unless it is a translation. */
  lang?: string;
  /** Right-to-left scripts cannot be laid out in a PDF here; such documents are printed from the browser. */
  blocks: DocumentBlock[];
  /** A line at the foot of every page (a reference and the date made; never personal data). */
  footer?: string;
}

// ---- Fonts -------------------------------------------------------------------------------------------------

export interface FontPair {
  regular: string;
  bold: string;
  /** Where the font was found, for the operations guide. */
  origin: 'node_modules' | 'system' | 'standard';
}

/**
 * Unicode TrueType fonts to embed, in order of preference: Liberation Sans shipped inside node_modules (pdfjs-dist's
 * standard fonts), Liberation Sans installed on the machine, DejaVu Sans installed on the machine (the only one of
 * them with Vietnamese letters). Without any, Helvetica, whose WinAnsi encoding cannot show letters such as ł, ş or
 * ư: see `toWinAnsi`.
 */
export function fontCandidates(): FontPair[] {
  const list: { dir: string | null; regular: string; bold: string; origin: FontPair['origin'] }[] = [
    {
      dir: nodeModulesFontDir(),
      regular: 'LiberationSans-Regular.ttf',
      bold: 'LiberationSans-Bold.ttf',
      origin: 'node_modules',
    },
    {
      dir: '/usr/share/fonts/truetype/liberation',
      regular: 'LiberationSans-Regular.ttf',
      bold: 'LiberationSans-Bold.ttf',
      origin: 'system',
    },
    {
      dir: '/usr/share/fonts/truetype/dejavu',
      regular: 'DejaVuSans.ttf',
      bold: 'DejaVuSans-Bold.ttf',
      origin: 'system',
    },
  ];
  return list
    .filter((c) => c.dir && existsSync(join(c.dir, c.regular)) && existsSync(join(c.dir, c.bold)))
    .map((c) => ({ regular: join(c.dir!, c.regular), bold: join(c.dir!, c.bold), origin: c.origin }));
}

const STANDARD: FontPair = { regular: 'Helvetica', bold: 'Helvetica-Bold', origin: 'standard' };

function nodeModulesFontDir(): string | null {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'standard_fonts');
  } catch {
    return null;
  }
}

interface GlyphFont {
  hasGlyphForCodePoint(code: number): boolean;
}
const loaded = new Map<string, GlyphFont | null>();
/** The font as pdfkit's own font library (fontkit, always installed with pdfkit) reads it. */
function glyphFont(path: string): GlyphFont | null {
  if (!loaded.has(path)) {
    try {
      const fromPdfkit = createRequire(createRequire(import.meta.url).resolve('pdfkit'));
      const fontkit = fromPdfkit('fontkit') as { openSync(p: string): GlyphFont };
      loaded.set(path, fontkit.openSync(path));
    } catch {
      loaded.set(path, null);
    }
  }
  return loaded.get(path) ?? null;
}

const covers = (font: GlyphFont | null, ch: string) =>
  /\s/.test(ch) || (font?.hasGlyphForCodePoint(ch.codePointAt(0) ?? 0) ?? false);

/** The first font that has every character of the text, else the one missing fewest; Helvetica if none exists. */
export function fontsFor(text: string, candidates: FontPair[] = fontCandidates()): FontPair {
  const chars = [...new Set(text.normalize('NFC'))];
  let best: { pair: FontPair; missing: number } | undefined;
  for (const pair of candidates) {
    const font = glyphFont(pair.regular);
    if (!font) continue;
    const missing = chars.filter((c) => !covers(font, c)).length;
    if (missing === 0) return pair;
    if (!best || missing < best.missing) best = { pair, missing };
  }
  return best?.pair ?? STANDARD;
}

/** Whether an installed font has every character of the text (letters in scripts none has are not made into PDFs). */
export function fontCovers(text: string, candidates: FontPair[] = fontCandidates()): boolean {
  if (!candidates.length) return toWinAnsi(text) === text.normalize('NFC');
  const chars = [...new Set(text.normalize('NFC'))];
  return candidates.some((pair) => {
    const font = glyphFont(pair.regular);
    return !!font && chars.every((c) => covers(font, c));
  });
}

/** Characters the font lacks lose their accents (ễ → e); what is left unknown becomes "?". Never a wrong letter. */
function fitToFont(font: GlyphFont | null, text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    if (covers(font, ch)) out += ch;
    else {
      const base = ch.normalize('NFD').replace(/\p{M}/gu, '');
      out += base && [...base].every((c) => covers(font, c)) ? base : '?';
    }
  }
  return out;
}

const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

/** Text Helvetica can show: letters outside WinAnsi lose their accents (ł → l, ş → s), anything else becomes "?". */
export function toWinAnsi(text: string): string {
  const special: Record<string, string> = { ł: 'l', Ł: 'L', đ: 'd', Đ: 'D', ı: 'i', ø: 'o', Ø: 'O', ß: 'ss' };
  let out = '';
  for (const ch of text.normalize('NFC')) {
    const code = ch.codePointAt(0) ?? 0;
    if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(ch) || ch === '\n') {
      out += ch;
      continue;
    }
    if (special[ch]) {
      out += special[ch];
      continue;
    }
    const base = ch.normalize('NFD').replace(/\p{M}/gu, '');
    out += base && [...base].every((c) => (c.codePointAt(0) ?? 0) < 0x100) ? base : '?';
  }
  return out;
}

/** Every piece of text in a document, to choose a font that has all its characters. */
export function documentText(model: DocumentModel): string {
  const parts: string[] = [model.title, model.footer ?? ''];
  for (const b of model.blocks) {
    if (b.type === 'heading' || b.type === 'paragraph') parts.push(b.text);
    else if (b.type === 'list') parts.push(...b.items);
    else if (b.type === 'keyValue') for (const r of b.rows) parts.push(r.key, r.value);
    else parts.push(b.caption ?? '', ...b.head, ...b.rows.flat());
  }
  return parts.join(' ');
}

// ---- PDF ---------------------------------------------------------------------------------------------------

const SIZES = { 1: 20, 2: 15, 3: 12.5 } as const;
const BODY = 10.5;

/** Renders the document as a tagged PDF. */
export async function renderPdf(model: DocumentModel, options: { fonts?: FontPair } = {}): Promise<Buffer> {
  const f = options.fonts ?? fontsFor(documentText(model));
  const font = f.origin === 'standard' ? null : glyphFont(f.regular);
  const clean = f.origin === 'standard' ? toWinAnsi : (s: string) => fitToFont(font, s);
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 56, bottom: 64, left: 56, right: 56 },
    tagged: true,
    lang: model.lang ?? 'en-GB',
    pdfVersion: '1.7',
    displayTitle: true,
    bufferPages: true,
    info: { Title: clean(model.title), Creator: 'Early Help Hub', Producer: 'Early Help Hub' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('body', f.regular);
  doc.registerFont('bold', f.bold);
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const root = doc.struct('Document');
  doc.addStructure(root);
  const text = (s: string) => clean(s);

  for (const block of model.blocks) {
    switch (block.type) {
      case 'heading': {
        const size = SIZES[block.level];
        if (doc.y + size * 3 > doc.page.height - doc.page.margins.bottom) doc.addPage();
        doc.moveDown(block.level === 1 ? 0 : 0.6);
        root.add(
          doc.struct(`H${block.level}`, {}, () => {
            doc.font('bold').fontSize(size).fillColor('#0b0c0c').text(text(block.text), { width });
          }),
        );
        doc.moveDown(0.3);
        break;
      }
      case 'paragraph':
        root.add(
          doc.struct('P', {}, () => {
            doc.font('body').fontSize(BODY).fillColor('#0b0c0c').text(text(block.text), { width });
          }),
        );
        doc.moveDown(0.5);
        break;
      case 'list': {
        const list = doc.struct('L');
        root.add(list);
        doc.font('body').fontSize(BODY).fillColor('#0b0c0c');
        doc.list(block.items.map(text), { width, structParent: list });
        list.end();
        doc.moveDown(0.5);
        break;
      }
      case 'keyValue':
      case 'table': {
        const head = block.type === 'table' ? block.head : [];
        const rows = block.type === 'table' ? block.rows : block.rows.map((r) => [r.key, r.value]);
        doc.font('body').fontSize(BODY).fillColor('#0b0c0c');
        const columns = (head[0] ? head.length : rows[0]?.length) ?? 1;
        const widths =
          block.type === 'table' && block.widths
            ? block.widths.map((w) => w * width)
            : block.type === 'keyValue'
              ? [width * 0.32, width * 0.68]
              : Array.from({ length: columns }, () => width / columns);
        // pdfkit's types lack the accessibility options (cell type TH, scope) its tables accept.
        const options = {
          structParent: root,
          width,
          columnStyles: (i: number) => ({
            width: widths[i] ?? width / columns,
            // A key-value list's keys are row headers.
            ...(block.type === 'keyValue' && i === 0 ? { type: 'TH', scope: 'row', font: { src: 'bold' } } : {}),
          }),
          // A table's first row holds its column headers.
          rowStyles: (i: number) =>
            block.type === 'table' && i === 0 ? { type: 'TH', scope: 'column', font: { src: 'bold' } } : {},
          defaultStyle: { border: 0.5, borderColor: '#b1b4b6', padding: 4 },
          data: [...(head.length ? [head.map(text)] : []), ...rows.map((r) => r.map(text))],
        };
        doc.table(options as unknown as Parameters<typeof doc.table>[0] & { data: string[][] });
        doc.moveDown(0.8);
        break;
      }
    }
  }
  root.end();

  // Page numbers and the footer are artifacts: they are not part of the reading order.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.markContent('Artifact', { type: 'Pagination' });
    doc
      .font('body')
      .fontSize(8.5)
      .fillColor('#505a5f')
      .text(
        text(`${model.footer ? `${model.footer} · ` : ''}Page ${i + 1 - range.start} of ${range.count}`),
        doc.page.margins.left,
        doc.page.height - 40,
        { width, lineBreak: false },
      );
    doc.endMarkedContent();
    doc.page.margins.bottom = bottom;
  }
  doc.end();
  return done;
}

/** A PDF's file name: what it is and the London date, never a name. */
export function pdfFileName(what: string, at: Date): string {
  return `${what.replace(/[^a-z0-9-]/g, '')}-${londonToday(at)}.pdf`;
}

/** The headers every PDF download carries. */
export function pdfHeaders(fileName: string): Record<string, string> {
  return {
    'Content-Type': 'application/pdf',
    'Content-Disposition': `attachment; filename="${fileName}"`,
    'X-Content-Type-Options': 'nosniff',
  };
}
