"""What a schema library costs at start-up: the choice of the deck and challenge validator.

    python bench/schema.py [--runs 20]

Each candidate (msgspec, pydantic 2, attrs + cattrs) runs the same job in a fresh interpreter:
import the library, declare a tagged union of the four card kinds (each with a French and English
text) and validate a deck of four cards read by tomllib. The floor is ``python -c pass`` in the
same rounds; ``import quizdock.decks.loading``, rebuilding one stored card (what the first card of a
review does: no schema) and validating one card table are timed beside them. A candidate
that is not installed is reported as such.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.common import Row, ms, print_table, timed_together  # noqa: E402

PY = sys.executable

DECK = '''
import tomllib
DOC = tomllib.loads(r"""
[[cards]]
kind = "concept"
id = "d/a"
question = { fr = "q", en = "q" }
answer = { fr = "a", en = "a" }
[[cards]]
kind = "command"
id = "d/b"
question = { fr = "q", en = "q" }
answer = "docker ps"
[[cards]]
kind = "choice"
id = "d/c"
question = { fr = "q", en = "q" }
choices = { fr = ["x", "y"], en = ["x", "y"] }
correct = 1
[[cards]]
kind = "practical"
id = "d/d"
question = { fr = "q", en = "q" }
challenge = { solution = ["docker ps"] }
""")["cards"]
'''

CANDIDATES: dict[str, tuple[str, str]] = {
    # name: (distribution to look for, the job)
    "msgspec": (
        "msgspec",
        DECK
        + """
import msgspec
from typing import Literal
class T(msgspec.Struct, forbid_unknown_fields=True):
    fr: str
    en: str
class Base(msgspec.Struct, tag_field="kind", forbid_unknown_fields=True):
    id: str
    question: T
class Concept(Base, tag="concept"):
    answer: T
class Command(Base, tag="command"):
    answer: str
class Choices(msgspec.Struct):
    fr: list[str]
    en: list[str]
class Choice(Base, tag="choice"):
    choices: Choices
    correct: int
class Challenge(msgspec.Struct):
    solution: list[str]
class Practical(Base, tag="practical"):
    challenge: Challenge
cards = msgspec.convert(DOC, list[Concept | Command | Choice | Practical])
assert len(cards) == 4
""",
    ),
    "pydantic 2": (
        "pydantic",
        DECK
        + """
from typing import Annotated, Literal
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
class T(Strict):
    fr: str
    en: str
class Concept(Strict):
    kind: Literal["concept"]
    id: str
    question: T
    answer: T
class Command(Strict):
    kind: Literal["command"]
    id: str
    question: T
    answer: str
class Choices(Strict):
    fr: list[str]
    en: list[str]
class Choice(Strict):
    kind: Literal["choice"]
    id: str
    question: T
    choices: Choices
    correct: int
class Challenge(Strict):
    solution: list[str]
class Practical(Strict):
    kind: Literal["practical"]
    id: str
    question: T
    challenge: Challenge
Card = Annotated[Concept | Command | Choice | Practical, Field(discriminator="kind")]
cards = TypeAdapter(list[Card]).validate_python(DOC)
assert len(cards) == 4
""",
    ),
    "attrs + cattrs": (
        "cattrs",
        DECK
        + """
from typing import Literal
import attrs
from cattrs.preconf.json import make_converter
from cattrs.strategies import configure_tagged_union
@attrs.frozen
class T:
    fr: str
    en: str
@attrs.frozen
class Concept:
    id: str
    question: T
    answer: T
@attrs.frozen
class Command:
    id: str
    question: T
    answer: str
@attrs.frozen
class Choices:
    fr: list[str]
    en: list[str]
@attrs.frozen
class Choice:
    id: str
    question: T
    choices: Choices
    correct: int
@attrs.frozen
class Challenge:
    solution: list[str]
@attrs.frozen
class Practical:
    id: str
    question: T
    challenge: Challenge
converter = make_converter(forbid_extra_keys=True)
Card = Concept | Command | Choice | Practical
tags = {Concept: "concept", Command: "command", Choice: "choice", Practical: "practical"}
configure_tagged_union(Card, converter, tag_name="kind", tag_generator=tags.__getitem__)
cards = converter.structure(DOC, list[Card])
assert len(cards) == 4
""",
    ),
}

CARD = (
    "{'id': 'd/a', 'kind': 'concept', 'topics': ['t'], 'question': {'fr': 'q', 'en': 'q'},"
    " 'explanation': {'fr': 'e', 'en': 'e'}, 'answer': {'fr': 'a', 'en': 'a'}}"
)
QUIZDOCK = {
    "import quizdock.decks.loading": "import quizdock.decks.loading",
    "a stored card rebuilt (the first card's path)": (
        f"from quizdock.decks.loading import stored_card\nstored_card({CARD}, deck_id='d', path='-')"
    ),
    "a card table validated by the schema": (
        f"from quizdock.decks.loading import parse_card\nparse_card({CARD}, deck_id='d', path='-')"
    ),
}


def measure(runs: int) -> list[Row]:
    """One row per candidate and per quizdock path: its time and its ratio to ``python -c pass``."""
    present = {name: job for name, (dist, job) in CANDIDATES.items() if importlib.util.find_spec(dist)}
    scripts = ["pass", *present.values(), *QUIZDOCK.values()]
    env = {"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"}
    floor, *rest = timed_together([[PY, "-c", script] for script in scripts], env, runs)
    rows: list[Row] = []
    for name, seconds in zip([*present, *QUIZDOCK], rest, strict=True):
        label = f"schema: {name}" if name in present else name
        rows.append((label, f"{ms(seconds)} ({seconds / floor:.2f}x {ms(floor)})", "vs python -c pass", "-"))
    rows += [(f"schema: {name}", "not installed", "-", "-") for name in CANDIDATES if name not in present]
    return rows


if __name__ == "__main__":
    print_table(__doc__, measure, default_runs=20)
