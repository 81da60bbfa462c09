-- The example project's mirror database: empty; `tidemark-cli prepare` creates its tables.
-- VACUUM writes the file's header, so it is a database and not a zero-byte file.
PRAGMA journal_mode = DELETE;
VACUUM;
