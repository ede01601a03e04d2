import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import type { Database } from '../db/connection.ts';
import { ROLES, type Role } from '../db/schema.ts';
import { type Actor, hasRole } from './access.ts';
import { recordAudit } from './audit.ts';
import { auditContext } from './context.ts';
import { ForbiddenError, NotFoundError } from './errors.ts';
import { UUID } from './ids.ts';

/**
 * The one access policy: every action the product allows, who may take it, and what relationship to the child
 * it needs; and every route, mapped to one action. Routes are checked against it when the app is built (a route
 * with no action stops the app starting) and on every request (a signed-in user whose roles the action does not
 * allow is refused before the handler runs). Services still check the relationship to the record and the
 * sharing basis (src/platform/sharing.ts); the relationship need written here says which check they make.
 */

/**
 * The relationship to one child an action needs, beyond the role:
 * - `none`: the action is not about one child (lists, administration, the directory);
 * - `child-index`: any child on the child index (identifying details, family and who is involved), except
 *   that a shielded child needs a current relationship or a recorded break-glass reason;
 * - `works-with-child`: a current relationship with the child, as the relationship function finds it
 *   (involved practitioner, their team, their organisation where the feature allows it, lead practitioner,
 *   team around the family, front-door worker holding an open contact, panel member while the child is on
 *   the agenda, manager of any of these); role powers reach children within the user's partnership;
 * - `break-glass-allowed`: works with the child, or records a break-glass reason (audited, and the
 *   practitioners involved are told).
 * Anything else answers 404, as for a child that does not exist.
 */
export type RelationshipNeed = 'none' | 'child-index' | 'works-with-child' | 'break-glass-allowed';

export const RELATIONSHIP_LABELS: Record<RelationshipNeed, string> = {
  none: 'Not about one child',
  'child-index': 'Any child on the index (a shielded child: works with them, or a break-glass reason)',
  'works-with-child': 'Works with the child',
  'break-glass-allowed': 'Works with the child, or records a break-glass reason',
};

/** Who may take an action: anyone (signed in or not), any signed-in user, or the users holding one of the roles. */
export type Audience = 'public' | 'signed-in' | readonly Role[];

export interface ActionPolicy {
  /** Plain English, for the user guide: what the action lets someone do. */
  description: string;
  who: Audience;
  relationship: RelationshipNeed;
  /**
   * How a signed-in user without the role is refused: 403 (the default) or, where the feature has always
   * answered so, the same 404 as a child they may not see.
   */
  refuseAs?: 403 | 404;
  /** Where a refusal is about a child (the route's `:id`), the audit event that records it and the message shown. */
  refusal?: { audit: string; message: string };
}

// Role groups, as the features have always used them.
const INDEX: Role[] = [
  'practitioner',
  'manager',
  'front_door',
  'integrated_processes',
  'panel_admin',
  'panel_chair',
  'panel_member',
];
const REGISTER: Role[] = ['practitioner', 'manager', 'front_door', 'integrated_processes'];
const CASE_DETAIL: Role[] = [
  'practitioner',
  'manager',
  'front_door',
  'integrated_processes',
  'panel_chair',
  'panel_member',
];
const CHANGE_CONSENT: Role[] = ['practitioner', 'manager', 'front_door', 'integrated_processes'];
const SHIELD: Role[] = ['manager', 'front_door'];
const DUPLICATES: Role[] = ['system_admin', 'integrated_processes'];
const AUDIT: Role[] = ['data_protection', 'system_admin'];
const ADMIN: Role[] = ['system_admin'];
const DIRECTORY_EDITORS: Role[] = ['system_admin', 'manager'];

const CONSENT_REFUSAL = {
  audit: 'consent.change-refused',
  message: 'Your role does not allow you to record or change consent.',
};

