"""Set a challenge up, grade it, and clean it up: in the private lab, or on the learner's Docker.

In the lab (``lab`` given), setup starts from an empty lab (everything but the cached images
removed), names are the note's own (``couchdb1``), ports come from the lab's published ones,
folders from its shared folder, and cleanup empties the lab again.

On the learner's own Docker, safety rules are enforced here:

- everything setup creates carries the labels ``quizdock.managed=1`` and
  ``quizdock.challenge=<id>``, and every name it gives starts with ``qd-``;
- cleanup removes only what carries this challenge's label, what has one of the challenge's
  reserved names, and what setup recorded (anonymous volumes, directories, the registry login);
- nothing here ever prunes.
"""

from __future__ import annotations

import contextlib
import os
import random
import secrets
import shutil
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quizdock.challenges.model import (
    LABEL_MANAGED,
    REGISTRY_IMAGE,
    BuildImage,
    Challenge,
    CreateContainer,
    CreateVolume,
    EnsureImage,
    PushImage,
    SetupAction,
    StartRegistry,
    TagImage,
    WriteFile,
    repository_name,
    substitute,
)
from quizdock.errors import DockerUnavailable, QuizdockError
from quizdock.i18n import Text, _
from quizdock.lab import lab_images
from quizdock.lab.conditions import (
    CONDITIONS,
    CheckResult,
    Context,
    named_container,
    recorded_login,
    registry_get,
    short_id,
)
from quizdock.lab.docker_ops import docker_errors, ensure_image, free_port, split_reference, tar_files
from quizdock.lab.state import LabState, forget_state, load_state, save_state

if TYPE_CHECKING:
    import docker

    from quizdock.lab.lab_access import Lab

REGISTRY_CONTAINER = "qd-registry"
REGISTRY_USER = "qd-learner"
REGISTRY_PASSWORD = "quizdock-practice"
# bcrypt of REGISTRY_PASSWORD (the registry accepts bcrypt only). A fixed practice password is
# fine: the registry listens on 127.0.0.1 only and lives as long as the challenge.
REGISTRY_HTPASSWD = f"{REGISTRY_USER}:$2y$10$2Mt4FqfrMbZ627J8GpFqgOVYx/qgsJV2xaaWhJZocfBQQmXA/QAhO\n"
# A seeded running container stops at once on `docker stop` (sh as PID 1 ignores TERM otherwise).
RUNNING_COMMAND = ("sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done")
WAIT_SECONDS = 30
# The run of a challenge that created a resource: cleanup on the learner's Docker removes only
# its own run's (another data folder's quizdock may run the same challenge on the same Docker).
LABEL_RUN = "quizdock.run"


# --------------------------------------------------------------------------- setup


@dataclass
class _Draft:
    """The state while setup builds it (:class:`LabState` itself is frozen)."""

    challenge_id: str
    values: dict[str, str]
    dirs: list[str]
    seeds: dict[str, str] = field(default_factory=dict)
    anonymous_volumes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    stopped: list[str] = field(default_factory=list)
    containers: dict[str, str] = field(default_factory=dict)
    registry: str | None = None
    registry_auth: bool = False
    lab: Lab | None = None
    free_ports: list[int] = field(default_factory=list)
    registry_name: str = REGISTRY_CONTAINER
    run: str = field(default_factory=lambda: secrets.token_hex(8))

    def labels(self, challenge: Challenge, *, helper: bool = False) -> dict[str, str]:
        """The challenge's labels and this run's."""
        return {**challenge.labels(helper=helper), LABEL_RUN: self.run}

    def sub(self, text: str) -> str:
        return substitute(text, self.values)

    def freeze(self) -> LabState:
        return LabState(
            challenge_id=self.challenge_id,
            values=dict(self.values),
            seeds=dict(self.seeds),
            anonymous_volumes=dict(self.anonymous_volumes),
            stopped=tuple(self.stopped),
            dirs=tuple(self.dirs),
            registry=self.registry,
            registry_auth=self.registry_auth,
            containers=dict(self.containers),
            lab=self.lab is not None,
            docker_config=str(self.lab.home.client_config) if self.lab else None,
            run=self.run,
            lab_container=self.lab.home.name if self.lab else None,
        )

    def port(self) -> int:
        """A port for the challenge: one the lab publishes, or a free one on the learner's machine."""
        if self.lab is None:
            chosen = free_port(exclude={int(v) for v in self.values.values() if v.isdigit()})
        elif self.free_ports:
            chosen = self.free_ports.pop(0)
        else:
            raise QuizdockError(_("This challenge needs more ports than the lab publishes."), _("Fix the deck file."))
        return chosen


