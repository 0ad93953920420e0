"""The sample portfolio: a complete, realistic portfolio for a fictional candidate.

``incidentfolio demo`` fills an *empty* portfolio from ``portfolio_templates/demo/
sample-portfolio.yaml``: a profile, evidence items of every type (several built from the
shipped scenarios' model logs and decision trees, one from a shipped notebook), mappings with
a justification written for each item and criterion, two attachments, and a signed
declaration. The data file is checked in full before anything is written (see
:func:`load_demo`), and the portfolio is built in a staging folder and moved into place only
once it is complete, so a failure leaves the target portfolio as it was.
"""

from __future__ import annotations

import copy
import dataclasses
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from incidentfolio import paths
from incidentfolio.errors import ContentError, StoreError

MAX_MAPPINGS_PER_ITEM = 3
SCHEMA_VERSION = 1
PROFILE_FIELDS = ("candidate_name", "candidate_number", "centre", "assessor_name")
_TOP_KEYS = {"schema_version", "profile", "people", "attachments", "items"}
_ITEM_KEYS = {"type", "title", "source_scenario", "personal_data", "model_log", "notebook",
              "body", "attach", "mappings"}  # fmt: skip
_MAPPING_KEYS = {"ref", "why", "anchor"}
_TREE_STEP = re.compile(r"^([a-z][a-z0-9-]*), option ([A-Za-z0-9_-]+): \S")
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def demo_file() -> Path:
    """``portfolio_templates/demo/sample-portfolio.yaml``."""
    return paths.templates_dir() / "demo" / "sample-portfolio.yaml"


@dataclass(frozen=True)
class DemoMapping:
    """One criterion an item is mapped to, and why."""

    framework: str
    criterion: str
    justification: str
    anchor: str | None

    @property
    def ref(self) -> str:
        return f"{self.framework}:{self.criterion}"


@dataclass(frozen=True)
class DemoItem:
    """One evidence item of the sample portfolio, with its finished body."""

    type: str
    title: str
    body: dict[str, Any]
    source_scenario: str | None
    personal_data: bool
    attachments: tuple[str, ...]  # names under the data file's ``attachments``
    notebook: Path | None  # a shipped notebook kept with the item
    mappings: tuple[DemoMapping, ...]


@dataclass(frozen=True)
class DemoPortfolio:
    """The checked contents of the sample portfolio data file."""

    profile: dict[str, Any]
    people: tuple[str, ...]
    attachment_texts: dict[str, str]
    items: tuple[DemoItem, ...]
    source: Path


@dataclass(frozen=True)
class DemoResult:
    """What :func:`build_demo` created."""

    folder: Path
    candidate: str
    candidate_number: str
    centre: str
    assessor: str
    frameworks: tuple[str, ...]
    items: tuple[tuple[str, str, str, tuple[str, ...]], ...]  # (id, type, title, refs)
    attachments: int
    declared_over: int

    def summary_lines(self) -> list[str]:
        """A short human summary (the CLI prints the folder after it)."""
        types = {t for _, t, _, _ in self.items}
        mappings = sum(len(refs) for *_, refs in self.items)
        return [
            f"sample portfolio for a fictional candidate: {self.candidate} (candidate "
            f"{self.candidate_number}), {self.centre}; assessor {self.assessor}",
            f"{len(self.items)} evidence items of all {len(types)} types, {mappings} criterion "
            f"mappings, {self.attachments} attachments; frameworks: {', '.join(self.frameworks)}",
            f"declaration signed over ledger entry {self.declared_over}; try `incidentfolio "
            "coverage`, `incidentfolio lint` and `incidentfolio evidence list`",
        ]


# --- loading and checking the data file ----------------------------------------------------


