"""The review session: scheduling + storage + prompts.

Order: due cards (most overdue first), then new cards up to the daily limit, then the
same-day repeats of cards graded below 4 until they score 4 or more (repeats are logged but do
not change the schedule). Every answer is saved the moment it is given.

Instead of answering, the learner may suspend the card, bury it until tomorrow, or undo the
last answer of the session (keys s, b, u in the lists; ``:s``, ``:b``, ``:u`` typed as a
command): undo puts the card's state and log back as they were and asks that card again. A
card whose 8th lapse this is becomes a leech: it is suspended and the learner told why.
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text as RichText

from quizdock import clock
from quizdock.decks import Card
from quizdock.errors import DockerUnavailable, Interrupted
from quizdock.i18n import Lang, Text
from quizdock.prompts import Action, Prompter, typed_action
from quizdock.scheduling import needs_repeat

if TYPE_CHECKING:  # the first card of a review is drawn before SQLAlchemy is loaded (quizdock.quickreview)
    from quizdock.storage.store import RecordedAnswer, ScheduledCard, Store

KIND_LABELS: dict[Lang, dict[str, str]] = {
    "en": {"concept": "concept", "command": "command", "choice": "multiple choice", "practical": "practical"},
    "fr": {"concept": "concept", "command": "commande", "choice": "QCM", "practical": "pratique"},
}
MESSAGES: dict[Lang, dict[str, str]] = {
    "en": {
        "progress": "Card {n} of {m}",
        "repeat": "again today",
        "answer": "Answer",
        "expected": "Expected",
        "right": "Right",
        "wrong": "Not quite",
        "note": "Your note says otherwise",
        "nothing": "Nothing to review now. Next card due: {next}.",
        "nothing_new_later": (
            "Nothing to review now: no card is due and today's new cards are done. More tomorrow, "
            "or allow more today with `quizdock review --new N`."
        ),
        "nothing_never": "Nothing to review: no card to show in the selected decks (see `quizdock decks`).",
        "summary": "Session over: {cards} cards, {correct} right on first answer, {repeats} repeats. Next due: {next}.",
        "docker_skip": "Skipped this practical card: {error}",
        "legend": "0-2 wrong · 3 hard · 4 hesitant · 5 perfect · s suspend · b bury · u undo",
        "interrupted": "Stopped. Every answer given so far is saved.",
        "command_keys": "Or type :s to suspend this card, :b to bury it until tomorrow, :u to undo the last answer.",
        "leech": "{id} has lapsed {n} times: it is a leech, now suspended. Rework it, then `quizdock unsuspend {id}`.",
        "suspended": "Suspended {id}: it stays out of reviews until `quizdock unsuspend {id}`.",
        "buried": "Buried {id} until tomorrow.",
        "undone": "Undone: your answer to {id}. Here it is again.",
        "nothing_to_undo": "Nothing to undo in this session.",
    },
    "fr": {
        "progress": "Carte {n} sur {m}",
        "repeat": "à revoir aujourd'hui",
        "answer": "Réponse",
        "expected": "Attendu",
        "right": "Juste",
        "wrong": "Pas tout à fait",
        "note": "Votre note dit autre chose",
        "nothing": "Rien à réviser pour l'instant. Prochaine carte : {next}.",
        "nothing_new_later": (
            "Rien à réviser pour l'instant : aucune carte due, et les nouvelles du jour sont faites. "
            "D'autres demain, ou davantage aujourd'hui avec `quizdock review --new N`."
        ),
        "nothing_never": "Rien à réviser : aucune carte à montrer dans les paquets choisis (voir `quizdock decks`).",
        "summary": (
            "Séance finie : {cards} cartes, {correct} justes du premier coup, {repeats} répétitions. "
            "Prochaine : {next}."
        ),
        "docker_skip": "Carte pratique passée : {error}",
        "legend": "0-2 faux · 3 difficile · 4 hésitant · 5 parfait · s suspendre · b enterrer · u annuler",
        "interrupted": "Arrêt. Toutes les réponses données sont enregistrées.",
        "command_keys": "Ou tapez :s pour suspendre la carte, :b pour l'enterrer jusqu'à demain, :u pour annuler.",
        "leech": (
            "{id} oubliée {n} fois : c'est une sangsue, désormais suspendue. "
            "Retravaillez-la, puis `quizdock unsuspend {id}`."
        ),
        "suspended": "Carte {id} suspendue : elle ne revient pas avant `quizdock unsuspend {id}`.",
        "buried": "Carte {id} enterrée jusqu'à demain.",
        "undone": "Annulé : votre réponse à {id}. La revoici.",
        "nothing_to_undo": "Rien à annuler dans cette séance.",
    },
}

PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class Outcome:
    """A graded answer: the SM-2 quality and the answer as the learner gave it."""

    quality: int
    answer: str
    duration_ms: int = 0


@dataclass(frozen=True, slots=True)
class Given:
    """An answer of this session, kept so the undo key can take it back."""

    recorded: RecordedAnswer
    card_id: str
    is_repeat: bool
    correct: bool
    queued_repeat: bool  # it put a same-day repeat at the end of the queue


@dataclass(frozen=True, slots=True)
class Summary:
    cards: int
    correct: int
    repeats: int
    next_due: date | None


def plan(store: Store, today: date, *, deck: str | None, limit: int | None, new_per_day: int) -> list[str]:
    """The card ids of a session: due cards first, then new cards within the daily limit."""
    due = store.due_card_ids(today, deck=deck, limit=limit)
    room = max(0, new_per_day - store.introduced_on(today))
    if limit is not None:
        room = min(room, limit - len(due))
    return due + store.new_card_ids(room, deck=deck, today=today)


class ReviewSession:
    """One sitting of ``quizdock review``."""

    def __init__(
        self,
        store: Store,
        prompter: Prompter,
        console: Console,
        lang: Lang,
        now: Callable[[], datetime] = clock.now,
        *,
        deck: str | None = None,
    ) -> None:
        """``deck``: the deck the session is limited to, for the "next due" it reports."""
        self.store, self.prompter, self.console, self.lang, self.now = store, prompter, console, lang, now
        self.deck = deck

    def _(self, key: str, **values: object) -> str:
        return MESSAGES[self.lang][key].format(**values)

    def run(self, card_ids: list[str]) -> Summary:
        """Ask every card in ``card_ids``, then the same-day repeats; save each answer."""
        today = clock.today(self.now())
        # Cards are read a page at a time: a large backlog costs no time before the first card.
        queue: deque[tuple[str, bool]] = deque((card_id, False) for card_id in card_ids)
        loaded: dict[str, ScheduledCard] = {}
        answered = correct = repeats = 0
        shown = 0
        asked = False  # shown counts down again when a card is set aside or an answer undone
        given: list[Given] = []  # the undo key takes back the last one
        try:
            while queue:
                card_id, is_repeat = queue.popleft()
                if card_id not in loaded:
                    page = [i for i, _ in itertools.islice(queue, PAGE_SIZE - 1)]
                    loaded.update((c.card.id, c) for c in self.store.scheduled_cards([card_id, *page]))
                scheduled = loaded.get(card_id)
                if scheduled is None:
                    continue
                shown += 1
                asked = True
                outcome = self.ask(scheduled.card, shown, shown + len(queue), is_repeat)
                if outcome is None:
                    continue
                if isinstance(outcome, str):
                    shown -= 1  # not answered: its number is given again to the next card shown
                    if outcome != "undo":
                        self._set_aside(card_id, outcome, today)
                        for entry in [e for e in queue if e[0] == card_id]:  # its same-day repeat, if any
                            queue.remove(entry)
                        loaded.pop(card_id, None)
                        continue
                    queue.appendleft((card_id, is_repeat))
                    if not given:
                        self.console.print(self._("nothing_to_undo"))
                        continue
                    last = given.pop()
                    self.store.undo_last_answer(last.recorded)
                    if last.queued_repeat:
                        _drop_last(queue, (last.card_id, True))
                    queue.appendleft((last.card_id, last.is_repeat))
                    loaded.pop(last.card_id, None)  # read it again, as it was before the answer
                    shown -= 1
                    if last.is_repeat:
                        repeats -= 1
                    else:
                        answered -= 1
                        correct -= last.correct
                    self.console.print(self._("undone", id=last.card_id))
                    continue
                recorded = self.store.record_answer(
                    scheduled.card.id,
                    quality=outcome.quality,
                    answer=outcome.answer,
                    duration_ms=outcome.duration_ms,
                    now=self.now(),
                    today=today,
                    repeat=is_repeat,
                )
                if is_repeat:
                    repeats += 1
                else:
                    answered += 1
                    correct += outcome.quality >= 3
                if recorded.leech:
                    self.console.print(
                        f"[bold yellow]{escape(self._('leech', id=card_id, n=recorded.lapses))}[/bold yellow]"
                    )
                repeat = needs_repeat(outcome.quality) and not recorded.leech  # a suspended leech is not asked again
                if repeat:
                    queue.append((card_id, True))
                else:
                    loaded.pop(card_id)
                given.append(Given(recorded, card_id, is_repeat, outcome.quality >= 3, repeat))
        except (KeyboardInterrupt, EOFError):  # Ctrl-C, or Ctrl-D at a prompt
            self.console.print()
            self.console.print(self._("interrupted"))
            raise Interrupted from None
        summary = Summary(answered, correct, repeats, self.store.next_due(self.deck))
        if not asked:
            if summary.next_due is not None:
                self.console.print(self._("nothing", next=summary.next_due))
            elif self.store.new_card_ids(1, deck=self.deck, today=today):
                self.console.print(self._("nothing_new_later"))
            else:
                self.console.print(self._("nothing_never"))
            return summary
        self.console.print(
            self._(
                "summary",
                cards=summary.cards,
                correct=summary.correct,
                repeats=summary.repeats,
                next=summary.next_due or "-",
            )
        )
        return summary

    def _set_aside(self, card_id: str, action: Action, today: date) -> None:
        """Suspend the card, or bury it until tomorrow."""
        if action == "suspend":
            self.store.suspend(card_id, self.now())
            self.console.print(self._("suspended", id=card_id))
        else:
            self.store.bury(card_id, today + timedelta(days=1))
            self.console.print(self._("buried", id=card_id))

    def ask(self, card: Card, n: int, m: int, is_repeat: bool) -> Outcome | Action | None:
        """Show one card, take the answer, show the correction.

        Returns:
            The graded answer; the action key pressed instead (suspend, bury, undo); or None
            when the card was skipped.
        """
        lang = self.lang
        header = f"{self._('progress', n=n, m=m)} · {card.deck_id} · {KIND_LABELS[lang][card.kind]}"
        if is_repeat:
            header += f" · {self._('repeat')}"
        self.console.rule(header, style="dim")
        if card.kind != "practical":  # a challenge shows its task once set up, with its names and ports
            self.console.print(Panel(RichText(card.question.get(lang)), expand=False))
        started = time.monotonic()
        outcome = self._answer(card)
        if outcome is None or isinstance(outcome, str):
            return outcome
        return replace(outcome, duration_ms=int((time.monotonic() - started) * 1000))

    def _answer(self, card: Card) -> Outcome | Action | None:
        lang = self.lang
        if card.kind == "concept":
            self.prompter.wait("reveal")
            assert isinstance(card.answer, Text)
            self._show_correction(card, verdict=None, expected=card.answer.get(lang))
            self.console.print(f"[dim]{self._('legend')}[/dim]")
            quality = self.prompter.self_grade()
            return quality if isinstance(quality, str) else Outcome(quality, "")
        if card.kind == "choice":
            options = [choice.get(lang) for choice in card.choices]
            picked = self.prompter.choose(options)
            if isinstance(picked, str):
                return picked
            right = picked == card.correct
            assert card.correct is not None
            self._show_correction(card, verdict=right, expected=options[card.correct])
            return Outcome(5 if right else 1, options[picked])
        if card.kind == "command":
            from quizdock.grading.commands import grade_command

            self.console.print(f"[dim]{self._('command_keys')}[/dim]")
            typed = self.prompter.command()
            action = typed_action(typed)
            if action is not None:
                return action
            assert isinstance(card.answer, str)
            verdict = grade_command([card.answer, *card.alternatives], typed, same_form=card.same_form)
            # An equivalent answer's message already names the canonical form.
            expected = None if verdict.verdict == "equivalent" and verdict.message.en else verdict.canonical
            self._show_correction(
                card, verdict=verdict.quality >= 4, expected=expected, comment=verdict.message.get(lang)
            )
            return Outcome(verdict.quality, typed)
        from quizdock.lab.session import review_practical

        try:
            quality, summary = review_practical(card, lang, ask=self.prompter.command, console=self.console)
        except DockerUnavailable as error:
            self.console.print(f"[yellow]{escape(self._('docker_skip', error=error))}[/yellow]")
            return None
        self._show_correction(card, verdict=quality >= 3, expected=None)
        return Outcome(quality, summary)

    def _show_correction(self, card: Card, *, verdict: bool | None, expected: str | None, comment: str = "") -> None:
        lang = self.lang
        parts: list[RichText] = []
        if verdict is not None:
            parts.append(
                RichText(self._("right") if verdict else self._("wrong"), style="bold green" if verdict else "bold red")
            )
        if comment:
            parts.append(RichText(comment))
        if expected:
            label = self._("answer") if card.kind == "concept" else self._("expected")
            parts.append(RichText.assemble((f"{label}: ", "bold"), expected))
        parts.append(RichText(card.explanation.get(lang), style="italic"))
        if card.note_differs is not None:
            parts.append(RichText.assemble((f"{self._('note')}: ", "bold yellow"), card.note_differs.get(lang)))
        self.console.print(Panel(Group(*parts), expand=False))


def _drop_last(queue: deque[tuple[str, bool]], entry: tuple[str, bool]) -> None:
    """Remove the last occurrence of ``entry`` (the repeat an undone answer queued), if still there."""
    for index in range(len(queue) - 1, -1, -1):
        if queue[index] == entry:
            del queue[index]
            return
