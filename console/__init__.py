"""The staff web console: login, roles, CSRF, queue, live chat, cases (FastAPI + Jinja2).

Everything lives under /console: pages rendered on the server in Arabic (right to left) by
default with an English switch, small ES modules in /console/static, and two WebSockets fed by
the message bus (console/live.py). Route code obtains a conversation only through
`console.access.access_conversation`; a conversation the viewer may not see answers exactly like
one that does not exist (404). POST forms carry the session's CSRF token (console/auth.py).
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from console.pages import STATIC_DIR, build_environment, install_error_pages
from console.routes import build_router


def install_console(app: FastAPI) -> None:
    """Mount the console's routes, static files and error pages on the app (issue 2)."""
    app.state.console_templates = build_environment(app.state.settings.timezone)
    app.include_router(build_router(), prefix="/console")
    app.mount("/console/static", StaticFiles(directory=STATIC_DIR), name="console_static")
    install_error_pages(app)
