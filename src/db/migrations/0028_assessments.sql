-- Early Help Assessments (issue 10, second part): for one child or the children of a family, within an early help
-- episode. The current draft is held on the assessment with a version number; every save adds a row to
-- assessment_version (who, when, which fields), so a save made from an older version is never applied silently.
-- Unmet needs are structured rows so plans, panels and reports can count them. Sign-off is a history: each
-- submission to a manager, and the manager's answer (returned with a reason, or signed off).
-- See docs/decisions/0025-early-help-assessments.md.
create table assessment (
  id uuid primary key default gen_random_uuid(),
  episode_id uuid references episode(id),
  author_id uuid not null references app_user(id),
  organisation_id uuid not null references organisation(id),
  -- The threshold guidance the assessment's domains, sub-areas and levels come from.
  guidance_id uuid not null references threshold_guidance(id),
  -- The front door contact that led to it, when there is one.
  contact_id uuid references contact(id),
  status text not null default 'draft' check (status in ('draft', 'submitted', 'returned', 'signed_off')),
  content jsonb not null default '{}',
  version integer not null default 1 check (version > 0),
  -- The version a manager last signed off: kept unchanged in assessment_version while later drafts go on.
  signed_off_version integer,
  started_at timestamptz not null,
  updated_at timestamptz not null,
  updated_by uuid not null references app_user(id)
);
create index assessment_episode on assessment(episode_id);

-- The children the assessment is about: one, or the family's children.
create table assessment_person (
  assessment_id uuid not null references assessment(id),
  person_id uuid not null references person(id),
  primary key (assessment_id, person_id)
);
create index assessment_person_person on assessment_person(person_id);

-- Every saved version: the whole content as it then stood (unmet needs included), and which fields changed.
create table assessment_version (
  id uuid primary key default gen_random_uuid(),
  assessment_id uuid not null references assessment(id),
  number integer not null check (number > 0),
  content jsonb not null,
  changed jsonb not null default '[]',
  section text,
  saved_by uuid not null references app_user(id),
  saved_at timestamptz not null,
  unique (assessment_id, number)
);

-- Unmet needs: for one child (person_id) or the whole family (person_id null), by the guidance's domain and
-- sub-area keys. A removed need keeps its row (removed_at) so a signed-off version's needs can still be counted.
create table assessment_need (
  id uuid primary key default gen_random_uuid(),
  assessment_id uuid not null references assessment(id),
  person_id uuid references person(id),
  domain text not null,
  sub_area text not null,
  description text not null check (char_length(description) between 1 and 2000),
  recorded_by uuid not null references app_user(id),
  recorded_at timestamptz not null,
  removed_by uuid references app_user(id),
  removed_at timestamptz
);
create index assessment_need_assessment on assessment_need(assessment_id) where removed_at is null;

-- Sign-off: each submission of a version to a manager and the manager's answer.
create table assessment_signoff (
  id uuid primary key default gen_random_uuid(),
  assessment_id uuid not null references assessment(id),
  version integer not null,
  submitted_by uuid not null references app_user(id),
  submitted_at timestamptz not null,
  manager_id uuid not null references app_user(id),
  outcome text check (outcome in ('returned', 'signed_off')),
  reason text,
  decided_by uuid references app_user(id),
  decided_at timestamptz,
  check ((outcome is null) = (decided_at is null)),
  check (outcome is distinct from 'returned' or reason is not null)
);
create index assessment_signoff_assessment on assessment_signoff(assessment_id);
