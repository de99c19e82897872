DROP TABLE section47_outcomes;
ALTER TABLE social_care_episodes DROP COLUMN action_date;
ALTER TABLE social_care_episodes DROP COLUMN nfa;
