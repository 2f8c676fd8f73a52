"""`quizdock stats`: exact figures over a review log built on fixed days, the charts, the JSON.

The log (local time UTC+1, today Tuesday 2026-03-31) is written answer by answer through
``Store.record_answer`` and ``scheduling.review``; every expected figure below is counted by
hand from the table in :func:`history`.
"""

from __future__ import annotations

import io
import json
import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console
from typer.testing import CliRunner

from quizdock.cli import charts
from quizdock.cli.charts import BarChart, Heatmap, bar, level, level_ranges
from quizdock.cli.commands.stats import duration, render_stats
from quizdock.cli.typer_app import app
from quizdock.storage.migrate import current_revision
from quizdock.storage.quick import count_due
from quizdock.storage.schema import HEAD_REVISION
from quizdock.storage.stats import DayActivity, Rate, collect, retention, streak
from quizdock.storage.store import Store
from tests.conftest import card_toml, deck_toml
from tests.test_storage import SEED_0001, migrate_to

TZ = timezone(timedelta(hours=1))
TODAY = date(2026, 3, 31)
NOW = datetime(2026, 3, 31, 20, 0, tzinfo=TZ)


def deck_file(deck_id: str, slugs: list[str]) -> str:
    cards = [
        card_toml(
            f"{deck_id}/{slug}",
            "concept",
            ["basics"],
            question=(f"Question {slug} ?", f"Question {slug} [OPTIONS]?"),
            explanation=("Parce que.", "Because."),
            fields=f'answer.fr = "Réponse {slug}"\nanswer.en = "Answer {slug}"\n',
        )
        for slug in slugs
    ]
    return deck_toml(deck_id, *cards)


def at(day: str, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=TZ)


def answer(store: Store, card_id: str, quality: int, when: datetime, *, repeat: bool = False, ms: int = 1000) -> None:
    """One answer as review gives it: SM-2 on the stored state, or a same-day repeat."""
    store.record_answer(
        card_id, quality=quality, answer="", duration_ms=ms, now=when, today=when.astimezone(TZ).date(), repeat=repeat
    )


@pytest.fixture
def decks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "decks"
    directory.mkdir()
    (directory / "alpha.toml").write_text(deck_file("alpha", ["a1", "a2", "a3", "a4", "a5", "a6"]))
    (directory / "beta.toml").write_text(deck_file("beta", ["b1", "b2", "b3", "b4"]))
    monkeypatch.setenv("QUIZDOCK_DECKS", str(directory))
    return directory


