-- Services directory: the Open Referral UK (HSDS 3.0) entities the partnership publishes, plus what
-- practitioners need beyond the standard (tier, access route, who starts the conversation, review date),
-- versioned eligibility rules and a change history.

-- A provider as the directory knows it. Local providers link to a platform organisation, whose managers
-- may then edit its entries; providers loaded from another directory's feed have no such link.
create table directory_organisation (
  id uuid primary key default gen_random_uuid(),
  organisation_id uuid references organisation(id),
  name text not null,
  description text not null default '',
  email text,
  website text,
  source text not null default 'local' check (source in ('local', 'import')),
  source_feed text,
  is_demo boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index directory_organisation_owner on directory_organisation(organisation_id);

create table directory_taxonomy (
  id uuid primary key,
  name text not null,
  description text not null default '',
  uri text,
  version text,
  updated_at timestamptz not null default now()
);

create table directory_taxonomy_term (
  id uuid primary key,
  taxonomy_id uuid references directory_taxonomy(id),
  parent_id uuid references directory_taxonomy_term(id),
  code text,
  name text not null,
  description text not null default '',
  term_uri text,
  updated_at timestamptz not null default now()
);
create index directory_taxonomy_term_taxonomy on directory_taxonomy_term(taxonomy_id);

create table directory_service (
  id uuid primary key default gen_random_uuid(),
  directory_organisation_id uuid not null references directory_organisation(id),
  name text not null,
  description text not null default '',
  url text,
  email text,
  status text not null default 'active' check (status in ('active', 'inactive', 'defunct', 'temporarily closed')),
  fees text,
  minimum_age numeric(5, 2),
  maximum_age numeric(5, 2),
  -- Beyond the standard: where the service sits, how a practitioner gets a family to it, whom to ring first.
  tier text check (tier in ('universal', 'targeted', 'specialist')),
  access_route text check (access_route in ('direct', 'front_door', 'panel')),
  access_panel text,
  how_to_refer text,
  start_conversation text,
  start_conversation_phone text,
  alert text,
  assured_date date,
  review_date date not null,
  source text not null default 'local' check (source in ('local', 'import')),
  source_feed text,
  is_demo boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (minimum_age is null or maximum_age is null or minimum_age <= maximum_age),
  check (access_route is distinct from 'panel' or access_panel is not null)
);
create index directory_service_org on directory_service(directory_organisation_id);
create index directory_service_review on directory_service(review_date);
create index directory_service_name_trgm on directory_service using gin (lower(name) gin_trgm_ops);

create table directory_service_taxonomy (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references directory_service(id) on delete cascade,
  taxonomy_term_id uuid not null references directory_taxonomy_term(id),
  unique (service_id, taxonomy_term_id)
);
create index directory_service_taxonomy_term on directory_service_taxonomy(taxonomy_term_id);

-- Where a service is offered: a platform area or cluster, or (for imported entries) a named extent.
create table directory_service_area (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references directory_service(id) on delete cascade,
  area_id uuid references area(id),
  name text not null,
  extent text,
  extent_type text
);
create index directory_service_area_service on directory_service_area(service_id);
create index directory_service_area_area on directory_service_area(area_id);

create table directory_location (
  id uuid primary key default gen_random_uuid(),
  location_type text not null default 'physical' check (location_type in ('physical', 'postal', 'virtual')),
  name text,
  description text,
  latitude double precision,
  longitude double precision,
  address_id uuid not null default gen_random_uuid(),
  address_1 text,
  city text,
  state_province text,
  postal_code text,
  country text not null default 'GB',
  accessibility text,
  is_demo boolean not null default false,
  created_at timestamptz not null default now()
);

create table directory_service_at_location (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references directory_service(id) on delete cascade,
  location_id uuid not null references directory_location(id),
  unique (service_id, location_id)
);
create index directory_service_at_location_location on directory_service_at_location(location_id);

-- Weekly opening times (RFC 5545 BYDAY codes). A service open around the clock has 00:00 to 23:59 every day.
create table directory_schedule (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references directory_service(id) on delete cascade,
  service_at_location_id uuid references directory_service_at_location(id) on delete cascade,
  freq text not null default 'WEEKLY' check (freq in ('WEEKLY', 'MONTHLY')),
  byday text not null,
  opens_at time,
  closes_at time,
  description text
);
create index directory_schedule_service on directory_schedule(service_id);

-- Contacts are roles and team lines, never the people a service works with.
create table directory_contact (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references directory_service(id) on delete cascade,
  name text,
  title text,
  email text
);
create index directory_contact_service on directory_contact(service_id);

create table directory_phone (
  id uuid primary key default gen_random_uuid(),
  service_id uuid references directory_service(id) on delete cascade,
  contact_id uuid references directory_contact(id) on delete cascade,
  number text not null,
  description text,
  check (service_id is not null or contact_id is not null)
);
create index directory_phone_service on directory_phone(service_id);

create table directory_language (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references directory_service(id) on delete cascade,
  name text not null,
  code text
);
create index directory_language_service on directory_language(service_id);

-- Eligibility rules as data. Every edit writes a new version; evaluations name the version they used.
create table eligibility_rule_set (
  id uuid primary key default gen_random_uuid(),
  service_id uuid not null references directory_service(id) on delete cascade,
  version integer not null check (version > 0),
  rules jsonb not null,
  change_note text not null,
  created_by uuid references app_user(id),
  created_by_name text,
  created_at timestamptz not null default now(),
  unique (service_id, version)
);

-- What changed in an entry, by whom: shown to editors as the entry's history.
create table directory_change (
  id bigint generated always as identity primary key,
  service_id uuid references directory_service(id) on delete set null,
  action text not null,
  summary text not null,
  details jsonb not null default '{}'::jsonb,
  changed_by uuid references app_user(id),
  changed_by_name text,
  changed_at timestamptz not null
);
create index directory_change_service on directory_change(service_id, changed_at desc);

-- Approximate centroids of postcode districts (outward codes), enough for "services near this postcode".
create table postcode_district (
  district text primary key,
  latitude double precision not null,
  longitude double precision not null
);

create table area_postcode_district (
  area_id uuid not null references area(id),
  district text not null references postcode_district(district),
  primary key (area_id, district)
);
create index area_postcode_district_district on area_postcode_district(district);

insert into postcode_district (district, latitude, longitude) values
  ('LS1', 53.7960, -1.5470), ('LS2', 53.8010, -1.5440), ('LS3', 53.8010, -1.5640), ('LS4', 53.8100, -1.5800),
  ('LS5', 53.8190, -1.6020), ('LS6', 53.8200, -1.5730), ('LS7', 53.8220, -1.5330), ('LS8', 53.8250, -1.5030),
  ('LS9', 53.7980, -1.5050), ('LS10', 53.7680, -1.5310), ('LS11', 53.7800, -1.5570), ('LS12', 53.7920, -1.5940),
  ('LS13', 53.8070, -1.6350), ('LS14', 53.8270, -1.4580), ('LS15', 53.8010, -1.4480), ('LS16', 53.8500, -1.5950),
  ('LS17', 53.8600, -1.5300), ('LS18', 53.8430, -1.6420), ('LS19', 53.8600, -1.6850), ('LS20', 53.8760, -1.7130),
  ('LS21', 53.9050, -1.6900), ('LS22', 53.9250, -1.3900), ('LS25', 53.7850, -1.3200), ('LS26', 53.7450, -1.4500),
  ('LS27', 53.7470, -1.6000), ('LS28', 53.7990, -1.6650), ('LS29', 53.9220, -1.8200),
  ('LU1', 51.8760, -0.4230), ('LU2', 51.8990, -0.3930), ('LU3', 51.9100, -0.4500), ('LU4', 51.9000, -0.4800),
  ('LE1', 52.6360, -1.1330), ('LE2', 52.6100, -1.1100), ('LE3', 52.6330, -1.1900), ('LE4', 52.6650, -1.1300),
  ('LE5', 52.6400, -1.0800), ('LE15', 52.6700, -0.7270);

-- The needs taxonomy the directory's filters use. Imported feeds may add their own taxonomies.
insert into directory_taxonomy (id, name, description, version) values
  ('43923649-3ae7-47a5-b49f-bee9cb738e84', 'Early help needs',
   'Needs a children''s and families'' service can help with, as practitioners in an early help partnership search for them.', '1');

insert into directory_taxonomy_term (id, taxonomy_id, code, name, description) values
  ('816cf237-3999-435a-bf6e-81b0e14f558c', '43923649-3ae7-47a5-b49f-bee9cb738e84', 'family-support', 'Family support', 'Practical and emotional support for the whole family.'),
  ('f1bfda15-68aa-4971-ba9c-dcc61ab8708a', '43923649-3ae7-47a5-b49f-bee9cb738e84', 'parenting', 'Parenting', 'Routines, boundaries and parenting capacity.'),
  ('f0fb9bd1-ef64-4944-a110-ac012f025006', '43923649-3ae7-47a5-b49f-bee9cb738e84', 'behaviour-offending', 'Anti-social behaviour and offending', 'Young people whose behaviour or offending puts them or others at risk.'),
  ('28c7464b-d6f2-4740-9683-3d1d67a12a96', '43923649-3ae7-47a5-b49f-bee9cb738e84', 'mental-health', 'Emotional wellbeing and mental health', 'Emotional, behavioural and mental health needs of children and young people.'),
  ('dd15a656-98ec-4b6d-9545-57cfdb64f9b3', '43923649-3ae7-47a5-b49f-bee9cb738e84', 'education', 'Education and attendance', 'School attendance, exclusion and learning.'),
  ('04199631-97ea-41ad-8541-2a5818923a7a', '43923649-3ae7-47a5-b49f-bee9cb738e84', 'speech-language', 'Speech, language and communication', 'Speech, language and communication needs.'),
  ('cb30cfd1-33b8-4332-8fdb-544efa753ebb', '43923649-3ae7-47a5-b49f-bee9cb738e84', 'disability', 'Disability and special educational needs', 'Children and young people with disabilities or special educational needs, and short breaks.'),
  ('ba603a6a-ef95-42ab-b41d-3ad67c709b62', '43923649-3ae7-47a5-b49f-bee9cb738e84', 'early-years', 'Early years', 'Pregnancy, babies and children under five.'),
  ('398bf6b4-2fdf-4794-a0cf-51866f3b4c90', '43923649-3ae7-47a5-b49f-bee9cb738e84', 'domestic-abuse', 'Domestic abuse', 'Families affected by domestic abuse.'),
  ('f78fe581-195c-4196-94f8-bb0a62afb366', '43923649-3ae7-47a5-b49f-bee9cb738e84', 'substance-use', 'Drug and alcohol use', 'Children, young people or parents affected by drug or alcohol use.'),
  ('9ddd204b-c221-4c07-8d0b-e59ab29447fd', '43923649-3ae7-47a5-b49f-bee9cb738e84', 'housing-money', 'Housing and money', 'Housing, debt, benefits and work.'),
  ('e7a7c8bd-b0db-4715-9b40-4354d5bd8c9a', '43923649-3ae7-47a5-b49f-bee9cb738e84', 'youth', 'Youth work and activities', 'Activities, youth work and careers advice for young people.'),
  ('11c84041-079c-4cc5-bf64-233ba17d69eb', '43923649-3ae7-47a5-b49f-bee9cb738e84', 'information-advice', 'Information and advice', 'Finding services, childcare and activities.'),
  ('718ab26d-67e7-4d8a-882c-5805550b6d24', '43923649-3ae7-47a5-b49f-bee9cb738e84', 'safeguarding', 'Safeguarding advice and referrals', 'Concerns that a child may be at risk of harm: advice, referrals and child protection.'),
  ('e8febe16-67c6-4b81-9457-3ed643d3e46e', '43923649-3ae7-47a5-b49f-bee9cb738e84', 'multi-agency', 'Co-ordinating support', 'Putting practitioners in touch, early help assessments, panels and lead practitioners.');
