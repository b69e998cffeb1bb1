"""Relay benchmark: N children on widget WebSockets, all escalated and answered by simulated
counselors over the console WebSocket. Prints JSON with delivery latencies, messages/s and the
server's peak memory.

    python benchmarks/relay.py [--children 500] [--counselors 25] [--rounds 3]

It starts `sanad serve` on a free loopback port with a throwaway data directory, so it measures the
real server (uvicorn, SQLite, in-process bus) exactly as `./dev run` runs it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import psutil
import websockets

ROOT = Path(__file__).resolve().parent.parent
SANAD = str(Path(sys.executable).with_name("sanad"))
PASSWORD = "benchmark password 123"
CSRF = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
ITEM = re.compile(r'data-conversation-id="(\d+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


class Memory:
    """Samples the server's resident memory every 100 ms."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.peak = 0
        self.task: asyncio.Task[None] | None = None

    async def run(self) -> None:
        while True:
            try:
                rss = self.process.memory_info().rss
                rss += sum(c.memory_info().rss for c in self.process.children(recursive=True))
                self.peak = max(self.peak, rss)
            except psutil.Error:
                return
            await asyncio.sleep(0.1)


class Child:
    def __init__(self, index: int, ws_url: str) -> None:
        self.index = index
        self.ws_url = ws_url
        self.ws: websockets.ClientConnection | None = None
        self.state = "bot"
        self.received: list[float] = []  # counselor → child latencies (s)
        self.live = asyncio.Event()
        self.reader: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        self.ws = await websockets.connect(self.ws_url + "/widget/socket", max_size=2**20, open_timeout=60)
        self.reader = asyncio.create_task(self.read())

    async def send(self, frame: dict[str, object]) -> None:
        assert self.ws is not None
        await self.ws.send(json.dumps(frame, ensure_ascii=False))

    async def read(self) -> None:
        assert self.ws is not None
        try:
            async for raw in self.ws:
                frame = json.loads(raw)
                kind = frame.get("type")
                if kind in ("state", "hello"):
                    self.state = frame.get("state", self.state)
                    if self.state == "live":
                        self.live.set()
                elif kind == "message" and frame.get("author") == "counselor":
                    self.live.set()
                    match = re.search(r"reply (\d+\.\d+)", frame.get("text", ""))
                    if match:
                        self.received.append(time.time() - float(match.group(1)))
        except websockets.ConnectionClosed:
            return


class Counselor:
    def __init__(self, name: str, base_url: str, ws_url: str) -> None:
        self.name = name
        self.base_url = base_url
        self.ws_url = ws_url
        self.http = httpx.AsyncClient(base_url=base_url, follow_redirects=False, timeout=60)
        self.sockets: dict[int, websockets.ClientConnection] = {}
        self.received: list[float] = []  # child → counselor latencies (s)
        self.readers: list[asyncio.Task[None]] = []

    async def log_in(self) -> None:
        page = await self.http.get("/console/login")
        token = CSRF.search(page.text)
        assert token, "no csrf token on the login page"
        response = await self.http.post(
            "/console/login", data={"username": self.name, "password": PASSWORD, "csrf_token": token.group(1)}
        )
        assert response.status_code == 303, response.status_code

    async def take_one(self, rank: int, of: int) -> int | None:
        """Take one waiting chat; counselor k tries the k-th entries first, as colleagues would."""
        try:
            page = await self.http.get("/console/queue")
            waiting = [i for i in ITEM.findall(page.text) if int(i) not in self.sockets]
            token = CSRF.search(page.text)
            for conversation_id in (waiting[rank::of] + waiting)[:3]:
                response = await self.http.post(
                    f"/console/conversations/{conversation_id}/take",
                    data={"csrf_token": token.group(1) if token else ""},
                )
                if response.status_code == 303 and "/conversations/" in response.headers.get("location", ""):
                    return int(conversation_id)
        except httpx.HTTPError:
            return None
        return None

    async def open_chat(self, conversation_id: int) -> None:
        cookies = "; ".join(f"{k}={v}" for k, v in self.http.cookies.items())
        ws = await websockets.connect(
            f"{self.ws_url}/console/conversations/{conversation_id}/socket",
            additional_headers={"Cookie": cookies, "Origin": self.base_url},
            max_size=2**22,
            open_timeout=60,
        )
        self.sockets[conversation_id] = ws
        self.readers.append(asyncio.create_task(self.read(ws)))

    async def read(self, ws: websockets.ClientConnection) -> None:
        try:
            async for raw in ws:
                frame = json.loads(raw)
                text = (
                    frame.get("text") or frame.get("message", {}).get("text", "")
                    if isinstance(frame, dict)
                    else ""
                )
                author = frame.get("author") or frame.get("message", {}).get("author_kind", "")
                if author == "child" or frame.get("author_kind") == "child":
                    match = re.search(r"ask (\d+\.\d+)", text or "")
                    if match:
                        self.received.append(time.time() - float(match.group(1)))
        except websockets.ConnectionClosed:
            return

    async def reply_all(self, spread_secs: float) -> int:
        async def one(ws: websockets.ClientConnection) -> None:
            await asyncio.sleep(random.uniform(0, spread_secs))
            frame = {"type": "text", "client_id": str(uuid.uuid4()), "text": f"reply {time.time():.6f}"}
            await ws.send(json.dumps(frame))

        await asyncio.gather(*(one(ws) for ws in self.sockets.values()))
        return len(self.sockets)

    async def close(self) -> None:
        for ws in self.sockets.values():
            await ws.close()
        for reader in self.readers:
            reader.cancel()
        await self.http.aclose()


