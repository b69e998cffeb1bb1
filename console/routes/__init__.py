"""The console's HTTP routes and sockets, one module per area, gathered in one router."""

from __future__ import annotations

from fastapi import APIRouter

from console import live
from console.routes import admin, auth, conversations, queue, supervision


def build_router() -> APIRouter:
    router = APIRouter()
    for module in (auth, queue, conversations, supervision, admin, live):
        router.include_router(module.router)
    return router