def load_demo(path: Path | None = None) -> DemoPortfolio:
    """Load and check the sample portfolio data; ContentError names the first problem.

    Checks: the profile's frameworks exist; every item's body passes its evidence template
    (after the model log or notebook it starts from is filled in); sources, trees, notebooks
    and attachments exist; each item has 1 to ``MAX_MAPPINGS_PER_ITEM`` mappings to criteria
    of the profile's frameworks, each justification used once; anchors name filled-in fields;
    every evidence type appears; every criterion gets its minimum number of accepted
    evidence types; and the people listed (plus model logs' callers) appear only in items
    flagged as personal data.
    """
    from incidentfolio.content.files import load_data

    source = Path(path) if path is not None else demo_file()
    data = load_data(source)
    if not isinstance(data, dict):
        raise ContentError(source, "(top level)", "expected a mapping")
    _known_keys(source, "(top level)", data, _TOP_KEYS)
    if data.get("schema_version") != SCHEMA_VERSION:
        raise ContentError(source, "schema_version", f"must be {SCHEMA_VERSION}")
    profile = _profile(source, data.get("profile"))
    people = tuple(_strings(source, "people", data.get("people", [])))
    texts = _attachment_texts(source, data.get("attachments", {}))
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise ContentError(source, "items", "must be a non-empty list")
    items = tuple(_item(source, f"items[{i}]", raw, profile, texts)
                  for i, raw in enumerate(raw_items))  # fmt: skip
    demo = DemoPortfolio(profile, people, texts, items, source)
    _check_portfolio(demo)
    return demo


def _known_keys(source: Path, where: str, data: dict[str, Any], allowed: set[str]) -> None:
    unknown = sorted(str(k) for k in data if k not in allowed)
    if unknown:
        raise ContentError(source, where, f"unknown key {unknown[0]!r}")


