"""Every message in French and English: the catalogues, French typography, and the CLI in both languages."""

from __future__ import annotations

import io
import os
import re
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from typer.testing import CliRunner

from quizdock.cli.typer_app import app
from quizdock.i18n import LOCALE_DIR, NNBSP, number, percent
from tools import messages as catalogue_tool

FRENCH_PO = LOCALE_DIR / "fr" / "LC_MESSAGES" / "quizdock.po"
CATALOGUES = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/quizdock.po"))


def read_catalogue(path: Path) -> Catalog:
    with path.open("rb") as source:
        return read_po(source, locale=path.parts[-3])


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def as_tuple(value: str | tuple[str, ...] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    return value if isinstance(value, tuple) else (value,)


@pytest.fixture(scope="module")
def french() -> Catalog:
    return read_catalogue(FRENCH_PO)


def test_every_language_has_a_catalogue() -> None:
    assert [po.parts[-3] for po in CATALOGUES] == ["fr"]  # English is the code's own text


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: po.parts[-3])
def test_every_message_of_the_code_has_a_translation(po: Path) -> None:
    catalogue = read_catalogue(po)
    missing, untranslated = [], []
    for _, _, message, _, _ in catalogue_tool.messages():
        key = message[0] if isinstance(message, tuple) else message
        entry = catalogue.get(key)
        forms = catalogue.num_plurals if isinstance(message, tuple) else 1
        if entry is None:
            missing.append(key)
        elif entry.fuzzy or not all(as_tuple(entry.string)) or len(as_tuple(entry.string)) != forms:
            untranslated.append(key)
    assert not missing, f"not in {po} (run python tools/messages.py): {missing}"
    assert not untranslated, f"to translate in {po}: {untranslated}"


