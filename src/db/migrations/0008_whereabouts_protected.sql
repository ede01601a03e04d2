-- Whereabouts protected: a shielded person, or anyone living now in a household with a shielded person. Every
-- query that returns an address or a postcode asks this one function, so that a shielded child's address never
-- shows through a parent, brother or sister who lives with them.
create function whereabouts_protected(person_id uuid) returns boolean language sql stable as $$
  select exists (select 1 from person p where p.id = $1 and p.shielded)
      or exists (
        select 1
          from household_member hm
          join household_member other on other.household_id = hm.household_id and other.moved_out is null
          join person s on s.id = other.person_id
         where hm.person_id = $1 and hm.moved_out is null and s.shielded and s.merged_into is null)
$$;

-- The same for an address: a household someone shielded lives in now.
create function household_protected(household_id uuid) returns boolean language sql stable as $$
  select exists (
    select 1
      from household_member hm
      join person s on s.id = hm.person_id
     where hm.household_id = $1 and hm.moved_out is null and s.shielded and s.merged_into is null)
$$;

-- Lifting shielding takes two people: one asks, with a reason; a safeguarding lead or manager who is not the
-- one asking approves or declines, with a reason. Shielding itself is one step.
create table shielding_request (
  id uuid primary key default gen_random_uuid(),
  person_id uuid not null references person(id),
  reason text not null,
  requested_by uuid not null references app_user(id),
  requested_at timestamptz not null default now(),
  status text not null default 'waiting' check (status in ('waiting', 'approved', 'declined')),
  decided_by uuid references app_user(id),
  decided_at timestamptz,
  decision_reason text,
  check (decided_by is null or decided_by <> requested_by),
  check ((status = 'waiting') = (decided_by is null))
);
create unique index shielding_request_one_waiting on shielding_request(person_id) where status = 'waiting';
create index shielding_request_waiting on shielding_request(requested_at) where status = 'waiting';
