"""The staff web console: login, roles, CSRF, queue, live chat, cases (FastAPI + Jinja2)."""

from __future__ import annotations

from fastapi import FastAPI


def install_console(app: FastAPI) -> None:
    """Mount the console's routes, static files and error pages on the app (issue 2)."""
