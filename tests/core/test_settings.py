import pytest
from django.core.exceptions import ImproperlyConfigured

from config import env
from config.env import require_production_secret_key


def test_servers_refuse_to_start_without_a_secret_key_outside_debug(settings):
    settings.DEBUG, settings.SECRET_KEY_FROM_ENVIRONMENT = False, False
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY"):
        require_production_secret_key()
    settings.SECRET_KEY_FROM_ENVIRONMENT = True
    require_production_secret_key()


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("0", False), ("On", True), ("", True)])
def test_booleans_are_parsed_strictly(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert env.env_bool("X_FLAG", default=True) is expected


def test_a_bad_boolean_stops_start_up(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yess")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env.env_bool("X_FLAG", default=False)


def test_numbers_below_their_minimum_stop_start_up(monkeypatch):
    monkeypatch.setenv("X_NUMBER", "8")
    with pytest.raises(ImproperlyConfigured, match="minimum"):
        env.env_int("X_NUMBER", default=12, minimum=12)
