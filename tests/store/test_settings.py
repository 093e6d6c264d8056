import pytest

from preview import settings
from preview.contract.errors import InputError
from preview.store.db import database_url, normalize_url


def test_every_setting_is_named_preview_and_has_help():
    for s in settings.SETTINGS:
        assert s.name.startswith("PREVIEW_")
        assert s.help.strip() and "\n" not in s.help
    assert len(settings.BY_NAME) == len(settings.SETTINGS)


def test_environment_overrides_config_which_overrides_defaults():
    assert settings.load(environ={})["PREVIEW_DEMO_SIZE"] == settings.BY_NAME["PREVIEW_DEMO_SIZE"].default
    assert settings.load({"PREVIEW_DEMO_SIZE": 50}, environ={})["PREVIEW_DEMO_SIZE"] == 50
    assert settings.load({"PREVIEW_DEMO_SIZE": 50}, environ={"PREVIEW_DEMO_SIZE": "70"})["PREVIEW_DEMO_SIZE"] == 70


def test_config_keys_that_are_not_settings_are_ignored():
    assert "SECRET_KEY" not in settings.load({"SECRET_KEY": "x"}, environ={})


def test_environment_values_take_the_type_of_the_default():
    env = {"PREVIEW_SQL_ECHO": "yes", "PREVIEW_RENDER_TIME_LIMIT": "0.5", "PREVIEW_DEFAULT_WORKSPACE": "acme"}
    loaded = settings.load(environ=env)
    assert loaded["PREVIEW_SQL_ECHO"] is True
    assert loaded["PREVIEW_RENDER_TIME_LIMIT"] == 0.5
    assert loaded["PREVIEW_DEFAULT_WORKSPACE"] == "acme"
    assert settings.load(environ={"PREVIEW_SQL_ECHO": "off"})["PREVIEW_SQL_ECHO"] is False


@pytest.mark.parametrize(("name", "raw"), [("PREVIEW_SQL_ECHO", "maybe"), ("PREVIEW_DEMO_SIZE", "lots")])
def test_a_bad_environment_value_names_the_setting(name, raw):
    with pytest.raises(InputError) as err:
        settings.load(environ={name: raw})
    assert err.value.field == name
    assert raw in str(err.value)


def test_unknown_setting_is_an_error():
    with pytest.raises(KeyError):
        settings.get("PREVIEW_NOPE", environ={})


def test_describe_lists_every_setting():
    table = settings.describe()
    assert all(f"`{s.name}`" in table for s in settings.SETTINGS)


def test_database_url_prefers_DATABASE_URL_then_the_setting_then_sqlite(tmp_path):
    env = {"DATABASE_URL": "sqlite:////a.sqlite", "PREVIEW_DATABASE_URL": "sqlite:////b.sqlite"}
    assert database_url(environ=env) == "sqlite:////a.sqlite"
    assert database_url(environ={"PREVIEW_DATABASE_URL": "sqlite:////b.sqlite"}) == "sqlite:////b.sqlite"
    assert database_url({"PREVIEW_DATABASE_URL": "sqlite:////c.sqlite"}, environ={}) == "sqlite:////c.sqlite"
    folder = tmp_path / "instance"
    assert database_url(environ={}, instance_path=folder) == f"sqlite:///{folder / 'preview.sqlite'}"
    assert folder.is_dir()


@pytest.mark.parametrize("given", ["postgres://u:p@h/db", "postgresql://u:p@h/db", "postgresql+psycopg://u:p@h/db"])
def test_postgres_urls_use_psycopg_3(given):
    assert normalize_url(given) == "postgresql+psycopg://u:p@h/db"
    assert database_url(environ={"DATABASE_URL": given}) == "postgresql+psycopg://u:p@h/db"
