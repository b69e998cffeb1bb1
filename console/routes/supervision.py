"""The supervisor's overview: the queue with wait times, every live chat and who holds it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from console.deps import DbSession, Supervisor
from console.pages import render
from escalation import repository
from escalation.models import utc_now
from escalation.queue import waiting_secs

router = APIRouter()


@router.get("/supervision", name="supervision_page")
async def supervision_page(request: Request, staff: Supervisor, session: DbSession) -> HTMLResponse:
    now = utc_now()
    queue = await repository.list_queue(session)
    live = await repository.list_live(session)
    team = await repository.list_staff(session)
    load = {member.id: sum(1 for c in live if c.counselor_id == member.id) for member in team}
    return render(
        request,
        "supervision/page.html",
        queue=queue,
        live=live,
        team=[member for member in team if member.is_active],
        load=load,
        staff_names={member.id: member.display_name for member in team},
        waited=lambda conversation: waiting_secs(conversation, now),
        longest_wait=max((waiting_secs(c, now) for c in queue), default=0),
    )
