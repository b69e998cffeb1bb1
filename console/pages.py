"""Rendering console pages: the Jinja2 environment, the shared page context, headers, error pages."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import HTTPConnection
from starlette.responses import Response

from console.auth import new_session, write_session
from console.deps import console_session
from console.errors import ConsoleError, LoginRequiredError
from console.i18n import Locale, context_gettext, context_ngettext, locale_from_cookies
from escalation.actions import MAX_TEXT_CHARS
from escalation.errors import (
    AlreadyTakenError,
    EscalationError,
    InvalidMessageError,
    NotFoundError,
    TransitionRefusedError,
)

TEMPLATE_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"
CONSOLE_PREFIX = "/console"
# Pages show children's words: never cached, never framed, scripts only from here.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}
ERROR_STATUS: dict[type[EscalationError], int] = {
    NotFoundError: 404,
    AlreadyTakenError: 409,
    TransitionRefusedError: 409,
    InvalidMessageError: 400,
}


def build_environment(timezone: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(context_gettext, context_ngettext, newstyle=True)  # type: ignore[attr-defined]
    zone = _zone(timezone)
    env.filters["clock"] = lambda value: _local(value, zone).strftime("%H:%M")
    env.filters["when"] = lambda value: _local(value, zone).strftime("%Y-%m-%d %H:%M")
    env.filters["iso"] = lambda value: value.isoformat() if value else ""
    env.filters["duration"] = duration
    return env


def duration(secs: int) -> str:
    """Waiting time as m:ss or h:mm:ss (console.js keeps it ticking)."""
    hours, rest = divmod(max(0, int(secs)), 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _local(value: datetime | None, zone: ZoneInfo) -> datetime:
    return (value or datetime.now(zone)).astimezone(zone)


def environment(app: FastAPI) -> Environment:
    env: Environment = app.state.console_templates
    return env


def path_for(app: FastAPI, name: str, **params: Any) -> str:
    return str(app.url_path_for(name, **{k: str(v) for k, v in params.items()}))


def safe_next(target: str | None, default: str) -> str:
    """Only a path inside the console: never an open redirect to another site."""
    if (
        target
        and target.startswith(CONSOLE_PREFIX + "/")
        and not target.startswith("//")
        and "\\" not in target
    ):
        return target
    return default


def base_context(request: HTTPConnection) -> dict[str, Any]:
    app = request.app
    session = console_session(request)
    return {
        "locale": locale_from_cookies(request.cookies),
        "staff": getattr(request.state, "staff", None),
        "csrf_token": session.csrf_token if session else "",
        "current_path": request.url.path,
        "url": lambda name, **params: path_for(app, name, **params),
        "static": lambda path: path_for(app, "console_static", path=path),
        "settings": app.state.settings,
        "max_text_chars": MAX_TEXT_CHARS,
    }


def render_template(app: FastAPI, template: str, context: Mapping[str, Any]) -> str:
    return environment(app).get_template(template).render(context)


def render(request: Request, template: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A full page; a visitor without a session gets one now, so its forms carry a CSRF token."""
    fresh = None
    if console_session(request) is None:
        fresh = request.state.console_session = new_session()
    page = render_template(request.app, template, {**base_context(request), **context})
    response = HTMLResponse(page, status_code=status_code, headers=SECURITY_HEADERS)
    if fresh is not None:
        settings = request.app.state.settings
        write_session(
            response,
            fresh,
            secret=request.app.state.secret,
            max_age_secs=settings.session_max_age_secs,
            secure=settings.cookie_secure,
        )
    return response


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


def locale_of(request: HTTPConnection) -> Locale:
    return locale_from_cookies(request.cookies)


def _is_console(request: Request) -> bool:
    return request.url.path.startswith(CONSOLE_PREFIX)


def error_page(request: Request, code: str, status_code: int) -> Response:
    if not _is_console(request):
        return JSONResponse({"error": code}, status_code=status_code)
    return render(request, "errors/error.html", status_code=status_code, code=code)


async def on_console_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ConsoleError)
    if isinstance(exc, LoginRequiredError):
        login = path_for(request.app, "login_page")
        if request.method == "GET":
            login += "?next=" + quote(
                request.url.path + (f"?{request.url.query}" if request.url.query else "")
            )
        return redirect(login)
    return error_page(request, exc.code, exc.status)


async def on_escalation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, EscalationError)
    status = next((s for cls, s in ERROR_STATUS.items() if isinstance(exc, cls)), 400)
    return error_page(request, exc.code, status)


def install_error_pages(app: FastAPI) -> None:
    app.add_exception_handler(ConsoleError, on_console_error)
    app.add_exception_handler(EscalationError, on_escalation_error)