def setup(client: docker.DockerClient, challenge: Challenge, *, lab: Lab | None = None) -> LabState:
    """Clean leftovers of an earlier run, choose the parameters, run the setup actions.

    The state is saved to disk as it grows, so a cleanup after an interruption still finds
    what was made.

    Args:
        client: A client of the lab's engine, or of the learner's Docker.
        challenge: The challenge.
        lab: The lab ``client`` talks to; None for the learner's own Docker.

    Returns:
        The challenge's state, also saved for ``quizdock challenge check``.

    Raises:
        DockerUnavailable: The daemon failed or refused a request.
    """
    cleanup(client, challenge, load_state(challenge.id), lab=lab)
    values = {
        "challenge": challenge.id,
        "label": challenge.label,
        "label_filter": "" if lab else challenge.label_filter,
    }
    draft = _Draft(challenge_id=challenge.id, values=values, dirs=[], lab=lab)
    if lab is not None:
        draft.free_ports = list(lab.ports)
        random.shuffle(draft.free_ports)
    # On the learner's Docker a run's names carry a token of their own, so two quizdocks (two data
    # folders, two test runs) on one Docker never take each other's qd- names.
    token = secrets.token_hex(2)
    draft.registry_name = REGISTRY_CONTAINER if lab else f"{REGISTRY_CONTAINER}-{token}"
    for param in challenge.params:
        if param.kind == "name":
            draft.values[param.key] = str(param.lab_name) if lab else f"{param.reserved_name}-{token}"
        elif param.kind == "port":
            draft.values[param.key] = str(draft.port())
        else:
            parent = None
            if lab is not None:
                lab.home.share.mkdir(parents=True, exist_ok=True)
                parent = str(lab.home.share)
            directory = tempfile.mkdtemp(prefix=f"qd-{param.key}-", dir=parent)
            os.chmod(directory, 0o755)  # a container's server (httpd as nobody) reads it
            draft.dirs.append(directory)
            draft.values[param.key] = directory
    save_state(draft.freeze())
    with docker_errors(_("setting the challenge up")):
        for action in challenge.setup:
            _run_action(client, challenge, action, draft)
            save_state(draft.freeze())
    # What the engine receives from now on is the learner's (quizdock's own setup is before).
    state = replace(draft.freeze(), since=time.time())
    save_state(state)
    return state


def _run_action(client: docker.DockerClient, challenge: Challenge, action: SetupAction, draft: _Draft) -> None:
    sub = draft.sub
    if isinstance(action, EnsureImage):
        ensure_image(client, sub(action.image), refused=_challenge_cannot_pull)
    elif isinstance(action, CreateContainer):
        _create_container(client, challenge, action, draft)
    elif isinstance(action, CreateVolume):
        client.volumes.create(name=sub(action.name), labels=draft.labels(challenge))
    elif isinstance(action, TagImage):
        repository, tag = split_reference(sub(action.target))
        client.images.get(sub(action.source)).tag(repository, tag)
    elif isinstance(action, BuildImage):
        image_id = _build_image(
            client, draft.labels(challenge, helper=True), sub(action.base), sub(action.tag) if action.tag else None
        )
        if action.record:
            draft.seeds[action.record] = image_id
    elif isinstance(action, StartRegistry):
        port = draft.port() if draft.lab else None
        draft.registry = _start_registry(
            client, challenge, auth=action.auth, port=port, name=draft.registry_name, labels=draft.labels(challenge)
        )
        draft.registry_auth = action.auth
        draft.values.update(registry=draft.registry, registry_user=REGISTRY_USER, registry_password=REGISTRY_PASSWORD)
    elif isinstance(action, PushImage):
        reference = f"{sub(action.repository)}:{sub(action.tag)}"
        _push(client, sub(action.image), sub(action.repository), sub(action.tag), auth=draft.registry_auth)
        if not action.keep_local:
            client.images.remove(reference)
    elif isinstance(action, WriteFile):
        Path(sub(action.path)).write_text(sub(action.content), encoding="utf-8")


