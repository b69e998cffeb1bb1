"""Errors of the escalation package.

EscalationError
├── TransitionRefusedError   (code "transition_refused")  a move SPEC §4 does not allow
├── AlreadyTakenError        (code "already_taken")       another counselor took the chat first
├── NotFoundError            (code "not_found")           missing, or not yours to see
└── InvalidMessageError      (code "invalid_message")     empty or oversized text
"""

from __future__ import annotations

from typing import Any


class EscalationError(Exception):
    code = "escalation_error"


class TransitionRefusedError(EscalationError):
    code = "transition_refused"

    def __init__(self, source: Any, target: Any) -> None:
        super().__init__(f"transition {source} → {target} is not allowed")
        self.source = source
        self.target = target


class AlreadyTakenError(EscalationError):
    code = "already_taken"


class NotFoundError(EscalationError):
    code = "not_found"


class InvalidMessageError(EscalationError):
    code = "invalid_message"
