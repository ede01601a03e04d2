-- Files attached to a record (first use: a child's record). The content is kept in the database, so backup and
-- restore and the embedded engine carry it with everything else; see docs/decisions/0013. The uploader's agency
-- owns an attachment: another agency sees it only as it sees any other case detail (consent or a lawful basis).
create table attachment (
  id uuid primary key default gen_random_uuid(),
  -- What it is attached to. For 'person' the child's record is person_id (so a merge carries it); owner_id keeps
  -- the record it was first attached to.
  owner_kind text not null check (owner_kind in ('person')),
  owner_id uuid not null,
  person_id uuid not null references person(id),
  organisation_id uuid not null references organisation(id),
  uploaded_by uuid not null references app_user(id),
  -- The name as given, for display only; downloads are named by the attachment's id.
  file_name text not null check (length(file_name) between 1 and 255),
  -- Detected from the content, never taken from the name or the browser.
  media_type text not null,
  extension text not null,
  size_bytes integer not null check (size_bytes > 0),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  description text not null check (length(description) between 1 and 500),
  content bytea not null,
  created_at timestamptz not null,
  deleted_at timestamptz,
  deleted_by uuid references app_user(id),
  deleted_reason text,
  check (octet_length(content) = size_bytes),
  check ((deleted_at is null) = (deleted_by is null) and (deleted_at is null) = (deleted_reason is null))
);
create index attachment_owner on attachment (owner_kind, owner_id) where deleted_at is null;
create index attachment_person on attachment (person_id, created_at desc) where deleted_at is null;
