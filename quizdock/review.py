"""The review session: scheduling + storage + prompts.

Order: due cards (most overdue first), then new cards up to the daily limit, then the
same-day repeats of cards graded below 4 until they score 4 or more (repeats are logged but do
not change the schedule). Every answer is saved the moment it is given.
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text as RichText

from quizdock import clock
from quizdock.decks import Card
from quizdock.errors import DockerUnavailable
from quizdock.i18n import Lang, Text
from quizdock.prompts import Prompter
from quizdock.scheduling import CardState, needs_repeat, review
from quizdock.storage.store import ScheduledCard, Store

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
        "nothing_never": "Nothing to review: no cards in the selected decks.",
        "summary": "Session over: {cards} cards, {correct} right on first answer, {repeats} repeats. Next due: {next}.",
        "docker_skip": "Skipped this practical card: {error}",
        "legend": "0-2 wrong · 3 hard · 4 hesitant · 5 perfect",
        "interrupted": "Stopped. Every answer given so far is saved.",
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
        "nothing_never": "Rien à réviser : aucune carte dans les paquets choisis.",
        "summary": "Séance finie : {cards} cartes, {correct} justes du premier coup, {repeats} répétitions. Prochaine : {next}.",
        "docker_skip": "Carte pratique passée : {error}",
        "legend": "0-2 faux · 3 difficile · 4 hésitant · 5 parfait",
        "interrupted": "Arrêt. Toutes les réponses données sont enregistrées.",
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
class Summary:
    cards: int
    correct: int
    repeats: int
    next_due: date | None


def plan(store: Store, today: date, *, deck: str | None, limit: int | None, new_per_day: int) -> list[str]:
    """The card ids of a session: due cards first, then new cards within the daily limit."""
    due = store.due_card_ids(today, deck=deck, limit=limit)
    room = max(0, new_per_day - store.introduced_on(today, deck=deck))
    if limit is not None:
        room = min(room, limit - len(due))
    return due + store.new_card_ids(room, deck=deck)


class ReviewSession:
    """One sitting of ``quizdock review``."""

    def __init__(
        self,
        store: Store,
        prompter: Prompter,
        console: Console,
        lang: Lang,
        now: Callable[[], datetime] = clock.now,
    ) -> None:
        self.store, self.prompter, self.console, self.lang, self.now = store, prompter, console, lang, now

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
                outcome = self.ask(scheduled.card, shown, shown + len(queue), is_repeat)
                if outcome is None:
                    continue
                state = None if is_repeat else review(scheduled.state or CardState(), outcome.quality)
                self.store.record_answer(
                    scheduled.card.id,
                    quality=outcome.quality,
                    answer=outcome.answer,
                    duration_ms=outcome.duration_ms,
                    now=self.now(),
                    today=today,
                    after=state,
                )
                if is_repeat:
                    repeats += 1
                else:
                    answered += 1
                    correct += outcome.quality >= 3
                if needs_repeat(outcome.quality):
                    queue.append((card_id, True))
                else:
                    loaded.pop(card_id)
        except KeyboardInterrupt:
            self.console.print()
            self.console.print(self._("interrupted"))
            raise
        summary = Summary(answered, correct, repeats, self.store.next_due())
        if shown == 0:
            self.console.print(self._("nothing", next=summary.next_due or "-"))
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

    def ask(self, card: Card, n: int, m: int, is_repeat: bool) -> Outcome | None:
        """Show one card, take the answer, show the correction. None: the card was skipped."""
        lang = self.lang
        header = f"{self._('progress', n=n, m=m)} · {card.deck_id} · {KIND_LABELS[lang][card.kind]}"
        if is_repeat:
            header += f" · {self._('repeat')}"
        self.console.rule(header, style="dim")
        self.console.print(Panel(RichText(card.question.get(lang)), expand=False))
        started = time.monotonic()
        outcome = self._answer(card)
        if outcome is None:
            return None
        return replace(outcome, duration_ms=int((time.monotonic() - started) * 1000))

    def _answer(self, card: Card) -> Outcome | None:
        lang = self.lang
        if card.kind == "concept":
            self.prompter.wait("reveal")
            assert isinstance(card.answer, Text)
            self._show_correction(card, verdict=None, expected=card.answer.get(lang))
            self.console.print(f"[dim]{self._('legend')}[/dim]")
            quality = self.prompter.self_grade()
            return Outcome(quality, "")
        if card.kind == "choice":
            options = [choice.get(lang) for choice in card.choices]
            picked = self.prompter.choose(options)
            right = picked == card.correct
            assert card.correct is not None
            self._show_correction(card, verdict=right, expected=options[card.correct])
            return Outcome(5 if right else 1, options[picked])
        if card.kind == "command":
            from quizdock.grading.commands import grade_command

            typed = self.prompter.command()
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
            quality, summary = review_practical(card, lang)
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
