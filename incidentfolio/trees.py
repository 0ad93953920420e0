"""Escalation decision trees: branching practice scenarios in the spirit of H5P Branching
Scenario, and a small walker the practice app drives one choice at a time.

A tree is a set of question nodes, each with options that lead to another node or to an
end. Loading checks the whole shape (every option lands somewhere, nothing loops, every
node and end can be reached, the declared best score is the real one) so the practice app
never meets a broken tree. This module is core: it never imports UI packages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from incidentfolio import paths
from incidentfolio.content.files import load_data
from incidentfolio.content.schema import validate
from incidentfolio.errors import ContentError, IncidentfolioError

_ID = re.compile(r"[a-z][a-z0-9-]*")
VERDICTS = ("correct", "too_soon", "too_late", "wrong_route")
OUTCOMES = ("best", "acceptable", "poor")


class TreeRunError(IncidentfolioError):
    """A choice that a run of a decision tree cannot take (unknown option, tree finished)."""


@dataclass(frozen=True)
class Option:
    """One answer to a node's question, where it leads and what it earns."""

    id: str
    label: str
    next: str
    feedback: str
    score: int
    verdict: str  # correct | too_soon | too_late | wrong_route
    misconception: str | None = None


@dataclass(frozen=True)
class Node:
    """A decision point: the situation and question, and the options in file order."""

    id: str
    prompt: str
    options: tuple[Option, ...]

    def option(self, option_id: str) -> Option:
        """The option with this id; TreeRunError naming the choices if there is none."""
        for option in self.options:
            if option.id == option_id:
                return option
        choices = ", ".join(o.id for o in self.options)
        raise TreeRunError(f"node {self.id} has no option {option_id} (choose one of: {choices})")


@dataclass(frozen=True)
class End:
    """Where a path finishes, and how good that outcome is."""

    id: str
    title: str
    outcome: str  # best | acceptable | poor
    summary: str


@dataclass(frozen=True, eq=False)
class Tree:
    """A validated decision tree. ``nodes`` and ``ends`` keep the file's order."""

    id: str
    title: str
    summary: str
    scenario: str | None
    criteria: tuple[str, ...]
    start: str
    best_score: int
    nodes: dict[str, Node]
    ends: dict[str, End]
    source: Path

    def max_score(self) -> int:
        """The highest total any path from the start can earn (found by search)."""
        return _best_totals(self)[self.start]

    def best_path(self) -> list[tuple[str, str]]:
        """(node id, option id) for each step of a highest-scoring path.

        Where options tie, the first one in the file wins.
        """
        totals = _best_totals(self)
        steps: list[tuple[str, str]] = []
        here = self.start
        while here in self.nodes:
            node = self.nodes[here]
            option = next(o for o in node.options if self._via(o, totals) == totals[here])
            steps.append((here, option.id))
            here = option.next
        return steps

    def best_end(self) -> End:
        """The end that :meth:`best_path` reaches."""
        node_id, option_id = self.best_path()[-1]
        return self.ends[self.nodes[node_id].option(option_id).next]

    def misconception_uses(self) -> list[tuple[str, str, str]]:
        """(node id, option id, misconception id) for every option that names one."""
        return [
            (node.id, option.id, option.misconception)
            for node in self.nodes.values()
            for option in node.options
            if option.misconception
        ]

    def _via(self, option: Option, totals: dict[str, int]) -> int:
        return option.score + totals.get(option.next, 0)


def _best_totals(tree: Tree) -> dict[str, int]:
    """Best total from each node to an end (ends are absent: they add nothing)."""
    totals: dict[str, int] = {}
    for node_id in _post_order(tree.nodes, [tree.start, *tree.nodes]):
        node = tree.nodes[node_id]
        totals[node_id] = max(o.score + totals.get(o.next, 0) for o in node.options)
    return totals


def _successors(nodes: dict[str, Node], node_id: str) -> list[str]:
    return [o.next for o in nodes[node_id].options if o.next in nodes]


def _post_order(nodes: dict[str, Node], roots: list[str]) -> list[str]:
    """Nodes reachable from ``roots`` with every node after the nodes it leads to.

    Iterative, so a long tree cannot hit the recursion limit. Assumes there is no cycle.
    """
    order: list[str] = []
    done: set[str] = set()
    for root in roots:
        if root in done or root not in nodes:
            continue
        stack = [(root, iter(_successors(nodes, root)))]
        done.add(root)
        while stack:
            here, pending = stack[-1]
            child = next(pending, None)
            if child is None:
                stack.pop()
                order.append(here)
            elif child not in done:
                done.add(child)
                stack.append((child, iter(_successors(nodes, child))))
    return order


