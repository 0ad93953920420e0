"""Reading content files: every kind of bad file gives one line naming the file, quickly."""

from __future__ import annotations

import time

import pytest

from incidentfolio.content.files import MAX_BYTES, load_data
from incidentfolio.content.schema import validate
from incidentfolio.errors import ContentError

ALIAS_BOMB = """
a: &a ["x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
"""


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.yaml", b"   \n", "(file): file is empty"),
        ("binary.yaml", b"\x00\x01\x02abc", "(file): binary file (contains NUL bytes)"),
        (
            "latin1.yaml",
            "name: caf\u00e9".encode("latin-1"),
            "(file): not UTF-8 text (bad byte at offset 9)",
        ),
        ("bomb.yaml", ALIAS_BOMB.encode(), "more than 50 aliases (refused as unsafe)"),
        ("deep.yaml", ("a: " + "[" * 200 + "]" * 200).encode(), "nested deeper than 40 levels"),
        ("bad.yaml", b"a: [1, 2\nb: c", "line 2: invalid YAML"),
        ("tag.yaml", b"a: !!python/object/apply:os.system ['echo hi']", "invalid YAML"),
        ("bad.json", b'{"a": 1,}', "line 1: invalid JSON"),
    ],
)
def test_bad_files_give_one_line(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    started = time.monotonic()
    with pytest.raises(ContentError) as info:
        load_data(path)
    assert time.monotonic() - started < 5
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert expected in message
    assert "\n" not in message


def test_oversized_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "big.yaml"
    with path.open("wb") as fh:
        fh.truncate(MAX_BYTES + 1)
    with pytest.raises(
        ContentError, match=rf"file is {MAX_BYTES + 1} bytes; the limit is {MAX_BYTES}"
    ):
        load_data(path)


def test_missing_file(tmp_path):
    with pytest.raises(ContentError, match="cannot read: No such file or directory"):
        load_data(tmp_path / "nope.yaml")


def test_a_few_aliases_are_fine(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text("base: &b {x: 1}\none: *b\ntwo: *b\n")
    assert load_data(path) == {"base": {"x": 1}, "one": {"x": 1}, "two": {"x": 1}}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ([1, 2], "(top level): expected a mapping, found list"),
        ({"id": "x"}, "schema_version: missing (this version reads 1)"),
        (
            {"schema_version": 9},
            "schema_version: unsupported schema_version 9 (this version reads 1)",
        ),
        ({"schema_version": True}, "unsupported schema_version True"),
    ],
)
def test_schema_version_is_checked_first(data, expected):
    with pytest.raises(ContentError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        validate(data, "priority_matrix", "x.yaml")
