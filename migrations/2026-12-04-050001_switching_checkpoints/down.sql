DROP INDEX lots_switching_stream;
DROP TABLE switching_checkpoints;
