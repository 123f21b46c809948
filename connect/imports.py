"""A hotline portal's export imported as work orders (for hotlines that only have a portal).

The file is an Excel workbook (.xlsx) or CSV (UTF-8 with or without BOM, or GB18030) with the
12345 portal's columns, matched by header: order free, extra columns ignored. Every row is
read and checked first, and its outcome shown (a new case, already imported, needs a place,
or an error and why) before anything is stored; confirming imports every row in one
transaction, or none; importing the same file again changes nothing (the order numbers are
known by then).
"""

import csv
import io
import re
import unicodedata
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from cases.services import case_submit_many
from connect.intake import (
    ORDER_TYPES,
    PHONE,
    OrderData,
    SystemReads,
    local_time,
    order_filed,
    order_new,
    order_place_of,
    order_submission,
)
from connect.models import ConnectedSystem, ExternalOrder, OrderImport
from core.errors import ApplicationError, Conflict
from core.uploads import UploadRefused, upload_name, upload_read
from orgs.address import AddressMatch
from residents.masking import mask_household

# The portal's header → the order's field, in the template's order.
COLUMNS = {
    "工单编号": "number",
    "来电时间": "called_at",
    "诉求人": "caller_name",
    "联系电话": "caller_phone",
    "诉求地址": "address",
    "诉求内容": "content",
    "诉求类型": "order_type",
    "问题分类": "category_label",
    "紧急程度": "urgency",
    "签收时限": "sign_by",
    "办结时限": "answer_by",
}
REQUIRED = ("工单编号", "诉求地址", "诉求内容")
TIMES = {"called_at", "sign_by", "answer_by"}
LIMITS = {
    "number": 64,
    "caller_name": 50,
    "caller_phone": 20,
    "address": 200,
    "content": 2000,
    "category_label": 200,
    "urgency": 20,
}
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000
TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H时%M分",
    "%Y年%m月%d日 %H时%M分",
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UNCONFIRMED_KEPT = timedelta(days=1)
IMPORT_BATCH = 500  # rows filed together  # an upload nobody confirmed, then its file is deleted


class Outcome(models.TextChoices):
    NEW = "new", gettext_lazy("New case")
    KNOWN = "known", gettext_lazy("Already imported")
    NEEDS_PLACE = "needs_place", gettext_lazy("Needs a place")
    ERROR = "error", gettext_lazy("Error")


@dataclass
class Row:
    line: int  # the row's number in the file, the header being 1
    number: str
    outcome: str
    message: str = ""
    data: OrderData | None = None
    place: str = ""  # where a new case goes
    match: AddressMatch | None = None

    @property
    def outcome_label(self) -> str:
        return Outcome(self.outcome).label


@dataclass
class Preview:
    rows: list[Row] = field(default_factory=list)
    problem: str = ""  # what is wrong with the file as a whole
    reads: SystemReads | None = None  # what the rows were checked against

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(row.outcome for row in self.rows)
        return {outcome: found.get(outcome, 0) for outcome in Outcome.values}

    @property
    def importable(self) -> bool:
        counts = self.counts
        new = counts[Outcome.NEW] + counts[Outcome.NEEDS_PLACE]
        return not self.problem and not counts[Outcome.ERROR] and new > 0


class FileProblem(ApplicationError):
    code = "invalid_file"
    status = 400


# ---------------------------------------------------------------------------------------------
# Reading the file


def _header(value) -> str:
    """A header as the portal may write it: "工单编号", " 工单编号* ", "工单编号（必填）"."""
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    return re.sub(r"[\s*]|\(.*\)$", "", text)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # numbers the workbook stored as numbers: order numbers, phones
    return _CONTROL.sub("", unicodedata.normalize("NFKC", str(value))).strip()


