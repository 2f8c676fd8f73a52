"""Fuzz: hostile deck files, extreme command lines and settings, through the real CLI.

A seeded generator (the same cases at every run; change SEED to explore) makes 600 deck files
and 240 command lines with their environment. Each one must end with a documented exit code,
no traceback, no control byte printed, and no file written but the database and the export
path; a deck that `deck check` accepts must hold only solution steps that are safe.
"""

from __future__ import annotations

import json
import os
import random
import shlex
import shutil
import string
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from quizdock.cli.typer_app import app
from quizdock.decks.cards import PracticalCard
from quizdock.errors import ExitCode
from tests.conftest import REPO, device_node
from tests.test_hostile_steps import task_card

SEED = 17
DECKS = 600
COMMAND_LINES = 240
DOCUMENTED = {int(code) for code in ExitCode}
# Terminal control: C0 (less newline and tab), DEL and C1.
CONTROL = {chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))}

MINI = (REPO / "tests" / "data" / "decks" / "mini.toml").read_text()
PRACTICAL = task_card(
    "mini/task",
    "[STEP]",
    params='{ site = "name", src = "dir", port = "port" }',
    question=("Une tâche {site}.", "A task {site}."),
)

ESCAPES = [
    "\x1b]52;c;cm0gLXJmIH4=\x07",
    "\x1b[2J\x1b[H",
    "\x1b]8;;http://x\x1b\\l\x1b]8;;\x1b\\",
    "\x9b31m",
    "\r",
    "\x00",
    "\x7f",
    "\x08\x08",
    "\u202e",
    "\u00a0",
]
MARKUP = ["[/bold]", "[red]", "[link=file:///etc]x[/link]", "[/]", "[bold", "\\[", ":warning:"]
HOSTILE_STEPS = [
    "docker container run -v /:/host busybox",
    "docker container run -v /var/run/docker.sock:/s busybox",
    "docker container run --mount type=bind,source=/etc,target=/e busybox",
    "docker container run --privileged busybox",
    "docker container run --cap-add=ALL busybox",
    "docker container run --device=/dev/sda busybox",
    "docker container run --security-opt seccomp=unconfined busybox",
    "docker container run --pid=host --network host busybox",
    "docker container run --userns host busybox",
    "docker\u00a0/x.sh",
    "docker\u2003container ls",
    "sudo docker container ls",
    "/bin/sh -c 'docker ps'",
    "docker system prune -af --volumes",
    "docker container rm -f learners-db",
    "docker -H tcp://1.2.3.4 container ls",
    "docker container run -v {src}/..:/x busybox",
    "docker container run -v {site}/../../etc:/x busybox",
    "docker image build /etc",
    "docker volume create -o device=/ -o o=bind {site}",
]
SAFE_STEPS = [
    "docker container run -d --name {site} -v {src}:/www -p {port}:80 busybox httpd -f",
    "docker container run -d --name {site} --mount type=bind,source={src},target=/w busybox",
    "docker container rm -f {site}",
    "docker container ls -a",
]
OPTION_WORDS = [
    "--privileged",
    "--cap-add",
    "--device",
    "--security-opt",
    "--pid",
    "--network",
    "--ipc",
    "--uts",
    "--userns",
    "-v",
    "--mount",
    "--env-file",
    "--cidfile",
    "-p",
    "-d",
    "--rm",
    "-it",
    "--name",
    "--tmpfs",
    "--volumes-from",
    "--",
]
VALUES = ["host", "/", "/etc:/e", "{src}:/x", "{site}", "type=bind,src=/,dst=/h", "ALL", "x", "", "'", '"', "\\"]
PLACEHOLDERS = ["<image>", "<tag>", "<name>", "<port>", "<path>", "<command>", "<registry>", "<user>", "<nope>"]


def mutate_text(rng: random.Random, text: str) -> str:
    choice = rng.randrange(6)
    if choice == 0:
        return text + rng.choice(ESCAPES)
    if choice == 1:
        return rng.choice(MARKUP) + text
    if choice == 2:
        return text * rng.randint(50, 400)
    if choice == 3:
        return "".join(rng.choice(string.printable + "éà\u00a0") for _ in range(rng.randint(0, 40)))
    if choice == 4:
        return ""
    return text + "\n"


def toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=rng_ascii(value))


def rng_ascii(value: str) -> bool:
    # Escape what TOML forbids raw in a basic string; \u escapes are valid TOML too.
    return any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in value)


