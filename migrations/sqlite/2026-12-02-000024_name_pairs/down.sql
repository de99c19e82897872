DROP TABLE child_name_pairs;
