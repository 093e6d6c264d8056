"""The ``preview`` command: check, render, list checks, and manage the store and server."""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
import os
import sys
import time
from pathlib import Path

import click

from preview.config import DEFAULT_FILE as DEFAULT_SETTINGS
from preview.contract.errors import InputError

# Commands that live with what they manage, imported only when used, so that `preview check`
# starts without loading Flask, Celery or the store: name -> "module:attribute".
_ELSEWHERE = {
    "db": "preview.store.commands:db_group",
    "import": "preview.store.commands:import_cmd",
    "demo": "preview.web.commands:demo_cmd",
    "serve": "preview.web.commands:serve_cmd",
    "user": "preview.web.commands:user_group",
    "token": "preview.api.commands:token_group",
    "worker": "preview.jobs.commands:worker_cmd",
}


class _Group(click.Group):
    """The ``preview`` group: loads the commands of :data:`_ELSEWHERE` on demand, and turns an
    :class:`InputError` from any command into one line on stderr and exit 2."""

    def list_commands(self, ctx):
        return sorted({*super().list_commands(ctx), *_ELSEWHERE})

    def get_command(self, ctx, name):
        if name in _ELSEWHERE and name not in self.commands:
            module, attribute = _ELSEWHERE[name].split(":")
            self.add_command(getattr(importlib.import_module(module), attribute), name)
        return super().get_command(ctx, name)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except InputError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="campaign-preview")
def main():
    """Campaign Preview: render personalized email against real recipients and catch misfires."""


def _date(ctx, param, value):
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected a date like 2026-12-10, got {value!r}") from None


def _settings_options(func):
    """The options every command that runs or lists checks shares: settings file, overrides, plugins."""
    for option in reversed((
        click.option("--config", type=click.Path(dir_okay=False), help=f"Check settings file (default: ./{DEFAULT_SETTINGS} if present)."),
        click.option("--severity", multiple=True, metavar="CODE=LEVEL", help="Set a check's severity: block, warn or info (code, name or family; repeatable)."),
        click.option("--disable", multiple=True, metavar="CODE", help="Switch a check off (code, name or family; repeatable)."),
        click.option("--plugin", "plugins", multiple=True, metavar="MODULE", help="Import MODULE as a check plugin, as if it were installed (repeatable)."),
    )):
        func = option(func)
    return func


def _registry(config, severity, disable, plugins):
    """The registry with the deployment's settings and extra plugins, or an InputError saying why not."""
    import importlib

    from preview.checks.registry import Registry, RegistryError
    from preview.config import load_check_settings, unknown_settings

    settings = load_check_settings(config, severity=severity, disable=disable)
    modules = []
    for name in plugins:
        try:
            modules.append(importlib.import_module(name))
        except ImportError as exc:
            raise InputError(f"cannot import plugin module {name!r}: {exc}", location="--plugin") from None
    try:
        registry = Registry(settings, plugins=modules)
    except RegistryError as exc:
        raise InputError(str(exc)) from None
    for key in unknown_settings(settings, registry):
        if key in disable:
            where = "--disable"
        elif any(item.split("=", 1)[0].strip() == key for item in severity):
            where = "--severity"
        else:
            where = config or DEFAULT_SETTINGS
        raise InputError(f"no check, check name or family is called {key!r} (`preview checks` lists them)", location=where)
    return registry


def _recipient_rows(path):
    """The rows of a recipient file; a file that cannot be read at all fails here, before any work."""
    from preview.contract.recipients import iter_rows

    rows = iter_rows(path)
    first = next(rows, None)  # iter_rows checks the file when first asked for a row
    return itertools.chain([first] if first else [], rows)


