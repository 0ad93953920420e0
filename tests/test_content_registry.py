"""``incidentfolio validate``: every problem one line ``PATH: LOCATION: MESSAGE``, exit 1."""

from __future__ import annotations

from support import cli


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
        "(expected a framework or priority matrix)",
        f"{future}: schema_version: unsupported schema_version 9 (this version reads 1)",
        f"{folder / 'bad.json'}: line 1: invalid JSON: Expecting value: line 1 column 4 (char 3)",
        f"{missing}: (file): cannot read: No such file or directory",
    ]
    assert "Traceback" not in result.stderr
