"""Where a field of a deck file is written: the line an error points at.

TOML parsers give no positions, so both the deck schema and the loader read them from the text.
"""

from __future__ import annotations

import re


def field_line(text: str, card_id: str | None, field: str, *, position: int | None = None) -> int | None:
    """The line of a deck file where ``field`` of the card (or of ``[deck]``) is written.

    TOML parsers give no positions, so this reads the text: from the card's ``[[cards]]`` table
    (the ``position``-th, counted from 1; else the one whose ``id = ...`` it is, or ``[deck]``)
    to the next card, the line that sets the field's key
    (``solution`` for ``challenge.solution[2]``, the third ``[[cards.challenge.setup]]`` table
    for ``challenge.setup[2].path``). None when it cannot be found.
    """
    lines = text.splitlines()
    headers = [i for i, line in enumerate(lines) if line.strip().startswith("[[cards]]")]
    if position is not None and 0 < position <= len(headers):
        start: int | None = headers[position - 1]  # the card's own table, whatever its id
    elif card_id is not None:
        quoted = re.compile(r"""^\s*id\s*=\s*["']""" + re.escape(card_id) + r"""["']\s*(#.*)?$""")
        start = next((i for i, line in enumerate(lines) if quoted.match(line)), None)
    else:
        start = next((i for i, line in enumerate(lines) if line.strip().startswith("[deck]")), None)
        field = field.removeprefix("deck").lstrip(".") or "id"
    if start is None:
        return None
    end = next((i for i in range(start + 1, len(lines)) if lines[i].strip().startswith("[[cards]]")), len(lines))
    segments = re.findall(r"([^.\[\]]+)(?:\[(\d+)\])?", field)
    path: list[str] = []  # the keys since the last table header
    full: list[str] = []
    found = start
    for key, index in segments:
        path.append(key)
        full.append(key)
        header = re.compile(r"^\s*\[\[\s*cards\." + r"\.".join(map(re.escape, full)) + r"\s*\]\]")
        headers = [i for i in range(start, end) if header.match(lines[i])]
        if index and int(index) < len(headers):
            found = start = headers[int(index)]
            end = next((i for i in range(start + 1, end) if lines[i].lstrip().startswith("[")), end)
            path = []
            continue
        # A key may be quoted (``topics."volumes::tmpfs"``).
        dotted = r"\s*\.\s*".join(f"([\"']?){re.escape(key)}\\{i + 1}" for i, key in enumerate(path))
        setting = re.compile(r"^\s*(?:[\w-]+\s*\.\s*)*" + dotted + r"""\s*(?:=|\.[\w\s.:"'-]*=)""")
        table = re.compile(r"^\s*\[\s*(?:cards|deck)\.(?:[\w-]+\.)*" + dotted + r"\s*\]")
        hit = next((i for i in range(start, end) if setting.match(lines[i]) or table.match(lines[i])), None)
        if hit is None:
            break
        found = hit
        if table.match(lines[hit]):
            start, path = hit, []
        elif index and lines[hit].rstrip().endswith("[") and hit + 1 + int(index) < end:
            found = hit + 1 + int(index)  # one item per line, as multi-line arrays are written
    return found + 1