def step_for(rng: random.Random) -> str:
    kind = rng.randrange(4)
    if kind == 0:
        return rng.choice(HOSTILE_STEPS)
    if kind == 1:
        return rng.choice(SAFE_STEPS)
    words = ["docker", "container", "run"]
    for _ in range(rng.randint(0, 5)):
        words.append(rng.choice(OPTION_WORDS))
        if rng.random() < 0.6:
            words.append(rng.choice(VALUES))
    words += ["busybox", *rng.sample(["sh", "-c", "echo hi", "{src}", "-v"], k=rng.randint(0, 3))]
    return " ".join(shlex.quote(w) if w and rng.random() < 0.5 else w for w in words)


def hostile_deck(rng: random.Random) -> bytes:
    text = MINI + (PRACTICAL.replace("STEP", toml_string(step_for(rng))) if rng.random() < 0.5 else "")
    for _ in range(rng.randint(1, 3)):
        kind = rng.randrange(14)
        if kind == 0:  # a control character, escape sequence or markup in some text
            target = rng.choice(['"Mini"', '"What is a container?"', '"all interfaces"', '"A task {site}."'])
            text = text.replace(target, toml_string(mutate_text(rng, target.strip('"'))), 1)
        elif kind == 1:  # nesting
            depth = rng.choice([20, 200, 500, 2000])
            text = text.replace("[deck]\n", "x = " + "[" * depth + "]" * depth + "\n[deck]\n", 1)
        elif kind == 2:
            text = text.replace('kind = "concept"', 'kind = "concept"\n' + "a." * rng.choice([10, 50]) + 'b = "x"', 1)
        elif kind == 3:  # a type where another is expected
            old = rng.choice(['"Mini"', "1", '["basics"]', '"docker container prune"'])
            text = text.replace(old, rng.choice(["1", "2.5", "true", "[]", "{}", "1979-05-27", str(2**70), '"x"']), 1)
        elif kind == 4:  # ids and topics
            text = text.replace(
                rng.choice(['"mini/concept"', '"basics"', 'id = "mini"']),
                rng.choice(['"mini/concept\\n"', '"Basics"', 'id = "mini\\n"', '"../../x"', '"a" ', '"mini/é"']),
                1,
            )
        elif kind == 5:  # unknown keys
            text = text.replace("[deck]\n", f"[deck]\n{rng.choice(['author', 'x', 'cards'])} = 1\n", 1)
        elif kind == 6:  # command answers with placeholders
            answer = "docker image pull " + "".join(rng.choices(PLACEHOLDERS, k=rng.randint(1, 8)))
            text = text.replace('"docker container prune"', toml_string(answer), 1)
        elif kind == 7:  # correct index out of range or huge
            text = text.replace("correct = 1", f"correct = {rng.choice([-1, 3, 2**63, 10**30])}", 1)
        elif kind == 8:  # cut anywhere
            text = text[: rng.randrange(len(text) + 1)]
        elif kind == 9:  # the step itself, with unicode spaces
            text = text.replace("docker container ls", rng.choice(["docker\u00a0ls", "docker\tcontainer\u2028ls"]), 1)
        elif kind == 10:  # duplicated table
            text += "\n[deck]\nid = 'mini'\n"
        elif kind == 11:  # a very long line
            text = text.replace('"Mini"', '"' + "M" * rng.choice([10_000, 200_000]) + '"', 1)
        elif kind == 12:  # a byte-order mark or a raw control byte
            text = rng.choice(["\ufeff", "\x1b", ""]) + text
        else:
            text = text.replace('"choice"', '"practical"', 1)
    data = text.encode("utf-8", "surrogatepass")
    if rng.random() < 0.05:
        data = data[:50] + bytes([rng.randrange(128, 256)]) + data[50:]  # not UTF-8
    return data


def files_under(*roots: Path) -> set[Path]:
    return {p for root in roots for p in root.rglob("*")}


def check(result: Result, what: object) -> None:
    assert "Traceback" not in result.output, (what, result.output[-2000:])
    assert result.exception is None or isinstance(result.exception, SystemExit), (what, repr(result.exception))
    assert result.exit_code in DOCUMENTED, (what, result.exit_code, result.output[-500:])
    printed = CONTROL & set(result.output)
    assert not printed, (what, printed, result.output[-500:])


