// The queue page: swaps in the server-rendered queue on every push, and sounds an alert
// (Web Audio, after the counselor switched sound on) when a new imminent-risk chat appears and
// again whenever the server reports one still unanswered after SANAD_IMMINENT_ALERT_SECS.
import { connect } from "./console.js";

const root = document.querySelector("[data-queue-socket]");
const queueList = document.getElementById("queue-list");
const myChats = document.getElementById("my-chats");
const soundButton = document.querySelector('[data-action="sound"]');
const liveStatus = document.querySelector("[data-live-status]");
const announcer = document.querySelector("[data-queue-announce]");
const offlineStatus = document.querySelector("[data-offline-status]");
const SOUND_KEY = "sanad.console.sound";
const baseTitle = document.title;

let audio = null;

function imminentIds() {
  return new Set(
    [...queueList.querySelectorAll('.queue__item[data-risk="3"]')].map((item) => item.dataset.conversationId),
  );
}

let knownImminent = imminentIds();

function soundOn() {
  return soundButton.getAttribute("aria-pressed") === "true";
}

function ensureAudio() {
  if (!soundOn()) return;
  audio ??= new AudioContext();
  audio.resume();
}

function setSound(on) {
  soundButton.setAttribute("aria-pressed", String(on));
  soundButton.textContent = on ? soundButton.dataset.labelOn : soundButton.dataset.labelOff;
  localStorage.setItem(SOUND_KEY, on ? "on" : "off");
  ensureAudio();
}

function beep() {
  if (!audio || !soundOn()) return;
  const start = audio.currentTime;
  for (const [offset, frequency] of [[0, 880], [0.28, 660], [0.56, 880]]) {
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start + offset);
    gain.gain.exponentialRampToValueAtTime(0.25, start + offset + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.24);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(start + offset);
    oscillator.stop(start + offset + 0.25);
  }
}

function showQueue(frame) {
  queueList.innerHTML = frame.queue_html; // server-rendered and escaped; no raw child text
  myChats.innerHTML = frame.mine_html;
  const now = imminentIds();
  const fresh = [...now].filter((id) => !knownImminent.has(id));
  knownImminent = now;
  document.title = frame.count ? `(${frame.count}) ${baseTitle}` : baseTitle;
  announcer.textContent = queueList.querySelector(".queue__count")?.textContent.trim() ?? "";
  for (const id of fresh) {
    queueList.querySelector(`[data-conversation-id="${CSS.escape(id)}"]`)?.classList.add("queue__item--new");
  }
  // The server marks an unanswered imminent chat overdue in the HTML; `alerted` says to sound again.
  if (fresh.length || frame.alerted?.length) beep();
}

soundButton.addEventListener("click", () => setSound(soundButton.getAttribute("aria-pressed") !== "true"));
// Browsers start audio only after a click: a remembered "on" takes effect at the first click.
if (localStorage.getItem(SOUND_KEY) === "on") {
  setSound(true);
  document.addEventListener("click", ensureAudio, { once: true, capture: true });
}

connect(() => root.dataset.queueSocket, {
  onOpen() {
    liveStatus.hidden = false;
    offlineStatus.hidden = true;
  },
  onClose() {
    liveStatus.hidden = true;
    offlineStatus.hidden = false;
  },
  onMessage(frame) {
    if (frame.type === "queue") showQueue(frame);
  },
});
