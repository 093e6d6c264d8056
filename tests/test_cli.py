"""The ``preview`` command: check, render and checks, through click's runner and real processes."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from preview.checks.docs import render_checks
from preview.checks.registry import Registry
from preview.cli import main
from tests.conftest import CLEAN_BODY, CLEAN_FRONT, ROOT, campaign_text, recipient, write_jsonl
from tests.reporters.conftest import ZEBRA_TEXT
from tests.reporters.test_json_report import validate as validate_report
from tests.reporters.test_sarif import validate as validate_sarif

PLUGIN = "tests.reporters.zebra_plugin"
PREVIEW = Path(sys.executable).parent / "preview"


@pytest.fixture
def work(tmp_path, monkeypatch):
    """A working directory with a clean campaign, the zebra campaign and three recipients."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "clean.mjml").write_text(campaign_text(CLEAN_BODY, **CLEAN_FRONT))
    (tmp_path / "zebra.mjml").write_text(ZEBRA_TEXT)
    write_jsonl(tmp_path / "people.jsonl", [recipient("r1"), recipient("r2", attributes={"stripes": 3}), recipient("r3")])
    return tmp_path


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result


def one_line(result) -> str:
    """The single line the command wrote on stderr (it must be exactly one)."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def zebra(*args):
    return run("check", "zebra.mjml", "-r", "people.jsonl", "--plugin", PLUGIN, *args)


# --- exit codes ---------------------------------------------------------------------------------


def test_clean_campaign_exits_0(work):
    result = run("check", "clean.mjml", "-r", "people.jsonl")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout.rstrip().endswith("3 recipients checked, 0 with findings: 0 block, 0 warn, 0 info -> PASS")


def test_a_blocking_finding_exits_1(work):
    (work / "broken.mjml").write_text(campaign_text(CLEAN_BODY, **{**CLEAN_FRONT, "subject": "Hi {{ recipient.first_name }"}))
    result = run("check", "broken.mjml", "-r", "people.jsonl")
    assert result.exit_code == 1
    assert "BLOCK RND001 subject template does not parse" in result.stdout
    assert result.stderr == ""


def test_fail_on_sets_the_level_that_fails(work):
    assert zebra().exit_code == 0  # ZBR001 only warns
    assert zebra("--fail-on", "warn").exit_code == 1


def test_severity_override_changes_the_exit_code(work):
    assert zebra("--severity", "ZBR001=block").exit_code == 1
    assert zebra("--severity", "zebra=block").exit_code == 1  # a family works too
    (work / "strict.yaml").write_text("severity:\n  zebra-word: block\n")
    assert zebra("--config", "strict.yaml").exit_code == 1
    # The flag wins over the file.
    assert zebra("--config", "strict.yaml", "--severity", "ZBR001=info", "--fail-on", "warn").exit_code == 0


def test_the_default_settings_file_is_read(work):
    (work / "campaign-preview.yaml").write_text("severity:\n  ZBR001: block\n")
    assert zebra().exit_code == 1


def test_a_disabled_check_does_not_run(work):
    result = zebra("--disable", "ZBR001", "--fail-on", "warn", "--format", "json")
    assert result.exit_code == 0
    codes = {f["code"] for f in json.loads(result.stdout)["findings"]}
    assert "ZBR001" not in codes and "ZBR002" in codes
    (work / "quiet.yaml").write_text("disable: zebra\n")  # one name, not a list of letters
    result = zebra("--config", "quiet.yaml", "--format", "json")
    assert [f["code"] for f in json.loads(result.stdout)["findings"]] == []


@pytest.mark.parametrize(
    "args, expected",
    [
        (["check", "nowhere.mjml", "-r", "people.jsonl"], "error: nowhere.mjml: no such file"),
        (["check", "clean.mjml", "-r", "nobody.jsonl"], "error: nobody.jsonl: no such file"),
        (["check", "clean.mjml", "-r", "people.txt"], "error: people.txt: no such file"),
        (["check", "clean.mjml", "-r", "people.jsonl", "--severity", "ZBR001=fatal", "--plugin", PLUGIN],
         "error: --severity: field 'ZBR001': unknown severity 'fatal'; use block, warn or info"),
        (["check", "clean.mjml", "-r", "people.jsonl", "--severity", "ZBR001"], "error: --severity takes CODE=LEVEL, got 'ZBR001'"),
        (["check", "clean.mjml", "-r", "people.jsonl", "--disable", "RND01"],
         "error: --disable: no check, check name or family is called 'RND01' (`preview checks` lists them)"),
        (["check", "clean.mjml", "-r", "people.jsonl", "--plugin", "no_such_plugin_module"],
         "error: --plugin: cannot import plugin module 'no_such_plugin_module': No module named 'no_such_plugin_module'"),
        (["check", "clean.mjml", "-r", "people.jsonl", "-o", "missing/dir/report.txt"],
         "error: missing/dir/report.txt: cannot write the report: No such file or directory"),
        (["render", "clean.mjml", "-r", "people.jsonl", "--id", "r9"], "error: people.jsonl: no recipient with id 'r9'"),
        (["checks", "--family", "linkz"], "error: --family: no family is called 'linkz'; families: "),
    ],
)
def test_input_errors_exit_2_with_one_line(work, args, expected):
    result = run(*args)
    assert result.exit_code == 2
    assert one_line(result).startswith(expected)


def test_malformed_front_matter_exits_2_naming_the_line(work):
    (work / "open.mjml").write_text("---\nname: Open\n<mjml></mjml>\n")
    result = run("check", "open.mjml", "-r", "people.jsonl")
    assert result.exit_code == 2
    assert one_line(result) == "error: open.mjml:1: front matter opened with '---' on line 1 is never closed by a '---' line"
    (work / "bad.mjml").write_text("---\nname: [unclosed\n---\n<mjml></mjml>\n")
    result = run("check", "bad.mjml", "-r", "people.jsonl")
    assert result.exit_code == 2
    assert one_line(result).startswith("error: bad.mjml:")


def test_bad_settings_file_exits_2(work):
    (work / "typo.yaml").write_text("disabled: [ZBR001]\n")
    result = zebra("--config", "typo.yaml")
    assert (result.exit_code, one_line(result)) == (2, "error: typo.yaml: field 'disabled': unknown setting 'disabled'; use severity, disable, options, rule_dirs")
    (work / "list.yaml").write_text("severity: [ZBR001]\n")
    result = zebra("--config", "list.yaml")
    assert (result.exit_code, one_line(result)) == (2, "error: list.yaml: field 'severity': expected a mapping, got list")


def test_bad_recipient_rows_exit_2_and_are_listed_in_the_report(work):
    with (work / "people.jsonl").open("a") as handle:
        handle.write('{"id": "r4"}\nnot json\n')
    result = run("check", "clean.mjml", "-r", "people.jsonl", "--format", "json")
    assert result.exit_code == 2
    assert one_line(result) == (
        "error: 2 recipient row(s) could not be checked; first: people.jsonl:4: field 'email': is required but missing"
    )
    report = json.loads(result.stdout)
    validate_report(report)
    assert report["recipients_checked"] == 3
    assert [e["location"] for e in report["errors"]] == ["people.jsonl:4", "people.jsonl:5"]


def test_usage_errors_exit_2(work):
    result = run("check", "clean.mjml")
    assert result.exit_code == 2
    assert "Missing option '--recipients'" in result.stderr


# --- formats, sampling, output ------------------------------------------------------------------


def test_json_and_sarif_from_the_command_validate(work):
    result = zebra("--format", "json")
    validate_report(json.loads(result.stdout))
    result = zebra("--format", "sarif")
    log = json.loads(result.stdout)
    validate_sarif(log)
    (uri,) = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert uri == "zebra.mjml"


def test_junit_lists_every_checked_recipient(work):
    result = zebra("--format", "junit", "--fail-on", "warn")
    assert result.exit_code == 1
    suite = etree.fromstring(result.stdout.encode()).find("testsuite")
    names = [c.get("name") for c in suite.findall("testcase")]
    assert names == ["template (every recipient)", "recipient r1", "recipient r2", "recipient r3"]
    assert suite.get("failures") == "1"


def sampled(*args) -> list[str]:
    result = run("check", "clean.mjml", "-r", "many.jsonl", "--format", "junit", *args)
    assert result.exit_code == 0, result.output
    return [c.get("name") for c in etree.fromstring(result.stdout.encode()).iter("testcase")][1:]


def test_sample_is_seeded(work):
    write_jsonl(work / "many.jsonl", [recipient(f"p{i}") for i in range(40)])
    first = sampled("--sample", "5", "--seed", "7")
    assert len(first) == 5 and len(set(first)) == 5
    assert sampled("--sample", "5", "--seed", "7") == first
    assert sampled("--sample", "5", "--seed", "8") != first
    assert len(sampled("--sample", "100")) == 40


def test_output_file(work):
    result = zebra("--format", "json", "-o", "report.json")
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads((work / "report.json").read_text())["verdict"] == "warn"


# --- render ----------------------------------------------------------------------------------------


def test_render_writes_one_recipients_email(work):
    result = run("render", "clean.mjml", "-r", "people.jsonl", "--id", "r2")
    assert result.exit_code == 0
    assert "<html" in result.stdout and "Hi Ana," in result.stdout
    result = run("render", "clean.mjml", "-r", "people.jsonl", "--id", "r2", "--part", "subject")
    assert result.stdout == "Ana, the winter collection is here\n"
    result = run("render", "clean.mjml", "-r", "people.jsonl", "--id", "r2", "--part", "mjml", "-o", "r2.mjml")
    assert result.exit_code == 0 and "<mj-text>Hi Ana,</mj-text>" in (work / "r2.mjml").read_text()


def test_render_skips_unreadable_rows_and_names_them_when_the_id_is_missing(work):
    write_jsonl(work / "mixed.jsonl", [{"id": "x1"}, recipient("r7", first_name="Zoe")])
    result = run("render", "clean.mjml", "-r", "mixed.jsonl", "--id", "r7", "--part", "subject")
    assert (result.exit_code, result.stdout) == (0, "Zoe, the winter collection is here\n")
    result = run("render", "clean.mjml", "-r", "mixed.jsonl", "--id", "r8")
    assert one_line(result) == (
        "error: mixed.jsonl: no recipient with id 'r8' (1 unreadable row(s), first: mixed.jsonl:1: field 'email': is required but missing)"
    )


def test_render_errors_exit_2_with_the_line(work):
    text = campaign_text(CLEAN_BODY.replace("Hi {{", "Hi {{ 1 / 0 }}{{"), **CLEAN_FRONT)
    (work / "oops.mjml").write_text(text)
    line = next(i for i, row in enumerate(text.split("\n"), start=1) if "1 / 0" in row)
    result = run("render", "oops.mjml", "-r", "people.jsonl", "--id", "r1")
    assert result.exit_code == 2
    assert one_line(result) == f"error: oops.mjml:{line}: html: ZeroDivisionError: division by zero"


# --- checks ----------------------------------------------------------------------------------------


def test_checks_lists_a_family_with_settings_applied(work):
    result = run("checks", "--plugin", PLUGIN, "--family", "zebra", "--severity", "ZBR001=block", "--disable", "ZBR002")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[:2] == ["zebra", "  ZBR001  block  zebra-word (default warn)"]
    assert "  ZBR002  info   stripe-count  (disabled)" in result.stdout
    assert "RND001" not in result.stdout


def test_checks_json_has_every_check(work):
    items = json.loads(run("checks", "--format", "json").stdout)
    assert {i["code"] for i in items} == {c.spec.code for c in Registry(entry_points=False).all}


def test_checks_markdown_is_what_docs_checks_md_is_made_from(work):
    result = run("checks", "--format", "markdown")
    assert result.stdout == render_checks(Registry(entry_points=False), "markdown")


# --- real processes -------------------------------------------------------------------------------


def env() -> dict:
    """The environment of a child process that can import the test plugin."""
    out = dict(os.environ)
    out["PYTHONPATH"] = os.pathsep.join([str(ROOT), out.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    out.pop("NO_COLOR", None)
    return out


@pytest.mark.parametrize(
    "command, args, code",
    [
        ([str(PREVIEW)], ["check", "clean.mjml", "-r", "people.jsonl"], 0),
        ([sys.executable, "-m", "preview"], ["check", "zebra.mjml", "-r", "people.jsonl", "--plugin", PLUGIN, "--fail-on", "warn"], 1),
        ([str(PREVIEW)], ["check", "clean.mjml", "-r", "nobody.jsonl"], 2),
    ],
)
def test_exit_codes_of_real_processes(work, command, args, code):
    proc = subprocess.run([*command, *args], cwd=work, env=env(), capture_output=True, text=True, timeout=120)
    assert proc.returncode == code, proc.stderr
    if code == 2:
        assert proc.stderr == "error: nobody.jsonl: no such file\n"
    else:
        assert proc.stderr == ""  # no progress either: stderr is not a terminal


def on_a_terminal(args, cwd, stream: str) -> tuple[str, str]:
    """Run ``preview ARGS`` with ``stream`` (stdout or stderr) on a pseudo-terminal; both outputs."""
    leader, follower = pty.openpty()
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, stream: follower}
    proc = subprocess.Popen([str(PREVIEW), *args], cwd=cwd, env=env(), text=True, **pipes)
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal (Linux raises EIO)
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    other = (proc.stderr if stream == "stdout" else proc.stdout).read()
    proc.wait(timeout=120)
    return seen.decode(), other


def test_progress_counter_on_a_terminal(work):
    tty, stdout = on_a_terminal(["check", "clean.mjml", "-r", "people.jsonl", "--format", "json"], work, "stderr")
    assert "checked 3 recipients" in tty
    assert json.loads(stdout)["recipients_checked"] == 3
    quiet, _ = on_a_terminal(["check", "clean.mjml", "-r", "people.jsonl", "-q"], work, "stderr")
    assert quiet == ""


def test_progress_bar_when_the_total_is_known(work):
    tty, _ = on_a_terminal(["check", "clean.mjml", "-r", "people.jsonl", "--sample", "2"], work, "stderr")
    assert "checking" in tty and "2/2" in tty


def test_colour_only_on_a_terminal(work):
    tty, _ = on_a_terminal(["check", "zebra.mjml", "-r", "people.jsonl", "--plugin", PLUGIN], work, "stdout")
    assert "\x1b[" in tty and "WARN" in tty
    piped = subprocess.run([str(PREVIEW), "check", "zebra.mjml", "-r", "people.jsonl", "--plugin", PLUGIN],
                           cwd=work, env=env(), capture_output=True, text=True, timeout=120)
    assert "\x1b[" not in piped.stdout and "WARN" in piped.stdout


def test_preview_check_loads_no_web_code(tmp_path):
    """The store, UI, API and worker commands load on demand: checking a file needs none of them."""
    import subprocess
    import sys

    campaign = tmp_path / "c.html"
    campaign.write_text("<html lang='en'><body>Hi {{ recipient.first_name }}</body></html>")
    people = tmp_path / "r.jsonl"
    people.write_text('{"id": "a", "email": "a@x.org", "first_name": "Ana"}\n')
    code = (
        "import sys; from preview.cli import main\n"
        f"try: main(['check', {str(campaign)!r}, '-r', {str(people)!r}, '-q'])\n"
        "except SystemExit: pass\n"
        "print(sorted(m for m in ('flask', 'celery', 'sqlalchemy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"
