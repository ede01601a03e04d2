-- Ending a Think Family need: the day it ended and why, as the practitioner gives them. `ended_at` and `ended_by`
-- (from 0022) say when and by whom the ending was recorded.
alter table think_family_need add column ended_on date;
alter table think_family_need add column end_reason text;
