"""Log in, log out, and the language switch."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from console import accounts
from console.accounts import LoginOutcome, LoginPolicy
from console.auth import ConsoleSession, clear_session, logged_in, new_session, write_session
from console.deps import CsrfChecked, DbSession, console_session, load_staff
from console.i18n import LANG_COOKIE, LANGUAGES
from console.pages import path_for, redirect, render, safe_next
from escalation import actions
from escalation.errors import NotFoundError
from escalation.models import utc_now

log = logging.getLogger(__name__)
router = APIRouter()

LOGIN_STATUS = {LoginOutcome.WRONG: 401, LoginOutcome.LOCKED: 423, LoginOutcome.RATE_LIMITED: 429}
LANG_COOKIE_SECS = 365 * 24 * 3600


@router.get("/", name="console_home")
async def console_home(request: Request) -> Response:
    return redirect(path_for(request.app, "queue_page"))


@router.get("/login", name="login_page")
async def login_page(request: Request, next: str | None = None) -> HTMLResponse:
    return render(request, "auth/login.html", next=safe_next(next, ""), error=None, username="")


@router.post("/login", name="log_in", dependencies=[CsrfChecked])
async def log_in(
    request: Request,
    session: DbSession,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=2000)] = "",
    next: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    settings = request.app.state.settings
    policy = LoginPolicy(settings.login_max_failures, settings.login_lockout_secs)
    source = request.client.host if request.client else "unknown"
    now = utc_now()
    result = await accounts.authenticate(
        session, username=username, password=password, source=source, now=now, policy=policy
    )
    await actions.audit(session, staff=result.staff, action=f"login_{result.outcome.value}", now=now)
    log.info(
        "console login outcome=%s staff=%s", result.outcome.value, result.staff.id if result.staff else None
    )
    if result.outcome is not LoginOutcome.OK or result.staff is None:
        status = LOGIN_STATUS.get(result.outcome, 401)
        return render(
            request,
            "auth/login.html",
            status_code=status,
            error=result.outcome.value,
            username=username,
            next=safe_next(next, ""),
        )
    response = redirect(safe_next(next, path_for(request.app, "queue_page")))
    _write(request, response, logged_in(new_session(), result.staff, request.app.state.secret))
    return response


@router.post("/logout", name="log_out", dependencies=[CsrfChecked])
async def log_out(request: Request, session: DbSession) -> Response:
    staff = await load_staff(session, console_session(request), request.app.state.secret)
    if staff is not None:
        staff.session_epoch = (staff.session_epoch or 0) + 1  # ends this person's sessions everywhere
        await actions.audit(session, staff=staff, action="logout", now=utc_now())
    response = redirect(path_for(request.app, "login_page"))
    clear_session(response, secure=request.app.state.settings.cookie_secure)
    return response


@router.get("/lang/{language}", name="set_language")
async def set_language(request: Request, language: str, next: str | None = None) -> Response:
    if language not in LANGUAGES:
        raise NotFoundError(f"language {language}")
    response = redirect(safe_next(next, path_for(request.app, "queue_page")))
    response.set_cookie(
        LANG_COOKIE,
        language,
        max_age=LANG_COOKIE_SECS,
        path="/console",
        samesite="lax",
        secure=request.app.state.settings.cookie_secure,
    )
    return response


def _write(request: Request, response: Response, session: ConsoleSession) -> None:
    settings = request.app.state.settings
    write_session(
        response,
        session,
        secret=request.app.state.secret,
        max_age_secs=settings.session_max_age_secs,
        secure=settings.cookie_secure,
    )
