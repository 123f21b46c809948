"""Settings read from the environment stop start-up on a malformed value, naming it."""

import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from cases.channels import CHANNELS


def _settings(monkeypatch, **environ) -> dict:
    """The production settings module as it starts with these variables set."""
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(Path(__file__).parents[2] / "config" / "settings.py"))


WEIGHTS = "INSIGHTS_WEIGHTS must be 3 whole numbers, not negative nor all 0, like 30,35,35, got "


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("INSIGHTS_WEIGHTS", "thirty,35,35", WEIGHTS + "'thirty,35,35'"),
        ("INSIGHTS_WEIGHTS", "50,50", WEIGHTS + "'50,50'"),
        ("INSIGHTS_WEIGHTS", "0,0,0", WEIGHTS + "'0,0,0'"),
        ("INSIGHTS_WEIGHTS", "-10,55,55", WEIGHTS + "'-10,55,55'"),
        (
            "STAFF_NOTIFICATION_CHANNEL",
            "email",
            "STAFF_NOTIFICATION_CHANNEL must be one of log, webhook, wechat, got 'email'",
        ),
        (
            "STAFF_NOTIFICATION_CHANNEL",
            "",
            "STAFF_NOTIFICATION_CHANNEL must be one of log, webhook, wechat, got ''",
        ),
    ],
)
def test_a_malformed_value_stops_start_up_naming_the_variable(monkeypatch, name, value, message):
    with pytest.raises(ImproperlyConfigured) as refused:
        _settings(monkeypatch, **{name: value})

    assert str(refused.value) == message


def test_well_formed_values_are_read(monkeypatch):
    read = _settings(monkeypatch, INSIGHTS_WEIGHTS=" 1, 0,2", STAFF_NOTIFICATION_CHANNEL="wechat")

    assert (read["INSIGHTS_WEIGHTS"], read["STAFF_NOTIFICATION_CHANNEL"]) == ((1, 0, 2), "wechat")


def test_the_staff_channels_offered_are_those_the_worker_delivers(settings):
    assert set(settings.STAFF_NOTIFICATION_CHANNELS) == set(CHANNELS) - {"sms"}  # no staff mobile


@pytest.mark.django_db
def test_the_system_checks_pass_on_the_database_in_use():
    call_command("check", databases=["default"], fail_level="WARNING")
