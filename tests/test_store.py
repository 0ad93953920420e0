"""The Store API: ids, versions, tombstones, mappings, attachments, refusals, migrations,
canonical hashing and the declaration. Real SQLite files in tmp_path; no mocks."""

from __future__ import annotations

import hashlib
import random
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from store_workers import FRAMEWORK, WHY, init_portfolio, reflection_body, snapshot, witness_body

from incidentfolio.errors import StoreError
from incidentfolio.evidence_types import EVIDENCE_TYPES
from incidentfolio.store import Mapping, open_store
from incidentfolio.store.canonical import canonical_json, sha256_of
from incidentfolio.store.integrity import check_store
from incidentfolio.store.migrations import MIGRATIONS

FIXTURES = Path(__file__).parent / "data" / "portfolios"
NEWEST = max(MIGRATIONS)


@pytest.fixture
def folder(tmp_path) -> Path:
    folder = tmp_path / "p"
    init_portfolio(folder)
    return folder


@pytest.fixture
def store(folder):
    with open_store(folder) as opened:
        yield opened


def add(store, title: str = "Gas escape", **kwargs) -> str:
    return store.add_item("reflection", title, reflection_body(title), **kwargs)


def mapping(criterion: str = "1.6", why: str = WHY) -> Mapping:
    return Mapping(FRAMEWORK, criterion, why)


def refuses(store, folder: Path, action, message: str) -> None:
    """``action()`` raises StoreError(message) and changes nothing at all."""
    before = snapshot(folder)
    ledger, head = store.ledger(), store.ledger_head()
    with pytest.raises(StoreError) as caught:
        action()
    assert str(caught.value) == message
    assert "\n" not in str(caught.value)
    assert store.ledger() == ledger
    assert store.ledger_head() == head
    assert snapshot(folder) == before


# --- ids, versions, tombstones ------------------------------------------------------------


def test_ids_count_up_from_ev_0001(store):
    assert [add(store, f"Item {n}") for n in range(3)] == ["EV-0001", "EV-0002", "EV-0003"]
    assert [i.id for i in store.items()] == ["EV-0001", "EV-0002", "EV-0003"]
    assert [e.action for e in store.ledger()] == ["profile", "create", "create", "create"]


def test_new_item_is_version_1_with_its_fields(store):
    item_id = add(store, "Gas escape", source_scenario="gas-escape-school", personal_data=True)
    item = store.item(item_id)
    assert (item.version, item.state, item.deleted) == (1, "active", False)
    assert item.type == "reflection"
    assert item.body == reflection_body("Gas escape")
    assert item.source_scenario == "gas-escape-school"
    assert item.personal_data is True
    assert item.created_at == item.updated_at


def test_edit_records_a_new_version_and_keeps_the_old_one(store):
    item_id = add(store, "First title")
    assert store.edit_item(item_id, title="Second title") == 2
    new_body = reflection_body("rewritten")
    assert store.edit_item(item_id, body=new_body) == 3
    item = store.item(item_id)
    assert (item.version, item.title, item.body) == (3, "Second title", new_body)
    history = store.history(item_id)
    assert [v["version"] for v in history] == [1, 2, 3]
    assert [v["title"] for v in history] == ["First title", "Second title", "Second title"]
    assert history[0]["body"] == reflection_body("First title")
    assert len({v["sha256"] for v in history}) == 3
    assert [e.action for e in store.ledger()][1:] == ["create", "edit", "edit"]
    assert check_store(store).ok


def test_delete_leaves_a_tombstone(store, folder):
    kept, gone = add(store, "Kept"), add(store, "Withdrawn", mappings=[mapping()])
    store.delete_item(gone)
    assert [i.id for i in store.items()] == [kept]
    assert [i.id for i in store.items(include_deleted=True)] == [kept, gone]
    item = store.item(gone)
    assert item.deleted and item.version == 2 and item.title == "Withdrawn"
    assert [(v["version"], v["state"]) for v in store.history(gone)] == [
        (1, "active"),
        (2, "deleted"),
    ]
    assert store.ledger()[-1].action == "delete"
    refuses(
        store,
        folder,
        lambda: store.edit_item(gone, title="Back"),
        f"{gone} was deleted; deleted evidence cannot be edited",
    )
    refuses(
        store,
        folder,
        lambda: store.map_item(gone, mapping("1.1")),
        f"{gone} was deleted; it cannot be mapped",
    )
    refuses(store, folder, lambda: store.delete_item(gone), f"{gone} is already deleted")
    assert add(store, "After") == "EV-0003", "ids of deleted items are never reused"
    assert check_store(store).ok


