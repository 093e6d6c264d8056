"""How fast are the preview pages of a large run? The real app on a temporary SQLite database.

    python benchmarks/bench_web.py                 # a 200-recipient run of two demo campaigns
    python benchmarks/bench_web.py --size 1000 --audience 3000

Loads the demo audience and the example campaigns, executes one run per campaign, signs in, and
times (median of ``--repeat``) a page of the grid (each page re-renders the cards it shows), the
text view, a filtered page, a later page, and the sandboxed email itself (render, marks, masking).
Numbers are wall-clock on whatever else the machine is doing; compare runs on the same machine.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from werkzeug.security import generate_password_hash  # noqa: E402

from preview.app import create_app  # noqa: E402
from preview.execution import execute_run  # noqa: E402
from preview.store import access, migrate, runs  # noqa: E402
from preview.store.campaigns import get_version  # noqa: E402
from preview.store.commands import load_demo, load_demo_audience  # noqa: E402

CAMPAIGNS = ("wedding-congratulations", "december-newsletter")


def _timed(client, path: str, repeat: int) -> tuple[float, object]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - started)
    assert response.status_code == 200, (path, response.status_code)
    return statistics.median(times), response


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--audience", type=int, default=1000, help="demo recipients to load")
    parser.add_argument("--size", type=int, default=200, help="recipients per run")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"PREVIEW_DATABASE_URL": f"sqlite:///{folder}/bench.sqlite", "SECRET_KEY": "bench", "PREVIEW_SESSION_COOKIE_SECURE": False})
        state = app.extensions["preview"]
        migrate.upgrade(state.engine)
        with state.sessions.begin() as session:
            load_demo(session, load_demo_audience(args.audience))
            access.create_user(session, "bench", generate_password_hash("bench-password", "pbkdf2:sha256:1000"), "reviewer")
        run_ids = {}
        for slug in CAMPAIGNS:
            with state.sessions() as session:
                run, _ = runs.create_run(session, get_version(session, None, slug), {"size": args.size, "seed": "1", "send_date": "2026-12-01"})
                session.commit()
                run_ids[slug] = run.id
            started = time.perf_counter()
            execute_run(state.sessions, run_ids[slug], check_settings=state.check_settings, render_settings=state.render_settings)
            print(f"{slug}: run of {args.size} executed in {time.perf_counter() - started:.2f}s")
        client = app.test_client()
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
        client.post("/login", data={"username": "bench", "password": "bench-password", "csrf_token": token})
        for slug, run_id in run_ids.items():
            for label, path in (("grid page 1", f"/runs/{run_id}"), ("grid page 5", f"/runs/{run_id}?page=5"), ("text view", f"/runs/{run_id}?view=text"), ("block filter", f"/runs/{run_id}?severity=block")):
                seconds, response = _timed(client, path, args.repeat)
                cards = response.data.count(b'<article class="card')
                print(f"{slug}: {label:13} {seconds * 1000:6.0f} ms  {len(response.data) // 1024:4d} KB  {cards} cards")
            frames = re.findall(r'src="(/runs/\d+/r/\d+/render\.html)"', client.get(f"/runs/{run_id}").get_data(as_text=True))
            times = [_timed(client, src, 1)[0] for src in frames]
            print(f"{slug}: render.html    {statistics.median(times) * 1000:6.1f} ms median, {max(times) * 1000:.1f} ms max over {len(times)} emails")
        state.engine.dispose()


if __name__ == "__main__":
    main()