def history(store: Store, decks: Path) -> None:
    """The review log. Grades: 0-2 fail, 3-5 pass; (r) a same-day repeat; (!) a lapse.

    ======  ================================================================================
    card    answers (local days; 09:00 unless said)
    ======  ================================================================================
    a5      2025-03-31 5, 2025-04-01 5, 2026-01-05 5; then removed from its file (retired)
    a1      01-05 5, 01-06 5, 01-07 5, 01-08 5 (interval 48), 03-10 5 (mature, interval 140),
            03-28 2 (! mature), 03-28 5 (r), 03-29 4            -> young, EF 2.68, 1 lapse
    a2      01-09 4, 01-10 4, 01-11 3 (interval 15), 03-25 3 (interval 36),
            03-31 1 (! mature) 5 s, 03-31 3 (r) 4 s, 03-31 4 (r) 2 s -> learning, EF 1.68
    a3      01-12 5, 01-13 0 (!), 01-14 3, 03-01 1 (!), 03-02 4; buried until 04-01 -> young, EF 1.30
    a4      03-31 00:30 5 (3 s: 2026-03-30 23:30 UTC, a local 03-31 answer) -> young, EF 2.60
    b4      01-10 5, 01-11 5, 01-12 5, 01-13 5 (interval 48, due 03-02) -> mature, EF 2.90
    b2      03-26 00:30 5 (2026-03-25 23:30 UTC); then suspended -> EF 2.60
    b1      03-29 5, 03-30 5 (interval 6, due 04-05) -> young, EF 2.70
    a6, b3  never reviewed -> new
    ======  ================================================================================
    """
    store.sync_decks([decks], at("2025-03-01"))
    for day in ("2025-03-31", "2025-04-01", "2026-01-05"):
        answer(store, "alpha/a5", 5, at(day))
    for day in ("2026-01-05", "2026-01-06", "2026-01-07", "2026-01-08", "2026-03-10"):
        answer(store, "alpha/a1", 5, at(day, 10))
    for day, quality in (("2026-01-09", 4), ("2026-01-10", 4), ("2026-01-11", 3), ("2026-03-25", 3)):
        answer(store, "alpha/a2", quality, at(day))
    for day, quality in (("2026-01-12", 5), ("2026-01-13", 0), ("2026-01-14", 3), ("2026-03-01", 1), ("2026-03-02", 4)):
        answer(store, "alpha/a3", quality, at(day))
    for day in ("2026-01-10", "2026-01-11", "2026-01-12", "2026-01-13"):
        answer(store, "beta/b4", 5, at(day, 11))
    answer(store, "beta/b2", 5, at("2026-03-26", 0, 30))
    answer(store, "alpha/a1", 2, at("2026-03-28"))
    answer(store, "alpha/a1", 5, at("2026-03-28", 9, 5), repeat=True)
    answer(store, "alpha/a1", 4, at("2026-03-29"))
    answer(store, "beta/b1", 5, at("2026-03-29", 10))
    answer(store, "beta/b1", 5, at("2026-03-30"))
    answer(store, "alpha/a4", 5, at("2026-03-31", 0, 30), ms=3000)
    answer(store, "alpha/a2", 1, at("2026-03-31"), ms=5000)
    answer(store, "alpha/a2", 3, at("2026-03-31", 9, 5), repeat=True, ms=4000)
    answer(store, "alpha/a2", 4, at("2026-03-31", 9, 10), repeat=True, ms=2000)
    store.suspend("beta/b2", at("2026-03-31", 12))
    store.bury("alpha/a3", TODAY + timedelta(days=1))
    (decks / "alpha.toml").write_text(deck_file("alpha", ["a1", "a2", "a3", "a4", "a6"]))
    store.sync_decks([decks], at("2026-03-31", 12))


@pytest.fixture
def store(db_path: Path, decks: Path) -> Iterator[Store]:
    with Store.open(db_path) as opened:
        history(opened, decks)
        yield opened