def test_deleted_item_cannot_be_unmapped(store, folder):
    """A tombstone is final: unmapping it would change a deleted item and make a declaration
    stale. (Fails today: ``Store.unmap_item`` has no ``deleted`` check.)"""
    gone = add(store, "Withdrawn", mappings=[mapping()])
    store.delete_item(gone)
    refuses(
        store,
        folder,
        lambda: store.unmap_item(gone, f"{FRAMEWORK}:1.6"),
        f"{gone} was deleted; it cannot be unmapped",
    )


def test_unknown_item(store, folder):
    message = "no evidence item EV-0099 (see `incidentfolio evidence list`)"
    refuses(store, folder, lambda: store.item("EV-0099"), message)
    refuses(store, folder, lambda: store.edit_item("EV-0099", title="x"), message)
    refuses(store, folder, lambda: store.delete_item("EV-0099"), message)
    refuses(store, folder, lambda: store.history("EV-0099"), message)


# --- mappings -----------------------------------------------------------------------------


def test_map_and_unmap_keep_every_record(store, folder):
    item_id = add(store)
    store.map_item(item_id, Mapping(FRAMEWORK, "1.1", f"  {WHY}\n  ", " description "))
    (live,) = store.item(item_id).mappings
    assert live == Mapping(FRAMEWORK, "1.1", WHY, "description"), "whitespace is normalised"
    store.unmap_item(item_id, f"{FRAMEWORK}:1.1")
    assert store.item(item_id).mappings == ()
    rows = store.conn.execute(
        "SELECT criterion, justification, unmapped_at FROM mappings WHERE item_id = ?",
        (item_id,),
    ).fetchall()
    assert len(rows) == 1
    assert rows[0]["criterion"] == "1.1" and rows[0]["justification"] == WHY
    assert rows[0]["unmapped_at"] is not None
    store.map_item(item_id, mapping("1.1"))  # mapping again after unmapping is allowed
    assert [m.ref for m in store.item(item_id).mappings] == [f"{FRAMEWORK}:1.1"]
    assert store.conn.execute("SELECT COUNT(*) FROM mappings").fetchone()[0] == 2
    assert [e.action for e in store.ledger()][1:] == ["create", "map", "unmap", "map"]
    assert check_store(store).ok


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (Mapping("nope", "1.1", WHY), "unknown framework nope (see `incidentfolio frameworks`)"),
        (Mapping(FRAMEWORK, "9.9", WHY), f"framework {FRAMEWORK} has no criterion 9.9"),
        *[
            (
                Mapping(FRAMEWORK, "1.1", why),
                f"the justification for {FRAMEWORK}:1.1 must be at least one sentence saying "
                "how this item shows the criterion",
            )
            for why in ("", "   ", "Good.", "Shows 1.1 well", "See attached, 2025-03-04.")
        ],
    ],
    ids=["framework", "criterion", "empty", "blank", "one-word", "three-words", "no-sentence"],
)
def test_bad_mappings_are_refused(store, folder, bad, message):
    item_id = add(store)
    refuses(store, folder, lambda: store.map_item(item_id, bad), message)
    refuses(store, folder, lambda: add(store, "With a bad mapping", mappings=[bad]), message)


def test_duplicate_and_missing_mappings_are_refused(store, folder):
    item_id = add(store, mappings=[mapping("1.6")])
    ref = f"{FRAMEWORK}:1.6"
    refuses(
        store,
        folder,
        lambda: store.map_item(item_id, mapping("1.6", f"Again: {WHY}")),
        f"{item_id} is already mapped to {ref}",
    )
    refuses(
        store,
        folder,
        lambda: store.unmap_item(item_id, f"{FRAMEWORK}:1.1"),
        f"{item_id} is not mapped to {FRAMEWORK}:1.1",
    )
    refuses(
        store,
        folder,
        lambda: store.unmap_item(item_id, "not-a-ref"),
        f"{item_id} is not mapped to not-a-ref",
    )


def test_same_criterion_twice_in_one_add_is_refused(store, folder):
    """Two mappings to one criterion in one ``add_item`` must be one StoreError line.
    (Fails today: the partial unique index raises sqlite3.IntegrityError, which the CLI shows
    as ``internal error: IntegrityError: UNIQUE constraint failed: mappings.item_id, …``.)"""
    twice = [mapping("1.6"), mapping("1.6", f"Also: {WHY}")]
    refuses(
        store,
        folder,
        lambda: add(store, mappings=twice),
        f"{FRAMEWORK}:1.6 is given twice; map an item to a criterion once",
    )


