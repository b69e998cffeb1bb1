// The chat page: live messages, the child's typing, state changes; sending over the socket with
// a browser-made client_id so a resend after a reconnect is stored once (server acks by seq).
import { connect } from "./console.js";

const root = document.querySelector("[data-chat]");
const list = root.querySelector(".chat__messages");
const typing = root.querySelector(".chat__typing");
const status = root.querySelector("[data-status]");
const composer = root.querySelector(".chat__composer");
const input = composer?.querySelector('textarea[name="text"]');
const TYPING_IDLE_MS = 3000;
const TYPING_REPEAT_MS = 2500;
const CHILD_TYPING_TIMEOUT_MS = 8000;

const pending = new Map(); // client_id → { text, element }
let typingHideTimer = null;
let typingIdleTimer = null;
let lastTypingSent = 0;

function lastSeq() {
  let seq = Number(root.dataset.lastSeq || 0);
  for (const item of list.querySelectorAll("li[data-seq]")) seq = Math.max(seq, Number(item.dataset.seq));
  return seq;
}

function nearBottom() {
  return list.scrollHeight - list.scrollTop - list.clientHeight < 80;
}

function scrollDown() {
  list.scrollTop = list.scrollHeight;
}

function elementFrom(html) {
  const template = document.createElement("template");
  template.innerHTML = html.trim(); // server-rendered and escaped by Jinja2
  return template.content.firstElementChild;
}

function insertMessage(frame) {
  const stick = nearBottom();
  const element = elementFrom(frame.html);
  const existing = list.querySelector(`li[data-seq="${frame.seq}"]`);
  if (existing) {
    existing.replaceWith(element);
  } else {
    const later = [...list.querySelectorAll("li[data-seq]")].find((li) => Number(li.dataset.seq) > frame.seq);
    list.insertBefore(element, later ?? null);
  }
  if (frame.author_kind === "child") showTyping(false);
  if (stick || frame.author_kind === "counselor") scrollDown();
}

function showTyping(active) {
  typing.hidden = !active;
  clearTimeout(typingHideTimer);
  if (active) typingHideTimer = setTimeout(() => (typing.hidden = true), CHILD_TYPING_TIMEOUT_MS);
}

function showStatus(text) {
  status.textContent = text || "";
}

function onAck(frame) {
  const entry = pending.get(frame.client_id);
  if (!entry) return;
  pending.delete(frame.client_id);
  if (list.querySelector(`li[data-seq="${frame.seq}"]`)) {
    entry.element.remove(); // the stored message arrived first
  } else {
    entry.element.dataset.seq = String(frame.seq); // replaced when the stored message arrives
    entry.element.classList.remove("message--pending");
  }
}

function onError(frame) {
  const entry = frame.client_id && pending.get(frame.client_id);
  if (entry) {
    pending.delete(frame.client_id);
    entry.element.classList.add("message--failed");
  }
  showStatus(root.dataset.textFailed);
}

function onState(frame) {
  const changed = frame.state !== root.dataset.state || String(frame.holds) !== root.dataset.holds;
  if (changed) {
    showStatus(root.dataset.textChanged);
    setTimeout(() => location.reload(), 600);
    return;
  }
  for (const field of root.querySelectorAll('[data-field="risk"]')) field.innerHTML = frame.risk_html;
}

function newClientId() {
  if (crypto.randomUUID) return crypto.randomUUID(); // only in secure contexts
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const socket = connect(() => `${root.dataset.socket}?after=${lastSeq()}`, {
  onOpen(ws) {
    showStatus("");
    for (const [clientId, entry] of pending) {
      ws.send(JSON.stringify({ type: "text", client_id: clientId, text: entry.text }));
    }
  },
  onClose(event) {
    if (event.code !== 1000) showStatus(root.dataset.textOffline);
  },
  onMessage(frame) {
    if (frame.type === "message") insertMessage(frame);
    else if (frame.type === "typing") showTyping(frame.active);
    else if (frame.type === "ack") onAck(frame);
    else if (frame.type === "error") onError(frame);
    else if (frame.type === "state") onState(frame);
  },
});

function pendingBubble(text) {
  const item = document.createElement("li");
  item.className = "message message--counselor message--pending";
  const paragraph = document.createElement("p");
  paragraph.className = "message__text";
  paragraph.dir = "auto";
  paragraph.textContent = text;
  item.append(paragraph);
  list.append(item);
  scrollDown();
  return item;
}

function sendTyping(active) {
  const now = Date.now();
  if (active && now - lastTypingSent < TYPING_REPEAT_MS) return;
  lastTypingSent = active ? now : 0;
  socket.send({ type: "typing", active });
}

function send(event) {
  const text = input.value.trim();
  if (!socket.open) return; // no socket: the form posts the ordinary way
  event.preventDefault();
  if (!text) return;
  const clientId = newClientId();
  pending.set(clientId, { text, element: pendingBubble(text) });
  socket.send({ type: "text", client_id: clientId, text });
  input.value = "";
  clearTimeout(typingIdleTimer);
  lastTypingSent = 0;
  showStatus("");
}

if (composer) {
  composer.addEventListener("submit", send);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });
  input.addEventListener("input", () => {
    sendTyping(true);
    clearTimeout(typingIdleTimer);
    typingIdleTimer = setTimeout(() => sendTyping(false), TYPING_IDLE_MS);
  });
}

scrollDown();