export const ACTIONS = {
  // Reaching the service
  'public-page.read': {
    description: 'Read the public pages: cookies, privacy notice, accessibility statement, styles and scripts',
    who: 'public',
    relationship: 'none',
  },
  'health.read': {
    description: 'Check that the service is running (health and version)',
    who: 'public',
    relationship: 'none',
  },
  'sign-in': {
    description: 'Sign in, with a password and a second factor or single sign-on',
    who: 'public',
    relationship: 'none',
  },
  'sign-out': { description: 'Sign out', who: 'public', relationship: 'none' },
  'sign-in.resume': {
    description: 'Pick up a form that was being filled in when the session ended',
    who: 'signed-in',
    relationship: 'none',
  },
  'session.keep-alive': {
    description: 'Stay signed in when warned of the timeout',
    who: 'signed-in',
    relationship: 'none',
  },
  'home.read': { description: 'See the home page', who: 'signed-in', relationship: 'none' },
  'account.manage': {
    description: 'See your account, change your password and sign out everywhere',
    who: 'signed-in',
    relationship: 'none',
  },
  'api-tokens.manage-own': {
    description: 'Create and revoke your own API tokens',
    who: 'signed-in',
    relationship: 'none',
  },
  'api-docs.read': { description: 'Read the API documentation', who: 'public', relationship: 'none' },
  'api.me.read': { description: 'API: see who a token acts as', who: 'signed-in', relationship: 'none' },
  'organisations.read': {
    description: 'API: list organisations, areas and teams',
    who: 'signed-in',
    relationship: 'none',
  },
  'open-referral.read': {
    description: 'Read the open services directory (Open Referral UK)',
    who: 'public',
    relationship: 'none',
  },

  // The services directory
  'directory.search': {
    description: 'Search the services directory and see a service',
    who: 'signed-in',
    relationship: 'none',
  },
  'directory.check-eligibility': {
    description: 'Check whether a child, or a child of a given age, is eligible for a service',
    who: 'signed-in',
    relationship: 'none',
  },
  'directory.manage': {
    description:
      'Add services, change them, mark them reviewed and set eligibility rules (managers: their organisation’s)',
    who: DIRECTORY_EDITORS,
    relationship: 'none',
  },

  // The child index
  'person.caseload': { description: 'See the children you work with', who: INDEX, relationship: 'none' },
  'person.search': { description: 'Search the child index', who: INDEX, relationship: 'none' },
  'person.read-card': {
    description: 'See a child’s index card: identifying details and who is working with them',
    who: INDEX,
    relationship: 'child-index',
  },
  'person.read-family': { description: 'See a child’s family and household', who: INDEX, relationship: 'child-index' },
  'person.break-glass': {
    description: 'Open a shielded child’s record with a reason (audited; those involved are told)',
    who: INDEX,
    relationship: 'break-glass-allowed',
  },
  'person.register': { description: 'Register a child on the index', who: REGISTER, relationship: 'none' },
  'person.involvement.record': {
    description: 'Record that you, your team or your organisation work with a child',
    who: REGISTER,
    relationship: 'child-index',
  },
  'person.involvement.end': {
    description: 'End an involvement with a child',
    who: REGISTER,
    relationship: 'works-with-child',
  },
  'person.change-details': {
    description: 'Change a child’s identifying details, names, identifiers, address and family',
    who: REGISTER,
    relationship: 'works-with-child',
  },
  'person.shield': {
    description: 'Shield a child, or ask for a child’s shielding to be lifted',
    who: SHIELD,
    relationship: 'works-with-child',
    refuseAs: 404,
  },
  'shielding.decide-lift': {
    description: 'Approve or decline a request to lift a child’s shielding (within your partnership)',
    who: SHIELD,
    relationship: 'none',
  },
  'duplicates.review': {
    description: 'Review possible duplicate records and say whether they are the same child',
    who: DUPLICATES,
    relationship: 'none',
  },
  'duplicates.merge': {
    description: 'Merge duplicate records, and undo a merge',
    who: DUPLICATES,
    relationship: 'none',
  },

  'think-family.read': {
    description: 'See the needs of the adults in a child’s household that affect their parenting (Think Family)',
    who: CASE_DETAIL,
    relationship: 'works-with-child',
  },
  'think-family.record': {
    description: 'Record a need of an adult in a child’s household that affects their parenting (Think Family)',
    who: REGISTER,
    relationship: 'works-with-child',
  },
  'think-family.end': {
    description: 'End a need of an adult in a child’s household that you can see (Think Family): the date and why',
    who: REGISTER,
    relationship: 'works-with-child',
  },
  'targeted-services.lists': {
    description:
      'See the Top 100 families in your areas and your Guidance and Support meeting list; set the meeting date and add or remove families (within your areas)',
    who: ['integrated_processes'],
    relationship: 'none',
  },

  // Consent, sharing and case detail
  'consent.read': {
    description: 'See a child’s consent, wishes, sharing decisions and the family’s explanation',
    who: CASE_DETAIL,
    relationship: 'works-with-child',
  },
  'consent.record': {
    description: 'Record consent given or refused, and withdraw it',
    who: CHANGE_CONSENT,
    relationship: 'works-with-child',
    refusal: CONSENT_REFUSAL,
  },
  'confidentiality-wish.record': {
    description: 'Record or end a child’s or family member’s wish about what is shared',
    who: CHANGE_CONSENT,
    relationship: 'works-with-child',
    refusal: CONSENT_REFUSAL,
  },
  'sharing-decision.record': {
    description: 'Record a decision to share or not to share (without consent: managers and the front door only)',
    who: CHANGE_CONSENT,
    relationship: 'works-with-child',
    refusal: CONSENT_REFUSAL,
  },
  'withhold-marker.record': {
    description: 'Mark information to be withheld from someone, and end the marker',
    who: CHANGE_CONSENT,
    relationship: 'works-with-child',
    refusal: CONSENT_REFUSAL,
  },
  'case-note.read': {
    description: 'Read case notes (another agency’s only with consent or a lawful basis)',
    who: CASE_DETAIL,
    relationship: 'works-with-child',
  },
  'case-note.record': {
    description: 'Write a case note',
    who: CHANGE_CONSENT,
    relationship: 'works-with-child',
    refusal: CONSENT_REFUSAL,
  },

  // Audit
  'audit.history.read': {
    description: 'See, print and export who has looked at or changed a record',
    who: AUDIT,
    relationship: 'none',
  },
  'audit.user-activity.read': { description: 'See what one user has done', who: AUDIT, relationship: 'none' },
  'audit.chain.verify': {
    description: 'Check that the audit trail has not been altered',
    who: AUDIT,
    relationship: 'none',
  },

  // Administration
  'admin.home': { description: 'See the administration pages', who: ADMIN, relationship: 'none' },
  'admin.organisations.manage': {
    description: 'Add and change organisations, areas and clusters, and teams',
    who: ADMIN,
    relationship: 'none',
  },
  'admin.closure-monitoring.manage': {
    description:
      'Set how many weeks an early help episode is monitored after closure is proposed because needs are met, for each partnership',
    who: ADMIN,
    relationship: 'none',
  },
  'admin.plan-reviews.manage': {
    description: 'Set the usual interval between reviews of an early help plan, for each partnership',
    who: ADMIN,
    relationship: 'none',
  },
  'admin.conversation-follow-up.manage': {
    description:
      'Set how many working days after a conversation its participants are asked whether it helped, for each partnership',
    who: ADMIN,
    relationship: 'none',
  },
  'admin.users.manage': {
    description: 'Add and change users and their roles; disable, unlock, reset their second factor or password',
    who: ADMIN,
    relationship: 'none',
  },
  'admin.service-accounts.manage': {
    description: 'Add service accounts and issue or revoke their API tokens',
    who: ADMIN,
    relationship: 'none',
  },
  // Multi-agency panels (docs/decisions/0029)
  'panels.read': {
    description: 'See the panels you sit on, their members, gateway services and meetings, and download invitations',
    who: ['panel_admin', 'panel_chair', 'panel_member', 'system_admin'],
    relationship: 'none',
  },
  'panel-request.read': {
    description:
      'See a child’s requests to panels: the steps taken, what is asked, the decision, the slot, and whether the child is on another forum’s agenda',
    who: CASE_DETAIL,
    relationship: 'works-with-child',
  },
  'panel-request.make': {
    description:
      'Ask a panel to discuss a child or family (refused with the right route when a redirect rule applies, without a consent naming the panel, without a signed-off Early Help Assessment, or when not eligible for the gateway service); for a team around the family meeting, record that you know the child is also on a panel’s agenda',
    who: REGISTER,
    relationship: 'works-with-child',
  },
  // Redirecting a received request to a panel (docs/decisions/0039)
  'panel-request.redirect-in': {
    description:
      'Redirect a request you received and cannot meet (the front door’s request for targeted support on your work list) to a panel, with the family told and agreeing; the panel request then goes through the panel’s own checks',
    who: ['integrated_processes'],
    relationship: 'none',
  },
  'panel-request.administer': {
    description:
      'For a panel you administer or chair: see the requests waiting, accept, decline or redirect them, allocate slots, record papers (the chair: agree to late papers), and see and reorder a meeting’s agenda',
    who: ['panel_admin', 'panel_chair'],
    relationship: 'none',
  },
  'panel-record.read': {
    description:
      'For a panel you sit on: read a meeting’s record, its attendance and each case’s decisions, recommendations and lead professional',
    who: ['panel_admin', 'panel_chair', 'panel_member'],
    relationship: 'none',
  },
  'panel-record.write': {
    description:
      'For a panel you administer or chair, from the day of a meeting until the chair approves its record: record attendance and each case’s discussion, outcomes, recommendations, lead professional and any dissent',
    who: ['panel_admin', 'panel_chair'],
    relationship: 'none',
  },
  'panel-record.approve': {
    description:
      'Approve a meeting’s record: the chair or a deputy chair of that panel only (anyone else is refused, and the refusal audited); the decisions then reach the children’s chronologies and the child index, and the recommendations the agencies’ work lists',
    who: ['panel_admin', 'panel_chair', 'panel_member'],
    relationship: 'none',
  },
  'panel-record.circulate': {
    description:
      'For a panel you administer or chair, once its chair approves a meeting’s record: circulate each case’s written decisions and actions to the referrer, the agencies with recommendations and the lead professional, within 4 working days of the meeting',
    who: ['panel_admin', 'panel_chair'],
    relationship: 'none',
  },
  // Implementation reports on panel recommendations (docs/decisions/0036)
  'panel-recommendation.report': {
    description:
      'For a recommendation of a panel to your team (a member of it, or one of its managers): report that it was implemented, with the date, or not implemented, with why (the panel’s chair is told); correct a report, keeping the earlier one',
    who: REGISTER,
    relationship: 'works-with-child',
  },
  'panel-recommendation.consider': {
    description:
      'Record that a report of a recommendation not implemented was considered, and what was done: the chair or a deputy chair of that panel only (anyone else on the panel is refused, and the refusal audited)',
    who: ['panel_admin', 'panel_chair', 'panel_member'],
    relationship: 'none',
  },
  'panel-papers.read': {
    description:
      'Read a panel meeting’s papers pack and agenda, and print or download them: the panel’s administrator and chairs at any time; its other members from 7 days before the meeting to 14 days after (every reading audited on each child)',
    who: ['panel_admin', 'panel_chair', 'panel_member'],
    relationship: 'none',
  },
  // The family's decision letter and withdrawing a request (docs/decisions/0037)
  'panel-letter.read': {
    description:
      'Read, print and download the family’s letter with a panel’s approved decisions on their case: the panel’s administrator, chair and deputy chairs, the case’s lead professional and its referrer (every reading audited)',
    who: [...REGISTER, 'panel_admin', 'panel_chair'],
    relationship: 'none',
  },
  'panel-letter.record': {
    description:
      'For a panel you administer or chair: record the day the family’s decision letter was sent and how, as part of circulating the decisions',
    who: ['panel_admin', 'panel_chair'],
    relationship: 'none',
  },
  'panel-request.withdraw': {
    description:
      'Withdraw a request to a panel before it is discussed, with a reason: its referrer, or the panel’s administrator or chair; it leaves the agenda and the administrator is told',
    who: [...REGISTER, 'panel_admin', 'panel_chair'],
    relationship: 'none',
  },
  'panels.manage': {
    description:
      'Set up panels, their members and gateway services, and generate, change and cancel their meetings (panel administrators: the panels they administer)',
    who: ['panel_admin', 'system_admin'],
    relationship: 'none',
  },
  'panel-dashboard.read': {
    description:
      'See the dashboard of a panel you chair, deputy chair or administer (integrated processes: every panel), and those panels side by side: meetings and slots, cases waiting, deadlines kept, outcomes, recommendations by agency and the unmet needs brought to them by month (counts only, no child named)',
    who: ['panel_admin', 'panel_chair', 'integrated_processes'],
    relationship: 'none',
  },
  'admin.closure-days.manage': {
    description: 'Add and remove closure days that deadlines skip',
    who: ADMIN,
    relationship: 'none',
  },
  'admin.sensitive-categories.manage': {
    description: 'Add and retire the categories of sensitive services',
    who: ADMIN,
    relationship: 'none',
  },
  'admin.threshold-guidance.manage': {
    description: 'Publish a new version of the threshold-of-need guidance',
    who: ADMIN,
    relationship: 'none',
  },
  'admin.jobs.manage': {
    description: 'See background jobs and try a failed one again',
    who: ADMIN,
    relationship: 'none',
  },

  // Work lists and notifications
  'work.read': {
    description:
      'See your work list (and, as a manager, your teams’) and your notifications; choose how you are emailed',
    who: 'signed-in',
    relationship: 'none',
  },

  // Levels of need and conversations
  'threshold.use': {
    description: 'Use the threshold helper, read the threshold guidance and see who you can talk to',
    who: 'signed-in',
    relationship: 'none',
  },
  'person.who-to-talk-to': {
    description: 'See who you can talk to about a child (a child whose whereabouts are protected: works with them)',
    who: INDEX,
    relationship: 'child-index',
  },
  'conversation.record': {
    description:
      'Record a conversation about a child with other practitioners: who took part, what was agreed, actions',
    who: REGISTER,
    relationship: 'works-with-child',
  },
  'conversation.read': {
    description:
      'Read a recorded conversation and mark your actions done (another agency’s only with consent or a lawful basis; those it names may read it too)',
    who: CASE_DETAIL,
    relationship: 'works-with-child',
  },
  'conversation.follow-up': {
    description: 'Answer whether a conversation you took part in helped meet the child’s needs',
    who: 'signed-in',
    relationship: 'none',
  },
  'conversation.report': {
    description: 'See how many conversations helped, by month and organisation (counts only)',
    who: ['manager', 'integrated_processes'],
    relationship: 'none',
  },
  'need-level.read': {
    description: 'See a child’s recorded levels of need (another agency’s only with consent or a lawful basis)',
    who: CASE_DETAIL,
    relationship: 'works-with-child',
  },
  'need-level.record': {
    description: 'Record your judgement of a child’s level of need, with the threshold helper',
    who: CASE_DETAIL,
    relationship: 'works-with-child',
  },

  // Concerns (dispute) resolution
  'concern.raise': {
    description:
      'Raise a concern about a decision you disagree with (a decision you may see, about a child you work with)',
    who: CASE_DETAIL,
    relationship: 'works-with-child',
  },
  'concern.read': {
    description:
      'See the concerns you raised, are asked to respond to, or manage someone who is; record the outcome at a stage you are asked to respond to',
    who: CASE_DETAIL,
    relationship: 'none',
  },

  // The child's chronology and documents
  'chronology.read': {
    description: 'See, print and download a child’s or family’s chronology (entries you may not see are counted)',
    who: INDEX,
    relationship: 'works-with-child',
  },

  // Attachments
  'attachment.read': {
    description:
      'See and download the files on a child’s record (another agency’s only with consent or a lawful basis)',
    who: CASE_DETAIL,
    relationship: 'works-with-child',
  },
  'attachment.upload': {
    description: 'Attach a file to a child’s record, and remove one you attached (managers: their organisation’s)',
    who: REGISTER,
    relationship: 'works-with-child',
  },

  // Early help episodes
  'episode.read': {
    description:
      'See a child’s early help episodes: the lead practitioner, the team around the family and the history (the targeted services leader: within your partnership)',
    who: CASE_DETAIL,
    relationship: 'works-with-child',
  },
  'episode.open': {
    description:
      'Open an early help episode for a child and children living with them, appointing the lead practitioner (from a front door request: the targeted services leader asked)',
    who: REGISTER,
    relationship: 'works-with-child',
  },
  'episode.manage': {
    description:
      'Change the team around the family, hand over to a new lead practitioner, close an episode with a reason, propose closure when needs are met and, after the monitoring period, confirm closure or record a relapse (its lead, or the targeted services leader); acknowledge your appointment as lead',
    who: REGISTER,
    relationship: 'works-with-child',
  },
  'episode.letter': {
    description: 'Record that the family was given the letter saying their early help episode has ended',
    who: REGISTER,
    relationship: 'works-with-child',
  },

  // Early Help Assessments
  'assessment.read': {
    description:
      'See a child’s early help assessment, its versions and its sign-off history (another agency’s: with consent or a lawful basis); the manager it was submitted to, while deciding and after',
    who: REGISTER,
    relationship: 'works-with-child',
  },
  'assessment.write': {
    description:
      'Start an early help assessment for a child or the family’s children, pre-filled from the record, and write its sections and unmet needs (your own agency’s assessments)',
    who: REGISTER,
    relationship: 'works-with-child',
  },
  'assessment.attach': {
    description:
      'Attach an agency’s own assessment (your agency’s tool, signed off under its own arrangements) in a child’s open early help episode, with its level of need, unmet needs and the document; it counts as the child’s assessment',
    who: REGISTER,
    relationship: 'works-with-child',
  },
  'assessment.submit': {
    description: 'Submit an early help assessment you wrote to a manager of one of your teams for sign-off',
    who: REGISTER,
    relationship: 'works-with-child',
  },
  'assessment.sign-off': {
    description:
      'Sign off an early help assessment submitted to you, or return it for changes with a reason (never one you wrote)',
    who: REGISTER,
    relationship: 'works-with-child',
  },
  'assessment.print': {
    description: 'Print a signed-off early help assessment or download it as a PDF (withheld people are not named)',
    who: REGISTER,
    relationship: 'works-with-child',
  },
  // Early help plans
  'plan.read': {
    description:
      'See the plan of an early help episode: its objectives, actions and reviews (those who work with the child, the targeted services leader within your partnership, and the lead practitioner’s manager)',
    who: CASE_DETAIL,
    relationship: 'works-with-child',
  },
  'plan.manage': {
    description:
      'Write the plan of an early help episode: strengths, SMART objectives, actions with owners, the family’s agreement and reviews (its lead, or the targeted services leader)',
    who: REGISTER,
    relationship: 'works-with-child',
  },
  'plan.complete-action': {
    description:
      'Mark an action in an early help plan done (its owner, or a member of the owning team; the lead; the targeted services leader)',
    who: REGISTER,
    relationship: 'works-with-child',
  },

  'episode.step-up': {
    description:
      'Ask for a step up from an open early help episode to children’s social care: a request to the front door with the episode’s summary (its lead, a manager, or the targeted services leader)',
    who: REGISTER,
    relationship: 'works-with-child',
  },
  'episode.step-down': {
    description:
      'Step a child down from children’s social care into early help: open an episode with a new lead practitioner and record the handover conversation (the front door)',
    who: ['front_door'],
    relationship: 'works-with-child',
  },
  'taf-meeting.read': {
    description:
      'See the meetings of a child’s team around the family: who came, the family’s views and the decisions (the targeted services leader: within your partnership)',
    who: CASE_DETAIL,
    relationship: 'works-with-child',
  },
  'taf-meeting.record': {
    description:
      'Arrange a meeting of the team around the family and record it afterwards, and record that you know a child on it is also on a panel’s agenda (the lead practitioner or a member of the team)',
    who: REGISTER,
    relationship: 'works-with-child',
  },

  // The front door
  'front-door.request': {
    description: 'Make a request for support to the front door (a contact) about children you can find on the index',
    who: REGISTER,
    relationship: 'none',
  },
  'front-door.contact.read': {
    description:
      'See a contact: one you made, one you are dealing with or were asked to act on, or (front door) any in your partnership',
    who: REGISTER,
    relationship: 'none',
  },
  'front-door.queue': {
    description:
      'See the front door queue of contacts in your partnership, and assign a contact to a front door worker',
    who: ['front_door'],
    relationship: 'none',
  },
  'front-door.decide': {
    description: 'Record the front door’s decision on a contact in your partnership (the referrer is told)',
    who: ['front_door'],
    relationship: 'none',
  },
  'front-door.contact.attach': {
    description: 'Attach files to a request for support you made, while it is open',
    who: REGISTER,
    relationship: 'none',
  },
  'front-door.match-child': {
    description:
      'Match a child named on a request from the public form to the child index (or register them) before deciding',
    who: ['front_door'],
    relationship: 'none',
  },
  'public-request.send': {
    description:
      'Send a request for support to the front door through the public form, after verifying an email address',
    who: 'public',
    relationship: 'none',
  },
} as const satisfies Record<string, ActionPolicy>;

