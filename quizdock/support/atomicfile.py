"""Replacing a file atomically: a reader (another terminal, Anki) never sees half a file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_atomically(
    path: Path, data: bytes, *, private: bool = False, check: Callable[[Path], None] | None = None
) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, renamed over it.

    Args:
        private: keep the file readable by its owner only (as the temporary file is made);
            otherwise it gets a new file's mode (0o666 less the umask).
        check: called on ``path`` first and again just before the rename (it raises to refuse
            the target); the temporary file is removed when anything fails.
    """
    if check is not None:
        check(path)
    handle, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        if not private:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(partial, 0o666 & ~umask)
        if check is not None:
            check(path)
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
