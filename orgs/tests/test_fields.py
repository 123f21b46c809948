"""Materialized paths compare by code point, whatever the database server's locale."""

import pytest
from django.db import connection

from orgs.models import OrgUnit
from orgs.selectors import subtree_q

pytestmark = pytest.mark.django_db

PATH_COLUMNS = {
    ("orgs_orgunit", "path"),
    ("cases_case", "area_path"),
    ("care_carerecipient", "area_path"),
}


def test_a_subtree_range_holds_every_descendant():
    root = OrgUnit.objects.create(kind=OrgUnit.Kind.SUBDISTRICT, name="街道", path="0000901.")
    child = OrgUnit.objects.create(
        kind=OrgUnit.Kind.COMMUNITY, name="社区", parent=root, path="0000901.0000902."
    )
    OrgUnit.objects.create(kind=OrgUnit.Kind.SUBDISTRICT, name="别处", path="0000903.")
    found = set(OrgUnit.objects.filter(subtree_q("path", [root.path])))
    assert found == {root, child}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite compares bytes anyway")
def test_path_columns_use_the_c_collation_on_postgresql():
    # Under en_US or zh_CN (libc or ICU) '0000001.0000002.0000005.' < '0000001.0000002.~' is
    # false: punctuation counts last, so subtree ranges would lose every descendant.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, collation_name FROM information_schema.columns "
            "WHERE table_schema = current_schema()"
        )
        collations = {(t, c): collation for t, c, collation in cursor.fetchall()}
    assert {column: collations[column] for column in PATH_COLUMNS} == dict.fromkeys(
        PATH_COLUMNS, "C"
    )