export type Action = keyof typeof ACTIONS;

/** An action's policy, typed as the general shape (ACTIONS itself keeps each entry's literal type). */
export function policyOf(action: Action): ActionPolicy {
  return ACTIONS[action];
}

/**
 * Every route, keyed by `METHOD path` as Fastify registers it, mapped to the one action it performs.
 * Fastify's automatic HEAD twin of a GET route takes the GET route's action. Adding a route: add one line here.
 */
export const ROUTES: Record<string, Action> = {
  // Static files and public pages
  'GET /assets/*': 'public-page.read',
  'GET /assets/govuk/*': 'public-page.read',
  'GET /assets/moj/*': 'public-page.read',
  'GET /assets/app/*': 'public-page.read',
  'GET /consent-assets/print.css': 'public-page.read',
  'GET /cookies': 'public-page.read',
  'GET /privacy': 'public-page.read',
  'GET /accessibility': 'public-page.read',
  'GET /health': 'health.read',
  'GET /info': 'health.read',

  // Signing in and out, and your account
  'GET /sign-in': 'sign-in',
  'POST /sign-in': 'sign-in',
  'GET /sign-in/two-factor': 'sign-in',
  'POST /sign-in/two-factor': 'sign-in',
  'GET /sign-in/set-up-two-factor': 'sign-in',
  'POST /sign-in/set-up-two-factor': 'sign-in',
  'GET /sign-in/oidc': 'sign-in',
  'GET /sign-in/oidc/callback': 'sign-in',
  'GET /sign-in/resume': 'sign-in.resume',
  'POST /session/keep-alive': 'session.keep-alive',
  'POST /sign-out': 'sign-out',
  'GET /signed-out': 'sign-out',
  'GET /': 'home.read',
  'GET /account': 'account.manage',
  'POST /account/sign-out-everywhere': 'account.manage',
  'GET /account/password': 'account.manage',
  'POST /account/password': 'account.manage',
  'GET /account/api-tokens': 'api-tokens.manage-own',
  'POST /account/api-tokens': 'api-tokens.manage-own',
  'POST /account/api-tokens/:tokenId/revoke': 'api-tokens.manage-own',

  // Administration
  'GET /admin': 'admin.home',
  'GET /admin/organisations': 'admin.organisations.manage',
  'GET /admin/organisations/new': 'admin.organisations.manage',
  'POST /admin/organisations': 'admin.organisations.manage',
  'GET /admin/organisations/:id/edit': 'admin.organisations.manage',
  'POST /admin/organisations/:id': 'admin.organisations.manage',
  'GET /admin/areas': 'admin.organisations.manage',
  'GET /admin/areas/new': 'admin.organisations.manage',
  'POST /admin/areas': 'admin.organisations.manage',
  'GET /admin/areas/:id/edit': 'admin.organisations.manage',
  'POST /admin/areas/:id': 'admin.organisations.manage',
  'GET /admin/teams': 'admin.organisations.manage',
  'GET /admin/teams/new': 'admin.organisations.manage',
  'POST /admin/teams': 'admin.organisations.manage',
  'GET /admin/teams/:id/edit': 'admin.organisations.manage',
  'POST /admin/teams/:id': 'admin.organisations.manage',
  'GET /admin/users': 'admin.users.manage',
  'POST /admin/users/search': 'admin.users.manage',
  'GET /admin/users/new': 'admin.users.manage',
  'POST /admin/users': 'admin.users.manage',
  'GET /admin/users/:id': 'admin.users.manage',
  'GET /admin/users/:id/edit': 'admin.users.manage',
  'POST /admin/users/:id': 'admin.users.manage',
  'POST /admin/users/:id/disable': 'admin.users.manage',
  'POST /admin/users/:id/enable': 'admin.users.manage',
  'POST /admin/users/:id/unlock': 'admin.users.manage',
  'POST /admin/users/:id/reset-two-factor': 'admin.users.manage',
  'GET /admin/users/:id/password': 'admin.users.manage',
  'POST /admin/users/:id/password': 'admin.users.manage',
  'GET /admin/service-accounts': 'admin.service-accounts.manage',
  'GET /admin/service-accounts/new': 'admin.service-accounts.manage',
  'POST /admin/service-accounts': 'admin.service-accounts.manage',
  'GET /admin/service-accounts/:id': 'admin.service-accounts.manage',
  'POST /admin/service-accounts/:id/tokens': 'admin.service-accounts.manage',
  'POST /admin/service-accounts/:id/tokens/:tokenId/revoke': 'admin.service-accounts.manage',
  'GET /panels': 'panels.read',
  'GET /panels/new': 'panels.manage',
  'POST /panels': 'panels.manage',
  'GET /panels/:id': 'panels.read',
  'GET /panels/:id/edit': 'panels.manage',
  'POST /panels/:id/edit': 'panels.manage',
  'POST /panels/:id/members': 'panels.manage',
  'POST /panels/:id/members/:memberId/end': 'panels.manage',
  'POST /panels/:id/meetings/generate': 'panels.manage',
  'POST /panels/:id/retire': 'panels.manage',
  'GET /panels/:id/meetings/:meetingId': 'panels.read',
  'GET /panels/:id/meetings/:meetingId/calendar.ics': 'panels.read',
  'GET /panels/:id/meetings/:meetingId/edit': 'panels.manage',
  'POST /panels/:id/meetings/:meetingId/edit': 'panels.manage',
  'POST /panels/:id/meetings/:meetingId/cancel': 'panels.manage',
  'GET /panels/:id/requests': 'panel-request.administer',
  'GET /panels/:id/requests/:requestId': 'panel-request.administer',
  'POST /panels/:id/requests/:requestId/accept': 'panel-request.administer',
  'POST /panels/:id/requests/:requestId/decline': 'panel-request.administer',
  'POST /panels/:id/requests/:requestId/redirect': 'panel-request.administer',
  'POST /panels/:id/requests/:requestId/allocate': 'panel-request.administer',
  'POST /panels/:id/requests/:requestId/papers': 'panel-request.administer',
  'POST /panels/:id/requests/:requestId/late-papers': 'panel-request.administer',
  'GET /panels/:id/meetings/:meetingId/agenda': 'panel-request.administer',
  'POST /panels/:id/meetings/:meetingId/agenda/:requestId/move': 'panel-request.administer',
  'POST /panels/:id/meetings/:meetingId/agenda/:requestId/acknowledge': 'panel-request.administer',
  'GET /panels/:id/meetings/:meetingId/record': 'panel-record.read',
  'POST /panels/:id/meetings/:meetingId/record/attendance': 'panel-record.write',
  'POST /panels/:id/meetings/:meetingId/record/approve': 'panel-record.approve',
  'POST /panels/:id/meetings/:meetingId/record/circulate': 'panel-record.circulate',
  'GET /panels/:id/meetings/:meetingId/record/:requestId': 'panel-record.read',
  'POST /panels/:id/meetings/:meetingId/record/:requestId': 'panel-record.write',
  'POST /panels/:id/meetings/:meetingId/record/:requestId/recommendations': 'panel-record.write',
  'POST /panels/:id/meetings/:meetingId/record/:requestId/recommendations/:recommendationId/remove':
    'panel-record.write',
  'GET /people/:id/panel-requests/:requestId/decisions': 'panel-request.read',
  'GET /people/:id/panel-requests/:requestId/recommendations/:recommendationId/implementation': 'panel-request.read',
  'POST /people/:id/panel-requests/:requestId/recommendations/:recommendationId/implementation':
    'panel-recommendation.report',
  'POST /panels/:id/meetings/:meetingId/record/:requestId/reports/:reportId/consider': 'panel-recommendation.consider',
  'GET /panels/:id/meetings/:meetingId/papers': 'panel-papers.read',
  'GET /panels/:id/meetings/:meetingId/papers/pdf': 'panel-papers.read',
  'GET /panels/:id/meetings/:meetingId/papers/agenda': 'panel-papers.read',
  'GET /panels/:id/meetings/:meetingId/papers/agenda/pdf': 'panel-papers.read',
  'GET /panels/dashboard': 'panel-dashboard.read',
  'GET /panels/dashboard.csv': 'panel-dashboard.read',
  'GET /panels/:id/dashboard': 'panel-dashboard.read',
  'GET /panels/:id/dashboard.csv': 'panel-dashboard.read',
  'GET /people/:id/panel-requests/:requestId/letter': 'panel-letter.read',
  'GET /people/:id/panel-requests/:requestId/letter/pdf': 'panel-letter.read',
  'POST /people/:id/panel-requests/:requestId/letter': 'panel-letter.record',
  'GET /people/:id/panel-requests/:requestId/withdraw': 'panel-request.withdraw',
  'POST /people/:id/panel-requests/:requestId/withdraw': 'panel-request.withdraw',
  'POST /api/v1/panel-requests/:id/withdraw': 'panel-request.withdraw',
  'GET /people/:id/panel-requests': 'panel-request.read',
  'GET /people/:id/panel-requests/new': 'panel-request.make',
  'GET /people/:id/panel-requests/new/:panelId': 'panel-request.make',
  'POST /people/:id/panel-requests/new/:panelId': 'panel-request.make',
  'GET /people/:id/panel-requests/:requestId': 'panel-request.read',
  'POST /people/:id/panel-requests/:requestId/acknowledge': 'panel-request.make',
  'GET /admin/closure-days': 'admin.closure-days.manage',
  'GET /admin/threshold-guidance': 'admin.threshold-guidance.manage',
  'GET /admin/threshold-guidance/:level': 'admin.threshold-guidance.manage',
  'POST /admin/threshold-guidance/:level': 'admin.threshold-guidance.manage',
  'GET /admin/closure-monitoring': 'admin.closure-monitoring.manage',
  'GET /admin/closure-monitoring/:id': 'admin.closure-monitoring.manage',
  'POST /admin/closure-monitoring/:id': 'admin.closure-monitoring.manage',
  'GET /admin/plan-reviews': 'admin.plan-reviews.manage',
  'GET /admin/plan-reviews/:id': 'admin.plan-reviews.manage',
  'POST /admin/plan-reviews/:id': 'admin.plan-reviews.manage',
  'GET /admin/conversation-follow-up': 'admin.conversation-follow-up.manage',
  'GET /admin/conversation-follow-up/:id': 'admin.conversation-follow-up.manage',
  'POST /admin/conversation-follow-up/:id': 'admin.conversation-follow-up.manage',
  'GET /admin/jobs': 'admin.jobs.manage',
  'POST /admin/jobs/:id/retry': 'admin.jobs.manage',

  // Work lists and notifications
  'GET /work': 'work.read',
  'GET /people/:id/think-family': 'think-family.read',
  'POST /people/:id/think-family': 'think-family.record',
  'GET /people/:id/think-family/:needId/end': 'think-family.end',
  'POST /people/:id/think-family/:needId/end': 'think-family.end',
  'GET /targeted-services': 'targeted-services.lists',
  'POST /targeted-services/meeting': 'targeted-services.lists',
  'GET /targeted-services/families/:id/add': 'targeted-services.lists',
  'POST /targeted-services/families/:id/add': 'targeted-services.lists',
  'GET /targeted-services/families/:id/remove': 'targeted-services.lists',
  'POST /targeted-services/families/:id/remove': 'targeted-services.lists',
  'GET /notifications': 'work.read',
  'POST /notifications/:id/open': 'work.read',
  'POST /notifications/:id/read': 'work.read',
  'POST /notifications/read-all': 'work.read',
  'GET /account/notifications': 'work.read',
  'POST /account/notifications': 'work.read',
  'GET /api/v1/me/work': 'work.read',

  // Levels of need and conversations
  'GET /threshold': 'threshold.use',
  'POST /threshold/suggest': 'threshold.use',
  'GET /threshold/guidance': 'threshold.use',
  'GET /who-to-talk-to': 'threshold.use',
  'GET /people/:id/who-to-talk-to': 'person.who-to-talk-to',
  'GET /people/:id/conversations/new': 'conversation.record',
  'POST /people/:id/conversations': 'conversation.record',
  'GET /people/:id/conversations/:conversationId': 'conversation.read',
  'POST /people/:id/conversations/:conversationId/actions/:actionId/done': 'conversation.read',
  'GET /conversations/:conversationId/follow-up': 'conversation.follow-up',
  'POST /conversations/:conversationId/follow-up': 'conversation.follow-up',
  'GET /conversations/report': 'conversation.report',
  'GET /people/:id/need-level': 'need-level.read',
  'GET /people/:id/need-level/new': 'need-level.record',
  'POST /people/:id/need-level/suggest': 'need-level.record',
  'POST /people/:id/need-level': 'need-level.record',

  // Concerns (dispute) resolution
  'GET /concerns': 'concern.read',
  'GET /concerns/:id': 'concern.read',
  'POST /concerns/:id/outcome': 'concern.read',
  'GET /concerns/raise/:kind/:subjectId': 'concern.raise',
  'POST /concerns/raise/:kind/:subjectId': 'concern.raise',
  'GET /api/v1/concerns': 'concern.read',
  'GET /api/v1/concerns/:id': 'concern.read',

  // The child's chronology and documents
  'GET /people/:id/chronology': 'chronology.read',
  'GET /people/:id/chronology/print': 'chronology.read',
  'GET /people/:id/chronology/pdf': 'chronology.read',
  'GET /people/:id/family/chronology': 'chronology.read',
  'GET /people/:id/family/chronology/print': 'chronology.read',
  'GET /people/:id/family/chronology/pdf': 'chronology.read',
  'GET /api/v1/people/:id/chronology': 'chronology.read',
  'GET /api/v1/conversations': 'conversation.read',
  'POST /api/v1/conversations': 'conversation.record',
  'GET /api/v1/conversations/:id': 'conversation.read',
  'GET /people/:id/consent/:consentId/explanation/pdf': 'consent.read',

  // Attachments
  'GET /people/:id/attachments': 'attachment.read',
  'POST /people/:id/attachments': 'attachment.upload',
  'GET /people/:id/attachments/:attachmentId': 'attachment.read',
  'GET /people/:id/attachments/:attachmentId/delete': 'attachment.upload',
  'POST /people/:id/attachments/:attachmentId/delete': 'attachment.upload',
  'POST /admin/closure-days': 'admin.closure-days.manage',
  'GET /admin/closure-days/:id/remove': 'admin.closure-days.manage',
  'POST /admin/closure-days/:id/remove': 'admin.closure-days.manage',
  'GET /admin/sensitive-categories': 'admin.sensitive-categories.manage',
  'POST /admin/sensitive-categories': 'admin.sensitive-categories.manage',
  'POST /admin/sensitive-categories/:code/retire': 'admin.sensitive-categories.manage',

  // Early help episodes
  'GET /people/:id/episodes': 'episode.read',
  'GET /people/:id/episodes/new': 'episode.open',
  'POST /people/:id/episodes': 'episode.open',
  'GET /people/:id/episodes/:episodeId': 'episode.read',
  'POST /people/:id/episodes/:episodeId/acknowledge': 'episode.manage',
  'GET /people/:id/episodes/:episodeId/members/new': 'episode.manage',
  'POST /people/:id/episodes/:episodeId/members': 'episode.manage',
  'GET /people/:id/episodes/:episodeId/members/:memberId/remove': 'episode.manage',
  'POST /people/:id/episodes/:episodeId/members/:memberId/remove': 'episode.manage',
  'GET /people/:id/episodes/:episodeId/handover': 'episode.manage',
  'POST /people/:id/episodes/:episodeId/handover': 'episode.manage',
  'GET /people/:id/episodes/:episodeId/close': 'episode.manage',
  'POST /people/:id/episodes/:episodeId/close': 'episode.manage',
  'GET /people/:id/episodes/:episodeId/plan': 'plan.read',
  'GET /people/:id/episodes/:episodeId/plan/edit': 'plan.manage',
  'POST /people/:id/episodes/:episodeId/plan/edit': 'plan.manage',
  'GET /people/:id/episodes/:episodeId/plan/objectives/new': 'plan.manage',
  'POST /people/:id/episodes/:episodeId/plan/objectives/new': 'plan.manage',
  'GET /people/:id/episodes/:episodeId/plan/objectives/:objectiveId/actions/new': 'plan.manage',
  'POST /people/:id/episodes/:episodeId/plan/objectives/:objectiveId/actions/new': 'plan.manage',
  'GET /people/:id/episodes/:episodeId/plan/agree': 'plan.manage',
  'POST /people/:id/episodes/:episodeId/plan/agree': 'plan.manage',
  'GET /people/:id/episodes/:episodeId/plan/reviews/new': 'plan.manage',
  'POST /people/:id/episodes/:episodeId/plan/reviews/new': 'plan.manage',
  'POST /people/:id/episodes/:episodeId/plan/actions/:actionId/complete': 'plan.complete-action',
  'GET /people/:id/episodes/:episodeId/propose-closure': 'episode.manage',
  'POST /people/:id/episodes/:episodeId/propose-closure': 'episode.manage',
  'GET /people/:id/episodes/:episodeId/monitoring': 'episode.manage',
  'POST /people/:id/episodes/:episodeId/monitoring/confirm': 'episode.manage',
  'POST /people/:id/episodes/:episodeId/monitoring/relapse': 'episode.manage',
  'GET /people/:id/episodes/:episodeId/letter': 'episode.read',
  'GET /people/:id/episodes/:episodeId/letter/pdf': 'episode.read',
  'POST /people/:id/episodes/:episodeId/letter': 'episode.letter',
  'GET /people/:id/step-down': 'episode.step-down',
  'POST /people/:id/step-down': 'episode.step-down',
  'GET /people/:id/episodes/:episodeId/step-up': 'episode.step-up',
  'POST /people/:id/episodes/:episodeId/step-up': 'episode.step-up',
  'GET /people/:id/episodes/:episodeId/taf-meetings': 'taf-meeting.read',
  'GET /people/:id/episodes/:episodeId/taf-meetings/new': 'taf-meeting.record',
  'POST /people/:id/episodes/:episodeId/taf-meetings': 'taf-meeting.record',
  'GET /people/:id/episodes/:episodeId/taf-meetings/:meetingId': 'taf-meeting.read',
  'GET /people/:id/episodes/:episodeId/taf-meetings/:meetingId/record': 'taf-meeting.record',
  'POST /people/:id/episodes/:episodeId/taf-meetings/:meetingId/record': 'taf-meeting.record',
  'GET /api/v1/episodes': 'episode.read',
  'POST /api/v1/episodes': 'episode.open',
  'GET /api/v1/episodes/:id': 'episode.read',
  'POST /api/v1/episodes/:id/members': 'episode.manage',
  'POST /api/v1/episodes/:id/members/:memberId/leave': 'episode.manage',
  'POST /api/v1/episodes/:id/handover': 'episode.manage',
  'POST /api/v1/episodes/:id/close': 'episode.manage',
  'GET /api/v1/episodes/:id/plan': 'plan.read',
  'PUT /api/v1/episodes/:id/plan': 'plan.manage',
  'POST /api/v1/episodes/:id/plan/objectives': 'plan.manage',
  'POST /api/v1/episodes/:id/plan/objectives/:objectiveId/actions': 'plan.manage',
  'POST /api/v1/episodes/:id/plan/agree': 'plan.manage',
  'POST /api/v1/episodes/:id/plan/actions/:actionId/complete': 'plan.complete-action',
  'POST /api/v1/episodes/:id/plan/reviews': 'plan.manage',
  'GET /api/v1/episodes/:id/taf-meetings': 'taf-meeting.read',
  'POST /api/v1/episodes/:id/taf-meetings': 'taf-meeting.record',
  'GET /api/v1/episodes/:id/taf-meetings/:meetingId': 'taf-meeting.read',
  'POST /api/v1/episodes/:id/taf-meetings/:meetingId/record': 'taf-meeting.record',

  // Early Help Assessments
  'GET /people/:id/assessments': 'assessment.read',
  'GET /people/:id/assessments/new': 'assessment.write',
  'POST /people/:id/assessments': 'assessment.write',
  'GET /people/:id/assessments/:assessmentId': 'assessment.read',
  'GET /people/:id/assessments/:assessmentId/sections/:section': 'assessment.write',
  'POST /people/:id/assessments/:assessmentId/sections/:section': 'assessment.write',
  'POST /people/:id/assessments/:assessmentId/sections/:section/autosave': 'assessment.write',
  'POST /people/:id/assessments/:assessmentId/needs': 'assessment.write',
  'POST /people/:id/assessments/:assessmentId/needs/:needId/remove': 'assessment.write',
  'GET /people/:id/assessments/:assessmentId/versions': 'assessment.read',
  'GET /people/:id/agency-assessments/new': 'assessment.attach',
  'POST /people/:id/agency-assessments': 'assessment.attach',
  'GET /people/:id/agency-assessments/:assessmentId': 'assessment.read',
  'GET /people/:id/assessments/:assessmentId/submit': 'assessment.submit',
  'POST /people/:id/assessments/:assessmentId/submit': 'assessment.submit',
  'GET /people/:id/assessments/:assessmentId/sign-off': 'assessment.sign-off',
  'POST /people/:id/assessments/:assessmentId/sign-off': 'assessment.sign-off',
  'GET /people/:id/assessments/:assessmentId/print': 'assessment.print',
  'GET /people/:id/assessments/:assessmentId/pdf': 'assessment.print',
  'GET /api/v1/panels': 'panels.read',
  'GET /api/v1/panels/:id': 'panels.read',
  'GET /api/v1/panel-meetings': 'panels.read',
  'GET /api/v1/panel-meetings/:id': 'panels.read',
  'GET /api/v1/panel-requests': 'panel-request.administer',
  'GET /api/v1/panel-requests/:id': 'panel-request.administer',
  'POST /api/v1/panel-requests': 'panel-request.make',
  'POST /api/v1/panel-requests/:id/accept': 'panel-request.administer',
  'POST /api/v1/panel-requests/:id/decline': 'panel-request.administer',
  'POST /api/v1/panel-requests/:id/allocate': 'panel-request.administer',
  'GET /api/v1/panel-meetings/:id/record': 'panel-record.read',
  'POST /api/v1/panel-recommendations/:id/implementation': 'panel-recommendation.report',
  'GET /api/v1/assessments': 'assessment.read',
  'POST /api/v1/assessments': 'assessment.write',
  'POST /api/v1/episodes/:id/agency-assessments': 'assessment.attach',
  'GET /api/v1/assessments/:id': 'assessment.read',
  'GET /api/v1/assessments/:id/versions': 'assessment.read',
  'PUT /api/v1/assessments/:id/sections/:section': 'assessment.write',
  'POST /api/v1/assessments/:id/needs': 'assessment.write',
  'POST /api/v1/assessments/:id/submit': 'assessment.submit',
  'POST /api/v1/assessments/:id/sign-off': 'assessment.sign-off',

  // The front door
  'GET /front-door': 'front-door.queue',
  'POST /front-door/contacts/:id/assign': 'front-door.queue',
  'GET /front-door/requests/new': 'front-door.request',
  'POST /front-door/requests/new': 'front-door.request',
  'POST /front-door/requests': 'front-door.request',
  'GET /front-door/contacts/:id': 'front-door.contact.read',
  'GET /front-door/contacts/:id/decision': 'front-door.decide',
  'POST /front-door/contacts/:id/decision': 'front-door.decide',
  'GET /api/v1/contacts': 'front-door.contact.read',
  'POST /api/v1/contacts': 'front-door.request',
  'GET /api/v1/contacts/:id': 'front-door.contact.read',
  'POST /api/v1/contacts/:id/decision': 'front-door.decide',
  'POST /front-door/contacts/:id/attachments': 'front-door.contact.attach',
  'GET /front-door/contacts/:id/attachments/:attachmentId': 'front-door.contact.read',
  'POST /front-door/contacts/:id/children/:typedId/match': 'front-door.match-child',
  // Redirecting a received request to a panel (docs/decisions/0039)
  'GET /front-door/contacts/:id/redirect-to-panel': 'panel-request.redirect-in',
  'GET /front-door/contacts/:id/redirect-to-panel/:panelId/:personId': 'panel-request.redirect-in',
  'POST /front-door/contacts/:id/redirect-to-panel/:panelId/:personId': 'panel-request.redirect-in',
  'POST /people/:id/episodes/:episodeId/taf-meetings/:meetingId/acknowledge': 'taf-meeting.record',
  'GET /request-support': 'public-request.send',
  'POST /request-support': 'public-request.send',
  'GET /request-support/check-your-email': 'public-request.send',
  'GET /request-support/form': 'public-request.send',
  'POST /request-support/form/start': 'public-request.send',
  'POST /request-support/form': 'public-request.send',

  // Audit
  'GET /audit': 'audit.history.read',
  'POST /audit/find': 'audit.history.read',
  'GET /audit/record': 'audit.history.read',
  'GET /audit/record.csv': 'audit.history.read',
  'GET /audit/record/print': 'audit.history.read',
  'GET /audit/user': 'audit.user-activity.read',
  'POST /audit/verify': 'audit.chain.verify',

  // The child index
  'GET /people': 'person.caseload',
  'POST /people/search': 'person.search',
  'GET /people/:id': 'person.read-card',
  'POST /people/:id/break-glass': 'person.break-glass',
  'GET /people/:id/family': 'person.read-family',
  'GET /people/new': 'person.register',
  'POST /people/new/from-search': 'person.register',
  'POST /people/new': 'person.register',
  'GET /people/:id/edit': 'person.change-details',
  'POST /people/:id/edit': 'person.change-details',
  'GET /people/:id/names/new': 'person.change-details',
  'POST /people/:id/names/new': 'person.change-details',
  'GET /people/:id/names/:nameId/remove': 'person.change-details',
  'POST /people/:id/names/:nameId/remove': 'person.change-details',
  'GET /people/:id/identifiers/new': 'person.change-details',
  'POST /people/:id/identifiers/new': 'person.change-details',
  'GET /people/:id/address': 'person.change-details',
  'POST /people/:id/address': 'person.change-details',
  'GET /people/:id/family/new': 'person.change-details',
  'POST /people/:id/family/new': 'person.change-details',
  'GET /people/:id/involvements/new': 'person.involvement.record',
  'POST /people/:id/involvements/new': 'person.involvement.record',
  'GET /people/:id/involvements/:involvementId/end': 'person.involvement.end',
  'POST /people/:id/involvements/:involvementId/end': 'person.involvement.end',
  'GET /people/:id/shielding': 'person.shield',
  'POST /people/:id/shielding': 'person.shield',
  'GET /people/shielding-requests': 'shielding.decide-lift',
  'GET /people/shielding-requests/:requestId': 'shielding.decide-lift',
  'POST /people/shielding-requests/:requestId': 'shielding.decide-lift',
  'GET /duplicates': 'duplicates.review',
  'POST /duplicates/new': 'duplicates.review',
  'GET /duplicates/:id': 'duplicates.review',
  'POST /duplicates/:id/open': 'duplicates.review',
  'POST /duplicates/:id/not-duplicate': 'duplicates.review',
  'POST /duplicates/:id/merge': 'duplicates.merge',
  'GET /merges': 'duplicates.merge',
  'GET /merges/:id': 'duplicates.merge',
  'POST /merges/:id/unmerge': 'duplicates.merge',

  // Consent, sharing and case detail
  'GET /people/:id/consent': 'consent.read',
  'GET /people/:id/consent/:consentId/explanation': 'consent.read',
  'GET /people/:id/consent/new': 'consent.record',
  'POST /people/:id/consent': 'consent.record',
  'GET /people/:id/consent/:consentId/withdraw': 'consent.record',
  'POST /people/:id/consent/:consentId/withdraw': 'consent.record',
  'GET /people/:id/consent/wishes/new': 'confidentiality-wish.record',
  'POST /people/:id/consent/wishes': 'confidentiality-wish.record',
  'GET /people/:id/consent/wishes/:wishId/end': 'confidentiality-wish.record',
  'POST /people/:id/consent/wishes/:wishId/end': 'confidentiality-wish.record',
  'GET /people/:id/consent/decisions/new': 'sharing-decision.record',
  'POST /people/:id/consent/decisions': 'sharing-decision.record',
  'GET /people/:id/consent/markers/new': 'withhold-marker.record',
  'POST /people/:id/consent/markers': 'withhold-marker.record',
  'GET /people/:id/consent/markers/:markerId/end': 'withhold-marker.record',
  'POST /people/:id/consent/markers/:markerId/end': 'withhold-marker.record',
  'GET /people/:id/notes': 'case-note.read',
  'GET /people/:id/notes/:noteId': 'case-note.read',
  'POST /people/:id/notes': 'case-note.record',

  // The services directory
  'GET /directory': 'directory.search',
  'GET /directory/services/:id': 'directory.search',
  'GET /directory/services/:id/eligibility': 'directory.check-eligibility',
  'POST /directory/services/:id/eligibility': 'directory.check-eligibility',
  'GET /directory/manage': 'directory.manage',
  'GET /directory/services/new': 'directory.manage',
  'POST /directory/services/new': 'directory.manage',
  'GET /directory/services/:id/edit': 'directory.manage',
  'POST /directory/services/:id/edit': 'directory.manage',
  'POST /directory/services/:id/reviewed': 'directory.manage',
  'GET /directory/services/:id/rules': 'directory.manage',
  'POST /directory/services/:id/rules': 'directory.manage',
  'GET /directory/services/:id/history': 'directory.manage',
  'OPTIONS /openreferral': 'open-referral.read',
  'OPTIONS /openreferral/*': 'open-referral.read',
  'GET /openreferral': 'open-referral.read',
  'GET /openreferral/openapi.json': 'open-referral.read',
  'GET /openreferral/services': 'open-referral.read',
  'GET /openreferral/services/:id': 'open-referral.read',
  'GET /openreferral/service_at_locations': 'open-referral.read',
  'GET /openreferral/service_at_locations/:id': 'open-referral.read',
  'GET /openreferral/taxonomies': 'open-referral.read',
  'GET /openreferral/taxonomies/:id': 'open-referral.read',
  'GET /openreferral/taxonomy_terms': 'open-referral.read',
  'GET /openreferral/taxonomy_terms/:id': 'open-referral.read',

  // The JSON API
  'GET /api/docs': 'api-docs.read',
  'GET /api/v1/openapi.json': 'api-docs.read',
  'GET /api/v1/me': 'api.me.read',
  'GET /api/v1/organisations': 'organisations.read',
  'GET /api/v1/organisations/:id': 'organisations.read',
  'GET /api/v1/areas': 'organisations.read',
  'GET /api/v1/teams': 'organisations.read',
  'POST /api/v1/people/search': 'person.search',
  'GET /api/v1/people/:id': 'person.read-card',
  'POST /api/v1/people/:id/break-glass': 'person.break-glass',
  'POST /api/v1/people/:id/involvements': 'person.involvement.record',
  'POST /api/v1/people': 'person.register',
};

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The access-policy action the route performs (set from ROUTES when the route is added). */
    action?: Action;
  }
}

