"""The Docker CLI model as data: Docker's facts (generated), quizdock's sentences and rules (by hand).

The generated file is checked for what it must hold (every command the decks and challenges
use); the regeneration script is run on a small reference tree written here in docker/cli's
layout; the teaching file is checked for both languages, French typography and references that
resolve.
"""

from __future__ import annotations

import json
import re
import runpy
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args

import pytest

from quizdock.challenges.model import sample_values, substitute
from quizdock.decks.loading import load_decks
from quizdock.grading import docker_cli
from quizdock.grading.commands import parse_command
from quizdock.grading.docker_cli import ALL_COMMANDS, BY_PATH, COMMANDS, ArgKind, ValueKind, build_model
from quizdock.grading.docker_cli_reference import OPTIONS_FIRST, REFERENCE, REPEATABLE_TYPES, SIGNALS, SOURCE
from tests.conftest import REPO

TOOL = REPO / "tools" / "docker_cli_reference.py"
TEACHING = REPO / "quizdock" / "grading" / "docker_cli_teaching.json"


def _teaching() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(TEACHING.read_text(encoding="utf-8"))
    return loaded


# --- The generated reference -------------------------------------------------------------------


def _used_commands() -> Iterator[tuple[str, str]]:
    """(where, command) for every docker command of the decks: answers, solutions, typed checks."""
    for deck in load_decks():
        for card in deck.cards:
            if card.kind == "command":
                for command in (card.answer, *card.alternatives):
                    yield card.id, str(command)
            if card.kind == "practical":
                values = sample_values(card.challenge)
                for step in card.challenge.solution:
                    if step.command.startswith("docker "):
                        yield card.id, substitute(step.command, values)
                for check in card.challenge.checks:
                    if check.condition == "typed_command":
                        yield card.id, substitute(str(check.args["command"]), {**values, "label": "x=y"})


def test_the_reference_covers_every_command_the_decks_and_challenges_use() -> None:
    used = list(_used_commands())
    hidden = {
        (tuple(name.split()), long)
        for name, command in _teaching()["commands"].items()
        for long, entry in command.get("options", {}).items()
        if isinstance(entry, dict) and "hidden" in entry
    }
    assert len(used) > 100  # the decks' answers, the challenges' solutions and typed checks
    for where, command in used:
        parsed = parse_command(command)
        assert parsed.command.path in REFERENCE, (where, command)
        assert parsed.command.modelled, (where, command)
        in_reference = {long for long, _, _, _ in REFERENCE[parsed.command.path][1]}
        for po in parsed.options:
            known = po.option.long in in_reference or (parsed.command.path, po.option.long) in hidden
            assert known or po.option is docker_cli.HELP, (where, command, po.written)


def test_the_reference_holds_every_command_of_docker_s_reference() -> None:
    assert SOURCE.startswith("docker/cli v")
    taught = {tuple(name.split()) for name in _teaching()["commands"]}
    assert taught < set(REFERENCE) and len(REFERENCE) > 120  # every command Docker documents
    assert {("volume", "update"), ("inspect",), ("service", "create"), ("trust", "key", "generate")} <= set(REFERENCE)
    assert len(COMMANDS) >= 38 and len(ALL_COMMANDS) == len(REFERENCE)
    for path, (aliases, options) in REFERENCE.items():
        assert path not in aliases
        assert all(
            long.startswith("--") and (short is None or re.fullmatch(r"-\w", short)) and re.fullmatch(r"[\w-]+", kind)
            for long, short, kind, _ in options
        ), path
    assert {"list", "filter", "map", "mount"} <= REPEATABLE_TYPES and "string" not in REPEATABLE_TYPES


