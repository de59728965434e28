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
import random
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


ROUTE_COOKIE = "leersessie_route"  # deploy/nginx/leersessie.conf


def insecure() -> Any:
    """TLS without verification: the local nginx has a self-signed certificate."""
    import ssl

    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


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

    def __init__(self, base: str, code: str, group: int, route: str = "") -> None:
        self.url = base.replace("https://", "wss://").replace("http://", "ws://") + "/_stcore/stream"
        self.route = route  # behind nginx: the sticky cookie that keeps this phone on one process
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

        options: dict[str, Any] = {}
        if self.url.startswith("wss://"):
            options["ssl"] = insecure()
        if self.route:
            options["additional_headers"] = {"Cookie": f"{ROUTE_COOKIE}={self.route}"}
        async with websockets.connect(self.url, subprotocols=["streamlit"], max_size=None, **options) as ws:
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
            phone = Phone(self.base, self.code, 1 + len(self.phones) % groups, route=f"phone{len(self.phones)}")
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
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PYTHONPATH": str(checkout),
        # Behind nginx a browser may land on either process: both must read the same cookies.
        "STREAMLIT_SERVER_COOKIE_SECRET": "bench-only-shared-cookie-secret",
    }
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
    wait_healthy(base, process, log)
    return process, base


def wait_healthy(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1, context=insecure()) as response:
                if response.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(log.read_text())


class Servers:
    """One `streamlit run`, or several behind the shipped nginx site (deploy/nginx/leersessie.conf, the
    same file tests/browser/test_two_processes.py tests) on one PostgreSQL database."""

    def __init__(self, checkout: Path, url: str, folder: Path, count: int) -> None:
        self.processes: list[subprocess.Popen] = []
        self.nginx: subprocess.Popen | None = None
        bases = []
        for n in range(count):
            process, base = start_server(checkout, url, folder / f"streamlit-{n}.log")
            self.processes.append(process)
            bases.append(base)
        if count == 1:
            self.base = bases[0]
            return
        import shutil

        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
        from tests.browser.test_two_processes import nginx_config

        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        https_port, http_port = free_port(), free_port()
        ports = [int(b.rsplit(":", 1)[1]) for b in bases]
        config = nginx_config(folder, https_port=https_port, http_port=http_port, upstreams=ports)
        if count > 2:  # the shipped site names two processes; more are added the same way
            site = (folder / "site.conf").read_text()
            extra = "".join(f"    server 127.0.0.1:{p} max_fails=3 fail_timeout=5s;\n" for p in ports[2:])
            marker = "    # No upstream keepalive"
            (folder / "site.conf").write_text(site.replace(marker, extra + marker, 1))
        self.nginx = subprocess.Popen(
            [nginx, "-e", "stderr", "-p", str(folder), "-c", str(config)],
            stdout=(folder / "nginx.out").open("ab"),
            stderr=subprocess.STDOUT,
        )
        self.base = f"https://127.0.0.1:{https_port}"
        wait_healthy(self.base, self.nginx, folder / "nginx.out")

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.processes]

    def cpu_seconds(self) -> float:
        return sum(cpu_seconds(pid) for pid in self.pids)

    def rss_mb(self) -> float:
        return sum(rss_mb(pid) for pid in self.pids)

    def stop(self) -> None:
        for process in [*self.processes, *([self.nginx] if self.nginx else [])]:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure_level(
    room: Room,
    servers: Servers,
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
    before_each = [cpu_seconds(pid) for pid in servers.pids]
    before = time.monotonic()
    runs_before = sum(p.runs for p in room.phones)
    time.sleep(window)
    each = [cpu_seconds(pid) - b for pid, b in zip(servers.pids, before_each, strict=True)]
    used = sum(each)
    elapsed = time.monotonic() - before
    cpu = used / elapsed
    runs = sum(p.runs for p in room.phones) - runs_before
    rss = servers.rss_mb()
    latencies, missing = [], 0
    # Submits 1.5 to 2.5 s apart, at random within that: at a fixed spacing every sample met the
    # projector's one-second poll at the same one or two points of its cycle, and eight such samples
    # measured the phase more than the app.
    spacing = random.Random(target)
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
        time.sleep(max(0.0, 1.5 + spacing.random() - (time.monotonic() - saved)))
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
        "cpu_pct": round(100 * cpu, 1),  # of one core, all app processes together
        "cpu_pct_per_process": [round(100 * e / elapsed, 1) for e in each],
        # CPU per phone run, the projector's runs included in the CPU: a figure a busy machine does not skew
        "cpu_ms_per_run": round(1000 * used / runs, 1) if runs else None,
        "rss_mb": round(rss, 1),
        "rss_mb_per_process": [round(rss_mb(pid), 1) for pid in servers.pids],
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
    parser.add_argument("--samples", type=int, default=16)
    parser.add_argument("--soak-minutes", type=float, default=0)
    parser.add_argument(
        "--processes", type=int, default=1, help="app processes behind the shipped nginx site (needs PostgreSQL)"
    )
    args = parser.parse_args()
    checkout = args.checkout.resolve()
    sys.path.insert(0, str(checkout))
    folder = tempfile.TemporaryDirectory(prefix="leersessie-live-")
    url = args.database_url or f"sqlite:///{folder.name}/live.db"
    session_id, code, groups = prepare(url)
    checkout_lib()[0].dispose_all()
    if args.processes > 1 and url.startswith("sqlite"):
        parser.error("--processes > 1 needs --database-url of a PostgreSQL database")
    servers = Servers(checkout, url, Path(folder.name), args.processes)
    base = servers.base
    from playwright.sync_api import sync_playwright

    result: dict[str, Any] = {
        "checkout": str(checkout),
        "database": url.split(":", 1)[0],
        "processes": args.processes,
        "levels": [],
    }
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            context = browser.new_context(
                viewport={"width": 1920, "height": 1080}, locale="nl-NL", ignore_https_errors=True
            )
            if servers.nginx:
                context.add_cookies([{"name": ROUTE_COOKIE, "value": "projector", "url": base, "secure": True}])
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
            idle_before = servers.cpu_seconds()
            time.sleep(10)
            result["projector_only_cpu_pct"] = round(10 * (servers.cpu_seconds() - idle_before), 1)
            result["rss_start_mb"] = round(servers.rss_mb(), 1)
            room = Room(base, code)
            for target in [int(n) for n in args.phones.split(",")]:
                level = measure_level(
                    room,
                    servers,
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
                result["soak"] = soak(room, servers, args.soak_minutes, url, session_id, groups)
            room.close()
            browser.close()
    finally:
        servers.stop()
        folder.cleanup()
    print(json.dumps(result))
    return 0


def soak(room: Room, servers: Servers, minutes: float, url: str, session_id: int, groups: list[int]) -> dict:
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
            samples.append((round((time.monotonic() - began) / 60, 2), round(servers.rss_mb(), 1)))
            next_sample += 30
        time.sleep(5)
    samples.append((round((time.monotonic() - began) / 60, 2), round(servers.rss_mb(), 1)))
    return {"minutes": minutes, "contributions": n, "phones": len(room.phones), "rss_mb": samples}


if __name__ == "__main__":
    sys.exit(main())
