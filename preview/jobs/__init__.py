"""Where runs execute: an executor takes a run id and runs :func:`preview.execution.execute_run`.

The web UI and the API only ever call ``executor.submit(run_id)``; which executor a deployment
gets is decided by :func:`make_executor` from the settings:

- ``PREVIEW_BROKER_URL`` set: :class:`preview.jobs.celery_app.CeleryExecutor` queues the run on
  Celery (Redis broker), and ``preview worker`` processes execute it;
- otherwise: :class:`preview.jobs.local.LocalProcessExecutor`, ``PREVIEW_WORKERS`` local worker
  processes of the server itself;
- :class:`ThreadExecutor` runs jobs on a thread of the calling process (tests, embedding).

Every executor claims runs through :func:`execute_run`, which switches a run from ``queued`` to
``running`` atomically, so a run submitted twice (a retry, a redelivered message) executes once.
After a run, its callback (``params["callback_url"]``) is delivered when ``callbacks`` (a
:class:`preview.api.delivery.CallbackSettings`) is set; the API sets it when it is registered.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from sqlalchemy.orm import sessionmaker

from preview.execution import execute_run


class Executor(Protocol):
    """Something that runs queued runs."""

    callbacks: object

    def submit(self, run_id: int) -> None:
        """Arrange for run ``run_id`` (status ``queued``) to execute soon; return at once."""


def callback_hook(sessions: sessionmaker, callbacks, *, daemon: bool = True):
    """An after-run hook that delivers the run's callback on a background thread (with retries).

    A thread, because retries wait (seconds to minutes) and must not hold a worker's slot.
    """

    def hook(session, run, report) -> None:
        if callbacks is None or not (run.params or {}).get("callback_url"):
            return
        from preview.api.delivery import deliver

        threading.Thread(target=deliver, args=(sessions, run.id, callbacks), name=f"preview-callback-{run.id}", daemon=daemon).start()

    return hook


class ThreadExecutor:
    """Runs jobs on background threads of this process (development and tests)."""

    def __init__(self, sessions: sessionmaker, workers: int = 1, **run_options):
        self.sessions = sessions
        self.run_options = run_options
        self.callbacks = None
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="preview-run")

    def submit(self, run_id: int):
        """Run ``run_id`` on a pool thread (then deliver its callback); returns the future."""
        hooks = [callback_hook(self.sessions, self.callbacks)]
        return self.pool.submit(execute_run, self.sessions, run_id, on_finished=hooks, **self.run_options)

    def shutdown(self, wait: bool = True) -> None:
        """Stop the pool (after the runs under way when ``wait``)."""
        self.pool.shutdown(wait=wait)


def make_executor(config: dict, sessions: sessionmaker, **run_options) -> Executor:
    """The executor the settings ask for: Celery with a broker, else local worker processes."""
    if config.get("PREVIEW_BROKER_URL"):
        from preview.jobs.celery_app import CeleryExecutor

        return CeleryExecutor(config["PREVIEW_BROKER_URL"], sessions, **run_options)
    from preview.jobs.local import LocalProcessExecutor

    return LocalProcessExecutor(sessions, workers=int(config.get("PREVIEW_WORKERS") or 2), **run_options)
