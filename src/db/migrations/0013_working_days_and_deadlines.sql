-- Working days and deadlines. Bank holidays come from the date-holidays package; a partnership adds its own
-- closure days here (the days between Christmas and New Year, a local holiday), for everyone (area_id null) or for
-- one area's teams.
create table calendar_closure (
  id uuid primary key default gen_random_uuid(),
  closed_on date not null,
  name text not null check (length(name) between 1 and 100),
  area_id uuid references area(id),
  added_by uuid references app_user(id),
  created_at timestamptz not null default now()
);
create unique index calendar_closure_day
  on calendar_closure (closed_on, coalesce(area_id, '00000000-0000-0000-0000-000000000000'::uuid));

-- A deadline belongs to the record it is about (a contact, a panel meeting, a panel decision), one per rule, and
-- keeps the rule's words as they were when it was set, so a work list can say why a thing is due.
create table deadline (
  id uuid primary key default gen_random_uuid(),
  owner_type text not null,
  owner_id uuid not null,
  rule_code text not null,
  rule_words text not null,
  started_at timestamptz not null,
  due_at timestamptz not null,
  at_risk_from timestamptz not null,
  met_at timestamptz,
  met_by uuid references app_user(id),
  created_at timestamptz not null default now(),
  check (at_risk_from <= due_at),
  check (met_by is null or met_at is not null),
  unique (owner_type, owner_id, rule_code)
);
create index deadline_open_due on deadline (due_at) where met_at is null;
