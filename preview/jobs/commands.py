"""``preview worker``: serve presend runs from the Celery queue (needs ``PREVIEW_BROKER_URL``)."""

from __future__ import annotations

import click

from preview.contract.errors import InputError


@click.command("worker")
@click.option("--concurrency", "-c", type=click.IntRange(min=1), help="Worker processes (default: one per core).")
@click.option("--pool", type=click.Choice(["prefork", "solo", "threads"]), default="prefork", show_default=True, help="Celery pool; solo runs one task at a time in this process.")
@click.option("--loglevel", "-l", default="INFO", show_default=True, help="Celery log level.")
def worker_cmd(concurrency, pool, loglevel):
    """Execute queued presend runs and deliver their callbacks (a Celery worker).

    It builds the same app as the server (`create_app`), so it uses the same database and
    settings: set PREVIEW_BROKER_URL (e.g. redis://127.0.0.1:6379/0), DATABASE_URL and
    PREVIEW_WEBHOOK_SECRET to the server's values.
    """
    from preview.app import create_app
    from preview.jobs.celery_app import CeleryExecutor

    app = create_app()
    executor = app.extensions["preview"].executor
    if not isinstance(executor, CeleryExecutor):
        raise InputError("no broker is configured: set PREVIEW_BROKER_URL, e.g. redis://127.0.0.1:6379/0", field="PREVIEW_BROKER_URL")
    executor.celery.worker_main(executor.worker_argv(concurrency=concurrency, pool=pool, loglevel=loglevel))
