import contextlib
import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.utils import translation

from cases.services import case_submit
from catalog.models import Item
from catalog.services import catalogue_load_seed
from core.fake_wechat import APP_ID, APP_SECRET, FakeWeChat
from core.testing import (
    CHROMIUM_ARGS,
    DEMO_CASES,
    DEMO_TODAY,
    T0,
    Snapshot,
    build_world,
    demo_community,
    demo_community_seed,
)


def pytest_collection_modifyitems(items):
    """With a read replica configured (scripts/with-replica.sh), every database test may use
    it: the pages that read from it do so in any test that opens them."""
    from django.conf import settings

    from core.replica import REPLICA

    if REPLICA not in settings.DATABASES:
        return
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is not None and "databases" not in marker.kwargs:
            mark = pytest.mark.django_db(*marker.args, **marker.kwargs, databases="__all__")
            item.add_marker(mark, append=False)


@pytest.fixture(autouse=True)
def _clear_cache():
    from catalog.selectors import day_calendar_forget
    from connect import intake
    from triage import selectors as triage_selectors

    def forget():
        cache.clear()
        day_calendar_forget()
        # Loaded models are kept by key, and each test's rolled-back keys come round again.
        triage_selectors._loaded.clear()
        triage_selectors.model_active_forget()
        intake.books_forget()

    forget()
    yield
    forget()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the platform's default language. A request activates its language
    for the thread it ran in (as Django's LocaleMiddleware does), so a test that asked in
    English would otherwise leave whichever test runs next in that process in English."""
    translation.deactivate()
    yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, and the rows most tests share recorded on it as migrated, before a
    test that commits empties it. (The demo's rows and the trained model are recorded on first
    use: only tests that roll back use them, and pytest-django runs those first.)"""
    return SimpleNamespace(
        world=Snapshot.record(build_world, django_db_blocker),
        catalogue=Snapshot.record(catalogue_load_seed, django_db_blocker),
    )


@pytest.fixture(scope="session")
def _world_rows(django_db_setup):
    return django_db_setup.world


@pytest.fixture
def world(db, _world_rows):
    """The personas of core.testing (built once per session, copied into each test)."""
    return _world_rows.replay()


@pytest.fixture
def client_for():
    """A fresh test client signed in as the given user (bypassing the sign-in form)."""
    from django.test import Client

    def _client_for(user):
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _client_for


ARTIFACTS = Path(__file__).parent / "test-artifacts"


@pytest.fixture(scope="session")
def browser(django_db_setup):
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright runs an event loop in this thread, which gives the ORM a new context and so
    # new connection objects: carry over the snapshot that restores the seeded rows (domains,
    # SLA policies, calendar) after each transactional test.
    snapshots = {
        alias: getattr(connections[alias], "_test_serialized_contents", None)
        for alias in connections
    }

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Chromium is missing: scripts/test.sh installs it (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the
    # test itself are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        for alias, snapshot in snapshots.items():
            if snapshot is not None:
                connections[alias]._test_serialized_contents = snapshot
        yield browser
        browser.close()


@pytest.fixture
def wechat(settings):
    """A WeChat official-account API on loopback (core.fake_wechat), set as the app's."""
    server = FakeWeChat().start()
    settings.WECHAT_API_BASE = settings.WECHAT_OAUTH_BASE = server.base
    settings.WECHAT_APP_ID, settings.WECHAT_APP_SECRET = APP_ID, APP_SECRET
    settings.WECHAT_TEMPLATE_ID, settings.WECHAT_TEMPLATE_FIELD = "TPL", "thing1"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def phone(browser, live_server):
    """A phone-sized page on the live server; call `shot(name)` to save a screenshot."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=1,
        locale="zh-CN",
        base_url=live_server.url,
    )
    page = context.new_page()
    ARTIFACTS.mkdir(exist_ok=True)
    page.shot = lambda name: page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
    yield page
    context.close()


@pytest.fixture
def desktop(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    ARTIFACTS.mkdir(exist_ok=True)
    page.shot = lambda name: page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
    yield page
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test leaves a screenshot of each of its pages beside the journey's."""
    report = (yield).get_result()
    if report.when != "call" or not report.failed:
        return
    from playwright.sync_api import Error

    for name in ("phone", "desktop"):
        page = item.funcargs.get(name)
        if page is not None:
            # A closed page has nothing to show; the failure itself is reported either way.
            with contextlib.suppress(Error):
                page.screenshot(path=ARTIFACTS / f"failed-{item.name}-{name}.png", full_page=True)


@pytest.fixture(scope="session")
def demo_community_rows(django_db_setup, django_db_blocker):
    return Snapshot.record(demo_community_seed, django_db_blocker)


@pytest.fixture(scope="session")
def _demo_cases_rows(demo_community_rows, django_db_blocker):
    from cases.demo import seed_cases

    return Snapshot.record(
        lambda: seed_cases(count=DEMO_CASES, today=DEMO_TODAY),
        django_db_blocker,
        on=[demo_community_rows],
    )


@pytest.fixture(scope="module")
def demo(demo_community_rows, _demo_cases_rows, django_db_blocker):
    """The demo community with a year of history (built once per session), copied in for the
    module and rolled back; the number of cases seeded."""
    with demo_community(django_db_blocker, demo_community_rows):
        yield _demo_cases_rows.replay()


@pytest.fixture
def resident_client(world, catalogue, client_for):
    """A signed-in client for resident R1 of household H1 (world.resident_user)."""
    from orgs.models import User

    user = User.objects.create(username="resident-r1")
    world.R1.user = user
    world.R1.save()
    world.resident_user = user
    return client_for(user)


@pytest.fixture(scope="session")
def _catalogue_rows(django_db_setup):
    return django_db_setup.catalogue


# Cases: the catalogue and a resident (R1 of building B1) who reports.
@pytest.fixture
def catalogue(db, _catalogue_rows):
    """The seeded catalogue (loaded once per session, copied into each test)."""
    _catalogue_rows.replay()


@pytest.fixture
def fan_out(db):
    """The worker's fan-out of the events so far, as its next round does it: who hears of
    each gets a notification and a message (`cases.worker.fan_out_due`), at `now` (by default
    the present). Returns how many events fanned out."""
    from django.utils import timezone

    from cases.worker import fan_out_due

    return lambda now=None: fan_out_due(now=now or timezone.now())


@pytest.fixture
def report(world, catalogue, django_capture_on_commit_callbacks):
    """Submit a case as resident R1 of building B1 (micro-grid M1, company P1)."""
    from orgs.models import User

    user = User.objects.create(username="resident-r1")
    world.R1.user = user
    world.R1.save()
    world.resident_user = user

    def _report(*, code="RB01", text="楼道里堆满了杂物，影响通行", now=T0, **extra):
        fields = {
            "item": Item.objects.get(code=code),
            "description": text,
            "channel": "web",
            "created_by": user,
            "resident": world.R1,
            "estate": world.E1,
            "building": world.B1,
            "now": now,
        }
        fields.update(extra)
        return case_submit(**fields)

    return _report