def test_the_reference_holds_docker_s_facts_beside_the_options() -> None:
    # Defaults as the reference states them; commands that take their options first (cobra's
    # SetInterspersed(false)); the Linux signal table Docker parses signals with.
    ls = dict((o[0], o) for o in REFERENCE[("container", "ls")][1])
    assert ls["--last"] == ("--last", "-n", "int", "-1")
    assert dict((o[0], o) for o in REFERENCE[("container", "run")][1])["--memory"] == ("--memory", "-m", "bytes", "0")
    assert {
        ("container", "run"),
        ("container", "create"),
        ("container", "exec"),
        ("container", "commit"),
    } <= OPTIONS_FIRST
    assert ("container", "rm") not in OPTIONS_FIRST and set(REFERENCE) >= OPTIONS_FIRST
    assert SIGNALS["KILL"] == 9 and SIGNALS["TERM"] == 15 and SIGNALS["HUP"] == 1 and SIGNALS["USR1"] == 10
    assert SIGNALS["CLD"] == SIGNALS["CHLD"] == 17 and SIGNALS["RTMIN"] == 34 and SIGNALS["RTMAX"] == 64


def test_the_model_takes_docker_s_facts() -> None:
    ls = BY_PATH[("ps",)]
    assert ls.path == ("container", "ls")
    assert set(ls.aliases) == {("container", "list"), ("container", "ps"), ("ps",)}
    run = BY_PATH[("run",)]
    assert run.option("-p") is run.option("--publish") and run.option("-p").repeatable  # type: ignore[union-attr]
    assert run.option("--annotation") is not None  # in Docker's reference, with the generic sentences
    assert run.option("--network").repeatable  # type: ignore[union-attr]  # several networks, as Docker allows
    assert run.option("--detach").value == "bool" and not run.option("--detach").repeatable  # type: ignore[union-attr]
    # Kept from the teaching file: the value grammar, and spellings Docker accepts but hides.
    assert run.option("--publish").value == "publish"  # type: ignore[union-attr]
    assert run.option("--net") is run.option("--network")
    assert BY_PATH[("stop",)].option("--time") is BY_PATH[("stop",)].option("--timeout")
    assert BY_PATH[("volume", "create")].option("--name") is not None


# --- The regeneration script -----------------------------------------------------------------

PAGE = """\
# ps

<!---MARKER_GEN_START-->
List containers

### Aliases

`docker container ls`, `docker container list`, `docker ps`

### Options

| Name                          | Type     | Default | Description                       |
|:------------------------------|:---------|:--------|:----------------------------------|
| [`-a`](#all), [`--all`](#all) | `bool`   |         | Show all containers               |
| [`-f`](#filter), [`--filter`](#filter) | `filter` | | Filter output                     |
| `--format`                    | `string` |         | Format output:<br>'table': a table |
| `-n`, `--last`                | `int`    | `-1`    | Show n last created containers    |
| `--help`                      | `bool`   |         | Print usage                       |


<!---MARKER_GEN_END-->

## Examples

| `--not-an-option` | `bool` | | outside the generated part |
"""


def test_the_script_reads_docker_s_reference_pages(tmp_path: Path) -> None:
    tool = runpy.run_path(str(TOOL))
    pages = tmp_path / "docs" / "reference" / "commandline"
    pages.mkdir(parents=True)
    (pages / "container_ls.md").write_text(PAGE, encoding="utf-8")
    (pages / "ps.md").write_text(PAGE.replace("Show all containers", "the legacy page"), encoding="utf-8")
    (pages / "container_prune.md").write_text(
        PAGE.replace("### Aliases\n\n`docker container ls`, `docker container list`, `docker ps`\n", ""),
        encoding="utf-8",
    )
    group = "# container\n\n<!---MARKER_GEN_START-->\nManage containers\n\n### Subcommands\n\n<!---MARKER_GEN_END-->\n"
    (pages / "container.md").write_text(group, encoding="utf-8")
    (pages / "docker.md").write_text(group, encoding="utf-8")
    reference = tool["read_reference"](tmp_path)
    options = (
        ("--all", "-a", "bool", None),
        ("--filter", "-f", "filter", None),
        ("--format", None, "string", None),
        ("--last", "-n", "int", "-1"),
    )
    assert reference == {  # the legacy page is the same command; group pages are not commands
        ("container", "ls"): ((("container", "list"), ("ps",)), options),
        ("container", "prune"): ((), options),
    }

    namespace: dict[str, Any] = {}
    exec(tool["render"](reference, "docker/cli v0.0.0"), namespace)  # the module it writes loads
    assert namespace["SOURCE"] == "docker/cli v0.0.0" and namespace["REFERENCE"] == reference


