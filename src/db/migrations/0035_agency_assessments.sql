-- An agency's own assessment, attached and counted instead of an Early Help Assessment (issue 10): a single agency's
-- assessment (its own tool, signed off under its own internal arrangements) kept as an assessment of kind 'agency',
-- so that everything that counts assessments and their unmet needs (panel requests, the step up, the derived summary
-- on the person, plan objectives) counts it the same way. It is complete when attached: status 'signed_off' at
-- version 1, its details in agency_assessment, its unmet needs in assessment_need, the document an attachment on the
-- child's record. See docs/decisions/0033-an-agencys-own-assessment.md.
alter table assessment add column kind text not null default 'early_help' check (kind in ('early_help', 'agency'));

create table agency_assessment (
  assessment_id uuid primary key references assessment(id),
  -- The assessment's name or tool, as the agency calls it ("Youth Justice AssetPlus").
  tool text not null check (char_length(tool) between 1 and 200),
  completed_on date not null,
  -- Who signed it off inside the agency, and when: the agency's own arrangements, not this service's sign-off.
  signed_off_by text not null check (char_length(signed_off_by) between 1 and 200),
  signed_off_on date not null check (signed_off_on >= completed_on),
  -- The level of need, by the threshold guidance's level keys (as the Early Help Assessment's level).
  level text not null,
  summary text not null check (char_length(summary) between 1 and 10000),
  attachment_id uuid not null references attachment(id)
);
create index agency_assessment_attachment on agency_assessment(attachment_id);
