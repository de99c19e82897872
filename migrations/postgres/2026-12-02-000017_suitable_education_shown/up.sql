-- s.436I(2)(a)(ii): condition B with another condition bars an order once the section 47
-- involvement has ended if the parent showed suitable education (but not that it is in the
-- child's best interests). The evaluation records which.
ALTER TABLE attendance_cases ADD COLUMN suitable_education_shown BOOLEAN NOT NULL DEFAULT FALSE;
