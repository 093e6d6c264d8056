"""Runs on Celery: the executor used when ``PREVIEW_BROKER_URL`` is set (Redis as the broker).

The server queues ``preview.execute_run`` with the run id; a ``preview worker`` process (which
builds the same app, so the same database and settings) executes it, then queues
``preview.deliver_callback`` when the run asked for a callback. A failed delivery is retried by
queueing the task again with a countdown (exponential backoff with jitter), so no worker sits
waiting for a receiver to come back.

Messages are acknowledged after the task ran (``acks_late``) and a worker takes one at a time,
so a worker that dies mid-run does not take queued runs down with it.
"""

from __future__ import annotations

import logging

from celery import Celery
from celery.signals import worker_process_init
from sqlalchemy.orm import sessionmaker

from preview.execution import execute_run

log = logging.getLogger(__name__)

QUEUE = "preview"
RUN_TASK = "preview.execute_run"
CALLBACK_TASK = "preview.deliver_callback"


class CeleryExecutor:
    """Queues runs on Celery; ``celery`` is the Celery app the ``preview worker`` command serves."""

    def __init__(self, broker_url: str, sessions: sessionmaker, **run_options):
        self.sessions = sessions
        self.run_options = run_options
        self.callbacks = None
        self.celery = Celery("preview", broker=broker_url, set_as_current=False)
        self.celery.conf.update(
            task_default_queue=QUEUE,
            task_acks_late=True,
            task_reject_on_worker_lost=True,
            task_ignore_result=True,
            worker_prefetch_multiplier=1,
            broker_connection_retry_on_startup=True,
            worker_hijack_root_logger=False,
        )
        # Plain functions, not bound methods: Celery checks task arguments against the signature.
        def execute(run_id: int):
            return self._run(run_id)

        def deliver(run_id: int, attempt: int = 1):
            return self._deliver(run_id, attempt)

        self.run_task = self.celery.task(name=RUN_TASK)(execute)
        self.callback_task = self.celery.task(name=CALLBACK_TASK)(deliver)
        # Worker processes forked by the prefork pool must not share the parent's connections.
        worker_process_init.connect(self._after_fork, weak=False)

    def submit(self, run_id: int) -> None:
        """Queue run ``run_id``; raises when the broker cannot be reached."""
        self.run_task.apply_async((run_id,), retry=True, retry_policy={"max_retries": 3, "interval_start": 0.2, "interval_step": 0.5})

    # -- tasks (executed in the worker) ------------------------------------------------------

    def _run(self, run_id: int) -> str | None:
        hooks = [self._queue_callback]
        report = execute_run(self.sessions, run_id, on_finished=hooks, **self.run_options)
        return report.verdict if report is not None else None

    def _queue_callback(self, session, run, report) -> None:
        if self.callbacks is not None and (run.params or {}).get("callback_url"):
            self.callback_task.apply_async((run.id, 1))

    def _deliver(self, run_id: int, attempt: int = 1) -> bool:
        from preview.api.delivery import deliver_once
        from preview.store.models import Run

        with self.sessions() as session:
            run = session.get(Run, run_id)
            if run is None or self.callbacks is None:
                return False
            result = deliver_once(session, run, self.callbacks, attempt)
            session.commit()
        if result.retry_in is not None:
            self.callback_task.apply_async((run_id, attempt + 1), countdown=result.retry_in)
        return result.ok

    def _after_fork(self, **_kw) -> None:
        self.sessions.kw["bind"].dispose(close=False)

    def worker_argv(self, *, concurrency: int | None = None, pool: str = "prefork", loglevel: str = "INFO") -> list[str]:
        """The arguments of ``celery worker`` for this app's queue."""
        argv = ["worker", f"--loglevel={loglevel}", f"--pool={pool}", "--queues", QUEUE, "--without-gossip", "--without-mingle"]
        if concurrency:
            argv += ["--concurrency", str(concurrency)]
        return argv