def _table(name: str, data: bytes) -> list[list]:
    """The first sheet of a workbook, or the rows of a CSV file, as lists of cell values."""
    if data.startswith(b"PK\x03\x04"):
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds for a file that is not a workbook
            raise FileProblem(_("This is not an Excel (.xlsx) file.")) from None
        sheet = workbook.worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2)]
        workbook.close()
        return rows
    if not name.lower().endswith(".csv"):
        raise FileProblem(_("Upload the portal's export as Excel (.xlsx) or CSV."))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return list(csv.reader(io.StringIO(text)))[: MAX_ROWS + 2]
    raise FileProblem(_("The CSV file is neither UTF-8 nor GB18030 text."))


def _records(name: str, data: bytes) -> list[tuple[int, dict]]:
    """(line, values by field) for each row that is not empty."""
    table = _table(name, data)
    if not table:
        raise FileProblem(_("The file is empty."))
    header = [_header(value) for value in table[0]]
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise FileProblem(
            _("The header row lacks the columns: %(columns)s") % {"columns": "、".join(missing)}
        )
    if len(table) > MAX_ROWS + 1:
        raise FileProblem(_("The file has more than %(max)d rows.") % {"max": MAX_ROWS})
    where = {COLUMNS[name]: header.index(name) for name in COLUMNS if name in header}
    records = []
    for line, row in enumerate(table[1:], start=2):
        cells = [_cell(value) for value in row]
        if not any(cell != "" for cell in cells):
            continue
        records.append(
            (line, {name: cells[at] if at < len(cells) else "" for name, at in where.items()})
        )
    return records


def _time(value, column: str):
    if value == "":
        return None
    if isinstance(value, datetime):
        return local_time(value)
    if not isinstance(value, date):
        for pattern in TIME_FORMATS:
            try:
                return local_time(datetime.strptime(value, pattern))
            except ValueError:
                continue
    raise ValueError(
        _("%(column)s “%(value)s” is not a date and time such as 2026-12-03 09:30.")
        % {"column": column, "value": value}
    )


def _order(values: dict) -> OrderData:
    """The row as an order, or ValueError with the reason, in the words of the file."""
    column = {field: header for header, field in COLUMNS.items()}
    text = {name: str(value) for name, value in values.items() if name not in TIMES}
    for name in ("number", "content"):
        if not text.get(name):
            raise ValueError(_("%(column)s is empty.") % {"column": column[name]})
    for name, limit in LIMITS.items():
        if len(text.get(name, "")) > limit:
            raise ValueError(
                _("%(column)s is longer than %(max)d characters.")
                % {"column": column[name], "max": limit}
            )
    if any(c.isspace() for c in text["number"]):
        raise ValueError(_("%(column)s has spaces in it.") % {"column": column["number"]})
    if text.get("caller_phone") and not PHONE.fullmatch(text["caller_phone"]):
        raise ValueError(
            _("%(column)s “%(value)s” is not a phone number.")
            % {"column": column["caller_phone"], "value": text["caller_phone"]}
        )
    kind = text.get("order_type", "")
    if kind and kind not in ORDER_TYPES:
        raise ValueError(
            _("%(column)s “%(value)s” is not one of 咨询, 求助, 投诉, 举报, 建议.")
            % {"column": column["order_type"], "value": kind}
        )
    times = {name: _time(values.get(name, ""), column[name]) for name in TIMES}
    if times["sign_by"] and times["answer_by"] and times["answer_by"] < times["sign_by"]:
        raise ValueError(_("办结时限 is before 签收时限."))
    return OrderData(
        **{name: text.get(name, "") for name in LIMITS},
        order_type=ORDER_TYPES.get(kind, ""),
        **times,
    )


# ---------------------------------------------------------------------------------------------
# Preview and import


def order_file_read(*, upload) -> tuple[str, bytes]:
    """The uploaded file's name and bytes, refused whole when it is not a portal export."""
    try:
        data = upload_read(upload=upload, max_bytes=MAX_BYTES)
    except UploadRefused as refused:
        raise FileProblem(refused.message) from None
    name = upload_name(upload)
    _records(name, data)  # the header and the format, before anything is stored
    return name, data


