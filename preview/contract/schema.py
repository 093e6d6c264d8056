"""The JSON schemas of spec/ shipped with the package, and readable error paths."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

import jsonschema_rs
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match


@cache
def schema(name: str) -> dict:
    """The parsed schema ``name`` (``recipient`` or ``findings``)."""
    text = resources.files("preview.contract").joinpath(f"schemas/{name}.schema.json").read_text()
    return json.loads(text)


@cache
def validator(name: str) -> Draft202012Validator:
    """A compiled validator for schema ``name`` that also checks ``format: date``."""
    return Draft202012Validator(schema(name), format_checker=FormatChecker())


@cache
def fast_validator(name: str):
    """A compiled Rust validator (jsonschema-rs) for schema ``name``: about 100x faster than
    the pure-Python one, so it answers "valid?" for every record; the Python validator only
    runs on the rare invalid record, to describe the error the same way everywhere."""
    return jsonschema_rs.validator_for(schema(name), validate_formats=True)


def field_path(parts) -> str:
    """``['orders', 0, 'items', 1, 'sku']`` -> ``orders[0].items[1].sku``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def describe(error: ValidationError) -> tuple[str, str]:
    """The field a validation error is about and a message that says what to fix."""
    path = list(error.absolute_path)
    if error.validator == "required":
        # jsonschema reports the parent; name the missing field itself.
        missing = error.message.split("'")[1] if "'" in error.message else ""
        return field_path([*path, missing]), "is required but missing"
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        name = field_path([*path, extra[0]]) if extra else field_path(path)
        hint = " (custom fields go in 'attributes')" if not path else ""
        return name, f"is not a known field{hint}"
    if error.validator == "enum":
        allowed = ", ".join(repr(v) for v in error.validator_value)
        return field_path(path), f"{error.instance!r} is not one of {allowed}"
    if error.validator == "format":
        return field_path(path), f"{error.instance!r} is not a valid {error.validator_value} (use YYYY-MM-DD)"
    if error.validator == "type":
        want = error.validator_value
        want = " or ".join(want) if isinstance(want, list) else want
        return field_path(path), f"expected {want}, got {type(error.instance).__name__} {error.instance!r:.60}"
    return field_path(path), error.message


def first_error(name: str, instance) -> tuple[str, str] | None:
    """``(field, message)`` of the most relevant error of ``instance`` against ``name``."""
    if fast_validator(name).is_valid(instance):
        return None
    v = validator(name)
    if v.is_valid(instance):  # the two engines disagree: trust the reference implementation
        return None
    return describe(best_match(v.iter_errors(instance)))
