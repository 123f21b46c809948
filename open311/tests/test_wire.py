from datetime import UTC, datetime, timedelta

import pytest
from django.http import QueryDict
from django.test import RequestFactory

from core.testing import SH, T0
from open311 import wire


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-05T09:30:00+08:00", datetime(2026, 3, 5, 9, 30, tzinfo=SH)),
        ("2026-03-05T01:30:00Z", datetime(2026, 3, 5, 9, 30, tzinfo=SH)),
        ("2026-03-05T09:30:00 08:00", datetime(2026, 3, 5, 9, 30, tzinfo=SH)),
        ("2026-03-05T09:30+08:00", datetime(2026, 3, 5, 9, 30, tzinfo=SH)),
        ("2026-03-05T09:30:00.5+0800", datetime(2026, 3, 5, 9, 30, 0, 500000, tzinfo=SH)),
        ("2026-03-05T01:30:00.123456789z", datetime(2026, 3, 5, 1, 30, 0, 123456, tzinfo=UTC)),
        (" 2026-03-04T20:30:00-05:00 ", datetime(2026, 3, 5, 9, 30, tzinfo=SH)),
    ],
)
def test_parse_datetime_accepts_w3c_with_a_zone(text, expected):
    assert wire.parse_datetime(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-05T09:30:00",
        "2026-03-05",
        "2026-03-05 09:30:00+08:00",
        "2026-03-05T25:00:00Z",
        "2026-03-05T09:30:00+24:00",
        "05/03/2026",
        "",
    ],
)
def test_parse_datetime_refuses_everything_else(text):
    with pytest.raises(ValueError):
        wire.parse_datetime(text)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"first_name": "秀兰", "last_name": "王"}, ("王秀兰", "")),
        (
            {"first_name": "Anna", "last_name": "Li", "phone": "139 0532 0001"},
            ("Anna Li", "13905320001"),
        ),
        ({"phone": "+86-139-0532-0001"}, ("", "13905320001")),
        ({"phone": "008613905320001"}, ("", "13905320001")),
        ({"first_name": "Anna", "phone": "0532-8888 1234"}, ("Anna · 0532-8888 1234", "")),
        ({"last_name": "王", "email": "w@example.cn"}, ("王 · w@example.cn", "")),
        ({"first_name": "x" * 80}, ("x" * 50, "")),
    ],
)
def test_contact_from_names_and_numbers(fields, expected):
    base = {"first_name": "", "last_name": "", "phone": "", "email": ""}

    assert wire.contact_from(**{**base, **fields}) == expected


def test_idempotency_key_keeps_short_keys_and_hashes_long_ones():
    assert wire.idempotency_key("fms-1") == "fms-1"
    assert len(wire.idempotency_key("k" * 65)) == 64
    assert wire.idempotency_key(None) is None


def _params(query: str, body: str | None = None):
    factory = RequestFactory()
    if body is None:
        return wire.Params(factory.get(f"/x?{query}"))
    return wire.Params(
        factory.post(f"/x?{query}", body, content_type="application/x-www-form-urlencoded")
    )


def test_params_body_first_then_query_and_blank_is_absent():
    params = _params("api_key=from-query&status=open", "api_key=from-body&status=%20")

    assert (params.get("api_key"), params.get("status"), params.get("nope")) == (
        "from-body",
        "open",
        None,
    )


def test_params_attributes_in_both_forms():
    body = QueryDict(mutable=True)
    body.setlist("attribute[a]", ["1"])
    body.setlist("attribute[b][]", ["2", "3", ""])
    body.setlist("attribute[c][]", [""])
    body.setlist("attribute[[x]]", ["ignored"])
    params = _params("attribute[a]=0", body.urlencode())

    assert params.attributes() == {"a": ["1", "0"], "b": ["2", "3"]}


def test_request_query_defaults_to_the_last_90_days():
    query = wire.request_query(_params(""), now=T0)

    assert (query.start, query.end) == (T0 - timedelta(days=90), T0)
    assert (query.page, query.page_size, query.statuses) == (1, 1000, frozenset())


def test_request_query_caps_page_size_at_1000():
    query = wire.request_query(_params("page_size=5000&page=2"), now=T0)

    assert (query.page, query.page_size) == (2, 1000)


def test_request_query_start_alone_spans_90_days_forward():
    query = wire.request_query(_params("start_date=2026-01-01T00:00:00Z"), now=T0)

    assert query.end - query.start == timedelta(days=90)


def test_request_query_reports_every_bad_filter_at_once():
    with pytest.raises(wire.InvalidRequest) as caught:
        wire.request_query(_params("start_date=x&status=new&page=-1"), now=T0)

    assert len(caught.value.errors) == 3
