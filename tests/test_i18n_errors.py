"""Errors speak the learner's language: each case under a French locale has no English sentence,
and under an English locale no French one (Docker's command names, options and addresses aside).

Also the texts quizdock builds before it knows where they are shown (a check's verdict, in both
languages), calendar days, and rich's wrapping of French lines (never before « : » or « » »).
"""

from __future__ import annotations

import io
import os
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizdock.cli.charts import MONTHS
from quizdock.cli.typer_app import app
from quizdock.errors import ExitCode
from quizdock.i18n import NNBSP, bilingual, bilingual_n, calendar_day, gettext_in
from tests.conftest import device_node

# Words of one language that the other does not write in a sentence. Docker's own words
# (container, image, volume, registry, pull, push, login, prune, socket...) are in neither list.
ENGLISH = {
    "the", "and", "of", "to", "is", "are", "was", "your", "you", "with", "for", "this", "that", "from", "when",
    "which", "will", "not", "its", "be", "by", "each", "every", "then", "only", "into", "no", "cannot", "does",
    "there", "start", "fix", "error", "problem", "missing", "invalid", "unknown", "file", "folder",
    "directory", "database", "deck", "decks", "card", "cards", "challenge", "lab", "running", "answers",
    "nothing", "refused", "denied", "permission", "connection", "such", "must", "give", "set", "use", "or",
    "an", "it", "in", "at", "than", "should", "could", "may", "has", "have", "another", "newer", "older",
}  # fmt: skip
FRENCH = {
    "le", "la", "les", "des", "une", "est", "sont", "avec", "pour", "votre", "vos", "vous", "cette", "dans",
    "sur", "pas", "du", "au", "aux", "ou", "et", "ne", "il", "elle", "carte", "cartes", "paquet", "paquets",
    "défi", "défis", "labo", "erreur", "problème", "solution", "fichier", "dossier", "base", "valeur",
    "inconnue", "manquant", "démarrez", "lancez", "retirez", "corrigez", "donnez", "aucun", "aucune",
    "impossible", "joindre", "répond", "refusée", "tourne", "adresse",
}  # fmt: skip


COMMAND_WORDS = (
    "deck|decks|challenge|check|run|list|lab|env|up|down|status|test|export|csv|anki|review|stats|due|doctor"
    "|leeches|suspend|unsuspend"
)
NOT_PROSE = re.compile(
    "|".join(
        (
            r"\bquizdock(?: (?:" + COMMAND_WORDS + r"))*\b",  # a command line
            r"`[^`]*`",  # code
            r"\b(?:SQLite|tomllib)\u202f?: (?:«[^»]*»|\"[^\"]*\")",  # a library's own words, quoted as a detail
            r"'[^'\s]*'|\"[^\"\s]*\"|«\u202f?[^»\s]*\u202f?»",  # a value quoted as data
            r"\S*[/_.=:<>@\\-]\S*",  # paths, options, addresses, NAME=value, ids
            r"\{[^}]*\}",  # placeholders
        )
    )
)


def prose_words(output: str) -> set[str]:
    """The words of the sentences: not command lines, code in backticks, options, paths, addresses,
    variables (NAME=value), ids, nor values quoted as data ('x', « x », "x" without spaces inside)."""
    return {word.lower() for word in re.findall(r"[^\W\d_]+", NOT_PROSE.sub(" ", output))}


@dataclass
class Case:
    """A command that fails, the scene it fails in, and the exit code README documents for it."""

    name: str
    args: list[str]
    exit_code: int
    env: dict[str, str] = field(default_factory=dict)
    scene: Callable[[Path], dict[str, str]] | None = None  # builds files; returns more env


def bad_config(text: str) -> Callable[[Path], dict[str, str]]:
    def build(home: Path) -> dict[str, str]:
        (home / "config.toml").write_text(text, encoding="utf-8")
        return {}

    return build


def config_not_utf8(home: Path) -> dict[str, str]:
    (home / "config.toml").write_bytes('lang = "français"\n'.encode("latin-1"))
    return {}


