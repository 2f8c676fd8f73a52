"""Text from outside (deck files, settings) read and shown as plain text.

A deck is shared like any document, so nothing in it may drive the terminal: control
characters (ESC starts the sequences that clear the screen, write the clipboard or make
hyperlinks) are refused when a deck is loaded, and shown escaped wherever a text is printed or
exported anyway (a database filled by an older quizdock). Files are read with a size bound, and
only when they are regular files (``/dev/zero`` or a FIFO would never end).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

MAX_ANSWER_CHARS = 2000
"""A typed answer longer than this is not graded (no Docker command is near it): the prompt stops
taking characters just past it, and the grader says so, so grading stays fast and memory flat."""

# C0 and C1 control characters and DEL, less newline and tab.
_CONTROL = frozenset(chr(c) for c in (*range(0x00, 0x20), *range(0x7F, 0xA0))) - {"\n", "\t"}
_ESCAPES = str.maketrans({c: f"\\x{ord(c):02x}" for c in _CONTROL})


def first_control(text: str) -> str | None:
    """The first control character of ``text`` other than newline and tab, or None."""
    if text.isprintable():  # the fast, common case
        return None
    return next((c for c in text if c in _CONTROL), None)


def printable(text: str) -> str:
    """``text`` with every control character but newline and tab written as ``\\xNN``."""
    return text if first_control(text) is None else text.translate(_ESCAPES)


def shown(text: str) -> str:
    """``text`` ready for a Rich console: control characters escaped, markup escaped."""
    from rich.markup import escape

    return escape(printable(text))


def plain_console(*, stderr: bool = False) -> Console:
    """A Rich console that prints texts as written: no colours guessed for numbers or paths, and
    no emoji codes (a deck's ``:warning:`` stays ``:warning:``; Rich would draw an emoji)."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, emoji=False)


def read_bounded(path: Path, limit: int) -> bytes:
    """The content of a regular file of at most ``limit`` bytes.

    Raises:
        OSError: the file cannot be opened or read.
        ValueError: it is not a regular file, or larger than ``limit`` (the message says which).
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        os.close(fd)
        raise
    if not stat.S_ISREG(mode):
        from quizdock.i18n import _

        os.close(fd)
        if stat.S_ISDIR(mode):
            raise ValueError(_("is a folder; give a file"))
        raise ValueError(_("is not a regular file (a device, a FIFO or a socket); give a file"))
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        from quizdock.i18n import _

        raise ValueError(_("is larger than {size}").format(size=_size(limit)))
    return data


def _size(limit: int) -> str:
    from quizdock.i18n import _

    if limit >= 1024 * 1024:
        return _("{n} MiB").format(n=limit // (1024 * 1024))
    return _("{n} KiB").format(n=limit // 1024)
