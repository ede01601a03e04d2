-- Multi-agency panels as configuration (issue 11, first part): a panel is no longer a team marked `is_panel` but a
-- record of its own with its model, cadence and timings, its members by agency (with deputies, chairs, an
-- administrator and invited advisers), the directory services it is the gateway to, and its meetings.
-- See docs/decisions/0029-panels-as-configuration.md.
create table panel (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  model text not null check (model in ('area_family_support', 'complex_case_gateway', 'other')),
  -- What an "other" model is, in the administrator's words.
  model_description text,
  area_id uuid references area(id),
  remit text,
  cadence_weeks integer not null default 2 check (cadence_weeks between 1 and 12),
  -- ISO weekday: 1 Monday … 5 Friday (panels meet on working days).
  weekday integer not null default 3 check (weekday between 1 and 5),
  start_time text not null default '10:00' check (start_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  max_minutes integer not null default 120 check (max_minutes between 15 and 480),
  slot_minutes integer not null default 15 check (slot_minutes between 5 and 120),
  papers_due_working_days integer not null default 5 check (papers_due_working_days between 0 and 30),
  invitation_days integer not null default 3 check (invitation_days between 0 and 30),
  circulation_working_days integer not null default 4 check (circulation_working_days between 0 and 30),
  decisions_hours integer not null default 48 check (decisions_hours between 1 and 240),
  status text not null default 'active' check (status in ('active', 'retired')),
  -- The team it was before panels were configuration, if any (the team stays an ordinary team).
  from_team_id uuid references team(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (slot_minutes <= max_minutes),
  check ((model = 'other') = (model_description is not null))
);
create unique index panel_name on panel (lower(name));

create table panel_member (
  id uuid primary key default gen_random_uuid(),
  panel_id uuid not null references panel(id),
  user_id uuid not null references app_user(id),
  -- The agency the member represents (their own organisation unless said otherwise).
  organisation_id uuid not null references organisation(id),
  role text not null check (role in ('member', 'deputy', 'chair', 'deputy_chair', 'administrator', 'adviser')),
  -- A deputy stands in for one member.
  deputy_for uuid references panel_member(id),
  adviser_kind text check (adviser_kind in (
    'care_coordination', 'faith_and_minority_ethnic', 'childrens_information_service', 'other')),
  from_date date not null,
  -- The day the membership ended: a member from from_date up to the day before to_date.
  to_date date,
  created_at timestamptz not null default now(),
  check ((role = 'deputy') = (deputy_for is not null)),
  check ((role = 'adviser') = (adviser_kind is not null)),
  check (to_date is null or to_date >= from_date)
);
create index panel_member_panel on panel_member(panel_id);
create index panel_member_user on panel_member(user_id);

create table panel_gateway_service (
  panel_id uuid not null references panel(id),
  service_id uuid not null references directory_service(id),
  primary key (panel_id, service_id)
);

create table panel_meeting (
  id uuid primary key default gen_random_uuid(),
  panel_id uuid not null references panel(id),
  meeting_date date not null,
  start_time text not null check (start_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  end_time text not null check (end_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  venue text,
  status text not null default 'scheduled' check (status in ('scheduled', 'cancelled', 'held')),
  -- The cadence's date when a bank holiday or closure moved the meeting, and why.
  moved_from date,
  moved_reason text,
  -- iCalendar SEQUENCE: 0 when generated, one more for each change sent to members.
  sequence integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (end_time > start_time)
);
create index panel_meeting_panel on panel_meeting(panel_id, meeting_date);
create unique index panel_meeting_one_a_day on panel_meeting(panel_id, meeting_date) where status <> 'cancelled';

-- Teams marked as panels become panels, with their members who hold a panel role.
insert into panel (name, model, model_description, area_id, from_team_id)
select t.name,
       case when t.name ilike '%family support%' then 'area_family_support' else 'other' end,
       case when t.name ilike '%family support%' then null else 'Moved from the team of the same name' end,
       t.area_id, t.id
  from team t
 where t.is_panel
   and not exists (select 1 from team o where o.is_panel and lower(o.name) = lower(t.name) and o.id < t.id);

insert into panel_member (panel_id, user_id, organisation_id, role, from_date)
select p.id, u.id, u.organisation_id,
       case when exists (select 1 from user_role r where r.user_id = u.id and r.role = 'panel_chair') then 'chair'
            when exists (select 1 from user_role r where r.user_id = u.id and r.role = 'panel_admin') then 'administrator'
            else 'member' end,
       current_date
  from panel p
  join user_team ut on ut.team_id = p.from_team_id
  join app_user u on u.id = ut.user_id
 where exists (select 1 from user_role r where r.user_id = u.id
                 and r.role in ('panel_admin', 'panel_chair', 'panel_member'));

-- A consent naming a panel keeps its name as recorded and now also points at the panel, so a later rename does
-- not change whom it covers.
alter table consent_recipient add column panel_id uuid references panel(id);
update consent_recipient r set panel_id = p.id from panel p
 where r.kind = 'panel' and lower(trim(r.panel_name)) = lower(p.name);

alter table team drop column is_panel;