def order_file_preview(*, system: ConnectedSystem, name: str, data: bytes) -> Preview:
    """Every row's outcome if the file were imported now. Reads the system's places, codes
    and the file's numbers once; stores nothing."""
    try:
        records = _records(name, data)
    except FileProblem as problem:
        return Preview(problem=str(problem.message))
    rows, seen = [], {}
    for line, values in records:
        number = str(values.get("number", ""))
        try:
            rows.append(Row(line, number, Outcome.NEW, data=_order(values)))
        except ValueError as error:
            rows.append(Row(line, number, Outcome.ERROR, message=str(error)))
    reads = SystemReads(system, numbers=[r.number for r in rows if r.data])
    for row in rows:
        if row.data is not None:
            _classify(row, reads, seen)
    return Preview(rows=rows, reads=reads)


def _classify(row: Row, reads: SystemReads, seen: dict[str, Row]) -> None:
    earlier = seen.setdefault(row.number, row)
    if earlier is not row:
        same = earlier.data and earlier.data.content_hash() == row.data.content_hash()
        row.outcome = Outcome.KNOWN if same else Outcome.ERROR
        row.message = (
            _("The same order as row %(line)d.")
            if same
            else _("Same 工单编号 as row %(line)d, with other content.")
        ) % {"line": earlier.line}
        return
    known = reads.known(row.number)
    if known is not None:
        row.outcome = Outcome.KNOWN
        if known.content_hash != row.data.content_hash():
            row.message = _("Imported before with other content: the order is kept as it was.")
        return
    place = row.match = order_place_of(reads=reads, data=row.data)
    if not place.placed:
        row.outcome = Outcome.NEEDS_PLACE
        return
    parts = [
        place.estate.name,
        place.building and place.building.name,
        place.unit and place.unit.name,
    ]
    if place.household:  # door numbers are masked on staff pages
        parts.append(mask_household(place.household.number))
    row.place = " ".join(p for p in parts if p)


def order_import_upload(*, system: ConnectedSystem, actor, name: str, data: bytes) -> OrderImport:
    """Keep an uploaded file for its preview (under a random name: it holds callers' data)."""
    batch = OrderImport(system=system, uploaded_by=actor, name=name[:150])
    suffix = ".csv" if not data.startswith(b"PK\x03\x04") else ".xlsx"
    batch.file.save(f"{uuid.uuid4().hex}{suffix}", ContentFile(data), save=False)
    batch.save()
    return batch


def order_import_preview(*, batch: OrderImport) -> Preview:
    if not batch.file:
        return Preview()
    with batch.file.open("rb") as stream:
        data = stream.read()
    return order_file_preview(system=batch.system, name=batch.name, data=data)


@transaction.atomic
def order_import_confirm(*, batch: OrderImport, actor, now: datetime | None = None) -> Preview:
    """Import every row of a previewed file in one transaction: all of them, or none. Imports
    of one system run one at a time, each after the one before it has committed."""
    now = now or timezone.now()
    ConnectedSystem.objects.select_for_update().filter(pk=batch.system_id).first()
    batch = OrderImport.objects.select_related("system__user").get(pk=batch.pk)
    if batch.imported_at is not None:
        raise Conflict(_("This file was imported already."))
    preview = order_import_preview(batch=batch)
    if not preview.importable:
        raise FileProblem(preview.problem or _("Nothing to import, or rows with errors."))
    rows = [r for r in preview.rows if r.outcome in (Outcome.NEW, Outcome.NEEDS_PLACE)]
    for start in range(0, len(rows), IMPORT_BATCH):
        _import_rows(rows[start : start + IMPORT_BATCH], batch=batch, reads=preview.reads, now=now)
    stored = batch.file.name
    batch.file, batch.imported_at, batch.counts = "", now, preview.counts
    batch.save(update_fields=["file", "imported_at", "counts"])
    transaction.on_commit(lambda: batch.file.storage.delete(stored))
    return preview


