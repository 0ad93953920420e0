"""Mahara SmartEvidence .matrix export and import, through the real ``incidentfolio`` CLI."""

from __future__ import annotations

import copy
import json

import pytest
import yaml
from support import cli

from incidentfolio.frameworks import load_framework, load_frameworks
from incidentfolio.matrix import (
    all_evidence_types,
    framework_to_matrix,
    framework_yaml,
    marking_points_from_html,
    matrix_text,
    read_matrix,
    slugify,
)

SHIPPED = sorted(load_frameworks())

# A hand-written plain matrix in Mahara's new style: no incidentfolio extras at all.
PLAIN = {
    "framework": {
        "institution": "all",
        "name": "Customer Care Basics",
        "description": "<p>A small <em>practice</em> matrix.</p>",
        "selfassess": False,
        "evidencestatuses": [
            {"begun": "Ready"},
            {"incomplete": "Not yet"},
            {"partialcomplete": "Partly"},
            {"completed": "Met"},
        ],
        "standards": [
            {
                "shortname": "Greeting",
                "name": "Open the contact well",
                "description": "",
                "standardid": 1,
            },
            {
                "shortname": "Closing",
                "name": "Close the contact well",
                "description": "",
                "standardid": 2,
            },
        ],
        "standardelements": [
            {
                "shortname": "Greet",
                "name": "Greet the caller by the agreed script",
                "description": (
                    "<ul><li>Uses the caller&#39;s name</li><li>Gives own name</li></ul>"
                ),
                "standardid": 1,
                "elementid": "1.1",
            },
            {
                "shortname": "Verify",
                "name": "Check the caller's identity",
                "description": "Asks the security questions in order.",
                "standardid": 1,
                "elementid": "1.2",
            },
            {
                "shortname": "Summarise",
                "name": "Summarise what happens next",
                "description": "",
                "standardid": 2,
                "elementid": "2.1",
            },
        ],
    }
}


def _run(portfolio, *args):
    return cli("--portfolio", str(portfolio), "frameworks", *args)


def _write(path, content):
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def _renamed(fw_id: str, new_id: str) -> str:
    """The shipped framework's export with another framework id, as a centre's copy would be."""
    doc = framework_to_matrix(load_frameworks()[fw_id])
    doc["framework"]["incidentfolio"]["id"] = new_id
    return json.dumps(doc, indent=2, ensure_ascii=True) + "\n"


def _one_error_line(result) -> str:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# --- export ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fw_id", SHIPPED)
def test_export_has_maharas_new_style_shape(tmp_path, fw_id):
    result = _run(tmp_path / "p", "--export-matrix", fw_id)
    assert result.returncode == 0, result.stderr
    fw = load_frameworks()[fw_id]
    doc = json.loads(result.stdout)
    assert list(doc) == ["framework"]
    body = doc["framework"]
    assert set(body) == {
        "name", "description", "institution", "selfassess", "evidencestatuses",
        "standards", "standardelements", "incidentfolio",
    }  # fmt: skip
    assert body["name"] == fw.title
    assert body["institution"] == "all"
    assert [list(s) for s in body["evidencestatuses"]] == [
        ["begun"], ["incomplete"], ["partialcomplete"], ["completed"],
    ]  # fmt: skip
    standards = body["standards"]
    assert [s["shortname"] for s in standards] == [lo.id for lo in fw.learning_outcomes]
    assert [s["standardid"] for s in standards] == list(range(1, len(standards) + 1))
    for standard in standards:
        assert set(standard) == {"shortname", "name", "description", "standardid"}
    elements = body["standardelements"]
    assert len(elements) == len(fw.criteria)
    by_sid = {s["standardid"]: s["shortname"] for s in standards}
    for element, criterion in zip(elements, fw.criteria, strict=True):
        assert {"shortname", "name", "description", "standardid", "elementid"} <= set(element)
        assert element["elementid"] == element["shortname"] == criterion.id
        assert element["name"] == criterion.statement
        assert type(element["standardid"]) is int  # Mahara matches standardid with ===
        assert by_sid[element["standardid"]] == criterion.lo
        assert element["incidentfolio"]["kind"] == criterion.kind
        # Mahara's columns: shortname char(100), name char(255)
        assert len(element["shortname"]) <= 100 and len(element["name"]) <= 255
    assert all(len(s["name"]) <= 255 for s in standards)
    assert len(body["name"]) <= 255
    assert body["incidentfolio"]["id"] == fw_id
    assert body["incidentfolio"]["provisional"] is fw.provisional


