"""What the light commands need to know about the schema, without importing SQLAlchemy."""

# The newest Alembic revision; tests check that it is the head of alembic/versions.
HEAD_REVISION = "0002"
