DROP TABLE ncrs;
DROP TABLE ncr_counters;
