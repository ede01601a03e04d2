-- Failed sign-ins by client address, so that one source cannot lock accounts wholesale. Rows older than
-- the window are removed as new ones are written.
create table sign_in_failure (
  id uuid primary key default gen_random_uuid(),
  client_ip text not null,
  at timestamptz not null
);
create index sign_in_failure_client_at on sign_in_failure (client_ip, at);
create index sign_in_failure_at on sign_in_failure (at);

-- Every API token now expires. A token made before this change without an expiry date gets 90 days (the default
-- maximum) from the upgrade, so integrations keep working while their owners make new ones.
update api_token set expires_at = now() + interval '90 days' where expires_at is null and revoked_at is null;