def test_no_message_hides_inside_an_f_string() -> None:
    """The extraction reads calls, not f-strings' insides: a message there would go untranslated unseen."""
    from tests.conftest import REPO

    hidden = [
        f"{path.relative_to(REPO)}:{number}"
        for path in sorted((REPO / "quizdock").rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\{(_|N_|ngettext|gettext_in|ngettext_in)\(", line)
    ]
    assert not hidden


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: po.parts[-3])
def test_a_translation_has_the_placeholders_of_its_message(po: Path) -> None:
    differ = []
    for entry in read_catalogue(po):
        if not entry.id:
            continue
        expected = set().union(*(placeholders(text) for text in as_tuple(entry.id)))
        for text in as_tuple(entry.string):
            if placeholders(text) != expected:
                differ.append((entry.id, text))
    assert not differ


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: po.parts[-3])
def test_the_catalogues_keep_no_message_the_code_no_longer_has(po: Path) -> None:
    used = {m[0] if isinstance(m, tuple) else m for _, _, m, _, _ in catalogue_tool.messages()}
    stale = [
        entry.id
        for entry in read_catalogue(po)
        if entry.id and (entry.id[0] if entry.pluralizable else entry.id) not in used
    ]
    assert not stale, "run python tools/messages.py"


def test_the_compiled_catalogue_is_the_po_compiled() -> None:
    """The .mo that quizdock reads is committed: it must be what compiling the .po gives."""
    for po in CATALOGUES:
        compiled = io.BytesIO()
        write_mo(compiled, read_catalogue(po))
        assert po.with_suffix(".mo").read_bytes() == compiled.getvalue(), f"run python tools/messages.py ({po})"


def test_french_typography(french: Catalog) -> None:
    """A narrow no-break space before : ; ! ? and inside « », never a plain space or none."""
    bad = []
    for entry in french:
        for text in as_tuple(entry.string) if entry.id else ():
            prose = re.sub(r"`[^`]*`|\{[^}]*\}|\[/?[a-z ]*\]|::|https?://\S+", "", text)
            if re.search(r"(?<!\u202f)[;!?]|[^\u202f]:(?!\S)|«(?!\u202f)|(?<!\u202f)»", prose):
                bad.append(text)
            if re.search(r" [:;!?%](?=\s|$)", text):
                bad.append(text)
    assert not bad


def test_numbers_in_both_languages() -> None:
    assert number(1234.5, 1, "en") == "1,234.5" and number(1234.5, 1, "fr") == f"1{NNBSP}234,5"
    assert percent(73.66, 1, "en") == "73.7%" and percent(73.66, 1, "fr") == f"73,7{NNBSP}%"


# --- the command line in each language ---------------------------------------------------------

# Words of one language that the other never uses in a sentence (metavars such as DECK included).
ENGLISH = {"the", "and", "of", "to", "is", "are", "your", "you", "with", "for", "this", "that", "show", "from",
           "when", "which", "will", "not", "its", "be", "by", "each", "every", "then", "only", "into", "no",
           "missing", "invalid", "error", "usage", "such", "default", "required", "try", "help", "did", "mean",
           "cards", "card", "got", "unexpected", "extra", "value", "range", "file", "deck", "decks",
           "challenge", "challenges", "lab", "commands", "print", "list", "command", "args", "path", "seconds",
           "var", "start"}  # fmt: skip
FRENCH = {"le", "la", "les", "des", "une", "est", "avec", "pour", "votre", "vous", "cette", "dans", "sur", "pas",
          "sont", "du", "au", "aux", "ou", "et", "carte", "cartes", "paquet", "paquets", "défi", "défis", "labo",
          "erreur", "utilisation", "aide", "afficher", "inconnue", "manquant", "valeur", "intervalle", "commande",
          "commandes", "chemin", "fichier", "secondes", "obligatoire", "défaut"}  # fmt: skip


def words(output: str) -> set[str]:
    """The words of the prose, metavars and the brackets after an option's text included; without
    code in backticks, Anki's own menu names (quoted in « » or " "), option names, paths, file
    names and ids (words joined by / _ . : = or -), and quizdock's command names."""
    prose = re.sub(r"`[^`]*`|«[^»]*»|\"[^\"]*\"", " ", output)
    prose = re.sub(r"(?<![\w-])--?\w[\w-]*", " ", prose)
    prose = re.sub(r"\S*(?:[/_=]|::|\w[.:-]\w)\S*", " ", prose)
    return {word.lower() for word in re.findall(r"[^\W\d_]+", prose) if word not in COMMAND_NAMES}


COMMAND_NAMES = {"quizdock", "deck", "decks", "lab", "challenge", "check", "list", "review", "due", "stats", "export",
                 "env", "up", "down", "status", "anki", "csv", "run", "test", "doctor", "leeches", "suspend",
                 "unsuspend", "cards", "card", "unbury"}  # fmt: skip

# What typer shows for a value it has no name for: {ID} for a required argument, <str>, <int range>...
PLACEHOLDER = re.compile(r"\{[A-Za-z_]+\}|<(?:str|int|float|integer|text|path|file|filename|boolean|choice)[a-z ]*>")


def all_commands() -> list[list[str]]:
    import typer

    root = typer.main.get_command(app)
    commands: list[list[str]] = [[]]
    for name in root.list_commands(None):  # type: ignore[attr-defined]
        commands.append([name])
        sub = root.get_command(None, name)  # type: ignore[attr-defined]
        if hasattr(sub, "list_commands"):
            commands += [[name, inner] for inner in sub.list_commands(None)]
    return commands


ERROR_CASES = (
    ["stat"],
    ["review", "--bogus"],
    ["review", "--limit", "0"],
    ["review", "--limit", "x"],
    ["challenge", "check"],
    ["challenge", "check", "nope"],
    ["review", "--lang", "de"],
    ["decks", "--lang", "de"],
    ["stats", "--deck", "volumez"],
    # a folder under a file of the repository: it can never be made, so nothing is ever written
    ["export", "csv", "-o", str(Path(__file__).parent / "conftest.py" / "dir" / "out.txt")],
    ["lab", "env", "--shell", "tcsh"],
    ["review"],
    ["due", "surplus"],
    ["deck", "check"],
    ["decks"],
)


def run(args: list[str], lang_env: str) -> str:
    result = CliRunner().invoke(app, args, env={"LANG": lang_env, "COLUMNS": "100"})
    assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.output)
    return result.output


@pytest.mark.parametrize(("lang_env", "foreign"), [("fr_FR.UTF-8", ENGLISH), ("en_US.UTF-8", FRENCH)])
def test_every_help_screen_speaks_the_learners_language(lang_env: str, foreign: set[str]) -> None:
    commands = all_commands()
    assert ["deck", "test"] in commands and ["lab", "env"] in commands and ["export", "anki"] in commands
    for args in commands:
        output = run([*args, "--help"], lang_env)
        assert output.startswith("Utilisation" if lang_env.startswith("fr") else "Usage"), (args, output)
        assert not words(output) & foreign, (args, sorted(words(output) & foreign), output)
        assert not PLACEHOLDER.search(output), (args, output)
        # Only the learner's concerns: no module of quizdock is named (quizdock.apkg is a file).
        assert set(re.findall(r"quizdock\.(\w+)", output)) <= {"apkg", "txt", "fish"}, (args, output)


def test_the_help_checks_catch_the_other_language() -> None:
    """The checks above would see typer's own words and placeholders, had they come back."""
    english_help = "  --shell <str>  [default: sh; required]\n  ID  [env var: X]\n  -d, --deck DECK  [1<=x<=5]"
    assert {"default", "required", "deck", "var"} <= words(english_help) & ENGLISH
    assert PLACEHOLDER.search("Usage: quizdock suspend [OPTIONS] {ID}") and PLACEHOLDER.search("-n <int range>")
    assert {"paquet", "commande"} <= words("Utilisation : quizdock [OPTIONS] COMMANDE\n  -d, --deck PAQUET") & FRENCH
    assert not words("`docker ps -a` « Import any learning progress » docs/json-output.md new_per_day --with-progress")


