-- s.436J(3), s.436L(1): a child whose EHC plan names no school gets no school nomination notice;
-- the plan is amended to name one, and the order names that school.
ALTER TABLE attendance_cases ADD COLUMN ehc_plan_no_school BOOLEAN NOT NULL DEFAULT FALSE;
