"""Write the command tables of README.md from the command line itself: ``python tools/docs.py``.

Each table sits between ``<!-- commands: NAME -->`` and ``<!-- end of commands -->`` in README.md
and lists the commands of ``TABLES[NAME]``: each one's synopsis, built from its options and
arguments, and the first paragraph of its help (English, the catalogue's message ids). Every
command of the CLI is in one table. ``--check`` writes nothing and exits 1 when README.md is not
what this script would write; tests/test_packaging.py checks it.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"

TABLES: dict[str, list[tuple[str, ...]]] = {
    "daily": [("review",), ("due",), ("decks",), ("cards",), ("card",), ("unbury",), ("deck", "check")],
    "progress": [("stats",), ("leeches",), ("suspend",), ("unsuspend",)],
    "scheduling": [("optimize",), ("simulate",)],
    "challenges": [("challenge", "list"), ("challenge", "run"), ("challenge", "check"), ("deck", "test"), ("doctor",)],
    "lab": [("lab", "up"), ("lab", "status"), ("lab", "env"), ("lab", "down")],
    "export": [("export", "anki"), ("export", "csv")],
    "shell": [("completion",)],
}


def commands() -> dict[tuple[str, ...], Any]:
    """Every command of the CLI that runs something (groups left out), by its path, with its help in English."""
    import typer

    from quizdock.cli.clicktext import localize
    from quizdock.cli.typer_app import app
    from quizdock.i18n import set_language

    set_language("en")
    root = typer.main.get_command(app)
    localize(root)
    ctx = typer.Context(root, info_name="quizdock")
    found: dict[tuple[str, ...], Any] = {}

    def walk(group: Any, path: tuple[str, ...]) -> None:
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            if hasattr(command, "list_commands"):
                walk(command, (*path, name))
            else:
                found[(*path, name)] = command

    walk(root, ())
    return found


def synopsis(path: tuple[str, ...], command: Any) -> str:
    """``quizdock challenge check ID [--watch] [--timeout SECONDS] [--lang fr|en]``: arguments, then options."""
    words = ["quizdock", *path]
    for param in command.params:
        if param.param_type_name == "argument":
            name = param.metavar or param.name.upper()
            name = f"{name}..." if param.nargs != 1 else name
            words.append(name if param.required else f"[{name}]")
    for param in command.params:
        if param.param_type_name == "option" and not param.hidden:
            option = next((opt for opt in param.opts if opt.startswith("--")), param.opts[0])
            if not param.is_flag and not param.count:
                option = f"{option} {param.metavar or param.name.upper()}"
            words.append(option if param.required else f"[{option}]")
    return " ".join(words)


def summary(command: Any) -> str:
    """The first paragraph of a command's help, on one line."""
    return " ".join(inspect.cleandoc(command.help or "").split("\n\n", 1)[0].split())


def cell(text: str) -> str:
    return text.replace("|", "\\|")


def table(name: str, found: dict[tuple[str, ...], Any]) -> str:
    rows = ["| command | what it does |", "|---|---|"]
    for path in TABLES[name]:
        command = found[path]
        rows.append(f"| `{cell(synopsis(path, command))}` | {cell(summary(command))} |")
    return "\n".join(rows) + "\n"


def render(readme: str) -> str:
    """``readme`` with each command table written anew from the CLI."""
    found = commands()
    listed = [path for paths in TABLES.values() for path in paths]
    missing = sorted(set(found) - set(listed))
    if missing:
        raise SystemExit(f"tools/docs.py: commands in no README table (add them to TABLES): {missing}")
    unknown = sorted(set(listed) - set(found))
    if unknown:
        raise SystemExit(f"tools/docs.py: TABLES names commands the CLI does not have: {unknown}")
    from tools import blocks

    present = blocks.names(readme, "commands")
    if sorted(present) != sorted(TABLES):
        raise SystemExit(f"tools/docs.py: README.md has the tables {present}, expected one each of {list(TABLES)}")
    return blocks.fill(readme, "commands", lambda name: table(name, found))


def main(argv: list[str]) -> int:
    readme = README.read_text(encoding="utf-8")
    written = render(readme)
    if "--check" in argv:
        if written != readme:
            print("README.md's command tables differ from the CLI: run python tools/docs.py", file=sys.stderr)
            return 1
        return 0
    if written != readme:
        README.write_text(written, encoding="utf-8")
        print("README.md: command tables written")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    raise SystemExit(main(sys.argv[1:]))
