"""Escalation decision trees: the shipped trees, the walker the practice app uses, and how
broken tree files are reported (one pinned line each, from the loader and from the CLI)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import REPO, cli, write_variant

from incidentfolio import paths
from incidentfolio.errors import ContentError, IncidentfolioError
from incidentfolio.misconceptions import load_catalogue
from incidentfolio.trees import Tree, TreeRun, TreeRunError, load_tree, load_trees

TREE_IDS = {
    "gas-leak",
    "data-breach-72h",
    "fraud-vulnerable-customer",
    "major-it-outage",
    "threat-call",
    "safeguarding-concern",
    "complaint-not-incident",
    "multi-agency-rtc",
}
# Every misconception the trees exist to expose; each must be reachable from some option.
REQUIRED_MISCONCEPTIONS = {
    "m-escalation-timing",
    "m-escalation-procedure-not-followed",
    "m-not-following-escalation",
    "m-bypassing-escalation-channels",
    "m-no-read-back",
    "m-single-channel",
    "m-incident-vs-request",
    "m-incident-confused-with-request",
    "m-script-only",
    "m-speed-over-quality",
    "m-product-knowledge",
    "m-emotional-not-practical-support",
    "m-no-follow-up",
    "m-stakeholders-not-updated",
    "m-severity-misclassified",
    "m-pir-actions-not-followed-up",
}
GAS_LEAK = paths.scenarios_dir() / "trees" / "gas-leak.yaml"
BAD_TREES = REPO / "tests" / "data" / "bad" / "trees"
TREES = load_trees()


def expect_exact(path: Path, expected: str) -> None:
    """Loading ``path`` fails with exactly ``PATH: expected`` on one line."""
    with pytest.raises(ContentError) as info:
        load_tree(path)
    assert str(info.value) == f"{path}: {expected}"


# --- the shipped trees ----------------------------------------------------------------


def test_the_eight_trees_ship_and_load():
    assert len(TREES) >= 8
    assert TREE_IDS - set(TREES) == set()
    assert all(isinstance(tree, Tree) for tree in TREES.values())
    assert load_trees() is TREES  # cached


@pytest.mark.parametrize("tree_id", sorted(TREE_IDS))
def test_declared_best_score_is_the_computed_maximum(tree_id):
    tree = TREES[tree_id]
    assert tree.max_score() == tree.best_score


@pytest.mark.parametrize("tree_id", sorted(TREE_IDS))
def test_best_path_ends_at_a_best_outcome(tree_id):
    tree = TREES[tree_id]
    steps = tree.best_path()
    assert steps[0][0] == tree.start
    last_node, last_option = steps[-1]
    end_id = tree.nodes[last_node].option(last_option).next
    assert tree.ends[end_id].outcome == "best"
    assert tree.best_end().id == end_id


@pytest.mark.parametrize("tree_id", sorted(TREE_IDS))
def test_walking_the_best_path_reaches_the_best_end_with_full_marks(tree_id):
    tree = TREES[tree_id]
    run = TreeRun(tree)
    assert run.node is not None and run.node.id == tree.start
    assert not run.finished and run.end is None and run.total == 0
    for node_id, option_id in tree.best_path():
        assert run.node.id == node_id
        step = run.choose(option_id)
        assert step.node == node_id and step.option == option_id
        assert step.verdict == "correct" and step.misconception is None
    assert run.finished and run.node is None
    assert run.end is not None and run.end.outcome == "best"
    assert run.total == tree.best_score
    assert [(s.node, s.option) for s in run.history] == tree.best_path()


@pytest.mark.parametrize("tree_id", sorted(TREE_IDS))
def test_trees_keep_to_the_authoring_conventions(tree_id):
    tree = TREES[tree_id]
    assert 4 <= len(tree.nodes) <= 8
    assert all(2 <= len(node.options) <= 4 for node in tree.nodes.values())
    assert {end.outcome for end in tree.ends.values()} == {"best", "acceptable", "poor"}
    assert tree.source.stem == tree.id
    for node in tree.nodes.values():
        for option in node.options:
            assert option.feedback and option.label
            if option.verdict != "correct":
                assert option.misconception, (tree_id, node.id, option.id)


def test_every_misconception_used_is_a_catalogue_misconception():
    catalogue = load_catalogue()
    used = {m for tree in TREES.values() for _, _, m in tree.misconception_uses()}
    assert used - set(catalogue) == set()
    assert {catalogue[m].kind for m in used} == {"misconception"}
    assert REQUIRED_MISCONCEPTIONS - used == set()


def test_gas_leak_links_its_scenario_and_wrong_choices_carry_feedback():
    tree = TREES["gas-leak"]
    assert tree.scenario == "gas-smell-flat"
    run = TreeRun(tree)
    step = run.choose("c")  # agree to switch the extractor fan on
    assert (step.verdict, step.misconception, step.score) == (
        "wrong_route",
        "m-product-knowledge",
        0,
    )
    assert "ignite" in step.feedback
    assert run.finished and run.end is not None and run.end.outcome == "poor"


# --- the walker -----------------------------------------------------------------------


def test_choosing_an_unknown_option_is_refused():
    run = TreeRun(TREES["gas-leak"])
    with pytest.raises(TreeRunError) as info:
        run.choose("z")
    assert str(info.value) == "node first-words has no option z (choose one of: a, b, c)"
    assert isinstance(info.value, IncidentfolioError)
    assert run.history == [] and run.node is not None and run.node.id == "first-words"


def test_choosing_after_the_end_is_refused():
    run = TreeRun(TREES["gas-leak"])
    for _, option_id in TREES["gas-leak"].best_path():
        run.choose(option_id)
    with pytest.raises(TreeRunError) as info:
        run.choose("a")
    assert str(info.value) == "tree gas-leak has finished (at end made-safe); start a new run"
    assert run.total == 13


# --- broken trees: one pinned line each -------------------------------------------------


def _set_option(node: str, index: int, **changes):
    return lambda d: d["nodes"][node]["options"][index].update(changes)


def _drop_misconception(d):
    d["nodes"]["escalate"]["options"][2].pop("misconception")


def _add_orphan(d):
    d["nodes"]["orphan"] = {
        "prompt": "Nobody gets here.",
        "options": [d["nodes"]["close"]["options"][0]],
    }


BROKEN = [
    pytest.param(
        _set_option("escalate", 1, next="x9"),
        "nodes.escalate.options[1].next: unknown node or end x9",
        id="unknown-target",
    ),
    pytest.param(
        _set_option("close", 1, next="escalate"),
        "nodes.escalate: on a cycle escalate -> valve -> close -> escalate "
        "(every path must reach an end)",
        id="cycle",
    ),
    pytest.param(
        _add_orphan, "nodes.orphan: unreachable from the start node first-words", id="unreachable"
    ),
    pytest.param(
        lambda d: d["ends"].update(spare={"title": "x", "outcome": "poor", "summary": "x"}),
        "ends.spare: unreachable from the start node first-words",
        id="unreachable-end",
    ),
    pytest.param(
        lambda d: d["nodes"]["valve"].update(options=[]),
        "nodes.valve.options: no options, so this node is a dead end "
        "(every path must reach an end)",
        id="dead-end",
    ),
    pytest.param(
        lambda d: d.update(best_score=9),
        "best_score: declared 9, but the best path scores 13",
        id="wrong-best-score",
    ),
    pytest.param(
        _drop_misconception,
        "nodes.escalate.options[2].misconception: required when the verdict is too_late "
        "(name the catalogue entry it exposes)",
        id="missing-misconception",
    ),
    pytest.param(
        _set_option("escalate", 2, misconception="m-nope"),
        "nodes.escalate.options[2].misconception: unknown misconception m-nope",
        id="unknown-misconception",
    ),
    pytest.param(
        _set_option("escalate", 2, misconception="mp-data-protection"),
        "nodes.escalate.options[2].misconception: mp-data-protection is a marking point, "
        "not a misconception",
        id="marking-point-as-misconception",
    ),
    pytest.param(
        _set_option("escalate", 2, id="a"),
        "nodes.escalate.options[2].id: duplicate option id a",
        id="duplicate-option-id",
    ),
    pytest.param(
        lambda d: d.update(start="nowhere"), "start: unknown node nowhere", id="unknown-start"
    ),
    pytest.param(
        lambda d: d.update(start="made-safe"),
        "start: made-safe is an end, not a node",
        id="start-is-an-end",
    ),
    pytest.param(
        lambda d: d["ends"].update(valve={"title": "x", "outcome": "poor", "summary": "x"}),
        "ends.valve: valve is also a node id",
        id="node-end-clash",
    ),
    pytest.param(
        lambda d: d["ends"]["made-safe"].update(outcome="acceptable"),
        "ends.made-safe: a best-scoring path ends here, but its outcome is acceptable, not best",
        id="best-path-not-best-end",
    ),
    pytest.param(
        lambda d: d.update(criteria=["k503-0421:9.9"]),
        "criteria[0]: framework k503-0421 has no criterion 9.9",
        id="unknown-criterion",
    ),
    pytest.param(
        lambda d: d.update(scenario="no-such-scenario"),
        "scenario: no scenario file scenarios/no-such-scenario.yaml",
        id="missing-scenario",
    ),
    pytest.param(
        lambda d: d["nodes"].update(Valve=d["nodes"]["valve"]),
        "nodes.Valve: ids use lower-case letters, digits and hyphens, starting with a letter",
        id="bad-node-id",
    ),
    pytest.param(
        _set_option("valve", 0, verdict="fine"),
        "nodes.valve.options[0].verdict: 'fine' is not one of: correct, too_soon, too_late, "
        "wrong_route",
        id="bad-verdict",
    ),
    pytest.param(
        _set_option("valve", 0, score=-1),
        "nodes.valve.options[0].score: must be bigger than or equal to 0",
        id="negative-score",
    ),
]


@pytest.mark.parametrize(("mutate", "expected"), BROKEN)
def test_broken_trees_name_the_problem(tmp_path, mutate, expected):
    expect_exact(write_variant(GAS_LEAK, tmp_path / "gas-leak.yaml", mutate), expected)


def test_file_name_must_match_the_id(tmp_path):
    path = write_variant(GAS_LEAK, tmp_path / "other-name.yaml", lambda d: None)
    expect_exact(path, "id: gas-leak does not match the file name other-name")


def test_validate_cli_reports_a_broken_tree_in_one_line(tmp_path):
    path = write_variant(GAS_LEAK, tmp_path / "gas-leak.yaml", lambda d: d.update(best_score=9))
    result = cli("validate", str(path))
    assert result.returncode == 1
    assert result.stderr == f"{path}: best_score: declared 9, but the best path scores 13\n"
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""


def test_validate_cli_passes_the_shipped_trees():
    result = cli("validate", str(paths.scenarios_dir() / "trees"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("checked ") and result.stdout.rstrip().endswith("no problems")


# --- the broken-tree fixtures in tests/data/bad/trees ------------------------------------


def _expected_bad_trees() -> list[tuple[str, str]]:
    lines = (BAD_TREES / "expected.txt").read_text(encoding="utf-8").splitlines()
    return [tuple(line.split(": ", 1)) for line in lines if line.strip()]  # type: ignore[misc]


def test_every_bad_tree_fixture_has_an_expected_message():
    listed = {name for name, _ in _expected_bad_trees()}
    assert listed == {p.name for p in BAD_TREES.glob("*.yaml")}
    assert len(listed) >= 3


@pytest.mark.parametrize(("name", "fragment"), _expected_bad_trees())
def test_bad_tree_fixtures_fail_as_expected(name, fragment):
    path = BAD_TREES / name
    with pytest.raises(ContentError) as info:
        load_tree(path)
    message = str(info.value)
    assert message.startswith(f"{path}: {fragment}"), message
    assert "\n" not in message


def test_validate_cli_lists_each_bad_tree_once():
    result = cli("validate", str(BAD_TREES))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == len(_expected_bad_trees())
    for line, (name, fragment) in zip(lines, _expected_bad_trees(), strict=True):
        assert line.startswith(f"{BAD_TREES / name}: {fragment}"), line
    assert "Traceback" not in result.stderr
