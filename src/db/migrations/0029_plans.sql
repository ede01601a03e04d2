-- SMART plans and their reviews (issue 10, third part): one current plan for an open early help episode, its
-- objectives (the need addressed, a measurable success criterion, a target date, who agreed it and the realistic
-- check), the actions under each objective (owned by a user or by an agency team, on the owner's work list), and the
-- reviews held at the plan's interval. See docs/decisions/0026-smart-plans-and-reviews.md.

-- The partnership's default interval between plan reviews, set by an administrator within 4 to 12 weeks.
alter table area add column plan_review_weeks integer not null default 6 check (plan_review_weeks between 4 and 12);

create table plan (
  id uuid primary key default gen_random_uuid(),
  episode_id uuid not null references episode(id),
  status text not null default 'draft' check (status in ('draft', 'agreed')),
  strengths text not null,
  review_weeks integer not null check (review_weeks between 4 and 12),
  created_at timestamptz not null,
  created_by uuid not null references app_user(id),
  -- Agreed with the family: who in the family agreed it, on which day, recorded by whom and when.
  agreed_with text,
  agreed_on date,
  agreed_at timestamptz,
  agreed_by uuid references app_user(id),
  check ((status = 'agreed') = (agreed_at is not null and agreed_with is not null and agreed_on is not null))
);
create unique index plan_one_per_episode on plan(episode_id);

create table plan_objective (
  id uuid primary key default gen_random_uuid(),
  plan_id uuid not null references plan(id),
  -- The need addressed: the threshold guidance's domain and sub-area keys, and a short description. Linked to the
  -- assessment's unmet needs when that lands.
  need_domain text not null,
  need_sub_area text not null,
  need text not null,
  success_criterion text not null,
  target_date date not null,
  agreed_by_whom text not null,
  realistic boolean not null,
  realistic_note text,
  status text not null default 'open' check (status in ('open', 'achieved', 'not_achieved', 'dropped')),
  created_at timestamptz not null,
  created_by uuid not null references app_user(id),
  check (realistic or realistic_note is not null)
);
create index plan_objective_plan on plan_objective(plan_id);

create table plan_action (
  id uuid primary key default gen_random_uuid(),
  objective_id uuid not null references plan_objective(id),
  what text not null,
  -- The owner: a user of the service, or an agency (its team: the work goes to the team's list).
  owner_user_id uuid references app_user(id),
  owner_team_id uuid references team(id),
  due_date date not null,
  status text not null default 'open' check (status in ('open', 'done', 'dropped')),
  created_at timestamptz not null,
  created_by uuid not null references app_user(id),
  completed_at timestamptz,
  completed_by uuid references app_user(id),
  work_item_id uuid references work_item(id),
  check ((owner_user_id is null) <> (owner_team_id is null)),
  check ((status = 'done') = (completed_at is not null))
);
create index plan_action_objective on plan_action(objective_id);

create table plan_review (
  id uuid primary key default gen_random_uuid(),
  plan_id uuid not null references plan(id),
  held_on date not null,
  family_view text not null,
  next_review_on date not null,
  recorded_at timestamptz not null,
  recorded_by uuid not null references app_user(id),
  check (next_review_on > held_on)
);
create index plan_review_plan on plan_review(plan_id);

create table plan_review_progress (
  review_id uuid not null references plan_review(id),
  objective_id uuid not null references plan_objective(id),
  rating text not null check (rating in ('no_progress', 'some_progress', 'good_progress', 'achieved')),
  note text not null,
  primary key (review_id, objective_id)
);