def test_export_is_deterministic_indented_ascii_with_final_newline(tmp_path):
    first = _run(tmp_path / "p", "--export-matrix", "escalated-l3").stdout
    second = _run(tmp_path / "p", "--export-matrix", "escalated-l3").stdout
    assert first == second
    assert first.endswith("}\n")
    assert first.startswith('{\n  "framework": {\n    "name": ')
    assert first.isascii()
    assert first == matrix_text(load_frameworks()["escalated-l3"])


def test_element_description_lists_the_marking_points_for_mahara_users():
    fw = load_frameworks()["k503-0421"]
    element = framework_to_matrix(fw)["framework"]["standardelements"][0]
    assert element["description"].startswith(
        "<p>Performance criterion. Evidence: at least 2 of observation, witness testimony,"
    )
    assert marking_points_from_html(element["description"]) == list(fw.criteria[0].marking_points)


def test_export_unknown_framework_names_the_known_ones(tmp_path):
    line = _one_error_line(_run(tmp_path / "p", "--export-matrix", "nope"))
    assert line == (
        "incidentfolio: error: unknown framework nope (known: escalated-l3, "
        "incident-systems-l45, k503-0421, principles-l2l3)"
    )


# --- round trip -----------------------------------------------------------------------------


@pytest.mark.parametrize("fw_id", SHIPPED)
def test_round_trip_through_the_cli_is_byte_identical(tmp_path, fw_id):
    portfolio = tmp_path / "p"
    exported = _run(portfolio, "--export-matrix", fw_id)
    assert exported.returncode == 0, exported.stderr
    # A shipped id cannot be imported, so the centre's copy carries its own id.
    copy_id = f"centre-{fw_id}"
    source = _write(tmp_path / f"{copy_id}.matrix", _renamed(fw_id, copy_id))
    assert source.read_text().replace(copy_id, fw_id) == exported.stdout

    imported = _run(portfolio, "--import-matrix", str(source))
    assert imported.returncode == 0, imported.stderr
    target = portfolio / "frameworks" / f"{copy_id}.yaml"
    n = len(load_frameworks()[fw_id].criteria)
    provisional = ", provisional" if load_frameworks()[fw_id].provisional else ""
    assert imported.stdout == (
        f"imported framework {copy_id} ({n} criteria{provisional}): {target.resolve()}\n"
    )
    again = _run(portfolio, "--export-matrix", copy_id)
    assert again.returncode == 0, again.stderr
    assert again.stdout == source.read_text()


@pytest.mark.parametrize("fw_id", SHIPPED)
def test_round_trip_keeps_every_field(tmp_path, fw_id):
    shipped = load_frameworks()[fw_id]
    source = _write(tmp_path / "x.matrix", matrix_text(shipped))
    saved = _write(tmp_path / "x.yaml", framework_yaml(read_matrix(source), source.name))
    back = load_framework(saved)
    assert (back.id, back.title, back.level, back.provisional, back.awarding_notes) == (
        shipped.id, shipped.title, shipped.level, shipped.provisional, shipped.awarding_notes,
    )  # fmt: skip
    assert back.learning_outcomes == shipped.learning_outcomes
    assert back.criteria == shipped.criteria
    assert matrix_text(back) == source.read_text()


# --- plain Mahara matrices ------------------------------------------------------------------


