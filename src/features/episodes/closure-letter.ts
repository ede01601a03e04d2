/**
 * The family's letter when an early help episode closes: that the support has ended, what went well (the Supporting
 * Families outcomes achieved) and who to contact. Written through the family letter module (letters/family-letter.ts):
 * in the family's recorded language where a phrase has a translation — the greeting, the "Questions" heading and the
 * contact sentence, the reference labels — and in English, marked as English, where it has none, with a note saying
 * so. No translation is invented here.
 */
import type { EpisodeCloseReason, SupportingFamiliesOutcome } from '../../db/schema.ts';
import type { DocumentBlock, DocumentModel } from '../../platform/documents.ts';
import { formatDateIn, type Phrase, plain } from '../consent/explanation.ts';
import {
  documentLang,
  type FamilyLanguage,
  inEnglish,
  languageNote,
  letterWords,
  paragraphOf,
  textDirection,
} from '../letters/family-letter.ts';

/** The ten Supporting Families headline outcomes (2022), in the words the service uses. */
export const OUTCOME_WORDS: Record<SupportingFamiliesOutcome, string> = {
  education: 'Getting a good education',
  early_years: 'Good early years development',
  health: 'Improved mental and physical health',
  substance_use: 'Better managed drug and alcohol use',
  family_relationships: 'Improved family relationships',
  safe_from_abuse: 'Children safe from abuse and exploitation',
  crime_prevention: 'Crime prevention and tackling crime',
  domestic_abuse: 'Safe from domestic abuse',
  housing: 'Secure housing',
  financial_stability: 'Financial stability',
};

/** The letter's own sentences: none has a translation yet, so each is shown in English in any language. */
const ENGLISH: Record<string, string> = {
  'closure.title': 'Your family’s early help support has ended',
  'closure.intro': 'We are writing to let you know that the early help support for {children} ended on {date}.',
  'closure.needs_met': 'Things have got better and have stayed better, so your family no longer needs this support.',
  'closure.other': 'The support has ended because: {reason}.',
  'closure.well_heading': 'What went well',
  'closure.well_body': 'Together, your family achieved:',
  'closure.sustained': '{outcome} (and it has lasted)',
  'closure.again': 'If things get harder again, you can ask for help at any time.',
};

const LETTER_REASONS: Record<EpisodeCloseReason, string> = {
  needs_met: 'your family’s needs have been met',
  stepped_up: 'children’s social care are now helping your family',
  moved_away: 'your family has moved away',
  family_declined: 'you told us you no longer want this support',
  stepped_down: 'another service is now helping your family',
  other: 'of a reason your practitioner will explain',
};

export interface LetterInput extends FamilyLanguage {
  addressees: string[];
  children: string[];
  reason: EpisodeCloseReason;
  closedOn: string;
  outcomes: { outcome: SupportingFamiliesOutcome; sustained: boolean }[];
  practitioner: string;
  organisation: string;
  episodeId: string;
}

export function buildClosureLetter(input: LetterInput) {
  const { lang } = input;
  const t = letterWords(input, ENGLISH);
  const date = formatDateIn(lang, input.closedOn);
  const vars = {
    children: input.children.join(', '),
    date,
    name: input.addressees.length ? input.addressees.join(' and ') : 'parent or carer',
    practitioner: input.practitioner,
    organisation: input.organisation,
  };
  const phrases = {
    title: t('closure.title'),
    greeting: t('greeting', vars),
    intro: t('closure.intro', vars),
    why:
      input.reason === 'needs_met'
        ? t('closure.needs_met')
        : t('closure.other', { reason: LETTER_REASONS[input.reason] }),
    wellHeading: t('closure.well_heading'),
    wellBody: t('closure.well_body'),
    again: t('closure.again'),
    contactHeading: t('contact_heading'),
    contactBody: t('contact_body', vars),
    recordChild: t('record.child'),
    recordDate: t('record.date'),
    recordReference: t('record.reference'),
  };
  // The outcomes' names have no translation: they are in English, marked as English.
  const outcomes: Phrase[] = input.outcomes.map((o) =>
    o.sustained
      ? t('closure.sustained', { outcome: OUTCOME_WORDS[o.outcome] })
      : inEnglish(input, OUTCOME_WORDS[o.outcome]),
  );
  const note = languageNote(input, [...Object.values(phrases), ...outcomes], input.practitioner);
  return {
    lang,
    dir: textDirection(input),
    t: phrases,
    outcomes,
    note,
    children: input.children,
    date,
    reference: input.episodeId.slice(0, 8).toUpperCase(),
  };
}

export type ClosureLetter = ReturnType<typeof buildClosureLetter>;

/** The letter as a document model, for the PDF. */
export function closureLetterDocument(l: ClosureLetter): DocumentModel {
  const t = l.t;
  const blocks: DocumentBlock[] = [];
  const para = (p: Phrase) => blocks.push(paragraphOf(p));
  blocks.push({ type: 'heading', level: 1, text: plain(t.title) });
  if (l.note) blocks.push({ type: 'paragraph', text: l.note, lang: 'en' });
  para(t.greeting);
  para(t.intro);
  para(t.why);
  if (l.outcomes.length) {
    blocks.push({ type: 'heading', level: 2, text: plain(t.wellHeading) });
    para(t.wellBody);
    blocks.push({ type: 'list', items: l.outcomes.map(plain) });
  }
  para(t.again);
  blocks.push({ type: 'heading', level: 2, text: plain(t.contactHeading) });
  para(t.contactBody);
  blocks.push({
    type: 'keyValue',
    rows: [
      { key: plain(t.recordChild), value: l.children.join(', ') },
      { key: plain(t.recordDate), value: l.date },
      { key: plain(t.recordReference), value: l.reference },
    ],
  });
  return {
    title: plain(t.title),
    lang: documentLang(l.lang),
    footer: `Early Help Hub · ${l.reference}`,
    blocks,
  };
}
