/** The chronology as a document: the same content for the print view and the PDF. */
import { londonToday } from '../../platform/calendar.ts';
import type { ChronologyEntry, ChronologyFilters } from '../../platform/chronology.ts';
import type { DocumentModel } from '../../platform/documents.ts';
import { formatDate, formatDateTime } from '../../platform/web.ts';
import type { ChronologyPerson } from './service.ts';

export interface ChronologyDocumentInput {
  person: ChronologyPerson;
  family: boolean;
  entries: (ChronologyEntry & { childName?: string })[];
  withheld: number;
  kinds: { kind: string; label: string }[];
  organisations: { id: string; name: string }[];
  filters: ChronologyFilters;
  at: Date;
}

export function when(e: ChronologyEntry): string {
  return e.allDay ? formatDate(e.date) : formatDateTime(e.at);
}

/** The filters in words, for the document's header. */
export function filtersInWords(input: Pick<ChronologyDocumentInput, 'filters' | 'kinds' | 'organisations'>): string {
  const f = input.filters;
  const parts: string[] = [];
  if (f.kinds?.length) {
    parts.push(`kinds: ${f.kinds.map((k) => input.kinds.find((x) => x.kind === k)?.label ?? k).join(', ')}`);
  }
  if (f.organisationId) {
    parts.push(`agency: ${input.organisations.find((o) => o.id === f.organisationId)?.name ?? 'one agency'}`);
  }
  if (f.from) parts.push(`from ${formatDate(f.from)}`);
  if (f.to) parts.push(`to ${formatDate(f.to)}`);
  return parts.length ? parts.join('; ') : 'None: every entry you may see';
}

export function chronologyDocument(input: ChronologyDocumentInput): DocumentModel {
  const name = `${input.person.given_name} ${input.person.family_name}`;
  const title = input.family ? `Family chronology: ${name}` : `Chronology: ${name}`;
  const reference = input.person.id.slice(0, 8).toUpperCase();
  return {
    title,
    lang: 'en-GB',
    footer: `Early Help Hub · Reference ${reference} · Made ${formatDate(londonToday(input.at))}`,
    blocks: [
      { type: 'heading', level: 1, text: title },
      {
        type: 'keyValue',
        rows: [
          { key: input.family ? 'Family of' : 'Child', value: name },
          { key: 'Record reference', value: input.person.id },
          { key: 'Made on', value: formatDateTime(input.at) },
          { key: 'Filters', value: filtersInWords(input) },
          { key: 'Entries shown', value: String(input.entries.length) },
          { key: 'Entries you cannot see', value: String(input.withheld) },
        ],
      },
      {
        type: 'paragraph',
        text:
          'Newest first. This chronology shows only what the person who made it may see. Entries from records they ' +
          'may not see are counted, not shown. Always consider the need for consent before sharing it.',
      },
      { type: 'heading', level: 2, text: 'Entries' },
      input.entries.length
        ? {
            type: 'table',
            head: input.family
              ? ['Date', 'Child', 'What happened', 'Agency and who']
              : ['Date', 'What happened', 'Agency and who'],
            widths: input.family ? [0.17, 0.17, 0.43, 0.23] : [0.2, 0.52, 0.28],
            rows: input.entries.map((e) => {
              const what = [e.title, e.summary ?? (e.summaryWithheld ? 'Details not shown to you.' : '')]
                .filter(Boolean)
                .join('\n');
              const who = [e.organisationName, e.actorName].filter(Boolean).join('\n') || 'Not recorded';
              return input.family ? [when(e), e.childName ?? '', what, who] : [when(e), what, who];
            }),
          }
        : { type: 'paragraph', text: 'There are no entries to show.' },
    ],
  };
}
