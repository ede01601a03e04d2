/**
 * Information-sharing enforcement: the one place that decides whether an actor may see a child's case
 * detail, or send it somewhere. A user needs a relationship with the child (found by relationships.ts: the
 * lead practitioner, involvement of the user, their team, a team they manage, or their organisation) AND a sharing basis: the information was
 * recorded by their own organisation, or a current consent covers them, or a recorded lawful basis does.
 * Every feature that shows case detail or lets information leave an agency calls this module.
 */
import { type Insertable, sql } from 'kysely';
import type { Q } from '../db/connection.ts';
import type {
  AgencyType,
  ConsentPurpose,
  LawfulBasis,
  RecipientKind,
  Role,
  SharingDecisionTable,
} from '../db/schema.ts';
import { type Actor, hasRole, type Relationship } from './access.ts';
import { londonToday } from './calendar.ts';
import { HttpError } from './errors.ts';
import { ANY_RELATIONSHIP, relationshipsWith } from './relationships.ts';

/** Roles whose work can need case detail; each still needs a relationship and a basis. */
export const CASE_DETAIL_ROLES: Role[] = [
  'practitioner',
  'manager',
  'front_door',
  'integrated_processes',
  'panel_chair',
  'panel_member',
];
/** Safeguarding authority: may record a lawful basis for sharing without consent (an audited override). */
export const OVERRIDE_ROLES: Role[] = ['manager', 'front_door'];
/** A consent lets another agency read case detail only for these purposes. */
export const READ_PURPOSES: ConsentPurpose[] = ['information_sharing', 'team_around_family', 'assessment'];
const PANEL_ROLES: Role[] = ['panel_admin', 'panel_chair', 'panel_member'];

export type BasisKind = 'own_agency' | 'consent' | 'lawful_basis';
export interface SharingBasis {
  kind: BasisKind;
  id?: string;
}

export interface CaseDetailAccess {
  allowed: boolean;
  relationship: Relationship | null;
  basis: SharingBasis | null;
  /** Plain-language reasons, shown to the user when case detail is hidden. */
  reasons: string[];
}

/** Where information is going: an organisation, any organisation of a type, a panel or the front door. */
export interface Recipient {
  organisationId?: string;
  agencyType?: AgencyType;
  panelName?: string;
  /** The panel itself: a consent that names it by id covers it whatever it is called now. */
  panelId?: string;
  frontDoor?: boolean;
}

/** A recipient row as held on a consent or a sharing decision. */
export interface RecipientRow {
  kind: RecipientKind | 'other';
  organisation_id: string | null;
  agency_type: AgencyType | null;
  panel_name: string | null;
  /** The panel a consent names (a sharing decision names it only in words). */
  panel_id?: string | null;
}

export interface ActiveConsent {
  id: string;
  person_id: string;
  household_id: string | null;
  given_by_person_id: string;
  given_by_name: string;
  given_by_kind: 'young_person' | 'parent_carer' | 'self';
  decision: 'given' | 'refused';
  purposes: ConsentPurpose[];
  service_name: string | null;
  obtained_on: string;
  review_on: string | null;
  sensitive_categories: string[];
  recorded_by_organisation_id: string;
  recipients: (RecipientRow & { organisation_name: string | null })[];
}

/** A request to share that no consent or lawful basis covers; routes offer an override to those with authority. */
export class ConsentRequiredError extends HttpError {
  constructor(
    readonly personId: string,
    readonly purpose: ConsentPurpose,
    readonly recipient: Recipient,
    readonly reasons: string[],
  ) {
    super(409, 'There is no consent or recorded lawful basis for this');
  }
}

export function recipientCovers(row: RecipientRow, target: Recipient): boolean {
  switch (row.kind) {
    case 'organisation':
      return !!target.organisationId && row.organisation_id === target.organisationId;
    case 'agency_type':
      return !!target.agencyType && row.agency_type === target.agencyType;
    case 'panel':
      if (target.panelId && row.panel_id) return row.panel_id === target.panelId;
      return (
        !!target.panelName && (row.panel_name ?? '').trim().toLowerCase() === target.panelName.trim().toLowerCase()
      );
    case 'front_door':
      return target.frontDoor === true;
    default:
      return false;
  }
}