def deck_not_toml(home: Path) -> dict[str, str]:
    decks = home / "decks"
    decks.mkdir()
    (decks / "mine.toml").write_text('[deck]\nid = "mine"\ntitle.fr "Le mien"\n', encoding="utf-8")
    return {"QUIZDOCK_DECKS": str(decks)}


def config_under_a_file(home: Path) -> dict[str, str]:
    (home / "notes.txt").write_text("mine", encoding="utf-8")
    return {"QUIZDOCK_CONFIG": str(home / "notes.txt" / "config.toml")}


def config_is_a_folder(home: Path) -> dict[str, str]:
    (home / "config.toml").mkdir()
    return {}


def database_is_a_folder(home: Path) -> dict[str, str]:
    (home / "quizdock.sqlite3").mkdir()
    return {}


def database_of_another_program(home: Path) -> dict[str, str]:
    import sqlite3

    with sqlite3.connect(home / "quizdock.sqlite3") as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        conn.execute("INSERT INTO alembic_version VALUES ('ffffffffffff')")
    conn.close()
    return {}


def database_of_notes(home: Path) -> dict[str, str]:
    (home / "quizdock.sqlite3").write_bytes(b"these are my notes, not a database\n" * 200)
    return {}


def database_cut_short(home: Path) -> dict[str, str]:
    from quizdock.storage.migrate import upgrade

    path = home / "quizdock.sqlite3"
    upgrade(path)
    path.write_bytes(path.read_bytes()[:-100])
    return {}


def database_with_a_zeroed_page(home: Path) -> dict[str, str]:
    """A quizdock database whose decks table's page is zeros: SQLite's check names it, in English."""
    import sqlite3

    from quizdock.storage.migrate import upgrade

    path = home / "quizdock.sqlite3"
    upgrade(path)
    with sqlite3.connect(path) as conn:
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'decks'").fetchone()[0]
        page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * page : root * page] = bytes(page)
    path.write_bytes(bytes(data))
    return {}


def export_target(kind: str) -> Callable[[Path], dict[str, str]]:
    def build(home: Path) -> dict[str, str]:
        target = home / "target"
        if kind == "folder":
            target.mkdir()
        elif kind == "fifo":
            os.mkfifo(target)
        elif kind == "link":
            (home / "real.txt").write_text("mine", encoding="utf-8")
            target.symlink_to(home / "real.txt")
        elif kind == "device":
            return {"TARGET": str(device_node(home))}
        return {"TARGET": str(target)}

    return build


def closed_port(home: Path) -> dict[str, str]:
    """A TCP port nothing listens on (bound, never listening: connections are refused)."""
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    CLOSED_SOCKETS.append(holder)
    return {"DOCKER_HOST": f"tcp://127.0.0.1:{holder.getsockname()[1]}"}


CLOSED_SOCKETS: list[socket.socket] = []
NO_DOCKER = {"DOCKER_HOST": "unix:///nonexistent/docker.sock"}

