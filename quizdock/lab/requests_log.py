"""What the lab's engine received: its ``dockerd --debug`` request log, read back and parsed.

The lab's engine is the learner's alone, so every API request it handles is the learner's, from
any terminal and any client, or quizdock's own. Its ``dockerd`` runs with ``--debug``, which logs
each request it handles (method, URL with its query, and the JSON body of a small POST such as a
create) to its stderr: the lab container's log on the learner's Docker. Checks that need to know
*how* something was done (pulled, committed, followed, stopped or killed, pruned, attached) read
that record from the challenge's setup on.

quizdock's own requests after setup are the checks' reads (``GET``) and the helper containers
that read files (labelled ``quizdock.helper``): none of them is an action a check looks for, so
they need no telling apart beyond that label.

Two formats are read, the ones of Docker Engine 20.10 to 29 (logrus text, keys sorted)::

    time="..." level=debug msg="Calling POST /v1.41/containers/create?name=x"
    time="..." level=debug msg="form data: {\\"Tty\\":true,...}"

    time="..." level=debug msg="handling POST request" form-data="{...}" method=POST module=api
        request-url="/v1.51/containers/create?name=x" vars="map[version:1.51]"

A request that failed leaves no trace here on every engine (a 404 is not logged), so a check
judges by the daemon's state too: a request is what was asked, the state is what happened.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

if TYPE_CHECKING:
    import docker

# A logfmt pair: key=value or key="quoted \"value\"" (Go's strconv.Quote escaping).
_PAIR = re.compile(r'([A-Za-z_][\w.-]*)=("(?:[^"\\]|\\.)*"|\S*)')
_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)")
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_TIME = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$")
_VERSION = re.compile(r"^/v\d+(?:\.\d+)*(?=/)")
_CALLING = re.compile(r"^Calling (?P<method>[A-Z]+) (?P<url>\S+)$")
_HANDLING = re.compile(r"^handling (?P<method>[A-Z]+) request$")
_FORM = "form data: "


@dataclass(frozen=True, slots=True)
class Request:
    """One API request the engine handled.

    Attributes:
        time: When the engine logged it (seconds since the epoch).
        method: ``GET``, ``POST``, ``DELETE``...
        path: The URL path without its API version (``/containers/x/logs``), unquoted.
        query: Each query parameter's last value (``{"follow": "1"}``).
        body: The JSON body the engine logged (a create's configuration), if any.
    """

    time: float
    method: str
    path: str
    query: Mapping[str, str] = field(default_factory=dict)
    body: Mapping[str, Any] | None = None

    def parts(self) -> list[str]:
        """The path's segments: ``["containers", "x", "logs"]``."""
        return [p for p in self.path.split("/") if p]

    def flag(self, key: str) -> bool:
        """A boolean query parameter is set (``1`` or ``true``)."""
        return self.query.get(key, "").lower() in ("1", "true")

    def filters(self) -> dict[str, Any]:
        """The decoded ``filters`` parameter (a prune's, a list's), or an empty mapping."""
        try:
            value = json.loads(self.query.get("filters", "") or "{}")
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}


def _unquote_go(text: str) -> str:
    if not (len(text) >= 2 and text[0] == '"' and text[-1] == '"'):
        return text

    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "xuU" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _SIMPLE_ESCAPES.get(code, code)

    return _ESCAPE.sub(one, text[1:-1])


def fields(line: str) -> dict[str, str]:
    """The ``key=value`` pairs of one logfmt line, values unquoted."""
    return {key: _unquote_go(value) for key, value in _PAIR.findall(line)}


def parse_time(text: str) -> float | None:
    """A log line's RFC 3339 time (nanoseconds allowed) as seconds since the epoch."""
    match = _TIME.match(text.strip())
    if match is None:
        return None
    zone = "+00:00" if match.group(3) == "Z" else match.group(3)
    whole = datetime.fromisoformat(match.group(1) + zone).timestamp()
    return whole + float("0." + (match.group(2) or "0"))


