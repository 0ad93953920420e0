"""Domain exceptions. The CLI turns these into ``incidentfolio: error: …`` lines (exit 1)."""

from __future__ import annotations


class IncidentfolioError(Exception):
    """Base for every error a user can cause and fix: bad input, bad content, failed checks."""


class ContentError(IncidentfolioError):
    """A content file (framework, scenario, tree, matrix…) is unreadable or invalid.

    Rendered as one line ``PATH: LOCATION: MESSAGE`` so problems can be listed and grepped.
    """

    def __init__(self, path: object, location: str, message: str) -> None:
        self.path = str(path)
        self.location = location or "(file)"
        self.message = message
        super().__init__(f"{self.path}: {self.location}: {self.message}")


class PortfolioError(IncidentfolioError):
    """The portfolio folder cannot be used (not a folder, not accessible, …)."""


class ServeError(IncidentfolioError):
    """The app hub cannot be started (port in use, bad host, …)."""


class StoreError(IncidentfolioError):
    """The portfolio database refused an operation; nothing was changed."""
