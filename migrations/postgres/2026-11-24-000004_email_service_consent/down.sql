DROP TABLE email_service_consents;
