"""FastAPI dependencies of the console: database session, bus, the signed-in staff member, roles, CSRF."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import HTTPConnection

from console.auth import ConsoleSession, binding_matches, csrf_matches, read_session
from console.errors import CsrfError, LoginRequiredError, RoleRequiredError
from escalation import repository
from escalation.bus import MessageBus
from escalation.models import Role, Staff


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.state.sessions() as session:
        yield session


def get_bus(request: Request) -> MessageBus:
    bus: MessageBus = request.app.state.bus
    return bus


def console_session(request: HTTPConnection) -> ConsoleSession | None:
    """The session from the cookie, read once per request."""
    if not hasattr(request.state, "console_session"):
        settings = request.app.state.settings
        request.state.console_session = read_session(
            request.cookies, secret=request.app.state.secret, max_age_secs=settings.session_max_age_secs
        )
    found: ConsoleSession | None = request.state.console_session
    return found


async def load_staff(session: AsyncSession, console: ConsoleSession | None, secret: str) -> Staff | None:
    """The active staff member a session belongs to, if it still is theirs (shared with sockets)."""
    if console is None or console.staff_id is None:
        return None
    staff = await repository.find_staff(session, console.staff_id)
    if staff is None or not staff.is_active:
        return None
    if not binding_matches(console, staff, secret):
        return None
    return staff


async def current_staff(request: Request, session: Annotated[AsyncSession, Depends(get_session)]) -> Staff:
    staff = await load_staff(session, console_session(request), request.app.state.secret)
    if staff is None:
        raise LoginRequiredError
    request.state.staff = staff
    return staff


def require_role(role: Role) -> Callable[..., Awaitable[Staff]]:
    async def dependency(staff: Annotated[Staff, Depends(current_staff)]) -> Staff:
        if not staff.has_role(role):
            raise RoleRequiredError
        return staff

    dependency.__name__ = f"require_{role.value}"
    return dependency


async def check_csrf_token(request: Request) -> None:
    """Every POST form echoes the session's token; without it the request is refused (403)."""
    form = await request.form()
    if not csrf_matches(console_session(request), form.get("csrf_token")):
        raise CsrfError


DbSession = Annotated[AsyncSession, Depends(get_session)]
Bus = Annotated[MessageBus, Depends(get_bus)]
Counselor = Annotated[Staff, Depends(require_role(Role.COUNSELOR))]
Supervisor = Annotated[Staff, Depends(require_role(Role.SUPERVISOR))]
Admin = Annotated[Staff, Depends(require_role(Role.ADMIN))]
CsrfChecked = Depends(check_csrf_token)
