"""The child-facing bot: one dialogue engine, its pure policy, the reviewed content, the channels.

    channel (widget socket, Telegram, terminal)
        │ Inbound(channel, address, client_id, text | payload | media_kind)
        ▼
    engine.DialogueEngine.handle ── nlu (ParseResult: intent, risk, language)
        │                        ── policy.decide(Turn, Situation) → Decision   (pure)
        │                        ── escalation.actions: record, queue, cancel, erase
        ▼
    bot replies stored as Messages → MessagePosted on the bus → the channel delivers them

Decisions others rely on:

* The child's message is stored once per client_id, with the NLU's intent and risk (and any signal
  the dialogue adds: "yes" to «is this happening to you now?» or to the self-harm question), so the
  conversation's risk rises in the same commit that stores it.
* One reply = one stored message. A risk ≥ 2 reply is the vetted templates only, crisis template
  first, then the template of the strongest high signal, then the honest wait (or the offline text)
  — all in ONE message (CONTENT-BRIEF §0 rules 2 and 3).
* While a conversation is `waiting` or `live` the bot is quiet except for safety: a risk level higher
  than the conversation had gets its template, media gets the media notice, the child may cancel,
  and one "still waiting" check-in per wait. After `closed` the next message opens a new conversation.
* Replies that must not be kept are delivered but not stored: the answer to an oversized message
  and "your conversation was deleted". They are `Message` objects with `seq == 0` and no id,
  published as `MessagePosted(message_id=0, seq=0)`; after /delete the conversation has no address,
  so Telegram answers those from `HandleResult.replies` (`HandleResult.erased`).
* The child's words never reach a log line: ids, states, intents and levels only.
"""
