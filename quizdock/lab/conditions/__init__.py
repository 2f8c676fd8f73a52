"""The fixed set of conditions a challenge's checks are made of, one module per resource.

Each condition reads the Docker daemon's state and returns a :class:`CheckResult` whose
message states what was expected and what was found, so that a near miss names the
difference. A check asserts the concept the task teaches, not a look-alike end state: a
removed container is the ID setup recorded, gone (a rename does not remove it); a pulled image
carries the registry's digest (a ``docker tag`` does not); a detached container was started
with no terminal attached (Docker's events tell an attached ``run`` from ``create`` + ``start``).
What the daemon cannot tell (one command or several, a name or a filter) is read from the
commands typed at quizdock's prompt (``typed_command``), when a session records them; how a task
was done, from what the lab's engine received (``recorded``).

A resource that vanishes while it is being read (the learner removes a container during a
check) is read again; Docker SDK errors other than that propagate, and the runner turns them
into a clear :class:`~quizdock.errors.DockerUnavailable`.

The modules: ``base`` (what every condition shares; it imports none of the others),
``containers``, ``ports``, ``mounts``, ``images``, ``image_registry``, ``logins``, ``volumes``,
``files``, ``seeds``, ``typed``, ``recorded``, and ``registry``, the table of every kind and its
checker. This package exports what the rest of quizdock uses.
"""

from __future__ import annotations

from quizdock.lab.conditions.base import Args, CheckResult, Condition, Context, named_container, short_id
from quizdock.lab.conditions.image_registry import registry_get
from quizdock.lab.conditions.logins import recorded_login, stored_credential
from quizdock.lab.conditions.registry import CONDITIONS

__all__ = [
    "CONDITIONS",
    "Args",
    "CheckResult",
    "Condition",
    "Context",
    "named_container",
    "recorded_login",
    "registry_get",
    "short_id",
    "stored_credential",
]
