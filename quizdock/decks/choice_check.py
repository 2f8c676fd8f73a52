"""A multiple-choice card must not give its answer away by the look of its options.

A learner who does not know the answer still picks the option that stands out: the one much
longer than the others, or the only one of a different form (the only command with a flag,
the only lowercase name...). ``quizdock deck check`` reports a card whose right option is the
only one that stands out, so its distractors can be rewritten.

A cue can also hide across a deck: no single card stands out, but the right option is the
second-longest in most cards, or the one that repeats the question's words. A learner who
answers many cards learns the habit, not Docker. :func:`deck_cues` counts, for every cue, the
cards whose right option has it, and fails the deck when that count is too high to be chance:
a one-sided exact test at :data:`FAMILY_LEVEL`, divided among the cues tested (Bonferroni),
on at least :data:`MIN_CARDS` cards where the cue could tell something. The rule is explained
in docs/deck-format.md.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from quizdock.decks.loading import Card, Deck
from quizdock.i18n import N_, Lang, _, number, quoted

LONGER_BY = 1.5
"""The right option stands out by length when it is this many times as long as every other
(and at least :data:`LONGER_BY_CHARS` characters longer)."""
LONGER_BY_CHARS = 10

FAMILY_LEVEL = 0.05
"""The chance, for one deck and one language, that a deck whose right options were placed at
random is failed all the same (by any of its cues)."""
MIN_CARDS = 8
"""A cue is tested across a deck only on at least this many cards where it could tell
something (some options have it, some do not): fewer cannot show a habit."""

_FLAG = re.compile(r"(?:^|[\s`(\[])--?[A-Za-z]")

# Forms an option may have. The right option stands out when it alone has the form, or alone
# lacks it, among three options or more (with two, every difference is "alone").
FORMS: tuple[tuple[str, Callable[[str], bool]], ...] = (
    (N_("the only one with an option flag"), lambda text: bool(_FLAG.search(text))),
    (N_("the only one without an option flag"), lambda text: not _FLAG.search(text)),
    (N_("the only one written in lowercase"), lambda text: text == text.lower() and text != text.upper()),
    (N_("the only one with capitals"), lambda text: text != text.lower()),
    (N_("the only Docker command"), lambda text: text.lstrip("`").startswith("docker ")),
    (N_("the only one that is not a Docker command"), lambda text: not text.lstrip("`").startswith("docker ")),
    (N_("the only sentence (ends with a full stop)"), lambda text: text.rstrip().endswith(".")),
)


@dataclass(frozen=True, slots=True)
class Giveaway:
    """A choice card whose right option stands out.

    Attributes:
        path: the deck file.
        card_id: the card.
        lang: the language whose options give it away.
        why: how the right option stands out.
    """

    path: str
    card_id: str
    lang: str
    why: str

    def __str__(self) -> str:
        return _("{path}, card {card}, choices.{lang}: the right option is {why}.").format(
            path=self.path, card=quoted(self.card_id), lang=self.lang, why=_(self.why)
        )


def standout(options: Sequence[str], right: int) -> str | None:
    """How the right option stands out among ``options``, or None when it does not."""
    others = [text for i, text in enumerate(options) if i != right]
    if not others:
        return None
    chosen = options[right]
    longest = max(len(text) for text in others)
    if len(chosen) >= LONGER_BY * longest and len(chosen) - longest >= LONGER_BY_CHARS:
        return _("the longest by far ({length} characters, the others {longest} at most)").format(
            length=len(chosen), longest=longest
        )
    if len(others) < 2:
        return None
    for why, has in FORMS:
        if has(chosen) and not any(has(text) for text in others):
            return why
    return None


def giveaways(card: Card, path: str = "") -> list[Giveaway]:
    """The ways a choice card's right option stands out, per language (none for other kinds)."""
    if card.kind != "choice" or card.correct is None:
        return []
    found = []
    for lang in ("en", "fr"):
        why = standout([choice.get(lang) for choice in card.choices], card.correct)  # type: ignore[arg-type]
        if why is not None:
            found.append(Giveaway(path, card.id, lang, why))
    return found


# --- Cues across a deck ----------------------------------------------------------------------

