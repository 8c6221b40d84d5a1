-- SES's mailbox: every message fogbank "sent", as raw RFC 5322 bytes (see mailbox.py).

CREATE TABLE IF NOT EXISTS ses_messages (
    id            TEXT PRIMARY KEY,
    seq           BIGINT NOT NULL,
    account       TEXT NOT NULL,
    region        TEXT NOT NULL,
    origin        TEXT NOT NULL,
    sent_at       DOUBLE PRECISION NOT NULL,
    source        TEXT NOT NULL,
    destinations  TEXT NOT NULL,
    subject       TEXT NOT NULL,
    size          BIGINT NOT NULL,
    raw           TEXT NOT NULL,
    bounces       INTEGER NOT NULL,
    complaints    INTEGER NOT NULL
);

CREATE INDEX IF NOT EXISTS ses_messages_order ON ses_messages (seq);
CREATE INDEX IF NOT EXISTS ses_messages_sent ON ses_messages (account, region, origin, sent_at);

-- migration: 2
-- Messages larger than mailbox.INLINE_MAX live in the blob store; `blob` names it and `raw` is empty.

ALTER TABLE ses_messages ADD COLUMN blob TEXT;
