"""The portfolio commands' contract, through the real CLI in a subprocess.

Success: exit 0 and the pinned output. Bad input: exit 1, exactly one line
``incidentfolio: error: …`` on stderr, nothing on stdout, no traceback and the portfolio
unchanged (every row of every table and every attachment file). Usage errors: exit 2.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sqlite3
import stat
import textwrap
from pathlib import Path

import pytest
from store_workers import FRAMEWORK, WHY, init_portfolio, snapshot, witness_body
from support import cli

from incidentfolio.evidence_types import EVIDENCE_TYPES
from incidentfolio.store import Mapping, open_store
from incidentfolio.store.migrations import MIGRATIONS
from incidentfolio.store.store import DECLARATION

REFLECTION_MD = """\
Intro text goes to the first long-text field.
## Feelings
I felt under pressure because the caller was frightened.
## Evaluation
I logged the call quickly but asked for the location twice.
## Analysis
Using LASS kept me focused on the location before anything else.
## Conclusion
I learned to confirm the location once, clearly, and move on.
## Action plan
I will practise the location script with my team leader this month.
"""
NOTEBOOK = {
    "cells": [
        {
            "cell_type": "markdown",
            "id": "intro",
            "metadata": {},
            "source": ["# Call volume analysis\n", "Volumes by hour."],
        },
        {
            "cell_type": "code",
            "id": "plot",
            "metadata": {},
            "source": "print(1)",
            "outputs": [],
            "execution_count": None,
        },
    ],
    "metadata": {},
    "nbformat": 4,
    "nbformat_minor": 5,
}
CHECK_PASSED = "check passed: every item, attachment and ledger entry is as recorded"


def run(folder: Path, *args: str):
    return cli("--portfolio", str(folder), *args)


@pytest.fixture
def inputs(tmp_path) -> dict[str, Path]:
    """Input files a candidate might have: Markdown, JSON, a notebook, an attachment."""
    folder = tmp_path / "inputs"
    folder.mkdir()
    files = {
        "md": folder / "reflection.md",
        "json": folder / "witness.json",
        "notebook": folder / "Call volumes.ipynb",
        "attachment": folder / "call-notes.txt",
    }
    files["md"].write_text(REFLECTION_MD, encoding="utf-8")
    files["json"].write_text(json.dumps(witness_body()), encoding="utf-8")
    files["notebook"].write_text(json.dumps(NOTEBOOK), encoding="utf-8")
    files["attachment"].write_text("Caller: gas smell by the school gates.\n", encoding="utf-8")
    return files


@pytest.fixture
def folder(tmp_path) -> Path:
    """A portfolio with one mapped reflection (EV-0001), so 'unchanged' means something."""
    folder = tmp_path / "p"
    init_portfolio(folder)
    with open_store(folder) as store:
        store.add_item(
            "reflection",
            "Gas escape outside a school",
            {
                "description": "A caller reported a strong smell of gas.",
                "feelings": "Under pressure.",
                "evaluation": "Quick log, repeated question.",
                "analysis": "LASS kept me on the location.",
                "conclusion": "Confirm the location once.",
                "action_plan": "Practise the location script.",
            },
            mappings=[Mapping(FRAMEWORK, "1.6", WHY)],
        )
    return folder


def fails(folder: Path, args: list[str], message: str, *, exit_code: int = 1) -> str:
    """Running ``args`` fails with ``message`` (the whole line for exit 1; a fragment of
    click's usage message for exit 2) and leaves the portfolio exactly as it was."""
    before = snapshot(folder)
    result = run(folder, *args)
    assert result.returncode == exit_code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    if exit_code == 1:
        assert result.stderr.splitlines() == [f"incidentfolio: error: {message}"]
    else:
        assert message in result.stderr
    assert snapshot(folder) == before
    return result.stderr


# --- init ---------------------------------------------------------------------------------


def test_init_prints_one_line_and_can_update_the_profile(tmp_path):
    folder = (tmp_path / "new" / "portfolio").resolve()
    result = run(
        folder,
        "init",
        "--name",
        "Sam Taylor",
        "--candidate-number",
        "C1234",
        "--framework",
        FRAMEWORK,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"portfolio ready: {folder} (Sam Taylor, candidate C1234; frameworks: {FRAMEWORK})\n"
    )
    assert result.stderr == ""
    assert stat.S_IMODE((folder / "portfolio.db").stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    again = run(
        folder,
        "init",
        "--name",
        "Sam Taylor-Reid",
        "--candidate-number",
        "C1234",
        "--framework",
        FRAMEWORK,
        "--framework",
        "escalated-l3",
        "--centre",
        "Northgate College",
    )
    assert again.stdout == (
        f"portfolio ready: {folder} (Sam Taylor-Reid, candidate C1234; frameworks: "
        f"{FRAMEWORK}, escalated-l3)\n"
    )
    with open_store(folder) as store:
        assert store.require_profile().centre == "Northgate College"
        assert [e.action for e in store.ledger()] == ["profile", "profile"]


def test_init_refuses_an_unknown_framework(folder):
    fails(
        folder,
        ["init", "--name", "Sam", "--candidate-number", "C1", "--framework", "nope"],
        "unknown framework nope (see `incidentfolio frameworks`)",
    )


# --- evidence add -------------------------------------------------------------------------


def test_add_from_markdown_prints_the_new_id_last(folder, inputs):
    result = run(
        folder,
        "evidence",
        "add",
        "--type",
        "reflection",
        "--title",
        "Gas escape",
        "--text-file",
        str(inputs["md"]),
        "--attach",
        str(inputs["attachment"]),
        "--criteria",
        f"{FRAMEWORK}:1.6={WHY}",
        "--criteria",
        f"escalated-l3:1.1 = {WHY}",
        "--personal-data",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "added reflection 'Gas escape' with 2 mappings and 1 attachment",
        "EV-0002",
    ]
    with open_store(folder) as store:
        item = store.item("EV-0002")
    assert item.body["description"] == "Intro text goes to the first long-text field."
    assert item.body["action_plan"].startswith("I will practise")
    assert [m.ref for m in item.mappings] == [f"{FRAMEWORK}:1.6", "escalated-l3:1.1"]
    assert item.personal_data is True
    assert [a.name for a in item.attachments] == ["call-notes.txt"]


def test_add_from_json_and_notebook(folder, inputs):
    result = run(
        folder,
        "evidence",
        "add",
        "--type",
        "witness_testimony",
        "--title",
        "Team leader's account",
        "--json-file",
        str(inputs["json"]),
    )
    assert result.stdout.splitlines() == [
        'added witness_testimony "Team leader\'s account" with 0 mappings and 0 attachments',
        "EV-0002",
    ]
    result = run(
        folder,
        "evidence",
        "add",
        "--type",
        "notebook",
        "--title",
        "Volumes",
        "--notebook",
        str(inputs["notebook"]),
        "--scenario",
        "gas-escape-school",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "EV-0003"
    with open_store(folder) as store:
        item = store.item("EV-0003")
    assert item.body == {
        "notebook_path": "Call volumes.ipynb",
        "title": "Call volume analysis",
        "cell_ids": ["intro", "plot"],
        "summary": "2 cells (1 code, 1 markdown)",
    }
    assert item.source_scenario == "gas-escape-school"
    assert [a.name for a in item.attachments] == ["Call volumes.ipynb"]


@pytest.mark.parametrize(
    ("criteria", "message"),
    [
        (
            f"{FRAMEWORK}:1.6",
            f"{FRAMEWORK}:1.6 needs a justification: give it as {FRAMEWORK}:1.6=WHY",
        ),
        (f"{FRAMEWORK}:1.6=", f"{FRAMEWORK}:1.6 needs a justification"),
        (f"{FRAMEWORK}=This is a full sentence of why.", "is not FRAMEWORK:CRITERION"),
    ],
    ids=["no-why", "empty-why", "no-criterion"],
)
def test_criteria_without_a_justification_is_a_usage_error(folder, inputs, criteria, message):
    fails(
        folder,
        [
            "evidence",
            "add",
            "--type",
            "reflection",
            "--title",
            "T",
            "--text-file",
            str(inputs["md"]),
            "--criteria",
            criteria,
        ],
        message,
        exit_code=2,
    )


def test_body_sources_are_usage_errors(folder, inputs):
    base = ["evidence", "add", "--type", "reflection", "--title", "T"]
    fails(folder, base, "give exactly one of --text-file, --json-file or --notebook", exit_code=2)
    fails(
        folder,
        [*base, "--text-file", str(inputs["md"]), "--json-file", str(inputs["json"])],
        "give exactly one of --text-file, --json-file or --notebook",
        exit_code=2,
    )
    fails(
        folder,
        [*base, "--notebook", str(inputs["notebook"])],
        "--notebook is for --type notebook",
        exit_code=2,
    )


def _write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _bad_add(case: str, tmp: Path, inputs: dict[str, Path]) -> tuple[list[str], str]:
    """(arguments after ``evidence add --title T``, the error line's message) for ``case``."""
    md = str(inputs["md"])
    text_file = ["--type", "reflection", "--text-file", md]
    if case == "unknown-type-json":
        return (
            ["--type", "diary", "--json-file", str(inputs["json"])],
            f"unknown evidence type 'diary' (one of: {', '.join(EVIDENCE_TYPES)})",
        )
    if case == "unknown-type-markdown":
        return (
            ["--type", "diary", "--text-file", md],
            f"unknown evidence type 'diary' (one of: {', '.join(EVIDENCE_TYPES)})",
        )
    if case == "body-fails-schema":
        bad = _write(tmp / "bad.json", json.dumps({"description": 5}))
        return (
            ["--type", "reflection", "--json-file", str(bad)],
            "reflection body: description: must be text, not a number (and 5 more)",
        )
    if case == "body-not-a-mapping":
        bad = _write(tmp / "list.json", "[1, 2]")
        return (
            ["--type", "reflection", "--json-file", str(bad)],
            f"{bad}: the body must be a mapping of fields",
        )
    if case == "unknown-criterion":
        return (
            [*text_file, "--criteria", f"{FRAMEWORK}:9.9={WHY}"],
            f"framework {FRAMEWORK} has no criterion 9.9",
        )
    if case == "unknown-framework":
        return (
            [*text_file, "--criteria", f"nope:1.1={WHY}"],
            "unknown framework nope (see `incidentfolio frameworks`)",
        )
    if case == "justification-too-short":
        return (
            [*text_file, "--criteria", f"{FRAMEWORK}:1.6=Good."],
            f"the justification for {FRAMEWORK}:1.6 must be at least one sentence saying "
            "how this item shows the criterion",
        )
    if case == "missing-attachment":
        missing = tmp / "missing.pdf"
        return (
            [*text_file, "--attach", str(inputs["attachment"]), "--attach", str(missing)],
            f"attachment {missing} does not exist or is not a file",
        )
    if case == "unknown-heading":
        bad = _write(tmp / "heading.md", "## Feelings\nCalm.\n## Mood\nFine.\n")
        return (
            ["--type", "reflection", "--text-file", str(bad)],
            f"{bad}: line 3: 'Mood' is not a text field of reflection (use one of: "
            "Incident or context reference, Description, Feelings, Evaluation, Analysis, "
            "Conclusion, Action plan)",
        )
    if case == "notebook-not-json":
        bad = _write(tmp / "broken.ipynb", "not json at all")
        return (
            ["--type", "notebook", "--notebook", str(bad)],
            f"{bad}: not a notebook (invalid JSON: Expecting value: line 1 column 1 (char 0))",
        )
    if case == "notebook-without-cells":
        bad = _write(tmp / "nocells.ipynb", '{"metadata": {}}')
        return (["--type", "notebook", "--notebook", str(bad)], f"{bad}: not a notebook (no cells)")
    if case == "missing-text-file":
        return (
            ["--type", "reflection", "--text-file", str(tmp / "none.md")],
            f"{tmp / 'none.md'}: (file): cannot read: No such file or directory",
        )
    if case == "text-file-not-utf8":
        bad = _write(tmp / "latin1.md", "## Feelings\nCafé\n".encode("latin-1"))
        return (
            ["--type", "reflection", "--text-file", str(bad)],
            f"{bad}: (file): not UTF-8 text (bad byte at offset 15)",
        )
    assert case == "blank-title"
    return [*text_file, "--title", " "], "the title must not be empty"


BAD_ADDS = [
    "unknown-type-json",
    "unknown-type-markdown",
    "body-fails-schema",
    "body-not-a-mapping",
    "unknown-criterion",
    "unknown-framework",
    "justification-too-short",
    "missing-attachment",
    "unknown-heading",
    "notebook-not-json",
    "notebook-without-cells",
    "missing-text-file",
    "text-file-not-utf8",
    "blank-title",
]


@pytest.mark.parametrize("case", BAD_ADDS)
def test_bad_add_exits_1_with_one_line_and_changes_nothing(folder, inputs, tmp_path, case):
    args, message = _bad_add(case, tmp_path, inputs)
    fails(folder, ["evidence", "add", "--title", "T", *args], message)


def test_notebook_with_a_cell_that_is_not_an_object_is_one_error_line(folder, tmp_path):
    """(Fails today: ``notebook_body`` calls ``cell.get`` on a non-dict cell, so the CLI
    prints ``internal error: AttributeError: 'str' object has no attribute 'get'``.)"""
    odd = _write(tmp_path / "odd.ipynb", '{"cells": ["not a cell"]}')
    before = snapshot(folder)
    result = run(
        folder, "evidence", "add", "--type", "notebook", "--title", "T", "--notebook", str(odd)
    )
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"incidentfolio: error: {odd}: not a notebook ("), line
    assert snapshot(folder) == before


def test_same_criterion_twice_is_one_error_line(folder, inputs):
    """(Fails today with ``internal error: IntegrityError: UNIQUE constraint failed: …``.)"""
    fails(
        folder,
        [
            "evidence",
            "add",
            "--type",
            "reflection",
            "--title",
            "T",
            "--text-file",
            str(inputs["md"]),
            "--criteria",
            f"{FRAMEWORK}:1.6={WHY}",
            "--criteria",
            f"{FRAMEWORK}:1.6=Also: {WHY}",
        ],
        f"{FRAMEWORK}:1.6 is given twice; map an item to a criterion once",
    )


def test_same_attachment_twice_is_one_error_line(folder, inputs):
    """(Fails today with ``internal error: IntegrityError: UNIQUE constraint failed: …``.)"""
    attachment = str(inputs["attachment"])
    fails(
        folder,
        [
            "evidence",
            "add",
            "--type",
            "reflection",
            "--title",
            "T",
            "--text-file",
            str(inputs["md"]),
            "--attach",
            attachment,
            "--attach",
            attachment,
        ],
        f"attachment {attachment} is given twice",
    )


# --- reading ------------------------------------------------------------------------------


def test_list_table_and_json(folder, inputs):
    run(
        folder,
        "evidence",
        "add",
        "--type",
        "witness_testimony",
        "--title",
        "Team leader",
        "--json-file",
        str(inputs["json"]),
    )
    result = run(folder, "evidence", "list")
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "ID       TYPE               V MAPPED  TITLE",
        "EV-0001  reflection         1      1  Gas escape outside a school",
        "EV-0002  witness_testimony  1      0  Team leader",
    ]
    listed = json.loads(run(folder, "evidence", "list", "--json").stdout)
    assert [(i["id"], i["type"], i["version"], i["state"]) for i in listed] == [
        ("EV-0001", "reflection", 1, "active"),
        ("EV-0002", "witness_testimony", 1, "active"),
    ]
    assert listed[0]["mappings"] == [
        {"framework": FRAMEWORK, "criterion": "1.6", "justification": WHY, "anchor": None}
    ]
    assert listed[1]["body"] == witness_body()
    run(folder, "evidence", "delete", "EV-0002")
    assert len(run(folder, "evidence", "list").stdout.splitlines()) == 2
    assert run(folder, "evidence", "list", "--deleted").stdout.splitlines()[-1] == (
        "EV-0002  witness_testimony  2      0  Team leader (deleted)"
    )


def test_list_when_empty(tmp_path):
    folder = tmp_path / "p"
    init_portfolio(folder)
    result = run(folder, "evidence", "list")
    assert result.stdout == "no evidence yet: add some with `incidentfolio evidence add`\n"
    assert json.loads(run(folder, "evidence", "list", "--json").stdout) == []


def test_show(folder, inputs):
    run(
        folder,
        "evidence",
        "add",
        "--type",
        "reflection",
        "--title",
        "With a file",
        "--text-file",
        str(inputs["md"]),
        "--attach",
        str(inputs["attachment"]),
        "--criteria",
        f"{FRAMEWORK}:1.6={WHY}",
        "--criteria",
        f"{FRAMEWORK}:1.1={WHY}",
        "--personal-data",
    )
    result = run(folder, "evidence", "show", "EV-0002")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    digest = hashlib.sha256(inputs["attachment"].read_bytes()).hexdigest()
    assert lines[0] == "EV-0002 reflection: With a file"
    assert re.fullmatch(r"version 1, recorded \S+, contains personal data", lines[1])
    assert "Feelings: I felt under pressure because the caller was frightened." in lines
    assert lines[-4:] == [
        "Mapped to 2 criteria:",
        f"  {FRAMEWORK}:1.6  {WHY}",
        f"  {FRAMEWORK}:1.1  {WHY}",
        f"Attachment: call-notes.txt (39 bytes, sha256 {digest[:12]}…)",
    ]
    shown = json.loads(run(folder, "evidence", "show", "EV-0002", "--json").stdout)
    assert (shown["id"], shown["title"], shown["personal_data"]) == ("EV-0002", "With a file", True)
    fails(
        folder,
        ["evidence", "show", "EV-0099"],
        "no evidence item EV-0099 (see `incidentfolio evidence list`)",
    )


def test_map_unmap_history_delete_messages(folder):
    result = run(
        folder,
        "evidence",
        "map",
        "EV-0001",
        f"{FRAMEWORK}:1.1",
        "--why",
        WHY,
        "--anchor",
        "analysis",
    )
    assert (result.returncode, result.stdout) == (0, f"mapped EV-0001 to {FRAMEWORK}:1.1\n")
    fails(
        folder,
        ["evidence", "map", "EV-0001", f"{FRAMEWORK}:1.1", "--why", WHY],
        f"EV-0001 is already mapped to {FRAMEWORK}:1.1",
    )
    fails(
        folder,
        ["evidence", "map", "EV-0001", f"{FRAMEWORK}:1.2", "--why", "Yes."],
        f"the justification for {FRAMEWORK}:1.2 must be at least one sentence saying how this "
        "item shows the criterion",
    )
    fails(
        folder,
        ["evidence", "map", "EV-0001", "k503", "--why", WHY],
        "is not FRAMEWORK:CRITERION",
        exit_code=2,
    )
    result = run(folder, "evidence", "unmap", "EV-0001", f"{FRAMEWORK}:1.1")
    assert (result.returncode, result.stdout) == (0, f"unmapped EV-0001 from {FRAMEWORK}:1.1\n")
    fails(
        folder,
        ["evidence", "unmap", "EV-0001", f"{FRAMEWORK}:1.1"],
        f"EV-0001 is not mapped to {FRAMEWORK}:1.1",
    )
    result = run(folder, "evidence", "delete", "EV-0001")
    assert (result.returncode, result.stdout) == (
        0,
        "deleted EV-0001 (its history is kept: `incidentfolio evidence history EV-0001`)\n",
    )
    fails(folder, ["evidence", "delete", "EV-0001"], "EV-0001 is already deleted")
    fails(
        folder,
        ["evidence", "map", "EV-0001", f"{FRAMEWORK}:1.2", "--why", WHY],
        "EV-0001 was deleted; it cannot be mapped",
    )
    result = run(folder, "evidence", "history", "EV-0001")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert re.fullmatch(
        r"v1  \S+  saved    Gas escape outside a school  sha256 [0-9a-f]{12}", lines[0]
    )
    assert re.fullmatch(
        r"v2  \S+  deleted  Gas escape outside a school  sha256 [0-9a-f]{12}", lines[1]
    )
    versions = json.loads(run(folder, "evidence", "history", "EV-0001", "--json").stdout)
    assert [(v["version"], v["state"]) for v in versions] == [(1, "active"), (2, "deleted")]
    assert all(len(v["sha256"]) == 64 for v in versions)


def test_declare_and_check(folder):
    result = run(folder, "declare")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:-1] == textwrap.wrap(DECLARATION, 96)
    assert re.fullmatch(
        r"declared by Sam Taylor at \S+ over ledger entry 2; any later change makes this "
        r"declaration stale",
        lines[-1],
    )
    result = run(folder, "check")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        "journal: write-ahead log (WAL)",
        "ledger: 3 entries (head 3); 1 evidence items",
        CHECK_PASSED,
    ]


