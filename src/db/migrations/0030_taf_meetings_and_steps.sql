-- Team around the family meetings and stepping up and down (issue 10, fourth part). See
-- docs/decisions/0027-taf-meetings-and-steps.md.

-- A meeting of an episode's team around the family: scheduled first, recorded afterwards with who came, the
-- family's views and the decisions.
create table taf_meeting (
  id uuid primary key default gen_random_uuid(),
  episode_id uuid not null references episode(id),
  meets_at timestamptz not null,
  format text not null check (format in ('in_person', 'video', 'phone')),
  -- Where (an address or a room) or how (the call's details), as the team needs to know it.
  place text not null,
  chair_user_id uuid not null references app_user(id),
  scheduled_by uuid not null references app_user(id),
  scheduled_at timestamptz not null,
  status text not null default 'scheduled' check (status in ('scheduled', 'held')),
  recorded_by uuid references app_user(id),
  recorded_at timestamptz,
  family_views text,
  next_meeting_on date,
  check ((status = 'held') = (recorded_at is not null and recorded_by is not null))
);
create index taf_meeting_episode on taf_meeting(episode_id);
create index taf_meeting_meets_at on taf_meeting(meets_at);

-- Attendance of each member of the team (a team row) or the lead practitioner (a user), when recorded.
create table taf_meeting_attendance (
  id uuid primary key default gen_random_uuid(),
  meeting_id uuid not null references taf_meeting(id),
  member_id uuid references episode_member(id),
  user_id uuid references app_user(id),
  name text not null,
  organisation text,
  attendance text not null check (attendance in ('present', 'apologies', 'absent')),
  check ((member_id is not null)::int + (user_id is not null)::int = 1)
);
create index taf_meeting_attendance_meeting on taf_meeting_attendance(meeting_id);

-- Family members present (from the household).
create table taf_meeting_family (
  meeting_id uuid not null references taf_meeting(id),
  person_id uuid not null references person(id),
  primary key (meeting_id, person_id)
);
create index taf_meeting_family_person on taf_meeting_family(person_id);

-- Others present, by name and organisation.
create table taf_meeting_other (
  id uuid primary key default gen_random_uuid(),
  meeting_id uuid not null references taf_meeting(id),
  position int not null,
  name text not null,
  organisation text not null
);

-- The decisions, a list of short items in order.
create table taf_meeting_decision (
  id uuid primary key default gen_random_uuid(),
  meeting_id uuid not null references taf_meeting(id),
  position int not null,
  decision text not null
);
create index taf_meeting_decision_meeting on taf_meeting_decision(meeting_id);

-- Stepping up from an episode to children's social care (a front door contact) and down from social care into a
-- new episode (with the handover conversation). Both are planned conversations shown on the chronology.
create table episode_step (
  id uuid primary key default gen_random_uuid(),
  episode_id uuid not null references episode(id),
  direction text not null check (direction in ('up', 'down')),
  at timestamptz not null,
  by_user_id uuid not null references app_user(id),
  -- Up: why now, what has changed, the risk answer and the contact made at the front door.
  why_now text,
  what_changed text,
  significant_harm boolean,
  contact_id uuid references contact(id),
  -- Down: the handover conversation with the incoming lead.
  lead_user_id uuid references app_user(id),
  held_on date,
  present text,
  summary text,
  family_told text,
  check ((direction = 'up') = (contact_id is not null)),
  check ((direction = 'down') = (lead_user_id is not null and held_on is not null and summary is not null))
);
create index episode_step_episode on episode_step(episode_id);
create unique index episode_step_contact on episode_step(contact_id) where contact_id is not null;

alter table episode drop constraint episode_opened_from_check;
alter table episode add constraint episode_opened_from_check
  check (opened_from in ('front_door_contact', 'assessment', 'panel', 'manual', 'step_down'));
