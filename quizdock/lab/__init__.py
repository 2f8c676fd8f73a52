"""Practical challenges graded by the Docker daemon's state (the lab).

``spec`` parses challenges (pure, no Docker); ``conditions`` and ``runner`` talk to Docker;
``session`` is the interactive loop; ``deck_test`` proves every challenge; ``catalog`` finds
the practical cards of the decks.
"""
