"""Deck files: validation errors name the file, card, field and line; sync keeps progress."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from quizdock.cli.typer_app import app
from quizdock.core.sm2 import CardState, review
from quizdock.decks.loading import load_decks, parse_deck_file
from quizdock.errors import DeckError, ExitCode
from quizdock.storage.models import CardRow, DeckRow, ReviewRow
from quizdock.storage.store import Store
from quizdock.support.paths import bundled_decks_dir
from tests.conftest import REPO

MINI = (REPO / "tests" / "data" / "decks" / "mini.toml").read_text()
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def write_deck(directory: Path, text: str, name: str = "mini") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("edit", "card", "field", "line"),
    [
        (lambda t: t.replace('kind = "choice"', 'kind = "quiz"'), "mini/choice", "kind", 29),
        (lambda t: t.replace('answer.en = "An instance of an image."\n', ""), "mini/concept", "answer.en", 12),
        (lambda t: t.replace("correct = 1", "correct = 3"), "mini/choice", "correct", 35),
        (
            lambda t: t.replace('choices.en = ["127.0.0.1 only", "all interfaces", "none"]', 'choices.en = ["a", "b"]'),
            "mini/choice",
            "choices",
            33,
        ),
        (
            lambda t: t.replace('answer = "docker container prune"', 'answer = "container prune"'),
            "mini/command",
            "answer",
            23,
        ),
        (lambda t: t.replace('id = "mini/command"', 'id = "mini/concept"'), "mini/concept", "id", 18),
        (lambda t: t.replace('id = "mini/command"', 'id = "other/command"'), "other/command", "id", 18),
        (lambda t: t.replace('topics = ["ports"]', "topics = []"), "mini/choice", "topics", 30),
        (lambda t: t.replace('explanation.fr = "0.0.0.0 et ::."', 'explanation.fr = "0.0.0.0 et ::.'), None, None, 36),
        (
            lambda t: t.replace('question.en = "What is a container?"', 'question.en = "What?"\nhint = "x"'),
            "mini/concept",
            "hint",
            12,
        ),
    ],
)
def test_broken_deck_names_file_card_field_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit, card, field, line
) -> None:  # type: ignore[no-untyped-def]
    path = write_deck(tmp_path / "decks", edit(MINI))
    monkeypatch.setenv("QUIZDOCK_DECKS", str(path.parent))
    with pytest.raises(DeckError) as caught:
        load_decks()
    error = caught.value
    assert (error.card_id, error.field, error.line) == (card, field, line)
    assert str(path) in str(error)

    # The same through the CLI: a message, the deck exit code, no traceback, nothing written.
    for command in (["deck", "check"], ["decks"], ["due"]):
        result = CliRunner().invoke(app, command)
        if command == ["due"]:
            continue  # `due` does not read deck files once a database exists (see below)
        assert result.exit_code == ExitCode.DECK, result.output
        assert "Broken deck file" in result.output and str(path.name) in result.output
        assert "Traceback" not in result.output


def test_deck_id_must_match_the_file_name(tmp_path: Path) -> None:
    path = write_deck(tmp_path, MINI, name="other")
    with pytest.raises(DeckError, match="must equal the file name"):
        parse_deck_file(path)


def test_the_bundled_decks_are_valid_and_cover_the_note() -> None:
    decks = load_decks([bundled_decks_dir()])
    cards = [card for deck in decks for card in deck.cards]
    assert len(cards) >= 80
    kinds_by_topic: dict[str, set[str]] = {}
    for card in cards:
        for topic in card.topics if card.kind != "practical" else ():
            kinds_by_topic.setdefault(topic.split("::")[0], set()).add(card.kind)
    for topic, kinds in kinds_by_topic.items():
        assert len(kinds) >= 2, topic
    topics = {topic.split("::")[0] for card in cards for topic in card.topics}
    for topic in ("images", "containers", "ports", "volumes"):
        assert topic in topics
    assert sum(card.note_differs is not None for card in cards) >= 10
    for card in cards:
        assert card.question.fr != card.question.en or card.kind == "command", card.id


# The note's part on containers holds no mistake: the containers deck corrects nothing.
@pytest.mark.parametrize("deck_id", ["basics", "images", "ports", "volumes", "practical"])
def test_the_bundled_cards_speak_of_the_original_note_to_a_reader_who_never_saw_it(deck_id: str) -> None:
    deck = next(deck for deck in load_decks([bundled_decks_dir()]) if deck.id == deck_id)
    differs = [card for card in deck.cards if card.note_differs is not None]
    assert differs
    for card in differs:
        assert card.note_differs is not None
        assert "original note" in card.note_differs.en and "; in fact" in card.note_differs.en, card.id
        assert "note d'origine" in card.note_differs.fr and "\u202f; en réalité" in card.note_differs.fr, card.id


def test_no_bundled_card_shows_an_uppercase_image_name_as_valid() -> None:
    """The note's image `mynodeJS` is only ever named as a name Docker refuses."""
    for deck in load_decks([bundled_decks_dir()]):
        for card in deck.cards:
            texts = [card.question, card.explanation, card.note_differs]
            if card.kind == "concept":
                texts.append(card.answer)  # type: ignore[arg-type]
            for text in texts:
                for lang in ("fr", "en"):
                    written = text.get(lang) if text is not None else ""
                    if "mynodeJS" in written:
                        assert "refus" in written, (card.id, lang)


