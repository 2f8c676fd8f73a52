"""Loading the deck files into the database: the store's part that keeps cards in step with their files."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from quizdock.decks.loading import MAX_DECK_BYTES, Deck, check_unique_ids, deck_files, file_hash, parse_deck_file
from quizdock.errors import DeckError
from quizdock.i18n import _, os_reason
from quizdock.storage.models import CardRow, DeckRow
from quizdock.storage.quick import unchanged_since_loaded
from quizdock.storage.store_base import Database, utc_naive
from quizdock.support.text import read_bounded


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What loading the deck files changed."""

    files_parsed: int
    files_skipped: int
    cards_added: int
    cards_changed: int
    cards_retired: int


class DeckSync(Database):
    """Cards in step with their deck files; the history of a card that went away is kept."""

    def sync_decks(self, directories: Iterable[Path], now: datetime) -> SyncReport:
        """Load the deck files into the database, skipping files whose hash has not changed.

        New cards are added, edited cards keep their id and progress (their content and
        ``content_changed_at`` change), cards gone from their file are retired with their
        history kept, and a card that comes back is un-retired.
        """
        stamp = utc_naive(now)
        files = deck_files(directories)
        with self.session() as session:  # the daily case: nothing changed, a read is enough
            loaded = {row.id: (row.path, row.file_size, row.file_mtime_ns) for row in session.scalars(select(DeckRow))}
        if unchanged_since_loaded(files, loaded):
            return SyncReport(0, len(files), 0, 0, 0)
        with self.session(writing=True) as session:
            known = {row.id: row for row in session.scalars(select(DeckRow))}
            changed: list[Deck] = []
            skipped = 0
            for path in files:
                row = known.get(path.stem)
                try:
                    stat = path.stat()
                    if row is not None and row.path == str(path):
                        if (row.file_size, row.file_mtime_ns) == (stat.st_size, stat.st_mtime_ns):
                            skipped += 1  # untouched since loaded: not even read
                            continue
                        data = read_bounded(path, MAX_DECK_BYTES)
                        if row.file_hash == file_hash(data):
                            row.file_size, row.file_mtime_ns = stat.st_size, stat.st_mtime_ns
                            skipped += 1  # touched, same content: not parsed
                            continue
                    else:
                        data = read_bounded(path, MAX_DECK_BYTES)
                except OSError as exc:
                    raise DeckError(str(path), _("cannot be read ({reason})").format(reason=os_reason(exc))) from None
                except ValueError as exc:
                    raise DeckError(str(path), str(exc)) from None
                changed.append(parse_deck_file(path, data, stat))
            present = {path.stem for path in files}
            # Decks whose file went away since the last load (a forgotten file has no size).
            gone = [row for deck_id, row in known.items() if deck_id not in present and row.file_size is not None]
            if not changed and not gone:
                return SyncReport(0, skipped, 0, 0, 0)
            check_unique_ids(changed)
            self._check_ids_free(session, changed)
            added = edited = retired = 0
            for deck in changed:
                a, e, r = self._store_deck(session, deck, stamp)
                added, edited, retired = added + a, edited + e, retired + r
            # A deck whose file is gone: its cards are retired, their history stays, and the file
            # is forgotten, so that if it comes back it is read again and its cards return.
            for row in gone:
                row.file_hash, row.file_size, row.file_mtime_ns = "", None, None
            vanished = session.execute(
                update(CardRow)
                .where(CardRow.deck_id.not_in(present), CardRow.retired_at.is_(None))
                .values(retired_at=stamp)
            )
            retired += cast(CursorResult[Any], vanished).rowcount
            return SyncReport(len(changed), skipped, added, edited, retired)

    @staticmethod
    def _check_ids_free(session: Session, decks: list[Deck]) -> None:
        """A card id may live in one deck only: refuse one that another stored deck holds."""
        owner = {card.id: deck for deck in decks for card in deck.cards}
        if not owner:
            return
        clashes = session.execute(
            select(CardRow.id, CardRow.deck_id, DeckRow.path)
            .join(DeckRow, DeckRow.id == CardRow.deck_id)
            .where(CardRow.id.in_(owner), CardRow.retired_at.is_(None))
        ).all()
        for card_id, deck_id, other_path in clashes:
            deck = owner[card_id]
            if deck_id != deck.id:
                also = _("this id is also used in {path}").format(path=other_path)
                raise DeckError(str(deck.path), also, card_id=card_id, field="id")

    def _store_deck(self, session: Session, deck: Deck, stamp: datetime) -> tuple[int, int, int]:
        session.merge(
            DeckRow(
                id=deck.id,
                path=str(deck.path),
                file_hash=deck.file_hash,
                file_size=deck.file_size,
                file_mtime_ns=deck.file_mtime_ns,
                title={"fr": deck.title.fr, "en": deck.title.en},
                loaded_at=stamp,
            )
        )
        existing = {row.id: row for row in session.scalars(select(CardRow).where(CardRow.deck_id == deck.id))}
        added = edited = 0
        for position, card in enumerate(deck.cards):
            row = existing.pop(card.id, None)
            content = dict(card.raw or {})
            if row is None:
                session.add(
                    CardRow(
                        id=card.id,
                        deck_id=deck.id,
                        kind=card.kind,
                        content=content,
                        content_hash=card.content_hash,
                        position=position,
                        created_at=stamp,
                        content_changed_at=stamp,
                        retired_at=None,
                    )
                )
                added += 1
                continue
            if row.content_hash != card.content_hash:
                row.content, row.content_hash, row.kind = content, card.content_hash, card.kind
                row.content_changed_at = stamp
                edited += 1
            row.position = position
            row.retired_at = None
        retired = 0
        for row in existing.values():
            if row.retired_at is None:
                row.retired_at = stamp
                retired += 1
        return added, edited, retired
