"""Conditions on volumes: present or gone, a file in one, no container using it, a container's
anonymous volumes removed with it."""

from __future__ import annotations

from quizdock.challenges.model import DEFAULT_IMAGE as HELPER_IMAGE
from quizdock.i18n import bilingual, quoted_text
from quizdock.lab.conditions.base import (
    Args,
    CheckResult,
    Context,
    as_is,
    condition,
    diff,
    find_volume,
    ok,
    result,
    short_id,
)
from quizdock.lab.conditions.files import read_file


@condition
def volume_present(ctx: Context, a: Args) -> CheckResult:
    name = str(a["volume"])
    label = bilingual("volume {name} exists", name=name)
    if find_volume(ctx, name) is None:
        expected = bilingual("a volume named {name}", name=name)
        return result("volume_present", label, False, diff(expected, bilingual("none (docker volume ls)")))
    return result("volume_present", label, True, ok(bilingual("volume {name}", name=name)))


@condition
def volume_absent(ctx: Context, a: Args) -> CheckResult:
    name = str(a["volume"])
    label = bilingual("volume {name} is gone", name=name)
    expected = bilingual("no volume {name}", name=name)
    if find_volume(ctx, name) is not None:
        users = _volume_users(ctx, name)
        actual = bilingual("it exists, used by {users}", users=", ".join(users)) if users else bilingual("it exists")
        return result("volume_absent", label, False, diff(expected, actual))
    return result("volume_absent", label, True, ok(expected))


def _volume_users(ctx: Context, name: str) -> list[str]:
    return sorted(c.name for c in ctx.client.containers.list(all=True, filters={"volume": name}, ignore_removed=True))


@condition
def volume_file(ctx: Context, a: Args) -> CheckResult:
    name, path = str(a["volume"]), str(a["path"])
    text = str(a["text"]) if "text" in a else None
    if text:
        label = bilingual("volume {name} holds {path} containing {text}", name=name, path=path, text=quoted_text(text))
        expected = bilingual("{path} containing {text}", path=path, text=quoted_text(text))
    else:
        label = bilingual("volume {name} holds {path}", name=name, path=path)
        expected = as_is(path)
    if find_volume(ctx, name) is None:
        return result("volume_file", label, False, diff(expected, bilingual("no volume {name}", name=name)))
    content = read_file(ctx, image=HELPER_IMAGE, path=path, volume=name)
    if content is None:
        return result(
            "volume_file", label, False, diff(expected, bilingual("no {path} in {name}", path=path, name=name))
        )
    if text is not None and text not in content:
        shown = content.strip()[:80]
        return result(
            "volume_file", label, False, diff(expected, bilingual("it holds {shown}", shown=quoted_text(shown)))
        )
    return result("volume_file", label, True, ok(expected))


@condition
def volume_unused(ctx: Context, a: Args) -> CheckResult:
    name = str(a["volume"])
    label = bilingual("no container uses {name} any more", name=name)
    expected = bilingual("no container on {name}", name=name)
    users = _volume_users(ctx, name)
    if users:
        return result(
            "volume_unused",
            label,
            False,
            diff(expected, bilingual("used by {users}", users=", ".join(users))),
        )
    return result("volume_unused", label, True, ok(expected))


@condition
def anonymous_volumes_gone(ctx: Context, a: Args) -> CheckResult:
    name = str(a["container"])
    label = bilingual("the anonymous volumes of {name} are gone", name=name)
    names = ctx.state.anonymous_volumes.get(name, ())
    expected = bilingual("no anonymous volume of {name} left", name=name)
    left = [v for v in names if find_volume(ctx, v) is not None]
    if left:
        shown = ", ".join(short_id(v) for v in left)
        actual = bilingual("still there: {shown} (docker rm without -v leaves them)", shown=shown)
        return result("anonymous_volumes_gone", label, False, diff(expected, actual))
    return result("anonymous_volumes_gone", label, True, ok(expected))
