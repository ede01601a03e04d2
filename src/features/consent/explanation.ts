/**
 * The family's explanation of a consent, built from translations held as data (consent_text). A phrase
 * missing in a language falls back to English and is marked as English, so screen readers switch voice.
 */
import type { DocumentBlock, DocumentModel } from '../../platform/documents.ts';
import type { ConsentRecord } from './repository.ts';

export interface Part {
  text: string;
  value?: boolean;
}
export interface Phrase {
  parts: Part[];
  /** Set when the phrase is not in the page's language. */
  lang?: string;
}

export function phrase(
  lang: string,
  texts: Map<string, string>,
  english: Map<string, string>,
  key: string,
  vars: Record<string, string> = {},
  fallbackText?: string,
): Phrase {
  const own = texts.get(key);
  const template = own ?? english.get(key) ?? fallbackText ?? key;
  const parts: Part[] = [];
  let last = 0;
  for (const m of template.matchAll(/\{(\w+)\}/g)) {
    if (m.index > last) parts.push({ text: template.slice(last, m.index) });
    parts.push({ text: vars[m[1] ?? ''] ?? '', value: true });
    last = m.index + m[0].length;
  }
  if (last < template.length) parts.push({ text: template.slice(last) });
  return { parts, ...(own === undefined && lang !== 'en' ? { lang: 'en' } : {}) };
}

export function formatDateIn(lang: string, iso: string): string {
  try {
    // Plain "en" would write American dates; families here read British ones.
    const locale = lang === 'en' ? 'en-GB' : lang;
    return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));
  } catch {
    return iso;
  }
}

export interface ExplanationInput {
  lang: string;
  texts: Map<string, string>;
  english: Map<string, string>;
  person: { id: string; given_name: string; family_name: string; known_as: string | null };
  consent: ConsentRecord;
  address: { address_line1: string; address_line2: string | null; town: string | null; postcode: string } | null;
  categories: { code: string; label: string }[];
  languages: { language: string; name: string }[];
}

export function buildExplanation(input: ExplanationInput) {
  const { lang, texts, english, consent } = input;
  const t = (key: string, vars: Record<string, string> = {}, fallbackText?: string) =>
    phrase(lang, texts, english, key, vars, fallbackText);
  const child = `${input.person.known_as ?? input.person.given_name} ${input.person.family_name}`;
  const vars = {
    child,
    name: consent.given_by_name,
    date: formatDateIn(lang, consent.obtained_on),
    practitioner: consent.recorded_by_name,
    organisation: consent.recorded_by_organisation,
    service: consent.service_name ?? '',
  };
  const recipients: Phrase[] = consent.recipients.map((r) => {
    if (r.kind === 'organisation') return { parts: [{ text: r.organisation_name ?? '', value: true }] };
    if (r.kind === 'agency_type') return t(`agency.${r.agency_type}`);
    if (r.kind === 'panel') return t('recipient.panel', { panel: r.panel_name ?? '' });
    return t('recipient.front_door');
  });
  const categories = consent.sensitive_categories.map((code) =>
    t(`category.${code}`, {}, input.categories.find((c) => c.code === code)?.label ?? code),
  );
  return {
    lang,
    dir: texts.get('language.dir') === 'rtl' ? 'rtl' : 'ltr',
    languages: input.languages,
    personId: input.person.id,
    consentId: consent.id,
    childName: child,
    addresseeName: consent.given_by_name,
    address: input.address,
    given: consent.decision === 'given',
    withdrawn: !!consent.withdrawn_at,
    t: {
      title: t('title', vars),
      greeting: t('greeting', vars),
      intro: t(consent.decision === 'given' ? 'intro_given' : 'intro_refused', vars),
      whyHeading: t('why_heading'),
      whyBody: t('why_body'),
      whatHeading: t('what_heading'),
      whatBody: t('what_body'),
      recipientsHeading: t('recipients_heading'),
      purposesHeading: t('purposes_heading'),
      service: consent.service_name ? t('service', vars) : null,
      sensitiveHeading: t('sensitive_heading'),
      sensitiveBody: t('sensitive_body'),
      withoutHeading: t('without_heading'),
      withoutBody: t('without_body'),
      without: ['enquiry', 'child', 'adult', 'crime'].map((k) => t(`without.${k}`)),
      withdrawHeading: t('withdraw_heading'),
      withdrawBody: t('withdraw_body', vars),
      review: consent.review_on ? t('review', { date: formatDateIn(lang, consent.review_on) }) : null,
      withdrawnNotice: consent.withdrawn_on
        ? t('withdrawn_notice', { date: formatDateIn(lang, consent.withdrawn_on) })
        : null,
      recordHeading: t('record_heading'),
      recordChild: t('record.child'),
      recordAddress: t('record.address'),
      recordDecision: t('record.decision'),
      decision: t(consent.decision === 'given' ? 'record.given' : 'record.refused'),
      recordDate: t('record.date'),
      date: { parts: [{ text: vars.date }] },
      recordMethod: t('record.method'),
      method: t(`method.${consent.method}`),
      recordRecordedBy: t('record.recorded_by'),
      recordReference: t('record.reference'),
      contactHeading: t('contact_heading'),
      contactBody: t('contact_body', vars),
    },
    recipients,
    purposes: consent.purposes.map((p) => t(`purpose.${p}`)),
    categories,
    recordedBy: `${consent.recorded_by_name}, ${consent.recorded_by_organisation}`,
    reference: consent.id.slice(0, 8).toUpperCase(),
  };
}

