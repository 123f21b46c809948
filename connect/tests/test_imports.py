"""A 12345 portal's export imported as orders: columns by header, every row's outcome before
anything is stored, the whole file or nothing, the same file again changes nothing."""

import csv
import io
from contextlib import contextmanager
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection
from openpyxl import Workbook, load_workbook

from cases.models import Case
from connect import imports
from connect.imports import Outcome
from connect.models import ExternalOrder, OrderImport
from core.testing import SH

pytestmark = pytest.mark.django_db

# In the portal's own order, with a column of its own the import does not read.
HEADER = [
    "工单编号",
    "来电时间",
    "诉求人",
    "联系电话",
    "诉求地址",
    "诉求内容",
    "诉求类型",
    "问题分类",
    "紧急程度",
    "签收时限",
    "办结时限",
    "承办单位",
]
ROWS = [
    [
        "QD2026120301",
        "2026-12-03 09:12",
        "孙女士",
        "13905320001",
        "方城路小区1号楼1单元101",
        "楼上漏水，卫生间天花板一直在滴水",
        "求助",
        "城乡建设/物业管理",
        "紧急",
        "2026-12-03 11:12",
        "2026-12-05 17:30",
        "开平路街道",
    ],
    [
        "QD2026120302",
        "2026/12/3 10:05",
        "王先生",
        "0532-83331234",
        "华城苑2号楼",
        "楼下共享单车乱停，堵住消防通道",
        "投诉",
        "城市管理/消防通道",
        "一般",
        "2026-12-04 10:05",
        "2026-12-08 17:30",
        "开平路街道",
    ],
    [
        "QD2026120303",
        "2026-12-03 10:30",
        "李女士",
        "13905320003",
        "3号楼那边",
        "路灯不亮",
        "建议",
        "",
        "",
        "",
        "",
        "",
    ],
]