def test_plain_mahara_matrix_imports_with_defaults(tmp_path):
    portfolio = tmp_path / "p"
    source = _write(tmp_path / "care.matrix", PLAIN)
    result = _run(portfolio, "--import-matrix", str(source))
    target = (portfolio / "frameworks" / "customer-care-basics.yaml").resolve()
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"imported framework customer-care-basics (3 criteria, provisional): {target}\n"
    )
    data = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert data["id"] == "customer-care-basics"
    assert data["title"] == "Customer Care Basics"
    assert data["provisional"] is True
    assert data["level"] == "not stated (imported from a Mahara SmartEvidence matrix)"
    assert data["awarding_notes"] == (
        "Imported from the Mahara SmartEvidence matrix care.matrix. A small practice matrix."
    )
    assert data["learning_outcomes"] == [
        {"id": "LO1", "title": "Open the contact well"},
        {"id": "LO2", "title": "Close the contact well"},
    ]
    first, second, third = data["criteria"]
    assert first == {
        "id": "1.1",
        "lo": "LO1",
        "statement": "Greet the caller by the agreed script",
        "kind": "performance",
        "evidence_types": list(all_evidence_types()),
        "min_evidence_types": 1,
        "marking_points": ["Uses the caller's name", "Gives own name"],
    }
    assert second["marking_points"] == ["Asks the security questions in order."]
    assert (third["id"], third["lo"], third["marking_points"]) == (
        "2.1", "LO2", ["Summarise what happens next"],
    )  # fmt: skip

    listing = _run(portfolio)
    assert listing.returncode == 0
    assert listing.stdout.splitlines()[-1] == (
        "customer-care-basics     3 criteria  Customer Care Basics (provisional wording, imported)"
    )
    rows = {row["id"]: row for row in json.loads(_run(portfolio, "--json").stdout)}
    assert rows["customer-care-basics"]["imported"] is True
    assert rows["k503-0421"]["imported"] is False
    assert rows["customer-care-basics"]["learning_outcomes"] == {"LO1": 2, "LO2": 1}


def test_old_style_matrix_with_nested_elements_and_an_empty_standard(tmp_path):
    old = {
        "framework": {
            "name": "Überblick: Call Handling!",
            "description": "",
            "standards": [
                {
                    "shortname": "Part A",
                    "name": "Answering",
                    "description": "",
                    "standardelement": [
                        {"shortname": "A.1", "name": "Answer promptly", "description": ""},
                        {"shortname": "A.1.1", "name": "Within five rings", "description": ""},
                    ],
                },
                {"shortname": "Part B", "name": "Left for later", "description": ""},
                {
                    "shortname": "LO7",
                    "name": "Recording",
                    "description": "",
                    "standardelement": [{"shortname": "C.1", "name": "Note the call"}],
                },
            ],
        }
    }
    portfolio = tmp_path / "p"
    result = _run(portfolio, "--import-matrix", str(_write(tmp_path / "old.matrix", old)))
    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        "incidentfolio: warning: skipped standard 'Left for later': it has no elements\n"
    )
    data = yaml.safe_load((portfolio / "frameworks" / "uberblick-call-handling.yaml").read_text())
    assert [lo["id"] for lo in data["learning_outcomes"]] == ["LO1", "LO7"]
    assert [(c["id"], c["lo"]) for c in data["criteria"]] == [
        ("1.1", "LO1"), ("1.2", "LO1"), ("7.1", "LO7"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Customer Care Basics", "customer-care-basics"),
        ("  Ça va?  ", "ca-va"),
        ("x" * 80, "x" * 60),
    ],
)
def test_slugify(name, slug):
    assert slugify(name) == slug


# --- refusals and --replace -----------------------------------------------------------------


