"""What the portfolio sections share: where the portfolio is, and telling each other of changes."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ipywidgets as w

from incidentfolio.errors import IncidentfolioError
from incidentfolio.store import Store, open_store
from widgets.base import AppView


@dataclass
class PortfolioContext:
    """The portfolio folder every section works on, and a change signal between sections.

    Each operation opens the store, does its work and closes it again, so the page never
    holds the database while the candidate is typing (other tools may use it meanwhile).
    """

    folder: Path
    _listeners: list[Callable[[], None]] = field(default_factory=list)

    @contextmanager
    def store(self, *, create: bool = False) -> Iterator[Store]:
        if create:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        with open_store(self.folder, create=create) as store:
            yield store

    def has_profile(self) -> bool:
        """Whether the candidate has set up the portfolio yet (creates an empty database)."""
        with self.store(create=True) as store:
            return store.profile() is not None

    def on_change(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def changed(self) -> None:
        """Tell every section the portfolio changed so it can refresh what it shows."""
        for listener in list(self._listeners):
            listener()


class Section(AppView):
    """One tab of the app. Subclasses build controls and implement :meth:`refresh`."""

    part = "section"

    def __init__(self, ctx: PortfolioContext, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ctx = ctx
        self.add_class(f"if-portfolio-{self.part}")
        ctx.on_change(self._portfolio_changed)

    def _portfolio_changed(self) -> None:
        # Not behind the callback guard: the section that made the change must refresh too.
        # Controls it updates fire their own (guarded, so dropped) callbacks.
        was_busy, self._busy = self._busy, True
        try:
            self.refresh()
        except IncidentfolioError as exc:
            self.message.error(str(exc))
        finally:
            self._busy = was_busy

    def refresh(self) -> None:
        """Re-read the store and update the controls."""

    def quietly(self, fn: Callable[[], None]) -> Callable[[], None]:
        """For autosave: runs even inside another callback; a failure becomes a message."""

        def run() -> None:
            try:
                fn()
            except IncidentfolioError as exc:
                self.message.error(f"Your draft could not be saved: {exc}")

        return run


def labelled(widget: w.Widget, label: str, *, help_text: str = "") -> w.Widget:
    """A control with a visible label tied to it (screen readers read the description)."""
    widget.description = label
    widget.style = {"description_width": "initial"}
    if help_text:
        widget.tooltip = help_text
    return widget


def esc(text: object) -> str:
    return html.escape(str(text))


def button(label: str, part: str, *, style: str = "", tooltip: str = "") -> w.Button:
    """A button with a stable CSS class ``if-portfolio-<part>``."""
    b = w.Button(description=label, button_style=style, tooltip=tooltip or label)
    b.add_class(f"if-portfolio-{part}")
    return b
