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


def code_spans(text: str) -> list[tuple[str, bool]]:
    """``text`` cut into pieces, each with whether it is inline code (between a pair of backticks).

    A text whose backticks do not pair up is all plain text: its backticks stay as written.
    """
    parts = text.split("`")
    if len(parts) % 2 == 0:
        return [(text, False)] if text else []
    return [(part, index % 2 == 1) for index, part in enumerate(parts) if part]


def wrap_spans(text: str, width: int, indent: int, first_width: int | None = None) -> list[tuple[str, bool]]:
    """``text``'s pieces (as :func:`code_spans`) with a newline and ``indent`` spaces where a line
    would pass ``width`` columns (``first_width`` for the first line): broken at spaces only,
    never inside a word, code included."""
    words: list[tuple[str, bool, bool]] = []  # each word, whether it is code, whether a space comes before it
    space = False
    for piece, is_code in code_spans(printable(text)):
        for index, word in enumerate(piece.split(" ")):
            space = space or index > 0
            if word:
                words.append((word, is_code, space))
                space = False
    out: list[tuple[str, bool]] = []
    used, limit = 0, width if first_width is None else first_width
    for word, is_code, space in words:
        if used and space and used + 1 + len(word) > limit:
            limit = width
            out.append(("\n" + " " * indent, False))
            used = 0
        elif used and space:
            out.append((" ", False))
            used += 1
        out.append((word, is_code))
        used += len(word)
    return out
