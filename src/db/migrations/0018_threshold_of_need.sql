-- Threshold-of-need guidance as data: each published edit is a new version; nothing is changed in place, so a
-- recorded judgement always shows the guidance in force when it was made.
create table threshold_guidance (
  id uuid primary key default gen_random_uuid(),
  version integer not null unique check (version > 0),
  content jsonb not null,
  note text not null,
  published_by uuid references app_user(id),
  published_at timestamptz not null default now()
);

-- A practitioner's judgement of a child's level of need: the indicators they picked (with their words, as the
-- guidance then put them), the helper's suggestion and the practitioner's own level and rationale, which may differ.
alter table need_level
  add column organisation_id uuid references organisation(id),
  add column guidance_id uuid references threshold_guidance(id),
  add column suggested_level text check (suggested_level in ('universal', 'early_help', 'targeted', 'specialist')),
  add column indicators jsonb not null default '[]';
create index need_level_person_organisation on need_level(person_id, organisation_id);
