DROP TABLE saved_searches;
DROP TABLE child_name_parts;