@pytest.mark.parametrize(("lang_env", "foreign"), [("fr_FR.UTF-8", ENGLISH), ("en_US.UTF-8", FRENCH)])
def test_quizdock_alone_says_what_to_do_next(lang_env: str, foreign: set[str]) -> None:
    """Through the real entry point: the commands to start with, exit 0, in the learner's language."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "quizdock"],
        env={**os.environ, "LANG": lang_env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for command in ("quizdock review", "quizdock decks", "quizdock challenge list", "quizdock --help"):
        assert f"  {command} " in done.stdout, done.stdout
    assert not words(done.stdout) & foreign, (sorted(words(done.stdout) & foreign), done.stdout)
    assert not done.stderr


@pytest.mark.parametrize(("lang_env", "foreign"), [("fr_FR.UTF-8", ENGLISH), ("en_US.UTF-8", FRENCH)])
def test_errors_and_messages_speak_the_learners_language(lang_env: str, foreign: set[str]) -> None:
    for args in ERROR_CASES:
        output = run(args, lang_env)
        assert output.strip(), args
        assert not words(output) & foreign, (args, sorted(words(output) & foreign), output)


def test_lang_anywhere_on_the_command_line_chooses_the_language_of_the_help() -> None:
    for args in (["--lang", "fr", "review", "--help"], ["review", "--lang=fr", "--help"]):
        assert run(args, "en_US.UTF-8").startswith("Utilisation\u202f: quizdock review"), args
    assert run(["review", "--help", "--lang", "en"], "fr_FR.UTF-8").startswith("Usage: quizdock review")


def test_the_config_chooses_the_language_before_the_help(isolated_home: Path) -> None:
    (isolated_home / "config.toml").write_text('lang = "fr"\n')
    assert run(["--help"], "en_US.UTF-8").startswith("Utilisation")
    (isolated_home / "config.toml").write_text("lang = [broken\n")
    assert run(["--help"], "en_US.UTF-8").startswith("Usage")  # the command reports a broken config


def test_plurals_in_each_language(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import REPO

    monkeypatch.setenv("QUIZDOCK_DECKS", str(REPO / "tests" / "data" / "decks"))  # one deck
    assert re.match(r"1 paquet, \d+ cartes\u202f: tout est valide\.", run(["deck", "check"], "fr_FR.UTF-8"))
    assert re.match(r"1 deck, \d+ cards: all valid\.", run(["deck", "check"], "en_US.UTF-8"))


def test_ranges_in_words_in_help_and_errors() -> None:
    assert "[de 1 à 100\u202f000]" in re.sub(r"[ \n]+", " ", run(["review", "--help"], "fr_FR.UTF-8"))
    assert "0 n'est pas dans l'intervalle de 1 à 100\u202f000." in run(["review", "--limit", "0"], "fr_FR.UTF-8")
    assert "0 is not in the range 1 to 100,000." in run(["review", "--limit", "0"], "en_US.UTF-8")
    assert "-1.0 is not in the range 0 or more." in run(["challenge", "check", "x", "--timeout", "-1"], "en_US.UTF-8")


def test_quizdock_with_options_but_no_command_says_what_to_do_next_too() -> None:
    result = CliRunner().invoke(app, ["--lang", "fr"], env={"LANG": "en_US.UTF-8"})
    assert result.exit_code == 0, result.output
    assert result.output.startswith("quizdock ") and "Pour commencer\u202f:" in result.output
    refused = CliRunner().invoke(app, ["--lang", "de"], env={"LANG": "en_US.UTF-8"})
    assert refused.exit_code == 2 and "'de' is not a language quizdock has" in refused.output


def test_lang_works_after_every_command() -> None:
    """README: `--lang fr|en`, before or after the command, for every command that runs something."""
    import typer

    root = typer.main.get_command(app)
    leaves = [args for args in all_commands() if args and not hasattr(_command_at(root, args), "list_commands")]
    assert ["deck", "check"] in leaves and ["deck", "test"] in leaves and ["completion"] in leaves
    refused = []
    for args in leaves:
        result = CliRunner().invoke(app, [*args, "--lang", "fr", "--help"], env={"LANG": "en_US.UTF-8"})
        if result.exit_code != 0 or not result.output.startswith("Utilisation"):
            refused.append(args)
    assert refused == []


def _command_at(root: object, args: list[str]) -> object:
    command = root
    for name in args:
        command = command.get_command(None, name)  # type: ignore[attr-defined]
    return command
