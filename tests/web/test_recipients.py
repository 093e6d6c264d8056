"""The audience page: masked recipients by segment, and importing a file from the browser."""

import io
import json

import sqlalchemy as sa

from preview.store.models import AuditLog, Recipient
from tests.conftest import recipient
from tests.web.conftest import post


def _count(app):
    with app.extensions["preview"].sessions() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(Recipient))


def _upload(client, name, text, **fields):
    data = {"file": (io.BytesIO(text.encode()), name), **fields}
    return post(client, "/recipients/import", data, page="/recipients", content_type="multipart/form-data", follow_redirects=True)


def test_import_a_jsonl_file_from_the_browser(app, users, as_user):
    client = as_user("rita")
    text = "".join(json.dumps(recipient(f"p{i}", segments=["vip"] if i % 2 else [])) + "\n" for i in range(5))
    html = _upload(client, "people.jsonl", text).get_data(as_text=True)
    assert "Imported 5 recipients from people.jsonl (5 new, 0 updated)" in html
    assert _count(app) == 5
    page = client.get("/recipients?segment=vip").get_data(as_text=True)
    assert "Recipients <span class=\"muted\">2 in vip" in page
    with app.extensions["preview"].sessions() as session:
        entry = session.scalar(sa.select(AuditLog).where(AuditLog.action == "recipients.import"))
    assert entry.actor == "rita" and entry.detail["rows"] == 5


def test_a_bad_row_anywhere_imports_nothing_and_names_the_line_and_field(app, users, as_user):
    client = as_user("rita")
    text = json.dumps(recipient("a")) + "\n" + json.dumps({"id": "b", "email": "b@x.org", "shoe_size": 9}) + "\n"
    html = _upload(client, "people.jsonl", text).get_data(as_text=True)
    assert "Nothing was imported: people.jsonl:2: field &#39;shoe_size&#39;" in html
    assert "/tmp" not in html  # the server's temporary path is not shown
    assert _count(app) == 0


def test_csv_and_replace(app, users, as_user):
    client = as_user("rita")
    _upload(client, "a.csv", "id,email,first_name\nx1,x1@a.org,Ann\nx2,x2@a.org,Bo\n")
    assert _count(app) == 2
    html = _upload(client, "b.csv", "id,email,first_name\nx1,x1@a.org,Ann\n", replace="1").get_data(as_text=True)
    assert "1 removed" in html and _count(app) == 1


def test_only_recipient_files_are_accepted(app, users, as_user):
    html = _upload(as_user("rita"), "people.xlsx", "x").get_data(as_text=True)
    assert "a recipient file ends in .jsonl, .json or .csv" in html


def test_viewers_cannot_import(app, users, as_user):
    client = as_user("vic")
    response = post(client, "/recipients/import", {"file": (io.BytesIO(b"{}"), "a.jsonl")}, page="/recipients", content_type="multipart/form-data")
    assert response.status_code == 403
    assert "Import recipients" not in client.get("/recipients").get_data(as_text=True)


def test_the_list_pages_and_masks(app, demo, as_user):
    html = as_user("vic").get("/recipients").get_data(as_text=True)
    with app.extensions["preview"].sessions() as session:
        emails = session.scalars(sa.select(Recipient.email).order_by(Recipient.id).limit(50)).all()
    assert emails and not any(e in html for e in emails)
    assert html.count("***@") >= 50
    assert "Next 50" in html