interface ActorAsRecipient {
  target: Recipient;
  /** The panels the actor sits on now, if they hold a panel role: ids, and names (lower case). */
  panelIds: string[];
  panels: string[];
}

const panelKey = (name: string) => name.trim().toLowerCase();

/** Who the actor is as a recipient: their organisation, its type, the front door if their role says so, and their panels. */
async function actorAsRecipients(db: Q, actor: Actor, at: Date): Promise<ActorAsRecipient> {
  const org = await db
    .selectFrom('organisation')
    .select('agency_type')
    .where('id', '=', actor.organisationId)
    .executeTakeFirst();
  // A panel consent covers the panel's current members who hold a panel role (docs/decisions/0029).
  const today = londonToday(at);
  const panels = hasRole(actor, ...PANEL_ROLES)
    ? await db
        .selectFrom('panel_member as m')
        .innerJoin('panel as p', 'p.id', 'm.panel_id')
        .select(['p.id', 'p.name'])
        .where('m.user_id', '=', actor.userId)
        .where('m.from_date', '<=', today)
        .where((eb) => eb.or([eb('m.to_date', 'is', null), eb('m.to_date', '>', today)]))
        .execute()
    : [];
  return {
    target: {
      organisationId: actor.organisationId,
      ...(org ? { agencyType: org.agency_type } : {}),
      frontDoor: actor.roles.includes('front_door'),
    },
    panelIds: panels.map((p) => p.id),
    panels: panels.map((p) => panelKey(p.name)),
  };
}

function coversActor(row: RecipientRow, who: ActorAsRecipient): boolean {
  if (row.kind === 'panel') {
    if (row.panel_id) return who.panelIds.includes(row.panel_id);
    return !!row.panel_name && who.panels.includes(panelKey(row.panel_name));
  }
  return recipientCovers(row, who.target);
}

/**
 * The strongest relationship the actor has with the person now, or null. Case detail and consent accept every kind,
 * the organisation's included (see relationships.ts).
 */
export async function findRelationship(db: Q, actor: Actor, personId: string, at: Date): Promise<Relationship | null> {
  const [strongest] = await relationshipsWith(db, actor, personId, at, { kinds: ANY_RELATIONSHIP });
  return strongest ?? null;
}

/**
 * Consents that apply to a person at an instant: recorded by then, not withdrawn by then, not past their
 * review date. Family-wide consents apply to the household's children the giver has parental responsibility for.
 */
export async function activeConsents(db: Q, personId: string, at: Date): Promise<ActiveConsent[]> {
  const today = londonToday(at);
  const result = await sql<Omit<ActiveConsent, 'recipients'>>`
    select c.id, c.person_id, c.household_id, c.given_by_person_id, c.given_by_kind, c.decision, c.purposes,
           c.service_name, c.obtained_on, c.review_on, c.sensitive_categories, c.recorded_by_organisation_id,
           g.given_name || ' ' || g.family_name as given_by_name
      from consent c join person g on g.id = c.given_by_person_id
     where c.recorded_at <= ${at}
       and (c.withdrawn_at is null or c.withdrawn_at > ${at})
       and c.obtained_on <= ${today}::date
       and (c.review_on is null or c.review_on >= ${today}::date)
       and (c.person_id = ${personId}
            or (c.household_id is not null
                and exists (select 1 from household_member hm where hm.household_id = c.household_id
                             and hm.person_id = ${personId} and hm.moved_out is null)
                and exists (select 1 from relationship r where r.person_id = ${personId}
                             and r.related_person_id = c.given_by_person_id and r.parental_responsibility)))
     order by c.recorded_at desc`.execute(db);
  const ids = result.rows.map((c) => c.id);
  const recipients = ids.length
    ? await db
        .selectFrom('consent_recipient as r')
        .leftJoin('organisation as o', 'o.id', 'r.organisation_id')
        .select([
          'r.consent_id',
          'r.kind',
          'r.organisation_id',
          'r.agency_type',
          'r.panel_name',
          'r.panel_id',
          'o.name as organisation_name',
        ])
        .where('r.consent_id', 'in', ids)
        .execute()
    : [];
  return result.rows.map((c) => ({ ...c, recipients: recipients.filter((r) => r.consent_id === c.id) }));
}

