-- Retiring a panel (issue 11, panels as configuration): who retired it, when and why. A retired panel takes no more
-- requests and has no more meetings; its history (requests, meetings, records) stays as it was.
alter table panel add column retired_at timestamptz;
alter table panel add column retired_by uuid references app_user(id);
alter table panel add column retired_reason text;
alter table panel add constraint panel_retirement check (
  (retired_at is null) = (retired_by is null) and (retired_at is null) = (retired_reason is null)
  and (retired_at is null or status = 'retired')
);
