"""Browser tests: the real server (`preview serve`) in a subprocess on a free port, over a temporary
SQLite database loaded by `preview demo`, driven by Playwright on Debian's Chromium.

Playwright's own browser download does not work on these machines, so the tests use
/usr/bin/chromium (`.ci/run` installs the Debian package) and are skipped, saying why, without it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DEMO_SIZE = 150

NO_CHROMIUM = f"{CHROMIUM} is not installed (Debian package `chromium`; .ci/run installs it)"


def require_browser():
    """Skip, saying why, when Chromium or the playwright package is missing; else sync_playwright."""
    if not CHROMIUM.exists():
        pytest.skip(NO_CHROMIUM)
    return pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed (pip install -e '.[dev]')").sync_playwright


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"preview serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"preview serve did not answer {url} within {timeout}s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The base URL of a running `preview serve` with the demo data and the demo logins."""
    require_browser()  # no server to start when there is no browser to drive it
    folder = tmp_path_factory.mktemp("browser")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'preview.sqlite'}",
        "FLASK_SECRET_KEY": "browser-test-secret",
        "PREVIEW_WORKERS": "1",
    }
    env.pop("PREVIEW_BROKER_URL", None)
    demo = subprocess.run([sys.executable, "-m", "preview", "demo", "--size", str(DEMO_SIZE)], env=env, capture_output=True, text=True, timeout=300)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "demo logins:" in demo.stdout
    port = _free_port()
    log = folder / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "preview", "serve", "--host", "127.0.0.1", "--port", str(port), "--threads", "4"],
            env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base}/login", process, log)
        yield base
    finally:
        # The server runs in its own session (gunicorn and its run workers): stop that group only.
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def browser():
    sync_playwright = require_browser()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser context (its own cookies). ``page.csp_violations`` collects what broke the
    app's own policy (the emails' policy, default-src 'none', is expected to refuse things)."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.csp_violations = []

    def watch(message):
        if "Content Security Policy" in message.text and "'self'" in message.text:
            page.csp_violations.append(message.text)

    page.on("console", watch)
    yield page
    context.close()


def sign_in(page, base: str, username: str, password: str) -> None:
    """Log in through the form."""
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/campaigns")
