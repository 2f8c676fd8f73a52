"""The review's fast start (quizdock.cli.fast_review): the same session as the Typer command, its
first card drawn before Typer or SQLAlchemy is loaded."""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pexpect
import pytest

from quizdock.cli.fast_review import QuickStore, read_review
from quizdock.cli.review_options import ReviewOptions
from quizdock.cli.review_session import plan
from quizdock.entry import split_command
from quizdock.storage import quick
from quizdock.storage.quick import open_for_review
from quizdock.storage.store import ScheduledCard, Store
from tests.conftest import REPO
from tests.test_review_terminal import exit_status

DAY = date(2026, 3, 2)


def write_deck(directory: Path, deck: str, slugs: list[str]) -> None:
    cards = "".join(
        f'[[cards]]\nid = "{deck}/{slug}"\nkind = "concept"\ntopics = ["t"]\n'
        f'question.fr = "Question {slug} ?"\nquestion.en = "Question {slug}?"\n'
        f'answer.fr = "Réponse {slug}."\nanswer.en = "Answer {slug}."\n'
        f'explanation.fr = "Parce que."\nexplanation.en = "Because."\n\n'
        for slug in slugs
    )
    text = f'[deck]\nid = "{deck}"\ntitle.fr = "{deck}"\ntitle.en = "{deck}"\n\n{cards}'
    (directory / f"{deck}.toml").write_text(text, encoding="utf-8")


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=UTC)


@pytest.fixture
def decks(tmp_path: Path) -> Path:
    directory = tmp_path / "decks"
    directory.mkdir()
    write_deck(directory, "alpha", [f"a{i}" for i in range(10)])
    write_deck(directory, "beta", [f"b{i}" for i in range(8)])
    return directory


@pytest.fixture
def store(db_path: Path, decks: Path) -> Iterator[Store]:
    """Cards due on several days (some on the same day), suspended, buried until tomorrow and until
    today, retired, new, and two new cards introduced today that owe a same-day repeat."""
    with Store.open(db_path) as store:
        store.sync_decks([decks], at(DAY - timedelta(days=20)))

        def answer(card_id: str, on: date, quality: int = 5) -> None:
            store.record_answer(card_id, quality=quality, answer="", duration_ms=1, now=at(on), today=on)

        # A first answer of 3 or more: due the next day. Some pairs fall due the same day.
        for card_id, days_ago in [
            ("alpha/a3", 5),
            ("beta/b1", 5),
            ("alpha/a0", 3),
            ("beta/b0", 4),
            ("alpha/a1", 2),
            ("beta/b2", 2),
            ("alpha/a2", 1),
            ("alpha/a4", 0),  # introduced today: due tomorrow, and it counts against today's new cards
            ("beta/b3", 1),
            ("beta/b4", 9),
        ]:
            answer(card_id, DAY - timedelta(days=days_ago), quality=5 if days_ago % 2 else 3)
        answer("beta/b4", DAY - timedelta(days=8))  # second answer: due in 6 days
        # Answered below 4 today, an hour before alpha/a4: a repeat owed today, asked first of the two.
        store.record_answer("beta/b7", quality=1, answer="", duration_ms=1, now=at(DAY) - timedelta(hours=1), today=DAY)
        store.suspend("alpha/a0", at(DAY))
        store.bury("beta/b0", DAY + timedelta(days=1))  # out today, back tomorrow
        store.bury("beta/b1", DAY)  # buried until today: back
        store.suspend("alpha/a5", at(DAY))  # a new card suspended
        store.bury("beta/b5", DAY + timedelta(days=1))  # a new card buried
        write_deck(decks, "beta", [f"b{i}" for i in range(8) if i != 2])  # beta/b2 retired, due
        store.sync_decks([decks], at(DAY))
        yield store


def connect(db_path: Path, decks: Path, deck: str | None = None) -> sqlite3.Connection:
    conn = open_for_review(db_path, sorted(decks.glob("*.toml")), deck)
    assert conn is not None
    return conn