def test_declare_with_nothing_to_declare(tmp_path):
    folder = tmp_path / "p"
    init_portfolio(folder)
    fails(folder, ["declare"], "there is no evidence to declare yet")


# --- portfolios that cannot be used -------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["evidence", "list"],
        ["evidence", "show", "EV-0001"],
        ["check"],
        ["declare"],
        ["evidence", "add", "--type", "reflection", "--title", "T", "--json-file", "x.json"],
    ],
    ids=["list", "show", "check", "declare", "add"],
)
def test_commands_before_init(tmp_path, args):
    folder = tmp_path / "p"
    if "--json-file" in args:
        args = [*args[:-1], str(_write(tmp_path / "x.json", json.dumps(witness_body())))]
    result = run(folder, *args)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"incidentfolio: error: no portfolio in {folder.resolve()}: run `incidentfolio init` "
        "first\n"
    )
    assert not (folder / "portfolio.db").exists()


def test_newer_and_corrupt_databases(tmp_path):
    newer = tmp_path / "newer"
    init_portfolio(newer)
    conn = sqlite3.connect(newer / "portfolio.db")
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    fails(
        newer,
        ["evidence", "list"],
        f"{newer / 'portfolio.db'} was written by a newer incidentfolio (schema 99; this "
        f"version reads up to {max(MIGRATIONS)}): upgrade incidentfolio to open it",
    )
    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    junk = random.Random(1).randbytes(8192)
    (corrupt / "portfolio.db").write_bytes(junk)
    result = run(corrupt, "check")
    assert result.returncode == 1
    assert result.stderr == (
        f"incidentfolio: error: {corrupt / 'portfolio.db'} is not a portfolio database (file is "
        "not a database)\n"
    )
    assert (corrupt / "portfolio.db").read_bytes() == junk


def test_markdown_title_line_is_not_a_field(folder, tmp_path):
    notes = tmp_path / "with-title.md"
    notes.write_text("# My first gas call\n\nWhat happened.\n\n## Feelings\nNervous at first.\n",
                     encoding="utf-8")  # fmt: skip
    from incidentfolio.evidence_input import body_from_markdown

    assert body_from_markdown("reflection", notes) == {
        "description": "What happened.",
        "feelings": "Nervous at first.",
    }
