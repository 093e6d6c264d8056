"""The check engine: specs, findings, the plugin registry and one module per family."""

from preview.checks.check import Check, check
from preview.checks.context import CheckContext
from preview.checks.hookspecs import hookimpl
from preview.checks.model import CheckSpec, Evidence, Finding, Severity
from preview.checks.registry import CheckSettings, Registry, RegistryError

__all__ = [
    "Check",
    "CheckContext",
    "CheckSettings",
    "CheckSpec",
    "Evidence",
    "Finding",
    "Registry",
    "RegistryError",
    "Severity",
    "check",
    "hookimpl",
]
