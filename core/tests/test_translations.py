from pathlib import Path

import polib
import pytest
from django.conf import settings


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_translation_catalogue_is_complete(language):
    catalogue = polib.pofile(
        Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"
    )

    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []
    assert len(catalogue.translated_entries()) > 100
