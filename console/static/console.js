// Shared console behaviour: waiting times that keep counting, and a reconnecting socket helper.

const TICK_MS = 1000;

export function formatElapsed(totalSecs) {
  const secs = Math.max(0, Math.floor(totalSecs));
  const hours = Math.floor(secs / 3600);
  const minutes = Math.floor((secs % 3600) / 60);
  const seconds = String(secs % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}

function tick() {
  const now = Date.now();
  const alertSecs = Number(document.querySelector("[data-alert-secs]")?.dataset.alertSecs || 60);
  for (const time of document.querySelectorAll("time[data-since]")) {
    const since = Date.parse(time.dataset.since);
    if (Number.isNaN(since)) continue;
    const waited = (now - since) / 1000;
    time.textContent = formatElapsed(waited);
    const item = time.closest(".queue__item");
    if (item && item.dataset.risk === "3") item.classList.toggle("queue__item--overdue", waited >= alertSecs);
  }
}

setInterval(tick, TICK_MS);

export function socketUrl(path) {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${path}`;
}

// A WebSocket that reconnects with growing pauses; `onOpen` runs after every (re)connect.
export function connect(pathFn, { onMessage, onOpen, onClose }) {
  let delay = 500;
  let socket = null;
  let stopped = false;
  function open() {
    socket = new WebSocket(socketUrl(pathFn()));
    socket.addEventListener("open", () => {
      delay = 500;
      onOpen?.(socket);
    });
    socket.addEventListener("message", (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      onMessage(frame, socket);
    });
    socket.addEventListener("close", (event) => {
      onClose?.(event);
      if (stopped || event.code === 4401 || event.code === 4404) return;
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 10000);
    });
  }
  open();
  return {
    send(frame) {
      if (socket?.readyState !== WebSocket.OPEN) return false;
      socket.send(JSON.stringify(frame));
      return true;
    },
    get open() {
      return socket?.readyState === WebSocket.OPEN;
    },
    stop() {
      stopped = true;
      socket?.close();
    },
  };
}
