"""Runs executed by local worker processes: the default when no broker is configured.

Each worker is a fresh interpreter (the ``spawn`` start method: nothing of the server's state,
threads or open database connections is inherited), opens its own engine on the server's
database, and executes runs one at a time. The pool starts on the first submitted run, so a
server that never runs anything starts no processes.
"""

from __future__ import annotations

import logging
import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor

from sqlalchemy.orm import sessionmaker

log = logging.getLogger(__name__)

# The state of one worker process (its engine and run options), made by _start_worker. A worker
# process is the one place where a module-level value is the right home: it lives as long as
# the process and nothing else runs there.
_WORKER: dict = {}


def _start_worker(url: str, run_options: dict) -> None:
    from preview.store.db import make_engine, session_factory

    engine = make_engine(url)
    _WORKER.update(sessions=session_factory(engine), run_options=run_options)


def _execute(run_id: int, callbacks) -> str | None:
    """Execute run ``run_id`` in this worker; returns its verdict (None if it was not queued)."""
    from preview.execution import execute_run
    from preview.jobs import callback_hook

    sessions = _WORKER["sessions"]
    # Not a daemon thread: a worker that is shut down finishes its deliveries (retries included)
    # before it exits, and a slow receiver never holds up the next run.
    hooks = [callback_hook(sessions, callbacks, daemon=False)]
    report = execute_run(sessions, run_id, on_finished=hooks, **_WORKER["run_options"])
    return report.verdict if report is not None else None


class LocalProcessExecutor:
    """Runs jobs in ``workers`` local processes, each with its own database engine."""

    def __init__(self, sessions: sessionmaker, workers: int = 2, **run_options):
        self.sessions = sessions
        self.workers = max(1, workers)
        self.run_options = run_options
        self.callbacks = None
        self._pool: ProcessPoolExecutor | None = None

    def _url(self) -> str:
        engine = self.sessions.kw["bind"]
        return engine.url.render_as_string(hide_password=False)

    @property
    def pool(self) -> ProcessPoolExecutor:
        """The worker pool, started on first use."""
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(self._url(), self.run_options),
            )
        return self._pool

    def submit(self, run_id: int) -> Future:
        """Queue run ``run_id`` on the pool; the future gives its verdict."""
        future = self.pool.submit(_execute, run_id, self.callbacks)
        future.add_done_callback(_log_failure)
        return future

    def shutdown(self, wait: bool = True) -> None:
        """Stop the workers (after the queued runs when ``wait``)."""
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=not wait)
            self._pool = None


def _log_failure(future: Future) -> None:
    # execute_run records its own failures on the run; this is for a worker that died.
    if not future.cancelled() and future.exception() is not None:
        log.error("a local worker failed: %r", future.exception())
