-- Platform: organisations, areas, teams, users and roles, sessions, API tokens, audit, outbox.
create extension if not exists pg_trgm;
create extension if not exists fuzzystrmatch;
create extension if not exists unaccent;
create extension if not exists citext;

create table organisation (
  id uuid primary key default gen_random_uuid(),
  name text not null unique,
  agency_type text not null check (agency_type in (
    'school', 'early_years', 'health', 'police', 'social_care', 'youth_service', 'youth_offending',
    'housing', 'careers', 'voluntary', 'local_authority', 'substance_misuse', 'domestic_abuse', 'other')),
  tier text not null check (tier in ('universal', 'targeted', 'specialist')),
  phone text,
  email text,
  is_demo boolean not null default false,
  created_at timestamptz not null default now()
);

create table area (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  kind text not null check (kind in ('area', 'cluster', 'locality', 'partnership')),
  parent_id uuid references area(id),
  is_demo boolean not null default false,
  created_at timestamptz not null default now(),
  unique (name, kind)
);

create table team (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid not null references organisation(id),
  area_id uuid references area(id),
  name text not null,
  phone text,
  email text,
  created_at timestamptz not null default now(),
  unique (organisation_id, name)
);

create table app_user (
  id uuid primary key default gen_random_uuid(),
  kind text not null default 'person' check (kind in ('person', 'service')),
  email citext not null unique,
  name text not null,
  job_title text,
  phone text,
  organisation_id uuid not null references organisation(id),
  password_hash text,
  totp_secret text,
  totp_enrolled_at timestamptz,
  recovery_code_hashes jsonb not null default '[]'::jsonb,
  failed_sign_ins integer not null default 0,
  locked_until timestamptz,
  disabled_at timestamptz,
  oidc_issuer text,
  oidc_subject text,
  is_demo boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (oidc_issuer, oidc_subject)
);

create table user_role (
  user_id uuid not null references app_user(id) on delete cascade,
  role text not null check (role in (
    'practitioner', 'manager', 'front_door', 'integrated_processes', 'panel_admin', 'panel_chair',
    'panel_member', 'analyst', 'data_protection', 'system_admin')),
  primary key (user_id, role)
);

create table user_area (
  user_id uuid not null references app_user(id) on delete cascade,
  area_id uuid not null references area(id),
  primary key (user_id, area_id)
);

create table user_team (
  user_id uuid not null references app_user(id) on delete cascade,
  team_id uuid not null references team(id),
  is_manager boolean not null default false,
  primary key (user_id, team_id)
);

create table user_session (
  id text primary key,
  user_id uuid not null references app_user(id) on delete cascade,
  stage text not null check (stage in ('mfa', 'mfa_setup', 'full')),
  created_at timestamptz not null,
  last_seen_at timestamptz not null,
  expires_at timestamptz not null,
  client_ip text,
  user_agent text
);
create index user_session_user on user_session(user_id);

-- A form posted after the session ended, kept so the user loses nothing while signing in again.
create table saved_request (
  id text primary key,
  user_id uuid not null references app_user(id) on delete cascade,
  path text not null,
  body jsonb not null,
  created_at timestamptz not null,
  expires_at timestamptz not null
);

create table api_token (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references app_user(id) on delete cascade,
  name text not null,
  token_hash text not null unique,
  prefix text not null,
  created_by uuid references app_user(id),
  created_at timestamptz not null default now(),
  expires_at timestamptz,
  last_used_at timestamptz,
  revoked_at timestamptz
);

create table audit_event (
  id bigint generated always as identity primary key,
  occurred_at timestamptz not null,
  actor_user_id uuid,
  actor_name text,
  organisation_id uuid,
  role text,
  action text not null,
  record_type text,
  record_id text,
  reason text,
  request_id text,
  client_ip text,
  details jsonb not null default '{}'::jsonb,
  prev_hash text not null,
  hash text not null unique
);
create index audit_event_record on audit_event(record_type, record_id, occurred_at desc);
create index audit_event_actor on audit_event(actor_user_id, occurred_at desc);

create function audit_event_is_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_event is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
end;
$$;
create trigger audit_event_no_update before update or delete on audit_event
  for each row execute function audit_event_is_append_only();
create trigger audit_event_no_truncate before truncate on audit_event
  for each statement execute function audit_event_is_append_only();

create table outbox_message (
  id uuid primary key default gen_random_uuid(),
  kind text not null,
  payload jsonb not null,
  created_at timestamptz not null default now(),
  available_at timestamptz not null default now(),
  attempts integer not null default 0,
  sent_at timestamptz,
  last_error text
);
create index outbox_pending on outbox_message(available_at) where sent_at is null;
