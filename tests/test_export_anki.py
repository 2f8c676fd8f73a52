"""`quizdock export anki`: packages imported with the official Anki library into fresh collections."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner, Result

from quizdock.cli.typer_app import app
from quizdock.decks.loading import load_decks
from quizdock.errors import ExitCode
from quizdock.export import html_text, note_guid, stable_id
from quizdock.storage.models import CardStateRow, ReviewRow
from quizdock.storage.store import Store
from tests.conftest import REPO, card_toml, deck_toml

DECKS = REPO / "decks"


def deck_size(deck_id: str) -> int:
    return len(next(deck for deck in load_decks([DECKS]) if deck.id == deck_id).cards)


EXPORTED_AT = "2026-03-01T20:00:00+01:00"
EDITED_AT = "2026-03-05T09:30:00+01:00"

# A deck with what the bundled decks lack: a practical card, alternatives, a note that
# differs, and text that must be escaped.
EXTRA_DECK = deck_toml(
    "extra",
    card_toml(
        "extra/escape",
        "concept",
        ["images", "images::dangling"],
        question=(
            "Que montre `docker image ls` pour une image <none> & sans tag ?",
            "What does `docker image ls` show for a <none> & untagged image?",
        ),
        explanation=('Une image "pendante".', 'A "dangling" image.'),
        fields="""answer.fr = "<none>:<none>"
answer.en = "<none>:<none>"
note_differs.fr = "La note écrit <nome>."
note_differs.en = "The note says <nome>."
""",
    ),
    card_toml(
        "extra/ls",
        "command",
        ["containers"],
        question=("Lister les conteneurs en cours d'exécution.", "List the running containers."),
        explanation=("ls et ps sont des alias.", "ls and ps are aliases."),
        fields="""answer = "docker container ls"
alternatives = ["docker ps"]
""",
    ),
    card_toml(
        "extra/run-web",
        "practical",
        ["containers", "containers::run"],
        question=(
            "Lancez en arrière-plan un conteneur nginx nommé qd-web, publié sur un port de l'hôte.",
            "Start an nginx container named qd-web in the background, published on a host port.",
        ),
        explanation=(
            "-d détache le conteneur, -p publie le port.",
            "-d detaches the container, -p publishes the port.",
        ),
        fields="""
[cards.challenge]
params = { web = "name", port = "port" }
setup = [{ action = "image", image = "nginx:alpine" }]
checks = [{ condition = "container_status", container = "{web}", status = "running" }]
hints.fr = ["Pensez à -d et -p."]
hints.en = ["Think of -d and -p."]
solution = ["docker run -d --name {web} -p {port}:80 nginx:alpine"]
""",
    ),
    title=("Extra", "Extra"),
)

NOTE_TYPES = {
    "concept": ("quizdock concept", ["Question", "Answer", "Explanation", "Differs", "Id"]),
    "command": ("quizdock command", ["Question", "Command", "Alternatives", "Explanation", "Differs", "Id"]),
    "choice": ("quizdock multiple choice", ["Question", "Choices", "Answer", "Explanation", "Differs", "Id"]),
    "practical": ("quizdock practical", ["Task", "Solution", "Check", "Explanation", "Differs", "Id"]),
}


# --------------------------------------------------------------------------- helpers


def run(*args: str, now: str = EXPORTED_AT, expect: int = 0) -> Result:
    result = CliRunner().invoke(app, ["export", *args], env={"QUIZDOCK_NOW": now})
    assert result.exit_code == expect, (result.output, result.exception)
    return result


def deck_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *bundled: str, extra: bool = False) -> Path:
    """A deck directory with copies of bundled decks (and the extra deck), used as QUIZDOCK_DECKS."""
    directory = tmp_path / "decks"
    directory.mkdir(exist_ok=True)
    for name in bundled:
        shutil.copy(DECKS / f"{name}.toml", directory)
    if extra:
        (directory / "extra.toml").write_text(EXTRA_DECK, encoding="utf-8")
    monkeypatch.setenv("QUIZDOCK_DECKS", str(directory))
    return directory


@pytest.fixture
def collection(tmp_path: Path) -> Iterator[Any]:
    from anki.collection import Collection

    folder = tmp_path / "anki"
    folder.mkdir()
    col = Collection(str(folder / "collection.anki2"))
    yield col
    col.close()


def import_package(col: Any, path: Path, *, with_scheduling: bool = False) -> Any:
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    request = ImportAnkiPackageRequest(
        package_path=str(path), options=ImportAnkiPackageOptions(with_scheduling=with_scheduling)
    )
    return col.import_anki_package(request).log


def notes_by_id(col: Any) -> dict[str, Any]:
    """The imported notes by their quizdock card id (the Id field)."""
    notes = [col.get_note(nid) for nid in col.find_notes("")]
    return {note["Id"]: note for note in notes}


def deck_names(col: Any) -> set[str]:
    return {deck.name for deck in col.decks.all_names_and_ids()} - {"Default"}


def anki_due_date(col: Any, card: Any) -> date:
    """The calendar day a review card is due: its `due` counts days from the collection's day 0."""
    day_zero = date.fromtimestamp(col.crt)  # a new collection starts at the start of its first day
    assert col.sched.today == (date.today() - day_zero).days or datetime.now().hour < 4
    return day_zero + timedelta(days=card.due)


