"""The check report of a run (findings.schema.json), independent of how it is printed."""

from __future__ import annotations

from dataclasses import dataclass, field

from preview.checks.model import Finding, Severity

SCHEMA_VERSION = 1


@dataclass
class Report:
    """Findings and input errors of one check run; template-level findings are kept once.

    With ``keep_recipient_findings`` off, per-recipient findings are only counted (verdict and
    counts stay right) so that a run over a whole audience, whose findings go to the store as
    they come, holds memory that does not grow with the audience.
    """

    campaign: dict = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    recipients_checked: int = 0
    keep_recipient_findings: bool = True
    omitted: int = 0  # per-recipient findings counted but not kept
    _template_keys: set = field(default_factory=set, repr=False)
    _omitted_by: dict = field(default_factory=dict, repr=False)  # (severity, family) -> count

    def add(self, finding: Finding) -> bool:
        """Add a finding; a template-level one already present is dropped. True if kept."""
        if finding.recipient_id is None:
            if finding.key in self._template_keys:
                return False
            self._template_keys.add(finding.key)
        elif not self.keep_recipient_findings:
            self.omitted += 1
            key = (finding.severity, finding.family)
            self._omitted_by[key] = self._omitted_by.get(key, 0) + 1
            return False
        self.findings.append(finding)
        return True

    def _severities(self):
        yield from (f.severity for f in self.findings)
        yield from (severity for severity, _ in self._omitted_by)

    @property
    def verdict(self) -> str:
        """``block`` if any finding blocks, else ``warn`` if any warns, else ``pass``."""
        worst = max(self._severities(), default=Severity.INFO)
        if worst >= Severity.BLOCK:
            return "block"
        if worst >= Severity.WARN:
            return "warn"
        return "pass"

    def counts(self) -> dict:
        """Findings by severity and by family (those only counted included)."""
        by_severity = {"block": 0, "warn": 0, "info": 0}
        by_family: dict[str, int] = {}
        for f in self.findings:
            by_severity[str(f.severity)] += 1
            by_family[f.family] = by_family.get(f.family, 0) + 1
        for (severity, family), n in self._omitted_by.items():
            by_severity[str(severity)] += n
            by_family[family] = by_family.get(family, 0) + n
        return {"severity": by_severity, "family": dict(sorted(by_family.items()))}

    def reaches(self, level: str) -> bool:
        """Whether any finding is at or above ``level`` (block or warn)."""
        threshold = Severity.parse(level)
        return any(s >= threshold for s in self._severities())

    def to_dict(self) -> dict:
        """The report as findings.schema.json defines it (with ``counts`` added)."""
        return {
            "schema_version": SCHEMA_VERSION,
            "campaign": self.campaign,
            "verdict": self.verdict,
            "recipients_checked": self.recipients_checked,
            "counts": self.counts(),
            "findings": [f.to_dict() for f in self.findings],
            "errors": list(self.errors),
            **({"findings_omitted": self.omitted} if self.omitted else {}),
        }
