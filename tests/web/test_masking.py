"""Masking recipient e-mail and names: the functions, and what each role sees on the pages."""

import re

import sqlalchemy as sa

from preview.store.campaigns import save_version
from preview.store.models import AuditLog, RunRecipient
from preview.web.masking import Masker, mask_email, mask_name
from tests.conftest import campaign_text, mjml
from tests.web.conftest import post, start_run

# A campaign that puts the recipient's name and address everywhere: subject, body, a link.
GREETING = campaign_text(
    mjml(
        "<mj-text>Hi {{ recipient.first_name }} {{ recipient.last_name }}, we write to {{ recipient.email }}.</mj-text>",
        '<mj-button href="https://www.acme-home.com/prefs?email={{ recipient.email | urlencode }}">Your preferences</mj-button>',
    ),
    name="Greeting",
    subject="Hi {{ recipient.first_name }}",
    preheader="For {{ recipient.first_name }} {{ recipient.last_name }}",
    from_name="Acme Home",
)


def _greeting_run(app, size=10):
    with app.extensions["preview"].sessions.begin() as session:
        save_version(session, GREETING, "greeting.mjml")
    return start_run(app, "greeting", size)


def test_mask_email_keeps_first_letters_and_the_top_level_domain():
    assert mask_email("ana.lima@mail.acme.com") == "a***@m***.com"
    assert mask_email("x@localhost") == "x***@l***"
    assert mask_email("") == ""
    assert mask_email("not-an-address") == "n***"


def test_mask_name_gives_initials():
    assert mask_name("Ana Lima") == "A. L."
    assert mask_name("Zoë") == "Z."
    assert mask_name(None) == ""


def test_masker_hides_the_recipients_own_values_wherever_they_appear():
    record = {"id": "r1", "email": "ana.lima@mail.acme.com", "first_name": "Ana", "last_name": "O'Brien-Lima", "attributes": {"preferred_name": "Annie"}}
    masker = Masker(record)
    text = masker.text("Hi Ana, ANA O'Brien-Lima (Annie) <ana.lima@mail.acme.com> ?e=ana.lima%40mail.acme.com Banana Anastasia")
    assert "Ana" not in text.replace("Banana", "").replace("Anastasia", "")
    assert "O'Brien" not in text and "Annie" not in text and "ana.lima" not in text
    assert "Hi A.," in text and "a***@m***.com" in text
    assert "Banana" in text and "Anastasia" in text  # other words that contain the name stay
    assert masker.email() == "a***@m***.com" and masker.name() == "A. O."


def test_revealed_masker_passes_text_through():
    record = {"id": "r1", "email": "ana@x.org", "first_name": "Ana"}
    masker = Masker(record, reveal=True)
    assert masker.text("Hi Ana") == "Hi Ana" and masker.email() == "ana@x.org" and masker.name() == "Ana"


def test_one_letter_names_and_missing_fields_mask_nothing_else():
    masker = Masker({"id": "r1", "email": "q@x.org", "first_name": "A", "last_name": None})
    assert masker.text("A cat and a dog") == "A cat and a dog"
    assert Masker(None).text("Hi there") == "Hi there"


def _named_rows(app, run_id):
    """Recipients of the run with a first name of three letters or more (worth searching for)."""
    with app.extensions["preview"].sessions() as session:
        rows = session.scalars(sa.select(RunRecipient).where(RunRecipient.run_id == run_id).order_by(RunRecipient.position)).all()
    return [r for r in rows if isinstance(r.record.get("first_name"), str) and len(r.record["first_name"]) > 2 and r.record["first_name"].isalpha()]


def _row(app, run_id):
    return _named_rows(app, run_id)[0]


def _shows(html: str, value: str) -> bool:
    return bool(re.search(rf"(?<!\w){re.escape(value)}(?!\w)", html))


