"""The 个人信息处理规则 (rules for processing personal data), versioned.

Each version's text is a template; a version, once published, is never edited: a change is a
new version appended here. Every consent records the version it was given under
(`Resident.consent_version`, `SeparateConsent.rules_version`).
"""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class RulesVersion:
    version: str
    published: date
    template: str


VERSIONS = (RulesVersion("1.0", date(2026, 12, 1), "residents/rules/1.0.html"),)
CURRENT = VERSIONS[-1]


def rules_get(version: str) -> RulesVersion | None:
    return next((v for v in VERSIONS if v.version == version), None)
