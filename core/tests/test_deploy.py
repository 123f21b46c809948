"""The production set-up as the README documents it passes Django's deployment checks, and
the generated secret key is readable by its owner only."""

import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def test_the_documented_production_settings_pass_the_deployment_checks():
    # The machine's environment, less what the browser tests set in this process.
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "0",
        "HTTPS": "1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "hgj.example.cn",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    checked = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert checked.returncode == 0, checked.stderr
    assert checked.stderr == ""
    assert "System check identified no issues" in checked.stdout


def test_the_secret_key_file_is_written_for_its_owner_only(tmp_path):
    key_file = tmp_path / "var" / "secret_key"

    first = subprocess.run(
        [ROOT / "scripts" / "secret-key.sh", key_file], capture_output=True, text=True, check=True
    )
    key_file.chmod(0o644)  # as an older version left it
    again = subprocess.run(
        [ROOT / "scripts" / "secret-key.sh", key_file], capture_output=True, text=True, check=True
    )

    assert first.stdout == again.stdout and len(first.stdout.strip()) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_a_command_run_without_a_key_makes_one_for_its_owner_only(tmp_path):
    """`manage.py makemigrations --check` on a fresh checkout, with neither SECRET_KEY nor
    DEBUG set, runs; the key it made is random, private and the same next time."""
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    env |= {"HGJ_VAR_DIR": str(tmp_path / "var"), "DJANGO_SETTINGS_MODULE": "config.settings"}

    def run():
        return subprocess.run(
            [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    first = run()
    key_file = tmp_path / "var" / "secret_key"
    key = key_file.read_text()
    second = run()

    assert (first.returncode, second.returncode) == (0, 0), first.stderr + second.stderr
    assert "No changes detected" in first.stdout
    assert len(key.strip()) >= 50 and key_file.read_text() == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
