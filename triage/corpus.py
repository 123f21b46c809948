"""The labelled text files that ship with triage (`triage/data/`), and how any `text,label`
CSV is read.

- `phrases.csv`: training text written for the 26 appeal items (synonyms, residents' phone
  sentences, 12345 work-order summaries, service-desk logs), learned with the catalogue.
- `residents_words.csv`: residents' reports held out for measuring; never trained on.
- `rewordings.json`: each demo report template said twice more sharing no two characters with
  it, for the hard duplicate test.
"""

import csv
import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
PHRASES = DATA / "phrases.csv"
RESIDENTS_WORDS = DATA / "residents_words.csv"
REWORDINGS = DATA / "rewordings.json"


class BadFile(ValueError):
    pass


def read_labelled(path) -> tuple[list[str], list[str]]:
    """Rows of a `text,label` CSV (UTF-8); a missing file or column is a clear error."""
    path = Path(path)
    if not path.is_file():
        raise BadFile(f"{path}: no such file")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not {"text", "label"} <= set(reader.fieldnames):
            raise BadFile(f"{path}: the CSV needs the columns text,label")
        rows = [(r["text"] or "", (r["label"] or "").strip()) for r in reader]
    rows = [(t, label) for t, label in rows if t.strip() and label]
    if not rows:
        raise BadFile(f"{path}: no labelled rows")
    return [t for t, _l in rows], [label for _t, label in rows]


def rewordings() -> dict[str, list[str]]:
    """Demo report template → its two hard rewordings."""
    return {row["template"]: row["rewordings"] for row in json.loads(REWORDINGS.read_text())}
