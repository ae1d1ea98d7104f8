-- The local OSV database. One file, filled in transactions: an update replaces one
-- source's rows at once or not at all.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Where records came from: a downloaded ecosystem archive or an imported path.
CREATE TABLE source (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,   -- `osv:PyPI`, `import:/srv/osv`
    kind          TEXT NOT NULL,          -- `download` | `import`
    location      TEXT NOT NULL,          -- URL or path
    etag          TEXT,
    last_modified TEXT,
    updated_at    INTEGER NOT NULL,       -- unix seconds of the last successful fill
    checked_at    INTEGER NOT NULL,       -- unix seconds of the last check (304 included)
    records       INTEGER NOT NULL,
    errors        INTEGER NOT NULL
);

CREATE TABLE source_ecosystem (
    source    INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
    ecosystem TEXT NOT NULL,
    records   INTEGER NOT NULL,
    PRIMARY KEY (source, ecosystem)
) WITHOUT ROWID;

CREATE TABLE record (
    id        INTEGER PRIMARY KEY,
    source    INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
    osv_id    TEXT NOT NULL,
    modified  TEXT,
    brief     TEXT NOT NULL,              -- what a match shows, as JSON (see `Brief`)
    doc       BLOB NOT NULL               -- the record's JSON, deflated
);
CREATE INDEX record_source ON record(source);
CREATE INDEX record_osv_id ON record(osv_id);

-- One row per (record, package): the record's `affected` entries for that package as
-- JSON (package, ranges, versions, severity: what matching reads), evaluated at match
-- time.
CREATE TABLE affected (
    record    INTEGER NOT NULL REFERENCES record(id) ON DELETE CASCADE,
    ecosystem TEXT NOT NULL,
    release   TEXT NOT NULL,
    name      TEXT NOT NULL,
    entries   TEXT NOT NULL
);
CREATE INDEX affected_key ON affected(ecosystem, name, release);
CREATE INDEX affected_record ON affected(record);

-- Prioritisation data, imported from files.
CREATE TABLE kev (
    cve          TEXT PRIMARY KEY,
    date_added   TEXT NOT NULL,
    due_date     TEXT,
    ransomware   INTEGER NOT NULL,
    name         TEXT
) WITHOUT ROWID;

CREATE TABLE epss (
    cve        TEXT PRIMARY KEY,
    score      REAL NOT NULL,
    percentile REAL NOT NULL
) WITHOUT ROWID;
