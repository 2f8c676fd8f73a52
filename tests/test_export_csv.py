"""`quizdock export csv`: Anki's text import format, imported with the official Anki library."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from quizdock.decks.loading import load_decks
from quizdock.export import html_text, note_guid
from tests.conftest import card_toml, deck_toml, write_protected
from tests.test_export_anki import DECKS, EDITED_AT, collection, deck_dir, deck_names, deck_size, run

__all__ = ["collection"]  # the fixture, shared with the .apkg tests

PARAMETER = re.compile(r"\{[a-z][a-z0-9_]*\}")  # a challenge parameter left unfilled

HEADERS = [
    "#separator:tab",
    "#html:true",
    "#notetype:Basic",
    "#deck column:1",
    "#guid column:2",
    "#tags column:5",
]

# Text a tab-separated file must quote: a tab, double quotes, a line starting with '#'.
AWKWARD_DECK = deck_toml(
    "awkward",
    card_toml(
        "awkward/tab",
        "concept",
        ["basics"],
        question=('#1 : que fait\tune "tabulation" ?', '#1: what does a\ttab "do"?'),
        explanation=("Voir `docker --help`.", "See `docker --help`."),
        fields="""answer.fr = "Elle sépare\\nles colonnes & <rien> d'autre."
answer.en = "It separates\\ncolumns & <nothing> else."
""",
    ),
    title=("Awkward", "Awkward"),
)


def import_csv(col: Any, path: Path) -> Any:
    from anki.collection import ImportCsvRequest

    metadata = col.get_csv_metadata(str(path), None)
    return col.import_csv(ImportCsvRequest(path=str(path), metadata=metadata)).log


def by_guid(col: Any) -> dict[str, Any]:
    notes = [col.get_note(nid) for nid in col.find_notes("")]
    return {note.guid: note for note in notes}


def test_all_decks_import_as_basic_notes_in_their_decks_with_tags(tmp_path: Path, collection: Any) -> None:
    out = tmp_path / "all.txt"
    result = run("csv", "-o", str(out), "--lang", "en")
    decks = load_decks([DECKS])
    cards = [card for deck in decks for card in deck.cards]
    assert f"Wrote {len(cards)} notes from {len(decks)} decks" in result.output
    lines = out.read_text(encoding="utf-8").split("\n")
    assert lines[: len(HEADERS)] == HEADERS
    data = [line for line in lines[len(HEADERS) :] if line]
    assert all(line.startswith("Docker::") for line in data)  # Anki skips lines starting with '#'

    log = import_csv(collection, out)

    assert len(log.new) == len(cards)
    assert collection.note_count() == collection.card_count() == len(cards)
    assert deck_names(collection) == {"Docker"} | {f"Docker::{deck.id}" for deck in decks}
    for deck in decks:
        assert len(collection.find_cards(f'"deck:Docker::{deck.id}"')) == len(deck.cards)
    notes = by_guid(collection)
    assert set(notes) == {note_guid(card.id) for card in cards}
    assert {note.note_type()["name"] for note in notes.values()} == {"Basic"}
    assert set(collection.tags.all()) == {topic for card in cards for topic in card.topics}
    for card in cards:
        note = notes[note_guid(card.id)]
        assert sorted(note.tags) == sorted(card.topics)
        if card.kind == "practical":  # parameters read as reserved names or <placeholders>
            assert not PARAMETER.search(note["Front"]) and not PARAMETER.search(note["Back"])
        else:
            assert note["Front"].startswith(html_text(card.question.en))
            assert f"<div><i>{html_text(card.explanation.en)}</i></div>" in note["Back"]

    command = next(card for card in cards if card.kind == "command")
    assert f"<code>{command.answer}</code>" in notes[note_guid(command.id)]["Back"]
    choice = next(card for card in cards if card.kind == "choice")
    assert choice.correct is not None
    front, back = notes[note_guid(choice.id)]["Front"], notes[note_guid(choice.id)]["Back"]
    assert front.count("<li>") == len(choice.choices)
    assert back.startswith(f"<div>{'ABCDEF'[choice.correct]}. {html_text(choice.choices[choice.correct].en)}</div>")
    practical = next(card for card in cards if card.kind == "practical")
    back = notes[note_guid(practical.id)]["Back"]
    assert "<code>docker " in back and f"(card {practical.id})" in back


def test_awkward_text_survives_the_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collection: Any) -> None:
    decks = deck_dir(tmp_path, monkeypatch)
    (decks / "awkward.toml").write_text(AWKWARD_DECK, encoding="utf-8")
    out = tmp_path / "awkward.txt"
    run("csv", "-o", str(out), "--lang", "fr")
    assert "\t" in out.read_text(encoding="utf-8").split("\n")[len(HEADERS)].split('"')[1]  # quoted, not a column

    log = import_csv(collection, out)

    assert len(log.new) == 1
    note = by_guid(collection)[note_guid("awkward/tab")]
    assert note["Front"] == '#1 : que fait\tune "tabulation" ?'
    assert note["Back"] == (
        "<div>Elle sépare<br>les colonnes &amp; &lt;rien&gt; d'autre.</div>"
        "<div><i>Voir <code>docker --help</code>.</i></div>"
    )


def test_reimporting_an_edited_file_updates_by_guid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collection: Any
) -> None:
    decks = deck_dir(tmp_path, monkeypatch, "basics")
    first, again, second = tmp_path / "first.txt", tmp_path / "again.txt", tmp_path / "second.txt"
    run("csv", "-o", str(first))
    run("csv", "-o", str(again), now=EDITED_AT)
    assert first.read_bytes() == again.read_bytes()
    import_csv(collection, first)
    count = collection.note_count()
    assert count == deck_size("basics")

    original = "What is the difference between an image and a container?"
    edited = "How does an image differ from a container?"
    text = (decks / "basics.toml").read_text(encoding="utf-8")
    (decks / "basics.toml").write_text(text.replace(original, edited), encoding="utf-8")
    run("csv", "-o", str(second), now=EDITED_AT)
    log = import_csv(collection, second)

    assert not log.new
    assert collection.note_count() == count
    assert by_guid(collection)[note_guid("basics/image-vs-container")]["Front"] == edited


def test_default_file_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    run("csv", "--deck", "ports")
    assert (tmp_path / "quizdock-ports.txt").read_text(encoding="utf-8").startswith("#separator:tab\n")
    run("csv")
    lines = (tmp_path / "quizdock.txt").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(HEADERS) + sum(len(deck.cards) for deck in load_decks([DECKS]))


@pytest.mark.parametrize("kind", ["csv", "anki"])
def test_an_unwritable_output_folder_gets_a_message_not_a_traceback(tmp_path: Path, kind: str) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    with write_protected(folder):
        result = run(kind, "-o", str(folder / "cards.out"), expect=2)
    assert f"Cannot write {folder / 'cards.out'}" in result.output and "-o" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert list(folder.iterdir()) == []