def assert_safe_argv(deck_path: Path) -> None:
    """An accepted deck's solution, as it would run, has nothing of point 1 in it."""
    from quizdock.challenges.model import sample_values
    from quizdock.challenges.steps import solution_argv
    from quizdock.decks.loading import parse_deck_file

    for card in parse_deck_file(deck_path).cards:
        if not isinstance(card, PracticalCard):
            continue
        values = sample_values(card.challenge)
        for step in card.challenge.solution:
            argv = solution_argv(step, values, card.challenge)
            assert argv[0] == "docker", argv
            for token in argv:
                name, _, value = token.partition("=")
                assert name not in ("--privileged", "--cap-add", "--device", "--security-opt", "--env-file"), argv
                assert not (name in ("--pid", "--network", "--ipc", "--uts", "--userns") and "host" in value), argv
                if name == "--volume" and ":" in value:
                    assert host_path_allowed(value.split(":")[0], values["src"]), argv
                if name == "--mount":
                    fields = dict(item.partition("=")[::2] for item in value.split(","))
                    source = fields.get("source", fields.get("src", ""))
                    assert host_path_allowed(source, values["src"]), argv
                    assert not any(key.startswith("volume-") for key in fields), argv


def host_path_allowed(source: str, own_dir: str) -> bool:
    """Only the challenge's own folder (or inside it) may be mounted from the host."""
    if not source.startswith(("/", ".", "~")):
        return "/" not in source  # a volume name
    return source == own_dir or (source.startswith(own_dir + "/") and ".." not in source.split("/"))


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


def test_hostile_deck_files(tmp_path: Path, workdir: Path, isolated_home: Path) -> None:
    rng = random.Random(SEED)
    runner = CliRunner()
    decks = tmp_path / "decks"
    decks.mkdir()
    accepted = 0
    for number in range(DECKS):
        for old in decks.iterdir():
            old.unlink()
        path = decks / "mini.toml"
        path.write_bytes(hostile_deck(rng))
        before = files_under(tmp_path)
        env = {"QUIZDOCK_DECKS": str(decks), "COLUMNS": "120"}
        result = runner.invoke(app, ["deck", "check"], env=env)
        check(result, (number, "deck check"))
        if result.exit_code == 0:
            accepted += 1
            assert_safe_argv(path)
        else:
            assert result.exit_code == ExitCode.DECK, (number, result.output)
        if number % 6 == 0:  # the commands that load the deck into the database and print it
            args = rng.choice([["decks"], ["stats"], ["leeches"], ["due"], ["challenge", "list"]])
            check(runner.invoke(app, args, env=env), (number, args))
        if number % 40 == 0:
            out = workdir / "export.txt"
            check(runner.invoke(app, ["export", "csv", "-o", str(out)], env=env), (number, "export"))
            if out.exists():
                assert not CONTROL & set(out.read_text(encoding="utf-8")) - {"\x1f"}
                out.unlink()
        database = {isolated_home / f"quizdock.sqlite3{end}" for end in ("", "-wal", "-shm", "-journal")}
        assert files_under(tmp_path) - before - database == set(), number
    assert 30 <= accepted <= DECKS - 100  # the generator makes both


def extreme_value(rng: random.Random, tmp_path: Path) -> str:
    return rng.choice(
        [
            str(2**63),
            str(-(2**63)),
            "1e309",
            "-1",
            "0",
            "NaN",
            "١٢",
            "\x1b[2J",
            "x" * 5000,
            "../../etc/passwd",
            "",
            " ",
            "basics\n",
            "[/bold]",
            str(tmp_path / ("y" * 300)),
        ]
    )