@pytest.mark.parametrize("today", [DAY, DAY + timedelta(days=1), DAY + timedelta(days=7)])
def test_the_quick_reads_and_plan_are_the_stores(store: Store, db_path: Path, decks: Path, today: date) -> None:
    quick_store = QuickStore(db_path, connect(db_path, decks))
    conn = connect(db_path, decks)
    try:
        assert quick.introduced_on(conn, today) == store.introduced_on(today)
        assert quick.practical_card_ids(conn) == store.practical_card_ids()
        for deck in (None, "alpha", "beta"):
            for limit in (None, 1, 2, 4, 50):
                assert quick.due_card_ids(conn, today, deck, limit) == store.due_card_ids(today, deck, limit)
            assert quick.repeat_card_ids(conn, today, deck) == store.repeat_card_ids(today, deck)
            for count in (0, 1, 3, 50):
                for day in (None, today):
                    assert quick.new_card_ids(conn, count, deck, day) == store.new_card_ids(count, deck, day)
            for limit in (None, 1, 2, 4, 50):
                for new_per_day in (0, 1, 3, 10):
                    expected = plan(store, today, deck=deck, limit=limit, new_per_day=new_per_day)
                    got = plan(quick_store, today, deck=deck, limit=limit, new_per_day=new_per_day)
                    assert got == expected, (deck, limit, new_per_day)
                    # The same with the long reads made ahead, on a thread of their own.
                    ahead = QuickStore(db_path, connect(db_path, decks))
                    try:
                        ahead.read_ahead(today, deck, limit)
                        assert ahead.practical_card_ids() == store.practical_card_ids()
                        assert plan(ahead, today, deck=deck, limit=limit, new_per_day=new_per_day) == (expected)
                    finally:
                        ahead.close()
    finally:
        conn.close()
        quick_store.close()
    # The case worth having: due cards in several orders, set-aside ones left out, new ones after.
    whole = plan(store, DAY, deck=None, limit=None, new_per_day=10)
    assert whole[:7] == ["alpha/a3", "beta/b1", "beta/b4", "alpha/a1", "alpha/a2", "beta/b3", "alpha/a6"]
    assert not {"alpha/a0", "beta/b0", "beta/b2", "alpha/a5", "beta/b5"} & set(whole)
    assert store.repeat_card_ids(DAY) == ["beta/b7", "alpha/a4"]


def test_the_quick_practical_cards_are_the_stores(db_path: Path) -> None:
    from quizdock.support.paths import bundled_decks_dir

    with Store.open(db_path) as store:
        store.sync_decks([bundled_decks_dir()], at(DAY))
        conn = open_for_review(db_path, sorted(bundled_decks_dir().glob("*.toml")), None)
        assert conn is not None
        try:
            practical = quick.practical_card_ids(conn)
        finally:
            conn.close()
        assert practical == store.practical_card_ids() and len(practical) > 3


def test_the_quick_first_page_is_the_stores(store: Store, db_path: Path, decks: Path) -> None:
    card_ids = plan(store, DAY, deck=None, limit=None, new_per_day=10)
    quick_store = QuickStore(db_path, connect(db_path, decks))
    try:
        page = quick_store.scheduled_cards([*card_ids, "alpha/nothing"])
    finally:
        quick_store.close()
    stored = store.scheduled_cards(card_ids)
    assert len(page) == len(stored) == len(card_ids)
    assert {type(c) for c in [*page, *stored]} == {ScheduledCard}  # one record type on both paths
    for fast, slow in zip(page, stored, strict=True):
        for field in dataclasses.fields(ScheduledCard):  # every field the session may read
            assert getattr(fast, field.name) == getattr(slow, field.name), (slow.card.id, field.name)
    assert any(c.state is not None for c in page) and any(c.state is None for c in page)


