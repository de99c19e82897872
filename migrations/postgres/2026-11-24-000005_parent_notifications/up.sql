-- A parent's notification under s.436D(1): a draft saved after every page, then submitted once.
CREATE TABLE parent_notifications (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    reference TEXT NOT NULL UNIQUE,
    answers TEXT NOT NULL,
    pending_step TEXT,
    pending_form TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    submitted_at TIMESTAMP
);
CREATE INDEX parent_notifications_email ON parent_notifications(email, submitted_at);

-- Work for officers: reviews, parents' reports, support requests (s.436G), overdue responses.
CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    child_id TEXT REFERENCES children(id),
    kind TEXT NOT NULL,
    summary TEXT NOT NULL,
    source_id TEXT,
    due_on DATE,
    created_at TIMESTAMP NOT NULL,
    completed_at TIMESTAMP,
    completed_by TEXT REFERENCES users(id),
    outcome TEXT
);
CREATE INDEX tasks_open ON tasks(completed_at, due_on);
CREATE INDEX tasks_child ON tasks(child_id);

-- What a signed-in parent tells the council about one child (s.436D(2)) or asks of it (s.436G).
CREATE TABLE parent_reports (
    id TEXT PRIMARY KEY,
    child_id TEXT NOT NULL REFERENCES children(id),
    email TEXT NOT NULL,
    kind TEXT NOT NULL,
    details TEXT NOT NULL,
    happened_on DATE,
    information_request_id TEXT,
    submitted_at TIMESTAMP NOT NULL
);
CREATE INDEX parent_reports_child ON parent_reports(child_id, submitted_at);

-- Requests to parents: 'updates' under s.436D(2)(c), at most one per 3 months and at least one per
-- 12 (s.436D(3)); 'details' under s.436D(2)(a), for s.436C(1) information the council lacks.
CREATE TABLE information_requests (
    id TEXT PRIMARY KEY,
    child_id TEXT NOT NULL REFERENCES children(id),
    kind TEXT NOT NULL,
    asked TEXT,
    sent_at TIMESTAMP NOT NULL,
    sent_by TEXT REFERENCES users(id),
    method TEXT NOT NULL,
    due_on DATE NOT NULL,
    responded_at TIMESTAMP,
    overdue_task_id TEXT
);
CREATE INDEX information_requests_child ON information_requests(child_id, sent_at);
CREATE INDEX information_requests_open ON information_requests(responded_at, due_on);
