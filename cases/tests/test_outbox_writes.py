"""Every outbox row is written by one function (`cases.notify.outbox_write`): no other
production module makes or saves an `OutboxMessage` itself."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = {".venv", "node_modules", "migrations", "tests"}
WRITES = {"create", "bulk_create", "get_or_create", "update_or_create"}


def _outbox_writes(path: Path) -> list[int]:
    """Lines that call `OutboxMessage(…)` or `OutboxMessage.objects.<write>(…)`."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.Call) and _writes_outbox(ast.unparse(node.func))
    ]


def _writes_outbox(called: str) -> bool:
    return called == "OutboxMessage" or called in {f"OutboxMessage.objects.{w}" for w in WRITES}


def test_only_cases_notify_makes_outbox_rows():
    found = {
        f"{path.relative_to(ROOT)}:{line}"
        for path in ROOT.rglob("*.py")
        if not SKIPPED & set(path.relative_to(ROOT).parts)
        for line in _outbox_writes(path)
    }
    notify = {place for place in found if place.startswith("cases/notify.py:")}

    assert found - notify == set()
    assert len(notify) == 2  # outbox_message makes them, outbox_write writes them