@pytest.mark.parametrize(
    ("typed", "quality"),
    [
        ("docker volume prune -a", 5),
        ("docker volume prune --all", 5),
        ("docker volume prune -a -f", 4),  # -f only skips the confirmation
        ("docker volume prune", 2),  # since Engine 23: anonymous volumes only
    ],
)
def test_all_unused_volumes_are_pruned_with_dash_a(typed: str, quality: int) -> None:
    from quizdock.grading.commands import grade_command

    card = next(c for d in load_decks([bundled_decks_dir()]) for c in d.cards if c.id == "volumes/prune")
    assert card.kind == "command" and isinstance(card.answer, str)
    assert "named" in card.question.en and "23" in card.question.en
    assert grade_command([card.answer, *card.alternatives], typed, same_form=card.same_form).quality == quality


def test_sync_skips_unchanged_files_keeps_progress_on_edit_and_retires_removed_cards(
    tmp_path: Path, db_path: Path
) -> None:
    decks = tmp_path / "decks"
    path = write_deck(decks, MINI)
    with Store.open(db_path) as store:
        first = store.sync_decks([decks], NOW)
        assert (first.files_parsed, first.cards_added) == (1, 3)
        assert store.sync_decks([decks], NOW).files_skipped == 1
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))  # touched, same text
        touched = store.sync_decks([decks], NOW)
        assert (touched.files_parsed, touched.files_skipped) == (0, 1)
        with store.session() as session:
            row = session.get(DeckRow, "mini")
            assert row is not None and (row.file_size, row.file_mtime_ns) == (
                path.stat().st_size,
                path.stat().st_mtime_ns,
            )

        after = review(CardState(), 5)
        store.record_answer("mini/concept", quality=5, answer="", duration_ms=5, now=NOW, today=NOW.date())

        later = NOW + timedelta(days=1)
        path.write_text(MINI.replace("What is a container?", "What is a Docker container?"))
        edited = store.sync_decks([decks], later)
        assert (edited.files_parsed, edited.cards_changed, edited.cards_added) == (1, 1, 0)
        card = store.scheduled_cards(["mini/concept"])[0].card
        assert card.question.en == "What is a Docker container?"
        scheduled = store.scheduled_cards(["mini/concept"])[0]
        assert scheduled.state == after  # progress kept

        start = MINI.index('[[cards]]\nid = "mini/concept"')
        end = MINI.index('[[cards]]\nid = "mini/command"')
        path.write_text(MINI[:start] + MINI[end:])
        assert store.sync_decks([decks], later).cards_retired == 1
        with store.session() as session:
            row = session.get(CardRow, "mini/concept")
            assert row is not None and row.retired_at is not None
            assert len(list(session.scalars(select(ReviewRow)))) == 1  # history kept
            assert row.content_changed_at == later.replace(tzinfo=None)
        assert "mini/concept" not in store.new_card_ids(10)

        path.write_text(MINI)  # the card comes back with its progress
        store.sync_decks([decks], later)
        assert store.scheduled_cards(["mini/concept"])[0].state == after