def _challenge_cannot_pull(image: str, reason: str) -> DockerUnavailable:
    return DockerUnavailable(
        _("The challenge needs the image {image}, which is not on this Docker and cannot be pulled: {detail}.").format(
            image=image, detail=reason
        ),
        _("Connect to the internet and run `docker pull {image}` once, then start the challenge again.").format(
            image=image
        ),
    )


def _create_container(
    client: docker.DockerClient, challenge: Challenge, action: CreateContainer, draft: _Draft
) -> None:
    import docker.errors
    import requests.exceptions
    from docker.types import Mount

    mounts = [Mount(target=path, source=None, type="volume") for path in action.anonymous_volumes]
    for volume, path in action.volumes:
        name = draft.sub(volume)
        try:
            client.volumes.get(name)
        except docker.errors.NotFound:  # created here rather than by Docker, to carry the labels
            client.volumes.create(name=name, labels=draft.labels(challenge))
        mounts.append(Mount(target=path, source=name, type="volume"))
    command: list[str] | None = [draft.sub(c) for c in action.command]
    if not command:
        command = {"running": list(RUNNING_COMMAND), "exited": ["true"]}.get(action.state)  # created: the image's
    name = draft.sub(action.name)
    container = client.containers.create(
        draft.sub(action.image), command=command, name=name, labels=draft.labels(challenge), mounts=mounts, detach=True
    )
    draft.containers[name] = container.id
    if action.state != "created":
        container.start()
    if action.state == "exited":
        try:
            container.wait(timeout=WAIT_SECONDS)
        except requests.exceptions.RequestException:  # the read timed out: the command did not end
            raise QuizdockError(
                _("Setup failed: the container {name} should exit but still runs after {seconds} s.").format(
                    name=name, seconds=WAIT_SECONDS
                ),
                _("Fix the challenge's command in the deck file."),
            ) from None
    if action.state != "running":
        draft.stopped.append(container.id)
    if action.anonymous_volumes:
        container.reload()
        draft.anonymous_volumes[name] = tuple(
            str(m["Name"])
            for m in container.attrs.get("Mounts") or []
            if m.get("Destination") in action.anonymous_volumes
        )


def _build_image(client: docker.DockerClient, labels: dict[str, str], base: str, tag: str | None) -> str:
    # A created (never started) container with one new file, committed: a small image of its own.
    helper = client.containers.create(base, command=["true"], labels=labels)
    try:
        helper.put_archive("/", tar_files({"qd-seed": f"quizdock {uuid.uuid4()}\n".encode()}, mode=0o644))
        if tag:
            repository, version = split_reference(tag)
            image = helper.commit(repository=repository, tag=version)
        else:
            image = helper.commit()  # no tag: a dangling image
        return str(image.id)
    finally:
        helper.remove(force=True)


