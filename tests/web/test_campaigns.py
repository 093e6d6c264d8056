"""Campaigns in the UI: create by upload or paste, edit into new versions, diffs, starting runs."""

import io

import sqlalchemy as sa

from preview.store.models import AuditLog, Campaign, CampaignVersion, Run
from tests.conftest import CLEAN_BODY, CLEAN_FRONT, campaign_text
from tests.web.conftest import post

CLEAN = campaign_text(CLEAN_BODY, **CLEAN_FRONT)


def _versions(app, slug):
    with app.extensions["preview"].sessions() as session:
        return session.scalars(
            sa.select(CampaignVersion.number).join(Campaign).where(Campaign.slug == slug).order_by(CampaignVersion.number)
        ).all()


def test_the_list_shows_each_campaign_with_its_latest_version(app, demo, as_user):
    html = as_user("vic").get("/campaigns").get_data(as_text=True)
    for name in ("Newlywed picks", "Winter collection", "Mother&#39;s Day gifts"):
        assert name in html
    assert html.count("not run") >= 8


def test_paste_a_campaign_to_create_it(app, users, as_user):
    client = as_user("rita")
    response = post(client, "/campaigns/new", {"filename": "winter.mjml", "source": CLEAN.replace("\n", "\r\n")}, page="/campaigns/new")
    assert response.status_code == 302 and response.headers["Location"].endswith("/campaigns/winter")
    assert _versions(app, "winter") == [1]
    page = client.get("/campaigns/winter").get_data(as_text=True)
    assert "Winter collection" in page and "Start preview run" in page
    with app.extensions["preview"].sessions() as session:
        version = session.scalar(sa.select(CampaignVersion))
        assert version.author == "rita" and "\r" not in version.source
        assert session.scalar(sa.select(AuditLog.action).where(AuditLog.action == "campaign.create"))


def test_upload_a_campaign_file_to_create_it(app, users, as_user):
    client = as_user("rita")
    data = {"file": (io.BytesIO(("\ufeff" + CLEAN).encode()), "Spring Sale.mjml")}
    response = post(client, "/campaigns/new", data, page="/campaigns/new", content_type="multipart/form-data")
    assert response.status_code == 302
    assert _versions(app, "spring-sale") == [1]


def test_a_broken_campaign_file_is_refused_with_its_line(app, users, as_user):
    client = as_user("rita")
    response = post(client, "/campaigns/new", {"filename": "bad.mjml", "source": "---\nname: [unclosed\n---\n<mjml></mjml>"}, page="/campaigns/new")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "bad.mjml:2" in html
    assert "name: [unclosed" in html  # the text is kept in the form to fix it
    assert _versions(app, "bad") == []


def test_a_file_name_must_say_mjml_or_html(app, users, as_user):
    response = post(as_user("rita"), "/campaigns/new", {"filename": "notes.txt", "source": CLEAN}, page="/campaigns/new")
    assert response.status_code == 400 and "must end in .mjml or .html" in response.get_data(as_text=True)


def test_creating_a_campaign_that_exists_points_to_the_editor(app, demo, as_user):
    response = post(as_user("rita"), "/campaigns/new", {"filename": "winter-collection.mjml", "source": CLEAN}, page="/campaigns/new")
    assert response.status_code == 400 and "exists already" in response.get_data(as_text=True)
    assert _versions(app, "winter-collection") == [1]


def test_editing_saves_a_new_version_and_keeps_the_old_one(app, demo, as_user):
    client = as_user("rita")
    editor = client.get("/campaigns/winter-collection/edit").get_data(as_text=True)
    assert "data-editor" in editor and "<textarea" in editor
    with app.extensions["preview"].sessions() as session:
        source = session.scalar(sa.select(CampaignVersion.source).join(Campaign).where(Campaign.slug == "winter-collection"))
    changed = source.replace("Winter", "Wintry", 1)
    response = post(client, "/campaigns/winter-collection/edit", {"source": changed}, page="/campaigns/winter-collection/edit")
    assert response.status_code == 302
    assert _versions(app, "winter-collection") == [1, 2]
    # The same text again makes no version.
    post(client, "/campaigns/winter-collection/edit", {"source": changed}, page="/campaigns/winter-collection/edit")
    assert _versions(app, "winter-collection") == [1, 2]
    page = client.get("/campaigns/winter-collection/v/2").get_data(as_text=True)
    assert "Changes since version 1" in page and "<del>" in page and "<ins>" in page