def test_the_quick_reads_and_the_store_send_sqlite_the_same_statements(
    store: Store, db_path: Path, decks: Path
) -> None:
    """The review queue's SQL is written once: for each read, SQLite receives the same statements
    (text and values) from the light path's sqlite3 connection as from the store's SQLAlchemy one."""
    from sqlalchemy import event

    def selects(trace: list[str]) -> list[str]:
        return [statement for statement in trace if statement.lstrip().upper().startswith("SELECT")]

    fast_trace: list[str] = []
    slow_trace: list[str] = []
    conn = connect(db_path, decks)
    conn.set_trace_callback(fast_trace.append)
    card_ids = plan(store, DAY, deck=None, limit=None, new_per_day=10)
    try:
        with Store.open(db_path) as traced:
            event.listen(traced.engine, "connect", lambda dbapi, _: dbapi.set_trace_callback(slow_trace.append))
            reads = [
                (lambda: quick.due_card_ids(conn, DAY, None, 4), lambda: traced.due_card_ids(DAY, None, 4)),
                (lambda: quick.due_card_ids(conn, DAY, "beta"), lambda: traced.due_card_ids(DAY, "beta")),
                (lambda: quick.repeat_card_ids(conn, DAY), lambda: traced.repeat_card_ids(DAY)),
                (lambda: quick.repeat_card_ids(conn, DAY, "alpha"), lambda: traced.repeat_card_ids(DAY, "alpha")),
                (lambda: quick.introduced_on(conn, DAY), lambda: traced.introduced_on(DAY)),
                (lambda: quick.practical_card_ids(conn), traced.practical_card_ids),
                (lambda: quick.new_card_ids(conn, 3, None, DAY), lambda: traced.new_card_ids(3, None, DAY)),
                (lambda: quick.new_card_ids(conn, 5, "beta"), lambda: traced.new_card_ids(5, "beta")),
                (lambda: quick.scheduled_cards(conn, card_ids), lambda: traced.scheduled_cards(card_ids)),
            ]
            for fast, slow in reads:
                fast_trace.clear()
                slow_trace.clear()
                assert fast() == slow()
                assert selects(fast_trace) == selects(slow_trace) != [], (selects(fast_trace), selects(slow_trace))
    finally:
        conn.close()


def test_a_review_starts_quickly_only_from_the_database_as_loaded(store: Store, db_path: Path, decks: Path) -> None:
    files = sorted(decks.glob("*.toml"))
    assert open_for_review(db_path, files, "gamma") is None  # unknown deck: the CLI says so
    assert open_for_review(db_path.with_name("none.sqlite3"), files, None) is None  # to be created
    os.utime(files[0], ns=(0, 0))  # touched since loaded: the CLI loads it
    assert open_for_review(db_path, files, None) is None


def fast_reading(args: list[str]) -> tuple[Path | None, ReviewOptions] | None:
    """How the fast start reads a command line (quizdock.entry, then quizdock.cli.fast_review); None:
    it leaves it to the CLI."""
    split = split_command(args, "review")
    return None if split is None else read_review(*split)


def test_only_plain_review_command_lines_start_quickly() -> None:
    assert fast_reading(["review"]) == (None, ReviewOptions())
    assert fast_reading(["--db", "~/q.db", "review", "-d", "ports", "--limit=5", "--new", "0", "--lang", "fr"]) == (
        Path("~/q.db").expanduser(),
        ReviewOptions(deck="ports", limit=5, new=0, lang="fr"),
    )
    for args in (
        ["due"],
        ["review", "--help"],
        ["review", "--limit", "0"],
        ["review", "--limit", "five"],
        ["review", "--new", "-1"],
        ["review", "--new", "10001"],
        ["review", "--limit", "100001"],
        ["review", "--lang", "de"],
        ["review", "--deck"],
        ["review", "--deck="],
        ["--db=", "review"],
        ["--verbose", "review"],
        ["review", "extra"],
    ):
        assert fast_reading(args) is None, args


PROBE = """
import json, sys
import quizdock.cli.prompts
ask = quizdock.cli.prompts.Prompter.wait
def wait(self, key="reveal"):
    heavy = sorted(name for name in ("sqlalchemy", "typer", "alembic") if name in sys.modules)
    print("LOADED=" + json.dumps(heavy), flush=True)
    ask(self, key)
quizdock.cli.prompts.Prompter.wait = wait
sys.argv = ["quizdock", *sys.argv[1:]]
from quizdock.entry import main
main()
"""