def test_the_figures_of_a_long_review_log(store: Store) -> None:
    figures = collect(store, now=NOW, today=TODAY, new_per_day=10).to_json()
    assert figures["schema"] == 1 and figures["date"] == "2026-03-31" and figures["deck"] is None
    assert figures["generated_at"] == "2026-03-31T20:00:00+01:00"
    # a4 and a2 answered today; a2's first answer failed; 4 answers with the repeats; 3+5+4+2 s.
    # Due now: a1 (03-30) and b4 (03-02); b2 is suspended, a3 buried. New: a6, b3.
    assert figures["today"] == {"reviewed": 2, "correct": 1, "answers": 4, "time_ms": 14_000, "due": 2, "new_left": 2}
    # 03-28..03-31 now; 01-05..01-14 the longest (2025-03-31 and 04-01 make a run of 2).
    assert figures["streak"] == {"current": 4, "longest": 10}
    assert figures["heatmap"]["from"] == "2025-04-01" and figures["heatmap"]["to"] == "2026-03-31"
    assert figures["heatmap"]["answers"] == {
        "2025-04-01": 1,  # 2025-03-31 is 365 days back: outside
        "2026-01-05": 2,
        "2026-01-06": 1,
        "2026-01-07": 1,
        "2026-01-08": 1,
        "2026-01-09": 1,
        "2026-01-10": 2,
        "2026-01-11": 2,
        "2026-01-12": 2,
        "2026-01-13": 2,
        "2026-01-14": 1,
        "2026-03-01": 1,
        "2026-03-02": 1,
        "2026-03-10": 1,
        "2026-03-25": 1,
        "2026-03-26": 1,  # b2 at 00:30 local, still 03-25 in UTC
        "2026-03-28": 2,
        "2026-03-29": 2,
        "2026-03-30": 1,
        "2026-03-31": 4,
    }
    forecast = figures["forecast"]
    assert len(forecast) == 30 and forecast[0]["date"] == "2026-04-01" and forecast[-1]["date"] == "2026-04-30"
    # 04-01: a2, a4 and the buried a3; 04-05: b1.
    assert {f["date"]: f["due"] for f in forecast if f["due"]} == {"2026-04-01": 3, "2026-04-05": 1}
    # 7 days (03-25..03-31), first answers: a2 3, b2 5, a1 2 (mature), a1 4, b1 5, b1 5, a4 5, a2 1 (mature).
    # 30 days (03-02..03-31) add a3 4 on 03-02 and a1 5 (mature) on 03-10; a3's 03-01 is out.
    assert figures["retention"] == {
        "last_7_days": {
            "all": {"passed": 6, "total": 8, "rate": 0.75},
            "mature": {"passed": 0, "total": 2, "rate": 0.0},
        },
        "last_30_days": {
            "all": {"passed": 8, "total": 10, "rate": 0.8},
            "mature": {"passed": 1, "total": 3, "rate": 0.3333},
        },
    }
    assert figures["cards"] == {
        "decks": [
            # EF a1 2.68 + a2 1.68 + a3 1.30 + a4 2.60 = 8.26 / 4 = 2.065, half up.
            {"deck": "alpha", "new": 1, "learning": 1, "young": 3, "mature": 0, "suspended": 0, "retired": 1,
             "total": 6, "leeches": 0, "average_easiness": 2.07},
            # b1 2.70 + b2 2.60 + b4 2.90 = 8.20 / 3.
            {"deck": "beta", "new": 1, "learning": 0, "young": 1, "mature": 1, "suspended": 1, "retired": 0,
             "total": 4, "leeches": 0, "average_easiness": 2.73},
        ],
        "all": {"deck": "all", "new": 2, "learning": 1, "young": 4, "mature": 1, "suspended": 1, "retired": 1,
                "total": 10, "leeches": 0, "average_easiness": 2.35},
    }  # fmt: skip
    assert [(c["id"], c["easiness"], c["lapses"]) for c in figures["hardest"]["lowest_easiness"]] == [
        ("alpha/a3", 1.3, 2),
        ("alpha/a2", 1.68, 1),
    ]
    assert [(c["id"], c["easiness"], c["lapses"]) for c in figures["hardest"]["most_lapses"]] == [
        ("alpha/a3", 1.3, 2),
        ("alpha/a2", 1.68, 1),
        ("alpha/a1", 2.68, 1),
    ]
    assert figures["hardest"]["most_lapses"][1] == {
        "id": "alpha/a2", "deck": "alpha", "easiness": 1.68, "lapses": 1, "interval": 1, "repetitions": 0,
        "suspended": False,
    }  # fmt: skip
    assert figures["leeches"] == 0


def test_one_deck_only(store: Store) -> None:
    figures = collect(store, now=NOW, today=TODAY, new_per_day=10, deck="beta").to_json()
    assert figures["deck"] == "beta"
    assert figures["today"] == {"reviewed": 0, "correct": 0, "answers": 0, "time_ms": 0, "due": 1, "new_left": 1}
    assert figures["streak"] == {"current": 2, "longest": 4}  # nothing yet today: the run ending yesterday
    assert sum(figures["heatmap"]["answers"].values()) == 7
    assert figures["retention"]["last_7_days"] == {
        "all": {"passed": 3, "total": 3, "rate": 1.0},
        "mature": {"passed": 0, "total": 0, "rate": None},
    }
    assert [d["deck"] for d in figures["cards"]["decks"]] == ["beta"]
    assert figures["hardest"] == {"lowest_easiness": [], "most_lapses": []}