def test_an_edit_that_breaks_the_file_is_refused_and_kept_in_the_editor(app, demo, as_user):
    client = as_user("rita")
    response = post(client, "/campaigns/winter-collection/edit", {"source": "---\nsubject: [\n---\nx"}, page="/campaigns/winter-collection/edit")
    assert response.status_code == 400
    assert 'data-error-line="2"' in response.get_data(as_text=True)
    assert _versions(app, "winter-collection") == [1]


def test_viewers_cannot_create_or_edit(app, demo, as_user):
    client = as_user("vic")
    assert post(client, "/campaigns/new", {"filename": "x.mjml", "source": CLEAN}).status_code == 403
    assert post(client, "/campaigns/winter-collection/edit", {"source": CLEAN}).status_code == 403
    assert client.get("/campaigns/winter-collection/edit").status_code == 403
    assert "Start preview run" not in client.get("/campaigns/winter-collection").get_data(as_text=True)


def test_an_unknown_campaign_is_404(as_user):
    assert as_user("vic").get("/campaigns/nope").status_code == 404


def _start(client, slug, **fields):
    form = {"strategy": "random", "size": "8", "seed": "3", "send_date": "2026-12-01", "request_id": "req-1", **fields}
    return post(client, f"/campaigns/{slug}/runs", form, page=f"/campaigns/{slug}")


def test_start_a_run_from_the_campaign_page(app, demo, as_user):
    client = as_user("rita")
    response = _start(client, "winter-collection")
    assert response.status_code == 302 and "/runs/" in response.headers["Location"]
    with app.extensions["preview"].sessions() as session:
        run = session.scalar(sa.select(Run))
    assert run.status == "done" and run.recipients_checked == 8 and run.created_by == "rita"
    assert run.params == {"sampling": {"strategy": "random"}, "size": 8, "seed": "3", "send_date": "2026-12-01"}
    assert app.extensions["preview"].executor.submitted == [run.id]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"run {run.id} of" in page and "8 recipients" in page


def test_a_double_submitted_form_starts_one_run(app, demo, as_user):
    client = as_user("rita")
    first, second = _start(client, "winter-collection"), _start(client, "winter-collection")
    assert first.headers["Location"] == second.headers["Location"]
    assert len(app.extensions["preview"].executor.submitted) == 1


def test_run_parameters_are_checked(app, demo, as_user):
    client = as_user("rita")
    for fields, message in (
        ({"size": "0"}, "between 1 and"),
        ({"size": "many"}, "whole number"),
        ({"strategy": "psychic"}, "unknown sampling strategy"),
        ({"send_date": "12/01/2026"}, "expected a date"),
        ({"strategy": "coverage", "max_scan": "-3"}, "scan at most"),
    ):
        response = _start(client, "winter-collection", request_id="", **fields)
        assert response.status_code == 302
        assert message in client.get("/campaigns/winter-collection").get_data(as_text=True), fields
    assert app.extensions["preview"].executor.submitted == []


def test_every_strategy_can_be_started_and_coverage_shows_its_report(app, demo, as_user):
    client = as_user("rita")
    page = client.get("/campaigns/wedding-congratulations").get_data(as_text=True)
    for name in ("random", "stratified", "edge", "coverage", "all"):
        assert f'value="{name}"' in page
    response = _start(client, "wedding-congratulations", strategy="coverage", size="5", max_scan="40", request_id="cov")
    run_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Branch coverage:" in run_page and "template branch arms reached" in run_page
    with app.extensions["preview"].sessions() as session:
        run = session.scalar(sa.select(Run))
    assert run.params["sampling"] == {"strategy": "coverage", "max_scan": 40}
    assert run.sampling["coverage"]["scanned"] <= 40


def test_the_campaign_page_shows_which_version_each_run_used(app, demo, as_user):
    client = as_user("rita")
    _start(client, "winter-collection", request_id="a")
    with app.extensions["preview"].sessions() as session:
        source = session.scalar(sa.select(CampaignVersion.source))
    post(client, "/campaigns/winter-collection/edit", {"source": source + "\n"}, page="/campaigns/winter-collection/edit")
    _start(client, "winter-collection", request_id="b")
    html = client.get("/campaigns/winter-collection").get_data(as_text=True)
    assert ">v1</a>" in html and ">v2</a>" in html
    with app.extensions["preview"].sessions() as session:
        numbers = [r.campaign_version.number for r in session.scalars(sa.select(Run).order_by(Run.id))]
    assert numbers == [1, 2]
