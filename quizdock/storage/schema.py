"""What the light commands need to know about the schema, without importing SQLAlchemy."""

# The newest Alembic revision; tests check that it is the head of alembic/versions.
HEAD_REVISION = "0006"

# Cards a review leaves out (retired, suspended or buried), as the partial index ix_cards_set_aside
# declares them: the light due count relies on SQLite using that index.
SET_ASIDE = "c.retired_at IS NOT NULL OR c.suspended_at IS NOT NULL OR c.buried_until IS NOT NULL"

# Of those, the cards out of review on the day :today (a card buried until today is back).
# Never NULL, so NOT (...) is its exact opposite.
OUT_OF_REVIEW = "c.retired_at IS NOT NULL OR c.suspended_at IS NOT NULL OR ifnull(c.buried_until, '') > :today"

# A state due on the day :today: its SM-2 day has come, or it was answered below 4 today and owes
# a same-day repeat (``repeat_on``). The two halves never overlap: a card answered today is due later.
DUE_TODAY = "(s.due_on <= :today OR (s.repeat_on = :today AND s.due_on > :today))"

# How long a command waits for another program's lock on the database (README: 10 s).
BUSY_TIMEOUT_MS = 10_000

# The tables every quizdock database has, whatever its revision: a database without them that
# names an Alembic revision quizdock never had belongs to another program.
QUIZDOCK_TABLES = frozenset({"decks", "cards", "card_states", "reviews"})