def _start_registry(
    client: docker.DockerClient,
    challenge: Challenge,
    *,
    auth: bool,
    port: int | None,
    name: str = REGISTRY_CONTAINER,
    labels: dict[str, str] | None = None,
) -> str:
    """Start the registry container; its ``127.0.0.1:PORT`` once it answers.

    Args:
        port: In the lab, one of its published ports: the registry listens there on every
            address of the lab, so the lab's engine (on 127.0.0.1) and quizdock's checks (through
            the lab's published port) both reach it. None: a free port chosen by Docker, local only.
    """
    ensure_image(client, REGISTRY_IMAGE, refused=_challenge_cannot_pull)
    environment: dict[str, str] = {}
    if auth:
        environment = {
            "REGISTRY_AUTH": "htpasswd",
            "REGISTRY_AUTH_HTPASSWD_REALM": "quizdock",
            "REGISTRY_AUTH_HTPASSWD_PATH": "/auth/htpasswd",
        }
    container = client.containers.create(
        REGISTRY_IMAGE,
        name=name,
        labels=labels or challenge.labels(),
        environment=environment,
        ports={"5000/tcp": ("0.0.0.0", port) if port else ("127.0.0.1",)},
        detach=True,
    )
    if auth:
        # Copied in rather than bind-mounted: works with a remote or Desktop daemon too.
        container.put_archive("/", tar_files({"auth/htpasswd": REGISTRY_HTPASSWD.encode()}, mode=0o644))
    container.start()
    container.reload()
    port = container.attrs["NetworkSettings"]["Ports"]["5000/tcp"][0]["HostPort"]
    address = f"127.0.0.1:{port}"
    probe = LabState(challenge_id=challenge.id, values={}, registry=address)
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            status, _body = registry_get(probe, "/v2/", timeout=2)
            if status in (200, 401):
                return address
        except OSError:
            pass
        if time.monotonic() > deadline:
            logs = container.logs(tail=5).decode("utf-8", "replace").strip()
            raise DockerUnavailable(
                _(
                    "The challenge's registry ({image}) did not answer on {address} within {seconds} s."
                    " Its last log lines: {logs}."
                ).format(image=REGISTRY_IMAGE, address=address, seconds=WAIT_SECONDS, logs=logs or _("(none)")),
                _("Check that `docker run -p 127.0.0.1::5000 {image}` works on your Docker.").format(
                    image=REGISTRY_IMAGE
                ),
            )
        time.sleep(0.2)


def _push(client: docker.DockerClient, image: str, repository: str, tag: str, *, auth: bool) -> None:
    client.images.get(image).tag(repository, tag)
    auth_config = {"username": REGISTRY_USER, "password": REGISTRY_PASSWORD} if auth else None
    for line in client.images.push(repository, tag=tag, auth_config=auth_config, stream=True, decode=True):
        if isinstance(line, dict) and line.get("error"):
            raise DockerUnavailable(
                _("Setup could not push {image} to the challenge's registry: {detail}.").format(
                    image=f"{repository}:{tag}", detail=line["error"]
                ),
                _("Check that your Docker can reach 127.0.0.1 registries, then try again."),
            )


# --------------------------------------------------------------------------- grading


def evaluate(client: docker.DockerClient, challenge: Challenge, state: LabState) -> list[CheckResult]:
    """Evaluate every check (all of them, even after a failure).

    Returns:
        One result per check, in the challenge's order. A failed check's deck message, if
        any, comes before its expected-vs-actual message.

    Raises:
        DockerUnavailable: The daemon failed or refused a request.
    """
    context = Context(client=client, challenge=challenge, state=state)
    results: list[CheckResult] = []
    with docker_errors(_("checking the challenge")):
        for check in challenge.checks_for(lab=state.lab):
            args = {k: substitute(v, state.values) if isinstance(v, str) else v for k, v in check.args.items()}
            result = CONDITIONS[check.condition](context, args)
            if not result.passed and check.message is not None:
                result = CheckResult(
                    name=result.name,
                    label=result.label,
                    passed=False,
                    message=Text(  # the deck's own message, in both languages, then the check's
                        fr=f"{render(check.message.fr, state)} — {result.message.fr}",
                        en=f"{render(check.message.en, state)} — {result.message.en}",
                    ),
                )
            results.append(result)
    return results


def render(text: str, state: LabState) -> str:
    """A deck text with the challenge's parameter values in place."""
    return substitute(text, state.values)


# --------------------------------------------------------------------------- cleanup


