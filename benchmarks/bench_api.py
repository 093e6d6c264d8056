"""The pre-send API under load: gunicorn on loopback, driven by 50 concurrent clients from another process.

    python benchmarks/bench_api.py                      # 3,000 validate calls at 50 clients, 20 presend runs
    python benchmarks/bench_api.py -c 1,10,25,50        # the same server at each concurrency in turn
    python benchmarks/bench_api.py -n 6000 -w 3 --inline --database postgresql://postgres@127.0.0.1/bench

What it does, in one command, cleaning up after itself:

1. makes a temporary SQLite database (or uses ``--database``), migrates it and seeds it: generated
   recipients (benchmarks/bench_check.py's generator), one per call so that no call repeats a
   recipient (repeats would let the checks' memo do part of the work), a real ~30 KB MJML
   campaign (the largest template of the shared corpus, with sections of the next largest
   appended and the benchmark's personalization put in), and an API token;
2. starts ``gunicorn wsgi:app`` on a free 127.0.0.1 port with what ``preview serve`` runs
   (gthread workers, one per core, four threads each; ``-w``, ``-k`` and ``--threads`` change
   it), local worker processes for runs, and warms every worker under the same load;
3. from a second process, N clients (aiohttp on asyncio, keep-alive) call
   ``POST /api/v1/validate`` for one recipient each until ``-n`` calls are done or ``--seconds``
   pass; ``--inline`` sends the 30 KB campaign file text in every body instead of its id;
4. fires a burst of presend calls (``--presends``, 50 recipients each, each with its own
   Idempotency-Key) and waits until every run is done (bounded in time);
5. prints, for each concurrency, requests per second, p50/p95/p99 latency, the count of each
   status code and the CPU time per request of the server's processes and of the client (the
   machine is shared: CPU per request is the figure that other work on it disturbs least), then
   whether every presend run reached ``done``. Exit status 1 when any 5xx was seen or a run was
   lost.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

import bench_check  # noqa: E402 - the recipient generator and campaign builder of the check benchmark

CORPUS = bench_check.CORPUS
SECTION = re.compile(r"<mj-section\b.*?</mj-section>", re.DOTALL)
TARGET_BYTES = 30_000
# What `preview serve` runs by default (preview/web/commands.py); chosen from this benchmark's figures.
WORKER_CLASS = "gthread"
THREADS = 4


def campaign_text() -> tuple[str, str]:
    """A real campaign of about 30 KB: the largest corpus template, grown with sections of the next."""
    if not CORPUS.is_dir():
        text, _ = bench_check.campaign_source(bench_check.BUNDLED.name)
        return "newsletter.mjml", text
    files = sorted(CORPUS.glob("*.mjml"), key=lambda p: p.stat().st_size, reverse=True)
    text, _ = bench_check.campaign_source(files[0].name)
    extra = SECTION.findall(files[1].read_text(encoding="utf-8"))
    while len(text.encode()) < TARGET_BYTES and extra:
        section = extra.pop(0)
        end = text.rindex("</mj-body>")
        text = text[:end] + section + "\n" + text[end:]
    return f"{files[0].stem}-plus.mjml", text


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(url: str, recipients: int) -> tuple[str, str, int]:
    """Migrate and fill the database; returns (token, campaign slug, campaign bytes)."""
    from preview.store import access, migrate, queries
    from preview.store.campaigns import save_version
    from preview.store.db import make_engine, session_factory
    from preview.store.importer import import_records

    engine = make_engine(url)
    migrate.upgrade(engine)
    name, text = campaign_text()
    with session_factory(engine).begin() as session:
        workspace = queries.ensure_workspace(session, "bench")
        import_records(session, bench_check.recipients(recipients), workspace, replace=True)
        version, _ = save_version(session, text, name, workspace, slug="bench")
        token, _ = access.issue_token(session, "bench", workspace, scopes=("validate", "verdict", "presend", "runs:read"))
    engine.dispose()
    return token, "bench", len(text.encode())


def session_cpu(sid: int) -> float:
    """CPU seconds (user + system) used so far by the live processes of session ``sid`` (gunicorn's
    master and workers: it is started in a session of its own). Read from /proc, Linux only."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended while we looked
        if int(fields[3]) == sid:  # fields after the name: state ppid pgrp session ...
            total += int(fields[11]) + int(fields[12])  # utime stime
    return total / tick