def test_the_script_reads_the_option_order_and_the_signals_from_the_sources(tmp_path: Path) -> None:
    tool = runpy.run_path(str(TOOL))
    run = tmp_path / "cli" / "command" / "container" / "run.go"
    run.parent.mkdir(parents=True)
    run.write_text(
        'cmd := &cobra.Command{\n\tUse: "run [OPTIONS] IMAGE",\n\tAnnotations: map[string]string{\n'
        '\t\t"aliases": "docker container run, docker run",\n\t},\n}\nflags.SetInterspersed(false)\n',
        encoding="utf-8",
    )
    (run.parent / "rm.go").write_text('cmd := &cobra.Command{\n\tUse: "rm CONTAINER",\n}\n', encoding="utf-8")
    (run.parent / "run_test.go").write_text("flags.SetInterspersed(false)\n", encoding="utf-8")
    reference = {("container", "run"): ((), ()), ("container", "rm"): ((), ())}
    assert tool["read_options_first"](tmp_path, reference) == frozenset({("container", "run")})

    table, common, amd64 = (tmp_path / relative for relative in tool["SIGNAL_FILES"])
    for path in (table, common, amd64):
        path.parent.mkdir(parents=True, exist_ok=True)
    table.write_text(
        "const (\n\tsigrtmin = 34\n\tsigrtmax = 64\n)\nvar SignalMap = map[string]syscall.Signal{\n"
        '\t"KILL": unix.SIGKILL,\n\t"TERM": unix.SIGTERM,\n\t"USR1": unix.SIGUSR1,\n'
        '\t"RTMIN+1": sigrtmin + 1,\n\t"RTMAX-1": sigrtmax - 1,\n}\n',
        encoding="utf-8",
    )
    common.write_text("\tSIGKILL = syscall.Signal(0x9)\n\tSIGTERM = syscall.Signal(0xf)\n", encoding="utf-8")
    amd64.write_text("\tSIGUSR1 = syscall.Signal(0xa)\n", encoding="utf-8")
    assert tool["read_signals"](tmp_path) == {"KILL": 9, "TERM": 15, "USR1": 10, "RTMIN+1": 35, "RTMAX-1": 63}


def test_the_script_writes_options_that_commands_share_once() -> None:
    tool = runpy.run_path(str(TOOL))
    base = tuple((f"--option-{n}", None, "string", None) for n in range(10))
    reference = {
        ("container", "create"): ((), base),
        ("container", "run"): ((("run",),), tuple(sorted((*base, ("--detach", "-d", "bool", None))))),
        ("image", "push"): ((), base[:2]),  # short lists are written out, even when shared
        ("image", "pull"): ((), base[:2]),
    }
    text = tool["render"](reference, "docker/cli v0.0.0")
    assert text.count('("--option-9", None, "string", None)') == 1
    assert text.count('("--option-0", None, "string", None)') == 3
    namespace: dict[str, Any] = {}
    exec(text, namespace)
    assert namespace["REFERENCE"] == reference  # run: create's options and its own, sorted


def test_the_generated_module_is_what_the_script_writes() -> None:
    tool = runpy.run_path(str(TOOL))
    written = (REPO / "quizdock" / "grading" / "docker_cli_reference.py").read_text(encoding="utf-8")
    assert tool["render"](REFERENCE, SOURCE, OPTIONS_FIRST, SIGNALS) == written  # not edited by hand


@pytest.mark.parametrize(
    ("layout", "message"),
    [
        ({}, "is not a directory"),
        ({"container_ls.md": "# ps\nno generated part\n"}, "no generated section"),
        ({"container_ls.md": PAGE.replace("`bool`   |         | Show all", "bool | | Show all")}, "cannot read"),
        (
            {"container_ls.md": PAGE.replace("`docker container ls`", "`podman container ls`")},
            "does not start with docker",
        ),
    ],
)
def test_the_script_names_what_it_cannot_read(tmp_path: Path, layout: dict[str, str], message: str) -> None:
    if layout:
        pages = tmp_path / "docs" / "reference" / "commandline"
        pages.mkdir(parents=True)
        for name, text in layout.items():
            (pages / name).write_text(text, encoding="utf-8")
    tool = runpy.run_path(str(TOOL))
    with pytest.raises(tool["UnreadableReference"], match=message):
        tool["read_reference"](tmp_path)


