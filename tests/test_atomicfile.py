"""The one atomic-write helper: the export and the lab's state both replace files through it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from quizdock.lab.state import LabState, load_state, save_state, state_path
from quizdock.support.atomicfile import write_atomically


def test_a_file_is_replaced_whole_with_a_new_files_mode(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "out.csv"
    target.write_bytes(b"old")
    umask = os.umask(0o022)
    try:
        write_atomically(target, b"new")
    finally:
        os.umask(umask)
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in folder.iterdir()] == ["out.csv"]


def test_a_private_file_stays_its_owners(tmp_path: Path) -> None:
    target = tmp_path / "state.json"
    write_atomically(target, b"{}", private=True)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_refused_target_is_left_as_it_was_and_no_partial_file_stays(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "out.apkg"
    target.write_bytes(b"old")
    calls: list[Path] = []

    def refuse_at_the_rename(path: Path) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise PermissionError("changed meanwhile")

    with pytest.raises(PermissionError):
        write_atomically(target, b"new", check=refuse_at_the_rename)
    assert calls == [target, target]
    assert target.read_bytes() == b"old"
    assert [p.name for p in folder.iterdir()] == ["out.apkg"]


def test_the_lab_state_is_saved_through_it_and_kept_private() -> None:
    state = LabState(challenge_id="practical/publish-port", values={"label": "qd-test"}, typed=("docker ps",))
    save_state(state)
    path = state_path(state.challenge_id)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_state(state.challenge_id) == state
    assert [p.name for p in path.parent.iterdir()] == [path.name]
