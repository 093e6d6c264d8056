import pytest

from preview.contract.errors import InputError
from preview.store import campaigns
from tests.conftest import CLEAN_BODY, CLEAN_FRONT, campaign_text


def test_saves_make_numbered_versions_and_identical_text_is_not_a_new_one(session):
    text = campaign_text(CLEAN_BODY, **CLEAN_FRONT)
    v1, created = campaigns.save_version(session, text, "winter.mjml", author="ana")
    assert created and v1.number == 1 and v1.author == "ana"
    again, created = campaigns.save_version(session, text, "winter.mjml")
    assert not created and again.id == v1.id
    v2, created = campaigns.save_version(session, text.replace("cosy", "warm"), "winter.mjml")
    assert created and v2.number == 2 and v2.campaign_id == v1.campaign_id
    session.commit()
    campaign = campaigns.get_campaign(session, None, "winter")
    assert campaign.name == "Winter collection"
    assert [v.number for v in campaign.versions] == [1, 2]
    assert campaigns.get_version(session, None, "winter").id == v2.id
    assert campaigns.get_version(session, None, "winter", 1).source == text
    assert campaigns.get_version(session, None, "winter", 3) is None
    assert campaigns.get_version(session, None, "nope") is None


def test_a_version_parses_back_to_the_campaign_it_was(session):
    version, _ = campaigns.save_version(session, "<p>Hi {{ recipient.first_name }}</p>", "hello.html")
    parsed = campaigns.parse_version(version)
    assert parsed.format == "html" and parsed.name == "hello" and parsed.path == "hello.html"


def test_broken_front_matter_is_refused_with_its_line(session):
    with pytest.raises(InputError) as err:
        campaigns.save_version(session, "---\nname: x\noccasion: birthday_party\n---\n<p>x</p>", "x.html")
    assert err.value.location == "x.html:3" and err.value.field == "occasion"
    assert campaigns.list_campaigns(session) == []


def test_save_file_reads_the_file_and_names_a_missing_one(session, tmp_path):
    path = tmp_path / "Spring Sale.mjml"
    path.write_text(campaign_text(CLEAN_BODY, **CLEAN_FRONT))
    version, _ = campaigns.save_file(session, path, author="cli")
    assert version.filename == "Spring Sale.mjml" and version.campaign.slug == "spring-sale"
    with pytest.raises(InputError, match="no such file"):
        campaigns.save_file(session, tmp_path / "gone.mjml")


def test_campaigns_belong_to_their_workspace(session):
    campaigns.save_version(session, "<p>a</p>", "a.html", "acme")
    campaigns.save_version(session, "<p>b</p>", "a.html", "globex")
    assert campaigns.get_version(session, "acme", "a").source == "<p>a</p>"
    assert campaigns.get_version(session, "globex", "a").source == "<p>b</p>"
    assert [c.slug for c in campaigns.list_campaigns(session, "acme")] == ["a"]


@pytest.mark.parametrize(("text", "slug"), [("Newlywed picks (v2)", "newlywed-picks-v2"), ("  ", "campaign"), ("Été à Paris", "ete-a-paris")])
def test_slugify(text, slug):
    assert campaigns.slugify(text) == slug
