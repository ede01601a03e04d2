-- The front door: contacts (requests for support) about one or more children, and the decision on each.
-- A contact is case detail of the organisation that made it; the front door sees it through its role within the
-- partnership, the worker holding it works with its children while it is open (src/platform/relationships.ts).
create table contact (
  id uuid primary key default gen_random_uuid(),
  -- A short reference the referrer can quote on the telephone.
  reference text not null unique check (reference ~ '^FD-[0-9A-Z]{6}$'),
  -- The first question: does the referrer believe a child is at risk of significant harm?
  significant_harm boolean not null,
  urgency text not null check (urgency in ('urgent', 'normal')),
  referrer_user_id uuid not null references app_user(id),
  referrer_organisation_id uuid not null references organisation(id),
  -- Children in Need census referral source (1A … 10).
  referral_source text not null check (referral_source ~ '^([1-9][A-F]?|10)$'),
  circumstances text not null,
  -- The indicators picked from the threshold guidance in force: [{ id, text, level, subArea, domain }].
  indicators jsonb not null default '[]',
  guidance_id uuid references threshold_guidance(id),
  needs_to_happen text not null,
  tried text,
  via text not null check (via in ('web', 'api')),
  received_at timestamptz not null,
  status text not null default 'open' check (status in ('open', 'decided')),
  assigned_to uuid references app_user(id),
  assigned_at timestamptz,
  assigned_by uuid references app_user(id),
  check (not significant_harm or urgency = 'urgent'),
  check ((assigned_to is null) = (assigned_at is null))
);
create index contact_open on contact (status, urgency, received_at) where status = 'open';
create index contact_assigned on contact (assigned_to) where status = 'open';
create index contact_referrer on contact (referrer_user_id, received_at desc);

-- The children a contact is about, each with the sharing decision (consent, or a lawful reason) that let it go to
-- the front door.
create table contact_child (
  contact_id uuid not null references contact(id),
  person_id uuid not null references person(id),
  sharing_decision_id uuid not null references sharing_decision(id),
  primary key (contact_id, person_id)
);
create index contact_child_person on contact_child (person_id);

-- The decision: one per contact, never overwritten.
create table contact_decision (
  id uuid primary key default gen_random_uuid(),
  contact_id uuid not null unique references contact(id),
  outcome text not null check (outcome in ('advice', 'signpost', 'targeted_support', 'social_work_assessment',
    'child_protection', 'no_further_action')),
  level text check (level in ('universal', 'early_help', 'targeted', 'specialist')),
  indicators jsonb not null default '[]',
  guidance_id uuid not null references threshold_guidance(id),
  rationale text not null check (length(rationale) > 0),
  advice text,
  directory_service_id uuid references directory_service(id),
  -- For targeted support: the cluster's targeted services leader asked to arrange it.
  leader_user_id uuid references app_user(id),
  -- For advice only or no further action on an urgent contact: the manager who agreed.
  manager_user_id uuid references app_user(id),
  decided_by uuid not null references app_user(id),
  decided_at timestamptz not null,
  check (outcome <> 'signpost' or directory_service_id is not null),
  check (outcome <> 'targeted_support' or leader_user_id is not null)
);