/**
 * Records a decision to share a person's information (or not to): who with, on what basis (a consent, or a lawful
 * basis with its reason), by whom. Read back by `accessContext` when the recipient asks to see case detail.
 */
export async function recordSharingDecision(db: Q, values: Insertable<SharingDecisionTable>): Promise<string> {
  return (await db.insertInto('sharing_decision').values(values).returning('id').executeTakeFirstOrThrow()).id;
}

/** A current decision to share on a lawful basis naming the actor, unless a later decision not to share replaced it. */
async function lawfulDecisionFor(
  db: Q,
  personId: string,
  at: Date,
  covers: (row: RecipientRow) => boolean,
): Promise<string | null> {
  const today = londonToday(at);
  const decisions = await db
    .selectFrom('sharing_decision')
    .select([
      'id',
      'decision',
      'basis',
      'recipient_kind as kind',
      'recipient_organisation_id as organisation_id',
      'recipient_agency_type as agency_type',
      'recipient_description as panel_name',
    ])
    .where('person_id', '=', personId)
    .where('decided_at', '<=', at)
    .where((eb) => eb.or([eb('expires_on', 'is', null), eb('expires_on', '>=', today)]))
    .orderBy('decided_at', 'desc')
    .execute();
  const latest = decisions.find((d) => covers(d));
  return latest && latest.decision === 'share' && latest.basis && latest.basis !== 'consent' ? latest.id : null;
}

export interface AccessContext {
  actor: Actor;
  personId: string;
  roleAllowed: boolean;
  relationship: Relationship | null;
  /** The basis for seeing what other agencies recorded, if any. */
  crossBasis: SharingBasis | null;
  consents: ActiveConsent[];
  /** Sensitive categories the actor's organisation is explicitly named for. */
  sensitiveCategories: string[];
  reasons: string[];
}

/** Everything needed to decide, record by record, what case detail the actor may see about a person. */
export async function accessContext(db: Q, actor: Actor, personId: string, at: Date): Promise<AccessContext> {
  const roleAllowed = !!hasRole(actor, ...CASE_DETAIL_ROLES);
  const relationship = roleAllowed ? await findRelationship(db, actor, personId, at) : null;
  const consents = await activeConsents(db, personId, at);
  const who = await actorAsRecipients(db, actor, at);
  const reasons: string[] = [];
  if (!roleAllowed) reasons.push('Your role does not include seeing case detail.');
  else if (!relationship) {
    reasons.push('You, your team and your organisation are not recorded as working with this person.');
  }
  const given = consents.filter((c) => c.decision === 'given');
  const readConsent = given.find(
    (c) => c.purposes.some((p) => READ_PURPOSES.includes(p)) && c.recipients.some((r) => coversActor(r, who)),
  );
  let crossBasis: SharingBasis | null = readConsent ? { kind: 'consent', id: readConsent.id } : null;
  if (!crossBasis) {
    const lawful = await lawfulDecisionFor(db, personId, at, (r) => coversActor(r, who));
    if (lawful) crossBasis = { kind: 'lawful_basis', id: lawful };
  }
  if (!crossBasis) {
    reasons.push(
      given.length
        ? 'The consent recorded does not cover your organisation for this purpose, and no lawful basis for sharing with your organisation is recorded.'
        : 'No current consent, and no lawful basis for sharing with your organisation, is recorded.',
    );
  }
  const sensitiveCategories = [
    ...new Set(
      given
        .filter(
          (c) =>
            c.purposes.some((p) => READ_PURPOSES.includes(p)) &&
            c.recipients.some((r) => r.kind === 'organisation' && r.organisation_id === actor.organisationId),
        )
        .flatMap((c) => c.sensitive_categories),
    ),
  ];
  return { actor, personId, roleAllowed, relationship, crossBasis, consents, sensitiveCategories, reasons };
}

