-- An agency that received a request it cannot meet redirects it to a panel, with the family told and agreeing
-- (issue 11). The panel request it opens names the received request it came from, why the agency cannot meet it,
-- and who in the family agreed, on what date and how. See docs/decisions/0039-redirecting-a-received-request-to-a-panel.md.
alter table panel_request add column redirected_from_kind text check (redirected_from_kind in ('contact'));
alter table panel_request add column redirected_from_id uuid;
alter table panel_request add column redirected_in_reason text;
alter table panel_request add column family_agreed_by text;
alter table panel_request add column family_agreed_on date;
alter table panel_request add column family_agreed_how text check (family_agreed_how in ('in_person', 'phone', 'letter'));
alter table panel_request add constraint panel_request_redirected_from check (
  (redirected_from_kind is null) = (redirected_from_id is null)
  and (redirected_from_kind is null) = (redirected_in_reason is null)
  and (redirected_from_kind is null) = (family_agreed_by is null)
  and (redirected_from_kind is null) = (family_agreed_on is null)
  and (redirected_from_kind is null) = (family_agreed_how is null)
);
create index panel_request_redirected_from on panel_request(redirected_from_kind, redirected_from_id)
  where redirected_from_id is not null;
