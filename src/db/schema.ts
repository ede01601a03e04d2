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
}

export interface AreaTable {
  id: Generated<string>;
  name: string;
  kind: AreaKind;
  parent_id: string | null;
  is_demo: Generated<boolean>;
  created_at: CreatedAt;
}

export interface TeamTable {
  id: Generated<string>;
  organisation_id: string;
  area_id: string | null;
  name: string;
  phone: string | null;
  email: string | null;
  created_at: CreatedAt;
}

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
  recovery_code_hashes: Json<string[]>;
  failed_sign_ins: Generated<number>;
  locked_until: Timestamp | null;
  disabled_at: Timestamp | null;
  oidc_issuer: string | null;
  oidc_subject: string | null;
  is_demo: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
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
  audit_event: AuditEventTable;
  outbox_message: OutboxMessageTable;
  person: PersonTable;
  household: HouseholdTable;
  household_member: HouseholdMemberTable;
  relationship: RelationshipTable;
  involvement: InvolvementTable;
  need_level: NeedLevelTable;
  schema_migration: SchemaMigrationTable;
}

export type Organisation = Selectable<OrganisationTable>;
export type AppUser = Selectable<AppUserTable>;
export type Person = Selectable<PersonTable>;
export type NewPerson = Insertable<PersonTable>;
