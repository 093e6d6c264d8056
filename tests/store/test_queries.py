import pytest
import sqlalchemy as sa

from preview.contract.errors import InputError
from preview.store import queries
from preview.store.importer import import_records
from preview.store.models import Recipient
from tests.conftest import recipient


@pytest.fixture
def audience(session):
    records = [recipient(f"r{i}", segments=["vip"] if i % 2 else ["new", "vip"], is_seed=i == 3) for i in range(7)]
    import_records(session, records)
    import_records(session, [recipient("elsewhere")], "other")
    session.commit()
    return records


def _count_selects(engine):
    seen = []

    def before(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", before)
    return seen


def test_iter_records_streams_in_batches_with_one_query_each(session, engine, audience):
    selects = _count_selects(engine)
    batches = list(queries.iter_record_batches(session, None, batch_size=3))
    assert [len(b) for b in batches] == [3, 3, 1]
    assert [r["id"] for b in batches for r in b] == [r["id"] for r in audience]
    keyset = [s for s in selects if "recipients.record" in s]
    assert len(keyset) == 3
    # Keyset pagination: every page after the first starts after the last key seen.
    assert ["recipients.id >" in s for s in keyset] == [False, True, True]


def test_iter_records_is_lazy(session, engine, audience):
    selects = _count_selects(engine)
    stream = queries.iter_records(session, None, batch_size=2)
    assert next(stream)["id"] == "r0"
    assert len([s for s in selects if "recipients.record" in s]) == 1


def test_iter_records_filters_and_stays_in_its_workspace(session, audience):
    seeds = list(queries.iter_records(session, where=Recipient.is_seed.is_(True)))
    assert [r["id"] for r in seeds] == ["r3"]
    assert "elsewhere" not in {r["id"] for r in queries.iter_records(session)}
    assert [r["id"] for r in queries.iter_records(session, "other")] == ["elsewhere"]


def test_counts_and_segments(session, audience):
    assert queries.count_recipients(session) == 7
    assert queries.count_recipients(session, where=[Recipient.is_seed.is_(False), Recipient.first_name == "Ana"]) == 6
    assert queries.segment_counts(session) == {"vip": 7, "new": 4}
    assert queries.has_recipients(session)


def test_lookups_by_external_id(session, audience):
    assert queries.get_recipient(session, None, "r2").email == "r2@mail.acme-test.org"
    assert queries.get_recipient(session, None, "elsewhere") is None
    found = queries.get_records(session, None, ["r1", "nope", "r5", "r1"])
    assert sorted(found) == ["r1", "r5"] and found["r5"] == audience[5]


def test_an_unknown_workspace_is_a_clear_error(session):
    with pytest.raises(InputError, match="no workspace 'ghost'"):
        list(queries.iter_records(session, "ghost"))


def test_empty_database_has_no_recipients(session):
    assert not queries.has_recipients(session)
    assert list(queries.iter_records(session)) == []


def test_batch_size_must_be_positive(session):
    with pytest.raises(ValueError):
        list(queries.iter_records(session, batch_size=0))


def test_list_recipients_pages_by_key(session, audience):
    first = queries.list_recipients(session, limit=4)
    rest = queries.list_recipients(session, after_id=first[-1].id, limit=4)
    assert [r.external_id for r in first + rest] == [r["id"] for r in audience]
    assert [r.external_id for r in queries.list_recipients(session, where=Recipient.is_seed.is_(True))] == ["r3"]
