import json

import pytest

from preview.contract import InputError, load_recipients
from preview.contract.recipients import iter_rows
from tests.conftest import recipient, write_jsonl


def test_jsonl_loads_and_validates(tmp_path):
    path = write_jsonl(tmp_path / "r.jsonl", [recipient("a"), recipient("b", segments=["vip"])])
    records = load_recipients(path)
    assert [r["id"] for r in records] == ["a", "b"]


def test_jsonl_bad_row_names_file_line_and_field(tmp_path):
    bad = recipient("b", orders=[{"id": "o1", "date": "2026-01-01", "items": [{"name": "Lamp"}]}])
    path = write_jsonl(tmp_path / "r.jsonl", [recipient("a"), bad])
    with pytest.raises(InputError) as err:
        load_recipients(path)
    assert err.value.location == f"{path}:2"
    assert err.value.field == "orders[0].items[0].sku"
    assert "required" in str(err.value)


def test_unknown_top_level_key_is_rejected_with_a_hint(tmp_path):
    path = write_jsonl(tmp_path / "r.jsonl", [recipient("a", pet="Rex")])
    with pytest.raises(InputError) as err:
        load_recipients(path)
    assert err.value.field == "pet"
    assert "attributes" in str(err.value)


def test_bad_date_and_enum(tmp_path):
    path = write_jsonl(tmp_path / "r.jsonl", [recipient("a", life_events=[{"type": "wedding", "source": "guess"}])])
    with pytest.raises(InputError) as err:
        load_recipients(path)
    assert err.value.field == "life_events[0].source"
    path = write_jsonl(tmp_path / "d.jsonl", [recipient("a", birth_date="02/04/1985")])
    with pytest.raises(InputError) as err:
        load_recipients(path)
    assert err.value.field == "birth_date"


def test_json_array_reports_the_line_of_the_element(tmp_path):
    records = [recipient("a"), recipient("b"), {"id": "c"}]
    path = tmp_path / "r.json"
    path.write_text(json.dumps(records, indent=2))
    with pytest.raises(InputError) as err:
        load_recipients(path)
    starts = [n for n, line in enumerate(path.read_text().split("\n"), start=1) if line == "  {"]
    assert err.value.field == "email"
    assert err.value.location == f"{path}:{starts[2]}"


def test_invalid_json_file_is_a_clear_error(tmp_path):
    path = tmp_path / "r.json"
    path.write_text('[{"id": "a",\n "email": }]')
    with pytest.raises(InputError) as err:
        load_recipients(path)
    assert err.value.location == f"{path}:2"


def test_csv_with_json_columns_and_dotted_attributes(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(
        "id,email,first_name,segments,is_seed,attributes.pet_name,preferences.occasion_opt_outs,life_events\n"
        'a,a@x.org,Ana,vip;new,false,Rex,mothers_day,"[{""type"": ""wedding"", ""source"": ""declared""}]"\n'
        "b,b@x.org,,,yes,,,\n"
    )
    a, b = load_recipients(path)
    assert a["segments"] == ["vip", "new"]
    assert a["attributes"] == {"pet_name": "Rex"}
    assert a["preferences"] == {"occasion_opt_outs": ["mothers_day"]}
    assert a["life_events"][0]["type"] == "wedding"
    assert b["first_name"] is None and b["is_seed"] is True


def test_csv_bad_cell_names_line_and_column(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text('id,email,orders\na,a@x.org,\nb,b@x.org,"[{oops"\n')
    with pytest.raises(InputError) as err:
        load_recipients(path)
    assert err.value.location == f"{path}:3"
    assert err.value.field == "orders"


def test_csv_unknown_column(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("id,email,nickname\na,a@x.org,Al\n")
    with pytest.raises(InputError) as err:
        load_recipients(path)
    assert "nickname" in str(err.value)


def test_duplicate_ids_are_row_errors(tmp_path):
    path = write_jsonl(tmp_path / "r.jsonl", [recipient("a"), recipient("a")])
    rows = list(iter_rows(path))
    assert rows[0].error is None
    assert rows[1].error is not None and "duplicate" in str(rows[1].error)


def test_unknown_extension_and_missing_file(tmp_path):
    with pytest.raises(InputError):
        load_recipients(tmp_path / "nope.jsonl")
    other = tmp_path / "r.txt"
    other.write_text("x")
    with pytest.raises(InputError, match="unknown recipient file type"):
        load_recipients(other)