def test_import_refuses_a_shipped_framework_id(tmp_path):
    portfolio = tmp_path / "p"
    source = _write(tmp_path / "k.matrix", _run(portfolio, "--export-matrix", "k503-0421").stdout)
    line = _one_error_line(_run(portfolio, "--import-matrix", str(source)))
    assert line == (
        f"incidentfolio: error: {source}: framework.incidentfolio.id: framework id k503-0421 "
        "belongs to a framework shipped with incidentfolio; an import cannot replace it"
    )
    assert not (portfolio / "frameworks" / "k503-0421.yaml").exists()


def test_plain_matrix_named_like_a_shipped_id_is_refused_at_the_name(tmp_path):
    plain = copy.deepcopy(PLAIN)
    plain["framework"]["name"] = "K503 0421"
    source = _write(tmp_path / "k.matrix", plain)
    line = _one_error_line(_run(tmp_path / "p", "--import-matrix", str(source)))
    assert line.startswith(
        f"incidentfolio: error: {source}: framework.name: framework id k503-0421"
    )


def test_second_import_needs_replace(tmp_path):
    portfolio = tmp_path / "p"
    source = _write(tmp_path / "care.matrix", PLAIN)
    assert _run(portfolio, "--import-matrix", str(source)).returncode == 0
    target = (portfolio / "frameworks" / "customer-care-basics.yaml").resolve()

    changed = copy.deepcopy(PLAIN)
    changed["framework"]["standardelements"][2]["name"] = "Agree the next step"
    _write(source, changed)
    line = _one_error_line(_run(portfolio, "--import-matrix", str(source)))
    assert line == (
        "incidentfolio: error: framework customer-care-basics is already imported "
        f"({target}); use --replace to overwrite it"
    )
    assert "Summarise what happens next" in target.read_text()

    result = _run(portfolio, "--import-matrix", str(source), "--replace")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"replaced framework customer-care-basics (3 criteria, provisional): {target}\n"
    )
    assert "Agree the next step" in target.read_text()
    assert [p.name for p in target.parent.iterdir()] == ["customer-care-basics.yaml"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--replace"], "--replace only applies to --import-matrix"),
        (
            ["--export-matrix", "k503-0421", "--import-matrix", "x.matrix"],
            "--export-matrix and --import-matrix cannot be used together",
        ),
        (
            ["--json", "--export-matrix", "k503-0421"],
            "--json lists frameworks; it cannot be combined with a matrix option",
        ),
    ],
)
def test_conflicting_options_are_usage_errors(tmp_path, args, message):
    result = _run(tmp_path / "p", *args)
    assert result.returncode == 2
    assert f"Error: {message}" in result.stderr
    assert "Traceback" not in result.stderr


# --- bad matrix files -----------------------------------------------------------------------


def _plain(mutate):
    def build():
        doc = copy.deepcopy(PLAIN)
        mutate(doc["framework"])
        return doc

    return build


def _extras(mutate):
    def build():
        doc = json.loads(_renamed("escalated-l3", "centre-copy"))
        mutate(doc["framework"])
        return doc

    return build


