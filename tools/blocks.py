"""The generated blocks of a hand-written file, shared by tools/docs.py and tools/deck_schema.py.

A block sits between ``<!-- KIND: NAME -->`` and ``<!-- end of KIND -->`` (``commands`` in
README.md, ``schema`` in docs/*.md); a tool writes its body anew, the prose around it is kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable


def pattern(kind: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- {kind}: (?P<name>[a-z-]+) -->\n)(?P<body>.*?)(<!-- end of {kind} -->)", re.DOTALL)


def names(text: str, kind: str) -> list[str]:
    """The names of the ``kind`` blocks of ``text``, in order."""
    return [match["name"] for match in pattern(kind).finditer(text)]


def fill(text: str, kind: str, body: Callable[[str], str]) -> str:
    """``text`` with the body of each ``kind`` block replaced by ``body(name)``."""
    return pattern(kind).sub(lambda match: match[1] + body(match["name"]) + match[4], text)
