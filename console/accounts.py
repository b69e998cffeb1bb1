"""Staff accounts: argon2 password hashes, creation, generated passwords."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.ext.asyncio import AsyncSession

from escalation import repository
from escalation.models import Role, Staff, utc_now

HASHER = PasswordHasher()
MIN_PASSWORD_CHARS = 10


class AccountError(Exception):
    code = "account_error"


def generate_password() -> str:
    return secrets.token_urlsafe(15)


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


async def create_staff(
    session: AsyncSession,
    *,
    username: str,
    role: Role,
    password: str,
    display_name: str | None = None,
) -> Staff:
    username = username.strip()
    if not username or len(username) > 64:
        raise AccountError("username must have 1–64 characters")
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"password must have at least {MIN_PASSWORD_CHARS} characters")
    if await repository.find_staff_by_username(session, username) is not None:
        raise AccountError(f"username {username!r} is taken")
    staff = Staff(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
        role=role.value,
        created_at=utc_now(),
    )
    session.add(staff)
    await session.commit()
    return staff