def test_new_cards_left_follow_the_daily_allowance(store: Store) -> None:
    # a4 was introduced today: 1 of an allowance of 2 is left, then none.
    assert collect(store, now=NOW, today=TODAY, new_per_day=2).today.new_left == 1
    assert collect(store, now=NOW, today=TODAY, new_per_day=1).today.new_left == 0


def test_the_day_after_and_the_day_after_that(store: Store) -> None:
    tomorrow = collect(store, now=NOW + timedelta(days=1), today=TODAY + timedelta(days=1), new_per_day=10)
    assert tomorrow.streak.current == 4  # the day is not over: yesterday's run still counts
    assert tomorrow.today.due == 5  # a1, b4, and today a2, a4 and the buried a3
    assert tomorrow.today.new_left == 2
    later = collect(store, now=NOW + timedelta(days=2), today=TODAY + timedelta(days=2), new_per_day=10)
    assert later.streak.current == 0 and later.streak.longest == 10


def test_the_local_day_follows_the_utc_offset(store: Store) -> None:
    # Seen from UTC, b2's answer (00:30 at UTC+1) was on 03-25, a4's on 03-30.
    figures = collect(store, now=NOW.astimezone(UTC), today=TODAY, new_per_day=10).to_json()
    answers = figures["heatmap"]["answers"]
    assert "2026-03-26" not in answers and answers["2026-03-25"] == 2
    assert answers["2026-03-30"] == 2 and answers["2026-03-31"] == 3


# --- pure functions ----------------------------------------------------------------------


def test_streaks() -> None:
    days = [date(2026, 1, d) for d in (1, 2, 3, 5, 6, 9, 10, 11, 12)]
    assert streak(days, date(2026, 1, 12)) == streak(days, date(2026, 1, 13))
    assert streak(days, date(2026, 1, 12)).current == 4 and streak(days, date(2026, 1, 12)).longest == 4
    assert streak(days, date(2026, 1, 14)).current == 0
    assert streak(days, date(2026, 1, 6)).current == 2
    assert streak([], date(2026, 1, 1)) == streak([], date(2026, 1, 1)).__class__(0, 0)


def test_retention_windows_include_both_ends() -> None:
    activity = [
        DayActivity(date(2026, 3, 24), 9, 0, 5, 5, 1, 1),  # one day before the 7-day window
        DayActivity(date(2026, 3, 25), 3, 0, 2, 1, 2, 1),
        DayActivity(date(2026, 3, 31), 4, 0, 3, 3, 0, 0),
    ]
    result = retention(activity, date(2026, 3, 31), 7)
    assert (result.all, result.mature) == (Rate(4, 5), Rate(1, 2))
    assert Rate(2, 3).rate == 0.6667 and Rate(0, 0).rate is None


def test_durations_in_each_language() -> None:
    times = (0, 12_400, 245_000, 3_725_000)
    assert [duration(ms, "en") for ms in times] == ["0s", "12s", "4m 05s", "1h 02m"]
    s = "\u202f"  # a narrow no-break space between a number and its unit
    assert [duration(ms, "fr") for ms in times] == [f"0{s}s", f"12{s}s", f"4{s}min 05{s}s", f"1{s}h 02{s}min"]


# --- charts ------------------------------------------------------------------------------


def render(renderable: object, width: int = 80) -> list[str]:
    out = io.StringIO()
    Console(file=out, width=width, no_color=True, highlight=False, force_terminal=False).print(renderable)
    return out.getvalue().splitlines()


