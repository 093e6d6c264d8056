import csv
import json

import pytest
import sqlalchemy as sa

from preview.contract.errors import InputError
from preview.store import queries
from preview.store.db import session_factory
from preview.store.importer import import_file, import_records
from preview.store.models import (
    Activity,
    Attribute,
    LifeEvent,
    OccasionOptOut,
    Order,
    OrderItem,
    Recipient,
    RecipientSegment,
    Recommendation,
    Run,
    RunRecipient,
)
from tests.conftest import recipient, write_jsonl
from tests.store.records import rich


def _count(session, model, **where):
    query = sa.select(sa.func.count()).select_from(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return session.scalar(query)


def test_import_stores_the_record_and_every_part_of_it_as_rows(session, tmp_path):
    record = rich("r1", 1)
    path = write_jsonl(tmp_path / "a.jsonl", [record, recipient("r2")])
    result = import_file(session, path)
    session.commit()
    assert (result.rows, result.inserted, result.updated, result.workspace) == (2, 2, 0, "default")

    stored = queries.get_recipient(session, None, "r1")
    assert stored.record == record
    assert list(stored.record) == list(record)  # key order kept on PostgreSQL too
    assert (stored.email, stored.first_name, stored.locale, str(stored.birth_date)) == (record["email"], "Ana", "en-US", "1985-04-02")
    assert (stored.deceased, stored.marketing_consent, stored.sensitive_consent) == (False, True, False)
    assert [s.segment for s in stored.segments] == record["segments"]
    assert [(e.type, e.status, e.source, e.confidence) for e in stored.life_events] == [
        ("wedding", "expected", "inferred", 0.62),
        ("new_home", "happened", "declared", None),
    ]
    assert [o.external_id for o in stored.orders] == ["o-r1-1", "o-r1-2"]
    first = stored.orders[0]
    assert first.ship_to_other is True
    assert [(i.sku, i.quantity, i.gift, i.returned, str(i.return_date)) for i in first.items] == [
        ("LAMP-1", 1, True, False, "None"),
        ("MUG-2", 4, False, True, "2026-03-20"),
    ]
    assert {i.recipient_id for i in first.items} == {stored.id}
    assert stored.orders[1].registry_id == "REG-9"
    assert [(a.type, a.count, a.query) for a in stored.activity] == [("pin", 14, None), ("search", 1, "bridal shower gifts")]
    assert [(r.sku, r.reason_type, r.reason_source_sku) for r in stored.recommendations] == [("VASE-4", "purchase", "LAMP-1"), ("RUG-5", None, None)]
    assert [o.occasion for o in stored.occasion_opt_outs] == ["mothers_day", "fathers_day"]
    attributes = {a.name: (a.value, a.value_text, a.source) for a in stored.attributes}
    assert attributes == {
        "pet_name": ("Rex", "Rex", "declared"),
        "loyalty_points": (121, "121", "observed"),
        "newsletter": (True, "true", None),
        "tags": (["a", "b"], None, "inferred"),
        "nickname": (None, None, None),
    }
    plain = queries.get_recipient(session, None, "r2")
    assert plain.segments == [] and plain.orders == [] and plain.attributes == []


def test_child_rows_are_queryable_with_sql(session, tmp_path):
    records = [rich("a", 1), recipient("b"), rich("c", 2, life_events=[{"type": "pregnancy", "status": "lost", "source": "declared"}])]
    import_records(session, records)
    session.commit()
    lost = sa.select(LifeEvent.recipient_id).where(LifeEvent.type == "pregnancy", LifeEvent.status == "lost")
    assert [r["id"] for r in queries.iter_records(session, where=Recipient.id.in_(lost))] == ["c"]
    gifts = sa.select(OrderItem.recipient_id).where(OrderItem.gift.is_(True))
    assert queries.count_recipients(session, where=Recipient.id.in_(gifts)) == 2


def test_reimport_replaces_the_record_and_its_rows(session, tmp_path):
    import_records(session, [rich("r1", 1), recipient("r2")])
    session.commit()
    changed = recipient("r1", first_name="Bea", orders=[{"id": "o9", "date": "2026-01-02", "items": [{"sku": "X", "name": "X"}]}])
    result = import_file(session, write_jsonl(tmp_path / "b.jsonl", [changed, recipient("r3")]))
    session.commit()
    assert (result.inserted, result.updated) == (1, 1)
    session.expunge_all()
    stored = queries.get_recipient(session, None, "r1")
    assert stored.first_name == "Bea" and stored.record == changed
    assert [o.external_id for o in stored.orders] == ["o9"]
    assert _count(session, Order) == 1 and _count(session, OrderItem) == 1
    for model in (LifeEvent, Activity, Recommendation, OccasionOptOut, Attribute, RecipientSegment):
        assert _count(session, model) == 0, model.__tablename__
    assert queries.count_recipients(session) == 3


@pytest.mark.parametrize("bad_line", [1, 1234, 2500])
def test_a_bad_row_anywhere_aborts_the_import_and_keeps_nothing(engine, tmp_path, bad_line):
    sessions = session_factory(engine)
    with sessions.begin() as session:
        import_records(session, [recipient("keep", first_name="Old")])
    records = [recipient(f"r{i}") for i in range(1, 2501)]
    records[bad_line - 1] = recipient(f"r{bad_line}", orders=[{"id": "o1", "date": "2026-13-01", "items": []}])
    records[0] = recipient("keep", first_name="New") if bad_line != 1 else records[0]
    path = write_jsonl(tmp_path / "bad.jsonl", records)
    with pytest.raises(InputError) as err, sessions.begin() as session:
        import_file(session, path, batch_size=1000)
    assert err.value.location == f"{path}:{bad_line}"
    assert err.value.field == "orders[0].date"
    with sessions() as session:
        assert queries.count_recipients(session) == 1
        assert queries.get_recipient(session, None, "keep").first_name == "Old"
        assert _count(session, Order) == 0


def test_a_duplicate_id_in_the_file_aborts_the_import(engine, tmp_path):
    path = write_jsonl(tmp_path / "dup.jsonl", [recipient("a"), recipient("b"), recipient("a")])
    sessions = session_factory(engine)
    with pytest.raises(InputError, match="duplicate id 'a'") as err, sessions.begin() as session:
        import_file(session, path)
    assert err.value.location == f"{path}:3"
    with sessions() as session:
        assert queries.count_recipients(session) == 0


def test_csv_and_json_files_import(session, tmp_path):
    csv_path = tmp_path / "r.csv"
    with csv_path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "email", "first_name", "segments", "attributes.pet_name", "preferences.occasion_opt_outs"])
        writer.writerow(["c1", "c1@x.org", "Cy", "vip;new", "Rex", "mothers_day;easter"])
    json_path = tmp_path / "r.json"
    json_path.write_text(json.dumps([recipient("j1"), recipient("j2")], indent=2))
    assert import_file(session, csv_path).inserted == 1
    assert import_file(session, json_path).inserted == 2
    session.commit()
    c1 = queries.get_recipient(session, None, "c1")
    assert [s.segment for s in c1.segments] == ["vip", "new"]
    assert [o.occasion for o in c1.occasion_opt_outs] == ["mothers_day", "easter"]
    assert [(a.name, a.value) for a in c1.attributes] == [("pet_name", "Rex")]


