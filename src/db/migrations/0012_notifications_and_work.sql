-- In-app notifications, the email each user wants about them, and the work list.

-- How a user wants to hear of new notifications by email: one email each time, or one a day listing nothing but a
-- count. The email never carries personal or case data, only a link to the notifications page.
alter table app_user add column notification_email text not null default 'immediate'
  check (notification_email in ('immediate', 'daily'));

-- A notification for one user. The title says what happened in words the recipient may see (never a child's name);
-- the link goes to the record, whose own checks decide what the recipient sees there.
create table notification (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references app_user(id),
  kind text not null,
  title text not null check (length(title) between 1 and 200),
  href text not null check (left(href, 1) = '/' and substr(href, 2, 1) not in ('/', '\')),
  record_type text,
  record_id uuid,
  created_at timestamptz not null,
  read_at timestamptz,
  -- When an email told the user of it (at once, or in a daily digest); null while no email has.
  emailed_at timestamptz
);
create index notification_user on notification (user_id, created_at desc);
create index notification_unread on notification (user_id) where read_at is null;
create index notification_unemailed on notification (user_id) where emailed_at is null;

-- One daily digest per user per London date, so sending the digests twice on a day sends nothing more.
create table notification_digest (
  user_id uuid not null references app_user(id),
  london_date date not null,
  sent_at timestamptz not null,
  notification_count integer not null,
  primary key (user_id, london_date)
);

-- A piece of work for a user or a team. An item about a child names them (person_id) and is shown only to someone who
-- still has a relationship with the child, or, when reach is 'partnership', whose role reaches the child's
-- partnership. An item is due by a deadline (deadline.id) or at an instant, or is undated.
create table work_item (
  id uuid primary key default gen_random_uuid(),
  kind text not null,
  title text not null check (length(title) between 1 and 200),
  href text not null check (left(href, 1) = '/' and substr(href, 2, 1) not in ('/', '\')),
  source_type text not null,
  source_id uuid not null,
  person_id uuid references person(id),
  reach text not null default 'relationship' check (reach in ('relationship', 'partnership')),
  assigned_user_id uuid references app_user(id),
  assigned_team_id uuid references team(id),
  -- A deadline's id (table deadline, made by a later migration, so no foreign key here).
  deadline_id uuid,
  due_at timestamptz,
  status text not null default 'open' check (status in ('open', 'done')),
  created_at timestamptz not null,
  created_by uuid references app_user(id),
  done_at timestamptz,
  done_by uuid references app_user(id),
  check ((assigned_user_id is null) <> (assigned_team_id is null)),
  check ((status = 'done') = (done_at is not null)),
  check (deadline_id is null or due_at is null)
);
create index work_item_user on work_item (assigned_user_id) where status = 'open';
create index work_item_team on work_item (assigned_team_id) where status = 'open';
create index work_item_source on work_item (source_type, source_id);
create index work_item_person on work_item (person_id);