export function isAction(name: string): name is Action {
  return Object.hasOwn(ACTIONS, name);
}

/** The action a route performs, by its method and path as Fastify registers them; undefined when none is declared. */
export function routeAction(method: string, url: string): Action | undefined {
  const path = url.length > 1 ? url.replace(/\/$/, '') : url;
  const own = ROUTES[`${method} ${path}`];
  if (own) return own;
  // Fastify's automatic HEAD twin of a GET route does what the GET route does.
  if (method === 'HEAD') return ROUTES[`GET ${path}`];
  return undefined;
}

/** Function-level: whether the user (or nobody, signed out) may take the action by their roles. */
export function can(actor: Pick<Actor, 'roles'> | null | undefined, action: Action): boolean {
  const who: Audience = ACTIONS[action].who;
  if (who === 'public') return true;
  if (!actor) return false;
  if (who === 'signed-in') return true;
  return !!hasRole(actor as Actor, ...who);
}

/** Every action the user may take, for pages: `{% if can('audit.history.read') %}`. */
export function permissions(actor: Pick<Actor, 'roles'> | null | undefined): (action: Action) => boolean {
  return (action) => {
    if (!isAction(action)) throw new Error(`Unknown action "${action}" in a page: see src/platform/policy.ts`);
    return can(actor, action);
  };
}

