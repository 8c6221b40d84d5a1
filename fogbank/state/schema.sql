-- The core tables every service shares. Portable SQL: the common subset of SQLite and PostgreSQL.
-- Times are seconds since the epoch (DOUBLE PRECISION) on fogbank's clock unless named otherwise.

-- Control-plane resources as JSON documents; region is '' for global resources (IAM).
CREATE TABLE IF NOT EXISTS docs (
    service  TEXT NOT NULL,
    kind     TEXT NOT NULL,
    account  TEXT NOT NULL,
    region   TEXT NOT NULL,
    name     TEXT NOT NULL,
    body     TEXT NOT NULL,
    PRIMARY KEY (service, kind, account, region, name)
);

-- Small process-wide values, such as the clock's offset.
CREATE TABLE IF NOT EXISTS settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

-- Deliveries to make after commit, in id order. lease_until is real (wall-clock) time: it guards
-- a delivery in flight against a second drainer, and expires if the drainer dies.
CREATE TABLE IF NOT EXISTS outbox (
    id               BIGINT PRIMARY KEY,
    topic            TEXT NOT NULL,
    payload          TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  DOUBLE PRECISION NOT NULL,
    lease_until      DOUBLE PRECISION,
    lease_token      TEXT,
    last_error       TEXT
);

-- Timed work. id changes on every (re)schedule, so a running job can tell whether its handler
-- scheduled it again.
CREATE TABLE IF NOT EXISTS jobs (
    kind      TEXT NOT NULL,
    key       TEXT NOT NULL,
    id        BIGINT NOT NULL,
    due_at    DOUBLE PRECISION NOT NULL,
    payload   TEXT NOT NULL,
    attempts  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (kind, key)
);

CREATE INDEX IF NOT EXISTS jobs_due ON jobs (due_at);

-- migration: 2
-- How many times each (service, account)'s documents have changed. Readers cache what they derive
-- from documents (the policies of an IAM principal) and compare generations to know it is current.
CREATE TABLE IF NOT EXISTS doc_generations (
    service     TEXT NOT NULL,
    account     TEXT NOT NULL,
    generation  BIGINT NOT NULL,
    PRIMARY KEY (service, account)
);
