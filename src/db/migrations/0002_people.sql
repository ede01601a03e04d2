-- People, households, relationships and involvements: the core the child index builds on.
create table person (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (kind in ('child', 'adult')),
  given_name text not null,
  middle_names text,
  family_name text not null,
  known_as text,
  date_of_birth date,
  expected_date_of_birth date,
  sex char(1) not null default 'U' check (sex in ('M', 'F', 'U')),
  nhs_number char(10),
  upn char(13),
  ethnicity text,
  first_language text,
  interpreter_needed boolean not null default false,
  date_of_death date,
  shielded boolean not null default false,
  is_demo boolean not null default false,
  created_by uuid references app_user(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (date_of_birth is not null or expected_date_of_birth is not null or kind = 'adult')
);
create unique index person_nhs_number on person(nhs_number) where nhs_number is not null;
create index person_dob on person(date_of_birth);
create index person_family_name_trgm on person using gin (lower(family_name) gin_trgm_ops);

create table household (
  id uuid primary key default gen_random_uuid(),
  address_line1 text not null,
  address_line2 text,
  town text,
  postcode text not null,
  area_id uuid references area(id),
  is_demo boolean not null default false,
  created_at timestamptz not null default now()
);

create table household_member (
  household_id uuid not null references household(id),
  person_id uuid not null references person(id),
  moved_in date,
  moved_out date,
  primary key (household_id, person_id)
);
create index household_member_person on household_member(person_id);

create table relationship (
  id uuid primary key default gen_random_uuid(),
  person_id uuid not null references person(id),
  related_person_id uuid not null references person(id),
  kind text not null check (kind in (
    'parent', 'step_parent', 'carer', 'sibling', 'half_sibling', 'grandparent', 'other')),
  parental_responsibility boolean not null default false,
  check (person_id <> related_person_id)
);
create index relationship_person on relationship(person_id);
create index relationship_related on relationship(related_person_id);

create table involvement (
  id uuid primary key default gen_random_uuid(),
  person_id uuid not null references person(id),
  organisation_id uuid not null references organisation(id),
  team_id uuid references team(id),
  user_id uuid references app_user(id),
  role text not null,
  started_on date not null,
  ended_on date,
  contact_phone text,
  contact_email text,
  created_at timestamptz not null default now(),
  check (ended_on is null or ended_on >= started_on)
);
create index involvement_person on involvement(person_id);
create index involvement_user on involvement(user_id) where ended_on is null;

-- A practitioner's judgement of the level of need: guidance for a conversation, never a gate.
create table need_level (
  id uuid primary key default gen_random_uuid(),
  person_id uuid not null references person(id),
  level text not null check (level in ('universal', 'early_help', 'targeted', 'specialist')),
  reason text not null,
  recorded_by uuid references app_user(id),
  recorded_at timestamptz not null default now()
);
create index need_level_person on need_level(person_id, recorded_at desc);