SE = "framework.standardelements"
BAD = [
    ("{not json", "line 1", "invalid JSON: Expecting property name enclosed in double quotes"),
    ("   \n", "(file)", "file is empty"),
    ("[]", "(top level)", "must be an object, found array"),
    (
        '{"frameworks": {}}',
        "(top level)",
        "missing required field: framework (not a Mahara .matrix)",
    ),
    ('{"framework": []}', "framework", "must be an object, found array"),
    (_plain(lambda f: f.pop("name")), "framework", "missing required field: name"),
    (_plain(lambda f: f.update(name="  ")), "framework.name", "must not be empty"),
    (
        _plain(lambda f: f.update(name="!!!")),
        "framework.name",
        "cannot make a framework id from this name",
    ),
    (
        _plain(lambda f: f.update(description=7)),
        "framework.description",
        "must be a string, found number",
    ),
    (_plain(lambda f: f.pop("standards")), "framework", "missing required field: standards"),
    (_plain(lambda f: f.update(standards=[])), "framework.standards", "must not be empty"),
    (
        _plain(lambda f: f.update(standards={})),
        "framework.standards",
        "must be an array, found object",
    ),
    (
        _plain(lambda f: f.update(standardelements=[])),
        "framework",
        "has no standard elements: nothing to import",
    ),
    (
        _plain(lambda f: f["standards"][1].update(standardid=1)),
        "framework.standards[1].standardid",
        "duplicate standardid 1 (also framework.standards[0])",
    ),
    (
        _plain(lambda f: f["standards"][0].pop("standardid")),
        "framework.standards[0]",
        "missing required field: standardid",
    ),
    (
        _plain(lambda f: f["standards"][0].update(standardid=True)),
        "framework.standards[0].standardid",
        "must be an integer or a string, found boolean",
    ),
    (
        _plain(lambda f: f["standardelements"][2].update(standardid=9)),
        f"{SE}[2].standardid",
        "standardid 9 matches no standard",
    ),
    (
        _plain(lambda f: f["standardelements"][0].update(standardid="1")),
        f"{SE}[0].standardid",
        "standardid '1' matches no standard",
    ),
    (
        _plain(lambda f: f["standardelements"][1].update(elementid="1.1")),
        f"{SE}[1].elementid",
        f"duplicate elementid 1.1 (also {SE}[0])",
    ),
    (
        _plain(lambda f: f["standardelements"][0].pop("name")),
        f"{SE}[0]",
        "missing required field: name",
    ),
    (
        _plain(lambda f: f["standardelements"].append("x")),
        f"{SE}[3]",
        "must be an object, found string",
    ),
    (
        _plain(lambda f: f["evidencestatuses"][0].update(extra="x")),
        "framework.evidencestatuses[0]",
        "must be one of begun, incomplete, partialcomplete, completed with its label",
    ),
    (
        _plain(lambda f: f.update(evidencestatuses=[[{"begun": "Ready"}]])),
        "framework.evidencestatuses[0]",
        "must be an object, found array",
    ),
    (
        _plain(lambda f: f["standards"][0].update(shortname="LO2")),  # standard 2 is LO2 too
        "framework.standards",
        "learning outcome ids must be unique",
    ),
    (
        _extras(lambda f: f["incidentfolio"].update(version=2)),
        "framework.incidentfolio.version",
        "unsupported version 2 (this version reads 1)",
    ),
    (
        _extras(lambda f: f["incidentfolio"].pop("level")),
        "framework.incidentfolio",
        "missing required field: level",
    ),
    (
        _extras(lambda f: f["incidentfolio"].update(id="Bad Id")),
        "framework.incidentfolio.id",
        "must match pattern ^[a-z0-9][a-z0-9-]*$",
    ),
    (
        _extras(lambda f: f["standardelements"][0]["incidentfolio"].update(kind="skill")),
        f"{SE}[0].incidentfolio.kind",
        "'skill' is not one of: knowledge, performance",
    ),
    (
        _extras(
            lambda f: f["standardelements"][3]["incidentfolio"].update(evidence_types=["selfie"])
        ),
        f"{SE}[3].incidentfolio.evidence_types[0]",
        "'selfie' is not one of: " + ", ".join(all_evidence_types()),
    ),
    (
        _extras(lambda f: f["standardelements"][9]["incidentfolio"].update(min_evidence_types=4)),
        f"{SE}[9].incidentfolio.min_evidence_types",
        "is more than the evidence types accepted",
    ),
    (
        _extras(lambda f: f["standardelements"][1]["incidentfolio"].update(colour="red")),
        f"{SE}[1].incidentfolio",
        "unknown field: colour",
    ),
    (
        _extras(lambda f: f["standardelements"][1].update(elementid="1.2.1")),
        f"{SE}[1].elementid",
        'must be a criterion id like "1.2"',
    ),
    (
        _extras(lambda f: f["standardelements"][4].update(elementid="1.1", shortname="1.1")),
        f"{SE}[4].elementid",
        f"duplicate elementid 1.1 (also {SE}[0])",
    ),
]


