"""Crash safety: a writer killed with SIGKILL at random moments never loses a committed item
and never leaves the portfolio inconsistent."""

from __future__ import annotations

import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from store_workers import init_portfolio

from incidentfolio.store import open_store
from incidentfolio.store.integrity import check_store

WORKER = Path(__file__).parent / "store_workers.py"
KILLS = 50


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_nothing_committed(tmp_path):
    folder = tmp_path / "p"
    init_portfolio(folder)
    rnd = random.Random(20250304)
    added: list[str] = []
    edited: dict[str, int] = {}
    killed_mid_run = 0
    for _ in range(KILLS):
        proc = subprocess.Popen(
            [sys.executable, str(WORKER), "add-loop", str(folder)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout.readline() == "ready\n", proc.stderr.read()
        time.sleep(rnd.uniform(0.05, 0.4))
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate(timeout=30)
        killed_mid_run += proc.returncode == -signal.SIGKILL
        assert err == "", err
        for line in out.splitlines():
            if re.fullmatch(r"EV-\d{4}", line):
                added.append(line)
            else:
                item_id, version = re.fullmatch(r"(EV-\d{4}) v(\d+)", line).groups()
                edited[item_id] = int(version)
    assert killed_mid_run == KILLS, "every worker was still writing when it was killed"
    assert len(added) == len(set(added)), "an id was handed out twice"
    with open_store(folder) as store:
        report = check_store(store)
        assert report.ok, report.problems
        items = {i.id: i for i in store.items(include_deleted=True)}
        missing = sorted(set(added) - set(items))
        assert not missing, f"committed but lost: {missing}"
        for item_id, version in edited.items():
            assert items[item_id].version >= version
        numbers = sorted(int(i[3:]) for i in items)
        assert numbers == list(range(1, len(numbers) + 1)), "ids have a gap"
        ledger = store.ledger()
        assert [e.seq for e in ledger] == list(range(1, len(ledger) + 1))
        created = {e.subject for e in ledger if e.action == "create"}
        assert set(items) == created, "an item without a ledger entry, or the reverse"
        # at most the one add in flight at each kill can be committed but unreported
        assert len(items) - len(added) <= KILLS
        for item in items.values():
            for attachment in item.attachments:
                assert (folder / attachment.stored_as).is_file()
    assert len(added) > KILLS, "the workers hardly wrote anything: kills did not land mid-run"
