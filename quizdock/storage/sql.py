"""SQL expressions the store and its reports share, and the E-Factor's stored form (hundredths)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, and_, func, or_

from quizdock.storage.models import CardRow, CardStateRow


def easiness_to_centi(easiness: Decimal) -> int:
    return int(easiness * 100)


def centi_to_easiness(centi: int) -> Decimal:
    return Decimal(centi) / 100


def available(today: date | None) -> ColumnElement[bool]:
    """The SQL condition for a card that reviews may show: not retired, not suspended, not buried.

    Args:
        today: buried cards stay out before their ``buried_until``; None ignores burying.
    """
    condition = and_(CardRow.retired_at.is_(None), CardRow.suspended_at.is_(None))
    if today is None:
        return condition
    return and_(condition, or_(CardRow.buried_until.is_(None), CardRow.buried_until <= today))


def effective_due() -> ColumnElement[date]:
    """A card's due day, pushed to its ``buried_until`` when that is later (SQLite's 2-argument max)."""
    return func.max(CardStateRow.due_on, func.coalesce(CardRow.buried_until, CardStateRow.due_on))
