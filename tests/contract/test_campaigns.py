import datetime as dt

import pytest

from preview.contract import InputError, load_campaign, parse_campaign


def test_front_matter_fields_and_body_line():
    text = "---\nname: Picks\nsubject: Hi {{ recipient.first_name }}\nsend_date: 2026-12-10\noccasion: christmas\n---\n<mjml></mjml>\n"
    c = parse_campaign(text, "picks.mjml")
    assert c.name == "Picks" and c.format == "mjml"
    assert c.send_date == dt.date(2026, 12, 10)
    assert c.occasion == "christmas"
    assert c.body_line == 7
    assert c.field_line("subject") == 3


def test_no_front_matter_is_a_body_alone():
    c = parse_campaign("<html><body>Hi</body></html>", "plain.html")
    assert c.subject is None and c.format == "html" and c.name == "plain"


def test_malformed_yaml_names_the_line():
    with pytest.raises(InputError) as err:
        parse_campaign("---\nname: ok\nsubject: [unclosed\nfrom_name: x\n---\nbody", "c.mjml")
    assert err.value.location.startswith("c.mjml:")
    assert "YAML" in str(err.value)


def test_unclosed_front_matter():
    with pytest.raises(InputError, match="never closed"):
        parse_campaign("---\nname: x\n<mjml></mjml>", "c.mjml")


@pytest.mark.parametrize(
    "line, field",
    [("send_date: tomorrow", "send_date"), ("occasion: birthday_party", "occasion"), ("format: pdf", "format"), ("subject: [a, b]", "subject")],
)
def test_bad_field_values(line, field):
    with pytest.raises(InputError) as err:
        parse_campaign(f"---\nname: x\n{line}\n---\nbody", "c.mjml")
    assert err.value.field == field
    assert err.value.location == "c.mjml:3"


def test_load_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_campaign(tmp_path / "none.mjml")
