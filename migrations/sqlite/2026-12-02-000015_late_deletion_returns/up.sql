-- A deletion return that reaches the council after the day the name was deleted is kept, with
-- how many days late it was (Pupil Registration Regulations 2024, reg 13(4)).
ALTER TABLE school_notices ADD COLUMN late_days INTEGER;