CASES = [
    # The command line
    Case("unknown command", ["stat"], ExitCode.USAGE),
    Case("unknown option", ["review", "--bogus"], ExitCode.USAGE),
    Case("limit out of range", ["review", "--limit", "0"], ExitCode.USAGE),
    Case("limit not a number", ["review", "--new", "x"], ExitCode.USAGE),
    Case("unknown language", ["decks", "--lang", "de"], ExitCode.USAGE),
    Case("unknown shell", ["lab", "env", "--shell", "tcsh"], ExitCode.USAGE),
    Case("missing argument", ["challenge", "check"], ExitCode.USAGE),
    Case("extra argument", ["due", "surplus"], ExitCode.USAGE),
    Case("QUIZDOCK_NOW not a date", ["stats"], ExitCode.USAGE, env={"QUIZDOCK_NOW": "yesterday"}),
    Case("QUIZDOCK_NOW out of range", ["stats"], ExitCode.USAGE, env={"QUIZDOCK_NOW": "1999-01-01T00:00:00+00:00"}),
    # Unknown ids
    Case("unknown deck", ["stats", "--deck", "volumez"], ExitCode.NOT_FOUND),
    Case("unknown card", ["suspend", "nope"], ExitCode.NOT_FOUND),
    Case("unknown challenge", ["challenge", "check", "nope"], ExitCode.NOT_FOUND),
    Case("unknown challenge to prove", ["deck", "test", "nope"], ExitCode.NOT_FOUND),
    # Settings
    Case("config: unknown language", ["decks"], ExitCode.USAGE, scene=bad_config('lang = "xx"\n')),
    Case("config: new cards out of range", ["decks"], ExitCode.USAGE, scene=bad_config("new_per_day = -3\n")),
    Case("config: a folder", ["decks"], ExitCode.USAGE, scene=config_is_a_folder),
    Case("config: not TOML", ["decks"], ExitCode.USAGE, scene=bad_config('lang = "fr"\nnew_per_day 3\n')),
    Case("config: text without quotes", ["decks"], ExitCode.USAGE, scene=bad_config("lang = fr\n")),
    Case("config: an unclosed array", ["decks"], ExitCode.USAGE, scene=bad_config("lab = [1, 2\n")),
    Case("config: a key twice", ["decks"], ExitCode.USAGE, scene=bad_config("lab = 1\nlab = 2\n")),
    Case("config: not UTF-8", ["decks"], ExitCode.USAGE, scene=config_not_utf8),
    Case("config: under a file", ["decks"], ExitCode.USAGE, scene=config_under_a_file),
    # Decks and database
    Case("deck folder missing", ["decks"], ExitCode.DECK, scene=lambda home: {"QUIZDOCK_DECKS": str(home / "gone")}),
    Case("deck file not TOML", ["deck", "check"], ExitCode.DECK, scene=deck_not_toml),
    Case("database a folder", ["decks"], ExitCode.DATABASE, scene=database_is_a_folder),
    Case("database of another program", ["decks"], ExitCode.DATABASE, scene=database_of_another_program),
    Case("database not SQLite", ["decks"], ExitCode.DATABASE, scene=database_of_notes),
    Case("database cut short", ["decks"], ExitCode.DATABASE, scene=database_cut_short),
    Case("database page zeroed", ["stats"], ExitCode.DATABASE, scene=database_with_a_zeroed_page),
    # No terminal
    Case("review without a terminal", ["review"], ExitCode.NOT_A_TERMINAL),
    # Export
    Case("export to a folder", ["export", "csv", "-o", "{TARGET}"], ExitCode.USAGE, scene=export_target("folder")),
    Case("export to a FIFO", ["export", "csv", "-o", "{TARGET}"], ExitCode.USAGE, scene=export_target("fifo")),
    Case("export to a link", ["export", "anki", "-o", "{TARGET}"], ExitCode.USAGE, scene=export_target("link")),
    Case("export to a device", ["export", "csv", "-o", "{TARGET}"], ExitCode.USAGE, scene=export_target("device")),
    Case("export to a missing folder", ["export", "csv", "-o", "{DOCKER_CONFIG}/missing/out.txt"], ExitCode.USAGE),
    # /sys refuses a new file, even to root (permission denied, or a read-only file system)
    Case("export where the system refuses", ["export", "csv", "-o", "/sys/quizdock-out.txt"], ExitCode.USAGE),
    # Docker away
    Case("doctor, no Docker", ["doctor"], ExitCode.DOCKER, env=NO_DOCKER),
    Case("doctor, bad address", ["doctor"], ExitCode.DOCKER, env={"DOCKER_HOST": "bogus"}),
    Case("doctor, no port", ["doctor"], ExitCode.DOCKER, env={"DOCKER_HOST": "tcp://"}),
    Case("doctor, unknown scheme", ["doctor"], ExitCode.DOCKER, env={"DOCKER_HOST": "foo://bar"}),
    Case("doctor, refused", ["doctor"], ExitCode.DOCKER, scene=closed_port),
    Case("doctor, missing context", ["doctor"], ExitCode.DOCKER, env={"DOCKER_CONTEXT": "gone"}),
    Case("lab status, no Docker", ["lab", "status"], ExitCode.DOCKER, env=NO_DOCKER),
    Case("lab env, refused", ["lab", "env"], ExitCode.DOCKER, scene=closed_port),
    Case("lab up, no Docker", ["lab", "up"], ExitCode.DOCKER, env=NO_DOCKER),
    Case("deck test, no Docker", ["deck", "test", "tag"], ExitCode.DOCKER, env=NO_DOCKER),
]
LANGUAGES = [("fr_FR.UTF-8", ENGLISH), ("en_US.UTF-8", FRENCH)]