@dataclass(frozen=True, slots=True)
class _Owned:
    """What cleanup may remove: labelled, reserved-named, or recorded by setup."""

    containers: list[Any]
    tags: list[str]  # reserved image tags, removed one by one (a tag of busybox only untags it)
    images: list[Any]
    volumes: list[Any]


def challenge_names(challenge: Challenge, state: LabState | None) -> set[str]:
    """The names a set-up challenge gave (its ``name`` parameters' values, each with this run's
    own token on the learner's Docker); none without its state: a bare reserved name
    (``qd-app``) may well be the learner's own."""
    reserved = {p.key for p in challenge.params if p.kind == "name"}
    if state is not None and reserved <= set(state.values):
        return {state.values[key] for key in reserved}
    return set()


def _for_host(state: LabState | None) -> LabState | None:
    """The state to clean the learner's Docker with: a lab's state (plain names like
    ``couchdb1``, left by a lab session that died) never names anything there."""
    return None if state is not None and state.lab else state


def _owned(client: docker.DockerClient, challenge: Challenge, state: LabState | None) -> _Owned:
    """What this run of the challenge made on the learner's Docker: recorded by ID, labelled with
    its run, or named with its run's names. Without a state: nothing (whose would it be?)."""
    import docker.errors

    if state is None:
        return _Owned(containers=[], tags=[], images=[], volumes=[])
    names = challenge_names(challenge, state)
    # A state of an older quizdock has no run: the challenge's label alone, as it was then.
    label = {"label": [challenge.label, f"{LABEL_RUN}={state.run}"] if state.run else challenge.label}
    containers = {c.id: c for c in client.containers.list(all=True, filters=label, ignore_removed=True)}
    for name in names:
        container = named_container(client, name)
        if container is not None:
            containers[container.id] = container
    for container_id in {*state.containers.values(), *state.stopped} - set(containers):
        try:
            containers[container_id] = client.containers.get(container_id)
        except docker.errors.NotFound:
            continue
    # The API's list, not the SDK's: that one inspects every image and fails on one removed meanwhile.
    tags = sorted(
        tag for image in client.api.images() for tag in image.get("RepoTags") or [] if repository_name(tag) in names
    )
    images = client.images.list(all=True, filters=label)
    volumes = {v.name: v for v in client.volumes.list(filters=label)}
    wanted = names | {v for vs in state.anonymous_volumes.values() for v in vs}
    for name in wanted - set(volumes):
        try:
            volumes[name] = client.volumes.get(name)
        except docker.errors.NotFound:
            continue
    return _Owned(containers=list(containers.values()), tags=tags, images=images, volumes=list(volumes.values()))