def answer(store: Store, card_id: str, quality: int, moment: datetime, *, repeat: bool = False) -> None:
    """Record an answer as a review session does: SM-2 on the stored state, or a same-day repeat."""
    store.record_answer(
        card_id, quality=quality, answer="", duration_ms=2500, now=moment, today=moment.date(), repeat=repeat
    )


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T10:00:00+01:00")


# --------------------------------------------------------------------------- all decks


def test_all_decks_import_with_their_counts_decks_note_types_and_tags(tmp_path: Path, collection: Any) -> None:
    out = tmp_path / "all.apkg"
    result = run("anki", "-o", str(out), "--lang", "en")
    decks = load_decks([DECKS])
    cards = [card for deck in decks for card in deck.cards]
    assert f"Wrote {len(cards)} notes from {len(decks)} decks" in result.output

    log = import_package(collection, out)

    assert len(log.new) == len(cards)
    assert collection.note_count() == len(cards)
    assert collection.card_count() == len(cards)  # one card per note
    assert deck_names(collection) == {"Docker"} | {f"Docker::{deck.id}" for deck in decks}
    for deck in decks:
        assert len(collection.find_cards(f'"deck:Docker::{deck.id}"')) == len(deck.cards)
    kinds = Counter(card.kind for card in cards)
    assert set(kinds) == set(NOTE_TYPES)
    for kind, count in kinds.items():
        name, fields = NOTE_TYPES[kind]
        model = collection.models.by_name(name)
        assert model is not None, name
        assert collection.models.field_names(model) == fields
        assert len(collection.find_notes(f'"note:{name}"')) == count
        assert model["id"] == stable_id("note type", kind)  # fixed: a re-import finds it
    tags = set(collection.tags.all())
    assert tags == {topic for card in cards for topic in card.topics}
    notes = notes_by_id(collection)
    assert set(notes) == {card.id for card in cards}
    for card in cards:
        assert sorted(notes[card.id].tags) == sorted(card.topics)
    # New cards come in deck order, as in quizdock.
    first = [collection.get_card(cid) for cid in collection.find_cards('"deck:Docker::basics"', order="c.due")]
    assert [card.note()["Id"] for card in first] == [card.id for card in decks[0].cards]


# --------------------------------------------------------------------------- fields