def run_case(case: Case, lang_env: str, home: Path) -> tuple[int, str]:
    env = {"LANG": lang_env, "COLUMNS": "100", "DOCKER_CONFIG": str(home / "docker-config"), **case.env}
    (home / "docker-config").mkdir(exist_ok=True)
    if case.scene is not None:
        env.update(case.scene(home))
    args = [arg.format(**env) if "{" in arg else arg for arg in case.args]
    for name in ("DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"):
        env.setdefault(name, None)  # type: ignore[arg-type]  # None: removed for the run
    try:
        result = CliRunner().invoke(app, args, env=env)
    finally:
        while CLOSED_SOCKETS:
            CLOSED_SOCKETS.pop().close()
    assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.output)
    return result.exit_code, result.output


@pytest.mark.parametrize(("lang_env", "foreign"), LANGUAGES, ids=["fr", "en"])
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_an_error_speaks_the_learners_language(
    case: Case, lang_env: str, foreign: set[str], isolated_home: Path
) -> None:
    code, output = run_case(case, lang_env, isolated_home)
    assert code == case.exit_code, (code, output)
    assert output.strip()
    assert not prose_words(output) & foreign, (sorted(prose_words(output) & foreign), output)
    if lang_env.startswith("fr"):
        assert re.search(r"Erreur\u202f:|Problème\u202f:", output), output
        assert not re.search(r" [:;!?](\s|$)", output), output  # a plain space where a narrow one belongs
    else:
        assert re.search(r"Error:|Problem:", output), output


def case_named(name: str) -> Case:
    return next(case for case in CASES if case.name == name)


@pytest.mark.parametrize(
    ("name", "french", "english"),
    [
        (
            "config: not TOML",
            "ligne 2, colonne 13\u202f: une clé doit être suivie de = et de sa valeur",
            "line 2, column 13",
        ),
        ("config: text without quotes", "ligne 1, colonne 8\u202f: une valeur doit être", "line 1, column 8"),
        (
            "deck file not TOML",
            "ligne 3\u202f: TOML invalide à la colonne 10\u202f:",
            "line 3: invalid TOML at column 10:",
        ),
        ("config: under a file", "ne peut pas exister\u202f: ", "cannot exist: "),
        ("database not SQLite", "(ce n'est pas une base SQLite)", "(it is not an SQLite database)"),
        (
            "database cut short",
            "octets, n'est pas un nombre entier de pages de 4\u202f096 octets",
            "bytes, is not a whole number of 4,096-byte pages",
        ),
        (
            "database page zeroed",
            "(SQLite\u202f: «\u202fdatabase disk image is malformed\u202f»)",
            '(SQLite: "database disk image',
        ),
    ],
)
def test_a_librarys_english_is_told_in_french_with_its_place(
    name: str, french: str, english: str, isolated_home: Path, tmp_path: Path
) -> None:
    """The TOML reader's and SQLite's faults: the cause said in each language (the library's words only
    quoted), with the line and column the reader gives."""
    outputs = {}
    for lang_env in ("fr_FR.UTF-8", "en_US.UTF-8"):
        home = tmp_path / lang_env
        home.mkdir()
        case = case_named(name)
        env = {"QUIZDOCK_DB": str(home / "quizdock.sqlite3"), "QUIZDOCK_CONFIG": str(home / "config.toml")}
        outputs[lang_env[:2]] = run_case(
            Case(case.name, case.args, case.exit_code, {**case.env, **env}, case.scene), lang_env, home
        )[1]
    flat = {lang: " ".join(output.split("\n")) for lang, output in outputs.items()}
    assert french in flat["fr"], flat["fr"]
    assert english in flat["en"], flat["en"]


