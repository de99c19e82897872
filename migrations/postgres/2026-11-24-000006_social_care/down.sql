DROP INDEX children_la_reference;
DROP TABLE leases;
DROP TABLE cross_check_runs;
DROP TABLE child_flags;
DROP TABLE match_links;
DROP TABLE social_care_episodes;
DROP TABLE social_care_records;
