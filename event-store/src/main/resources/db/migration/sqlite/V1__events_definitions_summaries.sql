-- One row per clean event. id is the spec's deterministic event id (ev_ + SHA-256 of the
-- de-duplication key), so a replayed record hits the primary key and changes nothing.
-- Timestamps are fixed-width ISO-8601 UTC text (see SqlDialect): they sort correctly as text.
CREATE TABLE events (
    id               TEXT    NOT NULL PRIMARY KEY,
    workspace_id     TEXT    NOT NULL,
    contact_id       TEXT    NOT NULL,
    contact_role     TEXT,
    user_id          TEXT,
    email            TEXT,
    event_name       TEXT    NOT NULL,
    created_at       INTEGER NOT NULL, -- unix seconds, as sent by the producer
    metadata         TEXT    NOT NULL, -- JSON object {key: {type, value}}, keys in the order sent
    dropped_metadata TEXT    NOT NULL, -- JSON array [{key, reason}]
    received_at      TEXT    NOT NULL,
    request_id       TEXT    NOT NULL,
    intercom_version TEXT
);

-- "The events of this contact" is the query the events table answers.
CREATE INDEX events_by_contact ON events (workspace_id, contact_id, event_name, created_at);

-- Intercom's event summaries: count, first and last (created_at, unix seconds) per workspace,
-- contact and event name. Incremented only for newly inserted events, in the same transaction.
CREATE TABLE event_summaries (
    workspace_id     TEXT    NOT NULL,
    contact_id       TEXT    NOT NULL,
    event_name       TEXT    NOT NULL,
    event_count      INTEGER NOT NULL,
    first_created_at INTEGER NOT NULL,
    last_created_at  INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, contact_id, event_name)
);

-- The latest definition per workspace and event name, as published on event-definitions.
CREATE TABLE event_definitions (
    workspace_id  TEXT NOT NULL,
    event_name    TEXT NOT NULL,
    first_seen_at TEXT,
    updated_at    TEXT NOT NULL,
    metadata      TEXT NOT NULL, -- JSON array of tracked keys, in tracking order
    PRIMARY KEY (workspace_id, event_name)
);
