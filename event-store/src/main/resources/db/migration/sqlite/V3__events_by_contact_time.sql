-- GET /events lists a contact's events newest first, a page at a time, from a cursor on (created_at, id):
--   WHERE workspace_id = ? AND contact_id = ? AND created_at >= ? AND (created_at, id) < (?, ?)
--   ORDER BY created_at DESC, id DESC LIMIT ?
-- With this index a page is one range scan read backwards, at most LIMIT entries long, with no sort,
-- however long the contact's history.
--
-- It replaces events_by_contact (workspace_id, contact_id, event_name, created_at) rather than joining
-- it: every index costs each batch of the sink's inserts, and nothing queries by event name within a
-- contact (the summaries per event name come from event_summaries). The new index serves every query
-- the old one could by its (workspace_id, contact_id) prefix.
--
-- IF NOT EXISTS: an operator may build it ahead of the upgrade (on PostgreSQL with CONCURRENTLY, so
-- that writes go on meanwhile); this migration then only drops the old one.
-- A new migration, not an edit of V1: databases migrated with V1 exist, and Flyway checks the
-- checksum of every applied migration.
CREATE INDEX IF NOT EXISTS events_by_contact_time ON events (workspace_id, contact_id, created_at, id);

DROP INDEX IF EXISTS events_by_contact;
