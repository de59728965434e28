"""Live load: one `streamlit run` of a checkout, a projector in Chromium and N phones joined to round 1.

Run by scripts/bench.py (`make bench PART=live`), once per checkout, as its own process so that the
checkout's own `lib/` and `.streamlit/config.toml` are used:

    python scripts/bench_live.py --checkout /work/baseline --phones 5,15,30,60 [--soak-minutes 10]

Prints one JSON document. The phones are protocol clients: each holds its own websocket session with
the server and speaks Streamlit's protocol as the browser does (the first page run with the join
link, then every fragment's `run_every` rerun on its interval, as the browser's timer sends them),
so the server does exactly the work a phone's browser makes it do. What they skip is the browser's
own rendering, which costs the phone, not the server — and 60 Chromium pages next to the server on
2 cores would measure Chromium, not the app (one Chromium phone page takes ~5–10 % of a core here).
The projector is real Chromium: latency is measured from the moment a contribution is saved until
its text is on the projector's board, and every phone of that group must receive it too.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

TICK = os.sysconf("SC_CLK_TCK")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# --- a phone: the protocol client ----------------------------------------------------------------


class Phone:
    """One phone's browser session as the server sees it."""

    def __init__(self, base: str, code: str, group: int) -> None:
        self.url = base.replace("http://", "ws://") + "/_stcore/stream"
        self.query = f"code={code}&groep={group}"
        self.group = group
        self.started = time.monotonic()
        self.loaded_after: float | None = None
        self.received: list[tuple[float, bytes]] = []
        self.fragments: dict[str, float] = {}
        self.page_hash = ""
        self.closed = False
        self.runs = 0  # script runs finished for this phone (full page or fragment)

    def rerun(self, fragment_id: str = "") -> bytes:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.WidgetStates_pb2 import WidgetStates

        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query
        state.page_name = "deelnemen"
        state.page_script_hash = self.page_hash
        state.widget_states.CopyFrom(WidgetStates())
        if fragment_id:
            state.fragment_id = fragment_id
            state.is_auto_rerun = True
        return message.SerializeToString()

    async def run(self, stop: asyncio.Event) -> None:
        import websockets
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        async with websockets.connect(self.url, subprotocols=["streamlit"], max_size=None) as ws:
            await ws.send(self.rerun())
            timers: dict[str, asyncio.Task] = {}

            async def every(fragment_id: str, interval: float) -> None:
                while not stop.is_set():
                    await asyncio.sleep(interval)
                    await ws.send(self.rerun(fragment_id))

            async def reader() -> None:
                async for raw in ws:
                    message = ForwardMsg()
                    message.ParseFromString(raw)
                    kind = message.WhichOneof("type")
                    self.received.append((time.monotonic(), raw))
                    if len(self.received) > 400:
                        del self.received[:200]
                    if kind == "new_session" and message.new_session.page_script_hash:
                        self.page_hash = message.new_session.page_script_hash
                    elif kind == "auto_rerun":
                        fid = message.auto_rerun.fragment_id
                        if fid not in timers:
                            timers[fid] = asyncio.create_task(every(fid, message.auto_rerun.interval))
                    elif kind == "script_finished":
                        self.runs += 1
                        if self.loaded_after is None:
                            self.loaded_after = time.monotonic() - self.started

            task = asyncio.create_task(reader())
            await stop.wait()
            for timer in timers.values():
                timer.cancel()
            task.cancel()
        self.closed = True

    def saw(self, text: str, since: float) -> float | None:
        needle = text.encode()
        for at, raw in self.received:
            if at >= since and needle in raw:
                return at
        return None


class Room:
    """An asyncio loop in a thread holding the phones."""

    def __init__(self, base: str, code: str) -> None:
        self.base, self.code = base, code
        self.phones: list[Phone] = []
        self.loop = asyncio.new_event_loop()
        self.stop = asyncio.Event()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()

    def add(self, count: int, groups: int) -> list[Phone]:
        new = []
        for _ in range(count):
            phone = Phone(self.base, self.code, 1 + len(self.phones) % groups)
            self.phones.append(phone)
            new.append(phone)
            asyncio.run_coroutine_threadsafe(phone.run(self.stop), self.loop)
            time.sleep(0.05)  # phones scan the QR code one after another, not in the same millisecond
        return new

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.stop.set)
        time.sleep(1)


