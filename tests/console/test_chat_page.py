"""The chat page: history with the bot part, notes, returning to the queue, closing with a category."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest

from escalation import repository
from escalation.models import utc_now
from tests.cast import Cast
from tests.console.conftest import csrf_token, queue_chat, take

MESSAGE = re.compile(r'<li class="message message--(\w+)" data-seq="(\d+)"')


async def test_chat_shows_the_whole_history_including_the_bot_part(
    client: httpx.AsyncClient, cast: Cast
) -> None:
    chat = await cast.live_chat(child="lina", counselor="sami", first_message="مرحبا")
    await cast.child_says("lina", "طيب، بدي احكيلك شو صار بالمدرسة")
    await cast.log_in(client, "sami")

    page = (await client.get(f"/console/conversations/{chat.id}")).text

    kinds = [kind for kind, _ in MESSAGE.findall(page)]
    seqs = [int(seq) for _, seq in MESSAGE.findall(page)]
    assert kinds[0] == "child"
    assert "bot" in kinds
    assert kinds[-1] == "child"
    assert seqs == sorted(seqs)
    assert '<p class="message__text" dir="auto">طيب، بدي احكيلك شو صار بالمدرسة</p>' in page
    assert '<ol class="chat__messages"' in page
    assert 'class="chat__typing"' in page


async def test_the_holder_gets_a_composer_and_the_close_form(client: httpx.AsyncClient, cast: Cast) -> None:
    chat = await cast.live_chat(child="lina", counselor="sami", first_message="مرحبا")
    await cast.log_in(client, "sami")

    page = (await client.get(f"/console/conversations/{chat.id}")).text

    assert '<form class="chat__composer"' in page
    assert '<textarea class="input chat__input" id="composer-text" name="text"' in page
    assert 'data-action="send"' in page
    assert 'class="form chat__close"' in page
    assert '<select class="input" name="category" required>' in page
    for field in ("component", "platform", "perpetrator"):  # §9 case fields, optional
        assert f'<select class="input" name="{field}">' in page
    assert '<span class="form__label">المنصة</span>' in page and "غير مسجّل" in page
    assert 'data-action="close"' in page


async def test_a_photo_shows_as_a_placeholder_never_as_an_image(
    client: httpx.AsyncClient, cast: Cast
) -> None:
    chat = await queue_chat(cast, child="lina", first_message="", media_kind="photo")
    await cast.log_in(client, "sami")

    page = (await client.get(f"/console/conversations/{chat.id}")).text

    assert "أرسل الطفل صورة — لم تُفتح ولم تُحفظ." in page
    assert "<img" not in page


async def test_risk_and_signals_show_on_the_page(client: httpx.AsyncClient, cast: Cast) -> None:
    chat = await queue_chat(cast, child="lina", first_message="بدي موت", signals=["self_harm", "distress"])
    await cast.log_in(client, "sami")

    page = (await client.get(f"/console/conversations/{chat.id}")).text

    assert "خطر وشيك" in page
    assert "إيذاء النفس أو انتحار" in page
    assert "ضيق نفسي" in page


async def test_close_form_suggests_the_category_of_the_highest_risk_signal(
    client: httpx.AsyncClient, cast: Cast
) -> None:
    chat = await queue_chat(
        cast, child="lina", first_message="بهددني بصوري", signals=["cyberbullying", "sextortion"]
    )
    await take(cast, chat, "sami")
    await cast.log_in(client, "sami")

    page = (await client.get(f"/console/conversations/{chat.id}")).text

    assert '<option value="violence.sexual_extortion" selected>' in page
    assert page.count(" selected>") == 2  # the category and the contact type, nothing else
    assert '<option value="child_self" selected>' in page


async def test_closing_with_a_category_stores_the_case_and_the_transition(
    client: httpx.AsyncClient, cast: Cast
) -> None:
    chat = await queue_chat(cast, child="lina", first_message="بهددني بصوري", signals=["sextortion"])
    sami = await cast.staff("sami")
    await take(cast, chat, "sami")
    await cast.log_in(client, "sami")
    token = await csrf_token(client, f"/console/conversations/{chat.id}")

    response = await client.post(
        f"/console/conversations/{chat.id}/close",
        data={
            "csrf_token": token,
            "category": "violence.sexual_extortion",
            "secondary": ["mental_health.fear_anxiety", "violence.sexual_extortion"],
            "contact_type": "child_self",
            "referrals": ["cybercrime_dept", "take_it_down"],
            "summary": "  Advised not to pay; helped report the account.  ",
        },
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/console/queue?notice=closed"
    async with cast.sessions() as session:
        case = await repository.find_case(session, chat.id)
        transitions = await repository.list_transitions(session, chat.id)
        conversation = await repository.get_conversation(session, chat.id)
    assert case is not None
    assert case.primary_category == "violence.sexual_extortion"
    assert case.secondary_categories == ["mental_health.fear_anxiety"]  # the primary is not repeated
    assert case.contact_type == "child_self"
    assert case.referrals == ["cybercrime_dept", "take_it_down"]
    assert case.summary == "Advised not to pay; helped report the account."
    assert (case.highest_risk, case.closed_by) == (2, sami.id)
    assert (transitions[-1].source, transitions[-1].target, transitions[-1].actor) == (
        "live",
        "closed",
        f"staff:{sami.id}",
    )
    assert conversation.state == "closed"
    queue = (await client.get(response.headers["location"])).text
    assert "أُغلقت المحادثة وسُجّلت حالتها" in queue


async def test_closing_without_a_known_category_is_refused(client: httpx.AsyncClient, cast: Cast) -> None:
    chat = await cast.live_chat(child="lina", counselor="sami", first_message="مرحبا")
    await cast.log_in(client, "sami")
    token = await csrf_token(client, f"/console/conversations/{chat.id}")

    missing = await client.post(f"/console/conversations/{chat.id}/close", data={"csrf_token": token})
    invented = await client.post(
        f"/console/conversations/{chat.id}/close", data={"csrf_token": token, "category": "made_up"}
    )

    assert (missing.status_code, invented.status_code) == (400, 400)
    async with cast.sessions() as session:
        assert await repository.find_case(session, chat.id) is None
    assert (await cast.conversation(chat.id)).state == "live"


async def test_closing_records_the_case_fields_and_the_page_shows_them(
    client: httpx.AsyncClient, cast: Cast
) -> None:
    chat = await queue_chat(cast, child="lina", first_message="بهددني بصوري", signals=["sextortion"])
    await take(cast, chat, "sami")
    await cast.log_in(client, "sami")
    token = await csrf_token(client, f"/console/conversations/{chat.id}")
    follow_up = (utc_now().date() + timedelta(days=3)).isoformat()

    await client.post(
        f"/console/conversations/{chat.id}/close",
        data={
            "csrf_token": token,
            "category": "violence.sexual_extortion",
            "component": "online",
            "platform": "instagram",
            "demands": ["money", "more_images"],
            "perpetrator": "unknown_online",
            "art53_report": "true",
            "follow_up_on": follow_up,
        },
    )

    async with cast.sessions() as session:
        case = await repository.find_case(session, chat.id)
    assert case is not None
    assert (case.component, case.platform, case.perpetrator) == ("online", "instagram", "unknown_online")
    assert case.demands == ["money", "more_images"]
    assert (case.emergency_contacted, case.art53_report) == (False, True)
    assert case.follow_up_on is not None and case.follow_up_on.isoformat() == follow_up
    page = (await client.get(f"/console/conversations/{chat.id}")).text
    assert "إنستغرام" in page and "مال أو بطاقات هدايا" in page and "شخص مجهول عبر الإنترنت" in page
    assert f'<time datetime="{follow_up}">' in page


@pytest.mark.parametrize(
    "bad",
    [
        {"platform": "myspace"},
        {"demands": ["kidneys"]},
        {"follow_up_on": "2020-01-01"},
        {"follow_up_on": "tuesday"},
    ],
)
async def test_closing_with_a_field_the_form_does_not_offer_is_refused_and_nothing_is_lost(
    client: httpx.AsyncClient, cast: Cast, bad: dict[str, object]
) -> None:
    chat = await cast.live_chat(child="lina", counselor="sami", first_message="مرحبا")
    await cast.log_in(client, "sami")
    token = await csrf_token(client, f"/console/conversations/{chat.id}")

    response = await client.post(
        f"/console/conversations/{chat.id}/close",
        data={"csrf_token": token, "category": "online_safety.hacked_account", **bad},
    )

    assert response.status_code == 400
    assert (await cast.conversation(chat.id)).state == "live"


async def test_the_closed_case_shows_on_the_page(client: httpx.AsyncClient, cast: Cast) -> None:
    chat = await cast.live_chat(child="lina", counselor="sami", first_message="مرحبا")
    await cast.log_in(client, "sami")
    token = await csrf_token(client, f"/console/conversations/{chat.id}")
    await client.post(
        f"/console/conversations/{chat.id}/close",
        data={"csrf_token": token, "category": "online_safety.hacked_account", "referrals": ["police_100"]},
    )

    page = (await client.get(f"/console/conversations/{chat.id}")).text

    assert "سجلّ الحالة" in page
    assert "حساب مخترق" in page
    assert "الشرطة 100" in page
    assert 'class="chat__composer"' not in page
    assert 'class="form chat__close"' not in page


async def test_a_note_is_kept_and_shown(client: httpx.AsyncClient, cast: Cast) -> None:
    chat = await cast.live_chat(child="lina", counselor="sami", first_message="مرحبا")
    await cast.log_in(client, "sami")
    token = await csrf_token(client, f"/console/conversations/{chat.id}")

    response = await client.post(
        f"/console/conversations/{chat.id}/notes", data={"csrf_token": token, "text": "Follow up tomorrow"}
    )

    assert response.status_code == 303
    page = (await client.get(f"/console/conversations/{chat.id}")).text
    assert "Follow up tomorrow" in page
    async with cast.sessions() as session:
        assert [n.text for n in await repository.list_notes(session, chat.id)] == ["Follow up tomorrow"]


async def test_an_empty_note_is_refused(client: httpx.AsyncClient, cast: Cast) -> None:
    chat = await cast.live_chat(child="lina", counselor="sami", first_message="مرحبا")
    await cast.log_in(client, "sami")
    token = await csrf_token(client, f"/console/conversations/{chat.id}")

    response = await client.post(
        f"/console/conversations/{chat.id}/notes", data={"csrf_token": token, "text": "  "}
    )

    assert response.status_code == 400


async def test_returning_a_chat_puts_it_back_in_the_queue(client: httpx.AsyncClient, cast: Cast) -> None:
    chat = await cast.live_chat(child="lina", counselor="sami", first_message="مرحبا")
    await cast.log_in(client, "sami")
    token = await csrf_token(client, f"/console/conversations/{chat.id}")

    response = await client.post(f"/console/conversations/{chat.id}/release", data={"csrf_token": token})

    assert response.status_code == 303
    conversation = await cast.conversation(chat.id)
    assert (conversation.state, conversation.counselor_id) == ("waiting", None)
    queue = (await client.get("/console/queue")).text
    assert f'data-conversation-id="{chat.id}" data-risk="0"' in queue


async def test_a_supervisor_can_return_a_colleagues_chat_to_the_queue(
    client: httpx.AsyncClient, cast: Cast
) -> None:
    chat = await cast.live_chat(child="lina", counselor="sami", first_message="مرحبا")
    await cast.log_in(client, "huda")
    token = await csrf_token(client, f"/console/conversations/{chat.id}")

    response = await client.post(f"/console/conversations/{chat.id}/release", data={"csrf_token": token})

    assert response.status_code == 303
    assert (await cast.conversation(chat.id)).state == "waiting"


async def test_releasing_a_chat_that_is_not_live_is_a_conflict(client: httpx.AsyncClient, cast: Cast) -> None:
    chat = await queue_chat(cast, child="lina", first_message="مرحبا")
    await cast.log_in(client, "sami")
    token = await csrf_token(client)

    response = await client.post(f"/console/conversations/{chat.id}/release", data={"csrf_token": token})

    assert response.status_code == 409


async def test_the_composer_also_works_without_javascript(client: httpx.AsyncClient, cast: Cast) -> None:
    chat = await cast.live_chat(child="lina", counselor="sami", first_message="مرحبا")
    await cast.log_in(client, "sami")
    token = await csrf_token(client, f"/console/conversations/{chat.id}")

    response = await client.post(
        f"/console/conversations/{chat.id}/messages", data={"csrf_token": token, "text": "أنا هنا لأساعدك"}
    )

    assert response.status_code == 303
    async with cast.sessions() as session:
        last = (await repository.list_messages(session, chat.id))[-1]
    assert (last.author_kind, last.text) == ("counselor", "أنا هنا لأساعدك")
