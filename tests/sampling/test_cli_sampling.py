"""`preview check --sample N --strategy ...`: the sampling options, the coverage report on stderr,
and the ``sampling`` field of the JSON report."""

import json

import pytest
from click.testing import CliRunner

from preview.cli import main
from tests.conftest import write_jsonl
from tests.reporters.test_json_report import validate as validate_report
from tests.sampling.conftest import TEMPLATES

WEDDING = str(TEMPLATES / "wedding-congratulations.mjml")


@pytest.fixture
def people(tmp_path, audience):
    return write_jsonl(tmp_path / "people.jsonl", audience[:300])


def check(*args):
    return CliRunner().invoke(main, ["check", *map(str, args)], catch_exceptions=False)


def test_coverage_report_goes_to_stderr_in_text_mode(people):
    result = check(WEDDING, "-r", people, "--sample", 10, "--strategy", "coverage", "-q")
    assert result.exit_code in (0, 1), result.output
    lines = result.stderr.splitlines()
    assert lines[0] == "branch coverage: 5 of 6 arms reached by 300 recipients scanned; 5 shown in the sample"
    assert lines[1] == "  line 48: {%- for item in recipient.recommendations[:3] %} -> empty never taken"
    assert "10 recipients checked" in result.stdout


def test_max_scan_is_reported_when_it_cuts_the_scan_short(people):
    result = check(WEDDING, "-r", people, "--sample", 10, "--strategy", "coverage", "--max-scan", 3, "-q")
    assert "reached by the first 3 of 300 recipients (max_scan)" in result.stderr.splitlines()[0]


def test_json_report_gains_a_sampling_field_and_stays_valid(people):
    result = check(WEDDING, "-r", people, "--sample", 50, "--strategy", "edge", "--format", "json", "--seed", 2)
    data = json.loads(result.stdout)
    validate_report(data)
    sampling = data["sampling"]
    assert (sampling["strategy"], sampling["size"], sampling["seed"], sampling["population"], sampling["chosen"]) == ("edge", 50, "2", 300, 50)
    assert data["recipients_checked"] == 50
    chosen = [r["id"] for r in sampling["recipients"]]
    assert len(set(chosen)) == 50
    assert {f["recipient_id"] for f in data["findings"]} - {None} <= set(chosen)
    reasons = {reason for r in sampling["recipients"] for reason in r["reasons"]}
    assert {"minor", "deceased", "random"} <= reasons
    assert result.stderr == ""  # nothing the sample could not show


def test_json_coverage_names_the_arms_nobody_reaches(people):
    result = check(WEDDING, "-r", people, "--sample", 8, "--strategy", "coverage", "--format", "json")
    coverage = json.loads(result.stdout)["sampling"]["coverage"]
    assert [arm["text"] for arm in coverage["unreached"]] == ["line 48: {%- for item in recipient.recommendations[:3] %} -> empty never taken"]
    assert (coverage["arms"], coverage["reached"], coverage["scanned"]) == (6, 5, 300)
    assert result.stderr == ""  # JSON carries it; stderr stays for errors


def test_random_is_the_default_strategy_and_checking_everyone_adds_nothing(people, tmp_path, audience):
    plain = json.loads(check(WEDDING, "-r", people, "--sample", 5, "--format", "json").stdout)
    explicit = json.loads(check(WEDDING, "-r", people, "--sample", 5, "--strategy", "random", "--format", "json").stdout)
    assert plain == explicit and plain["sampling"]["strategy"] == "random"
    few = write_jsonl(tmp_path / "few.jsonl", audience[:12])
    everyone = json.loads(check(WEDDING, "-r", few, "--format", "json").stdout)
    assert "sampling" not in everyone and everyone["recipients_checked"] == 12


def test_a_sample_too_small_for_the_segments_says_so(people):
    result = check(WEDDING, "-r", people, "--sample", 2, "--strategy", "stratified", "-q")
    assert result.stderr.startswith("sampling: 4 of 6 strata got no seat (a sample of 2 is too small): ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--strategy", "edge"], "--strategy and --max-scan choose a sample: give its size with --sample N"),
        (["--sample", "5", "--max-scan", "10"], "--max-scan only applies to --strategy coverage"),
    ],
)
def test_sampling_options_without_their_partner_are_usage_errors(people, args, message):
    result = check(WEDDING, "-r", people, *args)
    assert result.exit_code == 2 and message in result.stderr
