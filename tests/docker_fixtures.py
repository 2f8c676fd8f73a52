"""Pytest plugin: the Docker engine for tests that need one.

Loaded from conftest (``pytest_plugins = ["tests.docker_fixtures"]``). Tests that need the
engine carry ``@pytest.mark.docker`` and ask for ``docker_client`` (directly or through
another fixture). With no engine they fail, with the reason and the fix; never a skip. To run
the other tests on a machine without Docker, deselect them: ``pytest -m "not docker"``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest

from quizdock.errors import DockerUnavailable
from quizdock.lab.docker_client import connect
from quizdock.lab.engine import LAB_ENGINE_VERSION, LAB_IMAGE, lab_image
from quizdock.lab.runner import LABEL_RUN
from quizdock.lab.state import LabState

if TYPE_CHECKING:
    import docker

    from quizdock.lab.target import Target

LEARNER_PREFIX = "learner-test-"
ENGINE_FIX = (
    "Start the test engine with `bash .ci/engine.sh` (as root), or leave these tests out "
    'explicitly with `pytest -m "not docker"`.'
)


# The lab's engine with the containerd image store (Engine 29's default), for the tests only:
# .ci/engine.sh builds it under this name, beside LAB_IMAGE.
CONTAINERD_STORE_IMAGE = f"quizdock-ci/{LAB_IMAGE}-containerd-store"


def engine_missing(reason: str) -> NoReturn:
    """Fail: a test that needs the engine proves nothing without it."""
    pytest.fail(f"{reason}\n{ENGINE_FIX}", pytrace=False)


def require_image(client: docker.DockerClient, image: str) -> None:
    """Fail, naming the fix, when an image the tests need is not on the test engine (never
    pulled: the tests run offline, on the images .ci/engine.sh builds)."""
    import docker.errors

    try:
        client.images.get(image)
    except docker.errors.ImageNotFound:
        engine_missing(f"The Docker engine answers but has no {image} image.")


@dataclass(frozen=True)
class ChallengeEngine:
    """A Docker engine every challenge is proven on.

    Attributes:
        id: The test id.
        lab_image: The lab's image; None for the learner's own Docker (the test engine itself,
            Docker Engine 20.10 in CI: the oldest quizdock supports).
        storage_driver: What the lab's ``docker info`` reports as its storage driver.
    """

    id: str
    lab_image: str | None
    storage_driver: str | None = None


CHALLENGE_ENGINES = (
    ChallengeEngine(f"lab-{LAB_ENGINE_VERSION}", LAB_IMAGE, "overlay2"),
    ChallengeEngine(f"lab-{LAB_ENGINE_VERSION}-containerd-store", CONTAINERD_STORE_IMAGE, "overlayfs"),
    ChallengeEngine("learners-own-docker", None),
)


@pytest.fixture(scope="session")
def docker_client() -> Iterator[docker.DockerClient]:
    """A client connected to the engine quizdock would use (DOCKER_HOST, context, socket),
    which has the images of the challenges and of the lab."""
    try:
        client = connect()
    except DockerUnavailable as error:
        engine_missing(f"No Docker engine for the tests marked docker: {error}")
    try:
        for image in ("busybox:latest", lab_image()):
            require_image(client, image)
    except BaseException:
        client.close()
        raise
    try:
        yield client
    finally:
        client.close()


class RunTokens:
    """The run tokens of every challenge set up while it watches a folder of challenge states
    (the files of ``folder`` that ``pattern`` matches): what this test's runs labelled
    (``quizdock.run``), told apart from other quizdocks' runs on a shared Docker.

    Setup saves its state, token included, before it creates anything, and cleanup forgets it
    only after removing: polled every few milliseconds, no run that made something is missed.
    """

    def __init__(self, folder: Path, pattern: str = "*.json") -> None:
        self.folder, self.pattern = folder, pattern
        self.tokens: set[str] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def start(self) -> RunTokens:
        self._thread.start()
        return self

    def stop(self) -> set[str]:
        """Stop watching; every token seen (the states still there read a last time)."""
        self._stop.set()
        self._thread.join(timeout=10)
        return self.read()

    def __enter__(self) -> RunTokens:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _watch(self) -> None:
        while not self._stop.wait(0.005):
            self.read()

    def read(self) -> set[str]:
        """Read the states there now; every token seen so far."""
        for path in self.folder.glob(self.pattern):
            try:
                state = LabState.from_json(path.read_text(encoding="utf-8"))
            except OSError:  # forgotten meanwhile
                continue
            if state is not None and state.run:
                self.tokens.add(state.run)
        return self.tokens


DECK_TEST_STATES = "quizdock-deck-test-*/*.json"
"""Where `deck test` keeps its challenges' states, in the temporary folder (:func:`own_temp_dir`)."""


