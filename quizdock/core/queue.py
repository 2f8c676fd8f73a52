"""What a review session asks next: a queue with no terminal and no database.

The day's new cards come in deck order, except the practical ones: a challenge comes right after
the last new card it practises (:func:`new_card_order`), so practice starts with its topic.

The order: the planned cards (due first, then new), then the same-day repeats owed from earlier
today, then, as the session goes, a repeat of each card answered below 4 until it scores 4 or
more. The learner may set a card aside (suspend, bury: it leaves the session with its repeat)
or undo the last answer or setting aside (its card comes back first, as it was). :class:`SessionQueue` decides
all of that and keeps the session's counts; the review session draws each card and persists
each answer.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from quizdock.core.grade import passed
from quizdock.core.sm2 import needs_repeat

Receipt = TypeVar("Receipt")
"""What the store returned for an answer, kept for undoing it (opaque to the queue)."""


def new_allowance(new_per_day: int, introduced_today: int, *, limit: int | None = None, due: int = 0) -> int:
    """How many new cards a session may bring in: the day's allowance less those already
    introduced today (in any deck: the allowance is the learner's), within a session ``limit``
    that the ``due`` cards fill first."""
    room = max(0, new_per_day - introduced_today)
    if limit is not None:
        room = min(room, limit - due)
    return room


Place = tuple[str, int]
"""Where a card stands in deck order: its deck's id, then its position in the deck file."""


@dataclass(frozen=True, slots=True)
class NewCard:
    """A card as the rule for new cards reads it.

    Attributes:
        place: its place in deck order.
        topics: its topic tags (hierarchical with ``::``).
        waiting: never answered and free to be introduced now (not suspended, buried or retired).
    """

    card_id: str
    place: Place
    topics: tuple[str, ...] = ()
    waiting: bool = True


def practised_tags(topics: Collection[str]) -> set[str]:
    """The tags a practical card practises: its most precise ones (``images::pull`` rather than
    ``images``, which every card of the images deck carries)."""
    return {tag for tag in topics if not any(other.startswith(tag + "::") for other in topics)}


def practises(challenge: NewCard, lesson: NewCard) -> bool:
    """Whether a practical card practises another card: the card carries one of the tags the
    practical card practises, or a tag below one."""
    return any(
        topic == tag or topic.startswith(tag + "::")
        for tag in practised_tags(challenge.topics)
        for topic in lesson.topics
    )


def new_card_order(
    lessons: Sequence[NewCard], challenges: Sequence[NewCard], related: Iterable[NewCard], limit: int
) -> list[str]:
    """The day's new cards, the one rule both review paths follow: cards in deck order, but a
    practical card comes right after the last card it practises that is still waiting, or first
    when all of those have been seen; one that practises no card keeps its place in deck order.

    Args:
        lessons: the first ``limit`` waiting cards that are not practical, in deck order.
        challenges: every waiting practical card, in deck order.
        related: the cards that are not practical and carry a tag some challenge practises
            (:func:`practised_tags`), seen or waiting; more do no harm.
        limit: how many new cards to bring in.

    Returns:
        At most ``limit`` card ids. A challenge whose last waiting card is not among ``lessons``
        is left for a later day.
    """
    related = list(related)
    keyed: list[tuple[Place, int, Place, str]] = [(lesson.place, 0, lesson.place, lesson.card_id) for lesson in lessons]
    for challenge in challenges:
        practised = [lesson for lesson in related if practises(challenge, lesson)]
        waiting = [lesson.place for lesson in practised if lesson.waiting]
        if not practised:
            after = challenge.place
        elif waiting:
            after = max(waiting)
        else:
            after = ("", -1)  # everything it practises was seen: before any other new card
        keyed.append((after, 1, challenge.place, challenge.card_id))
    keyed.sort()
    # With ``limit`` lessons read, whatever sorts after the last of them (where unread lessons
    # might come first) is past the limit.
    return [card_id for *_, card_id in keyed[: max(limit, 0)]]


@dataclass(frozen=True, slots=True)
class Entry:
    """A card to ask: ``is_repeat`` for a same-day repeat (the schedule stays)."""

    card_id: str
    is_repeat: bool = False


@dataclass(frozen=True, slots=True)
class Given(Generic[Receipt]):
    """An answer of this session, kept so that it can be undone."""

    receipt: Receipt
    entry: Entry
    correct: bool
    queued_repeat: bool  # it put a same-day repeat at the end of the queue
    set_aside: tuple[tuple[int, Entry], ...] | None = None
    """For a card set aside (suspended, buried) rather than answered: the waiting entries of the
    card it took out of the queue, each with its index then."""


class SessionQueue(Generic[Receipt]):
    """The cards of one session, in the order they are asked, and the session's counts.

    A card is taken with :meth:`next`, then settled with exactly one of :meth:`answered`,
    :meth:`set_aside`, :meth:`skipped`, :meth:`put_back` or :meth:`undo`.

    Attributes:
        answered_count: cards answered (their first answer this session; repeats apart).
        correct: of those, the answers that passed.
        repeats: same-day repeats answered.
        asked: whether any card was taken from the queue.
    """

    def __init__(self, card_ids: Iterable[str], repeats_owed: Iterable[str] = ()) -> None:
        """Args:
        card_ids: the planned cards, in order.
        repeats_owed: cards answered below 4 earlier today, asked after the planned ones
            (one also planned is asked once, as planned).
        """
        planned = list(card_ids)
        self._queue: deque[Entry] = deque(Entry(card_id) for card_id in planned)
        chosen = set(planned)
        self._queue.extend(Entry(card_id, True) for card_id in repeats_owed if card_id not in chosen)
        self._given: list[Given[Receipt]] = []
        self._shown = 0
        self.answered_count = self.correct = self.repeats = 0
        self.asked = False

    def __len__(self) -> int:
        """Cards still waiting (the one being asked not counted)."""
        return len(self._queue)

    def card_ids(self) -> set[str]:
        """Every card still waiting."""
        return {entry.card_id for entry in self._queue}

    def upcoming(self, n: int) -> list[str]:
        """The ids of the next ``n`` cards waiting (to read ahead)."""
        return [entry.card_id for entry, _ in zip(self._queue, range(n), strict=False)]

    def next(self) -> Entry | None:
        """The next card to ask, taken from the queue (None: the session is over)."""
        if not self._queue:
            return None
        return self._queue.popleft()

    def numbering(self) -> tuple[int, int]:
        """ "Card n of m" for the card being asked (call once per card shown, after :meth:`next`)."""
        self._shown += 1
        self.asked = True
        return self._shown, self._shown + len(self._queue)

    def leave_out(self, card_ids: Collection[str]) -> None:
        """Leave these cards out of what is still waiting (practical cards without Docker)."""
        self._queue = deque(entry for entry in self._queue if entry.card_id not in card_ids)

    def answered(self, entry: Entry, grade: int, receipt: Receipt, *, leech: bool = False) -> bool:
        """Count an answer and queue its same-day repeat when it needs one.

        Args:
            leech: the answer made the card a leech (suspended): it is not asked again.

        Returns:
            Whether a repeat was queued (when not, the card is done for this session).
        """
        if entry.is_repeat:
            self.repeats += 1
        else:
            self.answered_count += 1
            self.correct += passed(grade)
        repeat = needs_repeat(grade) and not leech
        if repeat:
            self._queue.append(Entry(entry.card_id, True))
        self._given.append(Given(receipt, entry, passed(grade), repeat))
        return repeat

    def skipped(self, entry: Entry) -> None:
        """The card was shown but not answered (it could not be asked): its number goes to the next."""
        self._shown -= 1

    def set_aside(self, entry: Entry, receipt: Receipt | None = None) -> None:
        """The card was suspended or buried: it leaves the session, its repeat too.

        Args:
            receipt: what the store did, when it may be undone like an answer (:meth:`undo`).
        """
        self._shown -= 1
        removed = tuple((index, e) for index, e in enumerate(self._queue) if e.card_id == entry.card_id)
        self._queue = deque(e for e in self._queue if e.card_id != entry.card_id)
        if receipt is not None:
            self._given.append(Given(receipt, entry, False, False, removed))

    def put_back(self, entry: Entry) -> None:
        """Ask the card again first (the undo key found nothing to undo)."""
        self._shown -= 1
        self._queue.appendleft(entry)

    def undo(self, entry: Entry) -> Given[Receipt] | None:
        """Take back the last answer of the session: the card being asked waits, the undone card
        comes first, its repeat (if the answer queued one) leaves, the counts go back. A card
        set aside with a receipt is taken back the same way, its waiting repeat with it.

        Returns:
            The answer to undo in the store; None when none was given (the card being asked
            is put back first).
        """
        if not self._given:
            self.put_back(entry)
            return None
        last = self._given.pop()
        self._queue.appendleft(entry)
        if last.set_aside is not None:  # it gave its number back when set aside
            self._shown -= 1
            for index, taken in last.set_aside:
                self._queue.insert(min(index, len(self._queue)), taken)
            self._queue.appendleft(last.entry)
            return last
        self._shown -= 2  # neither the card being asked nor the undone answer was answered
        if last.queued_repeat:
            self._drop_last(Entry(last.entry.card_id, True))
        self._queue.appendleft(last.entry)
        if last.entry.is_repeat:
            self.repeats -= 1
        else:
            self.answered_count -= 1
            self.correct -= last.correct
        return last

    def _drop_last(self, entry: Entry) -> None:
        """Remove the last occurrence of ``entry`` (the repeat an undone answer queued), if still there."""
        for index in range(len(self._queue) - 1, -1, -1):
            if self._queue[index] == entry:
                del self._queue[index]
                return
