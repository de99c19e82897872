DROP TABLE term_dates;
DROP TABLE attendance_events;
DROP TABLE attendance_cases;