/** A phrase as plain text, for a document. */
export function plain(p: Phrase): string {
  return p.parts.map((x) => x.text).join('');
}

type Explanation = ReturnType<typeof buildExplanation>;

/** The family explanation as a document model: the same letter as the page, for a PDF the family can be given. */
export function explanationDocument(e: Explanation): DocumentModel {
  const t = e.t;
  const blocks: DocumentBlock[] = [];
  const h2 = (p: Phrase) => blocks.push({ type: 'heading', level: 2, text: plain(p) });
  const para = (p: Phrase) => blocks.push({ type: 'paragraph', text: plain(p), ...(p.lang ? { lang: p.lang } : {}) });
  const list = (items: Phrase[]) => blocks.push({ type: 'list', items: items.map(plain) });
  blocks.push({ type: 'heading', level: 1, text: plain(t.title) });
  para(t.greeting);
  para(t.intro);
  if (t.withdrawnNotice) para(t.withdrawnNotice);
  if (e.given) {
    h2(t.whyHeading);
    para(t.whyBody);
    h2(t.whatHeading);
    para(t.whatBody);
  }
  h2(t.recipientsHeading);
  list(e.recipients);
  h2(t.purposesHeading);
  list(e.purposes);
  if (t.service) para(t.service);
  if (e.categories.length) {
    h2(t.sensitiveHeading);
    para(t.sensitiveBody);
    list(e.categories);
  }
  h2(t.withoutHeading);
  para(t.withoutBody);
  list(t.without);
  h2(t.withdrawHeading);
  para(t.withdrawBody);
  if (t.review && !t.withdrawnNotice) para(t.review);
  h2(t.recordHeading);
  const address = e.address
    ? [e.address.address_line1, e.address.address_line2, e.address.town, e.address.postcode].filter(Boolean).join(', ')
    : null;
  blocks.push({
    type: 'keyValue',
    rows: [
      { key: plain(t.recordChild), value: e.childName },
      ...(address ? [{ key: plain(t.recordAddress), value: address }] : []),
      { key: plain(t.recordDecision), value: plain(t.decision) },
      { key: plain(t.recordDate), value: plain(t.date) },
      { key: plain(t.recordMethod), value: plain(t.method) },
      { key: plain(t.recordRecordedBy), value: e.recordedBy },
      { key: plain(t.recordReference), value: e.reference },
    ],
  });
  h2(t.contactHeading);
  para(t.contactBody);
  return {
    title: plain(t.title),
    lang: e.lang === 'en' ? 'en-GB' : e.lang,
    footer: `Early Help Hub · ${e.reference}`,
    blocks,
  };
}