def test_fields_of_each_kind_in_the_chosen_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collection: Any
) -> None:
    deck_dir(tmp_path, monkeypatch, "ports", extra=True)
    out = tmp_path / "fr.apkg"
    run("anki", "-o", str(out), "--lang", "fr")
    import_package(collection, out)
    notes = notes_by_id(collection)

    escaped = notes["extra/escape"]
    assert escaped.note_type()["name"] == "quizdock concept"
    assert escaped["Question"] == (
        "Que montre <code>docker image ls</code> pour une image &lt;none&gt; &amp; sans tag ?"
    )
    assert escaped["Answer"] == "&lt;none&gt;:&lt;none&gt;"
    assert escaped["Explanation"] == 'Une image "pendante".'
    assert escaped["Differs"] == "<b>Correction\u202f:</b> La note écrit &lt;nome&gt;."
    assert sorted(escaped.tags) == ["images", "images::dangling"]

    command = notes["extra/ls"]
    assert command["Command"] == "docker container ls"
    assert command["Alternatives"] == "Aussi accepté\u202f: <code>docker ps</code>"
    template = command.note_type()["tmpls"][0]
    assert "{{type:Command}}" in template["qfmt"] and "{{type:Command}}" in template["afmt"]
    assert "{{Explanation}}" in template["afmt"] and "{{Explanation}}" not in template["qfmt"]

    practical = notes["extra/run-web"]
    assert practical.note_type()["name"] == "quizdock practical"
    assert practical["Task"].startswith("Lancez en arrière-plan un conteneur nginx")
    assert "<code>docker run -d --name qd-web -p &lt;port&gt;:80 nginx:alpine</code>" in practical["Solution"]
    assert "quizdock" in practical["Check"] and "extra/run-web" in practical["Check"]
    assert practical["Explanation"] == "-d détache le conteneur, -p publie le port."

    ports = next(deck for deck in load_decks([tmp_path / "decks"]) if deck.id == "ports")
    source = next(card for card in ports.cards if card.kind == "choice")
    assert source.correct is not None
    choice = notes[source.id]
    template = choice.note_type()["tmpls"][0]
    assert "{{Choices}}" in template["qfmt"] and "{{Answer}}" not in template["qfmt"]
    assert "{{Answer}}" in template["afmt"] and "{{Explanation}}" in template["afmt"]
    assert choice["Question"] == html_text(source.question.fr)
    assert (
        choice["Choices"] == '<ol type="A">' + "".join(f"<li>{html_text(c.fr)}</li>" for c in source.choices) + "</ol>"
    )
    right = source.choices[source.correct].fr
    assert choice["Answer"] == html_text(right)  # no letter: the options are shuffled at every showing
    assert choice["Explanation"] == html_text(source.explanation.fr)
    assert "Math.random" in template["qfmt"] and "{{FrontSide}}" in template["afmt"]


# A stand-in for the few DOM calls the shuffle script makes, so node runs the script as Anki's
# webview would: the front, then the back (the front's HTML again, with <hr id="answer">).
SHUFFLE_HARNESS = """
const script = require("fs").readFileSync(0, "utf8");
const storage = new Map();
global.sessionStorage = {
  getItem: (k) => (storage.has(k) ? storage.get(k) : null), setItem: (k, v) => storage.set(k, v) };
function show(options, back) {
  const list = { children: options.slice(), appendChild(item) {
    this.children.splice(this.children.indexOf(item), 1); this.children.push(item); } };
  global.document = { querySelector: () => list, getElementById: () => (back ? {} : null) };
  new Function(script)();
  return list.children.slice();
}
const shows = [];
for (let i = 0; i < 30; i++) {
  global.window = {};  // a new page for each showing (AnkiDroid): the order comes from sessionStorage
  const front = show(["A", "B", "C", "D"], false);
  global.window = {};
  shows.push([front, show(["A", "B", "C", "D"], true)]);
}
console.log(JSON.stringify(shows));
"""


def test_the_choice_template_shuffles_at_every_showing_and_keeps_the_order_on_the_back(
    tmp_path: Path, collection: Any
) -> None:
    out = tmp_path / "ports.apkg"
    run("anki", "--deck", "ports", "-o", str(out))
    import_package(collection, out)
    note = next(n for n in notes_by_id(collection).values() if n.note_type()["name"] == "quizdock multiple choice")
    card = note.cards()[0]
    front, back = card.question(), card.answer()
    assert f"quizdock-order:{note['Id']}" in front and front.count("<script>") == 1 and back.count("<script>") == 1
    script = front.split("<script>", 1)[1].split("</script>", 1)[0]
    node = shutil.which("node")
    assert node is not None, "node runs the template's script"
    done = subprocess.run([node, "-e", SHUFFLE_HARNESS], input=script, capture_output=True, text=True, check=True)
    shows = json.loads(done.stdout)
    assert all(sorted(front) == ["A", "B", "C", "D"] and back == front for front, back in shows)
    assert len({tuple(front) for front, _ in shows}) > 5  # 30 showings in one order would be 1


def test_english_is_the_default_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collection: Any) -> None:
    deck_dir(tmp_path, monkeypatch, extra=True)
    out = tmp_path / "default.apkg"
    run("anki", "-o", str(out))  # LANG=C.UTF-8, no config: English
    import_package(collection, out)
    assert notes_by_id(collection)["extra/ls"]["Question"] == "List the running containers."


# --------------------------------------------------------------------------- updates


