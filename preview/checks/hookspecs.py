"""The plugin hooks (pluggy). Built-in checks register through these exactly as plugins do.

A plugin is a module or object with ``@hookimpl`` functions, found through the entry-point group
``campaign_preview``::

    [project.entry-points.campaign_preview]
    my_checks = "my_package.checks"
"""

from __future__ import annotations

import pluggy

PROJECT = "campaign_preview"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


class CheckHooks:
    """Hook specifications of Campaign Preview."""

    @hookspec
    def campaign_preview_checks(self) -> list:
        """Return a list of checks (functions made with ``@check`` or ``Check`` objects)."""

    @hookspec
    def campaign_preview_rule_dirs(self) -> list:
        """Return folders of extra YAML rule files (phrases, products) to load."""
