"""Staff accounts: argon2 password hashes, creation, generated passwords, and the login check.

Login defends twice (issue 2): an account locks for `login_lockout_secs` after
`login_max_failures` wrong passwords in a row (even the right password is refused meanwhile), and
a source address may fail at most four accounts' worth of times per lock-out window, which stops
guessing across many usernames. Unknown usernames cost the same argon2 time as known ones.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from escalation import repository
from escalation.models import LoginAttempt, Role, Staff, utc_now

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


SOURCE_FAILURE_FACTOR = 4  # an address may fail as often as this many accounts may
MAX_PASSWORD_CHARS = 1024


class LoginOutcome(StrEnum):
    OK = "ok"
    WRONG = "wrong"  # unknown username, inactive account or wrong password: one answer
    LOCKED = "locked"
    RATE_LIMITED = "rate_limited"


@dataclass(frozen=True, slots=True)
class LoginPolicy:
    max_failures: int
    lockout_secs: int

    @property
    def source_max_failures(self) -> int:
        return self.max_failures * SOURCE_FAILURE_FACTOR


@dataclass(frozen=True, slots=True)
class LoginResult:
    outcome: LoginOutcome
    staff: Staff | None = None


@cache
def _decoy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


async def _verify(password_hash: str, password: str) -> bool:
    """argon2 takes tens of milliseconds of CPU: keep it off the event loop."""
    return await asyncio.to_thread(verify_password, password_hash, password)


async def count_source_failures(session: AsyncSession, source: str, *, since: datetime) -> int:
    query = (
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.source == source, LoginAttempt.at >= since)
    )
    return int(await session.scalar(query) or 0)


async def _record_failure(session: AsyncSession, source: str, *, now: datetime, since: datetime) -> None:
    await session.execute(delete(LoginAttempt).where(LoginAttempt.at < since))
    session.add(LoginAttempt(source=source[:64], at=now))
    await session.commit()


def _count_wrong_password(staff: Staff, policy: LoginPolicy, now: datetime) -> bool:
    """One more wrong password; returns True when this one locks the account."""
    staff.failed_logins = (staff.failed_logins or 0) + 1
    if staff.failed_logins < policy.max_failures:
        return False
    staff.failed_logins = 0
    staff.locked_until = now + timedelta(seconds=policy.lockout_secs)
    return True


def is_locked(staff: Staff, now: datetime) -> bool:
    return staff.locked_until is not None and staff.locked_until > now


async def authenticate(
    session: AsyncSession,
    *,
    username: str,
    password: str,
    source: str,
    now: datetime,
    policy: LoginPolicy,
) -> LoginResult:
    """Check a login attempt against the source limit, the account lock and the password."""
    since = now - timedelta(seconds=policy.lockout_secs)
    if await count_source_failures(session, source, since=since) >= policy.source_max_failures:
        return LoginResult(LoginOutcome.RATE_LIMITED)
    staff = await repository.find_staff_by_username(session, username.strip()[:64])
    if staff is not None and is_locked(staff, now):
        await _record_failure(session, source, now=now, since=since)
        return LoginResult(LoginOutcome.LOCKED, staff)
    password = password[:MAX_PASSWORD_CHARS]
    if staff is None or not staff.is_active:
        await _verify(_decoy_hash(), password)
        await _record_failure(session, source, now=now, since=since)
        return LoginResult(LoginOutcome.WRONG)
    if not await _verify(staff.password_hash, password):
        locked = _count_wrong_password(staff, policy, now)
        await _record_failure(session, source, now=now, since=since)
        return LoginResult(LoginOutcome.LOCKED if locked else LoginOutcome.WRONG, staff)
    staff.failed_logins = 0
    staff.locked_until = None
    await session.commit()
    return LoginResult(LoginOutcome.OK, staff)


async def unlock_staff(session: AsyncSession, staff: Staff) -> None:
    staff.failed_logins = 0
    staff.locked_until = None
    await session.commit()