# --- the checkout's own lib/ (this layout, or the flat one before the reorganisation) -------------


def checkout_lib() -> tuple[Any, Any, Any, Any]:
    """(db, phases, capture, CurrentUser) of the checkout on sys.path."""
    try:
        from lib.accounts import CurrentUser
        from lib.core import db
        from lib.live import capture, phases
    except ImportError:
        from lib.auth import CurrentUser

        from lib import db
        from lib import live as phases

        capture = phases
    return db, phases, capture, CurrentUser


# --- the run ----------------------------------------------------------------------------------------


def prepare(url: str) -> tuple[int, str, list[int]]:
    """Demo data, its next session opened and moved to round 1; returns (session id, code, group ids)."""
    from lib import demo
    from lib.models import LearningSession, Role, User

    db, phases, _capture, CurrentUser = checkout_lib()

    engine = db.engine_for(url)
    db.upgrade(engine)
    with db.transaction(engine) as session:
        ids = demo.load(session=session, today=dt.date.today())
    with db.transaction(engine) as session:
        aanjager = session.query(User).filter(User.username == "aanjager").one()
        actor = CurrentUser(aanjager.id, aanjager.username, aanjager.display_name, Role.AANJAGER, None)
        phases.open_session(session=session, learning_session_id=ids["next_session_id"], actor=actor)
    for _ in range(2):
        with db.transaction(engine) as session:
            meeting = session.get(LearningSession, ids["next_session_id"])
            phases.control(
                session=session,
                learning_session_id=meeting.id,
                command="next",
                expected_version=meeting.version,
                actor=actor,
            )
    with db.read(engine) as session:
        view = phases.live_view(session=session, learning_session_id=ids["next_session_id"])
    return view.id, view.join_code or "", [g.id for g in view.groups]


def contribute(url: str, session_id: int, group_id: int, text: str) -> None:
    db, _phases, capture, _user = checkout_lib()
    with db.transaction(db.engine_for(url)) as session:
        capture.add_contribution(
            session=session,
            learning_session_id=session_id,
            group_id=group_id,
            kind="obstacle",
            text=text,
            author_key="bench-phone-0000000000",
        )


