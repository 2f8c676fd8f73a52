"""Conditions on what the challenge's setup left for the learner: stopped containers to clean up,
images it built (its seeds)."""

from __future__ import annotations

from quizdock.i18n import N_, bilingual
from quizdock.lab.conditions.base import (
    Args,
    CheckResult,
    Context,
    condition,
    diff,
    find_image,
    ok,
    result,
    short_id,
)


@condition
def seeded_stopped_gone(ctx: Context, a: Args) -> CheckResult:
    label = bilingual("the challenge's stopped containers are gone")
    expected = bilingual("none of them")
    import docker.errors

    left: list[str] = []
    for identifier in ctx.state.stopped:
        try:
            left.append(ctx.client.containers.get(identifier).name)
        except docker.errors.NotFound:
            continue
    if left:
        return result(
            "seeded_stopped_gone",
            label,
            False,
            diff(expected, bilingual("still there: {left}", left=", ".join(left))),
        )
    return result("seeded_stopped_gone", label, True, ok(expected))


def _seed(ctx: Context, a: Args, *, present: bool) -> CheckResult:
    key = str(a["seed"])
    name = "seed_present" if present else "seed_absent"
    identifier = ctx.state.seeds.get(key, "")
    what = bilingual("image {key} ({id})", key=key, id=short_id(identifier))
    label = bilingual(N_("{what} is still there") if present else N_("{what} is gone"), what=what)
    exists = bool(identifier) and find_image(ctx, identifier) is not None
    there, gone = bilingual("present"), bilingual("gone")
    if exists == present:
        return result(name, label, True, ok(there if present else gone))
    return result(name, label, False, diff(there if present else gone, there if exists else gone))


@condition
def seed_absent(ctx: Context, a: Args) -> CheckResult:
    return _seed(ctx, a, present=False)


@condition
def seed_present(ctx: Context, a: Args) -> CheckResult:
    return _seed(ctx, a, present=True)
