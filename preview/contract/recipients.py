"""Recipient files: ``.jsonl``, ``.json`` (an array) and ``.csv``, validated against the schema.

Every record comes with the line it starts on, so an error can say ``file:line`` and the field.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from preview.contract.errors import InputError
from preview.contract.files import read_text
from preview.contract.schema import first_error, schema

# CSV columns whose cells hold JSON (lists and objects in the record).
_JSON_COLUMNS = {
    "attributes",
    "attribute_sources",
    "preferences",
    "life_events",
    "orders",
    "activity",
    "recommendations",
}
_NULLABLE_TEXT = {"first_name", "last_name", "birth_date", "locale", "timezone"}
_TRUE = {"true", "yes", "1", "y", "t"}
_FALSE = {"false", "no", "0", "n", "f", ""}


@dataclass(frozen=True)
class Row:
    """One recipient row of a file: the record, or the error that stops it being used."""

    line: int
    record: dict | None
    error: InputError | None = None


def validate_recipient(record, location: str | None = None) -> dict:
    """Return ``record`` if it satisfies recipient.schema.json, else raise :class:`InputError`."""
    if not isinstance(record, dict):
        raise InputError(f"expected a JSON object, got {type(record).__name__}", location=location)
    problem = first_error("recipient", record)
    if problem:
        field, message = problem
        raise InputError(message, location=location, field=field)
    return record


def iter_rows(path: str | Path) -> Iterator[Row]:
    """Yield every row of a recipient file, validated, each with its line.

    Raises :class:`InputError` only when the file as a whole cannot be read (missing, unknown
    type, not JSON at all); a bad row is yielded as a ``Row`` with ``error`` set so that a caller
    can choose to stop (an import) or report and go on (a check). Duplicate ids are row errors.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", location=str(path))
    suffix = path.suffix.lower()
    if suffix == ".jsonl" or suffix == ".ndjson":
        raw = _jsonl_rows(path)
    elif suffix == ".json":
        raw = _json_array_rows(path)
    elif suffix == ".csv":
        raw = _csv_rows(path)
    else:
        raise InputError("unknown recipient file type: use .jsonl, .json or .csv", location=str(path))
    seen: dict[str, int] = {}
    for line, record, error in raw:
        location = f"{path}:{line}"
        if error is None:
            try:
                validate_recipient(record, location)
            except InputError as exc:
                error = exc
        if error is None:
            rid = record["id"]
            if rid in seen:
                error = InputError(
                    f"duplicate id {rid!r} (first on line {seen[rid]})", location=location, field="id"
                )
            else:
                seen[rid] = line
        yield Row(line, None if error else record, error)


def iter_recipients(path: str | Path) -> Iterator[dict]:
    """Yield valid records; raise :class:`InputError` at the first bad row."""
    for row in iter_rows(path):
        if row.error:
            raise row.error
        yield row.record


def load_recipients(path: str | Path) -> list[dict]:
    """All records of a file, or :class:`InputError` naming the first bad row."""
    return list(iter_recipients(path))


def _jsonl_rows(path: Path):
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line), None
        except json.JSONDecodeError as exc:
            yield number, None, InputError(f"not valid JSON: {exc.msg} at column {exc.colno}", location=f"{path}:{number}")


def _json_array_rows(path: Path):
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg} at column {exc.colno}", location=f"{path}:{exc.lineno}") from None
    if not isinstance(data, list):
        raise InputError("a .json recipient file must hold an array of records", location=f"{path}:1")
    # json gives no positions for array elements; walk the array once to find where each starts.
    decoder = json.JSONDecoder()
    index = text.index("[") + 1
    for element in data:
        while text[index] in " \t\r\n,":
            index += 1
        line = text.count("\n", 0, index) + 1
        _, index = decoder.raw_decode(text, index)
        yield line, element, None


def _csv_rows(path: Path):
    props = schema("recipient")["properties"]
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        for column in header:
            top = column.split(".", 1)[0]
            if top not in props:
                raise InputError(
                    f"unknown column {column!r}: use the field names of recipient.schema.json "
                    "(custom fields as 'attributes.NAME')",
                    location=f"{path}:1",
                )
        line = 2
        for row in reader:
            start = line
            line = reader.line_num + 1
            try:
                yield start, _csv_record(row, path, start), None
            except InputError as exc:
                yield start, None, exc


def _csv_record(row: dict, path: Path, line: int) -> dict:
    record: dict = {}
    location = f"{path}:{line}"
    for column, cell in row.items():
        if column is None:
            raise InputError("more cells than columns in the header", location=location)
        cell = (cell or "").strip()
        if "." in column:
            top, sub = column.split(".", 1)
            if cell == "":
                continue
            if top == "preferences" and sub == "occasion_opt_outs":
                value = [s.strip() for s in cell.split(";") if s.strip()]
            elif top == "preferences":
                value = _bool_cell(cell, column, location)
            else:
                value = cell
            record.setdefault(top, {})[sub] = value
        elif column in _JSON_COLUMNS:
            if cell:
                try:
                    value = json.loads(cell)
                except json.JSONDecodeError as exc:
                    raise InputError(f"cell is not valid JSON: {exc.msg}", location=location, field=column) from None
                if isinstance(value, dict) and isinstance(record.get(column), dict):
                    value = {**value, **record[column]}
                record[column] = value
        elif column == "segments":
            if cell.startswith("["):
                try:
                    record[column] = json.loads(cell)
                except json.JSONDecodeError as exc:
                    raise InputError(f"cell is not valid JSON: {exc.msg}", location=location, field=column) from None
            else:
                record[column] = [s.strip() for s in cell.split(";") if s.strip()]
        elif column == "is_seed":
            record[column] = _bool_cell(cell, column, location)
        elif column in _NULLABLE_TEXT:
            record[column] = cell or None
        elif cell:
            record[column] = cell
    return record


def _bool_cell(cell: str, column: str, location: str) -> bool:
    low = cell.lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise InputError(f"expected true or false, got {cell!r}", location=location, field=column)
