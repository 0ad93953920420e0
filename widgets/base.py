"""What every app view shares: one re-entrancy guard and a message area for errors."""

from __future__ import annotations

import functools
import html
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import ipywidgets as w

from incidentfolio.errors import IncidentfolioError

log = logging.getLogger("incidentfolio.widgets")
F = TypeVar("F", bound=Callable[..., Any])


class MessageArea(w.HTML):
    """A short status or error line shown next to the controls, never a traceback."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(value="", **kwargs)
        self.add_class("if-message")

    def error(self, text: str) -> None:
        self.remove_class("if-message-info")
        self.add_class("if-message-error")
        self.value = f'<div role="alert">{html.escape(text)}</div>'

    def info(self, text: str) -> None:
        self.remove_class("if-message-error")
        self.add_class("if-message-info")
        self.value = f'<div role="status">{html.escape(text)}</div>'

    def clear(self) -> None:
        self.remove_class("if-message-error")
        self.remove_class("if-message-info")
        self.value = ""


class AppView(w.VBox):
    """Base for app views. Wrap every callback with :meth:`guarded`.

    The guard drops re-entrant calls (a callback that changes a control would otherwise
    trigger itself) and turns exceptions into a short message instead of a traceback.
    """

    css_class = "if-app"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.message = MessageArea()
        self._busy = False
        self.add_class(self.css_class)

    def guarded(self, fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if self._busy:
                return None
            self._busy = True
            try:
                self.message.clear()
                return fn(*args, **kwargs)
            except IncidentfolioError as exc:
                self.message.error(str(exc))
            except Exception:
                log.exception("callback %s failed", fn.__name__)
                self.message.error(
                    "Something went wrong while updating this page. Your saved work is safe; "
                    "try again, and tell your tutor if it keeps happening."
                )
            finally:
                self._busy = False
            return None

        return wrapper  # type: ignore[return-value]
