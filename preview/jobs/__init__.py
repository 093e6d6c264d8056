"""Where runs execute: an executor takes a run id and runs :func:`preview.execution.execute_run`.

The web UI and the API only ever call ``executor.submit(run_id)``; which executor a deployment
gets is decided by :func:`make_executor` from the settings.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from sqlalchemy.orm import sessionmaker

from preview.execution import execute_run


class Executor(Protocol):
    """Something that runs queued runs."""

    def submit(self, run_id: int) -> None:
        """Arrange for run ``run_id`` (status ``queued``) to execute soon; return at once."""


class ThreadExecutor:
    """Runs jobs on background threads of this process (development and tests)."""

    def __init__(self, sessions: sessionmaker, workers: int = 1, **run_options):
        self.sessions = sessions
        self.run_options = run_options
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="preview-run")

    def submit(self, run_id: int):
        return self.pool.submit(execute_run, self.sessions, run_id, **self.run_options)

    def shutdown(self, wait: bool = True) -> None:
        self.pool.shutdown(wait=wait)


def make_executor(config: dict, sessions: sessionmaker, **run_options) -> Executor:
    """The executor the settings ask for."""
    return ThreadExecutor(sessions, workers=1, **run_options)
