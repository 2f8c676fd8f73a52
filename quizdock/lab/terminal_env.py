"""The environment of a terminal pointed at the private lab (``eval "$(quizdock lab env)"``).

Such a terminal's ``docker`` CLI talks to the lab; quizdock run there still reaches the learner's
own Docker (where the lab runs), from the values recorded before, and can print the way back.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping

# `eval "$(quizdock lab env)"` points a terminal's docker CLI at the private lab with these
# variables, and records in LAB_TERMINAL what they were before: quizdock itself keeps reaching
# the learner's own Docker there (where the lab runs), and can print the way back.
LAB_VARIABLES = ("DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH", "DOCKER_CONFIG")
LAB_TERMINAL = "QUIZDOCK_LAB_ENV"


def lab_terminal(environ: Mapping[str, str] | None = None) -> dict[str, str | None] | None:
    """In a terminal pointed at the lab, the learner's own values of :data:`LAB_VARIABLES`
    (None for one that was not set); None when the terminal is not pointed at the lab."""
    env = os.environ if environ is None else environ
    try:
        data = json.loads(env.get(LAB_TERMINAL) or "null")
        if not isinstance(data, dict) or env.get("DOCKER_HOST") != data.get("host"):
            return None  # DOCKER_HOST was changed since: the terminal no longer points at the lab
        outer = data.get("outer") or {}
        return {key: outer.get(key) if isinstance(outer.get(key), str) else None for key in LAB_VARIABLES}
    except (ValueError, AttributeError):
        return None


def learner_environ(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment with the learner's own Docker settings (those from before
    ``eval "$(quizdock lab env)"`` in a terminal pointed at the lab)."""
    env = dict(os.environ if environ is None else environ)
    outer = lab_terminal(env)
    if outer is None:
        return env
    for key in LAB_VARIABLES:
        value = outer.get(key)
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    env.pop(LAB_TERMINAL, None)
    return env


def way_back(outer: Mapping[str, str | None], shell: str = "sh") -> str:
    """The line that points a terminal's docker CLI at the learner's own Docker again."""
    import shlex

    unset = [key for key in LAB_VARIABLES if outer.get(key) is None] + [LAB_TERMINAL]
    restore = {key: value for key, value in outer.items() if value is not None}
    if shell == "fish":
        parts = [f"set -e {key}" for key in unset] + [f"set -gx {k} {shlex.quote(v)}" for k, v in restore.items()]
        return "; ".join(parts)
    parts = ["unset " + " ".join(unset)] + [f"export {k}={shlex.quote(v)}" for k, v in restore.items()]
    return "; ".join(parts)
