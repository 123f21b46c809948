"""First load of the resident's pages on a slow phone: chromium, cold cache, the network
throttled to a poor mobile profile, against gunicorn serving the collected assets as in
production. Reports what was transferred (compressed, as sent) and when the page was usable."""

import shutil
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

from bench.measure import Server
from core.testing import CHROMIUM_ARGS
from orgs.models import User
from residents.models import Resident

# 1.6 Mbps down, 750 kbps up, 150 ms round trip (Lighthouse's "slow 4G").
PROFILE = {"download_kbps": 1600, "upload_kbps": 750, "rtt_ms": 150}
PAGES = {"home": "/", "report": "/cases/report/"}


def _resident_session() -> str:
    """A signed-in resident's session key (a resident with a home)."""
    resident = Resident.objects.filter(ties__isnull=False).order_by("pk").first()
    if resident.user is None:
        resident.user = User.objects.create(username=f"bench-resident-{resident.pk}")
        resident.save(update_fields=["user"])
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(resident.user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = resident.user.get_session_auth_hash()
    session.create()
    return session.session_key


def first_load() -> dict:
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        return {"skipped": "chromium is not installed (scripts/browser-deps.sh)"}
    session_key = _resident_session()
    server = Server(workers=1)
    base = f"http://127.0.0.1:{server.port}"
    results = {"profile": PROFILE}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            for name, path in PAGES.items():
                results[name] = _load(browser, base, path, session_key)
            browser.close()
    finally:
        server.stop()
    return results


def _load(browser, base: str, path: str, session_key: str) -> dict:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    context.add_cookies([{"name": "sessionid", "value": session_key, "url": base}])
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": PROFILE["rtt_ms"],
            "downloadThroughput": PROFILE["download_kbps"] * 1000 / 8,
            "uploadThroughput": PROFILE["upload_kbps"] * 1000 / 8,
        },
    )
    received = []
    cdp.on("Network.loadingFinished", lambda event: received.append(event["encodedDataLength"]))
    page.goto(base + path, wait_until="load")
    page.wait_for_load_state("networkidle")  # what the page fetches after load counts too
    if not page.url.endswith(path):  # sent to the sign-in page: the figure would be its
        raise RuntimeError(f"{path} was not shown to the signed-in resident: {page.url}")
    timing = page.evaluate(
        """() => { const n = performance.getEntriesByType("navigation")[0];
        return {dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd, status: n.responseStatus}; }"""
    )
    context.close()
    return {
        "status": timing["status"],
        "requests": len(received),
        "transfer_kb": round(sum(received) / 1024, 1),
        "usable_ms": round(timing["dcl"]),
        "load_ms": round(timing["load"]),
    }