def _import_rows(rows: list[Row], *, batch: OrderImport, reads: SystemReads, now) -> None:
    """A batch of rows: their cases through intake's bulk path, then their orders."""
    orders = []
    for row in rows:
        order = order_new(batch.system, row.data, source=ExternalOrder.Source.FILE, now=now)
        order.imported_in = batch
        orders.append(order)
    placed = [
        (order, *order_submission(order, reads=reads, place=row.match))
        for order, row in zip(orders, rows, strict=True)
        if row.outcome == Outcome.NEW
    ]
    try:
        cases = case_submit_many(submissions=[submission for _o, submission, _s in placed])
    except ApplicationError as refused:  # nothing of the file is kept
        raise FileProblem(
            _("%(reason)s Nothing was imported.") % {"reason": refused.message}
        ) from None
    for (order, _submission, suggested), case in zip(placed, cases, strict=True):
        order_filed(order, case=case, suggested=suggested)
    try:
        with transaction.atomic():
            ExternalOrder.objects.bulk_create(orders)
    except IntegrityError:  # a number of the file arrived meanwhile through the API
        raise FileProblem(
            _("Some orders of this file arrived meanwhile another way: check it again.")
        ) from None


def import_files_purge_due(*, now: datetime) -> int:
    """The worker's: delete the files of imports left unconfirmed for a day (they hold
    callers' names and numbers). Safe to rerun."""
    stale = OrderImport.objects.filter(
        imported_at__isnull=True, uploaded_at__lt=now - UNCONFIRMED_KEPT
    ).exclude(file="")
    done = 0
    for batch in stale[:500]:
        batch.file.delete(save=False)
        OrderImport.objects.filter(pk=batch.pk).update(file="")
        done += 1
    return done


def order_file_template() -> bytes:
    """The workbook staff fill or compare their portal's export with: the columns, two
    example rows, and what each column takes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "工单"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(EXAMPLE[0])
    sheet.append(EXAMPLE[1])
    widths = (18, 18, 10, 16, 28, 40, 10, 20, 10, 18, 18)
    for letter, width in zip("ABCDEFGHIJK", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    notes = workbook.create_sheet("说明")
    notes.append(["列", "必填", "说明"])
    for row in NOTES:
        notes.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


EXAMPLE = [
    [
        "2026120300123",
        "2026-12-03 09:12",
        "孙女士",
        "13905320001",
        "方城路小区9号楼2单元602",
        "楼上漏水，卫生间天花板一直在滴水",
        "求助",
        "城乡建设/物业管理",
        "紧急",
        "2026-12-03 11:12",
        "2026-12-05 17:30",
    ],
    [
        "2026120300124",
        "2026-12-03 10:05",
        "王先生",
        "0532-83331234",
        "华城苑2号楼楼下",
        "楼下共享单车乱停，堵住消防通道",
        "投诉",
        "城市管理/消防通道",
        "一般",
        "2026-12-04 10:05",
        "2026-12-08 17:30",
    ],
]
NOTES = [
    ("工单编号", "是", "热线的工单号。同一编号只导入一次：再次导入同一文件不会重复生成诉求。"),
    ("来电时间", "", "市民来电的时间，如 2026-12-03 09:12（北京时间）。"),
    ("诉求人", "", "来电人姓名，最多 50 字。"),
    ("联系电话", "", "手机或固定电话，如 13905320001、0532-83331234。"),
    (
        "诉求地址",
        "是",
        "如“方城路小区9号楼2单元602”。无法确定到小区的工单进入“待定位”，由社区工作人员定位。",
    ),
    ("诉求内容", "是", "最多 2000 字。"),
    ("诉求类型", "", "咨询、求助、投诉、举报、建议之一。"),
    (
        "问题分类",
        "",
        "热线的分类，按对接系统的分类对照表对应服务事项；未对照的由系统推荐、人工确认。",
    ),
    ("紧急程度", "", "热线的写法，原样保存。"),
    ("签收时限", "", "热线要求的签收时间；填写后作为诉求的响应时限。"),
    ("办结时限", "", "热线要求的办结时间；填写后作为诉求的办结时限。"),
    ("其他列", "", "列的顺序不限，多余的列不读取。CSV 文件可用 UTF-8（可带 BOM）或 GB18030 编码。"),
]
