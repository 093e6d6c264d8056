"""The run pages: the preview grid, paging, filters with SQL counts, one recipient, the email
itself with its marks, compare, progress; and a run of another workspace stays invisible."""

import re

import pytest
import sqlalchemy as sa

from preview.store import queries
from preview.store.commands import load_demo_audience
from preview.store.importer import import_records
from preview.store.models import Finding, Run, RunRecipient, Workspace
from tests.web.conftest import start_run

CARD = re.compile(r'<article class="card verdict-(\w+)" id="r-(\d+)"')


def _cards(html):
    return [(verdict, int(row)) for verdict, row in CARD.findall(html)]


def _all_cards(client, url):
    """The card row ids of every page of ``url``."""
    out, page = [], 1
    while True:
        cards = _cards(client.get(f"{url}&page={page}").get_data(as_text=True))
        if not cards:
            return out
        out += [row for _, row in cards]
        page += 1


def _rows(app, run_id):
    with app.extensions["preview"].sessions() as session:
        return session.scalars(sa.select(RunRecipient).where(RunRecipient.run_id == run_id).order_by(RunRecipient.position)).all()


def _findings(app, run_id):
    with app.extensions["preview"].sessions() as session:
        return session.scalars(sa.select(Finding).where(Finding.run_id == run_id)).all()


@pytest.fixture
def big_audience(app, demo):
    """220 recipients (the demo's 60 and 160 more of the same generator)."""
    with app.extensions["preview"].sessions.begin() as session:
        import_records(session, load_demo_audience(220))


def test_a_200_recipient_run_pages_24_cards_at_a_time(app, big_audience, as_user):
    run_id = start_run(app, "wedding-congratulations", 200)
    client = as_user("vic")
    rows = _rows(app, run_id)
    assert len(rows) == 200
    seen = []
    for page in range(1, 10):
        response = client.get(f"/runs/{run_id}?page={page}")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        cards = _cards(html)
        assert len(cards) == (24 if page < 9 else 200 - 8 * 24)
        assert html.count("<iframe") == len(cards)  # one lazy iframe per card, no more
        assert html.count('loading="lazy"') == len(cards)
        seen += [row for _, row in cards]
    assert seen == [r.id for r in rows]  # every recipient once, in render order
    assert "Page 1 of 9" in client.get(f"/runs/{run_id}").get_data(as_text=True)
    assert _cards(client.get(f"/runs/{run_id}?page=10").get_data(as_text=True)) == []


def test_the_page_size_is_a_setting(app, demo, as_user):
    app.extensions["preview"].config["PREVIEW_PAGE_SIZE"] = 5
    run_id = start_run(app, "winter-collection", 12)
    html = as_user("vic").get(f"/runs/{run_id}?page=3").get_data(as_text=True)
    assert len(_cards(html)) == 2 and "Page 3 of 3" in html


def test_each_card_has_its_inbox_line_render_text_and_findings(app, demo, as_user):
    run_id = start_run(app, "wedding-congratulations", 24)  # one page
    client = as_user("vic")
    html = client.get(f"/runs/{run_id}").get_data(as_text=True)
    findings = [f for f in _findings(app, run_id) if f.run_recipient_id is not None]
    assert findings, "the wedding campaign misfires on the demo audience"
    for f in findings:
        assert f'id="finding-{f.id}"' in html
        assert f.code in html
    assert 'class="inbox"' in html and "Acme Home" in html
    assert html.count('<pre class="plain">') == len(_cards(html))
    text_view = client.get(f"/runs/{run_id}?view=text").get_data(as_text=True)
    assert "<iframe" not in text_view and text_view.count('<pre class="plain">') == len(_cards(html))
    assert 'class="email-frame mobile"' in client.get(f"/runs/{run_id}?view=mobile").get_data(as_text=True)


def test_filters_show_the_recipients_with_matching_findings_and_their_sql_counts(app, demo, as_user):
    run_id = start_run(app, "wedding-congratulations", 60)
    client = as_user("vic")
    findings = [f for f in _findings(app, run_id) if f.run_recipient_id is not None]
    family = findings[0].family
    expected = {f.run_recipient_id for f in findings if f.family == family}
    html = client.get(f"/runs/{run_id}?family={family}").get_data(as_text=True)
    assert set(_all_cards(client, f"/runs/{run_id}?family={family}")) == expected
    count = sum(1 for f in _findings(app, run_id) if f.family == family)
    assert f'<option value="{family}" selected>{family} ({count})</option>' in html
    blocks = {f.run_recipient_id for f in findings if f.severity == "block"}
    assert set(_all_cards(client, f"/runs/{run_id}?severity=block")) == blocks
    passing = {r.id for r in _rows(app, run_id) if r.verdict == "pass"}
    assert set(_all_cards(client, f"/runs/{run_id}?verdict=pass")) == passing
    assert {v for v, _ in _cards(client.get(f"/runs/{run_id}?verdict=pass").get_data(as_text=True))} == {"pass"}


def test_the_segment_filter_uses_the_recipients_segments(app, demo, as_user):
    run_id = start_run(app, "winter-collection", 40)
    client = as_user("vic")
    rows = _rows(app, run_id)
    segment = next(s for r in rows for s in r.record.get("segments") or [])
    expected = {r.id for r in rows if segment in (r.record.get("segments") or [])}
    html = client.get(f"/runs/{run_id}?segment={segment}").get_data(as_text=True)
    assert set(_all_cards(client, f"/runs/{run_id}?segment={segment}")) == expected
    assert f"{segment} ({len(expected)})" in html


