"""Staff pages of connected systems: orders coming in (`orders`: the "needs a place" queue,
the order's panel on its case page, a hotline portal's file import) and answers going out
(`answers`: the answers due, an order's feedback sheet, today's answers as a workbook)."""

from connect.views.answers import answers_due, answers_today_workbook, feedback_sheet
from connect.views.orders import (
    case_panel,
    import_confirm,
    import_detail,
    import_list,
    import_template,
    item_confirm,
    place,
    queue,
)

__all__ = [
    "answers_due",
    "answers_today_workbook",
    "case_panel",
    "feedback_sheet",
    "import_confirm",
    "import_detail",
    "import_list",
    "import_template",
    "item_confirm",
    "place",
    "queue",
]
