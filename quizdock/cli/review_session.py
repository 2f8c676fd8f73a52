"""The review session's terminal side: prompts and rich output around a
:class:`~quizdock.core.queue.SessionQueue` (what comes next) and the store (every answer saved).

Order: due cards (most overdue first), then new cards up to the daily limit, then the
same-day repeats of cards graded below 4 until they score 4 or more (repeats are logged but do
not change the schedule). Every answer is saved the moment it is given, and so is a repeat still
owed: a session started later the same day asks it again. Multiple-choice options come in a new
order at every showing.

Practical cards need Docker: when it cannot be reached, one note says so at the start and they
wait for another day (not shown, not graded); so do those left when Docker or the private lab
fails during the session. ``quit`` (or Ctrl-D) in a practical card ends the
session; the card stays due.

Instead of answering, the learner may suspend the card, bury it until tomorrow, or undo the
last answer of the session (keys s, b, u in the lists; ``:s``, ``:b``, ``:u`` typed as a
command): undo puts the card's state and log back as they were and asks that card again. A
card whose 8th lapse this is becomes a leech: it is suspended and the learner told why.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Literal, Protocol, assert_never, overload

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text as RichText

from quizdock.cli.console import deck_text, learner_console
from quizdock.cli.prompts import Action, Prompter, typed_action
from quizdock.cli.review_options import ReviewOptions
from quizdock.core.grade import PASSING, SAME_DAY_TARGET, Grade
from quizdock.core.preview import next_intervals
from quizdock.core.queue import Entry, SessionQueue, new_allowance
from quizdock.core.scheduler import CardProgress
from quizdock.core.sm2 import CardState
from quizdock.decks.loading import Card
from quizdock.errors import DockerUnavailable, Interrupted, QuizdockError
from quizdock.i18n import N_, Lang, calendar_day, gettext_in, ngettext_in
from quizdock.support import clock
from quizdock.support.config import DEFAULT_NEW_PER_DAY, Config
from quizdock.support.text import printable

if TYPE_CHECKING:  # the first card of a review is drawn before SQLAlchemy is loaded (quizdock.cli.fast_review)
    from quizdock.core.fsrs import Fsrs
    from quizdock.storage.store import RecordedAnswer, ScheduledCard

KIND_LABELS: dict[str, str] = {
    "concept": N_("concept"),
    "command": N_("command"),
    "choice": N_("multiple choice"),
    "practical": N_("practical"),
}
# The session's messages (the catalogue has each language's); plural ones go through ngettext_in.
MESSAGES: dict[str, str] = {
    "progress": N_("Card {n} of {m}"),
    "repeat": N_("again today"),
    "answer": N_("Answer:"),
    "expected": N_("Expected:"),
    "right": N_("Right"),
    "wrong": N_("Not quite"),
    "note": N_("Correction:"),
    "nothing": N_("Nothing to review now. Next card due: {next}."),
    "nothing_now": N_("Nothing to review now."),
    "more_new": N_(
        "New cards wait, but today's new cards are done ({introduced} today). More tomorrow, or {more} more "
        "now with `quizdock review --new {total}` (--new counts the whole day)."
    ),
    "nothing_never": N_("Nothing to review: no card to show in the selected decks (see `quizdock decks`)."),
    "practical_lost": N_("The practical cards left wait for another day. {error}"),
    "legend": N_("0-2 wrong · 3 hard · 4 hesitant · 5 perfect · s suspend · b bury · u undo"),
    "legend_fsrs": N_("FSRS schedules: 0-2 Again · 3 Hard · 4 Good · 5 Easy"),
    "interrupted": N_("Stopped. Every answer given so far is saved."),
    "not_saved": N_("This answer to {id} was not saved: the card stays as it was, to answer again."),
    "command_keys": N_("Or type :s to suspend this card, :b to bury it until tomorrow, :u to undo the last answer."),
    "leech": N_("{id} has lapsed {n} times: it is a leech, now suspended. Rework it, then `quizdock unsuspend {id}`."),
    "suspended": N_("Suspended {id}: it stays out of reviews until `quizdock unsuspend {id}`."),
    "buried": N_("Buried {id} until tomorrow."),
    "undone": N_("Undone: your answer to {id}. Here it is again."),
    "unsuspended": N_("Undone: {id} is no longer suspended. Here it is again."),
    "unburied": N_("Undone: {id} is no longer buried. Here it is again."),
    "next_review": N_("Next review: {intervals}"),
    "nothing_to_undo": N_("Nothing to undo in this session."),
}


PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class Outcome:
    """A graded answer: the SM-2 quality and the answer as the learner gave it."""

    quality: int
    answer: str
    duration_ms: int = 0


AsideAction = Literal["suspend", "bury"]


@dataclass(frozen=True, slots=True)
class PutAside:
    """The learner suspended the card, or buried it until tomorrow, instead of answering."""

    action: AsideAction


@dataclass(frozen=True, slots=True)
class Undo:
    """The learner asked to undo the session's last answer (or setting aside) instead of answering."""