@pytest.mark.parametrize(("content", "location", "message"), BAD)
def test_bad_matrix_is_one_error_line(tmp_path, content, location, message):
    body = content() if callable(content) else content
    source = _write(tmp_path / "bad.matrix", body)
    portfolio = tmp_path / "p"
    line = _one_error_line(_run(portfolio, "--import-matrix", str(source)))
    prefix = f"incidentfolio: error: {source}: {location}: "
    assert line == prefix + message
    assert not (portfolio / "frameworks").exists() or not any((portfolio / "frameworks").iterdir())


def test_missing_and_binary_files_are_one_error_line(tmp_path):
    missing = tmp_path / "missing.matrix"
    line = _one_error_line(_run(tmp_path / "p", "--import-matrix", str(missing)))
    assert (
        line == f"incidentfolio: error: {missing}: (file): cannot read: No such file or directory"
    )
    binary = tmp_path / "bin.matrix"
    binary.write_bytes(b"\x00\x01{}")
    line = _one_error_line(_run(tmp_path / "p", "--import-matrix", str(binary)))
    assert line == f"incidentfolio: error: {binary}: (file): binary file (contains NUL bytes)"


# --- imported frameworks elsewhere ----------------------------------------------------------


def test_validate_checks_the_portfolios_imported_frameworks(tmp_path):
    # Only lines about this portfolio are checked: shipped content is other tests' concern.
    portfolio = tmp_path / "p"
    source = _write(tmp_path / "c.matrix", PLAIN)
    assert _run(portfolio, "--import-matrix", str(source)).returncode == 0
    assert str(portfolio) not in cli("--portfolio", str(portfolio), "validate").stderr

    target = portfolio / "frameworks" / "customer-care-basics.yaml"
    data = yaml.safe_load(target.read_text())
    data["criteria"][0]["kind"] = "skill"
    target.write_text(yaml.safe_dump(data))
    bad = cli("--portfolio", str(portfolio), "validate")
    assert bad.returncode == 1
    assert "Traceback" not in bad.stderr
    assert [line for line in bad.stderr.splitlines() if str(portfolio) in line] == [
        f"{target}: criteria[0].kind: 'skill' is not one of: knowledge, performance"
    ]

    cli("--portfolio", str(tmp_path / "none"), "validate")
    assert not (tmp_path / "none").exists(), "validate must not create the portfolio"


def test_a_broken_imported_framework_is_one_error_line_for_the_listing(tmp_path):
    portfolio = tmp_path / "p"
    folder = portfolio / "frameworks"
    folder.mkdir(parents=True)
    shipped = load_frameworks()["k503-0421"].source
    (folder / "dup.yaml").write_text(shipped.read_text(encoding="utf-8"), encoding="utf-8")
    line = _one_error_line(_run(portfolio))
    assert line == (
        f"incidentfolio: error: {folder / 'dup.yaml'}: id: framework id k503-0421 "
        f"is also used by {shipped}"
    )


def test_listing_and_export_do_not_create_the_portfolio(tmp_path):
    portfolio = tmp_path / "never"
    assert _run(portfolio).returncode == 0
    assert _run(portfolio, "--export-matrix", "k503-0421").returncode == 0
    assert not portfolio.exists()


def test_portfolio_from_the_environment(tmp_path):
    portfolio = tmp_path / "from-env"
    source = _write(tmp_path / "care.matrix", PLAIN)
    env = {"INCIDENTFOLIO_PORTFOLIO": str(portfolio)}
    assert cli("frameworks", "--import-matrix", str(source), env=env).returncode == 0
    assert (portfolio / "frameworks" / "customer-care-basics.yaml").is_file()
    assert "customer-care-basics" in cli("frameworks", env=env).stdout
