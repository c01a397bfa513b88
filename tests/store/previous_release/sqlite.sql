CREATE TABLE IF NOT EXISTS articles (
    account       TEXT NOT NULL CHECK (length(account) BETWEEN 1 AND 128),
    article_id    TEXT NOT NULL CHECK (length(article_id) BETWEEN 1 AND 128),
    title         TEXT NOT NULL,
    body          TEXT NOT NULL,
    locale        TEXT,
    labels        TEXT NOT NULL CHECK (json_valid(labels) AND json_type(labels) = 'array'),
    content_hash  TEXT NOT NULL CHECK (length(content_hash) = 64),
    vector        BLOB,
    dim           INTEGER CHECK (dim > 0),
    model_version TEXT,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (account, article_id),
    CHECK ((vector IS NULL) = (model_version IS NULL) AND (vector IS NULL) = (dim IS NULL)),
    CHECK (vector IS NULL OR length(vector) = 4 * dim)
) STRICT;
CREATE INDEX IF NOT EXISTS articles_by_version ON articles (model_version, account);
CREATE TABLE IF NOT EXISTS accounts (
    account_id      TEXT PRIMARY KEY CHECK (length(account_id) BETWEEN 1 AND 128),
    key_hash        TEXT UNIQUE CHECK (key_hash IS NULL OR length(key_hash) = 64),
    score_threshold REAL CHECK (score_threshold IS NULL OR score_threshold BETWEEN -1 AND 1),
    hybrid          INTEGER NOT NULL CHECK (hybrid IN (0, 1)),
    created_at      TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS interactions (
    account        TEXT NOT NULL,
    interaction_id TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    day            TEXT NOT NULL CHECK (length(day) = 10),
    language       TEXT NOT NULL,
    offered        TEXT NOT NULL CHECK (json_valid(offered)),
    n_offered      INTEGER NOT NULL CHECK (n_offered >= 0),
    PRIMARY KEY (account, interaction_id)
) STRICT;
CREATE INDEX IF NOT EXISTS interactions_by_day ON interactions (account, day);
CREATE TABLE IF NOT EXISTS feedback (
    account        TEXT NOT NULL,
    interaction_id TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('resolution', 'rejection')),
    article_id     TEXT NOT NULL,
    reason         TEXT CHECK ((kind = 'resolution') = (reason IS NULL)),
    day            TEXT NOT NULL CHECK (length(day) = 10),
    created_at     TEXT NOT NULL,
    UNIQUE (account, interaction_id, kind, article_id),
    FOREIGN KEY (account, interaction_id) REFERENCES interactions (account, interaction_id)
) STRICT;
CREATE UNIQUE INDEX IF NOT EXISTS one_resolution ON feedback (account, interaction_id) WHERE kind = 'resolution';
CREATE INDEX IF NOT EXISTS feedback_by_day ON feedback (account, day);
CREATE TABLE IF NOT EXISTS article_vectors (
    account       TEXT NOT NULL,
    article_id    TEXT NOT NULL,
    model_version TEXT NOT NULL,
    content_hash  TEXT NOT NULL CHECK (length(content_hash) = 64),
    vector        BLOB NOT NULL,
    dim           INTEGER NOT NULL CHECK (dim > 0),
    job           TEXT,
    PRIMARY KEY (account, article_id, model_version),
    CHECK (length(vector) = 4 * dim)
) STRICT;
CREATE INDEX IF NOT EXISTS article_vectors_by_version ON article_vectors (account, model_version, article_id);
CREATE TABLE IF NOT EXISTS reencode_jobs (
    job_key       TEXT PRIMARY KEY,
    job_id        TEXT NOT NULL,
    model_version TEXT NOT NULL,
    started_at    TEXT NOT NULL
) STRICT;
ALTER TABLE accounts ADD COLUMN lexical_fallback INTEGER NOT NULL DEFAULT 0 CHECK (lexical_fallback IN (0, 1));
ALTER TABLE accounts ADD COLUMN active_version TEXT;
PRAGMA user_version = 3;