_WORD = re.compile(r"[\w-]+")
# Words too common to tell one option from another (a list of words reads best as text).
_STOPWORDS = frozenset(
    """
    about after also any because been before being both but can cannot could does doing done each
    every from have into its it's just like more most must only other over same should since some
    such than that the their them then there these they this those through under until used uses
    using very was were what when where which while whose will with without would your you ainsi
    alors après aussi autre avant avec avoir cela celle celui ces cette comme comment dans depuis
    des donc dont elle elles encore est être fait faut leur leurs lors mais même moins notre nous
    par pas peut plus pour quand que quel quelle quels qui sans selon ses sont sous sur tant tous
    tout toute toutes très une vous docker
    """.split()  # noqa: SIM905
)
_ABSOLUTE = re.compile(
    r"\b(?:always|never|every|all|none|nothing|automatically|toujours|jamais|tous|toutes|tout|aucun|aucune|rien"
    r"|automatiquement)\b",
    re.IGNORECASE,
)


Marks = Callable[[Sequence[str], str], list[bool]]
"""Which options of a card (given its options and its question) have a cue."""


def _stems(text: str) -> set[str]:
    """The content words of ``text``, cut to their first four letters (a crude stem that matches
    "port" and "ports", "stop" and "stopped"), without accents."""
    plain = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(char for char in plain if not unicodedata.combining(char))
    words = (word.strip("-") for word in _WORD.findall(plain))
    return {word[:4] for word in words if len(word) >= 4 and word not in _STOPWORDS}


def _ranks(lengths: Sequence[int], longest_first: bool) -> list[int]:
    """Each option's rank by length, 1 for the longest (or shortest); equal lengths share a rank."""
    if longest_first:
        return [1 + sum(other > length for other in lengths) for length in lengths]
    return [1 + sum(other < length for other in lengths) for length in lengths]


def _by_rank(rank: int, longest_first: bool) -> Marks:
    def marks(options: Sequence[str], question: str) -> list[bool]:
        return [found == rank for found in _ranks([len(text) for text in options], longest_first)]

    return marks


def _by_form(has: Callable[[str], bool]) -> Marks:
    def marks(options: Sequence[str], question: str) -> list[bool]:
        return [has(text) for text in options]

    return marks


def _by_position(index: int) -> Marks:
    def marks(options: Sequence[str], question: str) -> list[bool]:
        return [i == index for i in range(len(options))]

    return marks


def _most_question_words(options: Sequence[str], question: str) -> list[bool]:
    asked = _stems(question)
    shared = [len(_stems(text) & asked) for text in options]
    top = max(shared)
    return [top > 0 and count == top for count in shared]


CUES: tuple[tuple[str, Marks], ...] = (
    (N_("the longest option"), _by_rank(1, longest_first=True)),
    (N_("the second-longest option"), _by_rank(2, longest_first=True)),
    (N_("the second-shortest option"), _by_rank(2, longest_first=False)),
    (N_("the shortest option"), _by_rank(1, longest_first=False)),
    (N_("an option with an option flag"), _by_form(lambda text: bool(_FLAG.search(text)))),
    (N_("an option without an option flag"), _by_form(lambda text: not _FLAG.search(text))),
    (N_("an option with `code`"), _by_form(lambda text: "`" in text)),
    (N_("an option without `code`"), _by_form(lambda text: "`" not in text)),
    (N_("an option with a colon (a reason given)"), _by_form(lambda text: ":" in text.replace("::", ""))),
    (N_("an option without a colon"), _by_form(lambda text: ":" not in text.replace("::", ""))),
    (N_("an option without an absolute word (always, never, all...)"), _by_form(lambda t: not _ABSOLUTE.search(t))),
    (N_("an option with capitals"), _by_form(lambda text: text != text.lower())),
    (N_("an option written in lowercase"), _by_form(lambda text: text == text.lower())),
    (N_("the option sharing the most words with the question"), _most_question_words),
    (N_("the first option in the file"), _by_position(0)),
    (N_("the second option in the file"), _by_position(1)),
    (N_("the third option in the file"), _by_position(2)),
    (N_("the fourth option in the file"), _by_position(3)),
)
"""Each cue marks the options that have it; a learner who follows it picks among those."""