/** A record of case detail, as far as access rules care. */
export interface CaseDetailRecord {
  organisation_id: string;
  recorded_by: string;
  category: string | null;
  /** Kept to the recording organisation (a sensitive note recorded without consent covering it). */
  own_organisation_only?: boolean;
}

/**
 * May the actor see this record? A record kept to its organisation is visible only there. Sensitive
 * categories are visible only to the practitioner who recorded them and to organisations a current
 * consent names explicitly for that category.
 */
export function canSeeRecord(ctx: AccessContext, record: CaseDetailRecord): boolean {
  if (!ctx.roleAllowed || !ctx.relationship) return false;
  if (record.own_organisation_only) return record.organisation_id === ctx.actor.organisationId;
  if (record.category) {
    return record.recorded_by === ctx.actor.userId || ctx.sensitiveCategories.includes(record.category);
  }
  return record.organisation_id === ctx.actor.organisationId || ctx.crossBasis !== null;
}

/** An involvement, as far as the rule for sensitive services cares. */
export interface ServiceInvolvement {
  organisation_id: string;
  team_id: string | null;
  user_id: string | null;
  organisation_sensitive_category: string | null;
  team_sensitive_category: string | null;
}

export const SENSITIVE_SERVICE_NOTICE = 'A service is involved — contact the lead practitioner';

/**
 * May the actor see which service is working with a child? A service an administrator marked sensitive
 * (mental health, sexual health …) shows only to that service itself and to organisations a current consent
 * names for that category, as ContactPoint did; everyone else sees only that a service is involved.
 */
export function maySeeService(
  ctx: Pick<AccessContext, 'actor' | 'sensitiveCategories'>,
  i: ServiceInvolvement,
): boolean {
  const category = i.team_sensitive_category ?? i.organisation_sensitive_category;
  if (!category) return true;
  const actor = ctx.actor;
  if (i.user_id === actor.userId) return true;
  const ownService = i.team_sensitive_category
    ? !!i.team_id && [...actor.teamIds, ...actor.managedTeamIds].includes(i.team_id)
    : i.organisation_id === actor.organisationId;
  return ownService || ctx.sensitiveCategories.includes(category);
}

/**
 * Whether the actor may see case detail about a person recorded by an organisation (by default, by
 * another agency than their own), and why. Used by every page that shows case detail.
 */
export async function caseDetailAccess(
  db: Q,
  actor: Actor,
  personId: string,
  at: Date,
  options: { recordedByOrganisationId?: string } = {},
): Promise<CaseDetailAccess> {
  const ctx = await accessContext(db, actor, personId, at);
  return accessFromContext(ctx, options.recordedByOrganisationId);
}

export function accessFromContext(ctx: AccessContext, recordedByOrganisationId?: string): CaseDetailAccess {
  const own = recordedByOrganisationId !== undefined && recordedByOrganisationId === ctx.actor.organisationId;
  const basis: SharingBasis | null = own ? { kind: 'own_agency' } : ctx.crossBasis;
  const allowed = ctx.roleAllowed && ctx.relationship !== null && basis !== null;
  const reasons = own ? ctx.reasons.filter((r) => !r.includes('consent')) : ctx.reasons;
  return { allowed, relationship: ctx.relationship, basis: allowed ? basis : null, reasons: allowed ? [] : reasons };
}

/**
 * Information is about to leave the actor's agency for a recipient and purpose: returns the basis that
 * allows it (a current consent covering the recipient and purpose, or a current lawful-basis decision
 * naming the recipient) or throws ConsentRequiredError.
 */
export async function requireSharingBasis(
  trx: Q,
  _actor: Actor,
  personId: string,
  purpose: ConsentPurpose,
  recipient: Recipient,
  at: Date,
): Promise<SharingBasis> {
  const consents = await activeConsents(trx, personId, at);
  const refused = consents.find(
    (c) =>
      c.decision === 'refused' &&
      c.purposes.includes(purpose) &&
      c.recipients.some((r) => recipientCovers(r, recipient)),
  );
  const consent = refused
    ? undefined
    : consents.find(
        (c) =>
          c.decision === 'given' &&
          c.purposes.includes(purpose) &&
          c.recipients.some((r) => recipientCovers(r, recipient)),
      );
  if (consent) return { kind: 'consent', id: consent.id };
  const lawful = await lawfulDecisionFor(trx, personId, at, (r) => recipientCovers(r, recipient));
  if (lawful) return { kind: 'lawful_basis', id: lawful };
  const reasons = [
    refused
      ? `Consent for this was refused by ${refused.given_by_name} on ${refused.obtained_on}.`
      : 'No current consent covers this recipient for this purpose.',
    'No lawful basis for sharing with this recipient is recorded.',
  ];
  throw new ConsentRequiredError(personId, purpose, recipient, reasons);
}

