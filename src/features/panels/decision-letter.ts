/**
 * The family's letter with a panel's decisions about their case (issue 11: "the family receives the decision in their
 * language"; docs/decisions/0037): that the panel met, what it decided in plain words (the outcomes, and which agency
 * will do what by when), the lead professional and how to contact them (or that the lead agency will tell them), the
 * review date, and how to ask questions or disagree. Written through the family letter module: in the family's
 * recorded language where a phrase has a translation, in English marked as English where it has none.
 *
 * The letter is built only from what the family may read: the panel's discussion and any dissent are not part of
 * its input, and nobody a withhold marker on the children protects is addressed or named.
 */
import type { PanelOutcome } from '../../db/schema.ts';
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

/** Seed 003's outcomes in words for the family. */
export const FAMILY_OUTCOME_WORDS: Record<PanelOutcome, string> = {
  advice: 'The panel gave advice to the people working with your family.',
  services_appropriate: 'The panel agreed that the help your family is getting now is the right help.',
  better_coordination: 'The panel agreed a better way for the services helping your family to work together.',
  joint_visits: 'Workers from different services will visit your family together.',
  prioritise_referral: 'The panel supported a referral for a particular service for your family.',
  allocate_resource: 'The panel has arranged a service it can offer for your family.',
  lead_professional:
    'The panel agreed that one person, a lead professional, will co-ordinate the help for your family.',
  local_coordination:
    'The panel agreed how the help will be co-ordinated where you live, and when it will be reviewed.',
};

/** The letter's own sentences: none has a translation yet, so each is shown in English in any language. */
const ENGLISH: Record<string, string> = {
  'decision.title': 'What the panel decided about help for your family',
  'decision.intro': '{panel} met on {date} to talk about how to help {children}.',
  'decision.decided_heading': 'What the panel decided',
  'decision.actions_heading': 'Who will do what',
  'decision.action': '{organisation} will do this by {date}: {what}',
  'decision.lead_heading': 'Your lead professional',
  'decision.lead_person': 'Your lead professional is {lead} from {organisation}.',
  'decision.lead_contact': 'You can contact them at {contact}.',
  'decision.lead_agency':
    '{organisation} will choose a lead professional for your family and will tell you who they are and how to contact them.',
  'decision.review': 'The help for your family will be reviewed by {date}.',
  'decision.disagree':
    'If you do not agree with what the panel decided, tell {practitioner}. They will ask the chair of the panel to look at it again.',
};

export interface LetterPerson {
  id: string;
  name: string;
}

export type LetterLead =
  | { kind: 'person'; name: string; organisation: string; email: string; phone: string | null }
  | { kind: 'agency'; organisation: string }
  | null;

export interface DecisionLetterInput extends FamilyLanguage {
  /** The parents and carers of the children. */
  adults: LetterPerson[];
  children: LetterPerson[];
  /** People a current withhold marker on the children protects: never addressed or named. */
  withheld: Set<string>;
  panelName: string;
  meetingDate: string;
  outcomes: PanelOutcome[];
  recommendations: { what: string; organisation: string; dueOn: string }[];
  lead: LetterLead;
  reviewOn: string | null;
  /** Who the family asks: the lead professional when named, else the referrer. */
  contact: { name: string; organisation: string };
  requestId: string;
}

export function buildDecisionLetter(input: DecisionLetterInput) {
  const { lang } = input;
  const t = letterWords(input, ENGLISH);
  const date = (iso: string) => formatDateIn(lang, iso);
  const addressees = input.adults.filter((a) => !input.withheld.has(a.id)).map((a) => a.name);
  const children = input.children.filter((c) => !input.withheld.has(c.id)).map((c) => c.name);
  const vars = {
    name: addressees.length ? addressees.join(' and ') : 'parent or carer',
    children: children.length ? children.join(', ') : 'your family',
    panel: input.panelName,
    date: date(input.meetingDate),
    practitioner: input.contact.name,
    organisation: input.contact.organisation,
  };
  const lead = input.lead;
  const phrases = {
    title: t('decision.title'),
    greeting: t('greeting', vars),
    intro: t('decision.intro', vars),
    decidedHeading: t('decision.decided_heading'),
    actionsHeading: t('decision.actions_heading'),
    leadHeading: t('decision.lead_heading'),
    contactHeading: t('contact_heading'),
    contactBody: t('contact_body', vars),
    disagree: t('decision.disagree', vars),
    recordChild: t('record.child'),
    recordDate: t('record.date'),
    recordReference: t('record.reference'),
  };
  // Outcome words and what a professional typed have no translation: in English, marked as English.
  const outcomes: Phrase[] = input.outcomes.map((o) => inEnglish(input, FAMILY_OUTCOME_WORDS[o]));
  const actions: Phrase[] = input.recommendations.map((r) =>
    t('decision.action', { organisation: r.organisation, date: date(r.dueOn), what: r.what }),
  );
  const leadPhrases: Phrase[] = !lead
    ? []
    : lead.kind === 'person'
      ? [
          t('decision.lead_person', { lead: lead.name, organisation: lead.organisation }),
          t('decision.lead_contact', { contact: lead.phone ? `${lead.email} or ${lead.phone}` : lead.email }),
        ]
      : [t('decision.lead_agency', { organisation: lead.organisation })];
  const review = input.reviewOn ? t('decision.review', { date: date(input.reviewOn) }) : null;
  const note = languageNote(
    input,
    [...Object.values(phrases), ...outcomes, ...actions, ...leadPhrases, ...(review ? [review] : [])],
    input.contact.name,
  );
  return {
    lang,
    dir: textDirection(input),
    t: phrases,
    outcomes,
    actions,
    lead: leadPhrases,
    review,
    note,
    children,
    date: vars.date,
    reference: input.requestId.slice(0, 8).toUpperCase(),
  };
}

export type DecisionLetter = ReturnType<typeof buildDecisionLetter>;

/** The letter as a document model, for the PDF. */
export function decisionLetterDocument(l: DecisionLetter): DocumentModel {
  const t = l.t;
  const blocks: DocumentBlock[] = [];
  const para = (p: Phrase) => blocks.push(paragraphOf(p));
  const heading = (p: Phrase) => blocks.push({ type: 'heading', level: 2, text: plain(p) });
  blocks.push({ type: 'heading', level: 1, text: plain(t.title) });
  if (l.note) blocks.push({ type: 'paragraph', text: l.note, lang: 'en' });
  para(t.greeting);
  para(t.intro);
  heading(t.decidedHeading);
  for (const o of l.outcomes) para(o);
  if (l.actions.length) {
    heading(t.actionsHeading);
    blocks.push({ type: 'list', items: l.actions.map(plain) });
  }
  if (l.lead.length) {
    heading(t.leadHeading);
    for (const p of l.lead) para(p);
  }
  if (l.review) para(l.review);
  heading(t.contactHeading);
  para(t.contactBody);
  para(t.disagree);
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
