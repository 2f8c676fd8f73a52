"""The practical challenges as values: setup, checks, solution steps and the session's flow, without Docker."""
