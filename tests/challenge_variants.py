"""Other ways to solve each challenge, and plausible wrong ones, read from
tests/data/challenge_variants.toml (see the comment at its top)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quizdock.challenges.model import SolutionStep

VARIANTS_FILE = Path(__file__).parent / "data" / "challenge_variants.toml"


@dataclass(frozen=True)
class Variant:
    challenge: str
    kind: str  # "alternative" or "wrong"
    steps: tuple[SolutionStep, ...]
    condition: str = ""
    words: tuple[str, ...] = ()
    typed: bool = False  # the steps are a learner's commands, not solution material

    @property
    def id(self) -> str:
        return f"{self.challenge}-{self.kind}-{self.condition or 'all'}"


def _step(raw: Any) -> SolutionStep:
    if isinstance(raw, str):
        return SolutionStep(command=raw)
    return SolutionStep(
        command=raw["command"],
        input=raw.get("input"),
        tty=bool(raw.get("tty", False)),
        answer=bool(raw.get("answer", False)),
    )


def load_variants() -> list[Variant]:
    data = tomllib.loads(VARIANTS_FILE.read_text(encoding="utf-8"))
    variants = []
    for raw in data["variant"]:
        assert raw["kind"] in ("alternative", "wrong"), raw
        assert (raw["kind"] == "wrong") == ("condition" in raw and "words" in raw), raw
        variants.append(
            Variant(
                challenge=raw["challenge"],
                kind=raw["kind"],
                steps=tuple(_step(s) for s in raw["steps"]),
                condition=raw.get("condition", ""),
                words=tuple(raw.get("words", ())),
                typed=bool(raw.get("typed", False)),
            )
        )
    return variants
