"""Small filesystem helpers shared by submissions, bundles and their checks (no heavy imports)."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries to disk so a rename into it survives a power cut."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some filesystems cannot sync a folder; the rename itself is still atomic
    finally:
        os.close(fd)


def safe_relative(text: object) -> PurePosixPath | None:
    """A relative POSIX path with no ``..``, no backslash and no empty parts, or None.

    Paths read from a manifest are checked with this before any file is opened, so a
    crafted manifest cannot point outside the folder it describes.
    """
    if not isinstance(text, str) or not text or "\\" in text or "\x00" in text:
        return None
    path = PurePosixPath(text)
    if path.is_absolute() or any(p in ("", ".", "..") for p in text.split("/")):
        return None
    return path
