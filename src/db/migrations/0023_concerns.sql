-- Concerns (dispute) resolution: a practitioner who disagrees with a decision about a child raises a concern about
-- it. The decision is named generically (subject_kind + subject_id), so any feature's decisions can be disagreed
-- with. The concern moves through stages, each with its responders and a working-day deadline (kept in `deadline`,
-- owned by the stage): practitioner to practitioner, line managers, safeguarding leads, then the partnership's
-- formal escalation procedure.
create table concern (
  id uuid primary key default gen_random_uuid(),
  subject_kind text not null check (subject_kind ~ '^[a-z_]{1,40}$'),
  subject_id uuid not null,
  person_id uuid not null references person(id),
  raised_by uuid not null references app_user(id),
  raised_by_organisation_id uuid not null references organisation(id),
  raised_at timestamptz not null,
  disagreement text not null,
  outcome_wanted text not null,
  status text not null default 'open' check (status in ('open', 'resolved')),
  resolution text check (resolution in ('agreed', 'decision_changed', 'decision_stands')),
  resolved_at timestamptz,
  check ((status = 'resolved') = (resolution is not null and resolved_at is not null))
);
create index concern_person on concern(person_id);
create index concern_raised_by on concern(raised_by);
create index concern_subject on concern(subject_kind, subject_id);

create table concern_stage (
  id uuid primary key default gen_random_uuid(),
  concern_id uuid not null references concern(id),
  stage text not null check (stage in ('practitioners', 'line_managers', 'safeguarding_leads', 'formal')),
  opened_at timestamptz not null,
  opened_by uuid references app_user(id),
  -- Set once, by the first to answer: a second answer finds it set and changes nothing.
  outcome text check (outcome in ('agreed', 'decision_changed', 'decision_stands', 'escalated')),
  reasons text,
  answered_by uuid references app_user(id),
  answered_at timestamptz,
  -- When the daily check found it past its deadline and told the next tier (once).
  overdue_at timestamptz,
  unique (concern_id, stage),
  check ((outcome is null) = (answered_at is null))
);

create table concern_responder (
  stage_id uuid not null references concern_stage(id),
  user_id uuid not null references app_user(id),
  why text not null check (why in ('decision_maker', 'raiser_manager', 'decision_maker_manager', 'safeguarding_lead')),
  primary key (stage_id, user_id)
);
create index concern_responder_user on concern_responder(user_id);