def cleanup(
    client: docker.DockerClient, challenge: Challenge, state: LabState | None, *, lab: Lab | None = None
) -> list[str]:
    """Remove what the challenge created or named, and nothing else.

    In the lab, everything goes but the cached images. On the learner's Docker, best effort: a
    resource that cannot be removed (a volume a learner's own container still uses) is
    reported, not forced.

    Args:
        client: A connected client.
        challenge: The challenge.
        state: Its saved state, if any (for directories, anonymous volumes, the registry login).
        lab: The lab ``client`` talks to; None for the learner's own Docker.

    Returns:
        What could not be removed, one sentence each (empty when all is clean).
    """
    import docker.errors

    problems: list[str] = []
    if lab is not None:
        with docker_errors(_("emptying the lab")):
            lab_images.reset(client, lab.home)
            problems = [_("{what} (in the lab)").format(what=what) for what in lab_images.contents(client)]
        forget_state(challenge.id)
        return problems
    state = _for_host(state)
    with docker_errors(_("cleaning the challenge up")):
        owned = _owned(client, challenge, state)
        names = challenge_names(challenge, state)
        for container in owned.containers:
            with contextlib.suppress(docker.errors.NotFound):
                container.remove(force=True, v=True)  # v: its anonymous volumes are the challenge's too
        for tag in owned.tags:
            try:
                client.images.remove(tag)
            except docker.errors.NotFound:
                continue
            except docker.errors.APIError as exc:
                problems.append(_("image {name}: {detail}").format(name=tag, detail=exc.explanation or exc))
        for image in owned.images:
            try:
                image.reload()
            except docker.errors.NotFound:
                continue
            if any(repository_name(tag) not in names for tag in image.tags):
                continue  # the learner tagged it with a name of their own: it is theirs now
            try:
                client.images.remove(image.id, force=True)
            except docker.errors.NotFound:
                continue
            except docker.errors.APIError as exc:
                problems.append(
                    _("image {name}: {detail}").format(name=short_id(image.id), detail=exc.explanation or exc)
                )
        for volume in owned.volumes:
            try:
                volume.remove()
            except docker.errors.NotFound:
                continue
            except docker.errors.APIError as exc:
                problems.append(_("volume {name}: {detail}").format(name=volume.name, detail=exc.explanation or exc))
    if state is not None:
        for directory in state.dirs:
            shutil.rmtree(directory, ignore_errors=True)
            if Path(directory).exists():
                problems.append(
                    _("folder {path} (files made by a container may belong to root)").format(path=directory)
                )
        if state.registry and recorded_login(state.registry):
            logout(state.registry)
            if recorded_login(state.registry):
                problems.append(
                    _("the login to {registry}: run `docker logout {registry}`").format(registry=state.registry)
                )
    forget_state(challenge.id)
    return problems


def logout(registry: str) -> None:
    """``docker logout`` of the challenge's registry (the CLI also clears a credentials store)."""
    from quizdock.lab.terminal_env import learner_environ

    with contextlib.suppress(OSError, subprocess.SubprocessError):
        subprocess.run(
            ["docker", "logout", registry], capture_output=True, timeout=30, check=False, env=learner_environ()
        )


def leftovers(
    client: docker.DockerClient, challenge: Challenge, state: LabState | None, *, lab: Lab | None = None
) -> list[str]:
    """Every quizdock resource of this challenge still there (empty after a clean cleanup); in
    the lab, anything but the cached images."""
    if lab is not None:
        with docker_errors(_("looking for leftovers")):
            found = lab_images.contents(client)
        return found + [_("folder {path}").format(path=d) for d in (state.dirs if state else ()) if Path(d).exists()]
    state = _for_host(state)
    with docker_errors(_("looking for leftovers")):
        owned = _owned(client, challenge, state)
    found = [_("container {name}").format(name=c.name) for c in owned.containers]
    found += [_("image {name}").format(name=tag) for tag in owned.tags]
    found += [_("image {name}").format(name=f"{short_id(i.id)} {' '.join(i.tags)}".rstrip()) for i in owned.images]
    found += [_("volume {name}").format(name=v.name) for v in owned.volumes]
    if state is not None:
        found += [_("folder {path}").format(path=d) for d in state.dirs if Path(d).exists()]
        if state.registry and recorded_login(state.registry):
            found.append(_("login to {registry}").format(registry=state.registry))
    return found


# --------------------------------------------------------------------------- broad commands


def learner_count(client: docker.DockerClient, broad: str) -> int:
    """How many of the learner's own resources (not quizdock's) a broad command would remove.

    Args:
        broad: ``container-prune``, ``image-prune`` or ``image-prune-all``.
    """

    def mine(item_labels: dict[str, str] | None) -> bool:
        return LABEL_MANAGED not in (item_labels or {})

    with docker_errors(_("counting your resources")):
        if broad == "container-prune":
            stopped = client.containers.list(
                all=True, filters={"status": ["exited", "created", "dead"]}, ignore_removed=True
            )
            return sum(1 for c in stopped if mine(c.labels))
        if broad == "image-prune":
            return sum(1 for i in client.images.list(filters={"dangling": True}) if mine(i.labels))
        used = {c.attrs.get("Image") for c in client.containers.list(all=True, ignore_removed=True)}
        return sum(1 for i in client.images.list() if i.id not in used and mine(i.labels))
