"""The one error type for bad input: it names the file, the line and the field."""

from __future__ import annotations


class InputError(ValueError):
    """Input that cannot be used, with where it is and what to fix.

    ``location`` is ``file:line`` (or just the file), ``field`` a dotted path such as
    ``orders[0].items[1].sku``; ``str()`` gives one line fit for a terminal.
    """

    def __init__(self, message: str, *, location: str | None = None, field: str | None = None):
        self.message = message
        self.location = location
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        what = f"field '{self.field}': " if self.field else ""
        return f"{where}{what}{self.message}"

    def as_dict(self, recipient_id: str | None = None) -> dict:
        """The report's ``errors[]`` entry for this error."""
        what = f"field '{self.field}': " if self.field else ""
        out: dict = {"message": f"{what}{self.message}", "recipient_id": recipient_id}
        if self.location:
            out["location"] = self.location
        return out
