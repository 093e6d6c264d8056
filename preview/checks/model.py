"""The data of checks and findings: :class:`CheckSpec`, :class:`Finding`, :class:`Severity`."""

from __future__ import annotations

import enum
import re
import string
from dataclasses import dataclass, field
from functools import cached_property

CODE = re.compile(r"^[A-Z]{2,4}[0-9]{3}$")
PARTS = ("subject", "preheader", "from_name", "html", "text", "template", "data")


class Severity(enum.IntEnum):
    """How bad a finding is; ordered so that ``max()`` gives the worst."""

    INFO = 1
    WARN = 2
    BLOCK = 3

    @classmethod
    def parse(cls, value: str | Severity) -> Severity:
        if isinstance(value, Severity):
            return value
        try:
            return cls[str(value).upper()]
        except KeyError:
            raise ValueError(f"unknown severity {value!r}; use block, warn or info") from None

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class CheckSpec:
    """What a check is, for its docs and its findings. Codes are permanent and never reused.

    ``message`` is a ``str.format`` template filled from each finding's args. ``scope`` is
    ``render`` for checks about the rendered content itself (a finding on template text that is
    the same for everyone is reported once, for the template) or ``recipient`` for checks that
    judge the content against one recipient's data (always per recipient).
    """

    code: str
    family: str
    name: str
    severity: Severity
    summary: str
    why: str
    bad: str
    good: str
    message: str = "{detail}"
    scope: str = "render"

    def __post_init__(self):
        if not CODE.match(self.code):
            raise ValueError(f"check code {self.code!r} must look like ABC123")
        object.__setattr__(self, "severity", Severity.parse(self.severity))
        if self.scope not in ("render", "recipient"):
            raise ValueError(f"check {self.code}: scope must be 'render' or 'recipient'")

    def format(self, args: dict) -> str:
        """The finding message for ``args``; a missing arg shows as ``?`` instead of failing."""
        try:
            return self.message.format_map(_Lenient(args))  # C speed, for every finding
        except (AttributeError, IndexError, KeyError, TypeError, ValueError):
            # "{item.name}" with no item, or a format spec the "?" does not fit.
            return string.Formatter().vformat(self.message, (), _Lenient(args))


class _Lenient(dict):
    def __missing__(self, key):
        return "?"


@dataclass
class Evidence:
    """Why a finding fired: the text as the recipient sees it and the data behind it."""

    text: str | None = None
    start: int | None = None
    end: int | None = None
    line: int | None = None
    data: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        out: dict = {}
        if self.text is not None:
            out["text"] = self.text
        if self.start is not None:
            out["start"] = self.start
            out["end"] = self.end
        if self.line is not None:
            out["line"] = self.line
        out["data"] = list(self.data)
        return out


@dataclass
class Finding:
    """One problem found in one render (or in the template, when ``recipient_id`` is None)."""

    code: str
    family: str
    severity: Severity
    message: str
    recipient_id: str | None
    part: str
    name: str = ""
    evidence: Evidence = field(default_factory=Evidence)
    args: dict = field(default_factory=dict)

    @cached_property
    def key(self) -> tuple:
        """Identity of a template-level finding, for reporting it once. Worked out once per
        finding: a shared template finding is offered to the report by every recipient (findings
        are not changed once made; ``dataclasses.replace`` makes a new one)."""
        return (self.code, self.part, self.evidence.text, self.evidence.line, self.message)

    def to_dict(self) -> dict:
        """The finding as findings.schema.json has it (plus ``name`` and ``args``)."""
        return {
            "code": self.code,
            "family": self.family,
            "severity": str(self.severity),
            "name": self.name,
            "message": self.message,
            "recipient_id": self.recipient_id,
            "part": self.part,
            "evidence": self.evidence.to_dict(),
            "args": {k: v for k, v in self.args.items() if isinstance(v, (str, int, float, bool, type(None)))},
        }

    @classmethod
    def from_dict(cls, data: dict) -> Finding:
        ev = data.get("evidence") or {}
        return cls(
            code=data["code"],
            family=data["family"],
            severity=Severity.parse(data["severity"]),
            message=data["message"],
            recipient_id=data.get("recipient_id"),
            part=data["part"],
            name=data.get("name", ""),
            evidence=Evidence(ev.get("text"), ev.get("start"), ev.get("end"), ev.get("line"), list(ev.get("data", []))),
            args=dict(data.get("args") or {}),
        )