def spawn(db_path: Path, decks: Path, *args: str) -> pexpect.spawn:
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "QUIZDOCK_DB": str(db_path),
        "QUIZDOCK_DECKS": str(decks),
        "TERM": "xterm",
        "QUIZDOCK_NOW": "2026-03-02T10:00:00+00:00",
        "PROMPT_TOOLKIT_NO_CPR": "1",
    }
    return pexpect.spawn(
        sys.executable, ["-c", PROBE, *args], env=env, encoding="utf-8", timeout=30, dimensions=(40, 120)
    )


def first_screen(child: pexpect.spawn) -> tuple[str, list[str]]:
    """The screen as the learner sees it (a terminal emulator: a status line the full path shows
    while it opens the database is gone by then), and the modules loaded."""
    import pyte

    child.expect(r"LOADED=(\[.*\])")
    loaded = child.match.group(1)
    rows, columns = child.getwinsize()
    screen = pyte.Screen(columns, rows)
    pyte.Stream(screen).feed(child.before)
    child.expect("Press Enter|Entrée pour voir")  # the prompt, in either language
    return "\n".join(line.rstrip() for line in screen.display).strip(), json.loads(loaded)


def first_screens(db_path: Path, decks: Path, args: list[str]) -> tuple[str, str]:
    """The first screen of the fast start, then of the Typer app, on the same command line."""
    quick = spawn(db_path, decks, *args)
    quick_screen, quick_loaded = first_screen(quick)
    quick.terminate(force=True)
    # The same command line through the Typer app: a touched deck file sends it there (and
    # the Typer app loads it again, so the next start is quick again).
    os.utime(decks / "alpha.toml")
    full = spawn(db_path, decks, *args)
    full_screen, full_loaded = first_screen(full)
    full.terminate(force=True)
    assert quick_loaded == [] and full_loaded == ["sqlalchemy", "typer"]
    return quick_screen, full_screen


def test_the_first_card_is_the_same_on_both_paths(store: Store, db_path: Path, decks: Path) -> None:
    for args in (["review"], ["review", "--deck", "beta", "--limit", "3"]):
        quick_screen, full_screen = first_screens(db_path, decks, args)
        assert "Card 1 of" in quick_screen and "Question" in quick_screen
        assert quick_screen == full_screen


def test_both_paths_speak_the_configured_language_unless_told(
    store: Store, db_path: Path, decks: Path, isolated_home: Path
) -> None:
    (isolated_home / "config.toml").write_text('lang = "fr"\n', encoding="utf-8")
    for args, spoken in ((["review"], "Carte 1 sur"), (["review", "-d", "alpha", "--lang", "en"], "Card 1 of")):
        quick_screen, full_screen = first_screens(db_path, decks, args)
        assert spoken in quick_screen, args
        assert quick_screen == full_screen


def test_a_quick_review_saves_its_answers_and_stops_on_ctrl_c(store: Store, db_path: Path, decks: Path) -> None:
    child = spawn(db_path, decks, "review", "--limit", "2")
    screen, loaded = first_screen(child)
    # The two due cards the limit keeps, then the two repeats owed from earlier today.
    assert loaded == [] and "Card 1 of 4" in screen and "Question a3?" in screen
    child.send("\r")
    child.expect("How well did you recall it")
    child.send("4")
    child.expect("Card 2 of 4")
    child.expect("Press Enter")
    child.sendintr()
    child.expect("Every answer given so far is saved")
    assert exit_status(child) == 130
    with sqlite3.connect(db_path) as conn:
        last = conn.execute("SELECT card_id, quality FROM reviews ORDER BY id DESC LIMIT 1").fetchone()
    assert last == ("alpha/a3", 4)