@dataclass(frozen=True, slots=True)
class Quit:
    """The learner left a practical card with ``quit`` or Ctrl-D: the session ends, the card stays due."""


@dataclass(frozen=True, slots=True)
class LabFailed:
    """Docker or the private lab failed for a practical card (a note said so): the practical cards wait."""


Response = Outcome | PutAside | Undo | Quit | LabFailed
"""What became of one card shown: :meth:`ReviewSession.ask`'s result."""


def _keyed(action: Action) -> PutAside | Undo:
    """The response of an action key (s, b, u) pressed instead of an answer."""
    return Undo() if action == "undo" else PutAside(action)


@dataclass(frozen=True, slots=True)
class SetAside:
    """A card suspended or buried in this session, kept so that it can be undone."""

    card_id: str
    action: AsideAction


class ReviewStore(Protocol):
    """What a review reads and writes: the :class:`~quizdock.storage.store.Store`, or the fast
    start's store whose first reads are sqlite3's (:class:`quizdock.cli.fast_review.QuickStore`)."""

    fsrs: Fsrs | None  # FSRS's parameters when it schedules; None under SM-2

    def due_card_ids(self, today: date, deck: str | None = None, limit: int | None = None) -> list[str]: ...
    def introduced_on(self, today: date) -> int: ...
    def new_card_ids(self, limit: int, deck: str | None = None, today: date | None = None) -> list[str]: ...
    def repeat_card_ids(self, today: date, deck: str | None = None) -> list[str]: ...
    def practical_card_ids(self) -> set[str]: ...
    def scheduled_cards(self, card_ids: Sequence[str]) -> list[ScheduledCard]: ...
    def next_due(self, deck: str | None = None) -> date | None: ...
    def record_answer(
        self,
        card_id: str,
        *,
        quality: int,
        answer: str,
        duration_ms: int,
        now: datetime,
        today: date,
        repeat: bool = False,
    ) -> RecordedAnswer: ...
    def undo_last_answer(self, recorded: RecordedAnswer) -> None: ...
    def suspend(self, card_id: str, now: datetime) -> object: ...
    def unsuspend(self, card_id: str) -> object: ...
    def bury(self, card_id: str, until: date) -> None: ...
    def unbury(self, card_id: str | None, today: date) -> object: ...
    def card_progress(self, card_id: str) -> CardProgress: ...


def interval_text(days: int, lang: Lang) -> str:
    """An interval as the grade keys show it: ``6 d`` (French ``6 j``)."""
    return gettext_in(lang, N_("{n} d")).format(n=days)


@dataclass(frozen=True, slots=True)
class Summary:
    cards: int
    correct: int
    repeats: int
    next_due: date | None


def plan(store: ReviewStore, today: date, *, deck: str | None, limit: int | None, new_per_day: int) -> list[str]:
    """The card ids of a session: due cards first, then new cards within the daily limit."""
    due = store.due_card_ids(today, deck=deck, limit=limit)
    room = new_allowance(new_per_day, store.introduced_on(today), limit=limit, due=len(due))
    return due + store.new_card_ids(room, deck=deck, today=today)