def test_a_bad_csv_cell_names_its_line_and_column(engine, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("id,email,is_seed\nc1,c1@x.org,no\nc2,c2@x.org,perhaps\n")
    with pytest.raises(InputError) as err, session_factory(engine).begin() as session:
        import_file(session, path)
    assert (err.value.location, err.value.field) == (f"{path}:3", "is_seed")


def test_workspaces_are_separate_audiences(session):
    import_records(session, [recipient("same", first_name="Ann")], "acme")
    import_records(session, [recipient("same", first_name="Bob")], "globex")
    session.commit()
    assert queries.get_recipient(session, "acme", "same").first_name == "Ann"
    assert queries.get_recipient(session, "globex", "same").first_name == "Bob"
    assert queries.count_recipients(session, "acme") == 1
    assert queries.count_recipients(session) == 0  # the default workspace is untouched


def test_replace_deletes_recipients_the_file_does_not_list_but_runs_keep_their_copy(session, tmp_path):
    from preview.store.campaigns import save_version

    import_records(session, [rich("a", 1), rich("b", 2), recipient("c")])
    version, _ = save_version(session, "<p>Hi</p>", "hi.html")
    run = Run(workspace_id=version.campaign.workspace_id, campaign_version_id=version.id, params={})
    session.add(run)
    session.flush()
    b = queries.get_recipient(session, None, "b")
    session.add(RunRecipient(run_id=run.id, recipient_id=b.id, external_id="b", position=0, verdict="pass", record=b.record))
    session.commit()

    result = import_file(session, write_jsonl(tmp_path / "only-a.jsonl", [rich("a", 1)]), replace=True)
    session.commit()
    assert (result.updated, result.deleted) == (1, 2)
    assert [r["id"] for r in queries.iter_records(session)] == ["a"]
    assert _count(session, Order) == 2  # a's orders only
    session.expunge_all()
    kept = session.scalar(sa.select(RunRecipient))
    assert kept.recipient_id is None and kept.external_id == "b" and kept.record["id"] == "b"


def test_replace_touches_only_its_own_workspace(session, tmp_path):
    import_records(session, [recipient("x")], "other")
    import_file(session, write_jsonl(tmp_path / "a.jsonl", [recipient("a")]), replace=True)
    session.commit()
    assert queries.count_recipients(session, "other") == 1


def test_records_given_in_code_are_validated_with_their_index(session):
    with pytest.raises(InputError) as err:
        import_records(session, [recipient("a"), {"id": "b"}], source="demo")
    assert (err.value.location, err.value.field) == ("demo[1]", "email")


def test_replace_with_an_empty_file_is_refused_rather_than_emptying_the_audience(session, tmp_path):
    import_records(session, [recipient("a")])
    session.commit()
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    with pytest.raises(InputError, match="would delete the whole audience"):
        import_file(session, empty, replace=True)
    session.rollback()
    assert queries.count_recipients(session) == 1


def test_objects_loaded_before_a_reimport_show_the_new_data(session):
    import_records(session, [recipient("a", first_name="Old")])
    before = queries.get_recipient(session, None, "a")
    import_records(session, [recipient("a", first_name="New")])
    assert before.first_name == "New"