def _text(source: Path, where: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ContentError(source, where, "must be non-empty text")
    return value.strip()


def _strings(source: Path, where: str, value: object) -> list[str]:
    if not isinstance(value, list):
        raise ContentError(source, where, "must be a list")
    return [_text(source, f"{where}[{i}]", v) for i, v in enumerate(value)]


def _profile(source: Path, raw: object) -> dict[str, Any]:
    from incidentfolio.frameworks import load_frameworks

    if not isinstance(raw, dict):
        raise ContentError(source, "profile", "must be a mapping")
    _known_keys(source, "profile", raw, {*PROFILE_FIELDS, "frameworks"})
    profile: dict[str, Any] = {k: _text(source, f"profile.{k}", raw.get(k)) for k in PROFILE_FIELDS}
    frameworks = _strings(source, "profile.frameworks", raw.get("frameworks"))
    known = load_frameworks()
    for i, fw in enumerate(frameworks):
        if fw not in known:
            raise ContentError(source, f"profile.frameworks[{i}]", f"unknown framework {fw}")
    if not frameworks or len(set(frameworks)) != len(frameworks):
        raise ContentError(source, "profile.frameworks", "must list each framework once")
    profile["frameworks"] = tuple(frameworks)
    return profile


def _attachment_texts(source: Path, raw: object) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise ContentError(source, "attachments", "must be a mapping of file name to text")
    texts = {}
    for name, text in raw.items():
        if not isinstance(name, str) or not _SAFE_NAME.match(name):
            raise ContentError(source, f"attachments.{name}", "is not a plain file name")
        texts[name] = _text(source, f"attachments.{name}", text) + "\n"
    return texts


def _item(
    source: Path, where: str, raw: object, profile: dict[str, Any], texts: dict[str, str]
) -> DemoItem:
    from incidentfolio.evidence_types import EVIDENCE_TYPES, check_body

    if not isinstance(raw, dict):
        raise ContentError(source, where, "must be a mapping")
    _known_keys(source, where, raw, _ITEM_KEYS)
    kind = _text(source, f"{where}.type", raw.get("type"))
    if kind not in EVIDENCE_TYPES:
        raise ContentError(source, f"{where}.type", f"{kind} is not an evidence type")
    title = _text(source, f"{where}.title", raw.get("title"))
    if len(title) > 200:
        raise ContentError(source, f"{where}.title", "must be 200 characters or fewer")
    scenario = raw.get("source_scenario")
    if scenario is not None:
        _scenario(source, f"{where}.source_scenario", scenario)
    flag = raw.get("personal_data", False)
    if not isinstance(flag, bool):
        raise ContentError(source, f"{where}.personal_data", "must be true or false")
    overrides = raw.get("body", {})
    if not isinstance(overrides, dict):
        raise ContentError(source, f"{where}.body", "must be a mapping")
    body, notebook = _start_body(source, where, raw, kind)
    summary = body.get("summary") if notebook is not None else None
    body.update(copy.deepcopy(overrides))
    if notebook is not None and summary and "summary" in overrides:
        body["summary"] = f"{body['summary'].strip()}\n\nThe notebook: {summary}."
    problems = check_body(kind, body)
    if problems:
        raise ContentError(source, f"{where}.body.{problems[0].field}", problems[0].message)
    if kind == "escalation_decision" and body.get("tree_path"):
        _check_tree_path(source, f"{where}.body.tree_path", body)
    attach = tuple(_strings(source, f"{where}.attach", raw.get("attach", [])))
    for i, name in enumerate(attach):
        if name not in texts:
            raise ContentError(source, f"{where}.attach[{i}]", f"no attachment named {name}")
    mappings = _mappings(source, f"{where}.mappings", raw.get("mappings"), profile, body)
    return DemoItem(kind, title, body, scenario, flag, attach, notebook, mappings)


def _scenario(source: Path, where: str, scenario_id: object) -> Any:
    from incidentfolio.scenarios import load_scenarios

    found = load_scenarios().get(scenario_id) if isinstance(scenario_id, str) else None
    if found is None:
        raise ContentError(source, where, f"no shipped scenario {scenario_id!r}")
    return found


def _start_body(
    source: Path, where: str, raw: dict[str, Any], kind: str
) -> tuple[dict[str, Any], Path | None]:
    """The body an item starts from: a scenario's model log, a notebook's summary, or nothing."""
    from incidentfolio.evidence_input import notebook_body

    if "model_log" in raw and "notebook" in raw:
        raise ContentError(source, where, "give model_log or notebook, not both")
    if "model_log" in raw:
        if kind != "incident_log":
            raise ContentError(source, f"{where}.model_log", "only incident logs start from one")
        scenario = _scenario(source, f"{where}.model_log", raw["model_log"])
        return copy.deepcopy(scenario.model_log), None
    if "notebook" in raw:
        if kind != "notebook":
            raise ContentError(source, f"{where}.notebook", "only notebook items keep a notebook")
        name = _text(source, f"{where}.notebook", raw["notebook"])
        path = paths.notebooks_dir() / name
        if not _SAFE_NAME.match(name) or not path.is_file():
            raise ContentError(source, f"{where}.notebook", f"no shipped notebook {name!r}")
        try:
            return notebook_body(path), path
        except StoreError as exc:
            raise ContentError(source, f"{where}.notebook", str(exc)) from None
    return {}, None


def _check_tree_path(source: Path, where: str, body: dict[str, Any]) -> None:
    """Each step ``NODE, option OPTION: …`` must follow the tree from its start to an end."""
    from incidentfolio.trees import load_trees

    tree = load_trees().get(body.get("tree_id"))
    if tree is None:
        raise ContentError(source, where, f"no shipped decision tree {body.get('tree_id')!r}")
    here = tree.start
    for i, step in enumerate(body["tree_path"]):
        match = _TREE_STEP.match(step)
        if match is None:
            raise ContentError(source, f"{where}[{i}]", "must read 'NODE, option OPTION: …'")
        node_id, option_id = match.groups()
        if node_id != here:
            raise ContentError(source, f"{where}[{i}]", f"expected node {here}, not {node_id}")
        options = {o.id: o for o in tree.nodes[here].options}
        if option_id not in options:
            raise ContentError(source, f"{where}[{i}]", f"node {here} has no option {option_id}")
        here = options[option_id].next
    if here not in tree.ends:
        raise ContentError(source, where, f"stops at node {here} before reaching an end")


def _mappings(
    source: Path, where: str, raw: object, profile: dict[str, Any], body: dict[str, Any]
) -> tuple[DemoMapping, ...]:
    from incidentfolio.frameworks import load_frameworks

    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_MAPPINGS_PER_ITEM:
        raise ContentError(source, where, f"must list 1 to {MAX_MAPPINGS_PER_ITEM} mappings")
    frameworks = load_frameworks()
    found: list[DemoMapping] = []
    for i, entry in enumerate(raw):
        here = f"{where}[{i}]"
        if not isinstance(entry, dict):
            raise ContentError(source, here, "must be a mapping with ref and why")
        _known_keys(source, here, entry, _MAPPING_KEYS)
        ref = _text(source, f"{here}.ref", entry.get("ref"))
        fw, _, criterion = ref.partition(":")
        if fw not in profile["frameworks"]:
            raise ContentError(source, f"{here}.ref", f"{fw} is not a framework of the profile")
        if criterion not in {c.id for c in frameworks[fw].criteria}:
            raise ContentError(source, f"{here}.ref", f"{fw} has no criterion {criterion}")
        if any(m.ref == ref for m in found):
            raise ContentError(source, f"{here}.ref", f"{ref} is mapped twice")
        why = " ".join(_text(source, f"{here}.why", entry.get("why")).split())
        if len(re.findall(r"[A-Za-z]+", why)) < 12:
            raise ContentError(source, f"{here}.why", "must say in a sentence or two how it shows")
        anchor = entry.get("anchor")
        if anchor is not None and (not isinstance(anchor, str) or anchor not in body):
            raise ContentError(source, f"{here}.anchor", f"{anchor!r} is not a field of the body")
        found.append(DemoMapping(fw, criterion, why, anchor))
    return tuple(found)


def _check_portfolio(demo: DemoPortfolio) -> None:
    """Checks across items: types, coverage, unique justifications and personal data."""
    from incidentfolio.evidence_types import EVIDENCE_TYPES
    from incidentfolio.frameworks import load_frameworks

    source = demo.source
    missing = [t for t in EVIDENCE_TYPES if t not in {i.type for i in demo.items}]
    if missing:
        raise ContentError(source, "items", f"no item of type {missing[0]}")
    seen: dict[str, str] = {}
    for n, item in enumerate(demo.items):
        for k, m in enumerate(item.mappings):
            key = m.justification.casefold()
            if key in seen:
                raise ContentError(source, f"items[{n}].mappings[{k}].why",
                                   f"repeats the justification of {seen[key]}")  # fmt: skip
            seen[key] = f"items[{n}] → {m.ref}"
    frameworks = load_frameworks()
    for fw in demo.profile["frameworks"]:
        for c in frameworks[fw].criteria:
            types = {i.type for i in demo.items for m in i.mappings
                     if m.ref == f"{fw}:{c.id}" and i.type in c.evidence_types}  # fmt: skip
            if len(types) < c.min_evidence_types:
                raise ContentError(
                    source, "items", f"{fw}:{c.id} gets {len(types)} accepted evidence types, "
                    f"needs {c.min_evidence_types}",
                )  # fmt: skip
    private = [*demo.people, *_model_log_people(demo.items)]
    for n, item in enumerate(demo.items):
        if item.personal_data:
            continue
        text = _squash(_item_text(item))
        for person in private:
            if _squash(person) in text:
                raise ContentError(
                    source, f"items[{n}]", "holds personal data listed under people (or a "
                    "model log's caller) but is not flagged personal_data: true",
                )  # fmt: skip


def _model_log_people(items: tuple[DemoItem, ...]) -> list[str]:
    """Callers' names and numbers and the postcodes of the scenarios the items come from."""
    from incidentfolio.scenarios import load_scenarios

    scenarios = load_scenarios()
    found = []
    for item in items:
        scenario = scenarios.get(item.source_scenario or "")
        if scenario is None:
            continue
        log = scenario.model_log
        for group, key in (("caller", "name"), ("caller", "callback_number"),
                           ("location", "postcode")):  # fmt: skip
            value = (log.get(group) or {}).get(key)
            if isinstance(value, str) and value.strip():
                found.append(value)
    return found


def _item_text(item: DemoItem) -> str:
    from incidentfolio.evidence_types import body_text

    return "\n".join([item.title, body_text(item.type, item.body),
                      *(m.justification for m in item.mappings)])  # fmt: skip


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).casefold()


