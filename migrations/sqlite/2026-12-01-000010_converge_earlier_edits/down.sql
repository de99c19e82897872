-- Nothing to undo: on a fresh database every object named in up.sql belongs to an earlier
-- migration, whose own down.sql removes it.
SELECT 1;
