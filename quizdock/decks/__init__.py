"""Deck files to card values: the schema, the loader, the card types, choice checks."""