def test_reimporting_an_edited_export_updates_the_note_and_never_duplicates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collection: Any
) -> None:
    decks = deck_dir(tmp_path, monkeypatch, "basics")
    first, second = tmp_path / "first.apkg", tmp_path / "second.apkg"
    run("anki", "-o", str(first))
    log = import_package(collection, first)
    count = collection.note_count()
    assert len(log.new) == count == deck_size("basics")
    models = sorted(m.name for m in collection.models.all_names_and_ids())

    original = "What is the difference between an image and a container?"
    edited = "How does an image differ from a container?"
    text = (decks / "basics.toml").read_text(encoding="utf-8")
    assert text.count(original) == 1
    (decks / "basics.toml").write_text(text.replace(original, edited), encoding="utf-8")
    run("anki", "-o", str(second), now=EDITED_AT)
    log = import_package(collection, second)

    assert collection.note_count() == count
    assert collection.card_count() == count
    assert [note.fields[0] for note in log.updated] == [edited]
    assert len(log.duplicate) == count - 1 and not log.new and not log.conflicting
    assert notes_by_id(collection)["basics/image-vs-container"]["Question"] == edited
    assert sorted(m.name for m in collection.models.all_names_and_ids()) == models  # no "quizdock concept-xxxx"
    assert deck_names(collection) == {"Docker", "Docker::basics"}


def package_rows(path: Path, tmp_path: Path) -> tuple[dict[str, tuple[str, int, int]], dict[str, int], dict[str, int]]:
    """From a package's collection: notes by card id (guid, mod, note type), deck and note type ids."""
    with zipfile.ZipFile(path) as archive:
        database = tmp_path / f"{path.stem}.anki2"
        database.write_bytes(archive.read("collection.anki2"))
    with closing(sqlite3.connect(database)) as db:
        notes = {
            flds.split("\x1f")[-1]: (guid, mod, mid)
            for guid, mod, mid, flds in db.execute("SELECT guid, mod, mid, flds FROM notes")
        }
        decks_json, models_json = db.execute("SELECT decks, models FROM col").fetchone()
    decks = {deck["name"]: deck["id"] for deck in json.loads(decks_json).values()}
    models = {model["name"]: int(model["id"]) for model in json.loads(models_json).values()}
    return notes, decks, models


def test_guids_ids_and_modification_times_come_from_quizdock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    decks = deck_dir(tmp_path, monkeypatch, extra=True)
    first, second = tmp_path / "first.apkg", tmp_path / "second.apkg"
    run("anki", "-o", str(first), now=EXPORTED_AT)
    text = (decks / "extra.toml").read_text(encoding="utf-8")
    (decks / "extra.toml").write_text(
        text.replace("List the running containers.", "List running containers."), encoding="utf-8"
    )
    run("anki", "-o", str(second), now=EDITED_AT)

    before, deck_ids, model_ids = package_rows(first, tmp_path)
    after, _, _ = package_rows(second, tmp_path)
    loaded = int(datetime.fromisoformat(EXPORTED_AT).timestamp())
    edited = int(datetime.fromisoformat(EDITED_AT).timestamp())
    assert {card_id: guid for card_id, (guid, _, _) in before.items()} == {
        card_id: note_guid(card_id) for card_id in ("extra/escape", "extra/ls", "extra/run-web")
    }
    assert {card_id: mod for card_id, (_, mod, _) in before.items()} == dict.fromkeys(before, loaded)
    assert {card_id: mod for card_id, (_, mod, _) in after.items()} == {
        **dict.fromkeys(before, loaded),
        "extra/ls": edited,
    }
    assert deck_ids["Docker"] == stable_id("deck", "") and deck_ids["Docker::extra"] == stable_id("deck", "extra")
    used = ("concept", "command", "practical")  # a package holds the note types its notes use
    assert model_ids == {NOTE_TYPES[kind][0]: stable_id("note type", kind) for kind in used}
    assert before["extra/ls"][2] == stable_id("note type", "command")


def test_an_unchanged_export_leaves_anki_untouched(tmp_path: Path, collection: Any) -> None:
    out = tmp_path / "basics.apkg"
    run("anki", "--deck", "basics", "-o", str(out))
    import_package(collection, out)
    log = import_package(collection, out)
    assert not log.new and not log.updated and len(log.duplicate) == deck_size("basics")


