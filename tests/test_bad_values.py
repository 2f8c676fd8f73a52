"""Values that can never work, on the command line or as the settings file: refused with the
cause and the fix, and a documented exit code."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from quizdock.cli.typer_app import app
from quizdock.errors import ExitCode

CHALLENGE = "practical/pull"  # a bundled challenge, never set up in these tests


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "1e400", "-1"])
def test_a_watch_timeout_must_be_a_number_of_seconds(value: str) -> None:
    """`nan` never timed out (no comparison with it is true), nor `inf`."""
    result = CliRunner().invoke(app, ["challenge", "check", CHALLENGE, "--watch", f"--timeout={value}"])
    assert result.exit_code == ExitCode.USAGE, result.output
    output = " ".join(result.output.split())
    assert "--timeout" in output and "Traceback" not in output
    if value in ("nan", "NaN", "inf", "1e400"):
        assert "not a number of seconds" in output and "leave --timeout out" in output, output
    else:
        assert "0 or more" in output, output


@pytest.mark.parametrize("value", ["0", "0.5", "86400", "1e300"])
def test_a_finite_watch_timeout_is_taken(value: str) -> None:
    result = CliRunner().invoke(app, ["challenge", "check", CHALLENGE, "--watch", f"--timeout={value}"])
    assert result.exit_code == ExitCode.FAILED, result.output  # past the options: the challenge is not set up
    assert "is not set up" in result.output


def test_a_settings_file_under_a_file_is_called_missing_not_a_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "notes.txt").write_text("a file, not a folder\n")
    config = tmp_path / "notes.txt" / "config.toml"
    monkeypatch.setenv("QUIZDOCK_CONFIG", str(config))
    for lang in ("en", "fr"):
        monkeypatch.setenv("LANG", "fr_FR.UTF-8" if lang == "fr" else "C.UTF-8")
        result = CliRunner().invoke(app, ["decks"])
        assert result.exit_code == ExitCode.USAGE, result.output
        output = " ".join(result.output.split())
        assert str(config) in output and str(tmp_path / "notes.txt") in output
        if lang == "en":
            assert "cannot exist" in output and "is a file, not a folder" in output, output
            assert "Point QUIZDOCK_CONFIG at a settings file, or unset it" in output, output
        else:
            assert "ne peut pas exister" in output, output
        assert "Not a folder" not in output and "delete it" not in output