def start_server(data_dir: Path, port: int, counselors: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SANAD_DATA_DIR": str(data_dir),
        "SANAD_DATABASE_URL": f"sqlite+aiosqlite:///{data_dir}/sanad.db",
        "SANAD_LOG_LEVEL": "WARNING",
        "SANAD_COUNSELOR_HOURS": "00:00-24:00",
        "SANAD_LOGIN_MAX_FAILURES": "1000",
    }
    for n in range(counselors):
        subprocess.run(
            [SANAD, "user", "add", f"bench{n}", "--role", "counselor", "--password-stdin"],
            input=PASSWORD.encode(),
            env=env,
            check=True,
            capture_output=True,
            cwd=data_dir,
        )
    log = (data_dir / "server.log").open("wb")
    return subprocess.Popen(
        [SANAD, "serve", "--port", str(port)], env=env, cwd=data_dir, stdout=log, stderr=subprocess.STDOUT
    )


async def wait_until_up(base_url: str) -> None:
    async with httpx.AsyncClient() as http:
        for _ in range(600):
            try:
                if (await http.get(base_url + "/console/login")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError("server did not start")


async def run(children_n: int, counselors_n: int, rounds: int, round_secs: float) -> dict[str, object]:
    data_dir = Path(tempfile.mkdtemp(prefix="sanad-bench-"))
    port = free_port()
    base_url, ws_url = f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}"
    server = start_server(data_dir, port, counselors_n)
    memory = Memory(server.pid)
    try:
        await wait_until_up(base_url)
        idle_rss = psutil.Process(server.pid).memory_info().rss
        memory.task = asyncio.create_task(memory.run())
        children = [Child(i, ws_url) for i in range(children_n)]
        for batch in range(0, children_n, 50):
            await asyncio.gather(*(c.connect() for c in children[batch : batch + 50]))
        started = time.time()
        await asyncio.gather(
            *(
                c.send({"type": "text", "client_id": str(uuid.uuid4()), "text": "بدي احكي مع حدا"})
                for c in children
            )
        )
        await asyncio.gather(
            *(c.send({"type": "ask_human", "client_id": str(uuid.uuid4())}) for c in children)
        )
        while time.time() - started < 300 and any(c.state != "waiting" for c in children):
            await asyncio.sleep(0.05)
        escalate_secs = time.time() - started

        counselors = [Counselor(f"bench{n}", base_url, ws_url) for n in range(counselors_n)]
        await asyncio.gather(*(c.log_in() for c in counselors))
        taken = 0
        take_started = time.time()
        while taken < children_n and time.time() - take_started < 600:
            results = await asyncio.gather(
                *(c.take_one(k, len(counselors)) for k, c in enumerate(counselors))
            )
            got = [(c, r) for c, r in zip(counselors, results, strict=True) if r is not None]
            if not got:
                await asyncio.sleep(0.2)
                continue
            await asyncio.gather(*(c.open_chat(r) for c, r in got))
            taken += len(got)
        take_secs = time.time() - take_started
        await asyncio.wait_for(asyncio.gather(*(c.live.wait() for c in children)), timeout=120)

        messages = 0
        relay_started = time.time()

        async def child_asks(child: Child) -> None:
            await asyncio.sleep(random.uniform(0, round_secs))
            await child.send(
                {"type": "text", "client_id": str(uuid.uuid4()), "text": f"ask {time.time():.6f}"}
            )

        for _ in range(rounds):
            # Each round, every child and every counselor writes once at a random moment of the round.
            sent = await asyncio.gather(
                *(c.reply_all(round_secs) for c in counselors), *(child_asks(c) for c in children)
            )
            messages += sum(n for n in sent if isinstance(n, int)) + len(children)
        deadline = time.time() + 120
        while time.time() < deadline:
            got_c2k = sum(len(c.received) for c in children)
            got_k2c = sum(len(c.received) for c in counselors)
            if got_c2k >= children_n * rounds and got_k2c >= children_n * rounds:
                break
            await asyncio.sleep(0.1)
        relay_secs = time.time() - relay_started
        paced_to_child = [lat for c in children for lat in c.received]
        paced_to_counselor = [lat for c in counselors for lat in c.received]

        # Capacity: every counselor and child writes at the same instant; time until all arrive.
        burst_started = time.time()
        await asyncio.gather(
            *(c.reply_all(0.0) for c in counselors),
            *(
                c.send({"type": "text", "client_id": str(uuid.uuid4()), "text": f"ask {time.time():.6f}"})
                for c in children
            ),
        )
        want = len(paced_to_child) + children_n, len(paced_to_counselor) + children_n
        while time.time() - burst_started < 300:
            if (sum(len(c.received) for c in children), sum(len(c.received) for c in counselors)) >= want:
                break
            await asyncio.sleep(0.02)
        burst_secs = time.time() - burst_started
        to_child, to_counselor = paced_to_child, paced_to_counselor
        for c in counselors:
            await c.close()
        for ch in children:
            if ch.ws is not None:
                await ch.ws.close()
        return {
            "children": children_n,
            "counselors": counselors_n,
            "rounds": rounds,
            "round_secs": round_secs,
            "offered_messages_per_sec": round(2 * children_n / round_secs, 1),
            "take_all_secs": round(take_secs, 2),
            "child_to_counselor_ms": {
                "p50": round(percentile(to_counselor, 0.5) * 1000, 1),
                "p99": round(percentile(to_counselor, 0.99) * 1000, 1),
                "delivered": len(to_counselor),
                "expected": children_n * rounds,
            },
            "counselor_to_child_ms": {
                "p50": round(percentile(to_child, 0.5) * 1000, 1),
                "p99": round(percentile(to_child, 0.99) * 1000, 1),
                "delivered": len(to_child),
                "expected": children_n * rounds,
            },
            "messages_per_sec": round(messages / relay_secs, 1) if relay_secs else None,
            "escalate_all_secs": round(escalate_secs, 2),
            "burst_messages": 2 * children_n,
            "burst_drain_secs": round(burst_secs, 2),
            "burst_messages_per_sec": round(2 * children_n / burst_secs, 1),
            "mean_latency_ms": round(statistics.fmean(to_child + to_counselor) * 1000, 1)
            if to_child
            else None,
            "server_idle_rss_mb": round(idle_rss / 2**20, 1),
            "server_peak_rss_mb": round(memory.peak / 2**20, 1),
        }
    except BaseException:
        print(f"server log: {data_dir / 'server.log'}", file=sys.stderr)
        raise
    finally:
        if memory.task:
            memory.task.cancel()
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=500)
    parser.add_argument("--counselors", type=int, default=25)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--round-secs",
        type=float,
        default=10.0,
        help="each child and counselor writes once per round, at a random moment",
    )
    args = parser.parse_args()
    print(
        json.dumps(asyncio.run(run(args.children, args.counselors, args.rounds, args.round_secs)), indent=2)
    )


if __name__ == "__main__":
    main()