def _write(text: str, output: str | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write the report: {exc.strerror}", location=output) from None


@main.command("check")
@click.argument("campaign", type=click.Path(dir_okay=False))
@click.option("--recipients", "-r", required=True, type=click.Path(dir_okay=False), help="Recipient file (.jsonl, .json or .csv).")
@click.option("--sample", type=click.IntRange(min=1), help="Check a seeded sample of N recipients (see --strategy).")
@click.option("--strategy", type=click.Choice(["random", "stratified", "edge", "coverage"]), help="How --sample chooses: random (default), stratified by segment, edge cases first, or covering every template branch.")
@click.option("--max-scan", type=click.IntRange(min=1), help="With --strategy coverage: render at most N candidates to find branches (default: all).")
@click.option("--seed", default="0", show_default=True, help="Seed of the sample.")
@click.option("--send-date", callback=_date, help="Date the email is sent (YYYY-MM-DD); default: the campaign's, else today.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif", "junit"]), default="text", show_default=True, help="text for people; json (findings.schema.json), sarif (code scanning) or junit (CI) for tools.")
@click.option("--fail-on", type=click.Choice(["block", "warn"]), default="block", show_default=True, help="Exit 1 when a finding reaches this level.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report here instead of stdout.")
@_settings_options
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr.")
def check_cmd(campaign, recipients, sample, strategy, max_scan, seed, send_date, fmt, fail_on, output, config, severity, disable, plugins, quiet):
    """Check CAMPAIGN against the recipients in a file.

    Exit status: 0 when nothing reaches --fail-on, 1 when something does, 2 for usage or input
    errors (a bad file, or bad recipient rows, which are listed in the report).
    """
    from preview.contract import load_campaign
    from preview.pipeline import CheckRun
    from preview.reporters import render
    from preview.sampling import choose

    if (strategy or max_scan) and not sample:
        raise click.UsageError("--strategy and --max-scan choose a sample: give its size with --sample N")
    if max_scan and strategy != "coverage":
        raise click.UsageError("--max-scan only applies to --strategy coverage")
    registry = _registry(config, severity, disable, plugins)
    parsed = load_campaign(campaign)
    run = CheckRun(parsed, registry=registry, send_date=send_date)
    rows = _recipient_rows(recipients)

    def valid():
        for row in rows:
            if row.error:
                run.add_error(row.error)
            else:
                yield row.record

    chosen = valid()
    if sample:
        options = {"send_date": run.send_date, "max_scan": max_scan}
        chosen = choose(strategy or "random", chosen, size=sample, seed=seed, renderer=run.renderer, options=options)
    checked_ids = [] if fmt == "junit" else None  # only JUnit lists passing recipients
    show = not quiet and sys.stderr.isatty()
    with _Progress(enabled=show, total=len(chosen) if sample else None) as progress:
        for recipient in chosen:
            run.check(recipient)
            if checked_ids is not None:
                checked_ids.append(recipient["id"])
            progress.step()
    report = run.finish()
    colour = fmt == "text" and output is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    text = render(report, fmt, colour=colour, registry=registry, campaign=parsed, fail_on=fail_on, recipient_ids=checked_ids)
    if sample and fmt == "json":
        text = _with_sampling(text, chosen)
    _write(text, output)
    if sample and fmt == "text":  # the coverage report, or what the sample could not show
        lines = chosen.coverage.lines() if chosen.coverage is not None else [f"sampling: {note}" for note in chosen.notes]
        for line in lines:
            click.echo(line, err=True)
    if report.errors:
        first = report.errors[0]
        where = f"{first['location']}: " if first.get("location") else ""
        click.echo(f"error: {len(report.errors)} recipient row(s) could not be checked; first: {where}{first['message']}", err=True)
        sys.exit(2)
    sys.exit(1 if report.reaches(fail_on) else 0)


def _with_sampling(text: str, sample) -> str:
    """The JSON report with the sample's ``sampling`` field added at the top level (how it was
    chosen, why each recipient was, and the branch coverage)."""
    import json

    data = json.loads(text)
    data["sampling"] = sample.to_dict()
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


class _Progress:
    """Progress on stderr while recipients are checked.

    A bar with an ETA when the total is known (``--sample``), otherwise a counter with the rate,
    redrawn a few times a second. Does nothing when disabled (stderr is not a terminal, --quiet).
    """

    def __init__(self, enabled: bool, total: int | None):
        self.enabled, self.total = enabled, total
        self.bar = None
        if enabled and total:
            self.bar = click.progressbar(length=total, label="checking", show_pos=True, show_eta=True, file=sys.stderr)
        self.count, self.started, self.shown = 0, time.perf_counter(), 0.0

    def __enter__(self):
        if self.bar is not None:
            self.bar.__enter__()
        return self

    def step(self) -> None:
        """One more recipient checked."""
        self.count += 1
        if self.bar is not None:
            self.bar.update(1)
            return
        now = time.perf_counter()
        if self.enabled and (not self.shown or now - self.shown > 0.2):
            self.shown = now
            self._show(now)

    def _show(self, now: float) -> None:
        rate = self.count / max(now - self.started, 1e-9)
        click.echo(f"\rchecked {self.count:,} recipients ({rate:,.0f}/s)", err=True, nl=False)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)
        elif self.enabled and self.shown:
            self._show(time.perf_counter())  # the final count, not the last one drawn
            click.echo("", err=True)


