-- DynamoDB's data plane: items, secondary index entries and live counts (see store.py).
-- Keys are order-preserving BLOBs (keys.py); `hash` is the 32-bit hash of the partition key.

CREATE TABLE IF NOT EXISTS ddb_items (
    table_id  BIGINT NOT NULL,
    hash      BIGINT NOT NULL,
    hk        BLOB NOT NULL,
    rk        BLOB NOT NULL,
    size      INTEGER NOT NULL,
    item      TEXT NOT NULL,
    PRIMARY KEY (table_id, hash, hk, rk)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS ddb_index_items (
    index_id  BIGINT NOT NULL,
    hash      BIGINT NOT NULL,
    hk        BLOB NOT NULL,
    rk        BLOB NOT NULL,
    thk       BLOB NOT NULL,
    trk       BLOB NOT NULL,
    size      INTEGER NOT NULL,
    item      TEXT NOT NULL,
    PRIMARY KEY (index_id, hash, hk, rk, thk, trk)
) WITHOUT ROWID;

-- Item count and size of a table or an index (by its id), kept exact by every write.
CREATE TABLE IF NOT EXISTS ddb_counts (
    id          BIGINT PRIMARY KEY,
    item_count  BIGINT NOT NULL,
    size_bytes  BIGINT NOT NULL
);

-- streams, transactions and backups

-- Stream records (streams.py): one shard per stream, `seq` its sequence number, `created` epoch seconds.
CREATE TABLE IF NOT EXISTS ddb_stream_records (
    stream_arn  TEXT NOT NULL,
    seq         BIGINT NOT NULL,
    created     DOUBLE PRECISION NOT NULL,
    record      TEXT NOT NULL,
    PRIMARY KEY (stream_arn, seq)
);

-- TransactWriteItems / ExecuteTransaction idempotency tokens (transactions.py), kept 10 minutes.
CREATE TABLE IF NOT EXISTS ddb_transaction_tokens (
    account     TEXT NOT NULL,
    region      TEXT NOT NULL,
    token       TEXT NOT NULL,
    digest      TEXT NOT NULL,
    created     DOUBLE PRECISION NOT NULL,
    result      TEXT NOT NULL,
    PRIMARY KEY (account, region, token)
);

-- Point-in-time recovery's change log (backups.py): an item's state after each change, NULL = deleted.
CREATE TABLE IF NOT EXISTS ddb_pitr_log (
    table_id    BIGINT NOT NULL,
    seq         BIGINT NOT NULL,
    at          DOUBLE PRECISION NOT NULL,
    item_key    TEXT NOT NULL,
    item        TEXT,
    PRIMARY KEY (table_id, seq)
);

-- migration: 2

-- TTL expiry index (ttl.py): each item of a TTL-enabled table whose TTL attribute is a Number, by the
-- epoch second it expires at, so the TTL job reads exactly the expired items and the next expiry time.
CREATE TABLE IF NOT EXISTS ddb_ttl (
    table_id  BIGINT NOT NULL,
    hash      BIGINT NOT NULL,
    hk        BLOB NOT NULL,
    rk        BLOB NOT NULL,
    at        DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (table_id, hash, hk, rk)
);
CREATE INDEX IF NOT EXISTS ddb_ttl_at ON ddb_ttl (table_id, at);

-- Item collection sizes (item_collections.py) of tables with local secondary indexes, by partition key:
-- the partition's items and its LSI entries with their overhead, kept by every write.
CREATE TABLE IF NOT EXISTS ddb_collections (
    table_id  BIGINT NOT NULL,
    hash      BIGINT NOT NULL,
    hk        BLOB NOT NULL,
    size      BIGINT NOT NULL,
    PRIMARY KEY (table_id, hash, hk)
);
