-- Recorded conversations between practitioners (phone calls, meetings, video calls) about one or more children:
-- who took part, what was agreed, the actions and their owners, who the outcome was sent to, and, some working days
-- later, whether each participant thinks the conversation helped meet the child's needs. The recorder's
-- organisation owns the record: another agency reads it as it reads any case detail (consent or a lawful basis).
create table conversation (
  id uuid primary key default gen_random_uuid(),
  -- The child whose record it was started from (the children it is about are in conversation_child).
  person_id uuid not null references person(id),
  organisation_id uuid not null references organisation(id),
  kind text not null check (kind in ('phone', 'meeting', 'video')),
  held_on date not null,
  concerns text check (length(concerns) <= 10000),
  strengths text check (length(strengths) <= 10000),
  agreed text not null check (length(agreed) between 1 and 10000),
  recorded_by uuid not null references app_user(id),
  recorded_at timestamptz not null,
  -- The London date the participants are asked whether it helped.
  follow_up_on date not null
);
create index conversation_recorded on conversation (recorded_at);

-- Keyed by id (not by the pair) so that merging two records of one child moves rows as it moves every other.
create table conversation_child (
  id uuid primary key default gen_random_uuid(),
  conversation_id uuid not null references conversation(id),
  person_id uuid not null references person(id)
);
create index conversation_child_person on conversation_child (person_id);
create index conversation_child_conversation on conversation_child (conversation_id);

-- A participant is a user of the service, or someone outside it named with their organisation and role.
create table conversation_participant (
  id uuid primary key default gen_random_uuid(),
  conversation_id uuid not null references conversation(id),
  user_id uuid references app_user(id),
  name text check (length(name) between 1 and 200),
  organisation_name text check (length(organisation_name) <= 200),
  role text check (length(role) <= 200),
  check ((user_id is null) <> (name is null))
);
create index conversation_participant_conversation on conversation_participant (conversation_id);
create index conversation_participant_user on conversation_participant (user_id) where user_id is not null;

create table conversation_action (
  id uuid primary key default gen_random_uuid(),
  conversation_id uuid not null references conversation(id),
  description text not null check (length(description) between 1 and 2000),
  owner_user_id uuid not null references app_user(id),
  due_on date not null,
  done_at timestamptz,
  done_by uuid references app_user(id),
  check ((done_at is null) = (done_by is null))
);
create index conversation_action_conversation on conversation_action (conversation_id);
create index conversation_action_owner on conversation_action (owner_user_id) where done_at is null;

-- The practitioners the outcome was communicated to (each was notified).
create table conversation_recipient (
  conversation_id uuid not null references conversation(id),
  user_id uuid not null references app_user(id),
  primary key (conversation_id, user_id)
);

-- "Did this conversation help meet the child's needs?", asked of each participant who is a user. The answerer's
-- organisation is kept for the report, which counts answers and never shows who gave them.
create table conversation_follow_up (
  id uuid primary key default gen_random_uuid(),
  conversation_id uuid not null references conversation(id),
  user_id uuid not null references app_user(id),
  organisation_id uuid not null references organisation(id),
  asked_at timestamptz not null,
  answer text check (answer in ('yes', 'partly', 'no')),
  comment text check (length(comment) <= 2000),
  answered_at timestamptz,
  unique (conversation_id, user_id),
  check ((answer is null) = (answered_at is null))
);

-- A partnership's setting: how many working days after a conversation its participants are asked whether it helped.
alter table area add column conversation_follow_up_working_days integer not null default 10
  check (conversation_follow_up_working_days between 1 and 60);