def start_server(url: str, port: int, workers: int, log: Path, worker_class: str = WORKER_CLASS, threads: int = THREADS) -> subprocess.Popen:
    env = {
        **os.environ,
        "PREVIEW_DATABASE_URL": url,
        "PREVIEW_API_RATE_LIMIT": "",
        "PREVIEW_BROKER_URL": "",
        "PREVIEW_WORKERS": "1",
        "PREVIEW_WEBHOOK_SECRET": "bench-secret",
        "PREVIEW_API_MAX_BODY": str(4 * 1024 * 1024),
    }
    env.pop("DATABASE_URL", None)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "--chdir", str(ROOT), "-w", str(workers), "-k", worker_class, "--threads", str(threads), "-b", f"127.0.0.1:{port}", "--backlog", "256", "--timeout", "120", "--graceful-timeout", "30", "wsgi:app"]
    return subprocess.Popen(command, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)


def wait_ready(base: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited; see its log")
        try:
            if httpx.get(f"{base}/api/v1/openapi.json", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the server did not answer in {timeout} s")


async def _drive(base: str, token: str, bodies: list[bytes], total: int, seconds: float, concurrency: int) -> list[tuple[int, float]]:
    # aiohttp, not httpx: with 50 keep-alive connections httpx's pool costs ~2.4 ms of CPU a request
    # (measured against a trivial server), aiohttp ~0.09 ms, and the client shares the server's cores.
    import aiohttp

    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    results: list[tuple[int, float]] = []
    counter = iter(range(total))
    deadline = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(base, headers=headers, connector=connector, timeout=timeout) as client:

        async def worker():
            for i in counter:
                if time.perf_counter() > deadline:
                    return
                started = time.perf_counter()
                try:
                    async with client.post("/api/v1/validate", data=bodies[i % len(bodies)]) as response:
                        await response.read()
                        status = response.status
                except (TimeoutError, aiohttp.ClientError):
                    status = 0  # no answer at all: counted, never hidden
                results.append((status, time.perf_counter() - started))

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return results


def load_process(base, token, bodies, total, seconds, concurrency, queue) -> None:
    """The client side, in its own process: ``queue`` gets (results, wall seconds)."""
    started = time.perf_counter()
    cpu = time.process_time()
    results = asyncio.run(_drive(base, token, bodies, total, seconds, concurrency))
    queue.put((results, time.perf_counter() - started, time.process_time() - cpu))


def request_bodies(slug: str, source: str | None, filename: str, recipients: int) -> list[bytes]:
    """One validate body per seeded recipient (r0, r1, ...), in order."""
    import json

    campaign = {"source": source, "filename": filename} if source else {"id": slug}
    return [json.dumps({"campaign": campaign, "recipient_id": f"r{i}"}).encode() for i in range(recipients)]


def presend_burst(base: str, token: str, slug: str, count: int, timeout: float) -> tuple[Counter, int, int, float]:
    """``count`` presend calls at once, then wait for every run; (statuses, runs done, runs, seconds)."""
    headers = {"Authorization": f"Bearer {token}"}

    async def fire():
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as client:
            calls = [
                client.post(f"/api/v1/campaigns/{slug}/presend", json={"sample": {"size": 50, "seed": i}}, headers={"Idempotency-Key": f"bench-{i}"})
                for i in range(count)
            ]
            return await asyncio.gather(*calls, return_exceptions=True)

    started = time.perf_counter()
    answers = asyncio.run(fire())
    statuses = Counter(a.status_code if isinstance(a, httpx.Response) else 0 for a in answers)
    run_ids = [a.json()["run"]["id"] for a in answers if isinstance(a, httpx.Response) and a.status_code in (200, 202)]
    pending = set(run_ids)
    done = 0
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        while pending and time.monotonic() < deadline:
            for run_id in list(pending):
                status = client.get(f"/api/v1/runs/{run_id}").json()["run"]["status"]
                if status == "done":
                    done += 1
                    pending.discard(run_id)
                elif status == "failed":
                    pending.discard(run_id)
            time.sleep(0.2)
    return statuses, done, len(run_ids), time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else (values[0] if values else 0.0)


def measure(base: str, token: str, bodies: list[bytes], total: int, seconds: float, concurrency: int, server_pid: int) -> dict:
    """One load level from a second process: its figures (rate, latencies, statuses, CPU per request)."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    server_cpu = session_cpu(server_pid)
    client = context.Process(target=load_process, args=(base, token, bodies, total, seconds, concurrency, queue))
    client.start()
    results, wall, client_cpu = queue.get(timeout=seconds + 120)
    server_cpu = session_cpu(server_pid) - server_cpu
    client.join()
    latencies = sorted(t for _, t in results)
    per = 1000 / max(1, len(results))
    return {
        "concurrency": concurrency,
        "requests": len(results),
        "wall": wall,
        "rate": len(results) / wall,
        "p50": percentile(latencies, 50) * 1000,
        "p95": percentile(latencies, 95) * 1000,
        "p99": percentile(latencies, 99) * 1000,
        "max": latencies[-1] * 1000 if latencies else 0.0,
        "statuses": Counter(s for s, _ in results),
        "server_cpu_ms": server_cpu * per,
        "client_cpu_ms": client_cpu * per,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--requests", type=int, default=3000, help="validate calls at each concurrency (default 3000)")
    parser.add_argument("--seconds", type=float, default=90, help="stop a load level after this long (default 90)")
    parser.add_argument("-c", "--concurrency", default="50", help="concurrent clients; a comma list runs each in turn, e.g. 1,10,25,50 (default 50)")
    parser.add_argument("-w", "--workers", type=int, default=len(os.sched_getaffinity(0)), help="gunicorn worker processes (default: one per CPU core, as preview serve)")
    parser.add_argument("-k", "--worker-class", default=WORKER_CLASS, help=f"gunicorn worker class (default {WORKER_CLASS})")
    parser.add_argument("--threads", type=int, default=THREADS, help=f"threads per gunicorn worker (default {THREADS})")
    parser.add_argument("--warmup", type=int, default=300, help="validate calls before measuring, to warm every worker (default 300)")
    parser.add_argument("--recipients", type=int, help="recipients seeded (default: one per call, warm-up included, so no call repeats a recipient)")
    parser.add_argument("--presends", type=int, default=20, help="presend calls in the burst (default 20)")
    parser.add_argument("--inline", action="store_true", help="send the campaign file text in every validate body instead of its id")
    parser.add_argument("--database", help="database URL to use instead of a temporary SQLite file (it is migrated and seeded)")
    args = parser.parse_args(argv)
    levels = [int(c) for c in str(args.concurrency).split(",")]
    recipients = args.recipients or args.warmup + args.requests * len(levels)

    folder = Path(tempfile.mkdtemp(prefix="bench-api-"))
    url = args.database or f"sqlite:///{folder / 'bench.sqlite'}"
    token, slug, size = seed(url, recipients)
    filename, source = campaign_text()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = folder / "gunicorn.log"
    server = start_server(url, port, args.workers, log, args.worker_class, args.threads)
    failed = False
    try:
        wait_ready(base, server)
        bodies = request_bodies(slug, source if args.inline else None, filename, recipients)
        # Warm every worker (each compiles the campaign and the check rules on its first calls) with
        # the same concurrent load, so the figures are of a running server, not of its start.
        warm = asyncio.run(_drive(base, token, bodies[: args.warmup], args.warmup, 60, max(levels)))
        if any(status != 200 for status, _ in warm):
            raise SystemExit(f"warm-up calls failed: {Counter(status for status, _ in warm)}")
        print(f"campaign: {filename}, {size:,} bytes; {recipients:,} recipients; gunicorn -w {args.workers} -k {args.worker_class} --threads {args.threads} on 127.0.0.1")
        print(f"validate ({'file text in the body' if args.inline else 'saved campaign by id'}), one recipient per call, each call a recipient not seen before:")
        statuses: Counter = Counter()
        offset = args.warmup
        for concurrency in levels:
            # Each level gets recipients of its own: a check's memo must not be measured on repeats.
            chunk = bodies[offset : offset + args.requests] or bodies
            offset += args.requests
            m = measure(base, token, chunk, args.requests, args.seconds, concurrency, server.pid)
            statuses += m["statuses"]
            print(f"  {concurrency:>3} clients: {m['requests']:,} requests in {m['wall']:.1f} s = {m['rate']:,.0f} requests/s; "
                  f"latency p50 {m['p50']:.1f} ms, p95 {m['p95']:.1f} ms, p99 {m['p99']:.1f} ms, max {m['max']:.1f} ms")
            print(f"       status codes {dict(sorted(m['statuses'].items()))}; CPU per request: server {m['server_cpu_ms']:.2f} ms, client {m['client_cpu_ms']:.2f} ms; "
                  f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        p_statuses, done, runs, took = presend_burst(base, token, slug, args.presends, timeout=300)
        print(f"presend burst: {args.presends} calls -> status codes {dict(sorted(p_statuses.items()))}; {done}/{runs} runs done in {took:.1f} s")
        five_xx = sum(n for s, n in (statuses + p_statuses).items() if s >= 500 or s == 0)
        lost = runs - done
        print(f"5xx or no answer: {five_xx}; runs not done: {lost}")
        failed = bool(five_xx or lost or runs < args.presends)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        if failed:
            print(f"gunicorn log kept: {log}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
