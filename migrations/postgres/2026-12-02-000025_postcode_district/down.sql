DROP INDEX children_district;
