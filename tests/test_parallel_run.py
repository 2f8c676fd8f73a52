"""The README's test command runs the tests not marked slow in parallel, then the slow ones alone:
a Docker test left out of "slow" would run beside others on the shared engine."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import REPO, SERIAL_TESTS, is_serial, serial_keys

# Collects the whole suite as pytest does and prints each test's node id and markers, as set once
# every collection hook (tests/conftest.py's included) has run.
COLLECT = """
import json, sys, pytest

class Markers:
    tests = {}

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items):
        self.tests = {item.nodeid: sorted({mark.name for mark in item.iter_markers()}) for item in items}

markers = Markers()
code = pytest.main(["-p", "no:cacheprovider", "--collect-only", "-q"], plugins=[markers])
print(json.dumps({"code": int(code), "tests": markers.tests}), file=sys.stderr)
"""


@pytest.fixture(scope="module")
def markers() -> dict[str, list[str]]:
    """Each test of the suite and its markers."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    done = subprocess.run(
        [sys.executable, "-c", COLLECT], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    found = json.loads(done.stderr.strip().splitlines()[-1])
    assert found["code"] == 0, done.stdout
    tests: dict[str, list[str]] = found["tests"]
    return tests


def test_every_docker_test_runs_alone_after_the_parallel_run(markers: dict[str, list[str]]) -> None:
    docker_tests = [test for test, names in markers.items() if "docker" in names]
    assert len(docker_tests) > 100  # the marker is still there to read
    assert [test for test in docker_tests if "slow" not in markers[test]] == []


def test_each_serial_entry_still_names_a_test(markers: dict[str, list[str]]) -> None:
    """A test or module renamed without its entry would run in parallel again, unseen."""
    named = {key for test in markers for key in serial_keys(test)}
    assert not SERIAL_TESTS - named, sorted(SERIAL_TESTS - named)
    assert all("slow" in names for test, names in markers.items() if is_serial(test))


def test_a_test_is_serial_by_its_module_or_by_its_name_whatever_its_parameters() -> None:
    module, name = min(entry for entry in SERIAL_TESTS if "::" in entry).split("::")
    assert is_serial(f"{module}::{name}") and is_serial(f"{module}::{name}[param-1]")
    assert not is_serial(f"{module}::{name}_and_more")
    assert is_serial("tests/test_text_fits.py::test_anything[60-en]")
    assert not is_serial("tests/test_text_fits_more.py::test_anything")
