"""The one place quizdock reads the clock.

``QUIZDOCK_NOW`` (an ISO 8601 date-time with offset) pins it, so scripted sessions and tests
can review "on" a given day.
"""

from __future__ import annotations

import os
from datetime import date, datetime

from quizdock.errors import ExitCode, QuizdockError


def now() -> datetime:
    """The current time, aware, in the learner's time zone."""
    pinned = os.environ.get("QUIZDOCK_NOW")
    if pinned:
        try:
            moment = datetime.fromisoformat(pinned)
        except ValueError:
            raise QuizdockError(
                f"QUIZDOCK_NOW={pinned!r} is not an ISO date-time; use e.g. 2026-01-31T09:00:00+01:00 or unset it.",
                exit_code=ExitCode.USAGE,
            ) from None
        if moment.tzinfo is None:
            moment = moment.astimezone()
        return moment
    return datetime.now().astimezone()


def today(moment: datetime | None = None) -> date:
    """The learner's local date: reviews fall due by day."""
    return (moment or now()).date()
