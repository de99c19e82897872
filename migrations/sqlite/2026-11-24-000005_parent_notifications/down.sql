DROP TABLE information_requests;
DROP TABLE parent_reports;
DROP TABLE tasks;
DROP TABLE parent_notifications;
