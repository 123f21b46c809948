"""The installable app: its manifest, its service worker and the page it keeps for offline."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _asset(url: str) -> str | None:
    return finders.find(re.sub(r"^/static/", "", url))


def test_the_manifest_installs_the_app_with_icons_that_exist(client):
    response = client.get(reverse("web_manifest"))
    manifest = json.loads(response.content)

    assert response["Content-Type"] == "application/manifest+json"
    assert manifest["short_name"] == "红管家" and manifest["display"] == "standalone"
    assert manifest["start_url"] == "/"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    assert all(_asset(icon["src"]) for icon in manifest["icons"])
    assert reverse("web_manifest") in client.get("/").content.decode()


def test_the_service_worker_keeps_the_shell_and_the_offline_page(client):
    response = client.get("/sw.js")
    script = response.content.decode()
    shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", script).group(1))

    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"  # a release reaches phones at once
    assert reverse("offline") in shell
    assets = [url for url in shell if url != reverse("offline")]
    assert assets and all(_asset(url) for url in assets)


def test_the_offline_page_is_the_same_for_everybody(world, client_for):
    page = client_for(world.secretary).get(reverse("offline")).content.decode()

    assert "无网络连接" in page
    assert world.secretary.username not in page and "退出登录" not in page
