"""The queue page: waiting conversations in SPEC §4 order, and the counselor's own live chats."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from console.deps import Counselor, DbSession
from console.pages import render
from console.views import load_queue
from escalation.models import utc_now

router = APIRouter()
NOTICES = frozenset({"closed", "released", "already_taken", "not_waiting"})


@router.get("/queue", name="queue_page")
async def queue_page(
    request: Request, staff: Counselor, session: DbSession, notice: str | None = None
) -> HTMLResponse:
    view = await load_queue(session, staff, utc_now())
    shown = notice if notice in NOTICES else None
    return render(request, "queue/page.html", notice=shown, **view.context())
