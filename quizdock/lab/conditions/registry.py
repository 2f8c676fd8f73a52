"""Every checker, under the kind of condition it checks: the one table a challenge's checks are
evaluated through (:func:`quizdock.lab.runner.evaluate`).

A checker's kind is its name (``containers.container_exists`` checks ``container_exists``). The
deck format declares the kinds and their arguments (:data:`quizdock.decks.challenge_spec.CONDITION_ARGS`);
tests/test_lab_conditions.py holds this table to exactly that set, one checker per kind.
"""

from __future__ import annotations

from quizdock.lab.conditions import (
    containers,
    image_registry,
    images,
    logins,
    mounts,
    ports,
    recorded,
    seeds,
    typed,
    volumes,
)
from quizdock.lab.conditions.base import Condition

CHECKERS: tuple[Condition, ...] = (
    containers.container_exists,
    containers.container_absent,
    containers.container_removed,
    containers.container_stopped,
    containers.container_started,
    containers.container_status,
    containers.container_image,
    containers.detached,
    containers.tty_stdin,
    containers.logs_contain,
    ports.published_port,
    ports.port_answers,
    mounts.mount,
    images.image_present,
    images.image_absent,
    images.image_same,
    images.image_derived,
    images.committed_from,
    images.image_pulled,
    volumes.volume_present,
    volumes.volume_absent,
    volumes.volume_file,
    volumes.volume_unused,
    volumes.anonymous_volumes_gone,
    image_registry.registry_has,
    logins.login_recorded,
    logins.login_stored,
    seeds.seeded_stopped_gone,
    seeds.seed_absent,
    seeds.seed_present,
    typed.answer_image,
    typed.answer_container,
    typed.answer_logged,
    typed.typed_command,
    # Lab only: they read what the lab's engine received (spec.RECORDED_CONDITIONS).
    recorded.logs_followed,
    recorded.pruned,
    recorded.volume_created,
    recorded.removed_with_volumes,
    recorded.interactive,
    recorded.stop_asked,
)

CONDITIONS: dict[str, Condition] = {checker.__name__: checker for checker in CHECKERS}
"""Each kind of condition and its checker."""
