"""One conversation: read it, take it, write notes, return it to the queue, close it; and the list."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from console import taxonomy
from console.access import access_conversation
from console.deps import Bus, Counselor, CsrfChecked, DbSession
from console.pages import path_for, redirect, render
from console.views import ListQuery, load_chat, load_conversation_list, load_queue
from escalation import actions, relay, repository
from escalation.errors import (
    AlreadyTakenError,
    EscalationError,
    InvalidMessageError,
    NotFoundError,
    TransitionRefusedError,
)
from escalation.models import Staff, utc_now
from escalation.states import ConversationState

router = APIRouter()


@router.get("/conversations", name="conversation_list")
async def conversation_list(
    request: Request,
    staff: Counselor,
    session: DbSession,
    q: str | None = None,
    state: str | None = None,
    page: int | None = None,
) -> HTMLResponse:
    query = ListQuery.parse(q, state, page)
    rows, has_more = await load_conversation_list(session, staff, query)
    return render(request, "conversations/list.html", rows=rows, query=query, has_more=has_more)


@router.get("/conversations/{conversation_id}", name="conversation_page")
async def conversation_page(
    conversation_id: int, request: Request, staff: Counselor, session: DbSession
) -> HTMLResponse:
    conversation = await access_conversation(session, staff, conversation_id)
    now = utc_now()
    await actions.audit(session, staff=staff, action="view", conversation_id=conversation.id, now=now)
    view = await load_chat(session, staff, conversation)
    return render(request, "chat/page.html", **view.context())


@router.post("/conversations/{conversation_id}/take", name="take_conversation", dependencies=[CsrfChecked])
async def take_conversation(
    conversation_id: int, request: Request, staff: Counselor, session: DbSession, bus: Bus
) -> Response:
    try:
        conversation = await access_conversation(session, staff, conversation_id)
        await actions.assign_counselor(session, bus, conversation, counselor=staff, now=utc_now())
    except (AlreadyTakenError, TransitionRefusedError, NotFoundError) as exc:
        return await _refuse_take(request, session, staff, conversation_id, exc)
    return redirect(path_for(request.app, "conversation_page", conversation_id=conversation_id))


async def _refuse_take(
    request: Request, session: AsyncSession, staff: Staff, conversation_id: int, exc: EscalationError
) -> Response:
    """Someone was faster (or the child left): back to the queue with a word why (409).

    A queue row is public to every counselor, so saying "taken" reveals nothing the gate hides;
    an id that never existed stays a plain 404.
    """
    found = await repository.find_conversation(session, conversation_id)
    if found is None:
        raise exc
    notice = "already_taken" if found.state == ConversationState.LIVE.value else "not_waiting"
    view = await load_queue(session, staff, utc_now())
    return render(request, "queue/page.html", status_code=409, notice=notice, **view.context())


@router.post(
    "/conversations/{conversation_id}/release", name="release_conversation", dependencies=[CsrfChecked]
)
async def release_conversation(
    conversation_id: int, request: Request, staff: Counselor, session: DbSession, bus: Bus
) -> Response:
    conversation = await access_conversation(session, staff, conversation_id)
    actor = actions.staff_actor(staff)
    await actions.release_to_queue(
        session, bus, conversation, actor=actor, reason="transferred", now=utc_now()
    )
    return redirect(path_for(request.app, "queue_page") + "?notice=released")


@router.post("/conversations/{conversation_id}/messages", name="post_message", dependencies=[CsrfChecked])
async def post_message(
    conversation_id: int,
    request: Request,
    staff: Counselor,
    session: DbSession,
    bus: Bus,
    text: Annotated[str, Form(max_length=actions.MAX_TEXT_CHARS)] = "",
) -> Response:
    """The composer without JavaScript (the page normally sends over the chat socket)."""
    conversation = await access_conversation(session, staff, conversation_id)
    if not text.strip():
        raise InvalidMessageError("empty text")
    await relay.post_counselor_message(
        session, bus, conversation, staff=staff, text=text.strip(), now=utc_now()
    )
    page = path_for(request.app, "conversation_page", conversation_id=conversation_id)
    return redirect(page + "#composer-text")


@router.post("/conversations/{conversation_id}/notes", name="add_note", dependencies=[CsrfChecked])
async def add_note(
    conversation_id: int,
    request: Request,
    staff: Counselor,
    session: DbSession,
    text: Annotated[str, Form(max_length=actions.MAX_TEXT_CHARS)] = "",
) -> Response:
    conversation = await access_conversation(session, staff, conversation_id)
    await actions.add_note(session, conversation, staff=staff, text=text, now=utc_now())
    page = path_for(request.app, "conversation_page", conversation_id=conversation_id)
    return redirect(page + "#notes")


@router.post("/conversations/{conversation_id}/close", name="close_conversation", dependencies=[CsrfChecked])
async def close_conversation(
    conversation_id: int,
    request: Request,
    staff: Counselor,
    session: DbSession,
    bus: Bus,
    category: Annotated[str, Form(max_length=80)] = "",
    secondary: Annotated[list[str] | None, Form()] = None,
    contact_type: Annotated[str, Form(max_length=40)] = "",
    referrals: Annotated[list[str] | None, Form()] = None,
    summary: Annotated[str, Form(max_length=actions.MAX_TEXT_CHARS)] = "",
    component: Annotated[str, Form(max_length=8)] = "",
    platform: Annotated[str, Form(max_length=24)] = "",
    demands: Annotated[list[str] | None, Form()] = None,
    perpetrator: Annotated[str, Form(max_length=24)] = "",
    emergency_contacted: Annotated[bool, Form()] = False,
    art53_report: Annotated[bool, Form()] = False,
    follow_up_on: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    conversation = await access_conversation(session, staff, conversation_id)
    case = taxonomy.check_case(category, secondary or [], contact_type, referrals or [])
    fields = taxonomy.check_fields(
        component=component,
        platform=platform,
        demands=demands or [],
        perpetrator=perpetrator,
        emergency_contacted=emergency_contacted,
        art53_report=art53_report,
        follow_up_on=follow_up_on,
        today=utc_now().date(),
    )
    await actions.close_conversation(
        session,
        bus,
        conversation,
        staff=staff,
        now=utc_now(),
        category=case.category,
        secondary=case.secondary,
        contact_type=case.contact_type,
        referrals=case.referrals,
        summary=summary.strip(),
        fields=fields,
    )
    return redirect(path_for(request.app, "queue_page") + "?notice=closed")