/** The roles that may take an action, in the order of ROLES; every role for public and signed-in actions. */
export function rolesFor(action: Action): Role[] {
  const who: Audience = ACTIONS[action].who;
  return typeof who === 'string' ? [...ROLES] : ROLES.filter((r) => who.includes(r));
}

export class MissingActionError extends Error {
  constructor(key: string) {
    super(
      `Route ${key} has no access-policy action. Add one line to ROUTES in src/platform/policy.ts, ` +
        `e.g. '${key}': 'person.read-card', choosing (or adding) the action in ACTIONS in the same file.`,
    );
  }
}

/**
 * The onRoute hook: deny by default. Every route must map to an action, or building the app fails; the action is
 * put on the route's config so the request hook needs no lookup. A route may also name its action itself
 * (`config: { action }`); if ROUTES names one too, they must agree.
 */
export function declareRouteAction(route: RouteOptions): void {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const config = (route.config ?? {}) as { action?: Action };
  const actions = new Set<Action>();
  for (const method of methods) {
    const key = `${method} ${route.url}`;
    const fromTable = routeAction(method, route.url);
    if (fromTable && config.action && fromTable !== config.action) {
      throw new Error(
        `Route ${key} says its action is ${config.action}, but ROUTES in src/platform/policy.ts says ${fromTable}`,
      );
    }
    const action = fromTable ?? config.action;
    if (!action) throw new MissingActionError(key);
    if (!isAction(action)) throw new Error(`Route ${key} names an unknown action "${action}" (src/platform/policy.ts)`);
    actions.add(action);
  }
  if (actions.size > 1) throw new Error(`Route ${methods.join(',')} ${route.url} maps to more than one action`);
  route.config = { ...config, action: [...actions][0]! };
}

