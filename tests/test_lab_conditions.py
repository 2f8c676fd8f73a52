"""Pieces of the conditions that need no engine: where the docker CLI keeps a login,
Docker's timestamps for the events API, and the one table of every condition and its checker."""

from __future__ import annotations

import ast
import base64
import json
import os
import re
import stat
from pathlib import Path
from typing import Any

import pytest

import quizdock.lab.conditions
from quizdock.lab.conditions import stored_credential
from quizdock.lab.conditions.containers import _timestamp

REGISTRY = "127.0.0.1:5123"


def write_config(directory: Path, data: object) -> None:
    (directory / "config.json").write_text(json.dumps(data), encoding="utf-8")


def test_a_login_in_auths_is_read_back(docker_config_dir: Path) -> None:
    assert stored_credential(REGISTRY) == "none"  # no config.json yet: never logged in
    token = base64.b64encode(b"qd-learner:secret:with:colons").decode()
    write_config(docker_config_dir, {"auths": {f"http://{REGISTRY}/": {"auth": token}}})
    assert stored_credential(REGISTRY) == ("qd-learner", "secret:with:colons")
    assert stored_credential("localhost:5123") == "none"


def test_a_login_kept_by_a_credentials_helper_is_read_through_it(
    docker_config_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    helpers = tmp_path / "bin"
    helpers.mkdir()
    helper = helpers / "docker-credential-qdtest"
    # The helper protocol: `get` reads the server on stdin, answers JSON on stdout.
    helper.write_text(
        '#!/bin/sh\nread server\nprintf \'{"ServerURL":"%s","Username":"qd-learner","Secret":"s3"}\' "$server"\n',
        encoding="utf-8",
    )
    helper.chmod(helper.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{helpers}{os.pathsep}{os.environ['PATH']}")
    write_config(docker_config_dir, {"auths": {REGISTRY: {}}, "credsStore": "qdtest"})
    assert stored_credential(REGISTRY) == ("qd-learner", "s3")
    write_config(docker_config_dir, {"credHelpers": {REGISTRY: "../../bin/sh"}})
    assert "invalid name" in str(stored_credential(REGISTRY))
    write_config(docker_config_dir, {"credHelpers": {REGISTRY: "missing-helper"}})
    assert "has no secret" in str(stored_credential(REGISTRY))


def test_a_broken_config_is_named(docker_config_dir: Path) -> None:
    (docker_config_dir / "config.json").write_text("{not json", encoding="utf-8")
    assert "no readable" in str(stored_credential(REGISTRY))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-01T10:32:32.933470513Z", "1796121152.933470513"),
        ("2026-12-01T11:32:32.5+01:00", "1796121152.5"),
        ("2026-12-01T10:32:32Z", "1796121152.0"),
        ("not a time", "0"),
    ],
)
def test_docker_times_become_event_timestamps(text: str, expected: str) -> None:
    assert _timestamp(text) == expected


# --------------------------------------------------------------------------- the lab's request log

# Real `dockerd --debug` logs of a lab, the same docker commands on both engines (copied from the
# lab container's log): `run --name c1 busybox true`, `run -d --name c2 busybox sleep 100`,
# `logs -f c1`, `kill c2`, `rm nonexist`, `commit c1 snap:1`, `container prune -f`,
# `volume create v1`, then the image prune, pull and stop each file shows.
LOGS = Path(__file__).parent / "data"
ENGINES = {"20.10": "dockerd-debug-20.10.log", "28.5": "dockerd-debug-28.5.log"}


