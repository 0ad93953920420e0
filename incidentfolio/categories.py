"""Contact categories: the two-level list that logs, scenarios and scoring share."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from incidentfolio import paths
from incidentfolio.content.files import load_data
from incidentfolio.content.schema import validate
from incidentfolio.errors import ContentError


@dataclass(frozen=True)
class Category:
    """One category, e.g. ``safety/gas-escape`` (an incident) or ``request/account-update``."""

    id: str
    label: str
    group_label: str
    contact_type: str


def categories_from_data(data: object, path: Path) -> dict[str, Category]:
    """Validate parsed category data; returns categories by id."""
    validate(data, "categories", path)
    found: dict[str, Category] = {}
    for g, group in enumerate(data["groups"]):  # type: ignore[index]
        for c, raw in enumerate(group["categories"]):
            cid = f"{group['id']}/{raw['id']}"
            if cid in found:
                raise ContentError(path, f"groups[{g}].categories[{c}].id", f"duplicate {cid}")
            found[cid] = Category(cid, raw["label"], group["label"], group["contact_type"])
    return found


@cache
def load_categories() -> dict[str, Category]:
    """The shipped categories by id (cached)."""
    path = paths.templates_dir() / "categories.yaml"
    return categories_from_data(load_data(path), path)
