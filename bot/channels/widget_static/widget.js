/* Sanad chat widget: one <script src="https://sanad.example/widget.js" defer></script> on any page.
 *
 * Plain ES2020, no build step, no third-party code, no trackers. The chat lives in an OPEN shadow
 * root (isolated from the host page's styles); every text is put in with textContent.
 * The browser keeps ONE thing: the opaque resume token (localStorage "sanad.resume"). Nothing the
 * child writes is stored in the browser; after a reload the messages come back from the server.
 * Optional attributes on the script tag: data-lang="en", data-exit-url="https://…".
 * Stable hooks for tests: data-sanad="launcher|panel|messages|input|send|ask-human|exit|lang|status".
 */
(() => {
  "use strict";
  if (window.__sanadWidget) return;
  window.__sanadWidget = true;

  const script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  const origin = new URL(script ? script.src : location.href, location.href).origin;
  const SOCKET_URL = origin.replace(/^http/, "ws") + "/widget/socket";
  const EXIT_URL = (script && script.dataset.exitUrl) || origin + "/widget/neutral";
  const TOKEN_KEY = "sanad.resume";
  const STORAGE_PREFIX = "sanad.";
  const MAX_BACKOFF_MS = 30000;
  const TYPING_REPEAT_MS = 3000;
  const TYPING_IDLE_MS = 4000;
  const COUNSELOR_TYPING_TIMEOUT_MS = 8000;
  const ESC_PRESSES = 3;
  const ESC_WINDOW_MS = 2000;
  const RETRY_MS = 5000; // after "unavailable" or "slow_down"
  const ACK_TIMEOUT_MS = 20000; // no ack by then: the socket is presumed dead, reconnect and resend

  const STRINGS = {
    ar: {
      dir: "rtl", locale: "ar-PS-u-nu-latn", other: "en",
      launcher: "تحدّث مع سند", title: "سند", subtitle: "مساحة آمنة وسرية للحديث",
      exit: "✕ خروج سريع", exitHint: "خروج سريع: يغلق الصفحة فورًا (أو اضغط Esc ثلاث مرات)",
      lang: "English", minimize: "تصغير النافذة", askHuman: "أريد التحدث مع شخص", cancel: "إلغاء الطلب",
      placeholder: "اكتب رسالتك هنا…", inputLabel: "رسالتك", send: "إرسال",
      notice: "سند برنامج آلي يوصلك بمرشدين حقيقيين. لا ترسل صورًا. لا يُحفظ ما تكتبه على جهازك.",
      connecting: "جارٍ الاتصال…", offline: "انقطع الاتصال، سنحاول من جديد…",
      bot: "أنت تتحدث مع سند، وهو برنامج آلي",
      waiting: "طلبنا لك مرشدًا، انتظر قليلًا من فضلك",
      waitingAt: (n) => `طلبنا لك مرشدًا. دورك في الانتظار: ${n}`,
      live: "أنت تتحدث الآن مع مرشد", closed: "انتهت المحادثة. اكتب إن أردت أن تبدأ من جديد",
      typing: "المرشد يكتب…", sending: "يُرسل…", failed: "لم تُرسل",
      previous: "انتهت المحادثة السابقة",
      authors: { child: "أنت", bot: "سند", counselor: "المرشد", system: "ملاحظة" },
      errors: {
        too_long: "رسالتك طويلة جدًا، أرسلها على أجزاء أقصر.", empty: "الرسالة فارغة.",
        binary_frame: "يمكن إرسال النص فقط.", invalid_frame: "تعذّرت قراءة الرسالة، حاول مرة أخرى.",
        unavailable: "حدث خطأ عندنا، سنحاول إرسال رسالتك من جديد.",
        not_stored: "لم تُحفظ هذه الرسالة.",
        slow_down: "رسائل كثيرة في وقت قصير، انتظر قليلًا وسنرسلها.",
      },
    },
    en: {
      dir: "ltr", locale: "en-GB", other: "ar",
      launcher: "Talk to Sanad", title: "Sanad", subtitle: "A safe, private place to talk",
      exit: "✕ Quick exit", exitHint: "Quick exit: leaves this page at once (or press Esc three times)",
      lang: "العربية", minimize: "Minimise", askHuman: "I want to talk to a person", cancel: "Cancel request",
      placeholder: "Write your message here…", inputLabel: "Your message", send: "Send",
      notice: "Sanad is a bot that connects you with real counselors. Don't send pictures. Nothing you write is kept on this device.",
      connecting: "Connecting…", offline: "Connection lost, trying again…",
      bot: "You are talking with Sanad, a bot",
      waiting: "We are finding you a counselor, please wait a little",
      waitingAt: (n) => `We are finding you a counselor. Your place in the queue: ${n}`,
      live: "You are now talking with a counselor", closed: "The conversation has ended. Write to start again",
      typing: "The counselor is typing…", sending: "Sending…", failed: "Not sent",
      previous: "The previous conversation ended",
      authors: { child: "You", bot: "Sanad", counselor: "Counselor", system: "Note" },
      errors: {
        too_long: "Your message is too long; send it in shorter parts.", empty: "The message is empty.",
        binary_frame: "Only text can be sent.", invalid_frame: "The message could not be read; please try again.",
        unavailable: "Something went wrong on our side; we will try sending your message again.",
        not_stored: "This message was not kept.",
        slow_down: "Many messages at once; wait a moment and we will send them.",
      },
    },
  };
  const BUILTIN_PAYLOADS = { "/ask_human": "askHuman", "/cancel": "cancel" };

  let lang = script && script.dataset.lang === "en" ? "en" : "ar";
  let t = STRINGS[lang];
  let token = readToken();
  let ws = null;
  let greeted = false;
  let attempt = 0;
  let reconnectTimer = 0;
  let exited = false;
  let thread; // undefined until the first hello of this page
  let lastSeq = 0; // every seq up to here is on screen
  let seen = new Map(); // seq → <li> of the current conversation
  let outbox = []; // {clientId, frame, item} not yet acknowledged; resent with the same client_id
  let maxChars = 2000;
  let state = "bot";
  let queuePosition = null;
  let connection = "offline";
  let typingActive = false;
  let typingSentAt = 0;
  let typingIdleTimer = 0;
  let counselorTypingTimer = 0;
  let escPresses = [];
  const payloadLabels = new Map(); // button payload → its title, to show a pressed button as words

  /* ---------- storage: the resume token and nothing else ---------- */
  function readToken() {
    try { return localStorage.getItem(TOKEN_KEY); } catch (_) { return null; }
  }
  function saveToken(value) {
    try { localStorage.setItem(TOKEN_KEY, value); } catch (_) { /* storage off: the chat still works */ }
  }
  function clearStorage() {
    for (const store of [safeStore("localStorage"), safeStore("sessionStorage")]) {
      if (!store) continue;
      for (const key of Object.keys(store)) if (key.startsWith(STORAGE_PREFIX)) store.removeItem(key);
    }
  }
  function safeStore(name) {
    try { return window[name]; } catch (_) { return null; }
  }

  /* ---------- DOM ---------- */
  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function label(node, key) {
    node.setAttribute("data-i18n", key);
    node.textContent = t[key];
    return node;
  }

  const host = el("div", { "data-sanad": "host" });
  host.style.cssText = "all: initial !important; position: static !important; display: block !important;";
  const root = host.attachShadow({ mode: "open" });
  const sheet = el("link", { rel: "stylesheet", href: origin + "/widget/static/widget.css" });
  const box = el("div", { class: "sanad", dir: t.dir, lang });
  box.style.display = "none"; // until the stylesheet is in, so the page never flashes raw markup
  sheet.addEventListener("load", () => { box.style.display = ""; });
  sheet.addEventListener("error", () => { box.style.display = ""; });

  const launcher = label(el("button", { type: "button", class: "sanad-launcher", "data-sanad": "launcher",
    "aria-expanded": "false", "aria-controls": "sanad-panel" }), "launcher");
  const badge = el("span", { class: "sanad-launcher__badge", "aria-hidden": "true", hidden: "" });
  launcher.append(badge);

  const panel = el("section", { id: "sanad-panel", class: "sanad-panel", "data-sanad": "panel",
    role: "dialog", "aria-labelledby": "sanad-title", "data-state": state, hidden: "" });
  const header = el("header", { class: "sanad-header" });
  const titles = el("div", { class: "sanad-header__titles" });
  titles.append(label(el("h2", { id: "sanad-title", class: "sanad-header__title" }), "title"),
    label(el("p", { class: "sanad-header__subtitle" }), "subtitle"));
  const exitButton = label(el("button", { type: "button", class: "sanad-exit", "data-sanad": "exit" }), "exit");
  const langButton = label(el("button", { type: "button", class: "sanad-header__button", "data-sanad": "lang" }), "lang");
  const minimize = el("button", { type: "button", class: "sanad-header__button sanad-header__close",
    "data-sanad": "minimize" }, "—");
  const tools = el("div", { class: "sanad-header__tools" });
  tools.append(langButton, minimize);
  header.append(titles, tools, exitButton);

  const status = el("div", { class: "sanad-status", "data-sanad": "status", role: "status",
    "aria-live": "polite", "data-state": state, "data-connection": connection });
  const statusText = el("span", { class: "sanad-status__text" });
  const cancelButton = label(el("button", { type: "button", class: "sanad-status__cancel",
    "data-sanad": "cancel", hidden: "" }), "cancel");
  status.append(statusText, cancelButton);

  const messages = el("ol", { class: "sanad-messages", "data-sanad": "messages", "aria-live": "polite" });
  const typingLine = label(el("p", { class: "sanad-typing", "data-sanad": "typing", hidden: "" }), "typing");
  const errorLine = el("p", { class: "sanad-error", "data-sanad": "error", role: "alert", hidden: "" });
  const askHuman = label(el("button", { type: "button", class: "sanad-ask-human", "data-sanad": "ask-human" }),
    "askHuman");
  const composer = el("form", { class: "sanad-composer", "data-sanad": "composer" });
  const input = el("textarea", { class: "sanad-composer__input", "data-sanad": "input", rows: "2",
    dir: "auto", autocomplete: "off", maxlength: String(maxChars) });
  const send = label(el("button", { type: "submit", class: "sanad-composer__send", "data-sanad": "send" }), "send");
  composer.append(input, send);
  const notice = label(el("p", { class: "sanad-notice" }), "notice");

  panel.append(header, status, messages, typingLine, errorLine, askHuman, composer, notice);
  box.append(launcher, panel);
  root.append(sheet, box);

  /* ---------- language ---------- */
  function applyLanguage(next) {
    lang = next;
    t = STRINGS[lang];
    box.setAttribute("dir", t.dir);
    box.setAttribute("lang", lang);
    for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = t[node.getAttribute("data-i18n")];
    input.setAttribute("placeholder", t.placeholder);
    input.setAttribute("aria-label", t.inputLabel);
    exitButton.setAttribute("title", t.exitHint);
    minimize.setAttribute("aria-label", t.minimize);
    minimize.setAttribute("title", t.minimize);
    for (const item of messages.querySelectorAll("li[data-sanad-author]")) refreshItem(item);
    for (const divider of messages.querySelectorAll(".sanad-divider")) divider.textContent = t.previous;
    renderStatus();
  }

  /* ---------- messages ---------- */
  function shownText(item) {
    const raw = item.sanadText;
    if (item.getAttribute("data-sanad-author") !== "child") return raw;
    if (BUILTIN_PAYLOADS[raw]) return t[BUILTIN_PAYLOADS[raw]];
    return payloadLabels.get(raw) || raw;
  }
  function refreshItem(item) {
    item.querySelector(".sanad-msg__text").textContent = shownText(item);
    item.querySelector(".sanad-msg__author").textContent = t.authors[item.getAttribute("data-sanad-author")] || "";
    const when = item.querySelector(".sanad-msg__time");
    if (item.hasAttribute("data-pending")) when.textContent = item.hasAttribute("data-failed") ? t.failed : t.sending;
    else if (item.sanadTime) when.textContent = item.sanadTime.toLocaleTimeString(t.locale, { hour: "2-digit", minute: "2-digit" });
  }
  function messageItem(author, text, createdAt, buttons) {
    const item = el("li", { class: `sanad-msg sanad-msg--${author}`, "data-sanad-author": author });
    item.sanadText = text;
    item.sanadTime = createdAt ? new Date(createdAt) : null;
    const meta = el("div", { class: "sanad-msg__meta" });
    meta.append(el("span", { class: "sanad-msg__author" }), el("time", { class: "sanad-msg__time" }));
    item.append(el("p", { class: "sanad-msg__text", dir: "auto" }), meta);
    if (buttons && buttons.length) item.append(buttonRow(buttons));
    refreshItem(item);
    return item;
  }
  function buttonRow(buttons) {
    const row = el("div", { class: "sanad-msg__buttons" });
    for (const button of buttons) {
      if (!button || typeof button.payload !== "string" || typeof button.title !== "string") continue;
      payloadLabels.set(button.payload, button.title);
      const node = el("button", { type: "button", class: "sanad-quick", "data-sanad-payload": button.payload },
        button.title);
      node.addEventListener("click", () => sendButton(button.payload, button.title));
      row.append(node);
    }
    return row;
  }
  function placeBySeq(item, seq) {
    item.setAttribute("data-seq", String(seq));
    seen.set(seq, item);
    let before = null;
    for (const other of messages.querySelectorAll("li[data-seq], li[data-pending]")) {
      if (other === item) continue;
      if (other.hasAttribute("data-pending") || Number(other.getAttribute("data-seq")) > seq) { before = other; break; }
    }
    if (before) messages.insertBefore(item, before);
    else messages.append(item);
    while (seen.has(lastSeq + 1)) lastSeq += 1;
  }
  function scrollToEnd() {
    messages.scrollTop = messages.scrollHeight;
  }
  function onMessage(frame) {
    if (!frame.seq) { // a notice that was never stored: shown once, never replayed
      const notice = messageItem(frame.author, frame.text, frame.created_at, frame.buttons);
      notice.setAttribute("data-seq", "0");
      messages.insertBefore(notice, messages.querySelector("li[data-pending]"));
      scrollToEnd();
      return;
    }
    if (seen.has(frame.seq)) return;
    const pending = frame.client_id ? outbox.find((entry) => entry.clientId === frame.client_id) : null;
    if (pending) {
      settle(pending, frame.seq);
    } else {
      placeBySeq(messageItem(frame.author, frame.text, frame.created_at, frame.buttons), frame.seq);
    }
    if (frame.buttons && frame.buttons.length) {
      for (const item of seen.values()) refreshItem(item); // a pressed button now shows its title
    }
    if (frame.author !== "child") {
      hideCounselorTyping();
      if (panel.hidden) badge.hidden = false;
    }
    scrollToEnd();
  }
  function settle(entry, seq) {
    outbox = outbox.filter((other) => other !== entry);
    const existing = seen.get(seq);
    if (existing && existing !== entry.item) { entry.item.remove(); return; }
    entry.item.removeAttribute("data-pending");
    entry.item.removeAttribute("data-client-id");
    entry.item.sanadTime = new Date();
    placeBySeq(entry.item, seq);
    refreshItem(entry.item);
  }
  function onAck(frame) {
    const entry = outbox.find((other) => other.clientId === frame.client_id);
    if (entry) settle(entry, frame.seq);
  }
  function clearMessages() {
    // The child erased the conversation: nothing of it stays on screen.
    for (const item of messages.querySelectorAll("li:not([data-pending])")) item.remove();
    seen = new Map();
    lastSeq = 0;
  }
  function startNewThread() {
    // Seqs restart with each conversation: keep the old lines on screen, but as history.
    for (const item of seen.values()) {
      item.setAttribute("data-old-seq", item.getAttribute("data-seq"));
      item.removeAttribute("data-seq");
    }
    if (seen.size) messages.append(el("li", { class: "sanad-divider", role: "separator" }, t.previous));
    for (const entry of outbox) messages.append(entry.item);
    seen = new Map();
    lastSeq = 0;
  }

  /* ---------- state ---------- */
  function renderStatus() {
    let text = t[state] || t.bot;
    if (state === "waiting" && queuePosition) text = t.waitingAt(queuePosition);
    if (connection === "connecting") text = t.connecting;
    if (connection === "offline" && (greeted || attempt > 0)) text = t.offline;
    statusText.textContent = text;
    for (const node of [panel, status]) node.setAttribute("data-state", state);
    status.setAttribute("data-connection", connection);
    if (queuePosition) status.setAttribute("data-queue-position", String(queuePosition));
    else status.removeAttribute("data-queue-position");
    cancelButton.hidden = state !== "waiting";
    askHuman.hidden = state === "waiting" || state === "live";
  }
  function applyState(next, position) {
    state = next;
    queuePosition = next === "waiting" && position ? position : null;
    renderStatus();
  }
  function setConnection(next) {
    connection = next;
    renderStatus();
  }
  function showError(code) {
    errorLine.textContent = t.errors[code] || t.errors.invalid_frame;
    errorLine.hidden = false;
    clearTimeout(showError.timer);
    showError.timer = setTimeout(() => { errorLine.hidden = true; }, 6000);
  }
  function onError(frame) {
    showError(frame.code);
    const entry = frame.client_id && outbox.find((other) => other.clientId === frame.client_id);
    if (!entry) return;
    if (frame.code === "unavailable" || frame.code === "slow_down") { setTimeout(flushOutbox, RETRY_MS); return; }
    outbox = outbox.filter((other) => other !== entry); // refused for good: never resend it
    entry.item.setAttribute("data-failed", "true");
    refreshItem(entry.item);
  }
  function showCounselorTyping(active) {
    typingLine.hidden = !active;
    clearTimeout(counselorTypingTimer);
    if (active) counselorTypingTimer = setTimeout(hideCounselorTyping, COUNSELOR_TYPING_TIMEOUT_MS);
  }
  function hideCounselorTyping() {
    showCounselorTyping(false);
  }

  /* ---------- socket ---------- */
  function connect() {
    if (exited || ws) return;
    clearTimeout(reconnectTimer);
    if (navigator.onLine === false) { setConnection("offline"); return; } // the "online" event retries
    setConnection("connecting");
    const url = SOCKET_URL + (token ? "?resume=" + encodeURIComponent(token) : "");
    let socket;
    try { socket = new WebSocket(url); } catch (_) { scheduleReconnect(); return; }
    ws = socket;
    greeted = false;
    socket.addEventListener("message", (event) => { if (socket === ws) onFrame(event.data); });
    socket.addEventListener("close", () => {
      if (socket !== ws) return;
      ws = null;
      greeted = false;
      setConnection("offline");
      scheduleReconnect();
    });
  }
  function scheduleReconnect() {
    if (exited) return;
    const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempt) * (0.5 + Math.random() / 2);
    attempt += 1;
    clearTimeout(reconnectTimer);
    reconnectTimer = setTimeout(connect, delay);
  }
  function reconnectNow() {
    if (ws || exited || !token) return;
    attempt = 0;
    connect();
  }
  function sendFrame(frame) {
    if (!ws || !greeted || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(frame));
    return true;
  }
  function flushOutbox() {
    for (const entry of outbox) sendOutgoing(entry);
  }
  function sendOutgoing(entry) {
    if (!entry.item.hasAttribute("data-failed") && sendFrame(entry.frame)) entry.sentAt = Date.now();
  }
  function checkAcks() {
    // A socket can die without a close event (a lost network): unacked messages reveal it.
    const now = Date.now();
    if (ws && outbox.some((entry) => entry.sentAt && now - entry.sentAt > ACK_TIMEOUT_MS)) dropSocket();
  }
  function dropSocket() {
    if (!ws) return;
    const socket = ws;
    ws = null;
    greeted = false;
    try { socket.close(); } catch (_) { /* already gone */ }
    setConnection("offline");
    scheduleReconnect();
  }
  function onHello(frame) {
    if (thread !== undefined && frame.thread !== thread) startNewThread();
    const first = !greeted;
    thread = frame.thread;
    token = frame.resume;
    saveToken(token);
    maxChars = frame.max_chars || maxChars;
    input.setAttribute("maxlength", String(maxChars));
    greeted = true;
    attempt = 0;
    connection = "online";
    applyState(frame.state, frame.queue_position);
    if (!first) return; // a new conversation on this socket: the server sends it all by itself
    sendFrame({ type: "sync", after_seq: lastSeq });
    flushOutbox();
  }
  function onFrame(data) {
    let frame;
    try { frame = JSON.parse(data); } catch (_) { return; }
    if (frame.type === "hello") onHello(frame);
    else if (frame.type === "ack") onAck(frame);
    else if (frame.type === "message") onMessage(frame);
    else if (frame.type === "state") applyState(frame.state, frame.queue_position);
    else if (frame.type === "typing" && frame.who === "counselor") showCounselorTyping(Boolean(frame.active));
    else if (frame.type === "error") onError(frame);
    else if (frame.type === "clear") clearMessages();
  }

  /* ---------- the child's actions ---------- */
  function newClientId() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  function queueOutgoing(frame, shown) {
    const clientId = newClientId();
    const full = Object.assign({ client_id: clientId }, frame);
    const item = messageItem("child", shown);
    item.setAttribute("data-pending", "true");
    item.setAttribute("data-client-id", clientId);
    refreshItem(item);
    messages.append(item);
    const entry = { clientId, frame: full, item, sentAt: 0 };
    outbox.push(entry);
    scrollToEnd();
    if (!ws) connect();
    sendOutgoing(entry);
  }
  function sendText() {
    const text = input.value.trim();
    if (!text) return;
    if (text.length > maxChars) { showError("too_long"); return; }
    input.value = "";
    stopTyping();
    queueOutgoing({ type: "text", text }, text);
  }
  function sendButton(payload, title) {
    queueOutgoing({ type: "button", payload }, title);
  }
  function onTyping() {
    if (state !== "waiting" && state !== "live") return;
    const now = Date.now();
    if (!typingActive || now - typingSentAt > TYPING_REPEAT_MS) {
      if (sendFrame({ type: "typing", active: true })) { typingActive = true; typingSentAt = now; }
    }
    clearTimeout(typingIdleTimer);
    typingIdleTimer = setTimeout(stopTyping, TYPING_IDLE_MS);
  }
  function stopTyping() {
    clearTimeout(typingIdleTimer);
    if (typingActive) sendFrame({ type: "typing", active: false });
    typingActive = false;
  }

  /* ---------- quick exit ---------- */
  function quickExit() {
    exited = true;
    try { clearStorage(); } catch (_) { /* leave anyway */ }
    try { if (ws) ws.close(); } catch (_) { /* leave anyway */ }
    host.remove();
    document.title = "";
    location.replace(EXIT_URL);
  }
  function onKeydown(event) {
    if (event.key !== "Escape") return;
    const now = Date.now();
    escPresses = escPresses.filter((at) => now - at < ESC_WINDOW_MS).concat(now);
    if (escPresses.length >= ESC_PRESSES) quickExit();
  }

  /* ---------- panel ---------- */
  function setOpen(open) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    launcher.hidden = open;
    if (!open) return;
    badge.hidden = true;
    connect();
    scrollToEnd();
    input.focus();
  }

  launcher.addEventListener("click", () => setOpen(true));
  minimize.addEventListener("click", () => { setOpen(false); launcher.focus(); });
  langButton.addEventListener("click", () => applyLanguage(t.other));
  exitButton.addEventListener("click", quickExit);
  askHuman.addEventListener("click", () => queueOutgoing({ type: "ask_human" }, t.askHuman));
  cancelButton.addEventListener("click", () => sendButton("/cancel", t.cancel));
  composer.addEventListener("submit", (event) => { event.preventDefault(); sendText(); });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); sendText(); }
  });
  input.addEventListener("input", onTyping);
  window.addEventListener("keydown", onKeydown, true);
  window.addEventListener("online", reconnectNow);
  window.addEventListener("offline", dropSocket); // write into the outbox, not into a dead socket
  setInterval(checkAcks, 5000);
  document.addEventListener("visibilitychange", () => { if (!document.hidden) reconnectNow(); });

  function mount() {
    document.body.append(host);
    applyLanguage(lang);
    if (token) connect(); // a conversation may be going on: show the counselor's news at once
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
