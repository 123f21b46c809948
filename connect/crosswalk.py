"""A system's crosswalk in Excel: its category codes, their names and the catalogue items
they mean here, exported and imported in the admin. An import checks every row first and
changes nothing unless every row is good; codes not in the file stay as they are."""

import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from catalog.models import Item
from connect.models import CategoryCode, ConnectedSystem
from core.uploads import UploadRefused, upload_read

# Header → field; the English names of an older sheet work too.
HEADERS = {"分类代码": "code", "分类名称": "label", "服务事项编码": "item"}
ALIASES = {"code": "code", "label": "label", "item": "item"}
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000


@dataclass
class CrosswalkResult:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row, reason)


def crosswalk_export(*, system: ConnectedSystem) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "对照表"
    sheet.append(list(HEADERS))
    for code in system.category_codes.select_related("item").order_by("code"):
        sheet.append([code.code, code.label, code.item.code if code.item else ""])
    notes = workbook.create_sheet("说明")
    notes.append(
        ["分类代码", "对接系统的分类代码（必填）；12345 文件导入时按“问题分类”的文字对应。"]
    )
    notes.append(["分类名称", "对接系统的分类名称，便于核对。"])
    notes.append(["服务事项编码", "本平台服务事项的编码，如 RB19；留空表示暂不对应，由系统推荐。"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _sheet_rows(upload) -> list[tuple[int, dict]]:
    data = upload_read(upload=upload, max_bytes=MAX_BYTES)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise UploadRefused(_("This is not an Excel (.xlsx) file.")) from None
    rows = list(workbook.worksheets[0].iter_rows(values_only=True, max_row=MAX_ROWS + 2))
    header = [_text(v) for v in (rows[0] if rows else [])]
    where = {
        (HEADERS | ALIASES)[name]: at for at, name in enumerate(header) if name in HEADERS | ALIASES
    }
    if "code" not in where or "item" not in where:
        raise UploadRefused(
            _("The header row lacks the columns: %(columns)s")
            % {"columns": "分类代码、服务事项编码"}
        )
    if len(rows) > MAX_ROWS + 1:
        raise UploadRefused(_("The sheet has more than %(max)d rows.") % {"max": MAX_ROWS})
    found = []
    for line, row in enumerate(rows[1:], start=2):
        values = {name: _text(row[at]) if at < len(row) else "" for name, at in where.items()}
        if any(values.values()):
            found.append((line, values))
    return found


@transaction.atomic
def crosswalk_import(*, system: ConnectedSystem, upload) -> CrosswalkResult:
    result = CrosswalkResult()
    try:
        rows = _sheet_rows(upload)
    except UploadRefused as refused:
        result.errors.append((0, str(refused.message)))
        return result
    items = {i.code: i for i in Item.objects.filter(is_active=True).exclude(kind=Item.Kind.INFO)}
    existing = {c.code: c for c in system.category_codes.all()}
    seen, changes = {}, []
    for line, values in rows:
        code, label, item_code = values["code"], values.get("label", ""), values["item"]
        if not code:
            result.errors.append((line, _("分类代码 is empty.")))
        elif len(code) > 64 or len(label) > 200:
            result.errors.append((line, _("分类代码 is at most 64 characters, 分类名称 200.")))
        elif code in seen:
            result.errors.append((line, _("分类代码 repeats row %(line)d.") % {"line": seen[code]}))
        elif item_code and item_code not in items:
            result.errors.append(
                (line, _("No item “%(code)s” that can be requested.") % {"code": item_code})
            )
        else:
            seen[code] = line
            changes.append((code, label, items.get(item_code)))
    if result.errors:
        return result
    for code, label, item in changes:
        row = existing.get(code) or CategoryCode(system=system, code=code)
        if row.pk:
            result.updated += 1
        else:
            result.created += 1
        row.label, row.item = label or row.label, item
        row.save()
    return result
