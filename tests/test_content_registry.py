"""``incidentfolio validate``: every problem one line ``PATH: LOCATION: MESSAGE``, exit 1."""

from __future__ import annotations

import pytest
from support import REPO, cli

from incidentfolio.content.registry import check_all


def test_shipped_content_is_valid():
    result = cli("validate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("checked ")
    assert result.stdout.rstrip().endswith("files: no problems")


def test_each_problem_is_one_line_and_exit_is_1(tmp_path):
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text("x: 1\n")
    future = tmp_path / "future.yaml"
    future.write_text("schema_version: 9\ncriteria: []\n")
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "bad.json").write_text("[1,")
    (folder / "notes.md").write_text("not content")
    missing = tmp_path / "missing.yaml"
    result = cli("validate", str(unknown), str(future), str(folder), str(missing))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{unknown}: (top level): not recognised as content "
        "(expected a scenario, decision tree, evidence template, question bank, framework, priority matrix, category list, scoring rules or misconception catalogue)",
        f"{future}: schema_version: unsupported schema_version 9 (this version reads 1)",
        f"{folder / 'bad.json'}: line 1: invalid JSON: Expecting value: line 1 column 4 (char 3)",
        f"{missing}: (file): cannot read: No such file or directory",
    ]
    assert "Traceback" not in result.stderr


BAD = REPO / "tests" / "data" / "bad"


def _expected_lines() -> dict[str, str]:
    lines = (BAD / "expected.txt").read_text(encoding="utf-8").splitlines()
    return {line.split(": ", 1)[0]: line for line in lines if line.strip()}


def test_bad_corpus_lists_every_file():
    files = {p.name for p in BAD.iterdir() if p.suffix in (".yaml", ".json")}
    assert files == set(_expected_lines())


@pytest.mark.parametrize("name", sorted(_expected_lines()))
def test_each_bad_file_gives_its_one_line(name):
    count, problems = check_all([BAD / name])
    assert count == 1
    assert [str(p).replace(f"{BAD}/", "") for p in problems] == [_expected_lines()[name]]


def test_validate_over_the_bad_corpus_prints_one_line_per_file():
    result = cli("validate", str(BAD.relative_to(REPO)))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    top_level = [line for line in result.stderr.splitlines() if "/bad/trees/" not in line]
    assert [line.replace("tests/data/bad/", "") for line in top_level] == sorted(
        _expected_lines().values()
    )
