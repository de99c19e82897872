DROP TABLE parent_claims;
