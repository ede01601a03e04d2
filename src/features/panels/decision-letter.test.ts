import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FamilyLanguage } from '../letters/family-letter.ts';
import { buildDecisionLetter, type DecisionLetterInput, decisionLetterDocument } from './decision-letter.ts';

const english = new Map([
  ['greeting', 'Dear {name},'],
  ['contact_heading', 'Questions'],
  ['contact_body', 'If you have questions, contact {practitioner} at {organisation}.'],
  ['record.child', 'About'],
  ['record.date', 'Date'],
  ['record.reference', 'Reference'],
]);
const urdu = new Map([
  ['language.dir', 'rtl'],
  ['greeting', 'محترم {name}،'],
  ['contact_heading', 'سوالات'],
]);

const inEnglish: FamilyLanguage = {
  lang: 'en',
  recordedLanguage: null,
  languageName: null,
  texts: english,
  english,
};

function input(family: FamilyLanguage, over: Partial<DecisionLetterInput> = {}): DecisionLetterInput {
  return {
    ...family,
    adults: [
      { id: 'a1', name: 'Ayesha Rahman' },
      { id: 'a2', name: 'Tariq Rahman' },
    ],
    children: [
      { id: 'c1', name: 'Zain Rahman' },
      { id: 'c2', name: 'Sara Rahman' },
    ],
    withheld: new Set(),
    panelName: 'North area family support panel',
    meetingDate: '2026-03-04',
    outcomes: ['advice', 'lead_professional'],
    recommendations: [
      { what: 'Offer a parenting group place', organisation: 'Family Centre North', dueOn: '2026-04-01' },
    ],
    lead: {
      kind: 'person',
      name: 'Priya Shah',
      organisation: 'Northgate Primary',
      email: 'p.shah@example.org',
      phone: null,
    },
    reviewOn: '2026-06-10',
    contact: { name: 'Priya Shah', organisation: 'Northgate Primary' },
    requestId: 'abcdef12-3456-4789-8abc-def012345678',
    ...over,
  };
}

const text = (l: ReturnType<typeof buildDecisionLetter>) => JSON.stringify(decisionLetterDocument(l));

test('an English letter says when the panel met, what it decided, who does what by when, the lead and the review', () => {
  const l = buildDecisionLetter(input(inEnglish));
  const doc = text(l);
  assert.equal(l.lang, 'en');
  assert.equal(l.note, null);
  assert.match(
    doc,
    /North area family support panel met on 4 March 2026 to talk about how to help Zain Rahman, Sara Rahman/,
  );
  assert.match(doc, /Dear Ayesha Rahman and Tariq Rahman,/);
  assert.match(doc, /one person, a lead professional, will co-ordinate/);
  assert.match(doc, /Family Centre North will do this by 1 April 2026: Offer a parenting group place/);
  assert.match(doc, /Your lead professional is Priya Shah from Northgate Primary/);
  assert.match(doc, /p\.shah@example\.org/);
  assert.match(doc, /reviewed by 10 June 2026/);
  assert.match(doc, /If you do not agree with what the panel decided, tell Priya Shah/);
  assert.equal(l.reference, 'ABCDEF12');
  assert.ok(
    l.outcomes.every((o) => !o.lang),
    'nothing is marked as another language in an English letter',
  );
});

test('a lead agency tells the family who their lead professional is', () => {
  const l = buildDecisionLetter(input(inEnglish, { lead: { kind: 'agency', organisation: 'Family Centre North' } }));
  assert.match(text(l), /Family Centre North will choose a lead professional for your family and will tell you/);
  assert.doesNotMatch(text(l), /Your lead professional is/);
});

test('a family whose language has translations gets them, with the rest marked as English and a note', () => {
  const family: FamilyLanguage = { lang: 'ur', recordedLanguage: 'Urdu', languageName: 'اردو', texts: urdu, english };
  const l = buildDecisionLetter(input(family));
  assert.equal(l.lang, 'ur');
  assert.equal(l.dir, 'rtl');
  assert.equal(l.t.greeting.lang, undefined, 'the translated greeting is in Urdu');
  assert.equal(l.t.greeting.parts[0]?.text, 'محترم ');
  assert.equal(l.t.contactHeading.lang, undefined);
  assert.equal(l.t.title.lang, 'en', 'an untranslated sentence is marked as English');
  assert.ok(l.outcomes.every((o) => o.lang === 'en'));
  assert.ok(l.actions.every((o) => o.lang === 'en'));
  assert.match(l.note ?? '', /^Parts of this letter are in English because they have not been translated into اردو/);
  assert.equal(decisionLetterDocument(l).lang, 'ur');
});

test('a recorded language with no translations gives an English letter that says so, never an invented one', () => {
  const family: FamilyLanguage = { ...inEnglish, recordedLanguage: 'Tigrinya' };
  const l = buildDecisionLetter(input(family));
  assert.equal(l.lang, 'en');
  assert.equal(
    l.note,
    'This letter is in English because it has not been translated into Tigrinya. Ask Priya Shah for an interpreter if that would help.',
  );
  assert.ok([l.t.title, l.t.greeting, ...l.outcomes].every((p) => !p.lang));
});

test('nobody a withhold marker protects is addressed or named, and the discussion and dissent never reach it', () => {
  const record = {
    discussion: 'Concerns about the father’s contact arrangements were discussed at length',
    dissent_reason: 'Police representative thought a strategy discussion was needed',
  };
  const l = buildDecisionLetter({
    ...input(inEnglish, { withheld: new Set(['a2', 'c2']) }),
    // What a caller might wrongly pass along with the record: the model has no place for it.
    ...(record as object),
  } as DecisionLetterInput);
  const doc = text(l);
  assert.doesNotMatch(doc, /Tariq/);
  assert.doesNotMatch(doc, /Sara/);
  assert.match(doc, /Dear Ayesha Rahman,/);
  assert.doesNotMatch(doc, /contact arrangements|strategy discussion/);
  assert.doesNotMatch(JSON.stringify(l), /contact arrangements|strategy discussion/);
});

test('with everyone withheld the letter is addressed to the parent or carer', () => {
  const l = buildDecisionLetter(input(inEnglish, { withheld: new Set(['a1', 'a2']) }));
  assert.match(text(l), /Dear parent or carer,/);
});