def _xlsx(rows, header=HEADER, columns=None) -> bytes:
    """A workbook of the rows; `columns` reorders them (the portal's order is free)."""
    order = columns or list(range(len(header)))
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([header[i] for i in order])
    for row in rows:
        sheet.append([row[i] for i in order])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _csv(rows, encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def _preview(system, data, name="export.xlsx"):
    return imports.order_file_preview(system=system, name=name, data=data)


def _outcomes(preview):
    return [(row.line, row.outcome, row.message) for row in preview.rows]


def test_every_row_s_outcome_is_shown_and_nothing_is_stored(world, hotline):
    preview = _preview(hotline, _xlsx(ROWS, columns=[5, 0, 11, 4, 1, 2, 3, 6, 7, 8, 9, 10]))

    assert _outcomes(preview) == [
        (2, Outcome.NEW, ""),
        (3, Outcome.NEW, ""),
        (4, Outcome.NEEDS_PLACE, ""),  # two estates have a 3号楼
    ]
    assert [row.place for row in preview.rows[:2]] == ["方城路小区 1号楼 1单元 ***", "华城苑 2号楼"]
    assert preview.counts == {"new": 2, "known": 0, "needs_place": 1, "error": 0}
    assert (ExternalOrder.objects.count(), Case.objects.count()) == (0, 0)
    first = preview.rows[0].data
    assert (first.called_at, first.sign_by, first.order_type, first.category_label) == (
        datetime(2026, 12, 3, 9, 12, tzinfo=SH),
        datetime(2026, 12, 3, 11, 12, tzinfo=SH),
        "help",
        "城乡建设/物业管理",
    )


def test_confirming_imports_every_row_once_and_the_same_file_again_changes_nothing(
    world, hotline, django_capture_on_commit_callbacks
):
    batch = imports.order_import_upload(
        system=hotline, actor=world.community, name="12月3日.xlsx", data=_xlsx(ROWS)
    )
    stored = batch.file.name

    with django_capture_on_commit_callbacks(execute=True):
        imports.order_import_confirm(batch=batch, actor=world.community)

    batch.refresh_from_db()
    orders = ExternalOrder.objects.order_by("number")
    assert [(o.number, o.state, o.source, o.imported_in) for o in orders] == [
        ("QD2026120301", "filed", "file", batch),
        ("QD2026120302", "filed", "file", batch),
        ("QD2026120303", "needs_place", "file", batch),
    ]
    leak = orders[0].case
    assert (leak.external_no, leak.channel, leak.household, leak.resolution_due) == (
        "QD2026120301",
        "hotline",
        world.H1,
        datetime(2026, 12, 5, 17, 30, tzinfo=SH),
    )
    assert batch.counts == {"new": 2, "known": 0, "needs_place": 1, "error": 0}
    assert (batch.file.name, batch.file.storage.exists(stored)) == ("", False)  # callers' data

    again = _preview(hotline, _xlsx(ROWS))
    assert [row.outcome for row in again.rows] == [Outcome.KNOWN] * 3
    assert again.importable is False
    second = imports.order_import_upload(
        system=hotline, actor=world.community, name="again.xlsx", data=_xlsx(ROWS)
    )
    with pytest.raises(imports.FileProblem):
        imports.order_import_confirm(batch=second, actor=world.community)
    assert (ExternalOrder.objects.count(), Case.objects.count()) == (3, 2)


def test_a_failure_while_importing_leaves_nothing_of_the_file(world, hotline):
    """The database refuses the second case (as a full disk or a lost connection would):
    the first, already filed, goes with it."""
    batch = imports.order_import_upload(
        system=hotline, actor=world.community, name="x.xlsx", data=_xlsx(ROWS)
    )
    with _refusing_case("QD2026120302"), pytest.raises(DatabaseError):
        imports.order_import_confirm(batch=batch, actor=world.community)

    assert (ExternalOrder.objects.count(), Case.objects.count()) == (0, 0)
    batch.refresh_from_db()
    assert batch.imported_at is None
    imports.order_import_confirm(batch=batch, actor=world.community)  # once the database is back
    assert (ExternalOrder.objects.count(), Case.objects.count()) == (3, 2)


@contextmanager
def _refusing_case(external_no: str):
    """A trigger that makes the database refuse one case."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION refuse_case() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.external_no = '{external_no}' THEN RAISE EXCEPTION 'refused'; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER refuse_case BEFORE INSERT ON cases_case "
                "FOR EACH ROW EXECUTE FUNCTION refuse_case()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER refuse_case BEFORE INSERT ON cases_case "
                f"WHEN NEW.external_no = '{external_no}' BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "DROP TRIGGER refuse_case"
                + (" ON cases_case" if connection.vendor == "postgresql" else "")
            )
            if connection.vendor == "postgresql":
                cursor.execute("DROP FUNCTION refuse_case()")


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "gb18030"], ids=["utf-8", "utf-8 with BOM", "gb18030"]
)
def test_a_csv_export_reads_the_same_in_each_encoding(world, hotline, encoding):
    preview = _preview(hotline, _csv(ROWS, encoding), name="export.csv")

    assert [(row.outcome, row.data.caller_name) for row in preview.rows] == [
        (Outcome.NEW, "孙女士"),
        (Outcome.NEW, "王先生"),
        (Outcome.NEEDS_PLACE, "李女士"),
    ]


def _row(**changes) -> list:
    row = dict(zip(HEADER, ROWS[0], strict=True)) | changes
    return [row[column] for column in HEADER]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"工单编号": ""}, "工单编号为空。"),
        ({"诉求内容": "  "}, "诉求内容为空。"),
        ({"工单编号": "QD 2026"}, "工单编号中有空格。"),
        ({"诉求内容": "漏" * 2001}, "诉求内容超过 2000 个字。"),
        ({"诉求人": "孙" * 51}, "诉求人超过 50 个字。"),
        ({"联系电话": "找物业"}, "联系电话“找物业”不是电话号码。"),
        ({"诉求类型": "表扬"}, "诉求类型“表扬”不是咨询、求助、投诉、举报、建议之一。"),
        (
            {"签收时限": "明天上午"},
            "签收时限“明天上午”不是日期和时间，应写作 2026-12-03 09:30 这样。",
        ),
        (
            {"来电时间": "2026-12-03"},
            "来电时间“2026-12-03”不是日期和时间，应写作 2026-12-03 09:30 这样。",
        ),
        ({"办结时限": "2026-12-03 10:00"}, "办结时限早于签收时限。"),
    ],
)
def test_a_bad_row_says_what_is_wrong_in_chinese_and_blocks_the_file(
    world, hotline, changes, message
):
    preview = _preview(hotline, _xlsx([_row(**changes), ROWS[1]]))

    assert _outcomes(preview) == [(2, Outcome.ERROR, message), (3, Outcome.NEW, "")]
    assert preview.importable is False


def test_a_number_twice_in_a_file_is_one_order_or_an_error(world, hotline):
    preview = _preview(hotline, _xlsx([ROWS[0], ROWS[0], _row(诉求内容="另一件事")]))

    assert _outcomes(preview) == [
        (2, Outcome.NEW, ""),
        (3, Outcome.KNOWN, "与第 2 行是同一件工单。"),
        (4, Outcome.ERROR, "工单编号与第 2 行相同，内容不同。"),
    ]


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        (["工单编号", "诉求内容"], "表头缺少以下列：诉求地址"),
        (["编号", "地址", "内容"], "表头缺少以下列：工单编号、诉求地址、诉求内容"),
    ],
)
def test_a_file_without_the_portal_s_columns_is_refused_whole(world, hotline, header, problem):
    data = _xlsx([["1"] * len(header)], header=header)

    preview = _preview(hotline, data)

    assert (preview.problem, preview.rows) == (problem, [])
    with pytest.raises(imports.FileProblem):
        imports.order_file_read(upload=SimpleUploadedFile("x.xlsx", data))


def test_a_file_that_is_neither_a_workbook_nor_csv_is_refused(world, hotline):
    assert _preview(hotline, b"PK\x03\x04not a zip").problem == "这不是 Excel（.xlsx）文件。"
    assert _preview(hotline, b"\x89PNG....", name="photo.png").problem == (
        "请上传热线平台导出的 Excel（.xlsx）或 CSV 文件。"
    )


def test_the_template_holds_the_columns_and_its_examples_preview(world, hotline):
    data = imports.order_file_template()

    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert [cell.value for cell in sheet[1]] == list(imports.COLUMNS)
    outcomes = [row.outcome for row in _preview(hotline, data).rows]
    assert outcomes == [Outcome.NEEDS_PLACE, Outcome.NEW]  # the test world has no 9号楼


def test_an_unconfirmed_upload_s_file_is_deleted_after_a_day(world, hotline):
    batch = imports.order_import_upload(
        system=hotline, actor=world.community, name="x.xlsx", data=_xlsx(ROWS)
    )
    stored = batch.file.name

    assert imports.import_files_purge_due(now=batch.uploaded_at) == 0
    assert imports.import_files_purge_due(now=batch.uploaded_at + imports.UNCONFIRMED_KEPT * 2) == 1

    batch.refresh_from_db()
    assert (batch.file.name, batch.file.storage.exists(stored)) == ("", False)
    assert OrderImport.objects.count() == 1