def test_viewers_never_see_a_recipients_email_or_name(app, demo, as_user):
    run_id = _greeting_run(app)
    row, other = _named_rows(app, run_id)[:2]
    email, first = row.record["email"], row.record["first_name"]
    client = as_user("vic")
    pages = [f"/runs/{run_id}", f"/runs/{run_id}?view=text", f"/runs/{run_id}/r/{row.id}", f"/runs/{run_id}/r/{row.id}/render.html", f"/compare?a={row.id}&b={other.id}", "/recipients"]
    for path in pages:
        html = client.get(path).get_data(as_text=True)
        assert email not in html, path
        assert not _shows(html, first), path
    render = client.get(f"/runs/{run_id}/r/{row.id}/render.html").get_data(as_text=True)
    assert f"Hi {mask_name(first)}" in render and mask_email(email) in render
    assert mask_email(email) in client.get(f"/runs/{run_id}/r/{row.id}").get_data(as_text=True)
    assert client.post(f"/recipients/{row.external_id}/reveal").status_code in (400, 403)
    assert post(client, f"/recipients/{row.external_id}/reveal", page=f"/runs/{run_id}").status_code == 403


def test_a_reviewer_reveals_one_recipient_and_the_audit_log_says_who_and_when(app, demo, as_user):
    run_id = _greeting_run(app)
    row = _row(app, run_id)
    email = row.record["email"]
    client = as_user("rita")
    page = f"/runs/{run_id}/r/{row.id}"
    assert email not in client.get(page).get_data(as_text=True)
    response = post(client, f"/recipients/{row.external_id}/reveal", {"next": page}, page=page)
    assert response.status_code == 302 and response.headers["Location"].endswith(page)
    html = client.get(page).get_data(as_text=True)
    assert email in html and "Mask again" in html
    render = client.get(f"/runs/{run_id}/r/{row.id}/render.html").get_data(as_text=True)
    assert email in render and _shows(render, row.record["first_name"])
    with app.extensions["preview"].sessions() as session:
        entry = session.scalar(sa.select(AuditLog).where(AuditLog.action == "recipient.reveal"))
    assert (entry.actor, entry.target_type, entry.target_id) == ("rita", "recipient", row.external_id)
    assert entry.created_at is not None
    # Only this recipient, only for this reviewer.
    assert email not in as_user("ada").get(page).get_data(as_text=True)
    post(client, f"/recipients/{row.external_id}/hide", {"next": page}, page=page)
    assert email not in client.get(page).get_data(as_text=True)


def test_revealing_an_unknown_recipient_is_404(app, demo, as_user):
    client = as_user("rita")
    assert post(client, "/recipients/nobody-here/reveal").status_code == 404


def test_finding_evidence_and_lineage_are_masked(app, demo, as_user):
    run_id = start_run(app, "wedding-congratulations", 60)
    client = as_user("vic")
    with app.extensions["preview"].sessions() as session:
        rows = session.scalars(sa.select(RunRecipient).where(RunRecipient.run_id == run_id, RunRecipient.findings_count > 0)).all()
    checked = 0
    for row in rows:
        first = (row.record or {}).get("first_name")
        if not isinstance(first, str) or len(first) < 3:
            continue
        html = client.get(f"/runs/{run_id}/r/{row.id}").get_data(as_text=True)
        assert not _shows(html, first)
        checked += 1
    assert checked


def test_a_reviewer_reveals_from_the_grid_and_only_that_card_changes(app, demo, as_user):
    run_id = _greeting_run(app)
    row, other = _named_rows(app, run_id)[:2]
    client = as_user("rita")
    grid = f"/runs/{run_id}"
    html = client.get(grid).get_data(as_text=True)
    assert html.count(">reveal</button>") == 10  # one per card, for reviewers
    assert ">reveal</button>" not in as_user("vic").get(grid).get_data(as_text=True)
    response = post(client, f"/recipients/{row.external_id}/reveal", {"next": f"{grid}#r-{row.id}"}, page=grid)
    assert response.headers["Location"].endswith(f"{grid}#r-{row.id}")
    html = client.get(grid).get_data(as_text=True)
    assert row.record["email"] in html and other.record["email"] not in html
    assert html.count(">mask</button>") == 1
