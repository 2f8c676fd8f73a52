"""The one place quizdock reads the clock.

``QUIZDOCK_NOW`` (an ISO 8601 date-time with offset) pins it, so scripted sessions and tests
can review "on" a given day.
"""

from __future__ import annotations

import os
from datetime import date, datetime

from quizdock.errors import ExitCode, QuizdockError
from quizdock.i18n import _, quoted

FIRST_YEAR, LAST_YEAR = 2000, 2999
"""The years QUIZDOCK_NOW may name: far from the ends of Python's calendar (1 and 9999), so a
time-zone shift or a schedule years ahead stays a date."""


def now() -> datetime:
    """The current time, aware, in the learner's time zone."""
    pinned = os.environ.get("QUIZDOCK_NOW")
    if pinned:
        try:
            moment = datetime.fromisoformat(pinned)
        except (ValueError, OverflowError):
            raise QuizdockError(
                _("QUIZDOCK_NOW={value} is not an ISO date-time.").format(value=quoted(pinned)),
                _("Use e.g. 2026-01-31T09:00:00+01:00 or unset it."),
                exit_code=ExitCode.USAGE,
            ) from None
        if not FIRST_YEAR <= moment.year <= LAST_YEAR:
            raise QuizdockError(
                _(
                    "QUIZDOCK_NOW={value} is out of range: quizdock's clock runs from {first} to {last} "
                    "(schedules count days from it)."
                ).format(value=quoted(pinned), first=FIRST_YEAR, last=LAST_YEAR),
                _("Give a date in that range, or unset it."),
                exit_code=ExitCode.USAGE,
            )
        if moment.tzinfo is None:
            moment = moment.astimezone()
        return moment
    return datetime.now().astimezone()


def today(moment: datetime | None = None) -> date:
    """The learner's local date: reviews fall due by day."""
    return (moment or now()).date()
