"""The app hub: every notebook's ``metadata.incidentfolio`` → a landing page grouped by audience."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from incidentfolio.errors import ContentError

# Audience id → heading and a line saying who the group is for, in hub order.
GROUPS: dict[str, tuple[str, str]] = {
    "learn": ("Learn", "Revise the units: explanations, worked examples and knowledge checks."),
    "practise": ("Practise", "Handle realistic incidents and get feedback on every decision."),
    "portfolio": ("Build my portfolio", "Turn your work into evidence mapped to the criteria."),
    "assess": ("Assess", "Open a candidate's evidence bundle, judge each criterion, sign off."),
}


@dataclass(frozen=True)
class AppInfo:
    """One app on the hub, read from its notebook's metadata."""

    path: str  # relative to the notebooks folder, with forward slashes
    title: str
    audience: str
    summary: str
    order: int

    @property
    def slug(self) -> str:
        return Path(self.path).stem

    @property
    def url(self) -> str:
        return "voila/render/" + quote(self.path)


def read_app_info(notebook: Path, root: Path) -> AppInfo:
    """Read one notebook's hub metadata (plain JSON; nbformat is not needed for this)."""
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ContentError(notebook, "(file)", f"not a readable notebook: {exc}") from exc
    meta = nb.get("metadata", {}).get("incidentfolio") if isinstance(nb, dict) else None
    if not isinstance(meta, dict):
        raise ContentError(notebook, "metadata.incidentfolio", "missing hub metadata")
    for key in ("title", "audience", "summary"):
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            raise ContentError(notebook, f"metadata.incidentfolio.{key}", "missing or empty")
    if meta["audience"] not in GROUPS:
        raise ContentError(
            notebook,
            "metadata.incidentfolio.audience",
            f"{meta['audience']!r} is not one of {', '.join(GROUPS)}",
        )
    order = meta.get("order", 100)
    if not isinstance(order, int) or isinstance(order, bool):
        raise ContentError(notebook, "metadata.incidentfolio.order", "must be a whole number")
    return AppInfo(
        path=notebook.relative_to(root).as_posix(),
        title=meta["title"].strip(),
        audience=meta["audience"],
        summary=meta["summary"].strip(),
        order=order,
    )


def discover_apps(root: Path) -> list[AppInfo]:
    """All apps under ``root`` (hidden folders and checkpoints skipped), in hub order."""
    apps = [
        read_app_info(nb, root)
        for nb in sorted(root.rglob("*.ipynb"))
        if not any(part.startswith(".") for part in nb.relative_to(root).parts)
    ]
    group_rank = {g: i for i, g in enumerate(GROUPS)}
    return sorted(apps, key=lambda a: (group_rank[a.audience], a.order, a.title))


def render_hub_html(apps: list[AppInfo]) -> str:
    """The hub's main content: one section per audience that has apps, one card per app."""
    parts = []
    for audience, (heading, blurb) in GROUPS.items():
        members = [a for a in apps if a.audience == audience]
        if not members:
            continue
        cards = "\n".join(
            f'<li class="if-hub-app" data-app="{html.escape(a.slug)}">'
            f'<a class="if-hub-link" href="{html.escape(a.url)}">{html.escape(a.title)}</a>'
            f'<p class="if-hub-summary">{html.escape(a.summary)}</p></li>'
            for a in members
        )
        parts.append(
            f'<section class="if-hub-group" data-group="{audience}" '
            f'aria-labelledby="if-hub-{audience}">'
            f'<h2 id="if-hub-{audience}">{html.escape(heading)}</h2>'
            f'<p class="if-hub-blurb">{html.escape(blurb)}</p>'
            f'<ul class="if-hub-apps">{cards}</ul></section>'
        )
    if not parts:
        parts.append('<p class="if-hub-empty">No apps are installed.</p>')
    return "\n".join(parts)
