"""Campaign files: YAML front matter between ``---`` lines, then an MJML or HTML body (spec/campaign.md)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from preview.contract.errors import InputError
from preview.contract.files import read_text
from preview.contract.schema import schema

TEXT_FIELDS = ("name", "subject", "preheader", "from_name", "text")
# Front-matter strings that are Jinja2 templates themselves, rendered per recipient.
TEMPLATE_FIELDS = ("subject", "preheader", "from_name", "text")
FORMATS = ("mjml", "html")


@dataclass(frozen=True)
class Campaign:
    """A parsed campaign file. ``body_line`` is the file line the body starts on."""

    path: str
    name: str
    format: str
    body: str
    body_line: int = 1
    subject: str | None = None
    preheader: str | None = None
    from_name: str | None = None
    text: str | None = None
    send_date: dt.date | None = None
    occasion: str | None = None
    front: dict = field(default_factory=dict)
    field_lines: dict = field(default_factory=dict)
    source: str = ""

    def field_line(self, name: str) -> int:
        """The file line of front-matter field ``name`` (1 when unknown)."""
        return self.field_lines.get(name, 1)

    def as_context(self) -> dict:
        """What templates read as ``campaign``: the front matter, with defaults filled in."""
        out = dict(self.front)
        out.update(name=self.name, format=self.format, occasion=self.occasion)
        if self.send_date:
            out["send_date"] = self.send_date.isoformat()
        return out


def occasions() -> list[str]:
    """The occasion ids of recipient.schema.json."""
    return list(schema("recipient")["$defs"]["occasion"]["enum"])


def load_campaign(path: str | Path) -> Campaign:
    """Read and parse a campaign file, or raise :class:`InputError` naming the line and field."""
    return parse_campaign(read_text(path), str(path))


def parse_campaign(text: str, path: str = "campaign.mjml") -> Campaign:
    """Parse campaign ``text``; ``path`` names it in errors and gives the default name and format."""
    text = text.replace("\r\n", "\n")
    lines = text.split("\n")
    front: dict = {}
    field_lines: dict = {}
    body_line = 1
    body = text
    if lines and lines[0].strip() == "---":
        try:
            end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
        except StopIteration:
            raise InputError("front matter opened with '---' on line 1 is never closed by a '---' line", location=f"{path}:1") from None
        yaml_text = "\n".join(lines[1:end])
        front, field_lines = _parse_front(yaml_text, path)
        body_line = end + 2
        body = "\n".join(lines[end + 1 :])
    stem = Path(path).stem
    fmt = _format(front, path, body, field_lines)
    values = {}
    for name in TEXT_FIELDS:
        if name in front and front[name] is not None:
            value = front[name]
            if isinstance(value, (dict, list)):
                raise InputError(f"expected text, got a {type(value).__name__}", location=f"{path}:{field_lines.get(name, 1)}", field=name)
            values[name] = str(value)
    send_date = _send_date(front.get("send_date"), path, field_lines)
    occasion = front.get("occasion")
    if occasion is not None and occasion not in occasions():
        raise InputError(
            f"{occasion!r} is not a known occasion; use one of: {', '.join(occasions())}",
            location=f"{path}:{field_lines.get('occasion', 1)}",
            field="occasion",
        )
    return Campaign(
        path=path,
        name=values.pop("name", None) or stem,
        format=fmt,
        body=body,
        body_line=body_line,
        send_date=send_date,
        occasion=occasion,
        front=front,
        field_lines=field_lines,
        source=text,
        **values,
    )


def _parse_front(yaml_text: str, path: str) -> tuple[dict, dict]:
    try:
        node = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(yaml_text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1  # +1 for 1-based, +1 for the opening '---'
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(f"front matter is not valid YAML: {problem}", location=f"{path}:{line}") from None
    if data is None:
        return {}, {}
    if not isinstance(data, dict):
        raise InputError("front matter must be a mapping of 'key: value' lines", location=f"{path}:2")
    field_lines = {}
    for key_node, _ in node.value:
        field_lines[str(key_node.value)] = key_node.start_mark.line + 2
    return {str(k): v for k, v in data.items()}, field_lines


def _format(front: dict, path: str, body: str, field_lines: dict) -> str:
    declared = front.get("format")
    if declared is not None:
        if declared not in FORMATS:
            raise InputError(
                f"{declared!r} is not a body format; use 'mjml' or 'html'",
                location=f"{path}:{field_lines.get('format', 1)}",
                field="format",
            )
        return declared
    suffix = Path(path).suffix.lower()
    if suffix == ".mjml":
        return "mjml"
    if suffix in (".html", ".htm"):
        return "html"
    return "mjml" if "<mjml" in body else "html"


def _send_date(value, path: str, field_lines: dict) -> dt.date | None:
    if value is None or isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InputError(
            f"expected a date like 2026-12-10, got {value!r}",
            location=f"{path}:{field_lines.get('send_date', 1)}",
            field="send_date",
        ) from None
