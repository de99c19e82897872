-- One row per form that must act once (adding a child, an application, a school's notice): the
-- first post claims the form's one-time token and records where it led; a repeat post (a double
-- click, Back and resend) is sent to the same place and changes nothing.
CREATE TABLE form_submissions (
    token TEXT PRIMARY KEY,
    actor TEXT NOT NULL,
    result TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX form_submissions_created ON form_submissions(created_at);
