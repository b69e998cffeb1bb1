"""Console sessions and CSRF: a signed cookie carrying the staff id and a synchronizer token.

The cookie (HttpOnly, SameSite=Lax, Secure when `cookie_secure`) is signed with the app secret
and expires `session_max_age_secs` after login. Every session, even before login, carries a
random CSRF token; each POST form echoes it in `csrf_token` and must match (else 403). Logging in
issues a fresh token (no session fixation). The cookie also carries a keyed digest of the staff
member's password hash and session epoch: changing a password ends that person's other sessions,
and logging out raises the epoch, so it ends every session of that person, in every browser,
including a copied cookie (a counselor on a shared computer logs out for good).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.responses import Response

from escalation.models import Staff

SESSION_COOKIE = "sanad_console"
COOKIE_PATH = "/console"
SALT = "sanad.console.session"


@dataclass(frozen=True, slots=True)
class ConsoleSession:
    csrf_token: str
    staff_id: int | None = None
    binding: str | None = None  # keyed digest of the password hash at login

    def to_payload(self) -> dict[str, Any]:
        return {"c": self.csrf_token, "s": self.staff_id, "b": self.binding}

    @classmethod
    def from_payload(cls, payload: Any) -> ConsoleSession | None:
        if not isinstance(payload, dict) or not isinstance(payload.get("c"), str):
            return None
        staff_id, binding = payload.get("s"), payload.get("b")
        if staff_id is not None and (not isinstance(staff_id, int) or not isinstance(binding, str)):
            return None
        return cls(csrf_token=payload["c"], staff_id=staff_id, binding=binding)


def new_session() -> ConsoleSession:
    return ConsoleSession(csrf_token=secrets.token_urlsafe(32))


def logged_in(session: ConsoleSession, staff: Staff, secret: str) -> ConsoleSession:
    """A fresh token and the staff id: the anonymous session's token stops working."""
    return replace(new_session(), staff_id=staff.id, binding=staff_binding(staff, secret))


def staff_binding(staff: Staff, secret: str) -> str:
    message = f"{staff.id}:{staff.password_hash}:{staff.session_epoch or 0}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def binding_matches(session: ConsoleSession, staff: Staff, secret: str) -> bool:
    return session.binding is not None and hmac.compare_digest(session.binding, staff_binding(staff, secret))


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=SALT)


def read_session(cookies: Mapping[str, str], *, secret: str, max_age_secs: int) -> ConsoleSession | None:
    raw = cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    try:
        payload = _serializer(secret).loads(raw, max_age=max_age_secs)
    except BadSignature:  # also SignatureExpired
        return None
    return ConsoleSession.from_payload(payload)


def write_session(
    response: Response, session: ConsoleSession, *, secret: str, max_age_secs: int, secure: bool
) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        _serializer(secret).dumps(session.to_payload()),
        max_age=max_age_secs,
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=secure,
    )


def clear_session(response: Response, *, secure: bool) -> None:
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH, httponly=True, samesite="lax", secure=secure)


def csrf_matches(session: ConsoleSession | None, submitted: object) -> bool:
    if session is None or not isinstance(submitted, str) or not submitted:
        return False
    return hmac.compare_digest(session.csrf_token.encode(), submitted.encode())
