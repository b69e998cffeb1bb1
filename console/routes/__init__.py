"""The console's HTTP routes and sockets, one module per area, gathered in one router.

Everything is mounted under /console (POST forms all carry `csrf_token`):
  GET  /                                 → 303 to the queue
  GET  /login, POST /login, POST /logout   auth.py (any visitor)
  GET  /lang/{ar|en}?next=               the language cookie
  GET  /queue                            queue.py (counselor+)
  WS   /queue/socket                     live.py: the queue partials on every change
  GET  /conversations?q=&state=&page=    conversations.py: the list (counselor: own; supervisor: all)
  GET  /conversations/{id}               the chat page (gate: console.access), audited
  POST /conversations/{id}/take | release | notes | messages | close
  WS   /conversations/{id}/socket?after= live.py: messages, typing, state; text/typing frames in
  GET  /supervision                      supervision.py (supervisor+)
  GET  /admin/staff, POST /admin/staff, POST /admin/staff/{id}/unlock   admin.py (admin)
"""

from __future__ import annotations

from fastapi import APIRouter

from console import live
from console.routes import admin, auth, conversations, queue, supervision


def build_router() -> APIRouter:
    router = APIRouter()
    for module in (auth, queue, conversations, supervision, admin, live):
        router.include_router(module.router)
    return router