def test_an_unchanged_database_exports_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    deck_dir(tmp_path, monkeypatch, "basics", extra=True)
    first, second = tmp_path / "first.apkg", tmp_path / "second.apkg"
    run("anki", "-o", str(first), now=EXPORTED_AT)
    time.sleep(1.1)  # a different wall clock, to the second
    run("anki", "-o", str(second), now=EDITED_AT)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        assert sorted(archive.namelist()) == ["collection.anki2", "media"]
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_retired_cards_are_not_exported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collection: Any) -> None:
    decks = deck_dir(tmp_path, monkeypatch, extra=True)
    run("anki", "-o", str(tmp_path / "before.apkg"))
    text = (decks / "extra.toml").read_text(encoding="utf-8")
    start = text.index('[[cards]]\nid = "extra/ls"')
    end = text.index("[[cards]]", start + 1)
    (decks / "extra.toml").write_text(text[:start] + text[end:], encoding="utf-8")
    out = tmp_path / "after.apkg"
    result = run("anki", "-o", str(out), now=EDITED_AT)
    assert "Wrote 2 notes from 1 deck" in result.output
    import_package(collection, out)
    assert set(notes_by_id(collection)) == {"extra/escape", "extra/run-web"}


# --------------------------------------------------------------------------- progress


STEADY, LAPSED, LEECH = "basics/image-vs-container", "basics/image-many-containers", "basics/stopped-container"
SHELVED = "basics/container-writable-layer"  # never reviewed, suspended by hand


@pytest.fixture
def reviewed(db_path: Path) -> None:
    """Answers on three basics cards (steady; a lapse and repeats; suspended as a leech) and a suspended new card."""
    with Store.open(db_path) as store:
        store.sync_decks([DECKS], at("2026-01-15"))
        for day, quality in (("2026-02-01", 5), ("2026-02-02", 4), ("2026-02-08", 4)):
            answer(store, STEADY, quality, at(day))
        answer(store, LAPSED, 2, at("2026-02-01"))
        answer(store, LAPSED, 4, at("2026-02-01") + timedelta(minutes=3), repeat=True)
        answer(store, LAPSED, 5, at("2026-02-02"))
        answer(store, LAPSED, 1, at("2026-02-03"))  # a lapse: it had been learned
        answer(store, LAPSED, 4, at("2026-02-03") + timedelta(minutes=2), repeat=True)
        answer(store, LEECH, 5, at("2026-03-01"))
        assert store.suspend(LEECH, at("2026-03-01"), reason="leech")
        assert store.suspend(SHELVED, at("2026-03-01"))


def stored(db_path: Path) -> tuple[dict[str, CardStateRow], dict[str, int]]:
    with Store.open(db_path) as store, store.session() as session:
        states = {row.card_id: row for row in session.scalars(select(CardStateRow))}
        answers = dict(session.execute(select(ReviewRow.card_id, func.count()).group_by(ReviewRow.card_id)).all())
    return states, answers


def test_progress_makes_review_cards_due_on_the_same_days(
    tmp_path: Path, db_path: Path, reviewed: None, collection: Any
) -> None:
    out = tmp_path / "progress.apkg"
    result = run("anki", "--deck", "basics", "--with-progress", "-o", str(out))
    assert "with the schedule of 3 reviewed cards and 9 answers (2 suspended)" in result.output
    states, answers = stored(db_path)
    assert states[STEADY].due_on == date(2026, 2, 24)  # 1, 6, then 16 days
    assert states[LAPSED].lapses == 1

    log = import_package(collection, out, with_scheduling=True)
    assert len(log.new) == deck_size("basics")

    by_id = {collection.get_card(cid).note()["Id"]: collection.get_card(cid) for cid in collection.find_cards("")}
    review_cards = {card_id for card_id, card in by_id.items() if card.type == 2}
    assert review_cards == set(states)
    for card_id, state in states.items():
        card = by_id[card_id]
        assert (card.type, card.queue) == (2, -1 if card_id == LEECH else 2)
        assert card.ivl == state.interval
        assert card.factor == state.easiness_centi * 10
        assert card.lapses == state.lapses
        assert card.reps == answers[card_id]
        assert anki_due_date(collection, card) == state.due_on
    new = {card_id: card.queue for card_id, card in by_id.items() if card_id not in states}
    assert all(by_id[card_id].type == 0 for card_id in new)
    assert {card_id for card_id, queue in new.items() if queue != 0} == {SHELVED}
    assert new[SHELVED] == -1
    assert {collection.get_card(cid).note()["Id"] for cid in collection.find_cards("tag:leech")} == {LEECH}

    revlog = collection.db.all("SELECT cid, ease, ivl, lastIvl, factor, time, type FROM revlog ORDER BY id")
    assert len(revlog) == sum(answers.values()) == 9
    lapsed = by_id[LAPSED].id
    # Again (new), repeat Good (learning), Easy, Again (a lapse), repeat Good (relearning).
    assert [(ease, kind) for cid, ease, _, _, _, _, kind in revlog if cid == lapsed] == [
        (1, 0),
        (3, 0),
        (4, 1),
        (1, 1),
        (3, 2),
    ]
    steady = by_id[STEADY].id
    assert [(ivl, last) for cid, _, ivl, last, _, _, _ in revlog if cid == steady] == [(1, 0), (6, 1), (16, 6)]
    assert {time for *_, time, _ in revlog} == {2500}


