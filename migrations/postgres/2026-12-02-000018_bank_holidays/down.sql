DROP TABLE bank_holidays;
