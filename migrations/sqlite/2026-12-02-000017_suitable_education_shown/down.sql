ALTER TABLE attendance_cases DROP COLUMN suitable_education_shown;
