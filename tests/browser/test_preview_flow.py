"""The marketer's and the reviewer's path through the UI in a real browser: log in, open a demo
campaign, start a run, see the grid, click a finding (it is marked inside the email), resolve the
blocking findings, approve. The screenshot in the README is taken here: it is written to
docs/screenshot-preview.png when PREVIEW_UPDATE_SCREENSHOT=1, so a plain test run leaves the
working tree as it was."""

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM, NO_CHROMIUM, sign_in

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM)

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "docs" / "screenshot-preview.png"
RUN_TIMEOUT = 120_000  # ms: the first run also starts the worker process


def _start_run(page, base, slug, size):
    page.goto(f"{base}/campaigns/{slug}")
    page.fill("input[name=size]", str(size))
    page.click("text=Start preview run")
    page.wait_for_url(re.compile(r".*/runs/\d+$"))
    # The page refreshes itself while the run is queued or running.
    page.wait_for_selector(".verdict-box .status-done", timeout=RUN_TIMEOUT)
    return int(page.url.rsplit("/", 1)[-1])


def test_log_in_run_click_a_finding_and_approve(server, page, tmp_path):
    sign_in(page, server, "demo", "demo")
    page.click("text=Newlywed picks")
    page.wait_for_url(f"{server}/campaigns/wedding-congratulations")
    run_id = _start_run(page, server, "wedding-congratulations", 24)

    # The grid: one card per recipient, each with an inbox line and a sandboxed iframe.
    cards = page.locator("article.card")
    assert cards.count() == 24
    assert page.locator("article.card .inbox .subject").first.inner_text().strip()
    frame = page.locator("article.card iframe").first
    assert frame.get_attribute("sandbox") == "" and frame.get_attribute("loading") == "lazy"

    # Blocking findings first; click one that can be shown inside its email.
    page.select_option("select[name=severity]", "block")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r".*severity=block.*"))
    # The first card's finding when it can be shown (the picture then shows the page's top too).
    first_card = page.locator("article.card").first.locator("details.finding[data-highlight]")
    finding = first_card.first if first_card.count() else page.locator("details.finding[data-highlight]").first
    finding_id = int(finding.get_attribute("id").split("-")[1])
    card = page.locator(f"article.card:has(#finding-{finding_id})")
    card.scroll_into_view_if_needed()
    finding.locator("summary").click()
    assert finding.get_attribute("open") is not None
    assert finding.locator(".lineage li").count() >= 1  # the data behind it
    iframe = card.locator("iframe")
    page.wait_for_function(
        "([name, id]) => document.querySelector(`iframe[name='${name}']`).src.includes(`highlight=${id}`)",
        arg=[iframe.get_attribute("name"), finding_id],
    )
    mark = page.frame_locator(f"iframe[name='{iframe.get_attribute('name')}']").locator(f"mark#f{finding_id}")
    mark.wait_for()
    assert "cp-mark-selected" in mark.get_attribute("class")
    page.set_viewport_size({"width": 1440, "height": 1350})
    top = card.evaluate("(el) => el.getBoundingClientRect().top + window.scrollY")
    page.evaluate("(y) => window.scrollTo(0, y)", max(0, top - 780))  # the card, under the run's summary when it fits
    page.wait_for_timeout(500)  # let the email's layout settle for the picture
    shot = tmp_path / SCREENSHOT.name
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 50_000  # a real picture of the page, not a blank one
    if os.environ.get("PREVIEW_UPDATE_SCREENSHOT") == "1":
        SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, SCREENSHOT)

    # Resolve every blocking finding, then approve with a comment.
    while True:
        page.goto(f"{server}/runs/{run_id}?severity=block")
        open_forms = page.locator("details.finding.sev-block.review-open form.review-form")
        if open_forms.count() == 0:
            break
        form = open_forms.first
        form.evaluate("(f) => f.closest('details').open = true")
        form.locator("select[name=state]").select_option("accepted_risk")
        form.locator("input[name=note]").fill("known data gap, fixed before the send")
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
    page.goto(f"{server}/runs/{run_id}")
    page.fill("form.decision-form input[name=note]", "every block reviewed")
    page.click("button.approve")
    page.wait_for_selector(".verdict-box .decision-approved")
    assert f"Run {run_id} approved." in page.inner_text(".flash")
    page.goto(f"{server}/campaigns")
    assert page.locator("tr", has_text="Newlywed picks").locator(".decision-approved").count() == 1
    assert page.csp_violations == []


def test_a_script_in_an_email_never_runs(server, page):
    sign_in(page, server, "demo", "demo")
    page.goto(f"{server}/campaigns/new")
    page.fill("input[name=filename]", "sneaky.html")
    page.fill(
        "textarea[name=source]",
        "---\nname: Sneaky\nsubject: Hello\nfrom_name: Acme Home\n---\n"
        '<html><body><p id="hello">Hello {{ recipient.first_name }}</p>'
        "<script>document.body.setAttribute('data-pwned', 'script')</script>"
        "<img src=\"data:,\" onerror=\"document.body.setAttribute('data-pwned', 'onerror')\"></body></html>",
    )
    assert page.locator(".editor .gutter").inner_text().split()[:3] == ["1", "2", "3"]  # line numbers
    page.click("text=Create campaign")
    page.wait_for_url(f"{server}/campaigns/sneaky")
    run_id = _start_run(page, server, "sneaky", 2)
    html = page.request.get(f"{server}/runs/{run_id}/r/{page.locator('article.card').first.get_attribute('id')[2:]}/render.html").text()
    assert "<script>" in html  # the email really carries the script...
    frame = page.frame_locator("article.card iframe").first
    frame.locator("#hello").wait_for()
    assert frame.locator("body[data-pwned]").count() == 0  # ...and it did not run
    assert page.csp_violations == []


def test_a_viewer_sees_masked_recipients_and_cannot_review(server, page):
    sign_in(page, server, "viewer", "viewer")
    page.goto(f"{server}/dashboard")
    page.locator("table a", has_text="run").first.click()
    page.wait_for_url(re.compile(r".*/runs/\d+$"))
    assert page.locator("button.approve").count() == 0
    assert page.locator("form.review-form").count() == 0
    people = page.locator("article.card .person").all_inner_texts()
    assert people and all("***@" in p for p in people)
    assert page.csp_violations == []
