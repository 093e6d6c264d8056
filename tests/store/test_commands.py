import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from preview.cli import main
from preview.contract.errors import InputError
from preview.store import campaigns, queries
from preview.store.commands import DEMO_GENERATOR, REPO_ROOT, load_demo, load_demo_audience
from preview.store.db import make_engine, session_factory
from preview.store.models import Campaign
from tests.conftest import CLEAN_BODY, CLEAN_FRONT, campaign_text, recipient, write_jsonl


def _run(url, *args):
    return CliRunner().invoke(main, list(args), env={"DATABASE_URL": url}, catch_exceptions=False)


def test_db_current_says_whether_the_schema_is_up_to_date(db_url, engine):
    result = _run(db_url, "db", "current")
    assert result.exit_code == 0
    assert "up to date" in result.output


def test_db_upgrade_and_downgrade(empty_db_url):
    assert "run `preview db upgrade`" in _run(empty_db_url, "db", "current").output
    result = _run(empty_db_url, "db", "upgrade")
    assert result.exit_code == 0 and "is at revision" in result.output
    assert "up to date" in _run(empty_db_url, "db", "current").output
    result = _run(empty_db_url, "db", "downgrade", "base")
    assert result.exit_code == 0 and "base (empty)" in result.output
    engine = make_engine(empty_db_url)
    assert "recipients" not in sa.inspect(engine).get_table_names()
    engine.dispose()


def test_db_upgrade_that_leaves_no_schema_says_so(empty_db_url):
    result = _run(empty_db_url, "db", "upgrade", "base")
    assert result.exit_code == 0
    assert "is at revision base (empty)" in result.output and "None" not in result.output


def test_import_command_imports_and_reports(db_url, engine, tmp_path):
    path = write_jsonl(tmp_path / "r.jsonl", [recipient("a"), recipient("b")])
    result = _run(db_url, "import", str(path), "--workspace", "acme")
    assert result.exit_code == 0, result.output
    assert "imported 2 recipients into workspace 'acme' (2 new, 0 updated)" in result.output
    assert "rows/s" in result.output
    write_jsonl(path, [recipient("a")])
    result = _run(db_url, "import", str(path), "-w", "acme", "--replace")
    assert "(0 new, 1 updated, 1 removed)" in result.output
    with session_factory(engine)() as session:
        assert [r["id"] for r in queries.iter_records(session, "acme")] == ["a"]


def test_import_command_stops_at_a_bad_row_and_keeps_nothing(db_url, engine, tmp_path):
    path = write_jsonl(tmp_path / "r.jsonl", [recipient("a"), {"id": "b", "email": "b@x.org", "shoe_size": 9}])
    result = _run(db_url, "import", str(path))
    assert result.exit_code == 2
    assert f"error: {path}:2: field 'shoe_size': is not a known field" in result.stderr
    with session_factory(engine)() as session:
        assert queries.count_recipients(session) == 0


def test_import_command_asks_for_a_migration_first(empty_db_url, tmp_path):
    path = write_jsonl(tmp_path / "r.jsonl", [recipient("a")])
    result = _run(empty_db_url, "import", str(path))
    assert result.exit_code == 2
    assert "no schema yet: run `preview db upgrade`" in result.stderr


def test_demo_loads_the_generated_audience_and_the_example_campaigns(empty_db_url):
    if not DEMO_GENERATOR.is_file():
        pytest.skip("fixtures/demo_audience.py is not there yet")
    result = _run(empty_db_url, "demo", "--size", "25")
    assert result.exit_code == 0, result.output + result.stderr
    files = [p for p in (REPO_ROOT / "templates").iterdir() if p.suffix in (".mjml", ".html")]
    engine = make_engine(empty_db_url)
    with session_factory(engine)() as session:
        assert queries.count_recipients(session) == 25
        stored = session.scalars(sa.select(Campaign.slug)).all()
        skipped = result.stderr.count("warning: skipped")
        assert len(stored) + skipped == len(files)
        assert all(campaigns.get_version(session, None, slug).number == 1 for slug in stored)
    again = _run(empty_db_url, "demo", "--if-empty")
    assert again.exit_code == 0 and "nothing to do" in again.output
    engine.dispose()


def test_demo_without_its_generator_says_what_is_missing(tmp_path):
    with pytest.raises(InputError, match="demo audience generator is missing"):
        load_demo_audience(10, tmp_path / "demo_audience.py")


def test_load_demo_reports_a_broken_campaign_and_skips_ones_already_stored(session, tmp_path):
    (tmp_path / "good.mjml").write_text(campaign_text(CLEAN_BODY, **CLEAN_FRONT))
    (tmp_path / "broken.html").write_text("---\nname: [unclosed\n---\n<p>x</p>")
    (tmp_path / "notes.txt").write_text("not a campaign")
    result, saved, skipped = load_demo(session, [recipient("a")], tmp_path)
    assert result.inserted == 1
    assert [v.campaign.slug for v in saved] == ["good"]
    assert [(p.name, e.location) for p, e in skipped] == [("broken.html", "broken.html:2")]
    session.commit()
    _, saved, _ = load_demo(session, [recipient("a")], tmp_path)
    assert saved == []
