-- Trigram matching for the moderation search (the GIN index on comments in
-- 0001; SQLite has an FTS5 trigram table instead). pg_trgm ships with
-- PostgreSQL and is a trusted extension: the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
