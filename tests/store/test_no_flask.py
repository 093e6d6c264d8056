"""DESIGN.md: the core packages never import Flask, so batch workers and the CLI stay light."""

import subprocess
import sys
import textwrap

CORE = ["preview.contract", "preview.rendering", "preview.checks", "preview.sampling", "preview.pipeline", "preview.store", "preview.settings", "preview.report"]


def test_the_core_packages_do_not_import_flask():
    script = textwrap.dedent(
        f"""
        import importlib, pkgutil, sys
        names = {CORE!r}
        for name in names:
            module = importlib.import_module(name)
            # Every module of a package, so a lazy import deep inside cannot hide Flask.
            for info in pkgutil.walk_packages(getattr(module, "__path__", []), name + "."):
                importlib.import_module(info.name)
        from preview.checks.registry import Registry
        Registry()  # loads every built-in check module and the installed plugins
        loaded = sorted(m for m in sys.modules if m == "flask" or m.startswith("flask.") or m == "werkzeug")
        print(",".join(loaded))
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"imported by the core: {result.stdout.strip()}"