def test_unknown_filter_values_mean_any(app, demo, as_user):
    run_id = start_run(app, "winter-collection", 5)
    html = as_user("vic").get(f"/runs/{run_id}?severity=catastrophic&verdict=maybe&page=-4").get_data(as_text=True)
    assert len(_cards(html)) == 5


def test_template_findings_are_shown_once_above_the_grid(app, demo, as_user):
    run_id = start_run(app, "december-newsletter", 6)
    template = [f for f in _findings(app, run_id) if f.run_recipient_id is None]
    html = as_user("vic").get(f"/runs/{run_id}").get_data(as_text=True)
    if template:
        assert "Template findings" in html
        for f in template:
            assert html.count(f'id="finding-{f.id}"') == 1
    else:
        assert "Template findings" not in html


def test_the_recipient_page_shows_both_widths_text_findings_and_data(app, demo, as_user):
    run_id = start_run(app, "wedding-congratulations", 30)
    finding = next(f for f in _findings(app, run_id) if f.run_recipient_id is not None and (f.evidence or {}).get("data"))
    client = as_user("vic")
    html = client.get(f"/runs/{run_id}/r/{finding.run_recipient_id}?finding={finding.id}").get_data(as_text=True)
    assert 'class="email-frame desktop tall"' in html and 'class="email-frame mobile tall"' in html
    assert f'id="finding-{finding.id}" open' in html or re.search(rf'id="finding-{finding.id}"[^>]*\sopen', html)
    assert "Data behind it" in html
    assert "Recipient data as rendered (masked)" in html
    assert client.get(f"/runs/{run_id}/r/999999").status_code == 404


def test_the_render_marks_the_findings_and_the_selected_one_strongest(app, demo, as_user):
    run_id = start_run(app, "wedding-congratulations", 60)
    located = [f for f in _findings(app, run_id) if f.run_recipient_id is not None and f.part == "html" and (f.evidence or {}).get("start") is not None]
    assert located
    client = as_user("rita")
    for f in located[:5]:
        html = client.get(f"/runs/{run_id}/r/{f.run_recipient_id}/render.html?highlight={f.id}").get_data(as_text=True)
        mark = re.search(rf'<mark class="([^"]+)" id="f{f.id}">', html)
        assert mark, f.code
        assert "cp-mark-selected" in mark.group(1)
        assert "<script" not in html.lower()


def test_compare_marks_what_differs_between_two_renders(app, demo, as_user):
    run_id = start_run(app, "because-you-bought", 20)
    a, b = _rows(app, run_id)[:2]
    client = as_user("vic")
    html = client.get(f"/compare?r={a.id}&r={b.id}").get_data(as_text=True)
    assert html.count("<iframe") == 2
    assert "<del>" in html and "<ins>" in html  # different recommendations, different words
    assert client.get(f"/compare?a={a.id}&b={b.id}").status_code == 200
    assert client.get(f"/compare?r={a.id}").status_code == 400
    same = client.get(f"/compare?a={a.id}&b={a.id}").get_data(as_text=True)
    assert "0 lines of visible text differ" in same


def test_the_same_recipient_in_two_runs_can_be_compared(app, demo, as_user):
    first = start_run(app, "winter-collection", 10, seed="9")
    second = start_run(app, "winter-collection", 10, seed="9")
    row = _rows(app, second)[0]
    html = as_user("vic").get(f"/runs/{second}/r/{row.id}").get_data(as_text=True)
    assert f"run {first}" in html and "compare with this one" in html


def test_progress_of_a_run_as_json(app, demo, as_user):
    run_id = start_run(app, "winter-collection", 4)
    data = as_user("vic").get(f"/runs/{run_id}/progress").get_json()
    assert data["status"] == "done" and data["checked"] == 4 and data["progress"] == 1.0


def test_a_queued_run_refreshes_itself(app, demo, as_user):
    state = app.extensions["preview"]
    with state.sessions() as session:
        from preview.store.campaigns import get_version
        from preview.store.runs import create_run

        run, _ = create_run(session, get_version(session, None, "winter-collection"), {"size": 3})
        session.commit()
        run_id = run.id
    html = as_user("vic").get(f"/runs/{run_id}").get_data(as_text=True)
    assert '<meta http-equiv="refresh"' in html and "queued" in html and "Nothing rendered yet." in html


def test_runs_of_another_workspace_do_not_exist_here(app, demo, as_user):
    run_id = start_run(app, "winter-collection", 3)
    with app.extensions["preview"].sessions.begin() as session:
        other = queries.ensure_workspace(session, "other")
        session.execute(sa.update(Run).where(Run.id == run_id).values(workspace_id=other.id))
    client = as_user("ada")
    assert client.get(f"/runs/{run_id}").status_code == 404
    row = _rows(app, run_id)[0]
    assert client.get(f"/runs/{run_id}/r/{row.id}/render.html").status_code == 404
    assert client.get(f"/compare?a={row.id}&b={row.id}").status_code == 404
    with app.extensions["preview"].sessions() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Workspace)) == 2


def test_what_fired_lists_each_check_with_its_count_and_filters_by_it(app, demo, as_user):
    run_id = start_run(app, "wedding-congratulations", 40)
    client = as_user("vic")
    html = client.get(f"/runs/{run_id}").get_data(as_text=True)
    findings = _findings(app, run_id)
    counts = {}
    for f in findings:
        counts[f.code] = counts.get(f.code, 0) + 1
    for code, n in counts.items():
        assert re.search(rf'href="/runs/{run_id}\?code={code}&amp;view=desktop"[^>]*><b>{code}</b> [^<]* · {n}</a>', html), code
    code = max(counts, key=counts.get)
    expected = {f.run_recipient_id for f in findings if f.code == code and f.run_recipient_id}
    assert set(_all_cards(client, f"/runs/{run_id}?code={code}")) == expected
