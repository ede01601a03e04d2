-- The child index: fuller identifying details, names and identifiers of every kind, search keys,
-- the duplicate review queue and reversible merges.

alter table person
  add column gender text,
  add column disabilities text[] not null default '{}',
  add column la_child_id text,
  add column early_help_assessment text check (early_help_assessment in ('in_progress', 'completed')),
  add column early_help_assessment_on date,
  add column merged_into uuid references person(id),
  add column merged_at timestamptz,
  -- Search keys (hashed blocking keys, see src/features/people/matching/index-keys.ts) and the identifying
  -- details the scorer compares, kept by the application in the same transaction as every change.
  add column match_keys bigint[] not null default '{}',
  add column match_record json,
  add column match_version integer not null default 0,
  add constraint person_la_child_id check (la_child_id is null or la_child_id ~ '^[A-Za-z0-9]{1,20}$'),
  add constraint person_not_merged_into_self check (merged_into is null or merged_into <> id);

-- One live record per NHS number: a merged-away record keeps its number for unmerge.
drop index person_nhs_number;
create unique index person_nhs_number on person(nhs_number) where nhs_number is not null and merged_into is null;
create index person_upn on person(upn) where upn is not null;
create index person_merged_into on person(merged_into) where merged_into is not null;
create index person_match_keys on person using gin (match_keys);

-- Previous names (before adoption, marriage or a change by deed poll) and aliases: search finds the
-- person by any of them.
create table person_name (
  id uuid primary key default gen_random_uuid(),
  person_id uuid not null references person(id),
  kind text not null check (kind in ('previous', 'alias', 'birth')),
  given_name text not null,
  middle_names text,
  family_name text not null,
  used_until date,
  created_by uuid references app_user(id),
  created_at timestamptz not null default now()
);
create index person_name_person on person_name(person_id);

-- Any number of other agency identifiers: a police reference, a health visiting record number …
create table person_identifier (
  id uuid primary key default gen_random_uuid(),
  person_id uuid not null references person(id),
  scheme text not null check (length(scheme) between 1 and 60),
  value text not null check (length(value) between 1 and 60),
  organisation_id uuid references organisation(id),
  created_by uuid references app_user(id),
  created_at timestamptz not null default now(),
  unique (person_id, scheme, value)
);
create index person_identifier_value on person_identifier(scheme, value);

-- The lead practitioner is one of the involvements (the early help features appoint them).
alter table involvement add column is_lead boolean not null default false;
create unique index involvement_one_lead on involvement(person_id) where is_lead and ended_on is null;

-- Shielding: who set it, when and why; the person row holds the current state.
create table shielding_change (
  id uuid primary key default gen_random_uuid(),
  person_id uuid not null references person(id),
  shielded boolean not null,
  reason text not null,
  changed_by uuid references app_user(id),
  changed_at timestamptz not null default now()
);
create index shielding_change_person on shielding_change(person_id);

-- Pairs of records that may be the same person, found at registration, on import, by a scan or by a reviewer.
create table possible_duplicate (
  id uuid primary key default gen_random_uuid(),
  person_id uuid not null references person(id),
  other_person_id uuid not null references person(id),
  score real not null,
  reasons json not null,
  source text not null check (source in ('registration', 'edit', 'import', 'scan', 'manual')),
  status text not null default 'open' check (status in ('open', 'merged', 'not_duplicate')),
  found_by uuid references app_user(id),
  found_at timestamptz not null default now(),
  decided_by uuid references app_user(id),
  decided_at timestamptz,
  decision_reason text,
  check (person_id <> other_person_id)
);
create unique index possible_duplicate_pair
  on possible_duplicate (least(person_id, other_person_id), greatest(person_id, other_person_id));
create index possible_duplicate_open on possible_duplicate(found_at) where status = 'open';

-- A merge re-points every row about the merged-away record to the record kept, and lists each row it moved
-- (and every detail it filled in) so that unmerge puts them back exactly.
create table person_merge (
  id uuid primary key default gen_random_uuid(),
  kept_id uuid not null references person(id),
  merged_id uuid not null references person(id),
  possible_duplicate_id uuid references possible_duplicate(id),
  reason text not null,
  moved json not null,
  filled json not null,
  merged_by uuid references app_user(id),
  merged_at timestamptz not null default now(),
  unmerged_by uuid references app_user(id),
  unmerged_at timestamptz,
  unmerge_reason text,
  check (kept_id <> merged_id)
);
create index person_merge_kept on person_merge(kept_id);
create index person_merge_merged on person_merge(merged_id);
