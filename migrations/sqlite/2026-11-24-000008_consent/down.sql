ALTER TABLE outbox DROP COLUMN document_id;
DROP TABLE served_documents;
DROP TABLE school_notices;
DROP TABLE consent_applications;
ALTER TABLE api_tokens DROP COLUMN school_id;
ALTER TABLE users DROP COLUMN school_id;
DROP TABLE schools;
