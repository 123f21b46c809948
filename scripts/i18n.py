"""Maintain the translation catalogues.

    .venv/bin/python scripts/i18n.py            # English catalogue: msgstr = msgid; report gaps
    .venv/bin/python scripts/i18n.py zh.json    # also apply {msgid: Chinese} from a JSON file

The English catalogue is the source language, so it is filled mechanically; the Chinese one is
written by people (or from a JSON file of msgid -> translation). Fuzzy guesses are dropped.
"""

import json
import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def fill_english() -> None:
    po = polib.pofile(LOCALE / "en" / "LC_MESSAGES" / "django.po")
    for entry in po:
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save()


def apply_chinese(mapping: dict) -> list[str]:
    po = polib.pofile(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po")
    for entry in po:
        if entry.msgid in mapping:
            if entry.msgid_plural:
                entry.msgstr_plural = {0: mapping[entry.msgid]}
            else:
                entry.msgstr = mapping[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    po.save()
    return [e.msgid for e in po.untranslated_entries() + po.fuzzy_entries()]


if __name__ == "__main__":
    fill_english()
    mapping = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")) if len(sys.argv) > 1 else {}
    gaps = apply_chinese(mapping)
    for msgid in gaps:
        print(f"untranslated: {msgid!r}")
    sys.exit(1 if gaps else 0)