def cli_reading(args: list[str]) -> tuple[Path | None, ReviewOptions] | None:
    """How the Typer app reads a review command line (the same options, same values), or None
    where it refuses it, before any card: click's own refusals, a language quizdock has not
    (quizdock.cli.commands.common.language) and an empty deck (no deck has that id); nothing runs."""
    import typer

    from quizdock.cli.typer_app import app

    root = typer.main.get_command(app)
    try:
        with root.make_context("quizdock", list(args)) as ctx:
            words = [*getattr(ctx, "_protected_args", []), *ctx.args]  # click keeps the command's name apart
            name, command, rest = root.resolve_command(ctx, words)
            if name != "review":
                return None
            with command.make_context(name, rest, parent=ctx) as sub:
                params = sub.params
    except (typer.TyperException, SystemExit, Exception) as error:  # every refusal of the CLI
        if isinstance(error, (AssertionError, TypeError, AttributeError)):
            raise
        return None
    lang = params["lang"] if params["lang"] is not None else ctx.params.get("lang")
    if lang not in (None, "fr", "en") or params["deck"] == "":
        return None
    given = ctx.get_parameter_source("db").name == "COMMANDLINE"  # not QUIZDOCK_DB: the fast path reads that later
    db = ctx.params.get("db") if given else None
    options = ReviewOptions(deck=params["deck"], limit=params["limit"], new=params["new"], lang=params["lang"])
    return (Path(db).expanduser() if db else None), options


# Command lines the CLI takes, and the fast start leaves to it on purpose (each costs the fast
# start nothing to leave, and would cost a copy of click's reading to take).
LEFT_TO_THE_CLI = {
    ("review", "--limit", "+5"): "int() reads a sign",
    ("review", "--limit", " 5"): "int() reads spaces",
    ("review", "--limit", "\u0663"): "int() reads other digits than 0-9",
    ("--lang", "fr", "review"): "a global option before the command",
    ("--db", "~/q.sqlite3", "--lang", "en", "review"): "a global option before the command",
    ("--db=", "review"): "an empty --db, which the CLI reads as the default database",
}

SPELLINGS = [
    # Taken by both, with the same values.
    ["review"],
    ["review", "--deck", "basics"],
    ["review", "--deck=basics"],
    ["review", "-d", "basics"],
    ["review", "-dbasics"],
    ["review", "-d=basics"],
    ["review", "--deck", "basics", "--deck", "ports"],
    ["review", "--limit", "5"],
    ["review", "--limit=5", "--limit", "7"],
    ["review", "-n3"],
    ["review", "-n", "3", "--new", "0"],
    ["review", "--new=10000", "--limit=100000"],
    ["review", "--lang", "fr"],
    ["review", "--lang=en"],
    ["review", "--deck", "--limit"],
    ["--db", "~/q.sqlite3", "review", "--deck", "ports"],
    ["--db=/tmp/q.sqlite3", "review", "-n", "1", "--lang", "en", "-d", "a"],
    # Refused by both.
    ["review", "--deck=", "basics"],
    ["review", "--deck="],
    ["review", "-d"],
    ["review", "--limit"],
    ["review", "--limit", "0"],
    ["review", "--limit", "100001"],
    ["review", "--limit", "-5"],
    ["review", "--limit", "5.0"],
    ["review", "--limit="],
    ["review", "--new", "10001"],
    ["review", "--new", "-1"],
    ["review", "--new", "0x10"],
    ["review", "--lang", "de"],
    ["review", "--lang", "EN"],
    ["review", "--lang="],
    ["review", "--dec", "basics"],
    ["review", "-x"],
    ["review", "-"],
    ["--db", "review"],
    ["review", "basics"],
    ["review", "--", "--deck"],
    ["review", "--help"],
    ["review", "-h"],
    # Taken by the CLI only.
    *(list(args) for args in LEFT_TO_THE_CLI),
]


@pytest.mark.parametrize("args", SPELLINGS, ids=" ".join)
def test_the_fast_path_reads_a_review_command_line_exactly_as_the_cli(args: list[str]) -> None:
    """One reading of review's options: both parsers over the same command lines. What the CLI
    refuses, the fast path leaves to it (None); what the CLI takes, the fast path takes with the
    same values, but for the few spellings it leaves to the CLI on purpose."""
    fast, cli = fast_reading(args), cli_reading(args)
    if tuple(args) in LEFT_TO_THE_CLI:
        assert cli is not None and fast is None, args
    else:
        assert fast == cli, args


def test_the_spellings_cover_taken_and_refused_command_lines() -> None:
    """The comparison above is worth something only if both kinds are there."""
    readings = [fast_reading(args) for args in SPELLINGS]
    assert sum(reading is not None for reading in readings) >= 15
    assert sum(reading is None for reading in readings) >= 20