export interface ConsentStatus {
  state: 'given' | 'refused' | 'none';
  consents: ActiveConsent[];
  access: CaseDetailAccess;
  markers: { id: string; what: string; withheld_from: string }[];
  wishes: number;
  personId: string;
  canOverride: boolean;
  /** Whether the panel prints its own "Always consider the need for consent" reminder. */
  reminder: boolean;
}

/** The consent state of a person at a glance, for any page where information may leave an agency. */
export async function consentStatus(
  db: Q,
  actor: Actor,
  personId: string,
  at: Date,
  options: { reminder?: boolean } = {},
): Promise<ConsentStatus> {
  const ctx = await accessContext(db, actor, personId, at);
  // A shielded child's whereabouts never show, not even inside a marker that protects them, nor does the address
  // of anyone living with a shielded child.
  const markers = await sql<{ id: string; what: string; withheld_from: string }>`
    select m.id,
           coalesce(case when h.id is null then null
                         when whereabouts_protected(s.id) or household_protected(h.id) then 'An address (not shown: whereabouts protected)'
                         else 'Address: ' || h.address_line1 || ', ' || h.postcode end,
                    'Details of ' || p.given_name || ' ' || p.family_name) as what,
           f.given_name || ' ' || f.family_name as withheld_from
      from withhold_marker m
      join person f on f.id = m.withheld_from_person_id
      join person s on s.id = m.subject_person_id
      left join household h on h.id = m.household_id
      left join person p on p.id = m.person_id
     where m.subject_person_id = ${personId} and m.ended_at is null
     order by m.recorded_at`.execute(db);
  const wishes = await db
    .selectFrom('confidentiality_wish')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('person_id', '=', personId)
    .where('ended_on', 'is', null)
    .executeTakeFirst();
  const given = ctx.consents.some((c) => c.decision === 'given');
  const refused = ctx.consents.some((c) => c.decision === 'refused');
  // Sensitive categories say something about the child; only those who may see case detail see them.
  const visible = ctx.crossBasis || ctx.relationship;
  const consents = visible ? ctx.consents : ctx.consents.map((c) => ({ ...c, sensitive_categories: [] }));
  return {
    state: given ? 'given' : refused ? 'refused' : 'none',
    consents,
    access: accessFromContext(ctx),
    markers: markers.rows,
    wishes: Number(wishes?.n ?? 0),
    personId,
    canOverride: !!hasRole(actor, ...OVERRIDE_ROLES),
    reminder: options.reminder ?? true,
  };
}

export const LAWFUL_BASIS_LABELS: Record<LawfulBasis, string> = {
  enquiry_risk_of_harm: 'To find out whether a child is at risk of harm',
  child_at_risk_of_harm: 'To help a child who is at risk of harm',
  adult_at_risk_of_harm: 'An adult is at risk of harm',
  serious_crime: 'To prevent or detect serious crime',
};

/** How a record names someone a withhold marker protects (the chronology, assessments and their documents). */
export const WITHHELD_NAME = 'a family member whose details are withheld';

/** People whose details a current withhold marker on one of the children protects: records shown about the
 * children do not name them. */
export async function withheldPeople(q: Q, childIds: string[]): Promise<Set<string>> {
  if (!childIds.length) return new Set();
  const rows = await q
    .selectFrom('withhold_marker')
    .select('person_id')
    .where('subject_person_id', 'in', childIds)
    .where('ended_at', 'is', null)
    .where('person_id', 'is not', null)
    .execute();
  return new Set(rows.map((r) => r.person_id!));
}
