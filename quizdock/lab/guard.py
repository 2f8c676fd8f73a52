"""The guard: every request a deck's solution step sends to Docker, judged as Docker reads it.

A step's ``docker`` client talks to a small HTTP proxy of quizdock's own, on a unix socket in
a private (0700) folder, instead of the daemon. The proxy reads each request the real client
sends (method, path, query, JSON body), refuses anything that could reach the host (HTTP 403
with a JSON ``message``, which the docker CLI prints as "Error response from daemon: ..."),
and forwards the rest to the real daemon: the private lab's engine or the learner's Docker.
The command line is read a first time by :mod:`quizdock.lab.steps` for clear messages before
anything runs; this is the authority, because it reads what the daemon would receive (the
last of ``source``/``src``, ``--network name=host``, a default filled in by the client...).

Each connection carries one request (``Connection: close`` both ways): no later request on a
kept-alive connection escapes the check. A stream Docker upgrades (attach, exec) is piped
after its request was judged.

What is refused, whatever the engine:

- a bind mount whose source is not exactly one of the challenge's folders (a folder below one
  could be replaced by a link to ``/`` between the check and the mount; the folder itself sits
  where no container of the step can reach its parent);
- privileges and host namespaces: ``Privileged``, ``CapAdd``, devices, ``SecurityOpt``,
  ``host``/``container:`` network, pid, ipc, uts, user, cgroup modes, ``Runtime``,
  ``CgroupParent``, ``Sysctls``, OCI annotations, unmasked system paths, volume drivers and
  volume options (which can bind any host folder), BuildKit sessions and build options of the
  host;
- every endpoint a solution step has no use for (copying files, updates, plugins, swarm...).

On the learner's Docker, also: acting on a container, volume, network or image that is not the
challenge's (its label, or one of its names), prunes without the challenge's label filter,
logins elsewhere than the challenge's registry; and everything a step creates is labelled as
the challenge's, so cleanup finds it (an unnamed ``--restart always`` container included).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from quizdock.i18n import _

if TYPE_CHECKING:
    import docker

MAX_HEAD = 64 * 1024
MAX_BODY = 512 * 1024 * 1024  # a build context
MIN_API = (1, 24)  # older versions let `start` carry a HostConfig
_VERSION = re.compile(r"/v(\d+)\.(\d+)(/.*)")


class Refused(Exception):
    """A request the guard does not forward; the message says why (shown by the docker CLI)."""


@dataclass(frozen=True, slots=True)
class Policy:
    """What the steps of one challenge may do.

    Attributes:
        challenge_id: The challenge (the value of its ``quizdock.challenge`` label).
        dirs: The challenge's folders (its ``dir`` parameters): the only bind sources.
        lab: The steps run in the private lab, which holds nothing of the learner's.
        names: The names the challenge gave (``name`` parameters, its registry container).
        registry: The challenge's registry address, if it has one.
        labels: Added to what a step creates on the learner's Docker.
    """

    challenge_id: str
    dirs: tuple[str, ...]
    lab: bool
    names: frozenset[str] = frozenset()
    registry: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def bind_sources(self) -> frozenset[str]:
        """Each folder as written and with its links resolved (``/tmp`` may be a link)."""
        return frozenset(p.rstrip("/") for d in self.dirs for p in (d, os.path.realpath(d)))


# --------------------------------------------------------------------------- reading HTTP


@dataclass(slots=True)
class Request:
    method: str
    target: str
    headers: list[tuple[str, str]]
    body: bytes
    path: str = ""
    query: dict[str, list[str]] = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        found = [v for k, v in self.headers if k.lower() == name]
        return found[-1] if found else None

    def first(self, name: str) -> str:
        """A query value as the daemon reads it (Go's ``Form.Get``: the first one)."""
        return (self.query.get(name) or [""])[0]


def _read_head(conn: socket.socket, buffer: bytearray) -> bytes:
    while b"\r\n\r\n" not in buffer:
        if len(buffer) > MAX_HEAD:
            raise Refused(_("the request's headers are too long"))
        chunk = conn.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        buffer += chunk
    head, _sep, rest = bytes(buffer).partition(b"\r\n\r\n")
    buffer[:] = rest
    return head


def _read_exact(conn: socket.socket, buffer: bytearray, size: int) -> bytes:
    while len(buffer) < size:
        chunk = conn.recv(min(1 << 20, size - len(buffer)))
        if not chunk:
            raise ConnectionError("closed")
        buffer += chunk
    data = bytes(buffer[:size])
    del buffer[:size]
    return data


def _read_line(conn: socket.socket, buffer: bytearray) -> bytes:
    while b"\r\n" not in buffer:
        if len(buffer) > MAX_HEAD:
            raise Refused(_("the request is malformed"))
        chunk = conn.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        buffer += chunk
    line, _sep, rest = bytes(buffer).partition(b"\r\n")
    buffer[:] = rest
    return line


def _read_chunked(conn: socket.socket, buffer: bytearray) -> bytes:
    body = bytearray()
    while True:
        size_text = _read_line(conn, buffer).split(b";", 1)[0].strip()
        if not re.fullmatch(rb"[0-9a-fA-F]{1,8}", size_text):
            raise Refused(_("the request is malformed"))
        size = int(size_text, 16)
        if size == 0:
            while _read_line(conn, buffer):  # trailers
                pass
            return bytes(body)
        if len(body) + size > MAX_BODY:
            raise Refused(_("the request's body is too large"))
        body += _read_exact(conn, buffer, size)
        if _read_exact(conn, buffer, 2) != b"\r\n":
            raise Refused(_("the request is malformed"))


def read_request(conn: socket.socket) -> Request:
    """One request, its body read whole (chunks joined): exactly what will be forwarded."""
    buffer = bytearray()
    head = _read_head(conn, buffer)
    try:
        lines = head.decode("ascii").split("\r\n")
    except UnicodeDecodeError:
        raise Refused(_("the request is malformed")) from None
    parts = lines[0].split(" ")
    if len(parts) != 3 or parts[2] != "HTTP/1.1" or not parts[1].startswith("/"):
        raise Refused(_("the request is malformed"))
    headers = []
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if not sep or not re.fullmatch(r"[A-Za-z0-9-]+", name):
            raise Refused(_("the request is malformed"))
        headers.append((name, value.strip()))
    request = Request(method=parts[0], target=parts[1], headers=headers, body=b"")
    kind = (request.header("content-type") or "").lower()
    if kind.startswith(("application/x-www-form-urlencoded", "multipart/")):
        raise Refused(_("a form body, whose fields the daemon would read as the query's"))
    encoding, length = request.header("transfer-encoding"), request.header("content-length")
    if request.header("expect"):
        conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
    if encoding is not None:
        if encoding.lower() != "chunked" or length is not None:
            raise Refused(_("the request is malformed"))
        request.body = _read_chunked(conn, buffer)
    elif length is not None:
        if not length.isdigit() or int(length) > MAX_BODY:
            raise Refused(_("the request is malformed"))
        request.body = _read_exact(conn, buffer, int(length))
    _split_target(request)
    return request


def _split_target(request: Request) -> None:
    """The path and query as Go reads them; anything Go and Python could read differently is refused."""
    path, _sep, query = request.target.partition("?")
    if "#" in request.target or ";" in query or "%2f" in path.lower() or "%00" in request.target:
        raise Refused(_("the request's address is malformed"))
    path = unquote(path)
    if "//" in path or any(part in (".", "..") for part in path.split("/")):
        raise Refused(_("the request's address is malformed"))
    match = _VERSION.fullmatch(path)
    if match:
        if (int(match.group(1)), int(match.group(2))) < MIN_API:
            raise Refused(_("API versions older than 1.24 are not forwarded"))
        path = match.group(3)
    request.path = path
    for pair in query.split("&") if query else ():
        key, _sep, value = pair.partition("=")
        if re.search(r"%(?![0-9A-Fa-f]{2})", pair):
            raise Refused(_("the request's address is malformed"))
        request.query.setdefault(unquote(key.replace("+", " ")), []).append(unquote(value.replace("+", " ")))


def go_json(data: bytes) -> Any:
    """A JSON body as Go reads it, or refused: Go matches field names without regard to case
    and keeps the last of two, so two keys that differ only in case are refused."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: set[str] = set()
        for key, _value in items:
            if key.lower() in seen:
                raise Refused(_("the request names {field} twice").format(field=key))
            seen.add(key.lower())
        return dict(items)

    if not data.strip():
        return None
    try:
        return json.loads(data.decode("utf-8"), object_pairs_hook=pairs)
    except (UnicodeDecodeError, ValueError):
        raise Refused(_("the request's body is not JSON")) from None


def get(obj: Any, name: str) -> Any:
    """A field of a JSON object, matched as Go matches it (any case)."""
    if not isinstance(obj, dict):
        return None
    lowered = name.lower()
    return next((v for k, v in obj.items() if k.lower() == lowered), None)


def _key(obj: dict[str, Any], name: str) -> str:
    lowered = name.lower()
    return next((k for k in obj if k.lower() == lowered), name)


def _empty(value: Any) -> bool:
    return value in (None, "", 0, False, [], {})


# --------------------------------------------------------------------------- the proxy


def _forwarded(request: Request, body: bytes, *, upgrade: str | None) -> bytes:
    """The request as judged, written anew: one body of known length, one request per connection."""
    from urllib.parse import urlencode

    target = request.target.partition("?")[0]
    if request.query:
        target += "?" + urlencode(request.query, doseq=True)
    dropped = {"connection", "keep-alive", "transfer-encoding", "content-length", "expect", "upgrade", "te"}
    lines = [f"{request.method} {target} HTTP/1.1"]
    lines += [f"{k}: {v}" for k, v in request.headers if k.lower() not in dropped and not k.lower().startswith("proxy")]
    if upgrade:
        lines += ["Connection: Upgrade", f"Upgrade: {upgrade}"]
    else:
        lines.append("Connection: close")
    if body or request.method in ("POST", "PUT"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def _refusal(message: str) -> bytes:
    body = json.dumps({"message": _("quizdock refused this deck step: {reason}").format(reason=message)}).encode()
    head = (
        "HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


class _Upstream:
    """A connection to the real daemon: its unix socket, or ``docker system dial-stdio`` (the
    docker CLI's own way to any endpoint: TLS, ssh, contexts)."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        from quizdock.docker_client import resolve_endpoint

        host = resolve_endpoint(environ).host
        self.sock: socket.socket | None = None
        self.process: subprocess.Popen[bytes] | None = None
        if host.startswith("unix://"):
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.connect(host.removeprefix("unix://"))
        else:
            self.process = subprocess.Popen(
                ["docker", "system", "dial-stdio"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=dict(environ),
            )

    def send(self, data: bytes) -> None:
        if self.sock is not None:
            self.sock.sendall(data)
        else:
            assert self.process is not None and self.process.stdin is not None
            self.process.stdin.write(data)
            self.process.stdin.flush()

    def recv(self) -> bytes:
        if self.sock is not None:
            return self.sock.recv(65536)
        assert self.process is not None and self.process.stdout is not None
        return self.process.stdout.read1(65536)  # type: ignore[attr-defined]

    def close_write(self) -> None:
        with contextlib.suppress(OSError):
            if self.sock is not None:
                self.sock.shutdown(socket.SHUT_WR)
            elif self.process is not None and self.process.stdin is not None:
                self.process.stdin.close()

    def close(self) -> None:
        if self.sock is not None:
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)
            self.sock.close()
        if self.process is not None:
            with contextlib.suppress(OSError):
                if self.process.stdin:
                    self.process.stdin.close()
            self.process.kill()
            self.process.wait()
            if self.process.stdout:
                self.process.stdout.close()


class Guard:
    """The proxy for one challenge's steps, serving until closed.

    Attributes:
        refusals: Every refused request, with why (for the proof's report).
    """

    def __init__(self, policy: Policy, upstream: Mapping[str, str], client: docker.DockerClient) -> None:
        from quizdock.lab.guard_rules import Judge

        self.policy, self.upstream = policy, dict(upstream)
        self.judge = Judge(policy, _lookup(client, threading.Lock()))
        self.refusals: list[str] = []
        self.folder = tempfile.mkdtemp(prefix="quizdock-guard-")  # 0700: only the learner connects
        self.path = os.path.join(self.folder, "docker.sock")
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(self.path)
        self.server.listen(64)
        self.closed = False
        self.thread = threading.Thread(target=self._serve, name="quizdock-guard", daemon=True)
        self.thread.start()

    def environ(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """``base`` (default: this process's environment) with the docker CLI pointed at the guard."""
        env = {k: v for k, v in (os.environ if base is None else base).items()}
        for name in ("DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_CONTEXT", "DOCKER_TLS"):
            env.pop(name, None)
        env["DOCKER_HOST"] = "unix://" + self.path
        env["DOCKER_BUILDKIT"] = "0"  # a BuildKit session cannot be judged; the classic builder's request can
        return env

    def close(self) -> None:
        self.closed = True
        with contextlib.suppress(OSError):
            self.server.shutdown(socket.SHUT_RDWR)
        self.server.close()
        self.thread.join(timeout=5)
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Guard:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _serve(self) -> None:
        while not self.closed:
            try:
                conn, _addr = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        upstream: _Upstream | None = None
        try:
            try:
                request = read_request(conn)
                body = self._judged(request)
            except Refused as refused:
                self.refusals.append(str(refused))
                conn.sendall(_refusal(str(refused)))
                return
            # Only the streams Docker hijacks are upgraded; anything else ends with its answer.
            hijacked = re.search(r"/(attach|exec/[^/]+/start)$", request.path) is not None
            wanted = request.header("upgrade") if hijacked else None
            upstream = _Upstream(self.upstream)
            upstream.send(_forwarded(request, request.body if body is None else body, upgrade=wanted))
            self._answer(conn, upstream)
        except (OSError, ConnectionError, ValueError):
            return
        finally:
            if upstream is not None:
                upstream.close()
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)  # wakes the thread piping stdin, and the client sees the end
            conn.close()

    def _judged(self, request: Request) -> bytes | None:
        """The judge's verdict; a request it cannot judge (Docker did not answer its question
        about a resource) is refused: nothing unjudged reaches the daemon."""
        import docker.errors

        try:
            return self.judge.judge(request)
        except (docker.errors.DockerException, OSError) as error:
            raise Refused(_("the guard could not judge this request ({error})").format(error=error)) from None

    def _answer(self, conn: socket.socket, upstream: _Upstream) -> None:
        buffer = bytearray()
        while b"\r\n\r\n" not in buffer:
            chunk = upstream.recv()
            if not chunk:
                return
            buffer += chunk
        head, _sep, rest = bytes(buffer).partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        upgraded = lines[0].split(" ")[1:2] == ["101"]
        if not upgraded:
            lines = [lines[0]] + [
                h for h in lines[1:] if h.split(":")[0].strip().lower() not in ("connection", "keep-alive")
            ]
            lines.append("Connection: close")
        conn.sendall("\r\n".join(lines).encode("latin-1") + b"\r\n\r\n" + rest)
        if upgraded:  # the container's stdin goes up only once Docker accepted the judged request
            threading.Thread(target=_pump_up, args=(conn, upstream), daemon=True).start()
        while chunk := upstream.recv():
            conn.sendall(chunk)


def _pump_up(conn: socket.socket, upstream: _Upstream) -> None:
    try:
        while chunk := conn.recv(65536):
            upstream.send(chunk)
    except (OSError, ValueError):
        pass
    upstream.close_write()


def _lookup(client: docker.DockerClient, lock: threading.Lock) -> Any:
    """Labels of resources on the learner's Docker, through the SDK (one request at a time)."""
    import docker.errors

    from quizdock.lab.guard_rules import Lookup

    def labels_of(read: Callable[[str], dict[str, Any]], path: Callable[[dict[str, Any]], Any]) -> Any:
        def find(name: str) -> dict[str, str] | None:
            with lock:
                try:
                    return dict(path(read(name)) or {})
                except docker.errors.NotFound:
                    return None

        return find

    def create_volume(name: str, labels: Mapping[str, str]) -> None:
        with lock:
            client.api.create_volume(name=name, labels=dict(labels))

    api = client.api
    return Lookup(
        container=labels_of(api.inspect_container, lambda a: (a.get("Config") or {}).get("Labels")),
        volume=labels_of(api.inspect_volume, lambda a: a.get("Labels")),
        network=labels_of(api.inspect_network, lambda a: a.get("Labels")),
        image=labels_of(api.inspect_image, lambda a: (a.get("Config") or {}).get("Labels")),
        create_volume=create_volume,
    )


@contextlib.contextmanager
def guarded(policy: Policy, upstream: Mapping[str, str], client: docker.DockerClient) -> Iterator[Guard]:
    """A guard for one challenge's steps, closed afterwards."""
    guard = Guard(policy, upstream, client)
    try:
        yield guard
    finally:
        guard.close()
