-- The joins between the Early Help Assessment and the plan (issue 10): a plan objective names the assessment's
-- unmet need it addresses (its domain and sub-area then follow from the need). Null where the episode had no
-- assessment need to pick, and for objectives recorded before this link existed.
alter table plan_objective add column assessment_need_id uuid references assessment_need(id);
create index plan_objective_need on plan_objective(assessment_need_id) where assessment_need_id is not null;

-- The early help assessment summary on a person (person.early_help_assessment, early_help_assessment_on) is derived
-- from now on from their latest assessment: completed on the day it was last signed off, otherwise in progress from
-- the day it started (src/features/assessments/summary.ts). Set it now for everyone with an assessment; people with
-- none keep the summary recorded before assessments were kept here.
update person p
   set early_help_assessment = case when a.signed_off_on is not null then 'completed' else 'in_progress' end,
       early_help_assessment_on = coalesce(a.signed_off_on, a.started_on)
  from (select distinct on (ap.person_id)
               ap.person_id,
               (x.started_at at time zone 'Europe/London')::date as started_on,
               (select (max(s.decided_at) at time zone 'Europe/London')::date
                  from assessment_signoff s
                 where s.assessment_id = x.id and s.outcome = 'signed_off' and x.signed_off_version is not null)
                 as signed_off_on
          from assessment x
          join assessment_person ap on ap.assessment_id = x.id
         order by ap.person_id, x.started_at desc, x.id desc) a
 where a.person_id = p.id;
