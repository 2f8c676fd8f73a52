"""A Docker API request as the daemon reads it, for the guard (:mod:`quizdock.lab.guard`) and its
rules (:mod:`quizdock.lab.guard_rules`): the HTTP request read off the socket whole, its path and
query as Go reads them, JSON fields matched as Go matches them; the policy of one challenge's
steps, and the refusal of a request.
"""

from __future__ import annotations

import json
import os
import re
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from quizdock.i18n import _

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


def field_key(obj: dict[str, Any], name: str) -> str:
    lowered = name.lower()
    return next((k for k in obj if k.lower() == lowered), name)


def is_empty(value: Any) -> bool:
    return value in (None, "", 0, False, [], {})