@dataclass(frozen=True, slots=True)
class CueCount:
    """How often the right option has a cue, across the cards where the cue could tell something.

    Attributes:
        cards: the cards where some options have the cue and some do not.
        observed: the cards among them whose right option has the cue.
        expected: the number chance gives (the sum, over those cards, of the share of options
            that have the cue).
        p_value: the chance of ``observed`` or more if right options were placed at random.
    """

    cards: int
    observed: int
    expected: float
    p_value: float


def upper_tail(chances: Sequence[float], observed: int) -> float:
    """P(at least ``observed`` successes) among independent trials of the given chances.

    The exact Poisson-binomial distribution, computed by adding one trial at a time.
    """
    spread = [1.0]
    for chance in chances:
        spread = [
            (spread[k] if k < len(spread) else 0.0) * (1 - chance) + (spread[k - 1] * chance if k else 0.0)
            for k in range(len(spread) + 1)
        ]
    return min(1.0, sum(spread[observed:]))


def count_cue(marks: Marks, cards: Iterable[tuple[Sequence[str], int, str]]) -> CueCount:
    """Count one cue over ``cards`` given as (options, index of the right one, question)."""
    chances: list[float] = []
    observed = 0
    for options, right, question in cards:
        marked = marks(options, question)
        share = sum(marked) / len(options)
        if 0 < share < 1:
            chances.append(share)
            observed += marked[right]
    return CueCount(len(chances), observed, sum(chances), upper_tail(chances, observed))


@dataclass(frozen=True, slots=True)
class DeckCue:
    """A cue that gives right options away across a deck (or across every deck checked).

    Attributes:
        where: the deck file, or "" for every deck checked together.
        lang: the language whose options carry the cue.
        cue: the cue (a message id).
        count: the counts and the test.
        limit: the p-value under which a cue fails.
    """

    where: str
    lang: str
    cue: str
    count: CueCount
    limit: float

    def __str__(self) -> str:
        where = self.where or _("all decks together")
        return _(
            "{where}, choices.{lang}: the right option is {cue} in {observed} of {cards} cards, where chance "
            "gives {expected}: a chance of 1 in {odds} if the right options were placed at random (a cue fails "
            "under 1 in {limit})."
        ).format(
            where=where,
            lang=self.lang,
            cue=_(self.cue),
            observed=self.count.observed,
            cards=self.count.cards,
            expected=number(self.count.expected, 1),
            odds=number(1 / self.count.p_value) if self.count.p_value > 1e-9 else _("more than a billion"),
            limit=number(1 / self.limit),
        )


def _choice_cards(cards: Iterable[Card], lang: Lang) -> list[tuple[list[str], int, str]]:
    return [
        ([choice.get(lang) for choice in card.choices], card.correct, card.question.get(lang))  # type: ignore[misc]
        for card in cards
        if card.kind == "choice" and card.correct is not None
    ]


def deck_cues(cards: Iterable[Card], where: str = "") -> list[DeckCue]:
    """The cues whose count across ``cards`` beats chance, per language.

    A cue is tested when at least :data:`MIN_CARDS` cards could show it; it fails when its
    p-value is under :data:`FAMILY_LEVEL` divided by the number of cues tested in that language.
    """
    cards = list(cards)
    found = []
    for lang in ("en", "fr"):
        listed = _choice_cards(cards, lang)
        counts = [(cue, count_cue(marks, listed)) for cue, marks in CUES]
        tested = [(cue, count) for cue, count in counts if count.cards >= MIN_CARDS]
        if not tested:
            continue
        limit = FAMILY_LEVEL / len(tested)
        found += [DeckCue(where, lang, cue, count, limit) for cue, count in tested if count.p_value < limit]
    return found


def check_decks(decks: Iterable[Deck]) -> list[Giveaway | DeckCue]:
    """Every giveaway in ``decks``, in deck and card order, then the cues of each deck and of
    all of them together (a learner reviews them together)."""
    decks = list(decks)
    found: list[Giveaway | DeckCue] = [
        found for deck in decks for card in deck.cards for found in giveaways(card, str(deck.path))
    ]
    for deck in decks:
        found += deck_cues(deck.cards, str(deck.path))
    if len(decks) > 1:
        found += deck_cues([card for deck in decks for card in deck.cards])
    return found
