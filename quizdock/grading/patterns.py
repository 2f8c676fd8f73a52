"""Answer patterns: a card's value with placeholders (``<image>``, ``<port>``...) matched in linear time.

A deck is shared like any document, so no regular expression is built from its text: Python's
``re`` backtracks, and ``<image><image><image>`` took seconds on a 32-character answer. Each
placeholder kind is a small deterministic automaton over characters, a value is the chain of
its literal characters and placeholders, and matching follows every way through the chain at
once (a set of states, Thompson's construction): time grows with the length of the answer times
the size of the pattern, whatever the text, and memory stays flat.

The kinds accept what :data:`quizdock.grading.docker_cli.PLACEHOLDERS` describes as regular
expressions (a test checks that they agree).
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

# One automaton: per state, its moves (a test on the character, the next state), and whether
# the state accepts. State 0 is the start and never accepts: every placeholder takes a character.
Moves = tuple[tuple[Callable[[str], bool], int], ...]


@dataclass(frozen=True, slots=True)
class Automaton:
    moves: tuple[Moves, ...]
    accepting: frozenset[int]


def _in(chars: str) -> Callable[[str], bool]:
    allowed = frozenset(chars)
    return allowed.__contains__


_ALNUM = string.ascii_letters + string.digits
_LOWER_ALNUM = string.ascii_lowercase + string.digits
_first_name = _in(_ALNUM)
_digit = _in(string.digits)


def _path_char(char: str) -> bool:
    return not char.isspace() and char not in ":,"


def _line_char(char: str) -> bool:
    return char != "\n"


def _repeat(first: Callable[[str], bool], rest: Callable[[str], bool]) -> Automaton:
    """``first rest*``."""
    return Automaton(moves=(((first, 1),), ((rest, 1),)), accepting=frozenset({1}))


def _then_optional(body: Callable[[str], bool], sep: str, tail: Callable[[str], bool]) -> Automaton:
    """``body+ (sep tail+)?``."""
    is_sep = _in(sep)
    return Automaton(
        moves=(((body, 1),), ((body, 1), (is_sep, 2)), ((tail, 3),), ((tail, 3),)),
        accepting=frozenset({1, 3}),
    )


def _separated(part: Callable[[str], bool], seps: str) -> Automaton:
    """``part+ (sep part+)*``."""
    is_sep = _in(seps)
    return Automaton(moves=(((part, 1),), ((part, 1), (is_sep, 2)), ((part, 1),)), accepting=frozenset({1}))


def _bounded(first: Callable[[str], bool], rest: Callable[[str], bool], most: int) -> Automaton:
    """``first rest{0,most}``."""
    moves: list[Moves] = [((first, 1),)]
    moves += [((rest, i + 1),) for i in range(1, most + 1)]
    moves.append(())
    return Automaton(moves=tuple(moves), accepting=frozenset(range(1, most + 2)))


KINDS: dict[str, Automaton] = {
    "container": _repeat(_first_name, _in(_ALNUM + "_.-")),
    "volume": _repeat(_first_name, _in(_ALNUM + "_.-")),
    "network": _repeat(_first_name, _in(_ALNUM + "_.-")),
    "name": _repeat(_first_name, _in(_ALNUM + "_.-")),
    "image": _repeat(_first_name, _in(_ALNUM + "._/:@-")),
    "path": _repeat(_path_char, _path_char),
    "port": _then_optional(_digit, "-", _digit),
    "command": _repeat(_line_char, _line_char),
    "registry": _then_optional(_in(_ALNUM + ".-"), ":", _digit),
    "user": _separated(_in(_LOWER_ALNUM), "._-"),
    "tag": _bounded(_in(_ALNUM + "_"), _in(_ALNUM + "_.-"), 127),
}
"""Each placeholder kind, as the automaton of one value of that kind."""

IMAGE_PATH = _separated(_in(_LOWER_ALNUM + "._-"), "/")
"""``<image>`` inside a longer image path (``<user>/<image>``): one or more path components."""

_PLACEHOLDER = re.compile(r"<([a-z]+)>")
_ADJACENT = re.compile(r"<[a-z]+><[a-z]+>")


@lru_cache(maxsize=4096)
def _literal(char: str) -> Automaton:  # shared: a chain holds references, not copies
    return Automaton(moves=(((char.__eq__, 1),), ()), accepting=frozenset({1}))


@lru_cache(maxsize=256)
def compile_pattern(template: str, *, image_path: bool = False) -> tuple[Automaton, ...]:
    """The chain of automata for a value with placeholders; unknown ``<words>`` stay literal.

    Args:
        template: The card's value (``<registry>/<image>:<tag>``).
        image_path: ``<image>`` stands for path components only (inside an image's path).
    """
    chain: list[Automaton] = []
    last = 0
    for m in _PLACEHOLDER.finditer(template):
        chain += [_literal(c) for c in template[last : m.start()]]
        kind = m.group(1)
        if image_path and kind == "image":
            chain.append(IMAGE_PATH)
        elif kind in KINDS:
            chain.append(KINDS[kind])
        else:
            chain += [_literal(c) for c in m.group(0)]
        last = m.end()
    chain += [_literal(c) for c in template[last:]]
    return tuple(chain)


def fullmatch(template: str, given: str, *, image_path: bool = False) -> bool:
    """Whether ``given`` is one value of ``template``, placeholders read as their kinds.

    Linear in ``len(given)`` for a given template: the states alive after each character are a
    set of (link of the chain, state of its automaton), never more than the chain's states.
    """
    chain = compile_pattern(template, image_path=image_path)
    end = len(chain)
    alive = _enter({(0, 0)}, chain)
    for char in given:
        following: set[tuple[int, int]] = set()
        for link, state in alive:
            if link == end:
                continue
            for test, target in chain[link].moves[state]:
                if test(char):
                    following.add((link, target))
        if not following:
            return False
        alive = _enter(following, chain)
    return (end, 0) in alive


def _enter(states: set[tuple[int, int]], chain: tuple[Automaton, ...]) -> set[tuple[int, int]]:
    """Add, for each state that accepts, the start of the next link (starts never accept)."""
    return states | {(link + 1, 0) for link, state in states if link < len(chain) and state in chain[link].accepting}


def adjacent_placeholders(value: str) -> str | None:
    """The first two placeholders written side by side (``<image><tag>``), or None.

    Where one ends and the other begins is then a guess: a deck may not write them so.
    """
    found = _ADJACENT.search(value)
    return found.group(0) if found else None
