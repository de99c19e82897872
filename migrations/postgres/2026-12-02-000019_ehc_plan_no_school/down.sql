ALTER TABLE attendance_cases DROP COLUMN ehc_plan_no_school;
