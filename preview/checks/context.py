"""What a check gets besides the message and the recipient: the run's facts and a finding builder."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from preview.checks.evidence import describe_paths, lineage_paths
from preview.checks.model import CheckSpec, Evidence, Finding
from preview.rendering.message import RenderedMessage


@dataclass
class CheckContext:
    """Per-run facts for checks, shared by every recipient of the run.

    ``state`` is per-run scratch space keyed by check code (for checks that aggregate across
    recipients); ``cache`` memoises work that is the same for many recipients (a link that is
    the same for everyone is judged once).
    """

    send_date: dt.date
    campaign: object = None  # preview.contract.Campaign
    registry: object = None  # preview.checks.registry.Registry
    unsubscribe_url: str = ""
    options: dict = field(default_factory=dict)
    rules: object = None  # preview.checks.rules.Rules: ctx.rules.phrases('file') gives a matcher
    state: dict = field(default_factory=dict)
    cache: dict = field(default_factory=dict)

    def option(self, name: str, default):
        """A check option from settings (``PREVIEW_CHECK_OPTIONS``), e.g. ``gmail_clip_bytes``."""
        return self.options.get(name, default)

    def finding(
        self,
        check,
        message: RenderedMessage,
        recipient: dict | None,
        /,
        *,
        part: str,
        start: int | None = None,
        end: int | None = None,
        text: str | None = None,
        line: int | None = None,
        data: list[str] | tuple = (),
        template_level: bool | None = None,
        **args,
    ) -> Finding:
        """Build a finding of ``check`` with its evidence and data lineage.

        ``check``, ``message`` and ``recipient`` are positional only, so that a check's message
        may have an argument of any name (``{check}``, ``{message}``).
        ``start``/``end`` index ``message.part_text(part)`` (the visible text for ``html``);
        ``text`` defaults to that slice. The recipient data behind the span (lineage) is added
        to ``data``. A ``render``-scope finding on text that holds no recipient data is a
        template-level finding (``recipient_id`` None) unless ``template_level`` says otherwise.
        """
        spec: CheckSpec = check.spec if hasattr(check, "spec") else check
        if text is None and start is not None:
            text = message.part_text(part)[start:end]
        lines = list(data)
        if recipient is not None and start is not None and part in ("subject", "preheader", "from_name", "html", "text"):
            paths = lineage_paths(message, part, start, end, text)
            for line_text in describe_paths(recipient, paths):
                if line_text not in lines:
                    lines.append(line_text)
        if template_level is None:
            template_level = spec.scope == "render" and start is not None and not message.is_dynamic(part, start, end)
        severity = self.registry.severity(spec) if self.registry is not None else spec.severity
        args.setdefault("part", part)
        return Finding(
            code=spec.code,
            family=spec.family,
            severity=severity,
            message=spec.format(args),
            recipient_id=None if template_level else message.recipient_id,
            part=part,
            name=spec.name,
            evidence=Evidence(text=text, start=start, end=end, line=line, data=lines),
            args=args,
        )

    def template_finding(self, check, /, *, part: str = "template", text: str | None = None, line: int | None = None, data=(), **args) -> Finding:
        """A finding about the template itself, independent of any recipient."""
        spec: CheckSpec = check.spec if hasattr(check, "spec") else check
        severity = self.registry.severity(spec) if self.registry is not None else spec.severity
        args.setdefault("part", part)
        return Finding(
            code=spec.code,
            family=spec.family,
            severity=severity,
            message=spec.format(args),
            recipient_id=None,
            part=part,
            name=spec.name,
            evidence=Evidence(text=text, line=line, data=list(data)),
            args=args,
        )
