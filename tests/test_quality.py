"""The labelled corpus and ``preview quality``: the thresholds hold, and the harness counts right."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from preview.checks.registry import Registry
from preview.cli import main
from preview.contract.errors import InputError
from preview.quality import (
    MAX_FALSE_ALARMS,
    MIN_RECALL,
    load_cases,
    measure,
    render_scores,
    run_cases,
    score,
)

CASES = Path(__file__).resolve().parent / "quality" / "cases"
MINE = ("gift-context", "returned-item", "data-exposure", "over-personalization", "tone")


@pytest.fixture(scope="module")
def measured():
    registry = Registry(entry_points=False)
    return measure(CASES, registry=registry)


def test_every_family_of_the_corpus_meets_the_targets(measured):
    _, scores = measured
    assert scores, "the corpus scored no family"
    report = render_scores(scores, verbose=True)
    for s in scores:
        assert s.recall is None or s.recall >= MIN_RECALL, report
        assert s.false_alarm_rate is None or s.false_alarm_rate <= MAX_FALSE_ALARMS, report


def test_the_corpus_labels_each_of_these_families_with_misfires_and_clean_twins(measured):
    cases, scores = measured
    mine = [c for c in cases if c.location.startswith(str(CASES / "gifts_returns_exposure_tone.yaml"))]
    assert len({c.recipient["id"] for c in mine}) >= 60
    by_family = {s.family: s for s in scores}
    for family in MINE:
        assert by_family[family].positives >= 5, family
        assert by_family[family].negatives >= 20, family


def test_the_incidents_of_the_families_are_in_the_corpus(measured):
    cases, _ = measured
    incidents = " ".join(c.incident or "" for c in cases)
    for name in ("OfficeMax", "Adidas", "Target", "Amazon"):
        assert name in incidents


CAMPAIGN = """\
---
subject: "Congrats, you survived the Boston Marathon!"
---
<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{ recipient.first_name }}</mj-text></mj-column></mj-section></mj-body></mjml>
"""
CLEAN = CAMPAIGN.replace("you survived", "on finishing")


def write_cases(folder: Path, cases: list[dict], campaigns: dict | None = None, name: str = "cases.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(yaml.safe_dump({"campaigns": campaigns or {"adidas": CAMPAIGN, "finisher": CLEAN}, "cases": cases}, sort_keys=False))
    return path


def case(cid, campaign, expect, **recipient):
    return {"id": cid, "campaign": campaign, "recipient": {"id": cid, "email": f"{cid}@x.org", **recipient}, "expect": expect}


def test_score_counts_recall_and_false_alarms(tmp_path):
    write_cases(tmp_path, [
        case("hit", "adidas", {"tone": True}),
        case("miss", "finisher", {"tone": True}),
        case("clean", "finisher", {"tone": False}),
        case("alarm", "adidas", {"tone": False, "gift-context": False}),
    ])
    scores = {s.family: s for s in score(run_cases(load_cases(tmp_path), Registry(entry_points=False)))}
    tone = scores["tone"]
    assert (tone.positives, tone.caught, tone.negatives, tone.false_alarms) == (2, 1, 2, 1)
    assert tone.recall == 0.5 and tone.false_alarm_rate == 0.5
    assert [o.case.id for o in tone.misses] == ["miss"] and [o.case.id for o in tone.alarms] == ["alarm"]
    assert not tone.meets()
    gift = scores["gift-context"]
    assert (gift.positives, gift.negatives, gift.recall, gift.false_alarm_rate) == (0, 1, None, 0.0)
    assert gift.meets()


def test_command_exit_status_follows_the_targets(tmp_path):
    good, bad = tmp_path / "good", tmp_path / "bad"
    write_cases(good, [case("a", "adidas", {"tone": True}), case("b", "finisher", {"tone": False})])
    write_cases(bad, [case("a", "finisher", {"tone": True})])
    runner = CliRunner()
    ok = runner.invoke(main, ["quality", "--cases", str(good)])
    assert ok.exit_code == 0, ok.output
    assert "tone" in ok.output and "100.0%" in ok.output
    failed = runner.invoke(main, ["quality", "--cases", str(bad), "--verbose"])
    assert failed.exit_code == 1
    assert "tone: missed: a (" in failed.output
    assert "no tone finding" in failed.output
    only = runner.invoke(main, ["quality", "--cases", str(bad), "--family", "gift-context"])
    assert only.exit_code == 0 and "tone" not in only.output
    unknown = runner.invoke(main, ["quality", "--cases", str(good), "--family", "tones"])
    assert unknown.exit_code == 2 and "no family is called 'tones'" in unknown.output


def test_a_bad_case_file_is_an_input_error_with_exit_2(tmp_path):
    write_cases(tmp_path, [case("a", "nope", {"tone": True})])
    result = CliRunner().invoke(main, ["quality", "--cases", str(tmp_path)])
    assert result.exit_code == 2
    assert "unknown campaign 'nope'" in result.output


def error_of(tmp_path, text: str) -> InputError:
    (tmp_path / "c.yaml").write_text(textwrap.dedent(text))
    with pytest.raises(InputError) as info:
        load_cases(tmp_path, Registry(entry_points=False).families())
    return info.value


def test_errors_name_file_line_and_field(tmp_path):
    campaigns = "campaigns:\n  a: |\n    <mjml><mj-body></mj-body></mjml>\n"
    err = error_of(tmp_path, campaigns + "cases:\n  - id: x\n    campaign: a\n    recipient: {id: x, email: x@x.org, orders: [{id: o}]}\n    expect: {tone: true}\n")
    assert err.location == f"{tmp_path / 'c.yaml'}:7" and err.field.startswith("x.recipient.orders[0]")
    err = error_of(tmp_path, campaigns + "cases:\n  - id: x\n    campaign: a\n    recipient: {id: x, email: x@x.org}\n    expect: {tones: true}\n")
    assert "unknown family 'tones'" in str(err) and err.location.endswith("c.yaml:8")
    err = error_of(tmp_path, campaigns + "cases:\n  - id: x\n    campaign: a\n    recipient: {id: x, email: x@x.org}\n    expect: {tone: yes please}\n")
    assert "expected true or false" in str(err) and err.field == "x.expect.tone"
    err = error_of(tmp_path, campaigns + "cases:\n  - id: x\n    campaign: a\n    recipient: {id: x, email: x@x.org}\n    expect: {tone: true}\n    expct: {}\n")
    assert "unknown key 'expct'" in str(err)
    err = error_of(tmp_path, "campaigns: {}\ncases:\n  - id: x\n   campaign: a\n")
    assert "not valid YAML" in str(err)
    bad_front = "campaigns:\n  a: |\n    ---\n    subject: [\n    ---\n    <mjml></mjml>\ncases: []\n"
    err = error_of(tmp_path, bad_front)
    assert "campaign 'a'" in str(err) and err.location.startswith(str(tmp_path / "c.yaml:"))


def test_case_ids_are_unique_across_files(tmp_path):
    write_cases(tmp_path, [case("a", "adidas", {"tone": True})], name="one.yaml")
    write_cases(tmp_path, [case("a", "finisher", {"tone": False})], name="two.yaml")
    with pytest.raises(InputError, match="case id 'a' is used twice"):
        load_cases(tmp_path)
