"""Admin pages: staff accounts (create with a generated password shown once, unlock) and patterns."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from console import accounts
from console.deps import Admin, CsrfChecked, DbSession
from console.errors import InvalidFormError
from console.i18n import Locale
from console.pages import path_for, redirect, render
from console.views import MessageView
from escalation import actions, repository
from escalation.errors import NotFoundError
from escalation.models import Role, utc_now

router = APIRouter()


async def _staff_page(
    request: Request, session: DbSession, *, status_code: int = 200, **extra: object
) -> HTMLResponse:
    team = await repository.list_staff(session)
    context: dict[str, object] = {
        "team": team,
        "now": utc_now(),
        "created": None,
        "password": None,
        "error": None,
    }
    return render(request, "admin/staff.html", status_code=status_code, **{**context, **extra})


@router.get("/admin/staff", name="staff_page")
async def staff_page(request: Request, staff: Admin, session: DbSession) -> HTMLResponse:
    return await _staff_page(request, session)


@router.post("/admin/staff", name="create_staff", dependencies=[CsrfChecked])
async def create_staff(
    request: Request,
    staff: Admin,
    session: DbSession,
    username: Annotated[str, Form(max_length=64)] = "",
    display_name: Annotated[str, Form(max_length=120)] = "",
    role: Annotated[str, Form(max_length=16)] = "",
) -> HTMLResponse:
    if role not in {r.value for r in Role}:
        raise InvalidFormError("role")
    password = accounts.generate_password()
    try:
        created = await accounts.create_staff(
            session,
            username=username,
            role=Role(role),
            password=password,
            display_name=display_name.strip() or None,
        )
    except accounts.AccountError as exc:
        return await _staff_page(request, session, status_code=400, error=str(exc))
    await actions.audit(
        session, staff=staff, action="staff_created", detail=f"staff:{created.id}", now=utc_now()
    )
    return await _staff_page(request, session, created=created, password=password)


@router.post("/admin/staff/{staff_id}/unlock", name="unlock_staff", dependencies=[CsrfChecked])
async def unlock_staff(staff_id: int, request: Request, staff: Admin, session: DbSession) -> Response:
    member = await repository.find_staff(session, staff_id)
    if member is None:
        raise NotFoundError(f"staff {staff_id}")
    await accounts.unlock_staff(session, member)
    await actions.audit(
        session, staff=staff, action="staff_unlocked", detail=f"staff:{member.id}", now=utc_now()
    )
    return redirect(path_for(request.app, "staff_page"))


@router.get("/admin/patterns", name="patterns_page")
async def patterns_page(request: Request, staff: Admin) -> HTMLResponse:
    """Every component in both directions, for admins checking a change to the look (STYLE §6)."""
    return render(
        request, "patterns.html", sample_locales=[Locale("ar"), Locale("en")], sample_messages=SAMPLES
    )


_AT = datetime(2025, 1, 1, 9, 30, tzinfo=UTC)
SAMPLES = (
    MessageView(seq=1, author_kind="child", text="مرحبا، في حدا عم يهددني", created_at=_AT, risk_level=2),
    MessageView(
        seq=2, author_kind="bot", text="أنا هنا لأساعدك.", created_at=_AT, buttons=({"title": "تحدث مع شخص"},)
    ),
    MessageView(seq=3, author_kind="child", text="", created_at=_AT, media_kind="photo"),
    MessageView(
        seq=4,
        author_kind="counselor",
        text="Hello, I am a counselor. You did the right thing.",
        created_at=_AT,
    ),
    MessageView(seq=5, author_kind="system", text="—", created_at=_AT),
)
