-- One row per clean event. id is the spec's deterministic event id (ev_ + SHA-256 of the
-- de-duplication key), so a replayed record hits the primary key and changes nothing.
CREATE TABLE events (
    id               TEXT        NOT NULL PRIMARY KEY,
    workspace_id     TEXT        NOT NULL,
    contact_id       TEXT        NOT NULL,
    contact_role     TEXT,
    user_id          TEXT,
    email            TEXT,
    event_name       TEXT        NOT NULL,
    created_at       BIGINT      NOT NULL, -- unix seconds, as sent by the producer
    metadata         JSON        NOT NULL, -- json, not jsonb: jsonb would reorder the keys as sent
    dropped_metadata JSON        NOT NULL,
    received_at      TIMESTAMPTZ NOT NULL,
    request_id       TEXT        NOT NULL,
    intercom_version TEXT
);

-- "The events of this contact" is the query the events table answers.
CREATE INDEX events_by_contact ON events (workspace_id, contact_id, event_name, created_at);

-- Intercom's event summaries: count, first and last (created_at, unix seconds) per workspace,
-- contact and event name. Incremented only for newly inserted events, in the same transaction.
CREATE TABLE event_summaries (
    workspace_id     TEXT   NOT NULL,
    contact_id       TEXT   NOT NULL,
    event_name       TEXT   NOT NULL,
    event_count      BIGINT NOT NULL,
    first_created_at BIGINT NOT NULL,
    last_created_at  BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, contact_id, event_name)
);

-- The latest definition per workspace and event name, as published on event-definitions.
CREATE TABLE event_definitions (
    workspace_id  TEXT        NOT NULL,
    event_name    TEXT        NOT NULL,
    first_seen_at TIMESTAMPTZ,
    updated_at    TIMESTAMPTZ NOT NULL,
    metadata      JSON        NOT NULL, -- the tracked keys, in tracking order
    PRIMARY KEY (workspace_id, event_name)
);