@pytest.fixture
def own_temp_dir(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A temporary folder of this test's own for what quizdock makes there (`deck test` keeps its
    challenges' states in it: :data:`DECK_TEST_STATES`), short enough for the guard's socket path."""
    folder = Path(tempfile.mkdtemp(prefix="qd-"))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def made_by_runs(client: docker.DockerClient, tokens: set[str]) -> list[str]:
    """The containers, images, volumes and networks on ``client`` labelled with one of these
    runs (the API's lists: one request each, so another test's resource removed meanwhile is
    no error)."""
    api, found = client.api, []
    for token in sorted(tokens):
        wanted = {"label": f"{LABEL_RUN}={token}"}
        found += [f"container {(c.get('Names') or ['?'])[0]}" for c in api.containers(all=True, filters=wanted)]
        found += [f"image {i['Id']}" for i in api.images(all=True, filters=wanted)]
        found += [f"volume {v['Name']}" for v in api.volumes(filters=wanted).get("Volumes") or []]
        found += [f"network {n['Name']}" for n in api.networks(filters=wanted)]
    return found


@dataclass(frozen=True)
class LearnerResources:
    """Objects that belong to the learner: quizdock must never change or remove them.

    None carries a quizdock label; every name starts with ``learner-test-``.
    """

    container_id: str
    container_name: str
    image_id: str
    image_tag: str
    volume_name: str
    network_id: str
    network_name: str

    def missing(self, client: docker.DockerClient) -> list[str]:
        """What is gone or changed (the container must still be running); empty if all is intact."""
        import docker.errors

        problems: list[str] = []
        try:
            container = client.containers.get(self.container_id)
            if container.status != "running":
                problems.append(f"container {self.container_name} is {container.status}, not running")
        except docker.errors.NotFound:
            problems.append(f"container {self.container_name} was removed")
        try:
            image = client.images.get(self.image_tag)
            if image.id != self.image_id:
                problems.append(f"tag {self.image_tag} now points at {image.id}")
        except docker.errors.ImageNotFound:
            problems.append(f"image tag {self.image_tag} was removed")
        try:
            client.volumes.get(self.volume_name)
        except docker.errors.NotFound:
            problems.append(f"volume {self.volume_name} was removed")
        try:
            client.networks.get(self.network_id)
        except docker.errors.NotFound:
            problems.append(f"network {self.network_name} was removed")
        return problems


@contextmanager
def learner_resources_in(client: docker.DockerClient) -> Iterator[LearnerResources]:
    """Create a running container, an image, a volume and a network as a learner would; remove them after.

    The image is the container committed to a new tag, so it has its own id (removing it cannot
    be confused with removing busybox).
    """

    name = f"{LEARNER_PREFIX}{uuid.uuid4().hex[:10]}"
    created: list[tuple[str, str]] = []  # (kind, id) for teardown, newest last
    try:
        volume = client.volumes.create(name=name)
        created.append(("volume", volume.name))
        network = client.networks.create(name)
        created.append(("network", network.id))
        container = client.containers.run(
            "busybox:latest",
            ["sleep", "3600"],
            name=name,
            detach=True,
            volumes={volume.name: {"bind": "/data", "mode": "rw"}},
            network=network.name,
        )
        created.append(("container", container.id))
        image = container.commit(repository=name, tag="v1")
        created.append(("image", f"{name}:v1"))
        yield LearnerResources(
            container_id=container.id,
            container_name=name,
            image_id=image.id,
            image_tag=f"{name}:v1",
            volume_name=volume.name,
            network_id=network.id,
            network_name=network.name,
        )
    finally:
        remove_made(client, created)


def remove_made(client: docker.DockerClient, made: list[tuple[str, str]]) -> None:
    """Remove what a test made as a learner, ``(kind, id)`` pairs, newest first (a container holds
    its volume and network). One already gone is the test's finding, not the teardown's."""
    import docker.errors

    for kind, ident in reversed(made):
        try:
            if kind == "container":
                client.containers.get(ident).remove(force=True, v=True)
            elif kind == "image":
                client.images.remove(ident, force=True)
            elif kind == "volume":
                client.volumes.get(ident).remove(force=True)
            else:
                client.networks.get(ident).remove()
        except docker.errors.NotFound:
            pass


@pytest.fixture
def learner_resources(docker_client: docker.DockerClient) -> Iterator[LearnerResources]:
    """The learner's own container, image tag, volume and network, removed after the test."""
    with learner_resources_in(docker_client) as resources:
        yield resources


@pytest.fixture
def docker_config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty DOCKER_CONFIG, so `docker login` and contexts in tests never touch ~/.docker."""
    path = tmp_path / "docker-config"
    path.mkdir()
    monkeypatch.setenv("DOCKER_CONFIG", str(path))
    return path


@pytest.fixture(params=CHALLENGE_ENGINES, ids=[e.id for e in CHALLENGE_ENGINES])
def challenge_engine(
    request: pytest.FixtureRequest, docker_client: docker.DockerClient, monkeypatch: pytest.MonkeyPatch
) -> ChallengeEngine:
    """Each engine CI proves every challenge on, chosen as a learner would: ``QUIZDOCK_LAB=on``
    with the lab's image (the pinned one through the default, not the variable), or ``off``."""
    chosen: ChallengeEngine = request.param
    monkeypatch.delenv("QUIZDOCK_LAB_IMAGE", raising=False)
    if chosen.lab_image is None:
        monkeypatch.setenv("QUIZDOCK_LAB", "off")
        return chosen
    require_image(docker_client, chosen.lab_image)
    monkeypatch.setenv("QUIZDOCK_LAB", "on")
    if chosen.lab_image != LAB_IMAGE:
        monkeypatch.setenv("QUIZDOCK_LAB_IMAGE", chosen.lab_image)
    return chosen


@pytest.fixture(scope="session")
def lab_engine(docker_client: docker.DockerClient) -> Iterator[Target]:
    """A private lab of the test session's own (a unique name), removed at the end.

    Challenges run in it as they do for a learner whose Docker can start the lab.
    """
    from quizdock.lab import engine
    from quizdock.lab.target import Target

    home = engine.LabHome(
        Path(tempfile.mkdtemp(prefix="quizdock-test-lab-")), name=f"quizdock-lab-test-{uuid.uuid4().hex[:8]}"
    )
    try:
        lab = engine.up(docker_client, home)
    except engine.LabUnavailable as error:
        engine.down(docker_client, home)
        engine_missing(f"The private lab cannot start on the test engine: {error}")
    client = lab.connect()
    try:
        yield Target(client=client, lab=lab)
    finally:
        client.close()
        engine.down(docker_client, home)


@pytest.fixture(scope="session")
def learner_lab_dir(docker_client: docker.DockerClient, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A learner's lab folder whose lab runs for the whole test session, as after `quizdock lab up`.

    Its container's name comes from the folder (see ``engine.default_home``): no other run's.
    """
    from quizdock.lab import engine

    folder = tmp_path_factory.mktemp("learner-lab")
    before = os.environ.get("QUIZDOCK_LAB_DIR")
    os.environ["QUIZDOCK_LAB_DIR"] = str(folder)
    try:
        home = engine.default_home()
    finally:
        if before is None:
            del os.environ["QUIZDOCK_LAB_DIR"]
        else:
            os.environ["QUIZDOCK_LAB_DIR"] = before
    try:
        engine.up(docker_client, home)
    except engine.LabUnavailable as error:
        engine.down(docker_client, home)
        engine_missing(f"The private lab cannot start on the test engine: {error}")
    try:
        yield folder
    finally:
        engine.down(docker_client, home)


@pytest.fixture
def learner_lab(
    learner_lab_dir: Path, docker_client: docker.DockerClient, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Target]:
    """The learner's lab, already running: quizdock's commands and sessions in this test use it."""
    from quizdock.lab import engine
    from quizdock.lab.target import Target

    monkeypatch.setenv("QUIZDOCK_LAB_DIR", str(learner_lab_dir))
    lab = engine.find(docker_client, engine.default_home())
    assert lab is not None, "the session's learner lab stopped"
    client = lab.connect()
    try:
        yield Target(client=client, lab=lab)
    finally:
        client.close()