class LazyIntervals(Sequence[int]):
    """Intervals worked out the first time they are read."""

    def __init__(self, compute: Callable[[], tuple[int, ...]]) -> None:
        self._compute = compute
        self._days: tuple[int, ...] | None = None

    def _worked_out(self) -> tuple[int, ...]:
        if self._days is None:
            self._days = self._compute()
        return self._days

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[int]: ...
    def __getitem__(self, index: int | slice) -> int | Sequence[int]:
        return self._worked_out()[index]

    def __len__(self) -> int:
        return len(self._worked_out())


def review_console(config: Config, lang: str | None) -> tuple[Lang, Console]:
    """The language and console of `quizdock review`, on either path: ``lang`` (the option), else
    the config, else the locale, spoken from now on (every message, quizdock's errors included)."""
    chosen = config.use_language(lang)
    return chosen, learner_console()


def run_review(
    store: ReviewStore,
    options: ReviewOptions,
    config: Config,
    lang: Lang,
    console: Console,
    today: date,
    *,
    on_start: Callable[[], None] | None = None,
) -> Summary:
    """What `quizdock review` does once its store is open, on either path (the Typer command, or
    the fast start of quizdock.cli.fast_review): plan the session and run it.

    Args:
        on_start: called just before the first card is drawn.
    """
    new_per_day = options.new if options.new is not None else config.new_per_day
    card_ids = plan(store, today, deck=options.deck, limit=options.limit, new_per_day=new_per_day)
    session = ReviewSession(
        store, Prompter(lang), console, lang, deck=options.deck, new_per_day=new_per_day, scheduler=config.scheduler
    )
    if on_start is not None:
        on_start()
    return session.run(card_ids, store.repeat_card_ids(today, deck=options.deck))


