"""Which kind of content a file is, and checking any number of files in one pass."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from incidentfolio.content.files import load_data
from incidentfolio.errors import ContentError

CONTENT_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class ContentKind:
    """A kind of content file: how to recognise its data and how to validate it."""

    name: str
    recognise: Callable[[dict[str, Any]], bool]
    from_data: Callable[[Any, Path], object]


def _kinds() -> list[ContentKind]:
    from incidentfolio.categories import categories_from_data
    from incidentfolio.evidence_types import template_from_data
    from incidentfolio.frameworks import framework_from_data
    from incidentfolio.misconceptions import catalogue_from_data
    from incidentfolio.priority import matrix_from_data
    from incidentfolio.questions import questions_from_data
    from incidentfolio.scoring_rules import rules_from_data

    # Order matters: the first kind whose test matches a file's top-level keys checks it.
    return [
        ContentKind("scenario", lambda d: "turns" in d, _scenario_with_model_log),
        ContentKind("decision tree", lambda d: "nodes" in d, _tree_from_data),
        ContentKind("evidence template", lambda d: "fields" in d, template_from_data),
        ContentKind("question bank", lambda d: "questions" in d, questions_from_data),
        ContentKind(
            "framework", lambda d: "criteria" in d and "turns" not in d, framework_from_data
        ),
        ContentKind("priority matrix", lambda d: "matrix" in d, matrix_from_data),
        ContentKind("category list", lambda d: "groups" in d, categories_from_data),
        ContentKind("scoring rules", lambda d: "findings" in d, rules_from_data),
        ContentKind("misconception catalogue", lambda d: "entries" in d, catalogue_from_data),
    ]


def _scenario_with_model_log(data: Any, path: Path) -> object:
    """A scenario is valid only if its own model log earns full marks with no findings."""
    from incidentfolio.scenarios import scenario_from_data
    from incidentfolio.scoring import score

    scenario = scenario_from_data(data, path)
    report = score(scenario, scenario.model_log)
    if report.findings:
        first = report.findings[0]
        raise ContentError(
            path, f"model_log.{first.field or '(log)'}", f"scores a finding: {first.message}"
        )
    return scenario


def _tree_from_data(data: Any, path: Path) -> object:
    from incidentfolio.trees import tree_from_data

    return tree_from_data(data, path)


def check_file(path: Path) -> None:
    """Validate one content file; raise ContentError describing the first problem."""
    data = load_data(path)
    if not isinstance(data, dict):
        raise ContentError(path, "(top level)", f"expected a mapping, found {type(data).__name__}")
    kinds = _kinds()
    for kind in kinds:
        if kind.recognise(data):
            kind.from_data(data, path)  # the file is parsed once, here
            return
    names = [k.name for k in kinds]
    expected = ", ".join(names[:-1]) + " or " + names[-1]
    raise ContentError(path, "(top level)", f"not recognised as content (expected a {expected})")


def expand(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named directly, and content files found below folders, in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.suffix.lower() in CONTENT_SUFFIXES and p.is_file()
            )
        else:
            yield path


def check_all(paths: Iterable[Path]) -> tuple[int, list[ContentError]]:
    """Check every file; returns (files checked, problems found)."""
    problems: list[ContentError] = []
    seen: set[str] = set()
    count = 0
    for path in expand(paths):
        count += 1
        try:
            check_file(path)
        except ContentError as exc:
            # A broken shared file (e.g. the category list) fails every file that uses it:
            # report that problem once.
            if str(exc) not in seen:
                seen.add(str(exc))
                problems.append(exc)
    return count, problems


def shipped_content() -> list[Path]:
    """Every content file the product ships (Voilà page templates are not content data)."""
    from incidentfolio import paths

    templates = paths.templates_dir()
    return [
        templates / "priority_matrix.yaml",
        templates / "categories.yaml",
        templates / "scoring.yaml",
        templates / "misconceptions.yaml",
        templates / "frameworks",
        templates / "evidence",
        templates / "questions",
        paths.scenarios_dir(),
    ]
