-- GET /events lists a contact's events newest first, a page at a time, from a cursor on (created_at, id):
--   WHERE workspace_id = ? AND contact_id = ? AND created_at >= ? AND (created_at, id) < (?, ?)
--   ORDER BY created_at DESC, id DESC LIMIT ?
-- With this index a page is one range scan read backwards (Index Scan Backward), at most LIMIT entries
-- long, with no sort, however long the contact's history.
--
-- It replaces events_by_contact (workspace_id, contact_id, event_name, created_at) rather than joining
-- it: every index costs each batch of the sink's inserts, and nothing queries by event name within a
-- contact (the summaries per event name come from event_summaries). The new index serves every query
-- the old one could by its (workspace_id, contact_id) prefix.
--
-- Version 3 as on SQLite, whose V2 (a rebuild of event_summaries) PostgreSQL never needed; the same
-- version means the same schema on both.
--
-- Built in the migration's transaction, this blocks writes to events while it runs: other sink
-- instances pause and retry, as for any outage. On a large table, build it first without blocking:
--   CREATE INDEX CONCURRENTLY IF NOT EXISTS events_by_contact_time ON events (workspace_id, contact_id, created_at, id);
-- IF NOT EXISTS then leaves it as it is, and this migration only drops the old index.
-- A new migration, not an edit of V1: databases migrated with V1 exist, and Flyway checks the
-- checksum of every applied migration.
CREATE INDEX IF NOT EXISTS events_by_contact_time ON events (workspace_id, contact_id, created_at, id);

DROP INDEX IF EXISTS events_by_contact;
