"""Domain errors raised by services; the API layer maps each to one HTTP status."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class DomainError(Exception):
    """Base for errors a client caused and can act on."""

    code = "domain_error"


class InvalidTransition(DomainError):
    """A state change that the entity's transition table does not allow (HTTP 409)."""

    code = "illegal_transition"

    def __init__(self, entity: str, current: str, requested: str, allowed: Iterable[str]) -> None:
        self.entity = entity
        self.current = current
        self.requested = requested
        self.allowed = sorted(allowed)
        super().__init__(
            f"A {entity} cannot go from '{current}' to '{requested}'. "
            f"From '{current}' it can go to: {', '.join(self.allowed) or 'nothing (final state)'}."
        )


class Conflict(DomainError):
    """The request is valid but clashes with the current state (HTTP 409)."""

    code = "conflict"

    def __init__(
        self, message: str, *, code: str | None = None, context: dict[str, Any] | None = None
    ) -> None:
        if code:
            self.code = code
        # Extra facts a client can act on, e.g. {"missing": [...]}; published as ``context``.
        self.context = context or {}
        super().__init__(message)


class PrerequisitesMissing(Conflict):
    """A move the state machine allows, refused because what it needs is not there yet (409).

    ``missing`` names each absent prerequisite with a stable key, so a client can
    show a checklist instead of parsing a sentence.
    """

    def __init__(self, message: str, *, code: str, missing: list[str], **context: Any) -> None:
        self.missing = list(missing)
        super().__init__(message, code=code, context={"missing": self.missing, **context})


class InvalidInput(DomainError):
    """Input that is well-formed but names something unusable (HTTP 400, with ``fields``).

    Unlike a plain validation error it carries its own ``code``, so a client can
    tell "the owner is not a member" from "the owner may not act on proposals".
    """

    def __init__(self, message: str, *, code: str, fields: dict[str, list[str]]) -> None:
        self.code = code
        self.fields = fields
        super().__init__(message)


class Gone(DomainError):
    """The thing existed but can no longer be acted on (HTTP 410)."""

    code = "gone"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        if code:
            self.code = code
        super().__init__(message)
