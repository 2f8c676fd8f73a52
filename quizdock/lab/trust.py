"""Which deck files may have their solution steps run by ``quizdock deck test``.

The bundled decks are quizdock's own. Any other deck file is a document someone shared: its
steps run only once the learner has read them and said yes, which is remembered by the file's
hash (a changed file is asked about again), in the learner's lab folder.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quizdock.decks import Deck


def trust_file() -> Path:
    from quizdock.lab.state import state_dir

    return state_dir() / "trusted-decks.json"


def _writable_trust_file() -> Path:
    """:func:`trust_file`, in a folder proven usable (else the learner's message, exit 2)."""
    from quizdock.lab.state import usable_state_dir

    return usable_state_dir() / trust_file().name


def _trusted() -> dict[str, str]:
    try:
        data = json.loads(trust_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def bundled(deck: Deck) -> bool:
    from quizdock.paths import bundled_decks_dir

    return deck.path.resolve().parent == bundled_decks_dir().resolve()


def untrusted(decks: Iterable[Deck]) -> list[Deck]:
    """The decks whose steps the learner has not approved (as they are now)."""
    known = _trusted()
    return [d for d in decks if not bundled(d) and d.file_hash not in known]


def remember(decks: Iterable[Deck]) -> None:
    """Approve these deck files as they are now."""
    from quizdock.atomicfile import write_atomically

    approved = {d.file_hash: str(d.path) for d in decks}
    if not approved:
        return
    known = _trusted() | approved
    path = _writable_trust_file()
    write_atomically(path, json.dumps(known, indent=1, sort_keys=True).encode(), private=True)
