-- The joins between the Early Help Assessment and the plan (issue 10): a plan objective names the assessment's
-- unmet need it addresses (its domain and sub-area then follow from the need). Null where the episode had no
-- assessment need to pick, and for objectives recorded before this link existed.
alter table plan_objective add column assessment_need_id uuid references assessment_need(id);
create index plan_objective_need on plan_objective(assessment_need_id) where assessment_need_id is not null;
