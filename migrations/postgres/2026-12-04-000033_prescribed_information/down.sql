DROP TABLE child_prescribed;
