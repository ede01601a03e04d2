-- Early help episodes (issue 10, first part): a family's or a child's time in early help, opened from a front door
-- decision, an assessment, a panel or by hand, and closed with a reason. Each episode has one lead practitioner at a
-- time (episode_lead: a history, changed only through a recorded handover) and a team around the family
-- (episode_member). See docs/decisions/0024-early-help-episodes.md.
create table episode (
  id uuid primary key default gen_random_uuid(),
  opened_at timestamptz not null,
  opened_by uuid not null references app_user(id),
  opened_from text not null check (opened_from in ('front_door_contact', 'assessment', 'panel', 'manual')),
  -- The record it was opened from (a front door contact now; an assessment or panel later), when there is one.
  opened_from_id uuid,
  status text not null default 'open' check (status in ('open', 'closed')),
  closed_at timestamptz,
  closed_by uuid references app_user(id),
  close_reason text check (close_reason in ('needs_met', 'stepped_up', 'stepped_down', 'family_declined', 'moved_away', 'other')),
  close_note text,
  check ((status = 'closed') = (closed_at is not null and close_reason is not null))
);

-- The children (and other household members) the episode covers.
create table episode_person (
  episode_id uuid not null references episode(id),
  person_id uuid not null references person(id),
  primary key (episode_id, person_id)
);
create index episode_person_person on episode_person(person_id);

-- The lead practitioner, as a history: one row per appointment. The current lead has ended_at null; a handover
-- ends the outgoing row and starts the incoming one in the same transaction, with the handover note on the new row.
create table episode_lead (
  id uuid primary key default gen_random_uuid(),
  episode_id uuid not null references episode(id),
  user_id uuid not null references app_user(id),
  started_at timestamptz not null,
  ended_at timestamptz,
  appointed_by uuid not null references app_user(id),
  -- The handover from the previous lead (null for the first appointment).
  handover_from uuid references app_user(id),
  handover_note text,
  handover_agreed_on date,
  acknowledged_at timestamptz,
  check ((handover_from is null) = (handover_note is null))
);
create unique index episode_lead_current on episode_lead(episode_id) where ended_at is null;
create index episode_lead_user on episode_lead(user_id) where ended_at is null;

-- The team around the family: a user of the service, a named practitioner outside it, or a directory service.
create table episode_member (
  id uuid primary key default gen_random_uuid(),
  episode_id uuid not null references episode(id),
  user_id uuid references app_user(id),
  outside_name text,
  outside_organisation text,
  directory_service_id uuid references directory_service(id),
  role text not null,
  joined_on date not null,
  left_on date,
  added_by uuid not null references app_user(id),
  added_at timestamptz not null,
  left_by uuid references app_user(id),
  left_at timestamptz,
  check (
    (user_id is not null)::int + (outside_name is not null)::int + (directory_service_id is not null)::int = 1
  ),
  check ((outside_name is null) = (outside_organisation is null))
);
create index episode_member_episode on episode_member(episode_id);
create index episode_member_user on episode_member(user_id) where left_on is null;
