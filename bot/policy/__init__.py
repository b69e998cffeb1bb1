"""The dialogue policy: what the bot says and does for one child message, as a pure function.

`decide(turn, situation)` reads the message (text and its NLU result, a button or command, a media
notice) and the conversation as it was (state, risk so far, the engine's notes, language, whether
counselors are on shift) and returns a `Decision`: replies — each a list of content responses
joined into ONE message, crisis first — and effects (escalate, cancel, erase, notes). No I/O and no
clock: the engine stores, publishes and renders. CONTENT-BRIEF §0, §4 and §5 are the law here.

Precedence, highest first:
1. oversized text (nothing stored) and media (only the fact is stored), in every state;
2. /delete and its confirmation, in every open state;
3. risk ≥ 2: the vetted templates (crisis first, then the strongest high signal) in the same
   message, and the hand-off with an honest wait (or the offline text). While `waiting` or `live`
   only a level higher than the conversation had gets its template: it is queued already;
4. `waiting`: cancel / stop, FAQ answers (a topic asked or tapped), "still waiting" (once per
   wait, or when asked); `live`: silence;
5. `bot`: commands and buttons, the safe word and `ask_human`, the answer to the question the bot
   asked last (notes["pending"]), risk 1, then the intent (low confidence → two topics + a person,
   unless the unsure model's first guess is a level-2/3 risk intent: then the self-harm question
   once, or the offer of a person and 121 — never a topic menu).

A "yes" to «is this happening to you now?» (after the sextortion or grooming information) or to
the hopelessness question is a disclosure: the policy adds the signal the NLU could not see in
"yes", so the child's message is stored with it and the conversation's risk rises.
"""

from bot.policy.decide import decide
from bot.policy.model import Decision, Reply, Say, Situation, Turn, in_counselor_hours, parse_hours
from bot.policy.names import (  # the names callers use; the rest: bot.policy.names
    ASK_HUMAN,
    CANCEL,
    CLARIFY,
    CLARIFY_TOPICS,
    DELETE_CONFIRM,
    NOTE_HOPELESSNESS_ASKED,
)
from bot.policy.reading import reply_language

__all__ = [
    "ASK_HUMAN",
    "CANCEL",
    "CLARIFY",
    "CLARIFY_TOPICS",
    "DELETE_CONFIRM",
    "Decision",
    "NOTE_HOPELESSNESS_ASKED",
    "Reply",
    "Say",
    "Situation",
    "Turn",
    "decide",
    "in_counselor_hours",
    "parse_hours",
    "reply_language",
]
