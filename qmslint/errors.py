"""User-facing errors: anything that ends the run with exit code 2 and one clear line."""

from __future__ import annotations


class UserError(Exception):
    """A mistake in the command line, config or a rule pack: printed as one line, exit 2."""

    def __init__(self, message: str, where: str | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        return f"{text} ({self.hint})" if self.hint else text
