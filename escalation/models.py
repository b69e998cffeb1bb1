"""Tables of conversations, messages, transitions, staff accounts, cases and the audit trail.

One declarative Base for the whole schema; Alembic migrations in sanad/migrations follow it
(a test checks they do not drift). Datetimes are stored and returned as aware UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from escalation.states import ConversationState, Transition

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every database (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UtcDateTime, dict[str, Any]: JSON, list[str]: JSON}


def utc_now() -> datetime:
    return datetime.now(UTC)


class Channel(StrEnum):
    WIDGET = "widget"
    TELEGRAM = "telegram"
    TERMINAL = "terminal"


class AuthorKind(StrEnum):
    CHILD = "child"
    BOT = "bot"
    COUNSELOR = "counselor"
    SYSTEM = "system"


class Role(StrEnum):
    COUNSELOR = "counselor"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


ROLE_RANK = {Role.COUNSELOR: 1, Role.SUPERVISOR: 2, Role.ADMIN: 3}


class Staff(Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    is_active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
    # Raised at logout: every console session signed with an older value ends (console/auth.py).
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    @property
    def can_supervise(self) -> bool:
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[Role.SUPERVISOR]

    def has_role(self, role: Role) -> bool:
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[role]


class Conversation(Base):
    __tablename__ = "conversations"
    __table_args__ = (Index("ix_conversations_queue", "state", "risk_level", "waiting_since"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    child_key: Mapped[str | None] = mapped_column(String(64), index=True)  # pseudonymous hash
    # Where replies go (Telegram chat id); never logged, erased on /delete.
    channel_address: Mapped[str | None] = mapped_column(String(128), default=None)
    state: Mapped[str] = mapped_column(String(16), default=ConversationState.BOT.value)
    risk_level: Mapped[int] = mapped_column(Integer, default=0)
    risk_signals: Mapped[list[str]] = mapped_column(default=list)
    language: Mapped[str] = mapped_column(String(8), default="ar")
    feminine: Mapped[bool] = mapped_column(default=False)
    counselor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    first_child_text: Mapped[str | None] = mapped_column(Text, default=None)
    risk_text: Mapped[str | None] = mapped_column(Text, default=None)  # the message that raised the level
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)
    waiting_since: Mapped[datetime | None] = mapped_column(default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    erased_at: Mapped[datetime | None] = mapped_column(default=None)
    # Last time an unanswered level-3 wait was alerted (SANAD_IMMINENT_ALERT_SECS); see alerts.py.
    alerted_at: Mapped[datetime | None] = mapped_column(default=None)
    unreachable: Mapped[bool] = mapped_column(default=False)  # e.g. the child blocked the bot
    dialogue_state: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the engine's own notes

    @property
    def preview(self) -> str | None:
        """What staff lists show of the chat: the message that raised the risk, else the first one."""
        return self.risk_text or self.first_child_text

    @property
    def state_enum(self) -> ConversationState:
        return ConversationState(self.state)


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("conversation_id", "seq"),
        UniqueConstraint("conversation_id", "client_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    client_id: Mapped[str | None] = mapped_column(String(80), default=None)
    author_kind: Mapped[str] = mapped_column(String(16))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    text: Mapped[str] = mapped_column(Text, default="")
    buttons: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    media_kind: Mapped[str | None] = mapped_column(String(16), default=None)  # only the fact
    intent: Mapped[str | None] = mapped_column(String(40), default=None)
    intent_confidence: Mapped[float | None] = mapped_column(default=None)
    risk_level: Mapped[int] = mapped_column(Integer, default=0)
    risk_signals: Mapped[list[str]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class TransitionRecord(Base):
    __tablename__ = "transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column()

    @classmethod
    def of(cls, conversation_id: int, move: Transition) -> TransitionRecord:
        return cls(
            conversation_id=conversation_id,
            source=move.source.value,
            target=move.target.value,
            actor=move.actor,
            reason=move.reason,
            at=move.at,
        )


class CaseRecord(Base):
    """What stays after closing: the category, referrals and de-identified statistics."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), unique=True)
    primary_category: Mapped[str] = mapped_column(String(80))
    secondary_categories: Mapped[list[str]] = mapped_column(default=list)
    contact_type: Mapped[str | None] = mapped_column(String(40), default=None)
    referrals: Mapped[list[str]] = mapped_column(default=list)
    summary: Mapped[str] = mapped_column(Text, default="")
    highest_risk: Mapped[int] = mapped_column(Integer, default=0)
    # CONTENT-BRIEF §9 case fields (codes from console/taxonomy.py; none identifies the child).
    component: Mapped[str | None] = mapped_column(String(8), default=None)  # online / offline / both
    platform: Mapped[str | None] = mapped_column(String(24), default=None)
    demands: Mapped[list[str]] = mapped_column(default=list)  # money, more_images, meeting, …
    perpetrator: Mapped[str | None] = mapped_column(String(24), default=None)
    emergency_contacted: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    art53_report: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    follow_up_on: Mapped[date | None] = mapped_column(Date, default=None)
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    closed_at: Mapped[datetime] = mapped_column(default=utc_now)


class CaseNote(Base):
    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class AuditEntry(Base):
    """Who looked at or changed what (CONTENT-BRIEF §8: every transcript view is audited)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    action: Mapped[str] = mapped_column(String(40))
    conversation_id: Mapped[int | None] = mapped_column(Integer, default=None, index=True)
    detail: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(default=utc_now)


class LoginAttempt(Base):
    """Failed logins by source address, for rate limiting before an account is even known."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(default=utc_now)
