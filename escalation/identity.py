"""Pseudonymous child ids: a keyed hash of channel + address, so no raw id is used as identity."""

from __future__ import annotations

import hashlib
import hmac
import secrets


def pseudonymize(secret: str, channel: str, address: str) -> str:
    digest = hmac.new(secret.encode(), f"{channel}:{address}".encode(), hashlib.sha256)
    return digest.hexdigest()


def new_resume_token() -> str:
    """An opaque token the widget keeps in the browser instead of anything the child wrote."""
    return secrets.token_urlsafe(32)
