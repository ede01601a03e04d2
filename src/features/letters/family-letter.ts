/**
 * The one way to write a letter to a family (the closure letter, the panel's decision letter): who it is addressed
 * to (the parents and carers of the children, as recorded on the children's records, never anyone a withhold marker
 * protects), the family's recorded language matched to the consent explanation's translations (consent_text), each
 * phrase in that language where it has a translation and in English, marked as English, where it has none, and a note
 * saying so. No translation is invented here.
 */

import type { Transaction } from 'kysely';
import type { Q } from '../../db/connection.ts';
import type { DB } from '../../db/schema.ts';
import { recordAudit } from '../../platform/audit.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { type DocumentBlock, type DocumentModel, documentText, fontCovers } from '../../platform/documents.ts';
import { HttpError } from '../../platform/errors.ts';
import { Refusal } from '../../platform/refusals.ts';
import { withheldPeople } from '../../platform/sharing.ts';
import { type Phrase, phrase, plain } from '../consent/explanation.ts';
import * as consentRepo from '../consent/repository.ts';

/** The family's language for a letter: its code, what is written on their record and the translations held. */
export interface FamilyLanguage {
  lang: string;
  /** The family's recorded language as written on their record, when it is not English. */
  recordedLanguage: string | null;
  languageName: string | null;
  texts: Map<string, string>;
  english: Map<string, string>;
}

export interface FamilyAdult {
  id: string;
  given_name: string;
  family_name: string;
  first_language: string | null;
}

const ADDRESSEE_KINDS = ['parent', 'step_parent', 'carer', 'grandparent'] as const;

/**
 * The parents and carers of the children (living, not merged), in name order. People a current withhold marker on
 * one of the children protects are left out: a letter the family keeps names no one whose details are withheld.
 */
export async function familyOf(q: Q, childIds: string[]): Promise<FamilyAdult[]> {
  if (!childIds.length) return [];
  const adults = await q
    .selectFrom('relationship as r')
    .innerJoin('person as a', 'a.id', 'r.related_person_id')
    .select(['a.id', 'a.given_name', 'a.family_name', 'a.first_language'])
    .distinct()
    .where('r.person_id', 'in', childIds)
    .where('r.kind', 'in', ADDRESSEE_KINDS)
    .where('a.kind', '=', 'adult')
    .where('a.merged_into', 'is', null)
    .where('a.date_of_death', 'is', null)
    .orderBy('a.family_name')
    .orderBy('a.given_name')
    .orderBy('a.id')
    .execute();
  const withheld = await withheldPeople(q, childIds);
  return adults.filter((a) => !withheld.has(a.id));
}

/**
 * The language recorded for the first of the adults who has one (else the child's), matched to the consent
 * explanation's languages; English where it is English, unrecorded or has no translations.
 */
export async function familyLanguage(
  q: Q,
  adults: { first_language: string | null }[],
  childLanguage: string | null,
): Promise<FamilyLanguage> {
  const recorded = adults.find((a) => a.first_language)?.first_language ?? childLanguage ?? null;
  const languages = await consentRepo.languages(q);
  const isEnglish = !recorded || /^(en|english|en-gb)$/i.test(recorded.trim());
  const lang = isEnglish ? 'en' : (matchLanguage(recorded, languages) ?? 'en');
  const [texts, english] = await Promise.all([consentRepo.consentTexts(q, lang), consentRepo.consentTexts(q, 'en')]);
  return {
    lang,
    recordedLanguage: isEnglish ? null : recorded,
    languageName: languages.find((l) => l.language === lang)?.name ?? null,
    texts,
    english,
  };
}

/** A letter's phrase maker: the family's translation of a key, else the letter's own English sentence, marked. */
export function letterWords(family: FamilyLanguage, own: Record<string, string>) {
  return (key: string, vars: Record<string, string> = {}) =>
    phrase(family.lang, family.texts, family.english, key, vars, own[key]);
}

/** Words the service holds only in English (outcome names, what a professional typed): marked as English. */
export function inEnglish(family: FamilyLanguage, text: string): Phrase {
  return { parts: [{ text }], ...(family.lang !== 'en' ? { lang: 'en' } : {}) };
}

export function textDirection(family: FamilyLanguage): 'ltr' | 'rtl' {
  return family.texts.get('language.dir') === 'rtl' ? 'rtl' : 'ltr';
}

/**
 * The note at the top of a letter when it is not wholly in the family's recorded language: all in English (no
 * translations) or parts in English. Null when the family's language is English or every phrase is translated.
 */
export function languageNote(family: FamilyLanguage, phrases: Phrase[], contact: string): string | null {
  if (!family.recordedLanguage) return null;
  if (family.lang === 'en') {
    return `This letter is in English because it has not been translated into ${family.recordedLanguage}. Ask ${contact} for an interpreter if that would help.`;
  }
  if (phrases.some((p) => p.lang === 'en')) {
    return `Parts of this letter are in English because they have not been translated into ${family.languageName ?? family.recordedLanguage}. Ask ${contact} for an interpreter if that would help.`;
  }
  return null;
}

/** A phrase as a document paragraph, keeping its language. */
export function paragraphOf(p: Phrase): DocumentBlock {
  return { type: 'paragraph', text: plain(p), ...(p.lang ? { lang: p.lang } : {}) };
}

/** A document's language attribute for a letter. */
export const documentLang = (lang: string) => (lang === 'en' ? 'en-GB' : lang);

/**
 * The consent explanation's language for a language written on a person's record ("Polish", "polski", "pl"): its
 * code, its own name or its English name. English, or a language with no translations, gives null.
 */
export function matchLanguage(recorded: string | null, languages: { language: string; name: string }[]): string | null {
  if (!recorded) return null;
  const want = recorded.trim().toLowerCase();
  let names: Intl.DisplayNames | null = null;
  try {
    names = new Intl.DisplayNames(['en'], { type: 'language' });
  } catch {
    names = null;
  }
  for (const l of languages) {
    if (l.language === 'en') continue;
    const english = names?.of(l.language)?.toLowerCase();
    if (want === l.language.toLowerCase() || want === l.name.toLowerCase() || want === english) return l.language;
  }
  return null;
}

/**
 * A family letter as a PDF: refused (with the way to print it instead) when the PDF's font cannot show the letter's
 * language or the language is written right to left; otherwise the download is audited on the child.
 */
export async function familyLetterPdf(
  trx: Transaction<DB>,
  ctx: RequestContext,
  personId: string,
  letter: { dir: string; lang: string },
  model: DocumentModel,
  details: Record<string, unknown>,
): Promise<DocumentModel | Refusal> {
  if (letter.dir !== 'ltr' || !fontCovers(documentText(model))) {
    return new Refusal(
      new HttpError(
        400,
        'A PDF of the letter cannot be made in this language. Open the letter and use your browser’s Print command to print it or save it as a PDF.',
      ),
    );
  }
  await recordAudit(trx, auditContext(ctx), {
    action: 'document.downloaded',
    recordType: 'person',
    recordId: personId,
    details: { ...details, language: letter.lang },
  });
  return model;
}
