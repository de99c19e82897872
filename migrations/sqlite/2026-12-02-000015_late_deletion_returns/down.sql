ALTER TABLE school_notices DROP COLUMN late_days;