def extreme_environment(rng: random.Random, tmp_path: Path) -> dict[str, str]:
    env: dict[str, str] = {}
    fifo = tmp_path / "fifo"
    if not fifo.exists():
        os.mkfifo(fifo)
    deep = tmp_path / "deep.toml"
    deep.write_text("a = " + "[" * 600 + "]" * 600)
    big = tmp_path / "big.toml"
    if not big.exists():
        big.write_text("#" * 200_000)
    bad = tmp_path / "bad.toml"
    bad.write_text(rng.choice([f"new_per_day = {2**63}", 'lang = "\x1b"', "new_per_day = -1", "x = 1", "=\n"]))
    for _ in range(rng.randint(0, 3)):
        name = rng.choice(["QUIZDOCK_NOW", "QUIZDOCK_CONFIG", "QUIZDOCK_DECKS", "QUIZDOCK_DB", "LANG"])
        env[name] = rng.choice(
            {
                "QUIZDOCK_NOW": [
                    "9999-12-31T23:59:59-12:00",
                    "0001-01-01T00:00:00+14:00",
                    "2026-02-30",
                    "2026-03-01T10:00:00+01:00",
                    "\x1b[2J",
                    "2999-12-31T23:59:59-23:59",
                    "2000-01-01T00:00:00+23:59",
                    "x" * 10_000,
                ],
                "QUIZDOCK_CONFIG": [
                    "/dev/zero",
                    str(device_node(tmp_path)),
                    str(tmp_path),
                    str(fifo),
                    str(deep),
                    str(big),
                    str(bad),
                ],
                "QUIZDOCK_DECKS": [
                    str(tmp_path / "nonexistent"),
                    str(big),
                    ":::",
                    str(tmp_path / "\x1b[2J"),
                    str(device_node(tmp_path)),
                ],
                "QUIZDOCK_DB": [
                    str(tmp_path),
                    str(device_node(tmp_path)),
                    str(fifo),
                    str(big / "db.sqlite3"),
                    str(tmp_path / ("z" * 300)),
                    str(tmp_path / "\x1b]52;c;eA==\x07.sqlite3"),
                    str(tmp_path / "db?mode=rw#x %41.sqlite3"),
                ],
                "LANG": ["fr_FR.UTF-8", "\x1b", "C"],
            }[name]
        )
    return env


COMMANDS: list[Callable[[random.Random, Path], list[str]]] = [
    lambda rng, t: ["review", rng.choice(["--limit", "-n", "--new", "--deck", "--lang"]), extreme_value(rng, t)],
    lambda rng, t: ["due", "--deck", extreme_value(rng, t)],
    lambda rng, t: ["decks", "--lang", extreme_value(rng, t)],
    lambda rng, t: ["stats", rng.choice(["--deck", "--lang"]), extreme_value(rng, t), *rng.choice([[], ["--json"]])],
    lambda rng, t: ["leeches", "--deck", extreme_value(rng, t)],
    lambda rng, t: [rng.choice(["suspend", "unsuspend"]), extreme_value(rng, t)],
    lambda rng, t: ["export", rng.choice(["csv", "anki"]), "-o", rng.choice(OUTPUTS)(t)],
    lambda rng, t: ["export", rng.choice(["csv", "anki"]), "--deck", extreme_value(rng, t)],
    lambda rng, t: ["deck", "check"],
    lambda rng, t: ["challenge", "list", "--lang", extreme_value(rng, t)],
    lambda rng, t: [extreme_value(rng, t)],
    lambda rng, t: ["--db", extreme_value(rng, t), "due"],
    lambda rng, t: ["due"],
    lambda rng, t: ["decks"],
]


def _link(t: Path) -> str:
    link = t / "link.txt"
    if not link.is_symlink():
        link.symlink_to(t / "elsewhere.txt")
    return str(link)


OUTPUTS: list[Callable[[Path], str]] = [
    lambda t: str(device_node(t)),
    lambda t: str(t / "fifo"),
    _link,
    lambda t: str(t),
    lambda t: str(t / ("n" * 300)),
    lambda t: str(t / "missing" / "out.txt"),
    lambda t: "export-\x1b[2J.txt",
    lambda t: "out.apkg",
]


def test_extreme_command_lines_and_settings(tmp_path: Path, workdir: Path, isolated_home: Path) -> None:
    rng = random.Random(SEED)
    runner = CliRunner()
    protected = {p: p.lstat() for p in (device_node(tmp_path),)}
    for number in range(COMMAND_LINES):
        args = rng.choice(COMMANDS)(rng, tmp_path)
        env = {"COLUMNS": "120", **extreme_environment(rng, tmp_path)}
        before = files_under(tmp_path)
        result = runner.invoke(app, args, env=env)
        check(result, (number, args, env))
        made = files_under(tmp_path) - before
        allowed_db = Path(env.get("QUIZDOCK_DB", isolated_home / "quizdock.sqlite3"))
        if args[0] == "--db":
            allowed_db = workdir / args[1]
        for path in made:
            is_db = path in allowed_db.parents or (
                path.name.startswith(allowed_db.name) and path.parent == allowed_db.parent
            )  # the database, its journal, and the folders made for it
            is_export = args[:1] == ["export"] and path.parent == workdir
            assert is_db or is_export, (number, args, env, path)
        for path in workdir.iterdir():
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
        assert not (tmp_path / "elsewhere.txt").exists(), (number, args)  # a symlink's target stays untouched
    for path, before in protected.items():
        after = path.lstat()
        assert (after.st_mode, after.st_ino, after.st_rdev) == (before.st_mode, before.st_ino, before.st_rdev)