def requests_of(engine: str) -> list[Any]:
    from quizdock.lab import requests_log

    return requests_log.parse((LOGS / ENGINES[engine]).read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_both_engines_request_logs_read_the_same(engine: str) -> None:
    from quizdock.lab import requests_log

    found = [r for r in requests_of(engine) if not r.path.endswith(("/wait", "/json"))]
    shown = [(r.method, re.sub("[0-9a-f]{64}", "<id>", r.path)) for r in found]
    assert shown[:11] == [
        ("POST", "/containers/create"),
        ("POST", "/containers/<id>/attach"),
        ("POST", "/containers/<id>/start"),
        ("POST", "/containers/create"),
        ("POST", "/containers/<id>/start"),
        ("GET", "/containers/<id>/logs"),
        ("POST", "/containers/c2/kill"),
        ("DELETE", "/containers/nonexist"),
        ("POST", "/commit"),
        ("POST", "/containers/prune"),
        ("POST", "/volumes/create"),
    ]
    create, attach = found[0], found[1]
    assert create.query == {"name": "c1"}
    assert create.body is not None and create.body["Cmd"] == ["true"] and create.body["Tty"] is False
    assert attach.flag("stdout") and attach.flag("stream") and not attach.flag("stdin")
    c1 = attach.parts()[1]
    assert requests_log.on_container(found, c1, "c1", "logs")[0].flag("follow")
    commit = requests_log.of_path(found, "POST", "/commit")[0]
    assert commit.query["container"] == "c1" and commit.query["repo"] == "docker.io/library/snap"
    volume = requests_log.of_path(found, "POST", "/volumes/create")[0]
    assert volume.body == {"Driver": "local", "Name": "v1"}
    pull = requests_log.of_path(found, "POST", "/images/create")[0]
    assert pull.query == {"fromImage": "127.0.0.1:1/x", "tag": "latest"}
    assert [r.time for r in found] == sorted(r.time for r in found)
    assert found[0].time == pytest.approx(requests_log.parse_time(_first_time(engine)) or 0)


def _first_time(engine: str) -> str:
    line = (LOGS / ENGINES[engine]).read_text(encoding="utf-8").splitlines()[0]
    return line.split('"', 2)[1]


def test_a_prune_request_keeps_its_filters() -> None:
    prunes = [r for engine in ENGINES for r in requests_of(engine) if r.path == "/images/prune"]
    assert [r.filters() for r in prunes] == [{"dangling": {"true": True}}, {"dangling": {"false": True}}]


def test_a_reference_in_a_url_names_a_container_by_name_or_id_prefix() -> None:
    from quizdock.lab.requests_log import names

    identifier = "4d52770ab2ba05079e083dc840de5ba597efc22e2ddf104ceaf95b5ada6f5ba7"
    assert names("c1", identifier, "c1") and names("/c1", identifier, "c1")
    assert names("4d52", identifier, "c1") and names(identifier, identifier, "c1")
    assert not names("c2", identifier, "c1") and not names("4d53", identifier, "c1") and not names("", identifier, "c1")


def test_go_quoting_in_a_log_line_is_undone() -> None:
    from quizdock.lab.requests_log import fields

    line = r'time="t" msg="a \"quoted\" \\ word\n\x41\u00e9" plain=value empty='
    assert fields(line) == {"time": "t", "msg": 'a "quoted" \\ word\nAé', "plain": "value", "empty": ""}


def test_checks_of_how_are_left_out_on_the_learners_docker_and_named() -> None:
    from quizdock.challenges.model import CONDITION_ARGS, RECORDED_CONDITIONS
    from quizdock.decks.catalog import find_card

    stop = find_card("stop").challenge
    assert stop is not None
    in_lab = [c.condition for c in stop.checks_for(lab=True)]
    on_host = [c.condition for c in stop.checks_for(lab=False)]
    assert "stop_asked" in in_lab and "stop_asked" not in on_host
    assert [c.condition for c in stop.not_graded_here(lab=False)] == ["stop_asked"]
    assert stop.not_graded_here(lab=True) == ()
    run_it = find_card("run-it").challenge
    assert run_it is not None
    # The lab asks for a keyboard attached; the learner's Docker can only read -i -t.
    assert {c.condition for c in run_it.checks_for(lab=True)} >= {"interactive", "logs_contain"}
    assert "tty_stdin" not in {c.condition for c in run_it.checks_for(lab=True)}
    assert {c.condition for c in run_it.checks_for(lab=False)} == {"tty_stdin", "logs_contain"}
    assert set(RECORDED_CONDITIONS) & {c.condition for c in run_it.checks_for(lab=False)} == set()
    assert set(RECORDED_CONDITIONS) <= set(CONDITION_ARGS)


@pytest.mark.parametrize("state", ["created", "running", "paused", "restarting", "removing", "exited", "dead"])
def test_every_state_docker_gives_a_container_is_said_in_french(state: str) -> None:
    """Docker's raw state words never stand alone in a French verdict (its own word in brackets)."""
    from quizdock.lab.conditions.base import status_words

    said = status_words(state)
    assert said.en == state
    assert said.fr != state and (state == "running" or said.fr.endswith(f"({state})")), said.fr


CONDITIONS_PACKAGE = Path(quizdock.lab.conditions.__file__).parent


def _decorated_checkers() -> dict[str, str]:
    """Every function of the conditions package written as a checker (``@condition``), with its module."""
    found: dict[str, str] = {}
    for path in sorted(CONDITIONS_PACKAGE.glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and any(
                isinstance(d, ast.Name) and d.id == "condition" for d in node.decorator_list
            ):
                assert node.name not in found, f"{node.name} is written in {found[node.name]} and {path.stem}"
                found[node.name] = path.stem
    return found


def test_every_kind_of_condition_has_exactly_one_checker_and_every_checker_a_kind() -> None:
    from quizdock.challenges.model import CONDITION_ARGS, RECORDED_CONDITIONS
    from quizdock.decks.schema import CHECK_TYPES, CONDITION_TEXTS
    from quizdock.lab.conditions.registry import CHECKERS, CONDITIONS

    kinds = set(CONDITION_ARGS)  # the deck format's vocabulary
    assert {struct.__struct_config__.tag for struct in CHECK_TYPES} == kinds  # the deck schema's
    assert set(CONDITION_TEXTS) == kinds  # the docs' table
    assert set(CONDITIONS) == kinds
    # No checker listed twice, none under a kind other than its name.
    assert len(set(CHECKERS)) == len(CHECKERS) == len(CONDITIONS)
    assert [kind for kind, checker in CONDITIONS.items() if checker.__name__ != kind] == []
    # Every checker written is in the table (one left out would never run).
    written = _decorated_checkers()
    assert set(written) == kinds
    assert {kind: checker.__module__.rsplit(".", 1)[1] for kind, checker in CONDITIONS.items()} == written
    # The lab-only conditions are the ones that read the engine's request log.
    assert {kind for kind, module in written.items() if module == "recorded"} == set(RECORDED_CONDITIONS)


def test_the_condition_modules_import_the_shared_one_never_the_table_or_the_package() -> None:
    """Shared helpers live in ``base``, which imports no other condition module; only the package
    imports the table (``registry``), and no condition module imports the package: no cycle."""
    package = "quizdock.lab.conditions"
    imports: dict[str, set[str]] = {}
    for path in sorted(CONDITIONS_PACKAGE.glob("*.py")):
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):  # in functions too
            if isinstance(node, ast.ImportFrom) and node.module:
                found |= {f"{node.module}.{a.name}" if node.module == package else node.module for a in node.names}
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
        imports[path.stem] = {name for name in found if name == package or name.startswith(f"{package}.")}
    assert set(imports) >= {"__init__", "base", "registry", "containers", "images", "volumes", "recorded"}
    assert imports["base"] == set()
    for module, names in imports.items():
        assert package not in names, module
        if module not in ("__init__", "registry"):
            assert f"{package}.registry" not in names, module
