-- Households get their area from the postcode: fill it in for existing households whose postcode district maps to
-- exactly one area. A district several areas share is left for someone to choose when they record the address.
update household h
   set area_id = m.area_id
  from (select district, (array_agg(area_id))[1] as area_id
          from area_postcode_district group by district having count(*) = 1) m
 where h.area_id is null
   and m.district = upper(regexp_replace(replace(h.postcode, ' ', ''), '[0-9][A-Za-z]{2}$', ''));

-- The targeted services leader's lists read households by area, their current members and the children's records.
create index household_area on household(area_id) where area_id is not null;
create index household_member_current on household_member(household_id, person_id) where moved_out is null;
create index involvement_person_current on involvement(person_id, organisation_id) where ended_on is null;

-- The "Guidance and Support" meeting a targeted services leader holds to find a lead practitioner for families,
-- and the families added to it (a removal is kept, with its reason).
create table guidance_support_meeting (
  id uuid primary key default gen_random_uuid(),
  leader_id uuid not null references app_user(id),
  meets_on date not null,
  set_at timestamptz not null,
  unique (leader_id, meets_on)
);
create table guidance_support_family (
  id uuid primary key default gen_random_uuid(),
  meeting_id uuid not null references guidance_support_meeting(id),
  household_id uuid not null references household(id),
  -- The child whose record the meeting opens to find a lead practitioner.
  person_id uuid not null references person(id),
  added_by uuid not null references app_user(id),
  added_reason text not null,
  added_at timestamptz not null,
  removed_by uuid references app_user(id),
  removed_reason text,
  removed_at timestamptz,
  check ((removed_at is null) = (removed_reason is null))
);
create unique index guidance_support_family_current on guidance_support_family(meeting_id, household_id)
  where removed_at is null;

-- Think Family: an adult's need that affects their parenting, recorded on the household (on one adult living there,
-- or on the household as a whole) by a practitioner working with a child in it. A need in a sensitive category is
-- seen, like a sensitive case note, only by whoever recorded it and organisations a current consent names for it.
insert into sensitive_category (code, label, description) values
  ('domestic_abuse', 'Domestic abuse', 'Domestic abuse in the family and the services helping with it')
  on conflict do nothing;
create table think_family_need (
  id uuid primary key default gen_random_uuid(),
  household_id uuid not null references household(id),
  person_id uuid references person(id),
  need text not null,
  category text references sensitive_category(code),
  note text,
  organisation_id uuid not null references organisation(id),
  recorded_by uuid not null references app_user(id),
  recorded_at timestamptz not null,
  ended_by uuid references app_user(id),
  ended_at timestamptz
);
create index think_family_need_household on think_family_need(household_id) where ended_at is null;
