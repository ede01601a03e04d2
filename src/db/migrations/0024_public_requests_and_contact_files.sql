-- Requests for support from practitioners without an account (the public form at /request-support), and files on
-- a contact. A public request has no referrer user or organisation: the sender's verified email address and what
-- they said about themselves are kept on the contact instead. The children are kept as typed until a front door
-- worker matches each to the child index.
alter table contact alter column referrer_user_id drop not null;
alter table contact alter column referrer_organisation_id drop not null;
alter table contact drop constraint contact_via_check;
alter table contact add constraint contact_via_check check (via in ('web', 'api', 'public'));
alter table contact
  add column sender_name text check (length(sender_name) between 1 and 200),
  add column sender_organisation text check (length(sender_organisation) between 1 and 200),
  add column sender_role text check (length(sender_role) between 1 and 200),
  add column sender_email text check (length(sender_email) between 3 and 254),
  add column family text check (length(family) <= 5000),
  -- What the sender said of the family's permission: 'consent' (they agreed) or the lawful basis to share without.
  add column sender_permission text check (sender_permission in ('consent', 'enquiry_risk_of_harm',
    'child_at_risk_of_harm', 'adult_at_risk_of_harm', 'serious_crime')),
  add column sender_permission_reason text check (length(sender_permission_reason) <= 2000);
alter table contact add constraint contact_public_sender check (
  ((via = 'public') = (referrer_user_id is null))
  and ((referrer_user_id is null) = (referrer_organisation_id is null))
  and ((via = 'public') = (sender_email is not null))
  and ((via = 'public') = (sender_permission is not null))
);

-- A child on a public request is matched by the front door, who records the sharing decision if one is needed;
-- until then (and for a public request) the child's row on the contact has no sharing decision of its own.
alter table contact_child alter column sharing_decision_id drop not null;

-- The children as the sender typed them: never looked up for the sender, matched to the index by the front door.
create table contact_typed_child (
  id uuid primary key default gen_random_uuid(),
  contact_id uuid not null references contact(id),
  position integer not null check (position between 1 and 10),
  given_name text not null check (length(given_name) between 1 and 100),
  family_name text not null check (length(family_name) between 1 and 100),
  date_of_birth date,
  address text check (length(address) <= 500),
  postcode text check (length(postcode) <= 10),
  matched_person_id uuid references person(id),
  matched_by uuid references app_user(id),
  matched_at timestamptz,
  unique (contact_id, position),
  check ((matched_person_id is null) = (matched_at is null) and (matched_at is null) = (matched_by is null))
);
create index contact_typed_child_unmatched on contact_typed_child (contact_id) where matched_person_id is null;

-- The single-use links that verify a sender's email address. Only a hash of the token is kept.
create table public_request_token (
  id uuid primary key default gen_random_uuid(),
  token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
  email text not null check (length(email) between 3 and 254),
  sender_name text not null check (length(sender_name) between 1 and 200),
  sender_organisation text not null check (length(sender_organisation) between 1 and 200),
  sender_role text not null check (length(sender_role) between 1 and 200),
  created_at timestamptz not null,
  expires_at timestamptz not null,
  used_at timestamptz,
  contact_id uuid references contact(id),
  check (expires_at > created_at),
  check ((used_at is null) = (contact_id is null))
);
create index public_request_token_email on public_request_token (email, created_at);

-- Files on a contact: the referrer's (their organisation owns them) or the public sender's (no user, no
-- organisation). A contact's files are not on a child's record: person_id stays empty.
alter table attachment drop constraint attachment_owner_kind_check;
alter table attachment add constraint attachment_owner_kind_check check (owner_kind in ('person', 'contact'));
alter table attachment alter column person_id drop not null;
alter table attachment alter column organisation_id drop not null;
alter table attachment alter column uploaded_by drop not null;
alter table attachment add constraint attachment_owner_shape check (
  (owner_kind = 'person' and person_id is not null and organisation_id is not null and uploaded_by is not null)
  or (owner_kind = 'contact' and person_id is null and (uploaded_by is null) = (organisation_id is null))
);
