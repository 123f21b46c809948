"""What the apps above residents add to a resident's own data, and hear of their consents.

Residents sits below cases, engagement and care, so it does not import them: each fills these
in its `AppConfig.ready()`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class DataSection:
    """A part of the file a resident downloads: rows of plain values (a list value is a table
    of its own), with a label for each key in the reader's language."""

    title: str
    rows: Callable  # (resident) -> list[dict]
    labels: dict = field(default_factory=dict)


# Name → section, in the order they are added.
DATA_SECTIONS: dict[str, DataSection] = {}

# Called as hook(consent=, now=) inside the transaction that withdraws a separate consent, so
# that processing for the purpose stops with it (care ends when its consent is withdrawn).
CONSENT_WITHDRAWN: list[Callable] = []