def test_a_card_id_in_two_deck_files_is_refused(tmp_path: Path, db_path: Path) -> None:
    decks = tmp_path / "decks"
    write_deck(decks, MINI)
    other = MINI.replace('id = "mini"', 'id = "more"').replace('"mini/', '"more/')
    other = other.replace('id = "more/choice"', 'id = "more/choice"')
    write_deck(decks, other, name="more")
    with Store.open(db_path) as store:
        store.sync_decks([decks], NOW)
        write_deck(decks, other.replace('id = "more/choice"', 'id = "mini/choice"'), name="more")
        with pytest.raises(DeckError):
            store.sync_decks([decks], NOW)


def test_a_deck_file_that_goes_away_and_comes_back_brings_its_cards_back(tmp_path: Path, db_path: Path) -> None:
    decks = tmp_path / "decks"
    path = write_deck(decks, MINI)
    write_deck(decks, MINI.replace('id = "mini"', 'id = "other"').replace('"mini/', '"other/'), name="other")
    with Store.open(db_path) as store:
        store.sync_decks([decks], NOW)
        store.record_answer("mini/concept", quality=4, answer="", duration_ms=5, now=NOW, today=NOW.date())
        kept = path.read_bytes()
        path.rename(tmp_path / "aside.toml")  # moved away, then restored untouched (same size and time)
        assert store.sync_decks([decks], NOW).cards_retired == 3
        assert store.sync_decks([decks], NOW).cards_retired == 0  # nothing more to retire
        (tmp_path / "aside.toml").rename(path)
        assert path.read_bytes() == kept
        back = store.sync_decks([decks], NOW + timedelta(days=1))
        assert back.files_parsed == 1
        assert sorted(store.new_card_ids(10, deck="mini")) == ["mini/choice", "mini/command"]
        assert store.scheduled_cards(["mini/concept"])[0].state == review(CardState(), 4)
        with store.session() as session:
            assert session.scalars(select(CardRow).where(CardRow.retired_at.is_not(None))).all() == []


@pytest.mark.parametrize("problem", ["missing", "empty", "a file"])
def test_a_wrong_deck_directory_is_refused_and_retires_nothing(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch, problem: str
) -> None:
    assert CliRunner().invoke(app, ["decks"]).exit_code == 0  # the bundled decks, loaded
    wrong = tmp_path / "my-decks"
    if problem == "empty":
        wrong.mkdir()
    elif problem == "a file":
        wrong.write_text("not a folder")
    monkeypatch.setenv("QUIZDOCK_DECKS", str(wrong))
    for args in (["decks"], ["deck", "check"], ["due"]):
        result = CliRunner().invoke(app, args)
        if args == ["due"]:  # the light count does not read deck files
            assert result.exit_code == 0, result.output
            continue
        assert result.exit_code == ExitCode.DECK, result.output
        assert str(wrong) in result.output and "QUIZDOCK_DECKS" in result.output
    with Store.open(db_path) as store, store.session() as session:
        assert session.scalars(select(CardRow).where(CardRow.retired_at.is_not(None))).all() == []
        active = len(session.scalars(select(CardRow)).all())
    assert active == sum(len(deck.cards) for deck in load_decks([bundled_decks_dir()]))