# --- attachments --------------------------------------------------------------------------


def test_attachments_are_private_copies_with_their_hash(store, folder, tmp_path):
    source = tmp_path / "call notes (final).txt"
    content = b"Caller: gas smell by the school gates.\n" * 100
    source.write_bytes(content)
    source.chmod(0o644)
    before = source.stat()
    item_id = store.add_item("witness_testimony", "Statement", witness_body(), attachments=[source])
    (attachment,) = store.item(item_id).attachments
    digest = hashlib.sha256(content).hexdigest()
    assert attachment.name == "call notes (final).txt"
    assert attachment.sha256 == digest
    assert attachment.size == len(content)
    stored = folder / attachment.stored_as
    assert stored.parent == folder / "attachments" / item_id
    assert stored.name == f"{digest[:12]}-call_notes_final_.txt"
    assert stored.read_bytes() == content
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    after = source.stat()
    assert source.read_bytes() == content, "the original is untouched"
    assert (after.st_mode, after.st_mtime_ns, after.st_size) == (
        before.st_mode,
        before.st_mtime_ns,
        before.st_size,
    )
    assert not list(stored.parent.glob(".incoming-*"))
    assert check_store(store).ok


def test_same_file_attached_twice_is_refused(store, folder, tmp_path):
    """Attaching one file twice in one add must be one StoreError line and leave no files.
    (Fails today: both copies get the same ``stored_as``, so sqlite3.IntegrityError escapes
    and the CLI prints ``internal error: IntegrityError: UNIQUE constraint failed: …``.)"""
    source = tmp_path / "notes.txt"
    source.write_text("notes\n", encoding="utf-8")
    refuses(
        store,
        folder,
        lambda: add(store, attachments=[source, source]),
        f"attachment {source} is given twice",
    )


# --- every bad input is refused and changes nothing ---------------------------------------


def _bad_adds(tmp: Path) -> dict[str, tuple[object, str]]:
    """Name → (action on a store, the one line it must be refused with)."""
    good = reflection_body()
    missing = tmp / "missing.pdf"
    a_folder = tmp / "a-folder"
    a_folder.mkdir()
    fine = tmp / "fine.txt"
    fine.write_text("fine", encoding="utf-8")
    without_analysis = {k: v for k, v in good.items() if k != "analysis"}
    unsigned = witness_body() | {"signature_statement": False}
    return {
        "unknown-type": (
            lambda s: s.add_item("diary", "T", good),
            f"unknown evidence type 'diary' (one of: {', '.join(EVIDENCE_TYPES)})",
        ),
        "missing-field": (
            lambda s: s.add_item("reflection", "T", without_analysis),
            "reflection body: analysis: is required",
        ),
        "several-missing": (
            lambda s: s.add_item("reflection", "T", {"description": "only"}),
            "reflection body: feelings: is required (and 4 more)",
        ),
        "wrong-kind": (
            lambda s: s.add_item("reflection", "T", good | {"feelings": 5}),
            "reflection body: feelings: must be text, not a number",
        ),
        "unknown-field": (
            lambda s: s.add_item("reflection", "T", good | {"mood": "calm"}),
            "reflection body: mood: unknown field",
        ),
        "witness-unsigned": (
            lambda s: s.add_item("witness_testimony", "T", unsigned),
            "witness_testimony body: signature_statement: must be true: the "
            "witness confirms the account before it counts as evidence",
        ),
        "body-not-mapping": (
            lambda s: s.add_item("reflection", "T", ["a"]),
            "the reflection body must be a mapping of fields",
        ),
        "empty-title": (
            lambda s: s.add_item("reflection", "", good),
            "the title must not be empty",
        ),
        "blank-title": (
            lambda s: s.add_item("reflection", " \t ", good),
            "the title must not be empty",
        ),
        "long-title": (
            lambda s: s.add_item("reflection", "x" * 201, good),
            "the title must be 200 characters or fewer",
        ),
        "missing-attachment": (
            lambda s: s.add_item("reflection", "T", good, attachments=[fine, missing]),
            f"attachment {missing} does not exist or is not a file",
        ),
        "folder-attachment": (
            lambda s: s.add_item("reflection", "T", good, attachments=[a_folder]),
            f"attachment {a_folder} does not exist or is not a file",
        ),
        "bad-mapping-with-attachment": (
            lambda s: s.add_item(
                "reflection", "T", good, attachments=[fine], mappings=[mapping("9.9")]
            ),
            f"framework {FRAMEWORK} has no criterion 9.9",
        ),
    }


