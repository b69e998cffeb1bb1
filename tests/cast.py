"""A fixed cast that builds state through real actions: children lina and yousef; counselors sami
and rana; supervisor huda; admin omar (STYLE §5)."""

from __future__ import annotations

import re
import uuid

import httpx
from fastapi import FastAPI

from bot.engine import Inbound
from console.accounts import create_staff
from escalation import actions, repository
from escalation.models import Conversation, Role, Staff, utc_now
from escalation.states import ConversationState

PASSWORD = "correct horse battery"
ROLES = {"sami": Role.COUNSELOR, "rana": Role.COUNSELOR, "huda": Role.SUPERVISOR, "omar": Role.ADMIN}
CSRF = re.compile(r'name="csrf_token"\s+value="([^"]+)"')


class Cast:
    def __init__(self, app: FastAPI) -> None:
        self.app = app

    @property
    def sessions(self):  # type: ignore[no-untyped-def]
        return self.app.state.sessions

    async def staff(self, name: str) -> Staff:
        async with self.sessions() as session:
            found = await repository.find_staff_by_username(session, name)
            if found is not None:
                return found
            return await create_staff(
                session, username=name, role=ROLES[name], password=PASSWORD, display_name=name.capitalize()
            )

    async def log_in(self, client: httpx.AsyncClient, name: str) -> httpx.Response:
        await self.staff(name)
        page = await client.get("/console/login")
        token = CSRF.search(page.text)
        assert token, "login page has no csrf_token"
        response = await client.post(
            "/console/login",
            data={"username": name, "password": PASSWORD, "csrf_token": token.group(1)},
        )
        assert response.status_code == 303, response.text[:500]
        return response

    @staticmethod
    def address(child: str) -> str:
        return f"resume-token-of-{child}"

    async def child_says(self, child: str, text: str = "", *, payload: str | None = None):  # type: ignore[no-untyped-def]
        inbound = Inbound(
            channel="widget",
            address=self.address(child),
            client_id=str(uuid.uuid4()),
            text=text,
            payload=payload,
        )
        return await self.app.state.dialogue.handle(inbound)

    async def conversation(self, conversation_id: int) -> Conversation:
        async with self.sessions() as session:
            return await repository.get_conversation(session, conversation_id)

    async def waiting_chat(self, *, child: str, first_message: str) -> Conversation:
        result = await self.child_says(child, first_message)
        if result.conversation.state == ConversationState.BOT.value:
            result = await self.child_says(child, "", payload="/ask_human")
        conversation = await self.conversation(result.conversation.id)
        assert conversation.state == ConversationState.WAITING.value
        return conversation

    async def live_chat(self, *, child: str, counselor: str, first_message: str) -> Conversation:
        waiting = await self.waiting_chat(child=child, first_message=first_message)
        staff = await self.staff(counselor)
        async with self.sessions() as session:
            conversation = await repository.get_conversation(session, waiting.id)
            await actions.assign_counselor(
                session, self.app.state.bus, conversation, counselor=staff, now=utc_now()
            )
            return conversation
