"""Concurrency: API workers and real CLI processes adding to one portfolio at the same time."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from store_workers import FRAMEWORK, WHY, init_portfolio
from support import REPO, cli

from incidentfolio.store import open_store
from incidentfolio.store.integrity import check_store

WORKER = Path(__file__).parent / "store_workers.py"
WORKERS, ADDS_EACH, CLI_ADDS = 4, 100, 20
REFLECTION_MD = """\
## Description
A caller reported a strong smell of gas outside a primary school.
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


@pytest.mark.slow
def test_workers_and_cli_adding_at_once(tmp_path):
    folder = tmp_path / "p"
    init_portfolio(folder)
    text = tmp_path / "reflection.md"
    text.write_text(REFLECTION_MD, encoding="utf-8")
    procs: list[tuple[str, subprocess.Popen]] = []
    for n in range(WORKERS):
        argv = [sys.executable, str(WORKER), "add-n", str(folder), str(ADDS_EACH)]
        procs.append((f"worker {n}", argv))
    for n in range(CLI_ADDS):
        argv = [
            sys.executable,
            "-m",
            "incidentfolio",
            "--portfolio",
            str(folder),
            "evidence",
            "add",
            "--type",
            "reflection",
            "--title",
            f"From the command line {n}",
            "--text-file",
            str(text),
            "--criteria",
            f"{FRAMEWORK}:1.6={WHY}",
        ]
        procs.append((f"cli {n}", argv))
    running = [
        (
            name,
            subprocess.Popen(
                argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO
            ),
        )
        for name, argv in procs
    ]
    reported: list[str] = []
    per_worker: list[list[int]] = []
    for name, proc in running:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, f"{name} exited {proc.returncode}:\n{out}\n{err}"
        for text_out in (out, err):
            assert not re.search(r"locked|busy", text_out, re.IGNORECASE), f"{name}: {text_out}"
        assert err == "", f"{name}: {err}"
        lines = out.splitlines()
        if name.startswith("worker"):
            assert lines[0] == "ready"
            assert len(lines) == 1 + ADDS_EACH
            reported += lines[1:]
            per_worker.append([int(i[3:]) for i in lines[1:]])
        else:
            assert re.fullmatch(r"EV-\d{4}", lines[-1]), out
            reported.append(lines[-1])
    total = WORKERS * ADDS_EACH + CLI_ADDS
    assert len(reported) == total
    expected = [f"EV-{n:04d}" for n in range(1, total + 1)]
    assert sorted(reported) == expected, "ids are not unique and gap-free"
    with open_store(folder) as store:
        assert [i.id for i in store.items()] == expected
        assert sum(len(i.mappings) for i in store.items()) == total
        report = check_store(store)
        assert report.ok, report.problems
        assert len(store.ledger()) == 1 + total
    interleaved = [ids for ids in per_worker if ids != list(range(ids[0], ids[0] + len(ids)))]
    assert interleaved, "the workers never overlapped, so this tested nothing concurrent"
    check = cli("--portfolio", str(folder), "check")
    assert check.returncode == 0, check.stderr
    assert f"ledger: {1 + total} entries (head {1 + total}); {total} evidence items" in check.stdout