def _find_cycle(nodes: dict[str, Node], roots: list[str]) -> list[str] | None:
    """One cycle as a list of node ids (first id repeated at the end), or None."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    for root in roots:
        if root in state or root not in nodes:
            continue
        stack = [(root, iter(_successors(nodes, root)))]
        state[root] = 1
        while stack:
            here, pending = stack[-1]
            child = next(pending, None)
            if child is None:
                stack.pop()
                state[here] = 2
            elif state.get(child) == 1:
                path = [n for n, _ in stack]
                return [*path[path.index(child) :], child]
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(_successors(nodes, child))))
    return None


def _reachable(nodes: dict[str, Node], start: str) -> set[str]:
    """Every node and end a path from ``start`` can visit."""
    seen = {start}
    todo = [start]
    while todo:
        here = todo.pop()
        if here not in nodes:
            continue
        for option in nodes[here].options:
            if option.next not in seen:
                seen.add(option.next)
                todo.append(option.next)
    return seen


def tree_from_data(data: Any, path: Path | str) -> Tree:
    """Validate parsed tree data read from ``path`` and build the :class:`Tree`.

    Raises ContentError (``PATH: LOCATION: MESSAGE``) at the first problem: schema, id and
    file name, targets, option ids, misconceptions, cycles, unreachable parts, the declared
    best score, criteria and the linked scenario.
    """
    path = Path(path)
    validate(data, "tree", path)
    raw: dict[str, Any] = data
    if path.suffix and path.stem != raw["id"]:
        raise ContentError(path, "id", f"{raw['id']} does not match the file name {path.stem}")
    for kind in ("nodes", "ends"):
        for item_id in raw[kind]:
            if not isinstance(item_id, str) or not _ID.fullmatch(item_id):
                raise ContentError(
                    path,
                    f"{kind}.{item_id}",
                    "ids use lower-case letters, digits and hyphens, starting with a letter",
                )
    for end_id in raw["ends"]:
        if end_id in raw["nodes"]:
            raise ContentError(path, f"ends.{end_id}", f"{end_id} is also a node id")
    if raw["start"] not in raw["nodes"]:
        start = raw["start"]
        message = (
            f"{start} is an end, not a node" if start in raw["ends"] else f"unknown node {start}"
        )
        raise ContentError(path, "start", message)
    nodes = {node_id: _node(node_id, node, raw, path) for node_id, node in raw["nodes"].items()}
    ends = {
        end_id: End(end_id, e["title"].strip(), e["outcome"], " ".join(e["summary"].split()))
        for end_id, e in raw["ends"].items()
    }
    cycle = _find_cycle(nodes, [raw["start"], *nodes])
    if cycle:
        loop = " -> ".join(cycle)
        raise ContentError(
            path, f"nodes.{cycle[0]}", f"on a cycle {loop} (every path must reach an end)"
        )
    reached = _reachable(nodes, raw["start"])
    for kind, ids in (("nodes", nodes), ("ends", ends)):
        for item_id in ids:
            if item_id not in reached:
                raise ContentError(
                    path, f"{kind}.{item_id}", f"unreachable from the start node {raw['start']}"
                )
    tree = Tree(
        id=raw["id"],
        title=raw["title"].strip(),
        summary=" ".join(raw["summary"].split()),
        scenario=raw.get("scenario"),
        criteria=tuple(raw["criteria"]),
        start=raw["start"],
        best_score=raw["best_score"],
        nodes=nodes,
        ends=ends,
        source=path,
    )
    best = tree.max_score()
    if best != tree.best_score:
        raise ContentError(
            path, "best_score", f"declared {tree.best_score}, but the best path scores {best}"
        )
    _check_best_ends(tree, path)
    from incidentfolio.frameworks import check_criterion_refs

    check_criterion_refs(tree.criteria, path)
    scenario = tree.scenario
    if scenario is not None and not (paths.scenarios_dir() / f"{scenario}.yaml").is_file():
        raise ContentError(path, "scenario", f"no scenario file scenarios/{scenario}.yaml")
    return tree


def _node(node_id: str, raw_node: dict[str, Any], raw: dict[str, Any], path: Path) -> Node:
    """Build one node, checking its options: ids, targets and misconceptions."""
    from incidentfolio.misconceptions import load_catalogue

    where = f"nodes.{node_id}"
    if not raw_node["options"]:
        raise ContentError(
            path,
            f"{where}.options",
            "no options, so this node is a dead end (every path must reach an end)",
        )
    catalogue = load_catalogue()
    seen: set[str] = set()
    options = []
    for i, o in enumerate(raw_node["options"]):
        at = f"{where}.options[{i}]"
        if o["id"] in seen:
            raise ContentError(path, f"{at}.id", f"duplicate option id {o['id']}")
        seen.add(o["id"])
        if o["next"] not in raw["nodes"] and o["next"] not in raw["ends"]:
            raise ContentError(path, f"{at}.next", f"unknown node or end {o['next']}")
        misconception = o.get("misconception")
        if misconception is None and o["verdict"] != "correct":
            raise ContentError(
                path,
                f"{at}.misconception",
                f"required when the verdict is {o['verdict']} "
                "(name the catalogue entry it exposes)",
            )
        if misconception is not None:
            if misconception not in catalogue:
                raise ContentError(
                    path, f"{at}.misconception", f"unknown misconception {misconception}"
                )
            if catalogue[misconception].kind != "misconception":
                raise ContentError(
                    path,
                    f"{at}.misconception",
                    f"{misconception} is a {catalogue[misconception].kind.replace('_', ' ')}, "
                    "not a misconception",
                )
        options.append(
            Option(
                id=o["id"],
                label=" ".join(o["label"].split()),
                next=o["next"],
                feedback=" ".join(o["feedback"].split()),
                score=o["score"],
                verdict=o["verdict"],
                misconception=misconception,
            )
        )
    return Node(node_id, raw_node["prompt"].strip(), tuple(options))


def _check_best_ends(tree: Tree, path: Path) -> None:
    """Every highest-scoring path must finish at an end whose outcome is ``best``."""
    totals = _best_totals(tree)
    todo, seen = [tree.start], {tree.start}
    while todo:
        node = tree.nodes[todo.pop()]
        for option in node.options:
            if tree._via(option, totals) != totals[node.id] or option.next in seen:
                continue
            seen.add(option.next)
            if option.next in tree.nodes:
                todo.append(option.next)
            elif tree.ends[option.next].outcome != "best":
                end = tree.ends[option.next]
                raise ContentError(
                    path,
                    f"ends.{end.id}",
                    f"a best-scoring path ends here, but its outcome is {end.outcome}, not best",
                )


def load_tree(path: Path) -> Tree:
    """Load and validate one decision-tree file."""
    return tree_from_data(load_data(path), path)


def tree_files() -> list[Path]:
    """The shipped decision-tree files, in file-name order."""
    folder = paths.scenarios_dir() / "trees"
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


@cache
def load_trees() -> dict[str, Tree]:
    """All shipped decision trees by id (cached, in file-name order)."""
    return {tree.id: tree for tree in map(load_tree, tree_files())}


@dataclass(frozen=True)
class Step:
    """What one choice in a run did: the option taken, its feedback and where it led."""

    node: str
    option: str
    label: str
    feedback: str
    score: int
    verdict: str
    misconception: str | None
    next: str


@dataclass
class TreeRun:
    """One learner's way through a tree, a choice at a time (for the practice app).

    ``node`` is the current question (None once finished), ``end`` the end reached (None
    until then), ``total`` the score so far and ``history`` the steps taken.
    """

    tree: Tree
    history: list[Step] = field(default_factory=list, init=False)
    _here: str = field(default="", init=False, repr=False)

    def __post_init__(self) -> None:
        self._here = self.tree.start

    @property
    def node(self) -> Node | None:
        """The node waiting for a choice, or None when the run has reached an end."""
        return self.tree.nodes.get(self._here)

    @property
    def finished(self) -> bool:
        """True once the run has reached an end."""
        return self._here in self.tree.ends

    @property
    def end(self) -> End | None:
        """The end reached, or None while the run is still going."""
        return self.tree.ends.get(self._here)

    @property
    def total(self) -> int:
        """Score earned so far."""
        return sum(step.score for step in self.history)

    def choose(self, option_id: str) -> Step:
        """Take an option at the current node and move on; TreeRunError if it cannot."""
        node = self.node
        if node is None:
            raise TreeRunError(
                f"tree {self.tree.id} has finished (at end {self._here}); start a new run"
            )
        option = node.option(option_id)
        step = Step(
            node=node.id,
            option=option.id,
            label=option.label,
            feedback=option.feedback,
            score=option.score,
            verdict=option.verdict,
            misconception=option.misconception,
            next=option.next,
        )
        self.history.append(step)
        self._here = option.next
        return step