def _request(when: float, method: str, url: str, body: Mapping[str, Any] | None) -> Request:
    parts = urlsplit(url)
    path = _VERSION.sub("", unquote(parts.path)) or "/"
    query = {key: values[-1] for key, values in parse_qs(parts.query, keep_blank_values=True).items()}
    return Request(time=when, method=method, path=path, query=query, body=body)


def _json(text: str) -> Mapping[str, Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def parse(lines: Iterable[str]) -> list[Request]:
    """The requests in a ``dockerd --debug`` log, in order (other lines are skipped)."""
    found: list[Request] = []
    for line in lines:
        if "msg=" not in line:
            continue
        pairs = fields(line)
        when = parse_time(pairs.get("time", ""))
        message = pairs.get("msg", "")
        if when is None:
            continue
        if calling := _CALLING.match(message):  # Engine 20.10 to 24
            found.append(_request(when, calling["method"], calling["url"], None))
        elif message.startswith(_FORM) and found and found[-1].body is None and found[-1].method == "POST":
            last = found[-1]  # the body is logged on the line after its request
            found[-1] = Request(last.time, last.method, last.path, last.query, _json(message[len(_FORM) :]))
        elif (handling := _HANDLING.match(message)) and "request-url" in pairs:  # Engine 25 and later
            body = _json(pairs["form-data"]) if "form-data" in pairs else None
            found.append(_request(when, handling["method"], pairs["request-url"], body))
    return found


# --------------------------------------------------------------------------- reading the lab's log


class NoRecord(Exception):
    """The lab's request log cannot be read; the message says why (for the learner)."""


SLACK_SECONDS = 2  # `docker logs --since` takes whole seconds: read a little earlier, then filter


def read(host: docker.DockerClient, container: str, since: float) -> list[Request]:
    """The requests the lab's engine logged from ``since`` on.

    Args:
        host: A client of the learner's Docker (where the lab container runs).
        container: The lab container's name.
        since: The time the record starts (the end of the challenge's setup).

    Raises:
        NoRecord: The lab container is not there, or its engine does not log requests.
    """
    import docker.errors

    from quizdock.lab.lab_container import DEBUG_FLAG

    try:
        lab = host.containers.get(container)
    except docker.errors.NotFound:
        raise NoRecord(f"no lab container {container}") from None
    arguments = [str(a) for a in (lab.attrs.get("Args") or [])]
    if DEBUG_FLAG not in arguments:
        raise NoRecord("the lab's engine runs without --debug (started by an older quizdock)")
    raw = lab.logs(stdout=True, stderr=True, since=max(0, int(since) - SLACK_SECONDS))
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return [r for r in parse(text.splitlines()) if r.time >= since]


# --------------------------------------------------------------------------- what a request names


def names(reference: str, container_id: str, name: str) -> bool:
    """Whether a container reference in a URL (name, ``/name``, ID or ID prefix) is this container."""
    reference = reference.strip()
    if not reference:
        return False
    if reference.lstrip("/") == name:
        return True
    return bool(re.fullmatch(r"[0-9a-f]+", reference)) and container_id.startswith(reference)


def on_container(requests: Iterable[Request], container_id: str, name: str, action: str) -> list[Request]:
    """The requests ``/containers/<this one>/<action>`` (``action`` empty: the container itself)."""
    found = []
    for request in requests:
        parts = request.parts()
        if len(parts) < 2 or parts[0] != "containers":
            continue
        if parts[2:] == ([action] if action else []) and names(parts[1], container_id, name):
            found.append(request)
    return found


def created(requests: Iterable[Request], name: str) -> list[Request]:
    """The ``POST /containers/create?name=NAME`` requests."""
    return [
        r
        for r in requests
        if r.method == "POST" and r.path == "/containers/create" and r.query.get("name", "").lstrip("/") == name
    ]


def of_path(requests: Iterable[Request], method: str, path: str) -> list[Request]:
    return [r for r in requests if r.method == method and r.path == path]
