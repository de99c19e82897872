-- Issue 6: school attendance order cases (ss.436H–436Q, and today's ss.437–443), what happened on
-- each, and the term calendars that say which days are school days (s.579).
CREATE TABLE attendance_cases (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    child_id TEXT NOT NULL REFERENCES children(id),
    -- ss437 | ss436h: fixed when the case opens and kept to the end.
    regime TEXT NOT NULL,
    -- The conditions the preliminary notice relies on, e.g. "A,B" (s.436H(3)).
    conditions TEXT NOT NULL,
    grounds TEXT NOT NULL,
    stage TEXT NOT NULL,
    -- The day it appeared the requirements were met: the 5-day clock of s.436H(10)(b).
    requirements_met_on DATE NOT NULL,
    response_days INTEGER NOT NULL,
    -- Condition B: JSON list of the section 47 episodes relied on ("record:kind:start").
    section47_relied_on TEXT NOT NULL DEFAULT '[]',
    -- s.436J: the school the child's EHC plan names.
    ehc_plan_school_id TEXT REFERENCES schools(id),
    -- The school to be named, and JSON list of alternative school ids (s.436L(1)).
    school_id TEXT REFERENCES schools(id),
    alternatives TEXT NOT NULL DEFAULT '[]',
    consulted_on DATE,
    objection_applied_on DATE,
    direction_on DATE,
    place_secured BOOLEAN NOT NULL DEFAULT FALSE,
    determined_on DATE,
    assigned_to TEXT REFERENCES users(id),
    opened_by TEXT NOT NULL REFERENCES users(id),
    opened_on DATE NOT NULL,
    closed_on DATE,
    -- The last deadline an officer was reminded of, so each reminder goes once.
    reminded_for TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX attendance_cases_child ON attendance_cases(child_id);
CREATE INDEX attendance_cases_stage ON attendance_cases(stage);

-- The chronology of a case: responses, home-visit requests and answers, consultations,
-- objections, choices, decisions with the considerations the statute requires.
CREATE TABLE attendance_events (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES attendance_cases(id),
    kind TEXT NOT NULL,
    on_date DATE NOT NULL,
    details TEXT NOT NULL,
    user_id TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX attendance_events_case ON attendance_events(case_id, on_date);

-- Term calendars: the council's default (school_id NULL) and a school's own, which replaces it.
CREATE TABLE term_dates (
    id TEXT PRIMARY KEY,
    school_id TEXT REFERENCES schools(id),
    -- term | closed
    kind TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    name TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX term_dates_school ON term_dates(school_id, starts_on);
