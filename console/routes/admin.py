"""Admin pages: staff accounts (create with a generated password shown once, unlock)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from starlette.responses import Response

from console import accounts
from console.deps import Admin, CsrfChecked, DbSession
from console.errors import InvalidFormError
from console.pages import path_for, redirect, render
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
