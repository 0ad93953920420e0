"""The misconception catalogue covers every common mistake and credit point in the source
documents, and every place it says the product reaches an entry really produces it."""

from __future__ import annotations

import hashlib
import re

import pytest
from support import SEEDS, skip_outside_ci

from incidentfolio.frameworks import load_frameworks
from incidentfolio.misconceptions import load_catalogue
from incidentfolio.scenarios import load_scenarios
from incidentfolio.scoring import apply_changes, score
from incidentfolio.scoring_rules import load_rules

CATALOGUE = load_catalogue()

_HEADINGS = {
    "Common Misconceptions & Mistakes to Avoid": "misconception",
    "Common Mistakes": "misconception",
    "Examiner Marking Points": "marking_point",
    "Assessment Criteria": "marking_point",
}
_BULLET = re.compile(r"^\s*(?:-|•)\s+(.*\S)\s*$")


def seed_lines(text: str) -> list[tuple[str, str]]:
    """(kind, line) for each mistake and credit line: the bullets right after a heading
    (one caption line may sit between); under "Assessment Criteria" only credit lines."""
    out, kind, heading, caption_allowed, started = [], None, "", False, False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped in _HEADINGS:
            kind, heading, caption_allowed, started = _HEADINGS[stripped], stripped, True, False
            continue
        if kind is None or not stripped:
            continue
        bullet = _BULLET.match(line)
        if bullet:
            started = True
            if heading != "Assessment Criteria" or "credit" in bullet.group(1).lower():
                out.append((kind, bullet.group(1)))
        elif not started and caption_allowed:
            caption_allowed = False
        else:
            kind = None
    return out


def seed_hash(line: str) -> str:
    return hashlib.sha256(" ".join(line.lower().split()).encode()).hexdigest()[:10]


@pytest.fixture(scope="module")
def seeds() -> dict[str, list[tuple[str, str]]]:
    if not SEEDS.is_dir():
        skip_outside_ci("the source documents (../shared/seeds) are not beside this clone")
    return {p.name: seed_lines(p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))}


def test_every_seed_line_has_a_catalogue_entry(seeds):
    by_hash = {e.seed_hash: e for e in CATALOGUE.values()}
    missing = []
    for name, lines in seeds.items():
        for kind, line in lines:
            entry = by_hash.get(seed_hash(line))
            if entry is None or entry.seed != name or entry.kind != kind:
                missing.append(f"{name}: {kind}: {line[:60]}")
    assert missing == []
    assert sum(len(lines) for lines in seeds.values()) == len(CATALOGUE) == 50


def test_catalogue_text_is_not_copied_from_the_sources(seeds):
    source = " ".join(line.lower() for lines in seeds.values() for _, line in lines)
    for entry in CATALOGUE.values():
        words = entry.statement.lower().rstrip(".").split()
        shingles = {" ".join(words[i : i + 8]) for i in range(max(0, len(words) - 7))}
        assert not any(s in source for s in shingles), entry.id


def _option(tree_ref: str):
    from incidentfolio.trees import load_trees

    tree_id, node_id, option_id = tree_ref.split("/")
    tree = load_trees()[tree_id]
    node = tree.nodes[node_id]
    return next(o for o in node.options if o.id == option_id)


def revealing_response(question, entry_id: str):
    """A wrong response to ``question`` that reveals the catalogue entry ``entry_id``."""
    from incidentfolio.questions import correct_response

    if question.kind in ("single", "multiple"):
        option = next(o for o in question.options if o.misconception == entry_id)
        return option.id if question.kind == "single" else [option.id]
    if question.kind == "ordering":
        assert question.misconception == entry_id
        return list(reversed(question.answer))
    if question.kind == "classification":
        item = next(i for i in question.items if i.misconception == entry_id)
        wrong = next(c for c in question.categories if c != item.answer)
        return {**correct_response(question), item.id: wrong}
    error = next((e for e in question.common_errors if e.misconception == entry_id), None)
    if error is not None:
        return error.answer
    assert question.misconception == entry_id
    return question.answer + 10 * question.tolerance + 1


@pytest.mark.parametrize("entry_id", sorted(CATALOGUE))
def test_every_reach_exists_and_produces_the_entry(entry_id):
    entry = CATALOGUE[entry_id]
    rules = load_rules()
    for reach in entry.reaches:
        if reach.kind == "finding":
            rule = rules.finding(reach.target)
            assert entry.id in rule.misconceptions, reach
            scenario = load_scenarios()[rule.demo["scenario"]]
            report = score(scenario, apply_changes(scenario.model_log, rule.demo["changes"]))
            assert any(entry.id in f.misconceptions for f in report.findings), reach
        elif reach.kind == "criterion":
            fw_id, cid = reach.target.split(":")
            assert entry.id in load_frameworks()[fw_id].criterion(cid).misconceptions, reach
        elif reach.kind == "tree":
            assert _option(reach.target).misconception == entry.id, reach
        elif reach.kind == "knowledge_check":
            from incidentfolio.questions import load_questions, mark

            question = load_questions()[reach.target]
            response = revealing_response(question, entry.id)
            assert entry.id in mark(question, response).misconceptions, reach
        else:
            pytest.fail(f"{entry.id}: {reach.kind} {reach.target} does not exist yet")


def test_logging_prioritising_escalation_and_data_protection_are_reached_by_scoring():
    scored = {"k503-0421:1.3", "k503-0421:1.4", "k503-0421:1.5", "k503-0421:1.7"}
    for entry in CATALOGUE.values():
        if (entry.kind == "misconception" and scored & set(entry.criteria)) or (
            entry.id == "mp-data-protection"
        ):
            assert any(r.kind == "finding" for r in entry.reaches), entry.id


def test_every_misconception_id_used_anywhere_is_in_the_catalogue():
    used = {m for rule in load_rules().findings.values() for m in rule.misconceptions}
    used |= {m for fw in load_frameworks().values() for c in fw.criteria for m in c.misconceptions}
    assert used - set(CATALOGUE) == set()


def test_entry_criteria_exist():
    frameworks = load_frameworks()
    for entry in CATALOGUE.values():
        for ref in entry.criteria:
            fw_id, cid = ref.split(":")
            assert cid in {c.id for c in frameworks[fw_id].criteria}, (entry.id, ref)


def test_extractor_reads_headings_captions_and_credit_lines():
    text = "\n".join([
        "Common Mistakes", "", "    Errors people make", "", "    • First mistake.",
        "    • Second mistake.", "", "    Next section", "    • not included",
        "Assessment Criteria", "    • Know the thing.", "    • Award credit for the thing.",
    ])  # fmt: skip
    assert seed_lines(text) == [
        ("misconception", "First mistake."),
        ("misconception", "Second mistake."),
        ("marking_point", "Award credit for the thing."),
    ]