def test_the_word_lists_catch_the_other_language() -> None:
    """The check above can fail: an English error under a French locale is caught, and the reverse."""
    english = "Error: The lab is not running.\nFix: Start it with `quizdock lab up`."
    french = "Erreur\u202f: Le labo ne tourne pas.\nSolution\u202f: Démarrez-le avec `quizdock lab up`."
    assert prose_words(english) & ENGLISH and not prose_words(english) & FRENCH
    assert prose_words(french) & FRENCH and not prose_words(french) & ENGLISH
    quoted = "Erreur\u202f: La base est endommagée (SQLite\u202f: «\u202fdatabase disk image is malformed\u202f»)."
    assert not prose_words(quoted) & ENGLISH  # a library's words, quoted after the cause, are a detail
    assert prose_words(quoted.replace("SQLite\u202f: ", "")) & ENGLISH  # but only quoted as the library's


def test_a_number_and_its_unit_stay_together_in_french() -> None:
    """``12 s``, ``4 min``, ``64 Mio``: a narrow no-break space, never a plain one (a line would break there)."""
    from babel.messages.pofile import read_po

    from quizdock.i18n import LOCALE_DIR

    with (LOCALE_DIR / "fr" / "LC_MESSAGES" / "quizdock.po").open("rb") as source:
        catalogue = read_po(source, locale="fr")
    units = r"(?:\}|\d)[ \u00a0]?(?:s|ms|min|h|j|o|Kio|Mio|Gio|Ko|Mo|Go)\b"
    loose = [
        text
        for entry in catalogue
        if entry.id
        for text in (entry.string if isinstance(entry.string, tuple) else (entry.string,))
        if re.search(units, text)
    ]
    assert not loose


@pytest.mark.docker
def test_lab_not_running_speaks_the_learners_language(isolated_home: Path) -> None:
    """On a real engine with no lab of this learner: `lab env` says so, exit 8, in each language."""
    case = Case("lab env, no lab", ["lab", "env"], ExitCode.LAB)
    for lang_env, foreign in LANGUAGES:
        env_host = os.environ.get("DOCKER_HOST")
        case.env = {"DOCKER_HOST": env_host} if env_host else {}
        code, output = run_case(case, lang_env, isolated_home)
        assert code == ExitCode.LAB, output
        assert not prose_words(output) & foreign, (sorted(prose_words(output) & foreign), output)


# --- texts made in both languages at once -----------------------------------------------------


def test_a_check_verdict_is_in_both_languages_from_the_catalogue() -> None:
    from quizdock.lab.conditions.base import diff, status_words

    verdict = diff(status_words("exited", 1), bilingual("{flags} missing", flags=bilingual("-i and -t")))
    assert verdict.en == "expected: exited (code 1); actual: -i and -t missing"
    assert verdict.fr == f"attendu{NNBSP}: arrêté (exited, code 1){NNBSP}; constaté{NNBSP}: il manque -i et -t"
    one, two = (bilingual_n("{count} layer added", "{count} layers added", n, count=n) for n in (1, 2))
    assert (one.fr, two.fr, one.en, two.en) == (
        "1 couche ajoutée",
        "2 couches ajoutées",
        "1 layer added",
        "2 layers added",
    )


# Words only English sentences use: none of them is a Docker name, option or status word.
ENGLISH_GRAMMAR = {
    "the", "and", "of", "to", "is", "are", "was", "your", "you", "with", "for", "this", "that", "from", "when",
    "which", "will", "not", "its", "be", "by", "each", "every", "then", "only", "into", "cannot", "does", "there",
}  # fmt: skip


