"""One family of exceptions whose messages are written for the people who read them."""

from __future__ import annotations

from pathlib import Path


class ForesightError(Exception):
    """An error a user can act on. ``str(error)`` is the one line the CLI prints."""


class ProjectError(ForesightError):
    """The project folder, its ``foresight.toml`` or its database is missing or wrong."""


class ConfigError(ProjectError):
    """``foresight.toml`` holds a value the toolkit cannot use."""


class InputError(ForesightError):
    """One input file or URL cannot be read; the message names it and the problem."""

    def __init__(self, location: str | Path, problem: str) -> None:
        self.location = str(location)
        self.problem = " ".join(problem.split())  # one line, whatever a library's message held
        super().__init__(f"{self.location}: {problem}")
