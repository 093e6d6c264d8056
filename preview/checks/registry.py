"""The registry of checks, built with pluggy from the built-in plugin and installed plugins."""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

import pluggy

from preview.checks.check import Check
from preview.checks.hookspecs import PROJECT, CheckHooks
from preview.checks.model import CheckSpec, Severity
from preview.checks.rules import Rules


class RegistryError(ValueError):
    """Two checks claim one code, or a plugin returned something that is not a check."""


@dataclass(frozen=True)
class CheckSettings:
    """Deployment choices: severity per code or family, and checks switched off.

    Keys of ``severity`` and members of ``disabled`` are check codes (``LNK001``), families
    (``links``) or check names; a code wins over a family.
    """

    severity: dict = field(default_factory=dict)
    disabled: frozenset = frozenset()
    options: dict = field(default_factory=dict)
    rule_dirs: tuple = ()

    @classmethod
    def from_mapping(cls, severity=None, disabled=None, options=None, rule_dirs=()) -> CheckSettings:
        parsed = {str(k): Severity.parse(v) for k, v in (severity or {}).items()}
        return cls(parsed, frozenset(disabled or ()), dict(options or {}), tuple(rule_dirs or ()))


class Registry:
    """All checks known to this process, with the deployment's settings applied."""

    def __init__(self, settings: CheckSettings | None = None, *, plugins: Iterable = (), entry_points: bool = True):
        self.settings = settings or CheckSettings()
        self.pm = pluggy.PluginManager(PROJECT)
        self.pm.add_hookspecs(CheckHooks)
        from preview.checks import builtin

        self.pm.register(builtin, name="builtin")
        for plugin in plugins:
            self.pm.register(plugin)
        if entry_points:
            self._load_entry_points()
        self._all = self._collect()

    def _load_entry_points(self) -> None:
        """Register every installed plugin of the ``campaign_preview`` entry-point group."""
        for ep in importlib.metadata.entry_points(group=PROJECT):
            if self.pm.get_plugin(ep.name) is not None or self.pm.is_blocked(ep.name):
                continue  # the same distribution seen twice on the path
            try:
                plugin = ep.load()
            except Exception as exc:
                raise RegistryError(f"plugin {ep.name!r} ({ep.value}) could not be loaded: {type(exc).__name__}: {exc}") from exc
            self.pm.register(plugin, name=ep.name)

    def _collect(self) -> list[Check]:
        by_code: dict[str, Check] = {}
        # Call each implementation ourselves so that an error can name the plugin at fault.
        for impl in self.pm.hook.campaign_preview_checks.get_hookimpls():
            try:
                returned = impl.function() or ()
            except Exception as exc:
                raise RegistryError(f"plugin {impl.plugin_name!r} failed to list its checks: {type(exc).__name__}: {exc}") from exc
            for item in returned:
                if not isinstance(item, Check):
                    raise RegistryError(f"plugin {impl.plugin_name!r} returned {item!r}, which is not a check")
                code = item.spec.code
                if code in by_code:
                    raise RegistryError(
                        f"check code {code} is claimed twice ({by_code[code].spec.name} and "
                        f"{item.spec.name} from plugin {impl.plugin_name!r})"
                    )
                by_code[code] = item
        return sorted(by_code.values(), key=lambda c: c.spec.code)

    def rule_dirs(self) -> list:
        """Extra rule folders: the deployment's, then those plugins contribute."""
        plugin_dirs = [d for result in self.pm.hook.campaign_preview_rule_dirs() for d in (result or ())]
        return [*self.settings.rule_dirs, *plugin_dirs]

    @cached_property
    def rules(self) -> Rules:
        """The rule files (built-in plus extra folders), compiled on first use."""
        return Rules(self.rule_dirs())

    @property
    def all(self) -> list[Check]:
        """Every registered check, enabled or not, by code."""
        return list(self._all)

    def enabled(self) -> list[Check]:
        """The checks this deployment runs."""
        return [c for c in self._all if not self.is_disabled(c.spec)]

    def is_disabled(self, spec: CheckSpec) -> bool:
        off = self.settings.disabled
        return spec.code in off or spec.family in off or spec.name in off

    def severity(self, spec: CheckSpec) -> Severity:
        """The severity this deployment gives findings of ``spec``."""
        s = self.settings.severity
        for key in (spec.code, spec.name, spec.family):
            if key in s:
                return s[key]
        return spec.severity

    def get(self, code: str) -> Check:
        for c in self._all:
            if c.spec.code == code:
                return c
        raise KeyError(code)

    def families(self) -> list[str]:
        return sorted({c.spec.family for c in self._all})
