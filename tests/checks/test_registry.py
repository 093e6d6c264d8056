"""The check registry: plugins through the entry-point group, clear errors, deployment settings.

The third-party plugin is a real installed distribution: a package and its ``.dist-info`` with
``entry_points.txt`` written to a temporary folder on the path, which importlib.metadata finds
exactly as it finds anything pip installed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from preview.checks.check import Check, check
from preview.checks.hookspecs import hookimpl
from preview.checks.model import CheckSpec, Severity
from preview.checks.registry import CheckSettings, Registry, RegistryError
from tests.conftest import ROOT, make, mjml, recipient, run_checks, write_jsonl

PLUGIN_SOURCE = '''
"""A third-party check plugin: flags the word 'llama' in the visible text."""

import re

from preview.checks import check, hookimpl


@check(code="LLM001", family="llama", name="llama-word", severity="warn",
       summary="The copy mentions llamas.", why="A plugin test.", bad="Llamas!", good="Alpacas!",
       message="mentions {word}")
def llama_word(message, recipient, ctx):
    for m in re.finditer(r"llama", message.body_text, re.I):
        yield ctx.finding(llama_word, message, recipient, part="html", start=m.start(), end=m.end(), word=m.group())


@hookimpl
def campaign_preview_checks():
    return [llama_word]


@hookimpl
def campaign_preview_rule_dirs():
    from pathlib import Path
    return [Path(__file__).parent / "rules"]
'''


def install_plugin(site: Path, name: str = "llama_checks", source: str = PLUGIN_SOURCE) -> Path:
    """Write package ``name`` and its dist-info (with the entry point) into ``site``."""
    package = site / name
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(textwrap.dedent(source))
    (package / "rules").mkdir()
    (package / "rules" / "plugin_words.yaml").write_text("- id: llama\n  phrases: [llama]\n")
    dist = site / f"{name}-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name.replace('_', '-')}\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(f"[campaign_preview]\n{name} = {name}\n")
    (dist / "RECORD").write_text("")
    return site


@pytest.fixture
def plugin_site(tmp_path, monkeypatch):
    site = install_plugin(tmp_path / "site")
    monkeypatch.syspath_prepend(str(site))
    yield site
    sys.modules.pop("llama_checks", None)


def test_installed_plugin_is_found_through_the_entry_point(plugin_site):
    registry = Registry()
    assert "LLM001" in [c.spec.code for c in registry.all]
    assert "llama" in registry.families()
    # Its rule folder is loaded too.
    assert [e["id"] for e in registry.rules.entries("plugin_words")] == ["llama"]


def test_a_plugin_that_fails_to_import_is_named(tmp_path, monkeypatch):
    site = install_plugin(tmp_path / "site", "broken_checks", "raise ImportError('needs numpy')\n")
    monkeypatch.syspath_prepend(str(site))
    with pytest.raises(RegistryError, match=r"plugin 'broken_checks' \(broken_checks\) could not be loaded: ImportError: needs numpy"):
        Registry()


def test_a_plugin_whose_hook_raises_is_named():
    class Plugin:
        @hookimpl
        def campaign_preview_checks(self):
            raise KeyError("oops")

    with pytest.raises(RegistryError, match="failed to list its checks: KeyError"):
        Registry(plugins=[Plugin()], entry_points=False)


def test_entry_points_can_be_left_out(plugin_site):
    assert "LLM001" not in [c.spec.code for c in Registry(entry_points=False).all]


def test_installed_plugin_runs_through_the_cli(tmp_path):
    """``preview check`` in a real process finds the installed plugin and reports its finding."""
    site = install_plugin(tmp_path / "site")
    campaign = tmp_path / "llama.mjml"
    campaign.write_text(
        "---\nsubject: Hi\npreheader: News\nfrom_name: Acme\n---\n"
        + mjml("<mj-text>Meet our llama, {{ recipient.first_name }}.</mj-text>")
    )
    people = write_jsonl(tmp_path / "people.jsonl", [recipient("r1"), recipient("r2")])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), str(ROOT)]))
    done = subprocess.run(
        [sys.executable, "-m", "preview", "check", str(campaign), "-r", str(people), "--format", "json", "-q"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )
    assert done.returncode in (0, 1), done.stderr
    report = json.loads(done.stdout)
    llama = [f for f in report["findings"] if f["code"] == "LLM001"]
    # Static template text: one template-level finding, not one per recipient.
    assert len(llama) == 1
    assert llama[0]["recipient_id"] is None
    assert llama[0]["evidence"]["text"] == "llama"
    assert llama[0]["family"] == "llama"


def _plugin(*checks):
    class Plugin:
        @hookimpl
        def campaign_preview_checks(self):
            return list(checks)

    return Plugin()


def _spec(code="ZZZ001", name="zzz", family="zzz", severity="warn") -> dict:
    return dict(code=code, family=family, name=name, severity=severity, summary="s", why="w", bad="b", good="g")


def test_duplicate_code_is_a_clear_error():
    first = check(**_spec("ZZZ001", "first"))(lambda m, r, c: ())
    second = check(**_spec("ZZZ001", "second"))(lambda m, r, c: ())
    with pytest.raises(RegistryError, match=r"ZZZ001 is claimed twice \(first and second"):
        Registry(plugins=[_plugin(first), _plugin(second)], entry_points=False)


def test_a_plugin_cannot_take_a_builtin_code():
    clash = check(**_spec("RND001", "my-syntax"))(lambda m, r, c: ())
    with pytest.raises(RegistryError, match="RND001 is claimed twice"):
        Registry(plugins=[_plugin(clash)], entry_points=False)


@pytest.mark.parametrize("returned", [lambda m, r, c: (), "LNK001", CheckSpec(**_spec())])
def test_a_non_check_return_is_a_clear_error(returned):
    with pytest.raises(RegistryError, match="which is not a check"):
        Registry(plugins=[_plugin(returned)], entry_points=False)


def test_a_bad_spec_fails_where_it_is_written():
    with pytest.raises(ValueError, match="must look like ABC123"):
        check(**_spec("zz1"))
    with pytest.raises(ValueError, match="unknown severity"):
        check(**_spec(severity="fatal"))
    with pytest.raises(ValueError, match="scope"):
        check(**_spec(), scope="everyone")


def test_checks_are_sorted_by_code_and_builtins_are_registered():
    registry = Registry(entry_points=False)
    codes = [c.spec.code for c in registry.all]
    assert codes == sorted(codes)
    assert {"RND001", "RND009"} <= set(codes)
    assert registry.get("RND003").spec.name == "mjml-error"
    with pytest.raises(KeyError):
        registry.get("NOP999")


def test_severity_overrides_by_code_name_and_family_with_code_winning():
    spec = Registry(entry_points=False).get("RND003").spec  # mjml-error, render-error, block
    by_family = Registry(CheckSettings.from_mapping({"render-error": "info"}), entry_points=False)
    assert by_family.severity(spec) is Severity.INFO
    by_name = Registry(CheckSettings.from_mapping({"mjml-error": "warn", "render-error": "info"}), entry_points=False)
    assert by_name.severity(spec) is Severity.WARN
    by_code = Registry(CheckSettings.from_mapping({"RND003": "info", "mjml-error": "warn"}), entry_points=False)
    assert by_code.severity(spec) is Severity.INFO
    with pytest.raises(ValueError, match="unknown severity"):
        CheckSettings.from_mapping({"RND003": "loud"})


def test_severity_override_changes_the_findings_and_the_verdict():
    campaign = make(mjml("<mj-column><mj-text>broken</mj-column>"), subject="Hi")
    registry = Registry(CheckSettings.from_mapping({"RND003": "warn"}), entry_points=False)
    report, results = run_checks(campaign, [recipient()], registry)
    mjml_errors = [f for f in report.findings if f.code == "RND003"]
    assert mjml_errors and all(f.severity is Severity.WARN for f in mjml_errors)
    assert report.verdict in ("warn", "block")
    assert not any(f.severity is Severity.BLOCK and f.code == "RND003" for f in report.findings)


@pytest.mark.parametrize("switch", ["RND003", "mjml-error", "render-error"])
def test_disabled_checks_do_not_run(switch):
    registry = Registry(CheckSettings.from_mapping(disabled=[switch]), entry_points=False)
    assert "RND003" not in [c.spec.code for c in registry.enabled()]
    assert "RND003" in [c.spec.code for c in registry.all]
    campaign = make(mjml("<mj-column><mj-text>broken</mj-column>"), subject="Hi")
    report, _ = run_checks(campaign, [recipient()], registry)
    assert "RND003" not in {f.code for f in report.findings}


def test_plugins_passed_in_run_like_installed_ones():
    seen = []

    @check(**_spec("ZZZ002", "sees-everyone"), message="saw {who}", scope="recipient")
    def sees(message, recipient, ctx):
        seen.append(recipient["id"])
        yield ctx.finding(sees, message, recipient, part="data", who=recipient["id"])

    report, _ = run_checks(make(mjml("<mj-text>Hi</mj-text>")), [recipient("a"), recipient("b")], Registry(plugins=[_plugin(sees)], entry_points=False))
    assert seen == ["a", "b"]
    assert [f.message for f in report.findings if f.code == "ZZZ002"] == ["saw a", "saw b"]


def test_check_objects_are_accepted_as_plugins_return():
    class Counting(Check):
        def run(self, message, recipient, ctx):
            return ()

    item = Counting(CheckSpec(**_spec("ZZZ003", "counting")))
    assert "ZZZ003" in [c.spec.code for c in Registry(plugins=[_plugin(item)], entry_points=False).all]