/** The action of the route a request matched: from the route's config, or the table for Fastify's own variants. */
export function requestAction(request: FastifyRequest): Action | undefined {
  const url = request.routeOptions.url;
  if (!url) return undefined;
  return request.routeOptions.config?.action ?? routeAction(request.method, url);
}

/**
 * The request hook: after the session or token has given the request its actor, a signed-in user whose roles
 * the action does not allow is refused (403, or 404 where the action says so) before the handler runs.
 * Signed-out requests are left to the sign-in handling (a redirect for pages, a 401 problem for the API).
 */
export function registerPolicyChecks(app: FastifyInstance, deps: { database: Database }): void {
  app.addHook('preHandler', async (request) => {
    if (!request.routeOptions.url) return; // not found: nothing to act on
    const action = requestAction(request);
    if (!action) throw new ForbiddenError();
    const actor = request.actor;
    if (!actor || can(actor, action)) return;
    const policy: ActionPolicy = ACTIONS[action];
    const personId = (request.params as Record<string, unknown> | undefined)?.id;
    if (policy.refusal && typeof personId === 'string' && UUID.test(personId)) {
      const ctx = request.ctx();
      const refusal = policy.refusal;
      await deps.database.db.transaction().execute(async (trx) => {
        const known = await trx.selectFrom('person').select('id').where('id', '=', personId).executeTakeFirst();
        if (!known) return;
        await recordAudit(trx, auditContext(ctx, actor.roles.join(' ')), {
          action: refusal.audit,
          recordType: 'person',
          recordId: personId,
          details: { attempted: action, refusal: refusal.message },
        });
      });
    }
    if (policy.refuseAs === 404) throw new NotFoundError();
    throw new PolicyRefusedError(action, policy.refusal?.message);
  });
}

