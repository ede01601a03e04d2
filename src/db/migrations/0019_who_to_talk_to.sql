-- "Who can I talk to about this child, now?" comes from the partnership's own data: teams that play a part in the
-- conversation (the front door in and out of hours, a professional advice line, the integrated processes team,
-- targeted services for a cluster or area, the family information service), with the hours they answer.
alter table team
  add column contact_role text check (contact_role in
    ('front_door', 'out_of_hours', 'advice_line', 'integrated_processes', 'targeted_services', 'family_information')),
  add column hours text;
create index team_contact_role on team(contact_role) where contact_role is not null;

-- An organisation's designated safeguarding lead: the first person a worried practitioner talks to. No foreign key:
-- users belong to organisations, and a key back would make the two tables a cycle that backups cannot order
-- parents-first. The service checks the person belongs to the organisation; users are disabled, never deleted.
alter table organisation add column safeguarding_lead_user_id uuid;
