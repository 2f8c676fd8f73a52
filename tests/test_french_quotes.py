"""A value quoted in a message (a card id, a setting, what the learner typed) reads « x » in
French, with narrow no-break spaces inside, and 'x' in English; never Python's repr quotes in
French. The messages are checked where they are written (no repr() nor !r in a message) and on
what real commands print."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizdock.cli.typer_app import app
from quizdock.i18n import Text, bilingual, gettext_in, quoted, quoted_text
from tests.conftest import REPO

NNBSP = "\u202f"
PACKAGE = REPO / "quizdock"
MESSAGE_FUNCTIONS = {"_", "N_", "gettext_in", "ngettext", "ngettext_in", "bilingual", "bilingual_n", "_say"}


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _is_message_call(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and _name(node.func) in MESSAGE_FUNCTIONS


def _repr_conversions(node: ast.expr) -> bool:
    """Whether a message literal formats a value with !r."""
    text = node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""
    return "!r}" in text


def test_no_message_quotes_a_value_with_repr() -> None:
    """A value formatted into a message goes through quoted()/quoted_text(), never repr() or !r
    (which would show 'x' in a French sentence)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            where = f"{path.relative_to(REPO)}:{node.lineno}"
            if _is_message_call(node) and any(_repr_conversions(arg) for arg in node.args):
                found.append(where)
            fills_a_message = _name(node.func) in ("bilingual", "bilingual_n") or (
                isinstance(node.func, ast.Attribute)
                and node.func.attr == "format"
                and _is_message_call(node.func.value)
            )
            values = [*node.args, *(keyword.value for keyword in node.keywords)]
            if fills_a_message:
                found += [where for value in values if isinstance(value, ast.Call) and _name(value.func) == "repr"]
    assert found == []
    catalogue = (PACKAGE / "locale" / "fr" / "LC_MESSAGES" / "quizdock.po").read_text(encoding="utf-8")
    assert "!r}" not in catalogue


def test_a_value_is_quoted_as_each_language_quotes() -> None:
    assert quoted("mini/nope", "fr") == f"«{NNBSP}mini/nope{NNBSP}»"
    assert quoted("mini/nope", "en") == "'mini/nope'"
    assert quoted("a\x1b[2Jb\n", "fr") == f"«{NNBSP}a\\x1b[2Jb\\n{NNBSP}»"  # nothing drives the terminal
    assert quoted(f"dix{NNBSP}%", "fr") == f"«{NNBSP}dix{NNBSP}%{NNBSP}»"  # a no-break space stays one
    assert quoted(3, "fr") == "3" and quoted(["a"], "en") == "['a']"  # not text: as Python writes it
    assert (
        gettext_in("fr", "Card ids look like 'deck/slug'.")
        == f"Les id de carte ont la forme «{NNBSP}paquet/nom{NNBSP}»."
    )
    said = bilingual("you typed {given}", given=quoted_text("docker ps"))
    assert said == Text(fr=f"vous avez tapé «{NNBSP}docker ps{NNBSP}»", en="you typed 'docker ps'")


@pytest.fixture
def decks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "decks"
    directory.mkdir()
    (directory / "mini.toml").symlink_to(REPO / "tests" / "data" / "decks" / "mini.toml")
    monkeypatch.setenv("QUIZDOCK_DECKS", str(directory))
    return directory


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(
    ("args", "env", "value", "code"),
    [
        (["card", "mini/concpet"], {}, "mini/concpet", 7),  # with its "did you mean"
        (["cards", "--state", "lost"], {}, "lost", 2),
        (["cards", "--deck", "minni"], {}, "minni", 7),
        (["due"], {"QUIZDOCK_NOW": "yesterday"}, "yesterday", 2),
        (["decks"], {"QUIZDOCK_SCHEDULER": "anki"}, "anki", 2),
    ],
)
def test_real_errors_quote_values_as_the_language_does(
    decks: Path, lang: str, args: list[str], env: dict[str, str], value: str, code: int
) -> None:
    result = CliRunner().invoke(app, [*args, "--lang", lang], env=env)
    assert result.exit_code == code, result.output
    said = " ".join(result.output.split("\n"))  # a message wraps at spaces only, never at « or »
    assert quoted(value, "fr" if lang == "fr" else "en") in said, said
    if lang == "fr":
        assert f"'{value}'" not in said and f'"{value}"' not in said, said
        assert "'mini/concept'" not in said, said  # the "did you mean" too
    elif args[0] == "card":
        assert "Did you mean 'mini/concept'?" in said, said