BAD_ADDS = [
    "unknown-type",
    "missing-field",
    "several-missing",
    "wrong-kind",
    "unknown-field",
    "witness-unsigned",
    "body-not-mapping",
    "empty-title",
    "blank-title",
    "long-title",
    "missing-attachment",
    "folder-attachment",
    "bad-mapping-with-attachment",
]


@pytest.mark.parametrize("case", BAD_ADDS)
def test_bad_add_is_refused_and_changes_nothing(store, folder, tmp_path, case):
    add(store, "Already there", mappings=[mapping()])
    action, message = _bad_adds(tmp_path)[case]
    refuses(store, folder, lambda: action(store), message)
    assert [i.id for i in store.items()] == ["EV-0001"]
    assert not [p for p in (folder / "attachments").rglob("*") if p.is_file()]
    assert add(store, "Next") == "EV-0002", "a refused add uses up no id"


def test_bad_edit_is_refused_and_changes_nothing(store, folder):
    item_id = add(store)
    refuses(
        store, folder, lambda: store.edit_item(item_id, title=""), "the title must not be empty"
    )
    refuses(
        store,
        folder,
        lambda: store.edit_item(item_id, body={"description": "only this"}),
        "reflection body: feelings: is required (and 4 more)",
    )
    assert store.item(item_id).version == 1


def test_adding_needs_a_profile(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    with open_store(folder, create=True) as store:
        refuses(
            store,
            folder,
            lambda: add(store),
            f"portfolio {folder} has no candidate profile yet: run `incidentfolio init`",
        )


# --- opening and migrating ----------------------------------------------------------------


def test_fresh_database_is_at_the_newest_schema(folder):
    conn = sqlite3.connect(folder / "portfolio.db")
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == NEWEST
        versions = [r[0] for r in conn.execute("SELECT version FROM schema_migrations")]
        assert versions == list(range(1, NEWEST + 1))
    finally:
        conn.close()
    assert stat.S_IMODE((folder / "portfolio.db").stat().st_mode) == 0o600
    with open_store(folder) as store:  # opening again migrates nothing
        assert store.conn.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0] == NEWEST


def test_opening_a_missing_portfolio_creates_nothing(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    with pytest.raises(StoreError) as caught:
        open_store(folder)
    assert str(caught.value) == f"no portfolio in {folder}: run `incidentfolio init` first"
    assert list(folder.iterdir()) == []


def test_database_from_a_newer_version_is_refused(folder):
    path = folder / "portfolio.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    before = snapshot(folder)
    with pytest.raises(StoreError) as caught:
        open_store(folder)
    assert str(caught.value) == (
        f"{path} was written by a newer incidentfolio (schema 99; this version reads up to "
        f"{NEWEST}): upgrade incidentfolio to open it"
    )
    assert snapshot(folder) == before


def test_random_bytes_are_not_a_portfolio(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    path = folder / "portfolio.db"
    junk = random.Random(503).randbytes(16384)
    path.write_bytes(junk)
    with pytest.raises(StoreError) as caught:
        open_store(folder)
    assert str(caught.value) == f"{path} is not a portfolio database (file is not a database)"
    assert path.read_bytes() == junk


def test_schema_1_fixture_migrates_and_keeps_its_items(tmp_path):
    folder = tmp_path / "p"
    folder.mkdir()
    shutil.copyfile(FIXTURES / "v1-schema.db", folder / "portfolio.db")
    raw = sqlite3.connect(folder / "portfolio.db")
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
    raw.close()
    with open_store(folder) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == NEWEST
        versions = [r[0] for r in store.conn.execute("SELECT version FROM schema_migrations")]
        assert versions == list(range(1, NEWEST + 1))
        profile = store.require_profile()
        assert (profile.candidate_name, profile.candidate_number, profile.frameworks) == (
            "Sam Taylor",
            "C1234",
            (FRAMEWORK,),
        )
        first, second = store.items()
        assert (first.id, first.type, first.title) == (
            "EV-0001",
            "reflection",
            "Gas escape outside a school",
        )
        assert first.body["description"].startswith("A caller reported a strong smell of gas")
        assert [m.ref for m in first.mappings] == [f"{FRAMEWORK}:1.6"]
        assert (second.id, second.type, second.body["witness_name"]) == (
            "EV-0002",
            "witness_testimony",
            "Alex Morgan",
        )
        assert [e.action for e in store.ledger()] == ["profile", "create", "create"]
        report = check_store(store)
        assert report.ok, report.problems
        assert add(store, "Added after the upgrade") == "EV-0003"
        store.declare()
        assert check_store(store).ok


# --- canonical JSON -----------------------------------------------------------------------

_leaves = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
_json = st.recursive(
    _leaves,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=5)
    ),
    max_leaves=25,
)


