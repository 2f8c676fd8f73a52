"""quizdock: learn Docker in the terminal with spaced repetition."""

__version__ = "0.3.0.dev0"
