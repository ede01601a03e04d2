-- After the panel (issue 11): each agency reports whether it implemented the panel's recommendation; a report of
-- non-implementation, with its reason, goes to the panel's chair, who records that it was considered. A report is
-- never overwritten: a correction is a new report that names the one it corrects. See
-- docs/decisions/0036-implementation-reports-and-re-referral.md.
create table panel_recommendation_report (
  id uuid primary key default gen_random_uuid(),
  recommendation_id uuid not null references panel_recommendation(id),
  implemented boolean not null,
  -- When it was implemented (implemented only).
  implemented_on date,
  -- A note on what was done, or why it was not implemented (required then).
  note text,
  reported_by uuid not null references app_user(id),
  reported_at timestamptz not null,
  -- The report this one corrects; a report is corrected at most once.
  corrects_id uuid references panel_recommendation_report(id),
  -- The chair (or a deputy chair) considered a report of non-implementation.
  considered_by uuid references app_user(id),
  considered_at timestamptz,
  considered_note text,
  check (implemented = (implemented_on is not null)),
  check (implemented or note is not null),
  check ((considered_by is null) = (considered_at is null)),
  check (considered_at is null or not implemented)
);
create index panel_recommendation_report_recommendation on panel_recommendation_report(recommendation_id);
create unique index panel_recommendation_report_corrects on panel_recommendation_report(corrects_id)
  where corrects_id is not null;

-- Seed 003: "A case may be re-referred if the solutions proposed are not effective." A new request can name the
-- discussed request it follows, so the panel sees the earlier outcomes and what was not implemented.
alter table panel_request add column previous_request_id uuid references panel_request(id);
create index panel_request_previous on panel_request(previous_request_id) where previous_request_id is not null;