def start_server(checkout: Path, url: str, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(checkout)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(checkout / "app.py"),
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.fileWatcherType",
            "none",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=checkout,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as response:
                if response.read() == b"ok":
                    return process, base
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(log.read_text())


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure_level(
    room: Room,
    process: subprocess.Popen,
    screen: Any,
    url: str,
    session_id: int,
    groups: list[int],
    target: int,
    *,
    settle: float,
    window: float,
    samples: int,
) -> dict:
    new = room.add(target - len(room.phones), len(groups))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and any(p.loaded_after is None for p in new):
        time.sleep(0.5)
    loads = [p.loaded_after for p in new if p.loaded_after is not None]
    time.sleep(settle)
    before_cpu, before = cpu_seconds(process.pid), time.monotonic()
    runs_before = sum(p.runs for p in room.phones)
    time.sleep(window)
    used = cpu_seconds(process.pid) - before_cpu
    cpu = used / (time.monotonic() - before)
    runs = sum(p.runs for p in room.phones) - runs_before
    rss = rss_mb(process.pid)
    latencies, missing = [], 0
    for n in range(samples):
        text = f"Meting {target}-{n} {time.time():.0f}"
        group_index = n % len(groups)
        saved = time.monotonic()
        contribute(url, session_id, groups[group_index], text)
        try:
            screen.locator(".ls-board").get_by_text(text).wait_for(timeout=15_000)
            latencies.append(time.monotonic() - saved)
        except Exception:
            missing += 1
        time.sleep(max(0.0, 1.5 - (time.monotonic() - saved)))
    time.sleep(3)
    phones_missed = 0
    last = time.monotonic() - 30 - samples * 3
    for phone in room.phones:
        for n in range(samples):
            if (n % len(groups)) + 1 == phone.group and phone.saw(f"Meting {target}-{n}", last) is None:
                phones_missed += 1
    return {
        "phones": target,
        "loaded": f"{len(loads)}/{len(new)}",
        "load_worst_s": round(max(loads), 2) if loads else None,
        "cpu_pct": round(100 * cpu, 1),
        # CPU per phone run, the projector's runs included in the CPU: a figure a busy machine does not skew
        "cpu_ms_per_run": round(1000 * used / runs, 1) if runs else None,
        "rss_mb": round(rss, 1),
        "latency_median_s": round(statistics.median(latencies), 2) if latencies else None,
        "latency_p90_s": round(percentile(latencies, 0.9), 2) if latencies else None,
        "latency_worst_s": round(max(latencies), 2) if latencies else None,
        "projector_missed": missing,
        "phone_deliveries_missed": phones_missed,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--checkout", type=Path, required=True)
    parser.add_argument("--phones", default="5,15,30,60")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--settle", type=float, default=8)
    parser.add_argument("--window", type=float, default=20)
    parser.add_argument("--samples", type=int, default=8)
    parser.add_argument("--soak-minutes", type=float, default=0)
    args = parser.parse_args()
    checkout = args.checkout.resolve()
    sys.path.insert(0, str(checkout))
    folder = tempfile.TemporaryDirectory(prefix="leersessie-live-")
    url = args.database_url or f"sqlite:///{folder.name}/live.db"
    session_id, code, groups = prepare(url)
    checkout_lib()[0].dispose_all()
    process, base = start_server(checkout, url, Path(folder.name) / "streamlit.log")
    from playwright.sync_api import sync_playwright

    result: dict[str, Any] = {"checkout": str(checkout), "database": url.split(":", 1)[0], "levels": []}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="nl-NL")
            context.set_default_timeout(60_000)
            screen = context.new_page()
            screen.goto(base)
            screen.get_by_label("Gebruikersnaam").fill("aanjager")
            screen.get_by_label("Wachtwoord").fill("leersessie-demo")
            screen.get_by_role("button", name="Inloggen").click()
            screen.get_by_text("Welkom,").wait_for()
            screen.goto(f"{base}/projector?sessie={session_id}")
            screen.get_by_role("status").filter(has_text="Ronde 1").wait_for()
            time.sleep(3)
            idle_before = cpu_seconds(process.pid)
            time.sleep(10)
            result["projector_only_cpu_pct"] = round(10 * (cpu_seconds(process.pid) - idle_before), 1)
            result["rss_start_mb"] = round(rss_mb(process.pid), 1)
            room = Room(base, code)
            for target in [int(n) for n in args.phones.split(",")]:
                level = measure_level(
                    room,
                    process,
                    screen,
                    url,
                    session_id,
                    groups,
                    target,
                    settle=args.settle,
                    window=args.window,
                    samples=args.samples,
                )
                print(json.dumps(level), file=sys.stderr, flush=True)
                result["levels"].append(level)
                loaded, asked = (int(x) for x in level["loaded"].split("/"))
                if loaded < 0.8 * asked:
                    result["saturated_at"] = target
                    break
            if args.soak_minutes:
                result["soak"] = soak(room, process, args.soak_minutes, url, session_id, groups)
            room.close()
            browser.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        folder.cleanup()
    print(json.dumps(result))
    return 0


def soak(room: Room, process: subprocess.Popen, minutes: float, url: str, session_id: int, groups: list[int]) -> dict:
    """Keep the room running and sample RSS every 30 s: phones polling, a contribution every 5 s, and the
    one from 60 contributions ago hidden again, so the board stays the size of a real round (what
    grows is then the process, not the data)."""
    db, _phases, capture, CurrentUser = checkout_lib()
    from lib.models import Contribution, Role

    actor = CurrentUser(0, "bench", "Bench", Role.AANJAGER, None)
    began = time.monotonic()
    samples: list[tuple[float, float]] = []
    n = 0
    next_sample = began
    while time.monotonic() - began < minutes * 60:
        contribute(url, session_id, groups[n % len(groups)], f"Duurloop {n}")
        n += 1
        if n > 60:
            with db.transaction(db.engine_for(url)) as session:
                oldest = session.query(Contribution.id).filter(Contribution.text == f"Duurloop {n - 61}").scalar()
                if oldest:
                    capture.set_hidden(session=session, contribution_id=oldest, hidden=True, actor=actor)
        if time.monotonic() >= next_sample:
            samples.append((round((time.monotonic() - began) / 60, 2), round(rss_mb(process.pid), 1)))
            next_sample += 30
        time.sleep(5)
    samples.append((round((time.monotonic() - began) / 60, 2), round(rss_mb(process.pid), 1)))
    return {"minutes": minutes, "contributions": n, "phones": len(room.phones), "rss_mb": samples}


if __name__ == "__main__":
    sys.exit(main())