def test_the_script_refuses_a_wrong_checkout_with_a_message(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(TOOL), str(tmp_path)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 1 and "give the root of a docker/cli checkout" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


# --- The teaching file -----------------------------------------------------------------------


def _texts(value: Any, where: str = "") -> Iterator[tuple[str, dict[str, str]]]:
    if isinstance(value, dict):
        if set(value) == {"fr", "en"}:
            yield where, value
            return
        for key, item in value.items():
            yield from _texts(item, f"{where}/{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _texts(item, f"{where}[{i}]")


def test_every_sentence_is_in_both_languages_with_french_typography() -> None:
    texts = list(_texts(_teaching()))
    assert len(texts) > 250
    bad = []
    for where, text in texts:
        assert text["fr"].strip() and text["en"].strip(), where
        assert re.findall(r"\{\w+\}", text["fr"]) == re.findall(r"\{\w+\}", text["en"]), where
        prose = re.sub(r"`[^`]*`|\{[^}]*\}", "", text["fr"])
        # A narrow no-break space before : ; ! ? and inside « », never a plain space or none.
        if re.search(r"(?<!\u202f)[;!?]|[^\u202f]:(?!\S)|«(?!\u202f)|(?<!\u202f)»", prose):
            bad.append((where, text["fr"]))
    assert not bad


OPTION_KEYS = {"hidden", "grammar", "harmless", "default", "group", "moves_to_arg", "format_equivalent", "aliases"}
ARG_KEYS = {"kind", "label", "required", "variadic", "without", "default"}


def test_every_entry_is_well_formed_and_every_name_resolves() -> None:
    teaching = _teaching()
    assert set(teaching) == {"about", "help", "other_options", "shared_options", "shared_args", "commands"}
    shared_options, shared_args = teaching["shared_options"], teaching["shared_args"]
    used_options: set[str] = set()
    used_args: set[str] = set()
    for name, command in teaching["commands"].items():
        assert set(command) <= {"meaning", "graded", "options_of", "options", "args", "other_options"}
        assert "meaning" in command, name
        if "options_of" in command:
            assert command["options_of"] in teaching["commands"], name
        for long, option in command.get("options", {}).items():
            if isinstance(option, str):
                assert option in shared_options, (name, long)
                used_options.add(option)
                option = shared_options[option]
            assert set(option) <= OPTION_KEYS | {"with", "without"}, (name, long)
            assert option.get("grammar", "string") in get_args(ValueKind), (name, long)
            assert option.get("hidden", "bool") in ("bool", "value", "list"), (name, long)
        for arg in command.get("args", ()):
            if isinstance(arg, str):
                assert arg in shared_args, name
                used_args.add(arg)
                arg = shared_args[arg]
            assert set(arg) <= ARG_KEYS and arg["kind"] in get_args(ArgKind), (name, arg)
    assert used_options == set(shared_options) and used_args == set(shared_args)  # nothing left unused


def test_an_option_docker_s_reference_lacks_must_be_declared_hidden() -> None:
    # The loader refuses an entry for an option Docker does not have: a typo or a stale entry.
    teaching = _teaching()
    options = teaching["commands"]["container ls"]["options"]
    options["--alll"] = options["--all"]
    with pytest.raises(
        ValueError, match="docker container ls --alll: not in Docker's reference, and not declared hidden"
    ):
        build_model(teaching)
    options["--alll"] = {"hidden": "bool", **options["--all"]}
    (ls,) = (c for c in build_model(teaching) if c.path == ("container", "ls"))
    assert ls.option("--alll") is not None
    correct = options["--all"]
    options["--all"] = {"grammar": "int", **correct}
    with pytest.raises(ValueError, match="--all: the teaching file reads it as int, Docker's reference as bool"):
        build_model(teaching)
    options["--all"] = correct
    teaching["commands"]["container lss"] = {"meaning": {"fr": "x", "en": "x"}}
    with pytest.raises(ValueError, match="docker container lss: not in Docker's reference"):
        build_model(teaching)
