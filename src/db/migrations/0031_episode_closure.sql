-- Closing an early help episode when things are better and stay better (issue 10, fifth part). "Needs met" closes
-- only after a sustained period: the lead proposes closure, the episode is monitored for an agreed number of weeks
-- (each partnership's default, or another period with a reason), and then closure is confirmed or a relapse ends
-- the monitoring. The Supporting Families headline outcomes achieved (and then sustained) are recorded with their
-- evidence, and the family's letter is recorded as given or sent. See docs/decisions/0028-closing-an-episode.md.

-- Each partnership's default monitoring period, in weeks.
alter table area add column closure_monitoring_weeks integer not null default 12
  check (closure_monitoring_weeks between 1 and 52);

-- A proposal to close because needs are met, and the monitoring that follows. One at a time for an episode; a
-- relapse ends it (the episode continues) and a later proposal starts a new one.
create table episode_monitoring (
  id uuid primary key default gen_random_uuid(),
  episode_id uuid not null references episode(id),
  proposed_at timestamptz not null,
  proposed_by uuid not null references app_user(id),
  -- What improved (case detail of the proposer's organisation).
  improvement text not null,
  weeks integer not null check (weeks between 1 and 104),
  default_weeks integer not null,
  -- Why the period differs from the partnership's default.
  period_reason text,
  ends_on date not null,
  -- When the lead was asked to confirm closure (the period ended).
  due_notified_at timestamptz,
  ended_at timestamptz,
  ended_by uuid references app_user(id),
  ending text check (ending in ('confirmed', 'relapse', 'closed')),
  relapse_note text,
  check ((ended_at is null) = (ending is null)),
  check ((ending = 'relapse') = (relapse_note is not null)),
  check (weeks = default_weeks or period_reason is not null)
);
create unique index episode_monitoring_current on episode_monitoring(episode_id) where ended_at is null;

-- The Supporting Families headline outcomes claimed for the episode, with the evidence. Recorded when closure is
-- proposed (achieved) and confirmed (sustained); a later proposal replaces them.
create table episode_outcome (
  id uuid primary key default gen_random_uuid(),
  episode_id uuid not null references episode(id),
  outcome text not null check (outcome in (
    'education', 'early_years', 'health', 'substance_use', 'family_relationships',
    'safe_from_abuse', 'crime_prevention', 'domestic_abuse', 'housing', 'financial_stability'
  )),
  achieved boolean not null,
  sustained boolean not null default false,
  evidence text not null check (length(evidence) > 0),
  recorded_by uuid not null references app_user(id),
  recorded_at timestamptz not null,
  check (achieved or not sustained),
  unique (episode_id, outcome)
);

-- The family's letter, recorded as given or sent once the episode has closed.
alter table episode add column letter_recorded_at timestamptz;
alter table episode add column letter_recorded_by uuid references app_user(id);
alter table episode add column letter_method text check (letter_method in ('given', 'posted', 'emailed'));
alter table episode add column letter_language text;
