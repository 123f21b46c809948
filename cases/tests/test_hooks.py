"""The registries through which the apps above cases hear of intake and add to the worker."""

import logging

import pytest

from cases import hooks
from cases.models import Case, OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed_hook():
    """Add a hook to `CASE_FILED` for one test, as an app's `ready()` would."""
    added = []

    def _add(hook):
        hooks.CASE_FILED.append(hook)
        added.append(hook)

    yield _add
    for hook in added:
        hooks.CASE_FILED.remove(hook)


def test_every_new_case_is_told_to_the_apps_above_once(report, filed_hook, fan_out):
    told = []
    filed_hook(lambda *, cases: told.extend(case.tracking_no for case in cases))

    case = report(idempotency_key="k1")
    again = report(idempotency_key="k1")  # a retry returns the case filed already
    assert told == []  # the worker's fan-out tells them, not the request
    fan_out()
    fan_out()

    assert again.pk == case.pk
    assert told == [case.tracking_no]


def test_a_hook_that_fails_is_logged_and_undone_and_the_rest_fans_out(
    report, filed_hook, caplog, fan_out, world
):
    def breaks(*, cases):
        OutboxMessage.objects.create(
            channel="log",
            recipient="x",
            body="half done",
            created_at=cases[0].created_at,
            next_attempt_at=cases[0].created_at,
        )
        raise RuntimeError("model file missing")

    filed_hook(breaks)

    case = report()
    fan_out()

    assert Case.objects.get(pk=case.pk).events.count() == 1
    assert not OutboxMessage.objects.filter(body="half done").exists()
    assert world.grid_worker.notifications.filter(case=case).exists()
    [error] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert error.getMessage() == (
        "test_a_hook_that_fails_is_logged_and_undone_and_the_rest_fans_out.<locals>.breaks "
        f"failed for {case.tracking_no}"
    )
    assert "model file missing" in error.exc_text