# --- building the portfolio ----------------------------------------------------------------


def refuse_unless_empty(folder: Path) -> None:
    """StoreError unless ``folder`` holds no portfolio, or one with no profile and no items."""
    from incidentfolio.store import db, open_store

    message = f"portfolio {folder} already has evidence: demo needs an empty portfolio"
    attachments = folder / "attachments"
    if attachments.is_dir() and any(attachments.iterdir()):
        raise StoreError(message)
    if not (folder / db.DB_NAME).exists():
        return
    with open_store(folder) as store:
        if store.profile() is not None or store.items(include_deleted=True):
            raise StoreError(message)


def build_demo(folder: Path, demo: DemoPortfolio | None = None) -> DemoResult:
    """Fill the empty portfolio in ``folder`` with the sample portfolio; all or nothing.

    Raises StoreError (changing nothing) when the portfolio already has a profile or any
    evidence, so demo data never mixes with a real portfolio.
    """
    demo = demo if demo is not None else load_demo()
    folder = Path(folder)
    refuse_unless_empty(folder)
    staging = Path(tempfile.mkdtemp(prefix=".demo-", dir=folder))
    try:
        result = _build(staging, demo)
        refuse_unless_empty(folder)  # nobody filled it while we were building
        _move_into_place(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return dataclasses.replace(result, folder=folder)


def _build(folder: Path, demo: DemoPortfolio) -> DemoResult:
    from incidentfolio.store import Mapping, open_store

    files = folder / "demo-files"
    files.mkdir(mode=0o700)
    for name, text in demo.attachment_texts.items():
        (files / name).write_text(text, encoding="utf-8")
    made: list[tuple[str, str, str, tuple[str, ...]]] = []
    attached = 0
    with open_store(folder, create=True) as store:
        p = demo.profile
        store.set_profile(
            candidate_name=p["candidate_name"],
            candidate_number=p["candidate_number"],
            centre=p["centre"],
            assessor_name=p["assessor_name"],
            frameworks=p["frameworks"],
        )
        for item in demo.items:
            attachments = [files / name for name in item.attachments]
            if item.notebook is not None:
                attachments.insert(0, item.notebook)
            item_id = store.add_item(
                item.type, item.title, item.body, source_scenario=item.source_scenario,
                personal_data=item.personal_data, attachments=attachments,
                mappings=[Mapping(m.framework, m.criterion, m.justification, m.anchor)
                          for m in item.mappings],
            )  # fmt: skip
            attached += len(attachments)
            made.append((item_id, item.type, item.title, tuple(m.ref for m in item.mappings)))
        record = store.declare()
    return DemoResult(folder, p["candidate_name"], p["candidate_number"], p["centre"],
                      p["assessor_name"], tuple(p["frameworks"]), tuple(made), attached,
                      record["ledger_seq"])  # fmt: skip


def _move_into_place(staging: Path, folder: Path) -> None:
    """Move the finished database and attachments from ``staging`` into ``folder``."""
    from incidentfolio.store import db

    for suffix in ("-wal", "-shm"):  # left by an earlier open of the empty portfolio
        (folder / f"{db.DB_NAME}{suffix}").unlink(missing_ok=True)
    attachments = folder / "attachments"
    if attachments.is_dir():
        attachments.rmdir()  # empty: refuse_unless_empty checked
    if (staging / "attachments").is_dir():
        (staging / "attachments").replace(attachments)
    for suffix in ("-wal", ""):  # the log first, so the database never appears without it
        part = staging / f"{db.DB_NAME}{suffix}"
        if part.exists():
            part.replace(folder / part.name)
