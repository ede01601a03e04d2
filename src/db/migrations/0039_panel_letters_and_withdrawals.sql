-- The family's decision letter and withdrawing a request to a panel (issue 11). A case's record keeps when the
-- letter with the panel's decisions was sent to the family, how, in which language and who recorded it. A request
-- can be withdrawn by its referrer or the panel's administrator before it is discussed, with a reason, kept in
-- status_reason as a decline's or redirect's is. See docs/decisions/0037-decision-letters-and-withdrawals.md.
alter table panel_case_record
  add column letter_sent_on date,
  add column letter_method text check (letter_method in ('given', 'posted', 'emailed')),
  add column letter_language text,
  add column letter_recorded_by uuid references app_user(id),
  add column letter_recorded_at timestamptz,
  add constraint panel_case_record_letter check (
    (letter_sent_on is null) = (letter_method is null)
    and (letter_sent_on is null) = (letter_recorded_by is null)
    and (letter_sent_on is null) = (letter_recorded_at is null)
  );

alter table panel_request drop constraint panel_request_check;
alter table panel_request
  add constraint panel_request_status_reason check ((status in ('declined', 'redirected', 'withdrawn')) = (status_reason is not null));
alter table panel_request
  add column withdrawn_by uuid references app_user(id),
  add column withdrawn_at timestamptz,
  add constraint panel_request_withdrawn check ((status = 'withdrawn') = (withdrawn_at is not null)),
  add constraint panel_request_withdrawn_by check ((withdrawn_by is null) = (withdrawn_at is null));
