"""Reading input files as text, with the errors every reader gives the same way."""

from __future__ import annotations

from pathlib import Path

from preview.contract.errors import InputError


def read_text(path: str | Path) -> str:
    """The UTF-8 text of ``path`` (a byte-order mark is dropped), or :class:`InputError`."""
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("no such file", location=str(path)) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file", location=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", location=str(path)) from None