def test_progress_needs_the_learning_progress_option_and_new_cards(
    tmp_path: Path, reviewed: None, collection: Any
) -> None:
    out = tmp_path / "progress.apkg"
    run("anki", "--deck", "basics", "--with-progress", "-o", str(out))

    import_package(collection, out, with_scheduling=False)  # the option not ticked
    assert collection.find_cards("is:review") == []
    assert collection.find_cards("is:suspended") == []
    assert collection.find_cards("tag:leech") == []
    assert collection.db.scalar("SELECT count() FROM revlog") == 0

    log = import_package(collection, out, with_scheduling=True)  # cards already there keep Anki's schedule
    assert len(log.duplicate) == deck_size("basics")
    assert collection.find_cards("is:review") == []


def test_progress_export_is_reproducible(tmp_path: Path, reviewed: None) -> None:
    first, second = tmp_path / "first.apkg", tmp_path / "second.apkg"
    run("anki", "--deck", "basics", "--with-progress", "-o", str(first))
    time.sleep(1.1)
    run("anki", "--deck", "basics", "--with-progress", "-o", str(second), now=EDITED_AT)
    assert first.read_bytes() == second.read_bytes()
    without = tmp_path / "without.apkg"
    run("anki", "--deck", "basics", "-o", str(without))
    assert without.read_bytes() != first.read_bytes()


# --------------------------------------------------------------------------- command line


def test_default_file_name_and_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    run("anki", "--deck", "ports")
    assert zipfile.is_zipfile(tmp_path / "quizdock-ports.apkg")

    unknown = run("anki", "--deck", "port", expect=ExitCode.NOT_FOUND)
    assert "Did you mean 'ports'?" in unknown.output
    missing = run("anki", "-o", str(tmp_path / "nowhere" / "x.apkg"), expect=ExitCode.USAGE)
    assert "does not exist" in missing.output
    bad_lang = run("anki", "--lang", "de", expect=ExitCode.USAGE)
    assert "fr or en" in bad_lang.output


def test_help_explains_when_anki_applies_the_progress() -> None:
    result = run("anki", "--help")
    text = " ".join(result.output.split())
    assert '"Import any learning progress"' in text
    assert "only for cards new to the Anki collection" in text
    assert "--with-progress" in text and "--deck" in text and "--lang" in text and "--output" in text


def test_the_export_commands_load_no_heavy_library_for_help() -> None:
    probe = (
        "import json, sys\n"
        "from quizdock.cli.commands.export import app\n"
        "try:\n"
        "    app(['anki', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = {'sqlalchemy', 'genanki', 'anki', 'alembic'}\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & heavy)))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


@pytest.mark.parametrize(("lang", "anki_lang"), [("fr", "fr_FR"), ("en", "en")])
def test_the_hint_names_anki_s_checkbox_as_anki_shows_it_and_counts_suspended_cards(
    tmp_path: Path, db_path: Path, lang: str, anki_lang: str
) -> None:
    """The import option is quoted in the words of Anki's own interface in that language."""
    from anki.collection import Collection
    from anki.lang import set_lang

    with Store.open(db_path) as store:
        store.sync_decks([DECKS], at("2026-01-15"))
        answer(store, STEADY, 5, at("2026-02-01"))
        assert store.suspend(SHELVED, at("2026-03-01"))
    result = run("anki", "--deck", "basics", "--with-progress", "-o", str(tmp_path / "p.apkg"), "--lang", lang)
    set_lang(anki_lang)
    collection = Collection(str(tmp_path / "c.anki2"))
    try:
        checkbox = collection.tr.importing_also_import_progress()
    finally:
        collection.close()
        set_lang("en")
    assert checkbox in result.output, (checkbox, result.output)
    assert ("(1 suspendue)" if lang == "fr" else "(1 suspended)") in result.output