class ReviewSession:
    """One sitting of ``quizdock review``."""

    def __init__(
        self,
        store: ReviewStore,
        prompter: Prompter,
        console: Console,
        lang: Lang,
        now: Callable[[], datetime] = clock.now,
        *,
        deck: str | None = None,
        new_per_day: int = DEFAULT_NEW_PER_DAY,
        rng: random.Random | None = None,
        scheduler: str = "sm2",
    ) -> None:
        """Args:
        deck: the deck the session is limited to, for the "next due" it reports.
        new_per_day: the day's allowance of new cards, for the hint on allowing more.
        rng: orders the multiple-choice options (a new order at every showing).
        scheduler: "fsrs" shows how the grade keys map to FSRS's buttons.
        """
        self.store, self.prompter, self.console, self.lang, self.now = store, prompter, console, lang, now
        self.deck = deck
        self.new_per_day = new_per_day
        self.rng = rng or random.Random()
        self.scheduler = scheduler

    def _say(self, key: str, **values: object) -> str:
        return gettext_in(self.lang, MESSAGES[key]).format(**values)

    def run(self, card_ids: list[str], repeats_owed: Iterable[str] = ()) -> Summary:
        """Ask every card in ``card_ids``, then the same-day repeats; save each answer.

        Args:
            card_ids: the cards to answer (see :func:`plan`).
            repeats_owed: cards answered below 4 earlier today (:meth:`Store.repeat_card_ids`),
                asked last as same-day repeats.
        """
        today = clock.today(self.now())
        queue: SessionQueue[RecordedAnswer | SetAside] = SessionQueue(card_ids, repeats_owed)
        try:
            practical = self.store.practical_card_ids() & queue.card_ids()
            left_for_docker = bool(practical) and not self._docker_reachable(n=len(practical))
            if left_for_docker:
                queue.leave_out(practical)
            self._ask_all(queue, today)
        except (KeyboardInterrupt, EOFError):  # Ctrl-C, or Ctrl-D at a prompt
            self.console.print()
            self.console.print(self._say("interrupted"))
            raise Interrupted from None
        summary = Summary(queue.answered_count, queue.correct, queue.repeats, self.store.next_due(self.deck))
        if queue.asked:
            self._say_session_over(summary)
        elif not left_for_docker:  # else the note on Docker said it all: none was asked for nothing
            self._say_nothing_to_review(summary, today)
        return summary

    def _ask_all(self, queue: SessionQueue[RecordedAnswer | SetAside], today: date) -> None:
        """Ask the queue's cards in turn until it is empty or the learner quits; save each answer."""
        # Cards are read a page at a time: a large backlog costs no time before the first card.
        loaded: dict[str, ScheduledCard] = {}
        while (entry := queue.next()) is not None:
            card_id = entry.card_id
            if card_id not in loaded:
                page = [card_id, *queue.upcoming(PAGE_SIZE - 1)]
                loaded.update((c.card.id, c) for c in self.store.scheduled_cards(page))
            scheduled = loaded.get(card_id)
            if scheduled is None:
                continue
            intervals = self._intervals(scheduled, today, entry.is_repeat)
            match self.ask(scheduled.card, *queue.numbering(), entry.is_repeat, intervals=intervals):
                case Outcome() as outcome:
                    if not self._record(queue, entry, outcome, today):
                        loaded.pop(card_id)
                case PutAside(action):
                    queue.set_aside(entry, SetAside(card_id, action))
                    self._set_aside(card_id, action, today)
                    loaded.pop(card_id, None)
                case Undo():
                    undone = queue.undo(entry)
                    if undone is None:
                        self.console.print(self._say("nothing_to_undo"))
                        continue
                    self._undo(undone.receipt, undone.entry.card_id)
                    loaded.pop(undone.entry.card_id, None)  # read it again, as it was before
                case LabFailed():  # this card and the other practical ones wait
                    queue.skipped(entry)
                    queue.leave_out(self.store.practical_card_ids())
                case Quit():  # the session ends here
                    return
                case unknown:
                    assert_never(unknown)

    def _record(
        self, queue: SessionQueue[RecordedAnswer | SetAside], entry: Entry, outcome: Outcome, today: date
    ) -> bool:
        """Save a graded answer; whether the card comes back in this session (a repeat)."""
        try:
            recorded = self.store.record_answer(
                entry.card_id,
                quality=outcome.quality,
                answer=outcome.answer,
                duration_ms=outcome.duration_ms,
                now=self.now(),
                today=today,
                repeat=entry.is_repeat,
            )
        except QuizdockError:  # the database refused it (locked too long, damaged): say so
            self.console.print(f"[bold red]{escape(self._say('not_saved', id=entry.card_id))}[/bold red]")
            raise
        if recorded.leech:
            leech = self._say("leech", id=entry.card_id, n=recorded.lapses)
            self.console.print(f"[bold yellow]{escape(leech)}[/bold yellow]")
        return queue.answered(entry, outcome.quality, recorded, leech=recorded.leech)

    def _say_nothing_to_review(self, summary: Summary, today: date) -> None:
        """No card was asked: when the next one is due, and how to have new cards now."""
        waiting = bool(self.store.new_card_ids(1, deck=self.deck, today=today))
        if summary.next_due is not None:
            self.console.print(self._say("nothing", next=calendar_day(summary.next_due, self.lang)))
        elif waiting:
            self.console.print(self._say("nothing_now"))
        else:
            self.console.print(self._say("nothing_never"))
        if waiting:
            introduced = self.store.introduced_on(today)
            more = self.new_per_day or DEFAULT_NEW_PER_DAY
            self.console.print(self._say("more_new", introduced=introduced, more=more, total=introduced + more))

    def _say_session_over(self, summary: Summary) -> None:
        lang = self.lang
        shown_cards = ngettext_in(lang, "{n} card", "{n} cards", summary.cards).format(n=summary.cards)
        shown_right = ngettext_in(lang, "{n} right on first answer", "{n} right on first answer", summary.correct)
        shown_repeats = ngettext_in(lang, "{n} repeat", "{n} repeats", summary.repeats).format(n=summary.repeats)
        self.console.print(
            gettext_in(lang, "Session over: {cards}, {correct}, {repeats}. Next due: {next}.").format(
                cards=shown_cards,
                correct=shown_right.format(n=summary.correct),
                repeats=shown_repeats,
                next=calendar_day(summary.next_due, lang) if summary.next_due else "-",
            )
        )

    def _docker_reachable(self, n: int) -> bool:
        """Whether the learner's Docker answers, checked once before the session's ``n`` practical
        cards; when it does not, one note says so (with the cause and the fix)."""
        from quizdock.lab.docker_client import connect

        try:
            connect().close()
        except DockerUnavailable as error:
            away = ngettext_in(
                self.lang,
                "Docker cannot be reached, so the {n} practical card of this session waits for another day; "
                "the other cards follow. {error}",
                "Docker cannot be reached, so the {n} practical cards of this session wait for another day; "
                "the other cards follow. {error}",
                n,
            ).format(n=n, error=error)
            self.console.print(f"[yellow]{escape(away)}[/yellow]")
            return False
        return True

    def _undo(self, receipt: RecordedAnswer | SetAside, card_id: str) -> None:
        """Put back in the store what the answer, or the suspending or burying, changed."""
        if not isinstance(receipt, SetAside):
            self.store.undo_last_answer(receipt)
            self.console.print(self._say("undone", id=card_id))
            return
        if receipt.action == "suspend":
            self.store.unsuspend(receipt.card_id)
            self.console.print(self._say("unsuspended", id=receipt.card_id))
        else:
            self.store.unbury(receipt.card_id, clock.today(self.now()))
            self.console.print(self._say("unburied", id=receipt.card_id))

    def _set_aside(self, card_id: str, action: AsideAction, today: date) -> None:
        """Suspend the card, or bury it until tomorrow."""
        if action == "suspend":
            self.store.suspend(card_id, self.now())
            self.console.print(self._say("suspended", id=card_id))
        else:
            self.store.bury(card_id, today + timedelta(days=1))
            self.console.print(self._say("buried", id=card_id))

    def _intervals(self, scheduled: ScheduledCard, today: date, is_repeat: bool) -> Sequence[int]:
        """The days to the card's next review after each grade 0-5, for a card the learner grades
        (the scheduler's own numbers: core.preview)."""
        if scheduled.card.kind != "concept":
            return ()  # graded by quizdock: no grade keys
        repeat = is_repeat and scheduled.due_on is not None
        if self.scheduler != "fsrs":
            progress = CardProgress(state=scheduled.state or CardState(), due_on=scheduled.due_on)
            return next_intervals(progress, today, repeat=repeat)
        # FSRS needs the card's memory state and the learner's parameters, which only the full
        # store reads: asked for when the keys are drawn, so a review's first card is not held
        # back while the fast path opens the store.
        store, card_id = self.store, scheduled.card.id
        return LazyIntervals(
            lambda: next_intervals(store.card_progress(card_id), today, repeat=repeat, fsrs=store.fsrs)
        )

    def ask(self, card: Card, n: int, m: int, is_repeat: bool, *, intervals: Sequence[int] = ()) -> Response:
        """Show one card, take the answer, show the correction.

        Args:
            intervals: the days to the next review after each grade 0-5, shown on the grade keys.

        Returns:
            The graded answer (:class:`Outcome`), or what the learner did instead: an action key
            (:class:`PutAside`, :class:`Undo`), left a practical card (:class:`Quit`); or
            :class:`LabFailed` when Docker or the private lab failed for a practical card.
        """
        lang = self.lang
        kind = gettext_in(lang, KIND_LABELS[card.kind])
        header = f"{self._say('progress', n=n, m=m)} · {card.id} · {kind}"
        if is_repeat:
            header += f" · {self._say('repeat')}"
        self.console.rule(header, style="dim")
        if card.kind != "practical":  # a challenge shows its task once set up, with its names and ports
            self.console.print(Panel(deck_text(card.question.get(lang)), expand=False))
        started = time.monotonic()
        response = self._answer(card, intervals)
        if not isinstance(response, Outcome):
            return response
        return replace(response, duration_ms=int((time.monotonic() - started) * 1000))

    def _answer(self, card: Card, intervals: Sequence[int] = ()) -> Response:
        lang = self.lang
        if card.kind == "concept":
            self.prompter.wait("reveal")
            self._show_correction(card, verdict=None, expected=card.answer.get(lang))
            shown = [interval_text(days, lang) for days in intervals]
            self.console.print(f"[dim]{self._say('legend')}[/dim]")
            if self.scheduler == "fsrs":
                self.console.print(f"[dim]{self._say('legend_fsrs')}[/dim]")
            if shown:
                # 0, 1 and 2 restart the card alike: one interval for the three.
                keys = [f"0-2 · {shown[0]}", *(f"{grade} · {text}" for grade, text in enumerate(shown) if grade > 2)]
                self.console.print(f"[dim]{escape(self._say('next_review', intervals=', '.join(keys)))}[/dim]")
            quality = self.prompter.self_grade(shown)
            return _keyed(quality) if isinstance(quality, str) else Outcome(quality, "")
        if card.kind == "choice":
            order = list(range(len(card.choices)))
            self.rng.shuffle(order)  # the right option's place teaches nothing
            options = [printable(card.choices[i].get(lang)) for i in order]
            picked = self.prompter.choose(options)
            if isinstance(picked, str):
                return _keyed(picked)
            right = order[picked] == card.correct
            self._show_correction(card, verdict=right, expected=card.choices[card.correct].get(lang))
            return Outcome(Grade.PERFECT if right else Grade.WRONG, options[picked])
        if card.kind == "command":
            from quizdock.grading.commands import grade_command

            self.console.print(f"[dim]{self._say('command_keys')}[/dim]")
            typed = self.prompter.command()
            action = typed_action(typed)
            if action is not None:
                return _keyed(action)
            verdict = grade_command([card.answer, *card.alternatives], typed, same_form=card.same_form)
            # An equivalent answer's message already names the canonical form.
            expected = None if verdict.verdict == "equivalent" and verdict.message.en else verdict.canonical
            self._show_correction(
                card, verdict=verdict.quality >= SAME_DAY_TARGET, expected=expected, comment=verdict.message.get(lang)
            )
            return Outcome(verdict.quality, typed)
        from quizdock.challenges import flow
        from quizdock.cli import challenge_terminal

        try:  # where the challenge runs (the private lab, else the learner's Docker) is the lab's choice
            result = challenge_terminal.run_session(
                card, lang, ask=self.prompter.command, console=self.console, explain=False
            )
        except QuizdockError as error:  # Docker, the lab, or the lab's folder failed: cleanup ran
            self.console.print(f"[yellow]{escape(self._say('practical_lost', error=error))}[/yellow]")
            return LabFailed()
        if result.ending == "quit":
            return Quit()
        graded = flow.quality(result)
        self._show_correction(card, verdict=graded >= PASSING, expected=None)
        return Outcome(graded, flow.summary(result))

    def _show_correction(self, card: Card, *, verdict: bool | None, expected: str | None, comment: str = "") -> None:
        lang = self.lang
        parts: list[RichText] = []
        if verdict is not None:
            parts.append(
                RichText(
                    self._say("right") if verdict else self._say("wrong"), style="bold green" if verdict else "bold red"
                )
            )
        if comment:
            parts.append(RichText(comment))
        if expected:
            label = self._say("answer") if card.kind == "concept" else self._say("expected")
            parts.append(RichText.assemble((label + " ", "bold"), deck_text(expected)))
        parts.append(deck_text(card.explanation.get(lang), style="italic"))
        if card.note_differs is not None:
            note = self._say("note") + " "
            parts.append(RichText.assemble((note, "bold yellow"), deck_text(card.note_differs.get(lang))))
        self.console.print(Panel(Group(*parts), expand=False))
