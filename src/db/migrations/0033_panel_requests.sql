-- Requests to a panel and their administration (issue 11, second part): a practitioner asks a panel to discuss a
-- child or family; the panel's administrator accepts, declines or redirects it and allocates it a slot on a meeting's
-- agenda. A child on two forums' agendas at once is acknowledged by each. See docs/decisions/0030-panel-requests.md.
create table panel_request (
  id uuid primary key default gen_random_uuid(),
  panel_id uuid not null references panel(id),
  -- The child whose record the request was made from; panel_request_person lists every child it is about.
  person_id uuid not null references person(id),
  referrer_user_id uuid not null references app_user(id),
  referrer_organisation_id uuid not null references organisation(id),
  episode_id uuid references episode(id),
  -- The signed-off Early Help Assessment the request rests on, and the version signed off.
  assessment_id uuid references assessment(id),
  assessment_version integer,
  -- The steps before referring (seed 003) the referrer says were done, by code.
  checklist text[] not null default '{}',
  changes_wanted text,
  success_criteria text,
  questions text,
  -- Gateway panels: the directory service asked for, and the eligibility check (outcome and reasons) at the time.
  service_id uuid references directory_service(id),
  eligibility jsonb,
  -- What allows sharing with the panel: a consent naming it, or a recorded lawful basis.
  sharing_basis text check (sharing_basis in ('consent', 'lawful_basis')),
  sharing_basis_id uuid,
  status text not null default 'submitted'
    check (status in ('submitted', 'accepted', 'declined', 'redirected', 'withdrawn', 'discussed')),
  -- Why it was declined or redirected, and where a redirect sends it.
  status_reason text,
  redirected_to text check (redirected_to in ('front_door', 'school_liaison_meeting', 'other_panel', 'other')),
  decided_by uuid references app_user(id),
  decided_at timestamptz,
  -- The meeting and its place on the agenda (1 is the first slot).
  meeting_id uuid references panel_meeting(id),
  slot_order integer check (slot_order is null or slot_order >= 1),
  papers_submitted_at timestamptz,
  -- The chair agreed that late papers stay on this meeting.
  late_papers_agreed_by uuid references app_user(id),
  late_papers_agreed_at timestamptz,
  invitation_sent_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((status in ('declined', 'redirected')) = (status_reason is not null)),
  check ((meeting_id is null) = (slot_order is null))
);
create index panel_request_panel on panel_request(panel_id, status);
create index panel_request_person_idx on panel_request(person_id);
create index panel_request_meeting on panel_request(meeting_id);

create table panel_request_person (
  request_id uuid not null references panel_request(id),
  person_id uuid not null references person(id),
  primary key (request_id, person_id)
);
create index panel_request_person_person on panel_request_person(person_id);

-- "Same child at two forums": one side (the panel's administrator or chair, or the TAF meeting's lead or team) records
-- that it knows the child is also on the other forum's agenda.
create table panel_forum_acknowledgement (
  id uuid primary key default gen_random_uuid(),
  request_id uuid not null references panel_request(id),
  person_id uuid not null references person(id),
  other_kind text not null check (other_kind in ('panel_request', 'taf_meeting')),
  other_id uuid not null,
  side text not null check (side in ('panel', 'other')),
  acknowledged_by uuid not null references app_user(id),
  acknowledged_at timestamptz not null default now(),
  unique (request_id, person_id, other_kind, other_id, side)
);
