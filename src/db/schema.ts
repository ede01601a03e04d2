import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** Table types for Kysely. Keep in step with src/db/migrations. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json<T> = ColumnType<T, string, string>;

export const ROLES = [
  'practitioner',
  'manager',
  'front_door',
  'integrated_processes',
  'panel_admin',
  'panel_chair',
  'panel_member',
  'analyst',
  'data_protection',
  'system_admin',
] as const;
export type Role = (typeof ROLES)[number];

export const AGENCY_TYPES = [
  'school',
  'early_years',
  'health',
  'police',
  'social_care',
  'youth_service',
  'youth_offending',
  'housing',
  'careers',
  'voluntary',
  'local_authority',
  'substance_misuse',
  'domestic_abuse',
  'other',
] as const;
export type AgencyType = (typeof AGENCY_TYPES)[number];
export const TIERS = ['universal', 'targeted', 'specialist'] as const;
export type Tier = (typeof TIERS)[number];
export const AREA_KINDS = ['area', 'cluster', 'locality', 'partnership'] as const;
export type AreaKind = (typeof AREA_KINDS)[number];

export interface OrganisationTable {
  id: Generated<string>;
  name: string;
  agency_type: AgencyType;
  tier: Tier;
  phone: string | null;
  email: string | null;
  is_demo: Generated<boolean>;
  created_at: CreatedAt;
  /** A sensitive service: its involvement is shown only to those a consent names for this category. */
  sensitive_category: ColumnType<string | null, string | null | undefined, string | null>;
  safeguarding_lead_user_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface AreaTable {
  id: Generated<string>;
  name: string;
  kind: AreaKind;
  parent_id: string | null;
  is_demo: Generated<boolean>;
  created_at: CreatedAt;
  /** A partnership's setting: working days after a conversation before its participants are asked if it helped. */
  conversation_follow_up_working_days: Generated<number>;
  /** A partnership's setting: the default number of weeks between plan reviews (4 to 12). */
  plan_review_weeks: Generated<number>;
  /** A partnership's setting: weeks an episode is monitored after closure is proposed because needs are met. */
  closure_monitoring_weeks: Generated<number>;
}

export interface TeamTable {
  id: Generated<string>;
  organisation_id: string;
  area_id: string | null;
  name: string;
  phone: string | null;
  email: string | null;
  created_at: CreatedAt;
  sensitive_category: ColumnType<string | null, string | null | undefined, string | null>;
  /** The part the team plays in conversations about a child: front door, advice line, targeted services … */
  contact_role: ColumnType<TeamContactRole | null, TeamContactRole | null | undefined, TeamContactRole | null>;
  /** When it answers, in words: "Monday to Friday, 9am to 5pm". */
  hours: ColumnType<string | null, string | null | undefined, string | null>;
}

export const TEAM_CONTACT_ROLES = [
  'front_door',
  'out_of_hours',
  'advice_line',
  'integrated_processes',
  'targeted_services',
  'family_information',
] as const;
export type TeamContactRole = (typeof TEAM_CONTACT_ROLES)[number];

export interface AppUserTable {
  id: Generated<string>;
  kind: Generated<'person' | 'service'>;
  email: string;
  name: string;
  job_title: string | null;
  phone: string | null;
  organisation_id: string;
  password_hash: string | null;
  totp_secret: string | null;
  totp_enrolled_at: Timestamp | null;
  totp_last_step: ColumnType<number | null, number | null | undefined, number | null>;
  recovery_code_hashes: Json<string[]>;
  failed_sign_ins: Generated<number>;
  locked_until: Timestamp | null;
  disabled_at: Timestamp | null;
  oidc_issuer: string | null;
  oidc_subject: string | null;
  is_demo: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /** How the user hears of new notifications by email: at once, or in one daily digest. */
  notification_email: Generated<NotificationEmail>;
}

export const NOTIFICATION_EMAIL = ['immediate', 'daily'] as const;
export type NotificationEmail = (typeof NOTIFICATION_EMAIL)[number];

/** Something a user should know about: words with no personal data, and a link to the record. */
export interface NotificationTable {
  id: Generated<string>;
  user_id: string;
  kind: string;
  title: string;
  href: string;
  record_type: string | null;
  record_id: string | null;
  created_at: Timestamp;
  read_at: Timestamp | null;
  emailed_at: Timestamp | null;
}

export interface NotificationDigestTable {
  user_id: string;
  london_date: ColumnType<string, string, string>;
  sent_at: Timestamp;
  notification_count: number;
}

export const WORK_ITEM_REACH = ['relationship', 'partnership'] as const;
export type WorkItemReach = (typeof WORK_ITEM_REACH)[number];

/** A piece of work for a user or a team: due by a deadline, at an instant, or undated. */
export interface WorkItemTable {
  id: Generated<string>;
  kind: string;
  title: string;
  href: string;
  source_type: string;
  source_id: string;
  person_id: string | null;
  reach: Generated<WorkItemReach>;
  assigned_user_id: string | null;
  assigned_team_id: string | null;
  deadline_id: string | null;
  due_at: Timestamp | null;
  status: Generated<'open' | 'done'>;
  created_at: Timestamp;
  created_by: string | null;
  done_at: Timestamp | null;
  done_by: string | null;
}

export interface UserRoleTable {
  user_id: string;
  role: Role;
}
export interface UserAreaTable {
  user_id: string;
  area_id: string;
}
export interface UserTeamTable {
  user_id: string;
  team_id: string;
  is_manager: Generated<boolean>;
}

export interface UserSessionTable {
  id: string;
  user_id: string;
  stage: 'mfa' | 'mfa_setup' | 'full';
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  client_ip: string | null;
  user_agent: string | null;
}

export interface SavedRequestTable {
  id: string;
  user_id: string;
  path: string;
  body: Json<Record<string, string | string[]>>;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface ApiTokenTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  created_by: string | null;
  created_at: CreatedAt;
  expires_at: Timestamp | null;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

/** A failed sign-in from one client address, for the per-client limit. */
export interface SignInFailureTable {
  id: Generated<string>;
  client_ip: string;
  at: Timestamp;
}

export interface AuditEventTable {
  id: Generated<number>;
  occurred_at: Timestamp;
  actor_user_id: string | null;
  actor_name: string | null;
  organisation_id: string | null;
  role: string | null;
  action: string;
  record_type: string | null;
  record_id: string | null;
  reason: string | null;
  request_id: string | null;
  client_ip: string | null;
  details: Json<Record<string, unknown>>;
  prev_hash: string;
  hash: string;
}

export interface OutboxMessageTable {
  id: Generated<string>;
  kind: string;
  payload: Json<Record<string, unknown>>;
  created_at: CreatedAt;
  available_at: Timestamp;
  attempts: Generated<number>;
  sent_at: Timestamp | null;
  last_error: string | null;
}

export const JOB_STATES = ['queued', 'running', 'done', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface JobTable {
  id: Generated<string>;
  kind: string;
  payload: Json<Record<string, unknown>>;
  state: ColumnType<JobState, JobState | undefined, JobState>;
  run_at: Timestamp;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  locked_by: string | null;
  locked_until: Timestamp | null;
  last_error: string | null;
  dedupe_key: string | null;
  created_at: CreatedAt;
  finished_at: Timestamp | null;
}

export interface PersonTable {
  id: Generated<string>;
  kind: 'child' | 'adult';
  given_name: string;
  middle_names: string | null;
  family_name: string;
  known_as: string | null;
  date_of_birth: string | null;
  expected_date_of_birth: string | null;
  sex: 'M' | 'F' | 'U';
  nhs_number: string | null;
  upn: string | null;
  ethnicity: string | null;
  first_language: string | null;
  interpreter_needed: Generated<boolean>;
  date_of_death: string | null;
  shielded: Generated<boolean>;
  is_demo: Generated<boolean>;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  gender: ColumnType<string | null, string | null | undefined, string | null>;
  /** Children in Need census disability codes (NONE, MOB, HAND …). */
  disabilities: ColumnType<string[], string[] | undefined, string[]>;
  /** The local authority's own child id (CIN census LAchildID: up to 20 letters and digits). */
  la_child_id: ColumnType<string | null, string | null | undefined, string | null>;
  early_help_assessment: ColumnType<
    'in_progress' | 'completed' | null,
    'in_progress' | 'completed' | null | undefined,
    'in_progress' | 'completed' | null
  >;
  early_help_assessment_on: ColumnType<string | null, string | null | undefined, string | null>;
  merged_into: ColumnType<string | null, string | null | undefined, string | null>;
  merged_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  /** Hashed search keys; written only through the people repository's match-data refresh. */
  match_keys: ColumnType<number[], string | undefined, string>;
  match_record: ColumnType<unknown, string | null | undefined, string | null>;
  match_version: Generated<number>;
  /** The person's own email address and telephone number, as written (migration 0027). */
  email: ColumnType<string | null, string | null | undefined, string | null>;
  telephone: ColumnType<string | null, string | null | undefined, string | null>;
}

export const PERSON_NAME_KINDS = ['previous', 'alias', 'birth'] as const;
export type PersonNameKind = (typeof PERSON_NAME_KINDS)[number];
export interface PersonNameTable {
  id: Generated<string>;
  person_id: string;
  kind: PersonNameKind;
  given_name: string;
  middle_names: string | null;
  family_name: string;
  used_until: string | null;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface PersonIdentifierTable {
  id: Generated<string>;
  person_id: string;
  scheme: string;
  value: string;
  organisation_id: string | null;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface ShieldingChangeTable {
  id: Generated<string>;
  person_id: string;
  shielded: boolean;
  reason: string;
  changed_by: string | null;
  changed_at: CreatedAt;
}

export const SHIELDING_REQUEST_STATUSES = ['waiting', 'approved', 'declined'] as const;
export type ShieldingRequestStatus = (typeof SHIELDING_REQUEST_STATUSES)[number];

/** A request to lift shielding, waiting for (or decided by) a second person. */
export interface ShieldingRequestTable {
  id: Generated<string>;
  person_id: string;
  reason: string;
  requested_by: string;
  requested_at: CreatedAt;
  status: Generated<ShieldingRequestStatus>;
  decided_by: string | null;
  decided_at: Date | null;
  decision_reason: string | null;
}

export const DUPLICATE_SOURCES = ['registration', 'edit', 'import', 'scan', 'manual'] as const;
export type DuplicateSource = (typeof DUPLICATE_SOURCES)[number];
export interface PossibleDuplicateTable {
  id: Generated<string>;
  person_id: string;
  other_person_id: string;
  score: number;
  reasons: ColumnType<unknown, string, string>;
  source: DuplicateSource;
  status: Generated<'open' | 'merged' | 'not_duplicate'>;
  found_by: string | null;
  found_at: CreatedAt;
  decided_by: string | null;
  decided_at: Date | null;
  decision_reason: string | null;
}

export interface PersonMergeTable {
  id: Generated<string>;
  kept_id: string;
  merged_id: string;
  possible_duplicate_id: string | null;
  reason: string;
  moved: ColumnType<unknown, string, string>;
  filled: ColumnType<unknown, string, string>;
  merged_by: string | null;
  merged_at: CreatedAt;
  unmerged_by: string | null;
  unmerged_at: Date | null;
  unmerge_reason: string | null;
}

export interface HouseholdTable {
  id: Generated<string>;
  address_line1: string;
  address_line2: string | null;
  town: string | null;
  postcode: string;
  area_id: string | null;
  is_demo: Generated<boolean>;
  created_at: CreatedAt;
}

export interface GuidanceSupportMeetingTable {
  id: Generated<string>;
  leader_id: string;
  meets_on: string;
  set_at: Date;
}

export interface GuidanceSupportFamilyTable {
  id: Generated<string>;
  meeting_id: string;
  household_id: string;
  person_id: string;
  added_by: string;
  added_reason: string;
  added_at: Date;
  removed_by: string | null;
  removed_reason: string | null;
  removed_at: Date | null;
}

export interface ThinkFamilyNeedTable {
  id: Generated<string>;
  household_id: string;
  /** The adult the need is about, or null for the household as a whole. */
  person_id: string | null;
  need: string;
  /** The sensitive category the need falls in, which limits who sees it. */
  category: string | null;
  note: string | null;
  organisation_id: string;
  recorded_by: string;
  recorded_at: Date;
  ended_by: string | null;
  ended_at: Date | null;
  /** The day the need ended, as the practitioner gave it. */
  ended_on: ColumnType<string | null, string | null | undefined, string | null>;
  end_reason: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface HouseholdMemberTable {
  household_id: string;
  person_id: string;
  moved_in: string | null;
  moved_out: string | null;
}

export const RELATIONSHIP_KINDS = [
  'parent',
  'step_parent',
  'carer',
  'sibling',
  'half_sibling',
  'grandparent',
  'other',
] as const;
export interface RelationshipTable {
  id: Generated<string>;
  person_id: string;
  related_person_id: string;
  kind: (typeof RELATIONSHIP_KINDS)[number];
  parental_responsibility: Generated<boolean>;
}

export interface InvolvementTable {
  id: Generated<string>;
  person_id: string;
  organisation_id: string;
  team_id: string | null;
  user_id: string | null;
  role: string;
  started_on: string;
  ended_on: string | null;
  contact_phone: string | null;
  contact_email: string | null;
  created_at: CreatedAt;
  is_lead: Generated<boolean>;
  /** Who added themselves to the child, and why. */
  added_by: ColumnType<string | null, string | null | undefined, string | null>;
  added_reason: ColumnType<string | null, string | null | undefined, string | null>;
}

export const NEED_LEVELS = ['universal', 'early_help', 'targeted', 'specialist'] as const;
export type NeedLevel = (typeof NEED_LEVELS)[number];
export interface NeedLevelTable {
  id: Generated<string>;
  person_id: string;
  level: NeedLevel;
  reason: string;
  recorded_by: string | null;
  recorded_at: Timestamp;
  organisation_id: ColumnType<string | null, string | null | undefined, string | null>;
  guidance_id: ColumnType<string | null, string | null | undefined, string | null>;
  suggested_level: ColumnType<NeedLevel | null, NeedLevel | null | undefined, NeedLevel | null>;
  /** The indicators picked: [{ id, text, level, subArea, domain }]. */
  indicators: ColumnType<RecordedIndicator[], string | undefined, string>;
}

export interface RecordedIndicator {
  id: string;
  text: string;
  level: NeedLevel;
  subArea: string;
  domain: string;
}

export interface ThresholdGuidanceTable {
  id: Generated<string>;
  version: number;
  content: ColumnType<unknown, string, string>;
  note: string;
  published_by: string | null;
  published_at: CreatedAt;
}

export interface SchemaMigrationTable {
  version: number;
  name: string;
  applied_at: CreatedAt;
}

export interface DB {
  organisation: OrganisationTable;
  area: AreaTable;
  team: TeamTable;
  app_user: AppUserTable;
  user_role: UserRoleTable;
  user_area: UserAreaTable;
  user_team: UserTeamTable;
  user_session: UserSessionTable;
  saved_request: SavedRequestTable;
  api_token: ApiTokenTable;
  sign_in_failure: SignInFailureTable;
  audit_event: AuditEventTable;
  outbox_message: OutboxMessageTable;
  job: JobTable;
  person: PersonTable;
  person_name: PersonNameTable;
  person_identifier: PersonIdentifierTable;
  shielding_change: ShieldingChangeTable;
  shielding_request: ShieldingRequestTable;
  possible_duplicate: PossibleDuplicateTable;
  person_merge: PersonMergeTable;
  household: HouseholdTable;
  household_member: HouseholdMemberTable;
  guidance_support_meeting: GuidanceSupportMeetingTable;
  guidance_support_family: GuidanceSupportFamilyTable;
  think_family_need: ThinkFamilyNeedTable;
  relationship: RelationshipTable;
  involvement: InvolvementTable;
  need_level: NeedLevelTable;
  threshold_guidance: ThresholdGuidanceTable;
  sensitive_category: SensitiveCategoryTable;
  consent: ConsentTable;
  consent_recipient: ConsentRecipientTable;
  panel: PanelTable;
  panel_member: PanelMemberTable;
  panel_gateway_service: PanelGatewayServiceTable;
  panel_meeting: PanelMeetingTable;
  panel_request: PanelRequestTable;
  panel_request_person: PanelRequestPersonTable;
  panel_forum_acknowledgement: PanelForumAcknowledgementTable;
  panel_meeting_record: PanelMeetingRecordTable;
  panel_attendance: PanelAttendanceTable;
  panel_case_record: PanelCaseRecordTable;
  panel_recommendation: PanelRecommendationTable;
  panel_recommendation_report: PanelRecommendationReportTable;
  confidentiality_wish: ConfidentialityWishTable;
  sharing_decision: SharingDecisionTable;
  case_note: CaseNoteTable;
  withhold_marker: WithholdMarkerTable;
  consent_text: ConsentTextTable;
  directory_organisation: DirectoryOrganisationTable;
  directory_taxonomy: DirectoryTaxonomyTable;
  directory_taxonomy_term: DirectoryTaxonomyTermTable;
  directory_service: DirectoryServiceTable;
  directory_service_taxonomy: DirectoryServiceTaxonomyTable;
  directory_service_area: DirectoryServiceAreaTable;
  directory_location: DirectoryLocationTable;
  directory_service_at_location: DirectoryServiceAtLocationTable;
  directory_schedule: DirectoryScheduleTable;
  directory_contact: DirectoryContactTable;
  directory_phone: DirectoryPhoneTable;
  directory_language: DirectoryLanguageTable;
  eligibility_rule_set: EligibilityRuleSetTable;
  directory_change: DirectoryChangeTable;
  postcode_district: PostcodeDistrictTable;
  directory_search_synonym: DirectorySearchSynonymTable;
  area_postcode_district: AreaPostcodeDistrictTable;
  schema_migration: SchemaMigrationTable;
  calendar_closure: CalendarClosureTable;
  notification: NotificationTable;
  notification_digest: NotificationDigestTable;
  work_item: WorkItemTable;
  deadline: DeadlineTable;
  attachment: AttachmentTable;
  concern: ConcernTable;
  concern_stage: ConcernStageTable;
  concern_responder: ConcernResponderTable;
  contact: ContactTable;
  contact_child: ContactChildTable;
  contact_typed_child: ContactTypedChildTable;
  public_request_token: PublicRequestTokenTable;
  contact_decision: ContactDecisionTable;
  conversation: ConversationTable;
  conversation_child: ConversationChildTable;
  conversation_participant: ConversationParticipantTable;
  conversation_action: ConversationActionTable;
  conversation_recipient: ConversationRecipientTable;
  conversation_follow_up: ConversationFollowUpTable;
  episode: EpisodeTable;
  episode_person: EpisodePersonTable;
  episode_lead: EpisodeLeadTable;
  episode_member: EpisodeMemberTable;
  assessment: AssessmentTable;
  assessment_person: AssessmentPersonTable;
  agency_assessment: AgencyAssessmentTable;
  assessment_version: AssessmentVersionTable;
  assessment_need: AssessmentNeedTable;
  assessment_signoff: AssessmentSignoffTable;
  plan: PlanTable;
  plan_objective: PlanObjectiveTable;
  plan_action: PlanActionTable;
  plan_review: PlanReviewTable;
  plan_review_progress: PlanReviewProgressTable;
  episode_monitoring: EpisodeMonitoringTable;
  episode_outcome: EpisodeOutcomeTable;
  taf_meeting: TafMeetingTable;
  taf_meeting_attendance: TafMeetingAttendanceTable;
  taf_meeting_family: TafMeetingFamilyTable;
  taf_meeting_other: TafMeetingOtherTable;
  taf_meeting_decision: TafMeetingDecisionTable;
  episode_step: EpisodeStepTable;
}

export type Organisation = Selectable<OrganisationTable>;
export type AppUser = Selectable<AppUserTable>;
export type Person = Selectable<PersonTable>;
export type NewPerson = Insertable<PersonTable>;

// Consent and information sharing (migration 0004).
export const CONSENT_PURPOSES = [
  'assessment',
  'team_around_family',
  'panel_discussion',
  'service_referral',
  'information_sharing',
] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];
export const CONSENT_METHODS = ['in_person', 'phone', 'signed_form', 'video', 'letter'] as const;
export type ConsentMethod = (typeof CONSENT_METHODS)[number];
export const RECIPIENT_KINDS = ['organisation', 'agency_type', 'panel', 'front_door'] as const;
export type RecipientKind = (typeof RECIPIENT_KINDS)[number];
export const LAWFUL_BASES = [
  'enquiry_risk_of_harm',
  'child_at_risk_of_harm',
  'adult_at_risk_of_harm',
  'serious_crime',
] as const;
export type LawfulBasis = (typeof LAWFUL_BASES)[number];

export interface SensitiveCategoryTable {
  code: string;
  label: string;
  description: string | null;
  retired_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface ConsentTable {
  id: Generated<string>;
  person_id: string;
  household_id: string | null;
  given_by_person_id: string;
  given_by_kind: 'young_person' | 'parent_carer' | 'self';
  decision: 'given' | 'refused';
  purposes: ConsentPurpose[];
  service_name: string | null;
  method: ConsentMethod;
  obtained_on: string;
  review_on: string | null;
  sensitive_categories: Generated<string[]>;
  explained: string | null;
  withdrawn_on: string | null;
  withdrawn_reason: string | null;
  withdrawn_by: string | null;
  withdrawn_at: Timestamp | null;
  recorded_by: string;
  recorded_by_organisation_id: string;
  recorded_at: Timestamp;
  /** For a young person giving their own consent: the practitioner's judgement of their competence, and why. */
  competent: ColumnType<boolean | null, boolean | null | undefined, boolean | null>;
  competence_note: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ConsentRecipientTable {
  id: Generated<string>;
  consent_id: string;
  kind: RecipientKind;
  organisation_id: string | null;
  agency_type: AgencyType | null;
  panel_name: string | null;
  /** The panel a panel consent names (migration 0032); the name stays as recorded. */
  panel_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ConfidentialityWishTable {
  id: Generated<string>;
  person_id: string;
  withheld_from_person_id: string;
  information: string;
  best_interests_reason: string;
  recorded_by: string;
  recorded_at: Timestamp;
  ended_on: string | null;
  ended_by: string | null;
  ended_reason: string | null;
}

export interface SharingDecisionTable {
  id: Generated<string>;
  person_id: string;
  decision: 'share' | 'not_share';
  what: string;
  recipient_kind: RecipientKind | 'other';
  recipient_organisation_id: string | null;
  recipient_agency_type: AgencyType | null;
  recipient_description: string | null;
  basis: 'consent' | LawfulBasis | null;
  consent_id: string | null;
  override: Generated<boolean>;
  advice_sought: string | null;
  reason: string | null;
  decided_by: string;
  decided_by_organisation_id: string;
  decided_at: Timestamp;
  expires_on: string | null;
}

export interface CaseNoteTable {
  id: Generated<string>;
  person_id: string;
  organisation_id: string;
  category: string | null;
  consent_id: string | null;
  body: string;
  withhold_from_parents: Generated<boolean>;
  recorded_by: string;
  recorded_at: Timestamp;
  /** A sensitive note recorded without consent covering its category: seen by the recorder's organisation only. */
  own_organisation_only: Generated<boolean>;
}

export interface WithholdMarkerTable {
  id: Generated<string>;
  person_id: string | null;
  household_id: string | null;
  subject_person_id: string;
  withheld_from_person_id: string;
  reason: string;
  recorded_by: string;
  recorded_at: Timestamp;
  ended_at: Timestamp | null;
  ended_by: string | null;
  ended_reason: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ConsentTextTable {
  language: string;
  key: string;
  text: string;
}

// Services directory (migration 0003).
export const SERVICE_STATUSES = ['active', 'inactive', 'defunct', 'temporarily closed'] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];
export const ACCESS_ROUTES = ['direct', 'front_door', 'panel'] as const;
export type AccessRoute = (typeof ACCESS_ROUTES)[number];
export type DirectorySource = 'local' | 'import';

export interface DirectoryOrganisationTable {
  id: Generated<string>;
  organisation_id: string | null;
  name: string;
  description: Generated<string>;
  email: string | null;
  website: string | null;
  source: Generated<DirectorySource>;
  source_feed: string | null;
  is_demo: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface DirectoryTaxonomyTable {
  id: string;
  name: string;
  description: Generated<string>;
  uri: string | null;
  version: string | null;
  updated_at: Timestamp;
}

export interface DirectoryTaxonomyTermTable {
  id: string;
  taxonomy_id: string | null;
  parent_id: string | null;
  code: string | null;
  name: string;
  description: Generated<string>;
  term_uri: string | null;
  updated_at: Timestamp;
}

export interface DirectoryServiceTable {
  id: Generated<string>;
  directory_organisation_id: string;
  name: string;
  description: Generated<string>;
  url: string | null;
  email: string | null;
  status: Generated<ServiceStatus>;
  fees: string | null;
  minimum_age: number | null;
  maximum_age: number | null;
  tier: Tier | null;
  access_route: AccessRoute | null;
  access_panel: string | null;
  how_to_refer: string | null;
  start_conversation: string | null;
  start_conversation_phone: string | null;
  alert: string | null;
  assured_date: string | null;
  review_date: string;
  source: Generated<DirectorySource>;
  source_feed: string | null;
  is_demo: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface DirectoryServiceTaxonomyTable {
  id: Generated<string>;
  service_id: string;
  taxonomy_term_id: string;
}

export interface DirectoryServiceAreaTable {
  id: Generated<string>;
  service_id: string;
  area_id: string | null;
  name: string;
  extent: string | null;
  extent_type: string | null;
}

export interface DirectoryLocationTable {
  id: Generated<string>;
  location_type: Generated<'physical' | 'postal' | 'virtual'>;
  name: string | null;
  description: string | null;
  latitude: number | null;
  longitude: number | null;
  address_id: Generated<string>;
  address_1: string | null;
  city: string | null;
  state_province: string | null;
  postal_code: string | null;
  country: Generated<string>;
  accessibility: string | null;
  is_demo: Generated<boolean>;
  created_at: CreatedAt;
}

export interface DirectoryServiceAtLocationTable {
  id: Generated<string>;
  service_id: string;
  location_id: string;
}

export interface DirectoryScheduleTable {
  id: Generated<string>;
  service_id: string;
  service_at_location_id: string | null;
  freq: Generated<'WEEKLY' | 'MONTHLY'>;
  byday: string;
  opens_at: string | null;
  closes_at: string | null;
  description: string | null;
}

export interface DirectoryContactTable {
  id: Generated<string>;
  service_id: string;
  name: string | null;
  title: string | null;
  email: string | null;
}

export interface DirectoryPhoneTable {
  id: Generated<string>;
  service_id: string | null;
  contact_id: string | null;
  number: string;
  description: string | null;
}

export interface DirectoryLanguageTable {
  id: Generated<string>;
  service_id: string;
  name: string;
  code: string | null;
}

export interface EligibilityRuleSetTable {
  id: Generated<string>;
  service_id: string;
  version: number;
  rules: Json<unknown>;
  change_note: string;
  created_by: string | null;
  created_by_name: string | null;
  created_at: Timestamp;
}

export interface DirectoryChangeTable {
  id: Generated<number>;
  service_id: string | null;
  action: string;
  summary: string;
  details: Json<Record<string, unknown>>;
  changed_by: string | null;
  changed_by_name: string | null;
  changed_at: Timestamp;
}

export interface PostcodeDistrictTable {
  district: string;
  latitude: number;
  longitude: number;
}

export interface AreaPostcodeDistrictTable {
  area_id: string;
  district: string;
}

export interface DirectorySearchSynonymTable {
  term: string;
  means: string[];
  created_at: Generated<Date>;
}

// Working days and deadlines (migration 0013).
export interface CalendarClosureTable {
  id: Generated<string>;
  closed_on: string;
  name: string;
  area_id: string | null;
  added_by: string | null;
  created_at: CreatedAt;
}

export interface DeadlineTable {
  id: Generated<string>;
  owner_type: string;
  owner_id: string;
  rule_code: string;
  rule_words: string;
  started_at: Timestamp;
  due_at: Timestamp;
  at_risk_from: Timestamp;
  met_at: Timestamp | null;
  met_by: string | null;
  created_at: CreatedAt;
}

// Attachments (migration 0014).
export const ATTACHMENT_OWNER_KINDS = ['person', 'contact'] as const;
export type AttachmentOwnerKind = (typeof ATTACHMENT_OWNER_KINDS)[number];

export interface AttachmentTable {
  id: Generated<string>;
  owner_kind: AttachmentOwnerKind;
  owner_id: string;
  /** The child's record for 'person'; empty for a contact's files (migration 0024). */
  person_id: string | null;
  /** Empty, with uploaded_by, for a file sent with the public request form. */
  organisation_id: string | null;
  uploaded_by: string | null;
  file_name: string;
  media_type: string;
  extension: string;
  size_bytes: number;
  sha256: string;
  description: string;
  content: Uint8Array;
  created_at: Timestamp;
  deleted_at: Timestamp | null;
  deleted_by: string | null;
  deleted_reason: string | null;
}

// Concerns (dispute) resolution (migration 0023).
export const CONCERN_STAGES = ['practitioners', 'line_managers', 'safeguarding_leads', 'formal'] as const;
export type ConcernStageName = (typeof CONCERN_STAGES)[number];
export const CONCERN_RESOLUTIONS = ['agreed', 'decision_changed', 'decision_stands'] as const;
export type ConcernResolution = (typeof CONCERN_RESOLUTIONS)[number];
export type ConcernOutcome = ConcernResolution | 'escalated';
export type ConcernResponderWhy = 'decision_maker' | 'raiser_manager' | 'decision_maker_manager' | 'safeguarding_lead';

export interface ConcernTable {
  id: Generated<string>;
  subject_kind: string;
  subject_id: string;
  person_id: string;
  raised_by: string;
  raised_by_organisation_id: string;
  raised_at: Timestamp;
  disagreement: string;
  outcome_wanted: string;
  status: Generated<'open' | 'resolved'>;
  resolution: ConcernResolution | null;
  resolved_at: Timestamp | null;
}

export interface ConcernStageTable {
  id: Generated<string>;
  concern_id: string;
  stage: ConcernStageName;
  opened_at: Timestamp;
  opened_by: string | null;
  outcome: ConcernOutcome | null;
  reasons: string | null;
  answered_by: string | null;
  answered_at: Timestamp | null;
  overdue_at: Timestamp | null;
}

export interface ConcernResponderTable {
  stage_id: string;
  user_id: string;
  why: ConcernResponderWhy;
}

// The front door (migration 0020).
export const CONTACT_OUTCOMES = [
  'advice',
  'signpost',
  'targeted_support',
  'social_work_assessment',
  'child_protection',
  'no_further_action',
] as const;
export type ContactOutcome = (typeof CONTACT_OUTCOMES)[number];
export type ContactUrgency = 'urgent' | 'normal';

export interface ContactTable {
  id: Generated<string>;
  reference: string;
  significant_harm: boolean;
  urgency: ContactUrgency;
  /** Empty for a request from the public form (via 'public', migration 0024): the sender_* columns say who. */
  referrer_user_id: string | null;
  referrer_organisation_id: string | null;
  referral_source: string;
  circumstances: string;
  indicators: ColumnType<RecordedIndicator[], string | undefined, string>;
  guidance_id: string | null;
  needs_to_happen: string;
  tried: string | null;
  via: 'web' | 'api' | 'public';
  received_at: Timestamp;
  status: ColumnType<'open' | 'decided', 'open' | 'decided' | undefined, 'open' | 'decided'>;
  assigned_to: string | null;
  assigned_at: Timestamp | null;
  assigned_by: string | null;
  sender_name: string | null;
  sender_organisation: string | null;
  sender_role: string | null;
  sender_email: string | null;
  family: string | null;
  sender_permission: 'consent' | LawfulBasis | null;
  sender_permission_reason: string | null;
}

export interface ContactChildTable {
  contact_id: string;
  person_id: string;
  /** Empty for a child matched from a public request (the sender's permission is on the contact). */
  sharing_decision_id: string | null;
}

// Public requests for support (migration 0024).
export interface ContactTypedChildTable {
  id: Generated<string>;
  contact_id: string;
  position: number;
  given_name: string;
  family_name: string;
  date_of_birth: string | null;
  address: string | null;
  postcode: string | null;
  matched_person_id: string | null;
  matched_by: string | null;
  matched_at: Timestamp | null;
}

export interface PublicRequestTokenTable {
  id: Generated<string>;
  token_hash: string;
  email: string;
  sender_name: string;
  sender_organisation: string;
  sender_role: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  contact_id: string | null;
}

export interface ContactDecisionTable {
  id: Generated<string>;
  contact_id: string;
  outcome: ContactOutcome;
  level: NeedLevel | null;
  indicators: ColumnType<RecordedIndicator[], string | undefined, string>;
  guidance_id: string;
  rationale: string;
  advice: string | null;
  directory_service_id: string | null;
  leader_user_id: string | null;
  manager_user_id: string | null;
  decided_by: string;
  decided_at: Timestamp;
}

// Recorded conversations between practitioners (migration 0021).
export const CONVERSATION_KINDS = ['phone', 'meeting', 'video'] as const;
export type ConversationKind = (typeof CONVERSATION_KINDS)[number];
export const FOLLOW_UP_ANSWERS = ['yes', 'partly', 'no'] as const;
export type FollowUpAnswer = (typeof FOLLOW_UP_ANSWERS)[number];

export interface ConversationTable {
  id: Generated<string>;
  person_id: string;
  organisation_id: string;
  kind: ConversationKind;
  held_on: string;
  concerns: string | null;
  strengths: string | null;
  agreed: string;
  recorded_by: string;
  recorded_at: Timestamp;
  follow_up_on: string;
}

export interface ConversationChildTable {
  id: Generated<string>;
  conversation_id: string;
  person_id: string;
}

export interface ConversationParticipantTable {
  id: Generated<string>;
  conversation_id: string;
  user_id: string | null;
  name: string | null;
  organisation_name: string | null;
  role: string | null;
}

export interface ConversationActionTable {
  id: Generated<string>;
  conversation_id: string;
  description: string;
  owner_user_id: string;
  due_on: string;
  done_at: Timestamp | null;
  done_by: string | null;
}

export interface ConversationRecipientTable {
  conversation_id: string;
  user_id: string;
}

export interface ConversationFollowUpTable {
  id: Generated<string>;
  conversation_id: string;
  user_id: string;
  organisation_id: string;
  asked_at: Timestamp;
  answer: FollowUpAnswer | null;
  comment: string | null;
  answered_at: Timestamp | null;
}

export const EPISODE_OPENED_FROM = ['front_door_contact', 'assessment', 'panel', 'manual', 'step_down'] as const;
export type EpisodeOpenedFrom = (typeof EPISODE_OPENED_FROM)[number];
export const EPISODE_CLOSE_REASONS = [
  'needs_met',
  'stepped_up',
  'stepped_down',
  'family_declined',
  'moved_away',
  'other',
] as const;
export type EpisodeCloseReason = (typeof EPISODE_CLOSE_REASONS)[number];

export interface EpisodeTable {
  id: Generated<string>;
  opened_at: Timestamp;
  opened_by: string;
  opened_from: EpisodeOpenedFrom;
  opened_from_id: string | null;
  status: Generated<'open' | 'closed'>;
  closed_at: Timestamp | null;
  closed_by: string | null;
  close_reason: EpisodeCloseReason | null;
  close_note: string | null;
  letter_recorded_at: Timestamp | null;
  letter_recorded_by: string | null;
  letter_method: EpisodeLetterMethod | null;
  letter_language: string | null;
}

export const EPISODE_LETTER_METHODS = ['given', 'posted', 'emailed'] as const;
export type EpisodeLetterMethod = (typeof EPISODE_LETTER_METHODS)[number];

/** The ten Supporting Families headline outcomes (2022). */
export const SUPPORTING_FAMILIES_OUTCOMES = [
  'education',
  'early_years',
  'health',
  'substance_use',
  'family_relationships',
  'safe_from_abuse',
  'crime_prevention',
  'domestic_abuse',
  'housing',
  'financial_stability',
] as const;
export type SupportingFamiliesOutcome = (typeof SUPPORTING_FAMILIES_OUTCOMES)[number];

export interface EpisodeMonitoringTable {
  id: Generated<string>;
  episode_id: string;
  proposed_at: Timestamp;
  proposed_by: string;
  improvement: string;
  weeks: number;
  default_weeks: number;
  period_reason: string | null;
  ends_on: string;
  due_notified_at: Timestamp | null;
  ended_at: Timestamp | null;
  ended_by: string | null;
  ending: 'confirmed' | 'relapse' | 'closed' | null;
  relapse_note: string | null;
}

export interface EpisodeOutcomeTable {
  id: Generated<string>;
  episode_id: string;
  outcome: SupportingFamiliesOutcome;
  achieved: boolean;
  sustained: Generated<boolean>;
  evidence: string;
  recorded_by: string;
  recorded_at: Timestamp;
}

export interface EpisodePersonTable {
  episode_id: string;
  person_id: string;
}

export interface EpisodeLeadTable {
  id: Generated<string>;
  episode_id: string;
  user_id: string;
  started_at: Timestamp;
  ended_at: Timestamp | null;
  appointed_by: string;
  handover_from: string | null;
  handover_note: string | null;
  handover_agreed_on: string | null;
  acknowledged_at: Timestamp | null;
}

export interface EpisodeMemberTable {
  id: Generated<string>;
  episode_id: string;
  user_id: string | null;
  outside_name: string | null;
  outside_organisation: string | null;
  directory_service_id: string | null;
  role: string;
  joined_on: string;
  left_on: string | null;
  added_by: string;
  added_at: Timestamp;
  left_by: string | null;
  left_at: Timestamp | null;
}

// Early Help Assessments (migration 0028).
export const ASSESSMENT_STATUSES = ['draft', 'submitted', 'returned', 'signed_off'] as const;
export type AssessmentStatus = (typeof ASSESSMENT_STATUSES)[number];
export const ASSESSMENT_KINDS = ['early_help', 'agency'] as const;
export type AssessmentKind = (typeof ASSESSMENT_KINDS)[number];
/** An assessment's content: each field as typed, keyed by field name (sub-area fields as `strengths-<id>`). */
export type AssessmentContent = Record<string, unknown>;

export interface AssessmentTable {
  id: Generated<string>;
  episode_id: string | null;
  author_id: string;
  organisation_id: string;
  guidance_id: string;
  contact_id: string | null;
  status: ColumnType<AssessmentStatus, AssessmentStatus | undefined, AssessmentStatus>;
  content: ColumnType<AssessmentContent, string | undefined, string>;
  version: ColumnType<number, number | undefined, number>;
  signed_off_version: number | null;
  started_at: Timestamp;
  updated_at: Timestamp;
  updated_by: string;
  kind: ColumnType<AssessmentKind, AssessmentKind | undefined, AssessmentKind>;
}

/** An agency's own assessment, attached and counted instead of an Early Help Assessment. */
export interface AgencyAssessmentTable {
  assessment_id: string;
  tool: string;
  completed_on: string;
  signed_off_by: string;
  signed_off_on: string;
  level: string;
  summary: string;
  attachment_id: string;
}

export interface AssessmentPersonTable {
  assessment_id: string;
  person_id: string;
}

export interface AssessmentVersionTable {
  id: Generated<string>;
  assessment_id: string;
  number: number;
  content: ColumnType<AssessmentContent, string, string>;
  changed: ColumnType<string[], string | undefined, string>;
  section: string | null;
  saved_by: string;
  saved_at: Timestamp;
}

export interface AssessmentNeedTable {
  id: Generated<string>;
  assessment_id: string;
  person_id: string | null;
  domain: string;
  sub_area: string;
  description: string;
  recorded_by: string;
  recorded_at: Timestamp;
  removed_by: string | null;
  removed_at: Timestamp | null;
}

export interface AssessmentSignoffTable {
  id: Generated<string>;
  assessment_id: string;
  version: number;
  submitted_by: string;
  submitted_at: Timestamp;
  manager_id: string;
  outcome: 'returned' | 'signed_off' | null;
  reason: string | null;
  decided_by: string | null;
  decided_at: Timestamp | null;
}

export const PLAN_STATUSES = ['draft', 'agreed'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];
export const OBJECTIVE_STATUSES = ['open', 'achieved', 'not_achieved', 'dropped'] as const;
export type ObjectiveStatus = (typeof OBJECTIVE_STATUSES)[number];
export const PLAN_ACTION_STATUSES = ['open', 'done', 'dropped'] as const;
export type PlanActionStatus = (typeof PLAN_ACTION_STATUSES)[number];
export const PROGRESS_RATINGS = ['no_progress', 'some_progress', 'good_progress', 'achieved'] as const;
export type ProgressRating = (typeof PROGRESS_RATINGS)[number];

export interface PlanTable {
  id: Generated<string>;
  episode_id: string;
  status: Generated<PlanStatus>;
  strengths: string;
  review_weeks: number;
  created_at: Timestamp;
  created_by: string;
  agreed_with: string | null;
  agreed_on: string | null;
  agreed_at: Timestamp | null;
  agreed_by: string | null;
}

export interface PlanObjectiveTable {
  id: Generated<string>;
  plan_id: string;
  need_domain: string;
  need_sub_area: string;
  need: string;
  /** The assessment's unmet need the objective addresses, when there was one to pick. */
  assessment_need_id: ColumnType<string | null, string | null | undefined, string | null>;
  success_criterion: string;
  target_date: string;
  agreed_by_whom: string;
  realistic: boolean;
  realistic_note: string | null;
  status: Generated<ObjectiveStatus>;
  created_at: Timestamp;
  created_by: string;
}

export interface PlanActionTable {
  id: Generated<string>;
  objective_id: string;
  what: string;
  owner_user_id: string | null;
  owner_team_id: string | null;
  due_date: string;
  status: Generated<PlanActionStatus>;
  created_at: Timestamp;
  created_by: string;
  completed_at: Timestamp | null;
  completed_by: string | null;
  work_item_id: string | null;
}

export interface PlanReviewTable {
  id: Generated<string>;
  plan_id: string;
  held_on: string;
  family_view: string;
  next_review_on: string;
  recorded_at: Timestamp;
  recorded_by: string;
}

export interface PlanReviewProgressTable {
  review_id: string;
  objective_id: string;
  rating: ProgressRating;
  note: string;
}

/** Multi-agency panels as configuration (migration 0032, docs/decisions/0029). */
export const PANEL_MODELS = ['area_family_support', 'complex_case_gateway', 'other'] as const;
export type PanelModel = (typeof PANEL_MODELS)[number];
export const PANEL_MEMBER_ROLES = ['member', 'deputy', 'chair', 'deputy_chair', 'administrator', 'adviser'] as const;
export type PanelMemberRole = (typeof PANEL_MEMBER_ROLES)[number];
export const PANEL_ADVISER_KINDS = [
  'care_coordination',
  'faith_and_minority_ethnic',
  'childrens_information_service',
  'other',
] as const;
export type PanelAdviserKind = (typeof PANEL_ADVISER_KINDS)[number];
export type PanelMeetingStatus = 'scheduled' | 'cancelled' | 'held';

export interface PanelTable {
  id: Generated<string>;
  name: string;
  model: PanelModel;
  model_description: string | null;
  area_id: string | null;
  remit: string | null;
  cadence_weeks: Generated<number>;
  /** ISO weekday, 1 Monday … 5 Friday. */
  weekday: Generated<number>;
  /** "HH:MM", London time. */
  start_time: Generated<string>;
  max_minutes: Generated<number>;
  slot_minutes: Generated<number>;
  papers_due_working_days: Generated<number>;
  invitation_days: Generated<number>;
  circulation_working_days: Generated<number>;
  decisions_hours: Generated<number>;
  status: Generated<'active' | 'retired'>;
  retired_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  retired_by: ColumnType<string | null, string | null | undefined, string | null>;
  retired_reason: ColumnType<string | null, string | null | undefined, string | null>;
  from_team_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface PanelMemberTable {
  id: Generated<string>;
  panel_id: string;
  user_id: string;
  organisation_id: string;
  role: PanelMemberRole;
  deputy_for: string | null;
  adviser_kind: PanelAdviserKind | null;
  from_date: string;
  to_date: string | null;
  created_at: CreatedAt;
}

export interface PanelGatewayServiceTable {
  panel_id: string;
  service_id: string;
}

export interface PanelMeetingTable {
  id: Generated<string>;
  panel_id: string;
  meeting_date: string;
  start_time: string;
  end_time: string;
  venue: string | null;
  status: Generated<PanelMeetingStatus>;
  moved_from: string | null;
  moved_reason: string | null;
  sequence: Generated<number>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** Requests to a panel and their administration (migration 0033, docs/decisions/0030). */
export const PANEL_REQUEST_STATUSES = [
  'submitted',
  'accepted',
  'declined',
  'redirected',
  'withdrawn',
  'discussed',
] as const;
export type PanelRequestStatus = (typeof PANEL_REQUEST_STATUSES)[number];
export const PANEL_REDIRECTS = ['front_door', 'school_liaison_meeting', 'other_panel', 'other'] as const;
export type PanelRedirect = (typeof PANEL_REDIRECTS)[number];

export interface PanelRequestTable {
  id: Generated<string>;
  panel_id: string;
  person_id: string;
  referrer_user_id: string;
  referrer_organisation_id: string;
  episode_id: string | null;
  assessment_id: string | null;
  assessment_version: number | null;
  checklist: ColumnType<string[], string[] | undefined, string[]>;
  changes_wanted: string | null;
  success_criteria: string | null;
  questions: string | null;
  service_id: string | null;
  eligibility: ColumnType<unknown, string | null, string | null>;
  sharing_basis: 'consent' | 'lawful_basis' | null;
  sharing_basis_id: string | null;
  status: ColumnType<PanelRequestStatus, PanelRequestStatus | undefined, PanelRequestStatus>;
  status_reason: string | null;
  redirected_to: PanelRedirect | null;
  decided_by: string | null;
  decided_at: Timestamp | null;
  meeting_id: string | null;
  slot_order: number | null;
  papers_submitted_at: Timestamp | null;
  late_papers_agreed_by: string | null;
  late_papers_agreed_at: Timestamp | null;
  invitation_sent_at: Timestamp | null;
  // Withdrawn by its referrer or the panel's administrator, before it was discussed (migration 0039).
  withdrawn_by: ColumnType<string | null, string | null | undefined, string | null>;
  withdrawn_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  // Redirected to the panel by an agency that received a request it cannot meet (migration 0038, decision 0039).
  redirected_from_kind: Generated<RedirectedFromKind | null>;
  redirected_from_id: Generated<string | null>;
  redirected_in_reason: Generated<string | null>;
  family_agreed_by: Generated<string | null>;
  family_agreed_on: Generated<string | null>;
  family_agreed_how: Generated<FamilyAgreedHow | null>;
  /** The discussed request this one re-refers (migration 0037). */
  previous_request_id: ColumnType<string | null, string | null | undefined, string | null>;
}

/** The received requests an agency can redirect to a panel (migration 0038). */
export type RedirectedFromKind = 'contact';
export const FAMILY_AGREED_HOW = ['in_person', 'phone', 'letter'] as const;
export type FamilyAgreedHow = (typeof FAMILY_AGREED_HOW)[number];

export interface PanelRequestPersonTable {
  request_id: string;
  person_id: string;
}

export interface PanelForumAcknowledgementTable {
  id: Generated<string>;
  request_id: string;
  person_id: string;
  other_kind: 'panel_request' | 'taf_meeting';
  other_id: string;
  side: 'panel' | 'other';
  acknowledged_by: string;
  acknowledged_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** The record of a panel meeting (migration 0036, docs/decisions/0034). */
export interface PanelMeetingRecordTable {
  meeting_id: string;
  started_by: string;
  started_at: Timestamp;
  updated_at: Timestamp;
  approved_by: string | null;
  approved_at: Timestamp | null;
}

export const PANEL_ATTENDANCE = ['present', 'apologies', 'deputy_sent', 'absent'] as const;
export type PanelAttendanceStatus = (typeof PANEL_ATTENDANCE)[number];

export interface PanelAttendanceTable {
  id: Generated<string>;
  meeting_id: string;
  member_id: string | null;
  request_id: string | null;
  status: PanelAttendanceStatus;
  deputy_member_id: string | null;
}

export const PANEL_OUTCOMES = [
  'advice',
  'services_appropriate',
  'better_coordination',
  'joint_visits',
  'prioritise_referral',
  'allocate_resource',
  'lead_professional',
  'local_coordination',
] as const;
export type PanelOutcome = (typeof PANEL_OUTCOMES)[number];
export const LEAD_CRITERIA = ['additional_needs', 'formal_assessment_likely', 'coordination_needed'] as const;
export type LeadCriterion = (typeof LEAD_CRITERIA)[number];

export interface PanelCaseRecordTable {
  request_id: string;
  meeting_id: string;
  discussion: string;
  outcomes: ColumnType<string[], string[], string[]>;
  school_organisation_id: string | null;
  school_contact: 'head_teacher' | 'senco' | null;
  school_note: string | null;
  lead_kind: 'person' | 'agency' | null;
  lead_user_id: string | null;
  lead_organisation_id: string | null;
  lead_criteria: ColumnType<string[], string[] | undefined, string[]>;
  lead_objectives: string | null;
  lead_review_on: string | null;
  lead_inform_family: string | null;
  dissent_user_id: string | null;
  dissent_organisation_id: string | null;
  dissent_reason: string | null;
  recorded_by: string;
  recorded_at: Timestamp;
  // The family's decision letter: when it was sent, how, in which language, who recorded it (migration 0039).
  letter_sent_on: ColumnType<string | null, string | null | undefined, string | null>;
  letter_method: ColumnType<PanelLetterMethod | null, PanelLetterMethod | null | undefined, PanelLetterMethod | null>;
  letter_language: ColumnType<string | null, string | null | undefined, string | null>;
  letter_recorded_by: ColumnType<string | null, string | null | undefined, string | null>;
  letter_recorded_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

/** How the family's decision letter reached them (the closure letter's ways). */
export const PANEL_LETTER_METHODS = EPISODE_LETTER_METHODS;
export type PanelLetterMethod = (typeof PANEL_LETTER_METHODS)[number];

export interface PanelRecommendationTable {
  id: Generated<string>;
  request_id: string;
  what: string;
  organisation_id: string;
  team_id: string;
  due_on: string;
  created_by: string;
  created_at: Timestamp;
}

/** An agency's report on implementing a panel recommendation (migration 0037, docs/decisions/0036). */
export interface PanelRecommendationReportTable {
  id: Generated<string>;
  recommendation_id: string;
  implemented: boolean;
  implemented_on: string | null;
  note: string | null;
  reported_by: string;
  reported_at: Timestamp;
  corrects_id: string | null;
  considered_by: string | null;
  considered_at: Timestamp | null;
  considered_note: string | null;
}

export const TAF_MEETING_FORMATS = ['in_person', 'video', 'phone'] as const;
export type TafMeetingFormat = (typeof TAF_MEETING_FORMATS)[number];
export const TAF_ATTENDANCE = ['present', 'apologies', 'absent'] as const;
export type TafAttendance = (typeof TAF_ATTENDANCE)[number];

export interface TafMeetingTable {
  id: Generated<string>;
  episode_id: string;
  meets_at: Timestamp;
  format: TafMeetingFormat;
  place: string;
  chair_user_id: string;
  scheduled_by: string;
  scheduled_at: Timestamp;
  status: Generated<'scheduled' | 'held'>;
  recorded_by: string | null;
  recorded_at: Timestamp | null;
  family_views: string | null;
  next_meeting_on: string | null;
}

export interface TafMeetingAttendanceTable {
  id: Generated<string>;
  meeting_id: string;
  member_id: string | null;
  user_id: string | null;
  name: string;
  organisation: string | null;
  attendance: TafAttendance;
}

export interface TafMeetingFamilyTable {
  meeting_id: string;
  person_id: string;
}

export interface TafMeetingOtherTable {
  id: Generated<string>;
  meeting_id: string;
  position: number;
  name: string;
  organisation: string;
}

export interface TafMeetingDecisionTable {
  id: Generated<string>;
  meeting_id: string;
  position: number;
  decision: string;
}

export interface EpisodeStepTable {
  id: Generated<string>;
  episode_id: string;
  direction: 'up' | 'down';
  at: Timestamp;
  by_user_id: string;
  why_now: string | null;
  what_changed: string | null;
  significant_harm: boolean | null;
  contact_id: string | null;
  lead_user_id: string | null;
  held_on: string | null;
  present: string | null;
  summary: string | null;
  family_told: string | null;
}