/** A signed-in user refused by the policy: a 403 that may say why, in the action's words. */
export class PolicyRefusedError extends ForbiddenError {
  constructor(
    readonly action: Action,
    readonly reason?: string,
  ) {
    super(reason);
  }
}

// ---------------------------------------------------------------------------------------------
// The user guide's table of who may do what

export const POLICY_TABLE_START = '<!-- policy-table:start (generated by `early-help policy-table`; do not edit) -->';
export const POLICY_TABLE_END = '<!-- policy-table:end -->';

/** Column headings for the roles, short enough for a table. */
const ROLE_HEADINGS: Record<Role, string> = {
  practitioner: 'Practitioner',
  manager: 'Manager',
  front_door: 'Front door',
  integrated_processes: 'Integrated processes',
  panel_admin: 'Panel admin',
  panel_chair: 'Panel chair',
  panel_member: 'Panel member',
  analyst: 'Analyst',
  data_protection: 'Data protection',
  system_admin: 'System admin',
};

const cell = (s: string) => s.replace(/\|/g, '\\|');

/**
 * The Markdown table of every action, for the user guide: what it lets someone do, which roles may, and the
 * relationship to the child it needs. `early-help policy-table` prints it.
 */
export function policyTable(): string {
  const lines = [
    `| What you can do | ${ROLES.map((r) => ROLE_HEADINGS[r]).join(' | ')} | Relationship to the child |`,
    `|---|${ROLES.map(() => '---|').join('')}---|`,
  ];
  for (const [name, policy] of Object.entries(ACTIONS) as [Action, ActionPolicy][]) {
    const roles = rolesFor(name);
    const marks = ROLES.map((r) => (roles.includes(r) ? 'yes' : 'no'));
    const open = policy.who === 'public' ? ', no sign-in needed' : '';
    lines.push(
      `| ${cell(policy.description)}${open} (\`${name}\`) | ${marks.join(' | ')} | ${cell(RELATIONSHIP_LABELS[policy.relationship])} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