@main.command("render")
@click.argument("campaign", type=click.Path(dir_okay=False))
@click.option("--recipients", "-r", required=True, type=click.Path(dir_okay=False), help="Recipient file (.jsonl, .json or .csv).")
@click.option("--id", "recipient_id", required=True, help="Id of the recipient to render.")
@click.option("--send-date", callback=_date, help="Date the email is sent (YYYY-MM-DD); default: the campaign's, else today.")
@click.option("--part", type=click.Choice(["html", "text", "subject", "preheader", "from_name", "mjml"]), default="html", show_default=True, help="What to write; mjml is the body after Jinja, before MJML.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write here instead of stdout.")
def render_cmd(campaign, recipients, recipient_id, send_date, part, output):
    """Write one recipient's email (the HTML by default).

    Exit status: 0 when it rendered, 2 when the campaign or the recipient could not be read or the
    template failed to render (the errors are on stderr, with the campaign line).
    """
    from preview.contract import load_campaign
    from preview.rendering import CampaignRenderer

    parsed = load_campaign(campaign)
    record, bad = None, []
    for row in _recipient_rows(recipients):
        if row.error:
            bad.append(row.error)
        elif row.record["id"] == recipient_id:
            record = row.record
            break
    if record is None:
        unread = f" ({len(bad)} unreadable row(s), first: {bad[0]})" if bad else ""
        raise InputError(f"no recipient with id {recipient_id!r}{unread}", location=recipients)
    message = CampaignRenderer(parsed).render(record, send_date)
    if part == "mjml":
        body = message.parts.get("body")
        text = body.text if body else ""
    elif part == "html":
        text = message.html
    else:
        text = message.part_text(part)
    _write(text if text.endswith("\n") or not text else text + "\n", output)
    for error in message.errors:
        click.echo(f"error: {parsed.path}:{error.line or '?'}: {error.part}: {error.message}", err=True)
    sys.exit(2 if message.errors else 0)


@main.command("checks")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True)
@click.option("--family", "families", multiple=True, metavar="FAMILY", help="Only this family (repeatable).")
@_settings_options
def checks_cmd(fmt, families, config, severity, disable, plugins):
    """List every check with its code, family, severity and documentation.

    Severities are those the settings give (the file, --severity, --disable). The Markdown is the
    published list: `preview checks --format markdown > docs/checks.md`.
    """
    from preview.checks.docs import render_checks

    registry = _registry(config, severity, disable, plugins)
    unknown = sorted(set(families) - set(registry.families()))
    if unknown:
        raise InputError(f"no family is called {unknown[0]!r}; families: {', '.join(registry.families())}", location="--family")
    click.echo(render_checks(registry, fmt, families=set(families)), nl=False)


@main.command("quality")
@click.option("--cases", "cases_dir", default="tests/quality/cases", show_default=True, type=click.Path(file_okay=False), help="Folder of labelled case files (*.yaml).")
@click.option("--family", "families", multiple=True, metavar="FAMILY", help="Only score this family (repeatable).")
@click.option("--verbose", "-v", is_flag=True, help="Explain every miss and false alarm with its findings and data.")
def quality_cmd(cases_dir, families, verbose):
    """Recall and false alarms per family over the labelled corpus (tests/quality/README.md).

    Exit status: 0 when every family scored reaches 95% recall with at most 5% false alarms,
    1 when one does not, 2 for a bad case file.
    """
    from preview.checks.registry import Registry
    from preview.quality import measure, render_scores

    registry = Registry()
    unknown = sorted(set(families) - set(registry.families()))
    if unknown:
        raise InputError(f"no family is called {unknown[0]!r}; families: {', '.join(registry.families())}", location="--family")
    cases, scores = measure(cases_dir, families or None, registry)
    click.echo(render_scores(scores, verbose=verbose, cases=len(cases)), nl=False)
    sys.exit(0 if all(s.meets() for s in scores) else 1)


if __name__ == "__main__":  # pragma: no cover
    main()
