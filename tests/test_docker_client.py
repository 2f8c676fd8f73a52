"""quizdock.lab.docker_client and `quizdock doctor` against a real engine and real broken endpoints."""

from __future__ import annotations

import hashlib
import json
import os
import pwd
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner

from quizdock.challenges import model
from quizdock.cli.typer_app import app
from quizdock.errors import DockerUnavailable, ExitCode
from quizdock.lab import docker_client as dc
from tests.docker_fixtures import LearnerResources, learner_resources_in

if TYPE_CHECKING:
    import docker


def flat(text: str) -> str:
    """Messages and rich output wrap lines; compare with whitespace collapsed."""
    return " ".join(text.split())


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, docker_config_dir: Path) -> Path:
    """No DOCKER_HOST, no DOCKER_CONTEXT, an empty DOCKER_CONFIG: only what the test sets counts."""
    for name in ("DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"):
        monkeypatch.delenv(name, raising=False)
    return docker_config_dir


@pytest.fixture(scope="session")
def real_host(docker_client: docker.DockerClient) -> str:
    """The address of the test engine, as the environment names it."""
    return dc.resolve_endpoint().host


def write_context(config_dir: Path, name: str, host: str, *, current: bool) -> Path:
    """A context laid out as the docker CLI writes it (meta.json under the sha256 of the name)."""
    meta_dir = config_dir / "contexts" / "meta" / hashlib.sha256(name.encode()).hexdigest()
    meta_dir.mkdir(parents=True)
    meta = {"Name": name, "Metadata": {}, "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": False}}}
    (meta_dir / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    if current:
        (config_dir / "config.json").write_text(json.dumps({"currentContext": name}), encoding="utf-8")
    return meta_dir / "meta.json"


def run(*command: str) -> str:
    """Run a command (the docker CLI) and return its output; fail the test if it fails."""
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{' '.join(command)}: {result.stderr}"
    return result.stdout


def connect_error() -> DockerUnavailable:
    with pytest.raises(DockerUnavailable) as caught:
        dc.connect(timeout=5)
    assert int(caught.value.exit_code) == int(ExitCode.DOCKER) == 5
    return caught.value


# --- The real engine ---------------------------------------------------------------------------


@pytest.mark.docker
def test_connect_reads_the_real_engine(docker_client: docker.DockerClient) -> None:
    client = dc.connect()
    try:
        info = dc.engine_info(client)
    finally:
        client.close()
    # The docker CLI is a second, independent reader of the same engine.
    cli = json.loads(run("docker", "version", "--format", "{{json .Server}}"))
    security = json.loads(run("docker", "info", "--format", "{{json .SecurityOptions}}"))
    assert info.server_version == cli["Version"]
    assert info.engine_api_version == cli["ApiVersion"]
    assert info.api_version == cli["ApiVersion"]  # negotiated: the engine's own version
    assert info.platform == f"{cli['Os']}/{cli['Arch']}"
    assert info.rootless == any("name=rootless" in s.split(",") for s in security)
    assert info.endpoint == dc.describe_endpoint()
    assert not info.podman


@pytest.mark.docker
def test_image_present(docker_client: docker.DockerClient) -> None:
    assert dc.image_present(docker_client, model.DEFAULT_IMAGE)
    assert not dc.image_present(docker_client, "learner-test-absent:never")


# --- Engine flavours, from the engines' documented /version and /info bodies ----------------------


DOCKER_VERSION = {
    "Platform": {"Name": "Docker Engine - Community"},
    "Components": [{"Name": "Engine", "Version": "27.1.1"}],
    "Version": "27.1.1",
    "ApiVersion": "1.46",
    "Os": "linux",
    "Arch": "amd64",
}
DOCKER_INFO = {
    "OperatingSystem": "Ubuntu 24.04 LTS",
    "SecurityOptions": ["name=apparmor", "name=seccomp,profile=builtin"],
}


def test_plain_engine() -> None:
    info = dc.read_engine_info("e", "1.46", DOCKER_VERSION, DOCKER_INFO)
    assert (info.rootless, info.docker_desktop, info.podman) == (False, False, False)
    assert (info.server_version, info.engine_api_version, info.platform) == ("27.1.1", "1.46", "linux/amd64")
    assert info.flavour == "Docker Engine"


def test_rootless_engine() -> None:
    body = {
        **DOCKER_INFO,
        "SecurityOptions": ["name=seccomp,profile=builtin", "name=rootless", "name=cgroupns"],
    }
    info = dc.read_engine_info("e", "1.46", DOCKER_VERSION, body)
    assert info.rootless and info.flavour == "Docker Engine (rootless)"


def test_docker_desktop() -> None:
    version = {**DOCKER_VERSION, "Platform": {"Name": "Docker Desktop 4.33.0 (160616)"}}
    info = dc.read_engine_info("e", "1.46", version, {**DOCKER_INFO, "OperatingSystem": "Docker Desktop"})
    assert info.docker_desktop and not info.podman and info.flavour == "Docker Desktop"


def test_podman() -> None:
    version = {
        "Platform": {"Name": "linux/amd64/fedora-40"},
        "Components": [{"Name": "Podman Engine", "Version": "5.1.1", "Details": {"APIVersion": "5.1.1"}}],
        "Version": "5.1.1",
        "ApiVersion": "1.41",
        "Os": "linux",
        "Arch": "amd64",
    }
    info = dc.read_engine_info("e", "1.41", version, {"OperatingSystem": "fedora", "SecurityOptions": []})
    assert info.podman and info.flavour == "Podman"


# --- Broken endpoints: each diagnosis names the cause, the value and the fix -------------------------


def test_missing_socket(clean_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    host = f"unix://{tmp_path}/nonexistent.sock"
    monkeypatch.setenv("DOCKER_HOST", host)
    message = flat(str(connect_error()))
    assert "not running" in message and "does not exist" in message
    assert f"DOCKER_HOST={host}" in message
    assert "sudo systemctl start docker" in message and "Docker Desktop" in message
    assert "unset DOCKER_HOST" in message


def test_missing_socket_points_at_a_rootless_one(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    runtime_dir = tmp_path / "run"
    runtime_dir.mkdir()
    with socket.socket(socket.AF_UNIX) as rootless:
        rootless.bind(str(runtime_dir / "docker.sock"))
        monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime_dir))
        monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/nonexistent.sock")
        message = flat(str(connect_error()))
    assert f"A rootless Docker socket exists: `export DOCKER_HOST=unix://{runtime_dir}/docker.sock`" in message


def test_socket_nobody_listens_on(clean_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "dead.sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))  # bound, never listening: what a crashed daemon leaves behind
    monkeypatch.setenv("DOCKER_HOST", f"unix://{path}")
    message = flat(str(connect_error()))
    assert "nothing listens on it" in message and "systemctl start docker" in message


@pytest.fixture
def forbidden_socket() -> Iterator[Path]:
    """A listening socket with mode 000, in a directory everyone may enter."""
    directory = Path(tempfile.mkdtemp(prefix="quizdock-perm-", dir="/tmp"))
    directory.chmod(0o755)
    path = directory / "docker.sock"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        server.listen()
        path.chmod(0)
        yield path
    finally:
        server.close()
        path.unlink(missing_ok=True)
        directory.rmdir()


def as_unprivileged(action: Callable[[], str]) -> str:
    """Run ``action`` as a user without root's powers; return what it returned.

    Tests run as root, which ignores file modes. A forked child drops to ``nobody`` (the
    interpreter is already loaded, so it need not be readable by nobody, unlike with
    `runuser`/`setpriv`, which would exec it again). Anyone else just runs it.
    """
    if os.geteuid() != 0:
        return action()
    nobody = pwd.getpwnam("nobody")
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; its result comes back through the pipe
        result = "child failed"
        try:
            os.setgroups([])
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            result = action()
        except BaseException as error:  # report anything to the parent
            result = f"child raised {type(error).__name__}: {error}"
        finally:
            os.write(write_end, result.encode())
            os._exit(0)
    os.close(write_end)
    _, status = os.waitpid(pid, 0)
    with os.fdopen(read_end, "rb") as pipe:
        output = pipe.read().decode()
    assert os.waitstatus_to_exitcode(status) == 0, output
    return output


def test_socket_without_permission(clean_env: Path, monkeypatch: pytest.MonkeyPatch, forbidden_socket: Path) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{forbidden_socket}")
    import docker  # noqa: F401 - loaded before the fork, as connect() would load it

    def attempt() -> str:
        try:
            dc.connect(timeout=5)
        except DockerUnavailable as error:
            return f"{int(error.exit_code)} {error}"
        return "connected"

    result = as_unprivileged(attempt)
    code, _, message = result.partition(" ")
    assert code == "5", result
    message = flat(message)
    assert f"Permission denied on the Docker socket {forbidden_socket}" in message
    assert "sudo usermod -aG docker $USER" in message and "log out" in message
    assert "DOCKER_HOST=unix://$XDG_RUNTIME_DIR/docker.sock" in message  # the rootless way


def test_bad_scheme(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", "foo://bar")
    message = flat(str(connect_error()))
    assert "DOCKER_HOST=foo://bar is invalid" in message and "'foo'" in message
    assert "unset DOCKER_HOST" in message and "unix:///var/run/docker.sock" in message


def test_bad_format(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", "tcp://")  # the SDK's own check, reported the same way
    message = flat(str(connect_error()))
    assert "DOCKER_HOST=tcp:// is invalid" in message and "unset DOCKER_HOST" in message


def test_tcp_port_refused(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))  # bound, not listening: connections are refused
        port = holder.getsockname()[1]
        monkeypatch.setenv("DOCKER_HOST", f"tcp://127.0.0.1:{port}")
        message = flat(str(connect_error()))
    assert f"Nothing answers at DOCKER_HOST=tcp://127.0.0.1:{port}" in message
    assert "Connection refused" in message and "unset DOCKER_HOST" in message


def test_docker_sdk_missing(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "docker", None)  # `import docker` now raises ImportError
    message = flat(str(connect_error()))
    assert "'docker'" in message and "reinstall" in message


# --- Choosing the endpoint: DOCKER_HOST, then the context, then the default socket --------------------


def test_default_socket(clean_env: Path) -> None:
    endpoint = dc.resolve_endpoint()
    assert endpoint == dc.Endpoint(host="unix:///var/run/docker.sock", source="default")
    assert dc.describe_endpoint() == "unix:///var/run/docker.sock (default socket)"


def test_default_context_means_default_socket(clean_env: Path) -> None:
    (clean_env / "config.json").write_text('{"currentContext": "default", "auths": {}}', encoding="utf-8")
    assert dc.resolve_endpoint().source == "default"


def test_current_context_is_followed(clean_env: Path) -> None:
    write_context(clean_env, "remote", "tcp://192.0.2.7:2376", current=True)
    endpoint = dc.resolve_endpoint()
    assert (endpoint.host, endpoint.source, endpoint.context) == ("tcp://192.0.2.7:2376", "context", "remote")
    assert dc.describe_endpoint() == (
        f"tcp://192.0.2.7:2376 (docker context 'remote', chosen by {clean_env / 'config.json'})"
    )


def test_docker_context_variable_wins_over_config(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_context(clean_env, "remote", "tcp://192.0.2.7:2376", current=True)
    write_context(clean_env, "other", "unix:///run/other.sock", current=False)
    monkeypatch.setenv("DOCKER_CONTEXT", "other")
    assert dc.resolve_endpoint().host == "unix:///run/other.sock"


def test_docker_host_wins_over_context(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_context(clean_env, "remote", "tcp://192.0.2.7:2376", current=True)
    monkeypatch.setenv("DOCKER_CONTEXT", "remote")
    monkeypatch.setenv("DOCKER_HOST", "unix:///run/chosen.sock")
    assert dc.resolve_endpoint() == dc.Endpoint(host="unix:///run/chosen.sock", source="DOCKER_HOST")


def test_missing_context(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_CONTEXT", "gone")
    message = flat(str(connect_error()))
    assert "docker context 'gone'" in message and "does not exist" in message
    assert "unset DOCKER_CONTEXT" in message


def test_broken_config_file(clean_env: Path) -> None:
    (clean_env / "config.json").write_text('{"currentContext": ', encoding="utf-8")
    message = flat(str(connect_error()))
    assert str(clean_env / "config.json") in message and "not valid JSON" in message


def test_context_with_a_dead_socket(clean_env: Path, tmp_path: Path) -> None:
    write_context(clean_env, "stale", f"unix://{tmp_path}/gone.sock", current=True)
    message = flat(str(connect_error()))
    assert "docker context 'stale'" in message and "docker context use default" in message
    assert "systemctl start docker" in message


@pytest.mark.docker
def test_context_reaches_the_engine(clean_env: Path, real_host: str) -> None:
    write_context(clean_env, "lab", real_host, current=True)
    client = dc.connect()
    try:
        assert dc.engine_info(client).endpoint.startswith(f"{real_host} (docker context 'lab'")
    finally:
        client.close()


@pytest.mark.docker
def test_context_made_by_the_docker_cli(clean_env: Path, real_host: str) -> None:
    # The CLI's own layout (sha256 directory, meta.json, currentContext), not our idea of it.
    run("docker", "context", "create", "quizdock-lab", "--docker", f"host={real_host}")
    run("docker", "context", "use", "quizdock-lab")
    endpoint = dc.resolve_endpoint()
    assert (endpoint.host, endpoint.context) == (real_host, "quizdock-lab")
    client = dc.connect()
    client.close()


# --- The learner's resources fixture ---------------------------------------------------------------


@pytest.mark.docker
def test_learner_resources_exist_unlabelled_and_are_removed(docker_client: docker.DockerClient) -> None:
    import docker.errors

    with learner_resources_in(docker_client) as resources:
        assert resources.missing(docker_client) == []
        container = docker_client.containers.get(resources.container_id)
        assert container.name.startswith("learner-test-")
        assert not any(k.startswith("quizdock") for k in container.labels)
        assert not any(k.startswith("quizdock") for k in docker_client.images.get(resources.image_id).labels or {})
        assert resources.image_id != docker_client.images.get(model.DEFAULT_IMAGE).id
    with pytest.raises(docker.errors.NotFound):
        docker_client.containers.get(resources.container_id)
    with pytest.raises(docker.errors.ImageNotFound):
        docker_client.images.get(resources.image_tag)
    with pytest.raises(docker.errors.NotFound):
        docker_client.volumes.get(resources.volume_name)
    with pytest.raises(docker.errors.NotFound):
        docker_client.networks.get(resources.network_id)


@pytest.mark.docker
def test_learner_resources_report_what_was_touched(
    docker_client: docker.DockerClient, learner_resources: LearnerResources
) -> None:
    docker_client.containers.get(learner_resources.container_id).stop(timeout=0)
    docker_client.images.remove(learner_resources.image_tag)
    assert flat(" | ".join(learner_resources.missing(docker_client))) == (
        f"container {learner_resources.container_name} is exited, not running"
        f" | image tag {learner_resources.image_tag} was removed"
    )


# --- quizdock doctor ----------------------------------------------------------------------------


def run_doctor(monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("NO_COLOR", "1")
    result = CliRunner().invoke(app, ["doctor"])
    return result.exit_code, result.output


@pytest.mark.docker
def test_doctor_reports_the_engine(docker_client: docker.DockerClient, monkeypatch: pytest.MonkeyPatch) -> None:
    version = docker_client.version()
    code, output = run_doctor(monkeypatch)
    assert code == 0, output
    text = flat(output)
    assert f"endpoint {dc.describe_endpoint()}" in text
    assert f"{version['Version']} on " in text and f"API version {version['ApiVersion']}" in text
    for line in ("rootless mode", "Docker Desktop", "Podman"):
        assert f"{line} no" in text or f"{line} yes" in text
    assert "image busybox:latest present" in text
    assert "\x1b[" not in output  # NO_COLOR: words, not colours, carry the meaning


@pytest.mark.docker
def test_doctor_names_a_missing_image(docker_client: docker.DockerClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model, "CHALLENGE_IMAGES", (model.DEFAULT_IMAGE, "learner-test-absent:never"))
    code, output = run_doctor(monkeypatch)
    assert code == 0, output
    text = flat(output)
    assert "image busybox:latest present" in text
    assert "image learner-test-absent:never missing: run `docker pull learner-test-absent:never`" in text


def test_doctor_without_engine(clean_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    host = f"unix://{tmp_path}/nonexistent.sock"
    monkeypatch.setenv("DOCKER_HOST", host)
    code, output = run_doctor(monkeypatch)
    assert code == ExitCode.DOCKER, output
    text = flat(output)
    assert f"endpoint {host} (from DOCKER_HOST)" in text and "engine unreachable" in text
    assert "Problem: The Docker daemon is not running" in text
    assert "Fix: Start Docker: `sudo systemctl start docker`" in text and "unset DOCKER_HOST" in text
    assert "Traceback" not in output


def test_doctor_does_not_import_docker_until_run() -> None:
    # `quizdock --help` imports the command modules; the docker SDK must stay unloaded.
    code = (
        "import sys, quizdock.cli.commands.doctor, quizdock.lab.docker_client as dc; dc.describe_endpoint(); "
        "print(sorted(m for m in sys.modules if m == 'docker' or m.startswith('docker.')))"
    )
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
