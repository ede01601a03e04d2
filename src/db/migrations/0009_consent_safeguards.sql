-- Consent and sharing safeguards: panels as named teams, a young person's competence to consent,
-- sensitive notes kept to the recorder's organisation, reasons for ending markers, sensitive services
-- and the reason a practitioner gave for adding themselves to a child.

-- A consent naming a panel covers only the members of that panel. Panels are teams marked as panels.
alter table team add column is_panel boolean not null default false;
update team set is_panel = true where name ilike '%panel%';

-- A young person giving their own consent: the practitioner's judgement of their competence (Gillick).
alter table consent
  add column competent boolean,
  add column competence_note text;

-- A sensitive note recorded without consent that covers its category is seen by the recorder's
-- organisation only.
alter table case_note add column own_organisation_only boolean not null default false;
alter table case_note drop constraint case_note_check;
alter table case_note add constraint case_note_sensitive_basis
  check (category is null or consent_id is not null or own_organisation_only);

-- Ending a withhold marker needs a reason, as ending a wish or withdrawing a consent does.
alter table withhold_marker add column ended_reason text;

-- Services whose involvement says something sensitive about a child (ContactPoint's "sensitive services").
insert into sensitive_category (code, label, description)
  select 'domestic_abuse', 'Domestic abuse', 'Domestic abuse, and the services helping families affected by it'
   where not exists (select 1 from sensitive_category where code = 'domestic_abuse' or lower(label) = 'domestic abuse');
alter table organisation add column sensitive_category text references sensitive_category(code);
alter table team add column sensitive_category text references sensitive_category(code);

-- Why a practitioner added themselves to a child, shown on the card with when and by whom.
alter table involvement
  add column added_by uuid references app_user(id),
  add column added_reason text;
