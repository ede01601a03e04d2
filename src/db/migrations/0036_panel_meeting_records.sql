-- The record of a panel meeting (issue 11, at and after the meeting): who attended, and for each case on the agenda
-- the discussion, the outcomes (seed 003's eight), task-centred recommendations to agencies, a school family worker
-- recommendation, the lead professional and a noted dissent. The chair approves the record; approval puts the
-- decisions on the child's chronology and index and the recommendations on the agencies' work lists.
-- See docs/decisions/0034-panel-meeting-records.md.
create table panel_meeting_record (
  meeting_id uuid primary key references panel_meeting(id),
  started_by uuid not null references app_user(id),
  started_at timestamptz not null,
  updated_at timestamptz not null,
  approved_by uuid references app_user(id),
  approved_at timestamptz,
  check ((approved_by is null) = (approved_at is null))
);

-- Attendance: one row for each seat on the panel (member, chair, deputy chair, administrator, adviser) and one for
-- each case's referrer.
create table panel_attendance (
  id uuid primary key default gen_random_uuid(),
  meeting_id uuid not null references panel_meeting(id),
  member_id uuid references panel_member(id),
  request_id uuid references panel_request(id),
  status text not null check (status in ('present', 'apologies', 'deputy_sent', 'absent')),
  -- The deputy who came instead of the member.
  deputy_member_id uuid references panel_member(id),
  check ((member_id is null) <> (request_id is null)),
  check ((status = 'deputy_sent') = (deputy_member_id is not null)),
  check (request_id is null or status in ('present', 'absent'))
);
create unique index panel_attendance_member on panel_attendance(meeting_id, member_id) where member_id is not null;
create unique index panel_attendance_referrer on panel_attendance(meeting_id, request_id) where request_id is not null;

create table panel_case_record (
  request_id uuid primary key references panel_request(id),
  meeting_id uuid not null references panel_meeting(id),
  discussion text not null,
  -- Seed 003's possible outcomes, by code; more than one may be chosen.
  outcomes text[] not null check (cardinality(outcomes) >= 1),
  -- A recommendation that the school's family worker be involved, through the head teacher or the SENCO.
  school_organisation_id uuid references organisation(id),
  school_contact text check (school_contact in ('head_teacher', 'senco')),
  school_note text,
  -- The lead professional: a named person, or a lead agency asked to allocate one.
  lead_kind text check (lead_kind in ('person', 'agency')),
  lead_user_id uuid references app_user(id),
  lead_organisation_id uuid references organisation(id),
  lead_criteria text[] not null default '{}',
  lead_objectives text,
  lead_review_on date,
  lead_inform_family text,
  -- Decisions are by consensus; a dissent can be noted: who, which agency, why.
  dissent_user_id uuid references app_user(id),
  dissent_organisation_id uuid references organisation(id),
  dissent_reason text,
  recorded_by uuid not null references app_user(id),
  recorded_at timestamptz not null,
  check ((school_organisation_id is null) = (school_contact is null)),
  check (lead_kind is null or (lead_organisation_id is not null and lead_objectives is not null
    and lead_review_on is not null and lead_inform_family is not null)),
  check ((lead_kind = 'person') = (lead_user_id is not null)),
  check ((dissent_reason is null) = (dissent_user_id is null))
);
create index panel_case_record_meeting on panel_case_record(meeting_id);

-- A task-centred recommendation: what, which agency (its team), by when. On approval it is on that team's work list.
create table panel_recommendation (
  id uuid primary key default gen_random_uuid(),
  request_id uuid not null references panel_request(id),
  what text not null,
  organisation_id uuid not null references organisation(id),
  team_id uuid not null references team(id),
  due_on date not null,
  created_by uuid not null references app_user(id),
  created_at timestamptz not null
);
create index panel_recommendation_request on panel_recommendation(request_id);