def test_density_levels_and_their_legend() -> None:
    assert [level(n, 12) for n in (0, 1, 3, 4, 6, 7, 9, 10, 12)] == [0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert level_ranges(12) == [(1, 1, 3), (2, 4, 6), (3, 7, 9), (4, 10, 12)]
    assert level_ranges(2) == [(2, 1, 1), (4, 2, 2)]
    assert level_ranges(0) == []


def test_the_heatmap_fits_80_columns_without_colour() -> None:
    counts = {date(2026, 3, 31): 12, date(2026, 3, 30): 1, date(2026, 1, 5): 6, date(2025, 4, 1): 9}
    lines = render(Heatmap(counts, date(2026, 3, 31)))
    assert len(lines) == 9  # months, 7 weekdays, legend
    assert all(cell_len(line) <= 80 for line in lines)
    assert lines[0].split() == ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]
    tuesday = lines[2]  # 2026-03-31 is a Tuesday: the last cell of its row
    assert tuesday.startswith("Tue ") and tuesday[4:].endswith("·█")  # 03-24 nothing, 03-31 the busiest
    assert lines[1][4:].endswith("░")  # Monday 03-30: 1 of 12
    assert lines[3].endswith("· ") and len(lines[3]) == len(lines[2])  # Wednesday 04-01: not yet, a blank cell
    assert lines[-1] == "answers per day: · 0  ░ 1-3  ▒ 4-6  ▓ 7-9  █ 10-12"
    cells = "".join(line[4:] for line in lines[1:8])
    assert cells.count("█") == 1 and cells.count("▓") == 1 and cells.count("▒") == 1 and cells.count("░") == 1
    assert cells.count("·") == 365 - 4


def test_the_heatmap_drops_old_weeks_on_a_narrow_terminal() -> None:
    lines = render(Heatmap({date(2026, 3, 31): 1}, date(2026, 3, 31), lang="fr"), width=30)
    assert all(cell_len(line) <= 30 for line in lines)
    assert lines[2].startswith("mar ") and len(lines[2]) == 30 and lines[2].endswith("█")
    assert lines[-1].startswith("réponses par jour")


def test_bars_and_the_bar_chart() -> None:
    assert bar(0, 10, 20) == "" and bar(10, 10, 20) == "█" * 20 and bar(5, 10, 3) == "█▌"
    assert bar(1, 1000, 10) == "▏"  # never invisible above zero
    lines = render(BarChart([("Wed  1 Apr", 3), ("Thu  2 Apr", 0), ("Fri  3 Apr", 12)]))
    assert lines[0].startswith("Wed  1 Apr  3 ") and lines[1] == "Thu  2 Apr  0 "
    assert lines[2] == "Fri  3 Apr 12 " + "█" * 66 and all(cell_len(line) <= 80 for line in lines)


def test_the_whole_stats_screen_at_80_columns(store: Store) -> None:
    lines = render_lines(store, "en")
    assert all(cell_len(line) <= 80 for line in lines), [line for line in lines if cell_len(line) > 80]
    text = "\n".join(lines)
    assert "2 cards reviewed, 1 right on first answer · 4 answers in 14s" in text
    assert "Due now: 2 · new cards left today: 2" in text
    assert "Streak: 4 days (longest: 10 days)" in text
    assert "The last year: 30 answers on 20 days · busiest: Mar 31, 2026 with 4 answers" in text
    # The forecast's bars: 80 columns less the label (10), the number (1) and 2 spaces: 67 for 3 cards.
    assert "Wed  1 Apr 3 " + "█" * 67 in lines and "Sun  5 Apr 1 " + "█" * 22 + "▍" in lines
    assert "Thu  2 Apr 0 " in lines and "Thu 30 Apr 0 " in lines
    assert "75.0% (6/8)" in text and "0.0% (0/2)" in text and "80.0% (8/10)" in text and "33.3% (1/3)" in text
    assert any(line.split() == ["alpha", "1", "1", "3", "0", "0", "1", "6", "2.07"] for line in lines)
    assert any(line.split() == ["all", "2", "1", "4", "1", "1", "1", "10", "2.35"] for line in lines)
    assert any(line.split() == ["alpha/a3", "1.30", "2", "1", "day"] for line in lines)
    assert "No leeches: no card has lapsed 8 times." in text


