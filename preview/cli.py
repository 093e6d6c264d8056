"""The ``preview`` command: check, render, list checks, and manage the store and server."""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import click

from preview.contract.errors import InputError


class _Group(click.Group):
    """Turns an :class:`InputError` from any command into one line on stderr and exit 2."""

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


@main.command("check")
@click.argument("campaign", type=click.Path(dir_okay=False))
@click.option("--recipients", "-r", required=True, type=click.Path(dir_okay=False), help="Recipient file (.jsonl, .json or .csv).")
@click.option("--sample", type=click.IntRange(min=1), help="Check a seeded random sample of N recipients.")
@click.option("--seed", default="0", show_default=True, help="Seed of the sample.")
@click.option("--send-date", callback=_date, help="Date the email is sent (YYYY-MM-DD); default: the campaign's, else today.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif", "junit"]), default="text", show_default=True)
@click.option("--fail-on", type=click.Choice(["block", "warn"]), default="block", show_default=True, help="Exit 1 when a finding reaches this level.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report here instead of stdout.")
@click.option("--config", type=click.Path(dir_okay=False), help="Check settings file (default: ./campaign-preview.yaml if present).")
@click.option("--severity", multiple=True, metavar="CODE=LEVEL", help="Override a severity (code, name or family).")
@click.option("--disable", multiple=True, metavar="CODE", help="Switch a check off (code, name or family).")
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr.")
def check_cmd(campaign, recipients, sample, seed, send_date, fmt, fail_on, output, config, severity, disable, quiet):
    """Check CAMPAIGN against the recipients in a file.

    Exit status: 0 when nothing reaches --fail-on, 1 when something does, 2 for usage or input
    errors (a bad file, or bad recipient rows, which are listed in the report).
    """
    from preview.checks.registry import Registry
    from preview.config import load_check_settings
    from preview.contract import load_campaign
    from preview.contract.recipients import iter_rows
    from preview.pipeline import CheckRun
    from preview.reporters import render
    from preview.sampling import reservoir_sample

    settings = load_check_settings(config, severity=severity, disable=disable)
    parsed = load_campaign(campaign)
    run = CheckRun(parsed, registry=Registry(settings), send_date=send_date)
    rows = iter_rows(recipients)

    def valid():
        for row in rows:
            if row.error:
                run.add_error(row.error)
            else:
                yield row.record

    chosen = reservoir_sample(valid(), sample, seed) if sample else valid()
    progress = _Progress(enabled=not quiet and sys.stderr.isatty(), total=sample)
    for recipient in chosen:
        run.check(recipient)
        progress.step()
    progress.done()
    report = run.finish()
    colour = fmt == "text" and output is None and sys.stdout.isatty()
    text = render(report, fmt, colour=colour, registry=run.registry, campaign=parsed)
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    if report.errors:
        first = report.errors[0]
        where = f"{first['location']}: " if first.get("location") else ""
        click.echo(f"error: {len(report.errors)} recipient row(s) could not be checked; first: {where}{first['message']}", err=True)
        sys.exit(2)
    sys.exit(1 if report.reaches(fail_on) else 0)


class _Progress:
    """A one-line progress counter on stderr, updated a few times a second."""

    def __init__(self, enabled: bool, total: int | None):
        self.enabled, self.total = enabled, total
        self.count, self.started, self.shown = 0, time.perf_counter(), 0.0

    def step(self):
        self.count += 1
        now = time.perf_counter()
        if self.enabled and now - self.shown > 0.2:
            self.shown = now
            rate = self.count / max(now - self.started, 1e-9)
            of = f"/{self.total}" if self.total else ""
            click.echo(f"\rchecked {self.count}{of} recipients ({rate:,.0f}/s)", err=True, nl=False)

    def done(self):
        if self.enabled and self.shown:
            click.echo("", err=True)


@main.command("render")
@click.argument("campaign", type=click.Path(dir_okay=False))
@click.option("--recipients", "-r", required=True, type=click.Path(dir_okay=False))
@click.option("--id", "recipient_id", required=True, help="Id of the recipient to render.")
@click.option("--send-date", callback=_date)
@click.option("--part", type=click.Choice(["html", "text", "subject", "preheader", "from_name", "mjml"]), default="html", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write here instead of stdout.")
def render_cmd(campaign, recipients, recipient_id, send_date, part, output):
    """Write one recipient's email (the HTML by default)."""
    from preview.contract import iter_recipients, load_campaign
    from preview.rendering import CampaignRenderer

    parsed = load_campaign(campaign)
    record = next((r for r in iter_recipients(recipients) if r["id"] == recipient_id), None)
    if record is None:
        raise InputError(f"no recipient with id {recipient_id!r}", location=recipients)
    message = CampaignRenderer(parsed).render(record, send_date)
    for error in message.errors:
        click.echo(f"error: {parsed.path}:{error.line or '?'}: {error.message}", err=True)
    if part == "mjml":
        body = message.parts.get("body")
        text = body.text if body else ""
    elif part == "html":
        text = message.html
    else:
        text = message.part_text(part)
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text)
    sys.exit(2 if message.errors else 0)


@main.command("checks")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True)
def checks_cmd(fmt):
    """List every check with its code, family, severity and documentation."""
    from preview.checks.docs import render_checks
    from preview.checks.registry import Registry

    click.echo(render_checks(Registry(), fmt), nl=False)


if __name__ == "__main__":  # pragma: no cover
    main()