def _reordered(value, rnd: random.Random):
    """The same data with every dict's keys in a different insertion order."""
    if isinstance(value, dict):
        keys = list(value)
        rnd.shuffle(keys)
        return {k: _reordered(value[k], rnd) for k in keys}
    if isinstance(value, list):
        return [_reordered(v, rnd) for v in value]
    return value


def _changed(value, rnd: random.Random):
    """The same data with one value somewhere replaced by a different one."""
    containers = isinstance(value, dict | list) and len(value) > 0
    if not containers or rnd.random() < 0.3:
        return {"changed": value}
    if isinstance(value, dict):
        key = rnd.choice(list(value))
        return {**value, key: _changed(value[key], rnd)}
    index = rnd.randrange(len(value))
    return [*value[:index], _changed(value[index], rnd), *value[index + 1 :]]


@settings(max_examples=200, deadline=None)
@given(value=_json, rnd=st.randoms(use_true_random=False))
def test_hash_ignores_key_order(value, rnd):
    assert sha256_of(_reordered(value, rnd)) == sha256_of(value)
    assert canonical_json(_reordered(value, rnd)) == canonical_json(value)


@settings(max_examples=200, deadline=None)
@given(
    value=st.dictionaries(st.text(max_size=6), _json, min_size=1, max_size=5),
    rnd=st.randoms(use_true_random=False),
)
def test_hash_changes_when_a_value_changes(value, rnd):
    assert sha256_of(_changed(value, rnd)) != sha256_of(value)


def test_canonical_json_is_pinned():
    value = {"b": [True, None, 1.5], "a": {"z": "é", "y": 2}}
    text = '{"a":{"y":2,"z":"é"},"b":[true,null,1.5]}'
    assert canonical_json(value) == text
    assert sha256_of(value) == hashlib.sha256(text.encode("utf-8")).hexdigest()
    with pytest.raises(ValueError):
        canonical_json({"x": float("nan")})


# --- declaration --------------------------------------------------------------------------


def test_declaration_goes_stale_after_a_change(store, folder):
    assert store.declaration() is None
    refuses(store, folder, store.declare, "there is no evidence to declare yet")
    item_id = add(store)
    record = store.declare()
    seq, _ = store.ledger_head()
    assert store.ledger()[-1].action == "declare"
    assert (record["ledger_seq"], record["ledger_head"]) == (
        seq - 1,
        store.ledger()[-2].entry_sha256,
    )
    assert record["candidate_name"] == "Sam Taylor"
    current = store.declaration()
    assert (current["stale"], current["changes_since"]) == (False, 0)
    assert current["declared_at"] == record["declared_at"]
    store.edit_item(item_id, title="Changed after declaring")
    assert (store.declaration()["stale"], store.declaration()["changes_since"]) == (True, 1)
    store.declare()
    assert store.declaration()["stale"] is False
    assert check_store(store).ok


def test_declaring_needs_live_evidence(store, folder):
    store.delete_item(add(store))
    refuses(store, folder, store.declare, "there is no evidence to declare yet")


def test_a_lock_held_too_long_is_one_clear_error_and_changes_nothing(tmp_path, monkeypatch):
    from incidentfolio.store import db

    folder = tmp_path / "p"
    init_portfolio(folder)
    monkeypatch.setattr(db, "BUSY_TIMEOUT_S", 0.2)
    holder = sqlite3.connect(folder / db.DB_NAME, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program is in the middle of a write
    try:
        before = snapshot(folder)
        with open_store(folder) as store, pytest.raises(StoreError) as refusal:
            store.add_item("reflection", "Blocked", reflection_body("x"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert str(refusal.value) == (
        "the portfolio is busy: another program held it for more than 0.2 seconds; nothing "
        "was changed, try again"
    )
    assert snapshot(folder) == before