def test_the_stats_screen_in_french(store: Store) -> None:
    text = "\n".join(render_lines(store, "fr"))
    # French plurals (1 is singular), decimal commas, and a narrow no-break space before : and %.
    assert "2 cartes révisées, 1 juste du premier coup" in text
    assert "Série\u202f: 4 jours (record\u202f: 10 jours)" in text
    assert "75,0\u202f% (6/8)" in text and "33,3\u202f% (1/3)" in text
    assert any(line.split() == ["alpha/a3", "1,30", "2", "1", "jour"] for line in text.splitlines())
    assert any(line.split() == ["tous", "2", "1", "4", "1", "1", "1", "10", "2,35"] for line in text.splitlines())
    assert "mer  1 avr 3" in text
    flowing = re.sub(r" *\n", " ", text)  # the line is longer than 80 columns
    assert (
        "La dernière année\u202f: 30 réponses sur 20 jours · jour le plus actif\u202f: 31 mars 2026 avec 4 réponses"
        in flowing
    )
    assert "4 réponses en 14\u202fs" in text


def test_every_counted_noun_follows_its_languages_plural(db_path: Path, decks: Path) -> None:
    """Nothing answered yet: 0 is singular in French, plural in English; one answer is singular in both."""
    with Store.open(db_path) as empty:
        empty.sync_decks([decks], NOW)
        assert "La dernière année\u202f: 0 réponse sur 0 jour\n" in "\n".join(render_lines(empty, "fr")) + "\n"
        assert "The last year: 0 answers on 0 days\n" in "\n".join(render_lines(empty, "en")) + "\n"
        answer(empty, "alpha/a1", 5, NOW, ms=0)
        french, english = (re.sub(r" *\n", " ", "\n".join(render_lines(empty, lang))) for lang in ("fr", "en"))
    assert "1 carte révisée, 1 juste du premier coup · 1 réponse en 0\u202fs" in french
    assert (
        "La dernière année\u202f: 1 réponse sur 1 jour · jour le plus actif\u202f: 31 mars 2026 avec 1 réponse"
        in french
    )
    assert "1 card reviewed, 1 right on first answer · 1 answer in 0s" in english
    assert "The last year: 1 answer on 1 day · busiest: Mar 31, 2026 with 1 answer" in english


def render_lines(store: Store, lang: str, width: int = 80) -> list[str]:
    out = io.StringIO()
    figures = collect(store, now=NOW, today=TODAY, new_per_day=10)
    render_stats(figures, Console(file=out, width=width, no_color=True, highlight=False), lang)  # type: ignore[arg-type]
    return out.getvalue().splitlines()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_whole_stats_screen_at_60_columns_cuts_nothing(store: Store, lang: str) -> None:
    """Headings, deck names and column headers whole: wrapped where needed, never cut."""
    lines = render_lines(store, lang, width=60)
    assert all(cell_len(line) <= 60 for line in lines), [line for line in lines if cell_len(line) > 60]
    assert not [line for line in lines if "…" in line], lines
    retention = {"fr": "notée 3 ou plus", "en": "graded 3 or more"}[lang]
    assert retention in " ".join(" ".join(lines).split())


# --- the commands ------------------------------------------------------------------------


