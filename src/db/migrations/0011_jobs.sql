-- Durable jobs kept in the database (docs/decisions/0011-durable-jobs-in-the-database.md). A worker claims due
-- jobs with FOR UPDATE SKIP LOCKED and takes a lease (locked_by, locked_until): a job whose worker died is claimed
-- again once its lease has passed. A job with a dedupe_key exists once, however many instances enqueue it.
create table job (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (length(kind) between 1 and 100),
  payload jsonb not null default '{}'::jsonb,
  state text not null default 'queued' check (state in ('queued', 'running', 'done', 'failed')),
  run_at timestamptz not null default now(),
  attempts integer not null default 0 check (attempts >= 0),
  max_attempts integer not null default 5 check (max_attempts between 1 and 100),
  locked_by text,
  locked_until timestamptz,
  last_error text,
  dedupe_key text unique check (length(dedupe_key) between 1 and 200),
  created_at timestamptz not null default now(),
  finished_at timestamptz,
  check ((state = 'running') = (locked_until is not null))
);
create index job_due on job (run_at) where state in ('queued', 'running');
create index job_finished on job (state, finished_at) where state in ('done', 'failed');

-- Mail is delivered by one email job per message (dedupe key 'email:<message id>'); the message stays in
-- outbox_message as the record of what was sent and when.