def _french_texts(node: object, where: str = "") -> list[tuple[str, str]]:
    """Every French text of a parsed deck file, with where it stands."""
    found: list[tuple[str, str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "fr":
                found += [(where, text) for text in (value if isinstance(value, list) else [value])]
            else:
                found += _french_texts(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found += _french_texts(item, f"{where}[{index}]")
    return found


def test_the_bundled_french_has_french_typography() -> None:
    """A narrow no-break space before « : ; ! ? » and inside guillemets, outside `code`."""
    import re
    import tomllib

    slips = []
    for path in sorted(bundled_decks_dir().glob("*.toml")):
        texts = _french_texts(tomllib.loads(path.read_text(encoding="utf-8")))
        assert len(texts) > 20, path.name
        for where, text in texts:
            prose = re.sub(r"`[^`]*`", "X", text)  # code spans stand for one word
            if re.search(r"\S [:;!?»]|« ", prose):
                slips.append(f"{path.name}{where}: {text}")
    assert not slips, "\n".join(slips[:10])


def test_progress_of_a_card_removed_from_its_deck_breaks_no_command(
    tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A card review pass removes cards (issue 22): their ids disappear, their history stays."""
    decks = tmp_path / "decks"
    path = write_deck(decks, MINI)
    monkeypatch.setenv("QUIZDOCK_DECKS", str(decks))
    with Store.open(db_path) as store:
        store.sync_decks([decks], NOW)
        for day, quality in enumerate((5, 1, 4)):  # reviewed, lapsed, reviewed again
            when = NOW + timedelta(days=day)
            store.record_answer("mini/choice", quality=quality, answer="", duration_ms=5, now=when, today=when.date())
    start = MINI.index('[[cards]]\nid = "mini/choice"')
    path.write_text(MINI[:start])  # the card goes away with its progress in the database
    assert CliRunner().invoke(app, ["suspend", "mini/concept"]).exit_code == 0
    for args in (
        ["decks"],
        ["due"],
        ["stats"],
        ["leeches"],
        ["deck", "check"],
        ["export", "csv", "-o", str(tmp_path / "out.txt")],
        ["export", "anki", "-o", str(tmp_path / "out.apkg")],
    ):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, (args, result.output)
        assert "Traceback" not in result.output and "mini/choice" not in result.output, args
    for args in (["suspend", "mini/choice"], ["unsuspend", "mini/choice"]):  # a retired id: an answer, no crash
        result = CliRunner().invoke(app, args)
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
        assert "mini/choice" in result.output and "Traceback" not in result.output
    assert "mini/choice" not in (tmp_path / "out.txt").read_text(encoding="utf-8")
    with Store.open(db_path) as store, store.session() as session:
        row = session.get(CardRow, "mini/choice")
        assert row is not None and row.retired_at is not None
        assert len(list(session.scalars(select(ReviewRow).where(ReviewRow.card_id == "mini/choice")))) == 3
        assert "mini/choice" not in store.new_card_ids(10)


# --- the review of issue 22: what the cards say ------------------------------------------------


def _bundled_cards() -> list:  # type: ignore[type-arg]
    return [card for deck in load_decks([bundled_decks_dir()]) for card in deck.cards]


def _texts(card, lang: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Every text of a card the learner reads in ``lang`` (a command card's answer too)."""
    found = [card.question.get(lang), card.explanation.get(lang)]
    if card.note_differs is not None:
        found.append(card.note_differs.get(lang))
    if card.kind == "concept":
        found.append(card.answer.get(lang))
    if card.kind == "command":
        found += [card.answer, *card.alternatives]
    if card.kind == "choice":
        found += [choice.get(lang) for choice in card.choices]
    return found


# Statements the review found false or worded apart from Docker, as they were written.
WRONG = [
    ("a tmpfs is never written to disk", "never written to disk"),
    ("a tmpfs is never written to disk", "jamais écrit sur disque"),
    ("each tag is a different image", "each a different image"),
    ("each tag is a different image", "chacun une image différente"),
    ("-v and --mount mount the same things", "mount the same things"),
    ("-v and --mount mount the same things", "montent la même chose"),
    ("tmpfs data goes with the container", "goes away with the container"),
    ("tmpfs data goes with the container", "disparaît avec le conteneur"),
    ("a push sends only the image's own layers, whatever the registry has", "in practice only uploads its own"),
    ("the message CLI 28 no longer prints", '"repository name must be lowercase"'),
    ("the message CLI 28 no longer prints", "« repository name must be lowercase »"),
    ("'tagged' said as the challenge's label", "étiquetée"),
    ("renvoie for n'envoie", "ne renvoie"),
    ("English word order", "Start in the background a"),
    ("one spelling of the key", "Ctrl-C"),
    ("-p phrased host-to-container", "to container port"),
    ("-p phrased host-to-container", "de l'hôte vers le port"),
]


@pytest.mark.parametrize(("why", "wrong"), WRONG)
def test_no_card_says_what_the_review_found_wrong(why: str, wrong: str) -> None:
    said = [
        card.id
        for card in _bundled_cards()
        for lang in ("en", "fr")
        for text in _texts(card, lang)
        if wrong.replace(" :", "\u202f:").replace("« ", "«\u202f").replace(" »", "\u202f»") in text
    ]
    assert not said, (why, said)


def _card(card_id: str):  # type: ignore[no-untyped-def]
    return next(card for card in _bundled_cards() if card.id == card_id)


def test_the_facts_the_review_asked_for() -> None:
    # --filter ancestor= lists the containers of images built on the image too (seen on the engine)
    assert "built on it" in _card("basics/containers-of-image").explanation.en
    # tmpfs: the kernel may move it to swap
    assert "swap" in _card("practical/tmpfs").explanation.en and "swap" in _card("practical/tmpfs").explanation.fr
    # --mount also mounts a tmpfs, which -v cannot
    assert "tmpfs" in _card("volumes/mount-vs-v").explanation.en
    # a push uploads what the registry lacks
    assert "lack" in _card("images/push-layers").explanation.en
    # the two mistakes of the note corrected, two corrections of what the note never said gone
    assert "overriding" in _card("images/build-on-base").note_differs.en  # type: ignore[union-attr]
    assert "volume is in use" in _card("volumes/rm-in-use").note_differs.en  # type: ignore[union-attr]
    assert _card("images/base-image-update").note_differs is None
    assert _card("containers/interactive-t-choice").note_differs is None
    # the detached card does not make the learner retype a shell loop
    assert "while" not in _card("containers/detached-run").answer


HOST_ONLY = {
    "en": re.compile(r"host (?:alone|only|itself)|for the host only|off the network|other machines|restrict"),
    "fr": re.compile(r"l'hôte seul|l'hôte lui-même|réserver|hors du réseau|autres machines|restreindre"),
}


def test_every_card_that_keeps_a_port_to_the_host_says_since_when() -> None:
    """`-p 127.0.0.1:...` keeps other machines out fully only since Docker Engine 28."""
    checked = set()
    for card in _bundled_cards():
        for lang in ("en", "fr"):
            texts = " ".join(_texts(card, lang))
            host_only = HOST_ONLY[lang].search(texts)
            if "127.0.0.1" in texts and host_only:
                assert "Engine 28" in texts, (card.id, lang)
                checked.add(card.id)
    assert {"ports/couchdb-reach-lan", "ports/bind-loopback", "practical/publish-local"} <= checked


def test_no_right_answer_publishes_the_hosts_ssh_port() -> None:
    """The host's own sshd usually holds port 22: an answer that publishes it there fails."""
    for card in _bundled_cards():
        right = [card.answer, *card.alternatives] if card.kind == "command" else []
        if card.kind == "choice":
            right = [card.choices[card.correct].en]
        for text in right:
            assert not re.search(r"-p (?:[\d.]+:)?22:", text), card.id


def test_a_fact_is_taught_once_or_twice() -> None:
    """The same correction of the note on one or two cards of a deck, not five."""
    prune = [card.id for card in _bundled_cards() if card.note_differs and "image prune" in card.note_differs.en]
    assert 1 <= len(prune) <= 2, prune
