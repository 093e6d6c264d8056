"""Branch-coverage sampling: every arm some recipient reaches is shown; the others are named."""

import pytest

from preview.contract.errors import InputError
from preview.rendering import CampaignRenderer
from preview.sampling import choose
from tests.conftest import SEND_DATE, make, mjml, recipient
from tests.sampling.conftest import TEMPLATES, ids, renderer_for

BODY = mjml(
    "{% if recipient.attributes.tier == 'gold' %}<mj-text>Gold member</mj-text>",
    "{% elif recipient.attributes.tier == 'silver' %}<mj-text>Silver member</mj-text>",
    "{% else %}<mj-text>Member</mj-text>{% endif %}",
    "{% for item in recipient.recommendations %}<mj-text>{{ item.name }}</mj-text>",
    "{% else %}<mj-text>Our bestsellers</mj-text>{% endfor %}",
    "{% if recipient.email %}<mj-text>Thanks for reading.</mj-text>{% endif %}",
    "<mj-text>Dear {{ 'insider' if recipient.is_seed else 'friend' }}</mj-text>",
)
SUBJECT = "{% if recipient.first_name %}{{ recipient.first_name }}, hello{% else %}Hello{% endif %}"
RECS = [{"sku": "A", "name": "Glass vase"}]


def _campaign():
    return make(BODY, subject=SUBJECT)


def _people(n=200):
    """Ordinary people first; the rare arms are reached late in the stream, one person each."""
    people = [recipient(f"p{i:03}", recommendations=RECS) for i in range(n)]
    people[60] = recipient("gold", attributes={"tier": "gold"}, recommendations=RECS)
    people[90] = recipient("silver", attributes={"tier": "silver"}, recommendations=RECS)
    people[120] = recipient("no-recs", recommendations=[])
    people[150] = recipient("seed", is_seed=True, recommendations=RECS)
    people[170] = recipient("nameless", first_name=None, recommendations=RECS)
    return people


def _reached(campaign, records) -> set:
    """Arms reached by ``records``, found by rendering each with a renderer of its own."""
    renderer = CampaignRenderer(campaign)
    return set().union(*(renderer.render(r, SEND_DATE).branch_hits for r in records))


def test_the_sample_reaches_every_reachable_arm_and_names_the_others():
    campaign, people = _campaign(), _people()
    sample = choose("coverage", iter(people), size=10, seed=0, renderer=CampaignRenderer(campaign), options={"send_date": SEND_DATE})
    everyone = _reached(campaign, people)
    assert _reached(campaign, sample) == everyone
    assert {"gold", "silver", "no-recs", "seed", "nameless"} <= set(ids(sample))
    report = sample.coverage
    arms = {(p, b.id, b.arm) for p, b in CampaignRenderer(campaign).branches}
    assert len(report.arms) == len(arms) == 11
    assert {(p, b.id, b.arm) for p, b in report.unreached()} == arms - everyone
    [never] = report.to_dict()["unreached"]
    line = campaign.body_line + 6  # the mjml() wrapper puts the first inner line after one line
    assert never["text"] == f"line {line}: {{% if recipient.email %}}<mj-text>Thanks for reading.</mj-text>{{% endif %}} -> else never taken"
    assert (never["part"], never["arm"], never["kind"], never["line"]) == ("body", "else", "if", line)
    assert report.lines()[0] == "branch coverage: 10 of 11 arms reached by 200 recipients scanned; 10 shown in the sample"
    assert sample.reasons_for(next(r for r in sample if r["id"] == "gold")) == [f"branch line {campaign.body_line + 1} then"]
    assert sample.reasons_for(next(r for r in sample if r["id"] == "nameless")) == [f"branch subject line {campaign.field_line('subject')} else"]
    assert all(sample.reasons_for(r) == ["random"] for r in sample if r["id"].startswith("p0") and r["id"] != "p000")


def test_real_templates_on_the_demo_audience(audience):
    stream = audience[:600]
    never = []
    for path in sorted(TEMPLATES.glob("*.*ml")):
        renderer = renderer_for(path.name)
        sample = choose("coverage", iter(stream), size=15, seed=1, renderer=renderer)
        everyone = _reached(renderer.campaign, stream)
        assert _reached(renderer.campaign, sample) == everyone, path.name
        unreached = {(p, b.id, b.arm) for p, b in sample.coverage.unreached()}
        assert unreached == {(p, b.id, b.arm) for p, b in renderer.branches} - everyone, path.name
        assert len(sample) == min(15, len(stream))
        never.extend(arm["text"] for arm in sample.coverage.to_dict()["unreached"])
    assert "line 48: {%- for item in recipient.recommendations[:3] %} -> empty never taken" in never  # wedding-congratulations


def test_a_full_sample_reports_arms_reached_too_late_with_who_reaches_them():
    campaign = _campaign()
    sample = choose("coverage", iter(_people()), size=2, seed=0, renderer=CampaignRenderer(campaign), options={"send_date": SEND_DATE})
    assert ids(sample) == ["p000", "gold"]
    not_shown = sample.coverage.to_dict()["not_shown"]
    assert {arm["recipient_id"] for arm in not_shown} == {"silver", "no-recs", "seed", "nameless"}
    assert any("reached (e.g. by silver) but not shown: the sample is full" in line for line in sample.coverage.lines())
    assert len(sample.coverage.unreached()) == 1  # still only the email check's else arm


def test_max_scan_cuts_the_scan_short_but_not_the_random_fill(audience):
    renderer = renderer_for("wedding-congratulations.mjml")
    stream = audience[:600]
    sample = choose("coverage", iter(stream), size=30, seed=4, renderer=renderer, options={"max_scan": 5})
    report = sample.coverage
    assert (report.scanned, report.population, report.max_scan, report.cut_short) == (5, 600, 5, True)
    assert report.lines()[0].startswith("branch coverage: ") and "the first 5 of 600 recipients (max_scan)" in report.lines()[0]
    assert _reached(renderer.campaign, stream[:5]) == set(report.shown)
    position = {r["id"]: i for i, r in enumerate(stream)}
    assert len(sample) == 30 and max(position[i] for i in ids(sample)) > 300  # the fill is drawn from everyone


def test_rendering_stops_once_every_arm_is_reached(audience):
    renderer = renderer_for("mothers-day.mjml")
    sample = choose("coverage", iter(audience), size=20, seed=0, renderer=renderer)
    report = sample.coverage
    assert report.complete and not report.cut_short and not report.unreached()
    assert report.scanned < 200 and report.population == len(audience)


def test_coverage_needs_a_renderer(audience):
    with pytest.raises(InputError, match="needs the campaign's renderer"):
        choose("coverage", iter(audience), size=5)


def test_a_campaign_without_branches_is_sampled_at_random_and_says_why(audience):
    sample = choose("coverage", iter(audience[:300]), size=10, seed=0, renderer=renderer_for("december-newsletter.mjml"))
    assert sample.coverage.arms == [] and sample.coverage.scanned == 0
    assert all(sample.reasons_for(r) == ["random"] for r in sample) and len(sample) == 10
    assert sample.coverage.lines() == ["branch coverage: the campaign has no if/for branches; every recipient gets the same parts"]
