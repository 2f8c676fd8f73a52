"""The README's library example runs and prints what the README says it prints."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def library_example() -> tuple[str, str]:
    """The Python block of "Using quizdock as a library" and the text block it is said to print."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Using quizdock as a library", 1)[1].split("\n## ", 1)[0]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    printed = re.search(r"```text\n(.*?)```", section, re.DOTALL)
    assert code is not None and printed is not None, "the section has a python block and a text block"
    return code.group(1), printed.group(1)


def test_the_library_example_prints_what_the_readme_says(tmp_path: Path) -> None:
    code, expected = library_example()
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == expected
    assert (tmp_path / "example.sqlite3").is_file()