def test_no_french_translation_keeps_english_words() -> None:
    """Every French message of the catalogue (checks, steps, errors...) is French through and through."""
    from babel.messages.pofile import read_po

    from quizdock.i18n import LOCALE_DIR

    with (LOCALE_DIR / "fr" / "LC_MESSAGES" / "quizdock.po").open("rb") as source:
        catalogue = read_po(source, locale="fr")
    english = []
    for entry in catalogue:
        for text in (entry.string if isinstance(entry.string, tuple) else (entry.string,)) if entry.id else ():
            if prose_words(text) & ENGLISH_GRAMMAR:
                english.append((text, sorted(prose_words(text) & ENGLISH_GRAMMAR)))
    assert not english


# --- dates ------------------------------------------------------------------------------------


def test_a_calendar_day_in_each_language() -> None:
    assert calendar_day(date(2026, 12, 1), "en") == "Dec 1, 2026"
    assert calendar_day(date(2026, 12, 1), "fr") == "1 déc. 2026"
    assert calendar_day(date(2027, 5, 9), "fr") == "9 mai 2027"
    months_fr = {calendar_day(date(2026, m, 1), "fr").split()[1] for m in range(1, 13)}
    assert len(months_fr) == 12  # juin and juil. are told apart
    heatmap_months = [gettext_in("fr", month) for month in MONTHS]
    assert heatmap_months[5:7] == ["juin", "juil"]  # French abbreviations, not "jun"/"jul"
    assert len(set(heatmap_months)) == 12


# --- rich never breaks a line at a narrow no-break space --------------------------------------


def test_a_long_french_line_never_wraps_before_a_colon() -> None:
    from quizdock.cli.commands.common import console

    words = ["Réponse", "Attendu", "Pourquoi", "Constaté"]
    line = " ".join(f"{words[i % 4]}{NNBSP}: «{NNBSP}docker ps{NNBSP}»{NNBSP}; mot{i}{NNBSP}!" for i in range(40))
    out = console()
    for width in range(24, 90):
        out.file = io.StringIO()
        out.width = width
        out.print(line)
        lines = out.file.getvalue().splitlines()
        assert len(lines) > 1
        assert not [row for row in lines if row.lstrip()[:1] in (":", ";", "!", "?", "»")], width
        assert not [row for row in lines if row.rstrip().endswith("«")], width


def test_a_french_error_wraps_whole_at_a_narrow_terminal(isolated_home: Path) -> None:
    """Through the real command: doctor's problem and fix, French, on a 40-column terminal."""
    env = {"LANG": "fr_FR.UTF-8", "COLUMNS": "40", **NO_DOCKER, "DOCKER_CONFIG": str(isolated_home)}
    result = CliRunner().invoke(app, ["doctor"], env=env)
    assert result.exit_code == ExitCode.DOCKER, result.output
    lines = result.output.splitlines()
    assert any(line.startswith(f"Problème{NNBSP}:") for line in lines), result.output
    assert not [line for line in lines if line.lstrip()[:1] in (":", ";", "!", "?", "»")], result.output


def test_a_challenge_that_makes_its_own_console_keeps_narrow_spaces(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`run_session` given no console makes one: rich must not break a line at a narrow space there either."""
    from rich import _wrap

    from quizdock.cli.challenge_terminal import run_session
    from quizdock.decks.catalog import find_card
    from quizdock.errors import DockerUnavailable

    monkeypatch.setattr(_wrap, "re_word", re.compile(r"\s*\S+\s*"))  # rich's own: \s matches U+202F
    monkeypatch.setenv("QUIZDOCK_LAB", "off")
    monkeypatch.setenv("DOCKER_HOST", NO_DOCKER["DOCKER_HOST"])
    with pytest.raises(DockerUnavailable):
        run_session(find_card("tag"), "fr", ask=lambda: "")
    assert [word for _, _, word in _wrap.words(f"Réponse{NNBSP}: oui")] == [f"Réponse{NNBSP}: ", "oui"]