def test_stats_json_on_the_command_line(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIZDOCK_NOW", NOW.isoformat())
    result = CliRunner().invoke(app, ["stats", "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["today"]["due"] == 2 and figures["streak"] == {"current": 4, "longest": 10}
    assert figures["cards"]["all"]["total"] == 10
    result = CliRunner().invoke(app, ["stats", "--deck", "beta", "--json"])
    assert json.loads(result.output)["cards"]["all"]["total"] == 4


def test_stats_on_the_command_line_without_colour(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIZDOCK_NOW", NOW.isoformat())
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")
    result = CliRunner().invoke(app, ["stats", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "\x1b[" not in result.output
    assert all(cell_len(line) <= 80 for line in result.output.splitlines())
    assert "Streak: 4 days (longest: 10 days)" in result.output


def test_stats_of_an_unknown_deck(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    result = CliRunner().invoke(app, ["stats", "--deck", "bta"])
    assert result.exit_code != 0
    assert "Did you mean 'beta'?" in result.output or "Did you mean 'beta'?" in str(result.exception)


def test_suspend_and_unsuspend_on_the_command_line(store: Store) -> None:
    result = CliRunner().invoke(app, ["suspend", "beta/b3"])  # a new card: it has no state row
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Suspended beta/b3")
    assert "beta/b3" not in store.new_card_ids(10, today=TODAY)
    assert "already suspended" in CliRunner().invoke(app, ["suspend", "beta/b3"]).output
    result = CliRunner().invoke(app, ["unsuspend", "beta/b3"])
    assert result.exit_code == 0 and "back in the reviews" in result.output
    assert "beta/b3" in store.new_card_ids(10, today=TODAY)
    assert "was not suspended" in CliRunner().invoke(app, ["unsuspend", "beta/b3"]).output


# --- the migration -----------------------------------------------------------------------


def test_migrating_0001_to_head_keeps_every_row(db_path: Path) -> None:
    migrate_to(db_path, "0001")
    with sqlite3.connect(db_path) as conn:
        for statement in SEED_0001:
            conn.execute(statement)
        before = {
            t: conn.execute(f"SELECT * FROM {t}").fetchall() for t in ("decks", "cards", "card_states", "reviews")
        }
    conn.close()
    with Store.open(db_path) as opened:
        assert current_revision(db_path) == HEAD_REVISION
        assert opened.due_card_ids(date(2026, 1, 2)) == ["mini/concept"]
    with sqlite3.connect(db_path) as conn:
        after = {t: conn.execute(f"SELECT * FROM {t}").fetchall() for t in before}
        columns = [row[1] for row in conn.execute("PRAGMA table_info(cards)")]
    conn.close()
    assert columns[-3:] == ["suspended_at", "suspended_reason", "buried_until"]
    assert after["cards"] == [(*row, None, None, None) for row in before["cards"]]
    assert after["decks"] == [(*row, None, None) for row in before["decks"]]  # 0003: file size and time
    # 0004: no repeat owed; 0005: no memory state, the schedule and due day are SM-2's
    assert after["card_states"] == [(*row, None, None, None, None, None) for row in before["card_states"]]
    assert after["reviews"] == before["reviews"]


def test_easiness_of_the_hardest_is_exact(store: Store) -> None:
    lowest = collect(store, now=NOW, today=TODAY, new_per_day=10).lowest_easiness
    assert lowest[0].easiness == Decimal("1.30") and lowest[0].interval == 1


def test_a_card_owing_a_repeat_today_is_due_now(db_path: Path) -> None:
    from quizdock.support.paths import bundled_decks_dir

    with Store.open(db_path) as fresh:
        fresh.sync_decks([bundled_decks_dir()], NOW)
        fresh.record_answer("basics/public-registry", quality=3, answer="", duration_ms=1000, now=NOW, today=TODAY)
        figures = collect(fresh, now=NOW, today=TODAY, new_per_day=10)
        # Hard (3): SM-2 says tomorrow, the session owes it a repeat today; the repeat changes
        # nothing in the schedule, so tomorrow it is due again, as `quizdock due` will say then.
        assert figures.today.due == 1
        assert figures.forecast[0].due == 1
    tomorrow = count_due(db_path, TODAY + timedelta(days=1))
    assert tomorrow == figures.forecast[0].due


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_month_of_the_year_is_named_whatever_the_day(lang: str) -> None:
    """Each month that starts in the grid is labelled, août after juil included, on any day of the
    year: a label that would touch the one before it moves right, inside its month."""
    from quizdock.i18n import gettext_in

    names = [gettext_in(lang, month) for month in charts.MONTHS]
    for offset in range(0, 366, 2):
        today = date(2026, 1, 1) + timedelta(days=offset)
        first_monday = today - timedelta(days=today.weekday()) - timedelta(weeks=52)
        started = {(first_monday + timedelta(weeks=w)).month for w in range(1, 53)}
        started -= {first_monday.month}  # the first column's month shares its first week with the grid's edge
        labels = render(Heatmap({today: 1}, today, lang=lang))[0].split()
        assert {names[m - 1] for m in started} <= set(labels), (today, labels)
