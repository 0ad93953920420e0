"""Numbered schema migrations. Never edit a released one: add the next number instead."""

from __future__ import annotations

MIGRATIONS: dict[int, str] = {
    1: """
CREATE TABLE schema_migrations (
    version INTEGER PRIMARY KEY,
    applied_at TEXT NOT NULL
);
CREATE TABLE profile (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    candidate_name TEXT NOT NULL,
    candidate_number TEXT NOT NULL,
    centre TEXT NOT NULL DEFAULT '',
    assessor_name TEXT NOT NULL DEFAULT '',
    frameworks TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE items (
    id TEXT PRIMARY KEY,
    number INTEGER NOT NULL UNIQUE,
    type TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE item_versions (
    item_id TEXT NOT NULL REFERENCES items (id),
    version INTEGER NOT NULL,
    recorded_at TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('active', 'deleted')),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    source_scenario TEXT,
    personal_data INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (item_id, version)
);
CREATE TABLE attachments (
    id INTEGER PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES items (id),
    name TEXT NOT NULL,
    stored_as TEXT NOT NULL UNIQUE,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    added_at TEXT NOT NULL
);
CREATE TABLE mappings (
    id INTEGER PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES items (id),
    framework TEXT NOT NULL,
    criterion TEXT NOT NULL,
    justification TEXT NOT NULL,
    anchor TEXT,
    mapped_at TEXT NOT NULL,
    unmapped_at TEXT
);
CREATE UNIQUE INDEX mappings_live ON mappings (item_id, framework, criterion)
    WHERE unmapped_at IS NULL;
CREATE TABLE ledger (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    subject_sha256 TEXT NOT NULL,
    prev_sha256 TEXT NOT NULL,
    entry_sha256 TEXT NOT NULL
);
CREATE TABLE declarations (
    id INTEGER PRIMARY KEY,
    declared_at TEXT NOT NULL,
    candidate_name TEXT NOT NULL,
    statement TEXT NOT NULL,
    ledger_seq INTEGER NOT NULL,
    ledger_head TEXT NOT NULL
)
""",
    2: """
CREATE TABLE feedback (
    id INTEGER PRIMARY KEY,
    imported_at TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    submission TEXT NOT NULL,
    assessor TEXT NOT NULL,
    framework TEXT NOT NULL,
    criterion TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('met', 'not_yet_met', 'refer')),
    comment TEXT NOT NULL DEFAULT '',
    judged_at TEXT NOT NULL
);
CREATE TABLE submissions (
    id TEXT PRIMARY KEY,
    submitted_at TEXT NOT NULL,
    ledger_seq INTEGER NOT NULL,
    ledger_head TEXT NOT NULL,
    folder TEXT NOT NULL
)
""",
    3: """
CREATE TABLE drafts (
    key TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    updated_at TEXT NOT NULL
)
""",
}
