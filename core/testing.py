"""Test personas: a small world with an inside and an outside for every role.

subdistrict S
  community C1 -- grid G1 -- micro-grid M1 -- building B1 (estate E1, company P1) -- H1: R1
               -- grid G2 -- micro-grid M2 -- building B2 (estate E2, company P2) -- H2: R2
  community C2 -- grid G3 -- micro-grid M3 -- building B3 (estate E3, company P1) -- H3: R3
"""

from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.core.management.color import no_style
from django.db import IntegrityError, connection, models, transaction

from orgs.models import Building, Estate, Household, PropertyCompany, Unit, User
from orgs.roles import Role
from orgs.services import membership_create, org_unit_create
from residents.models import HouseholdTie, Resident

PASSWORD = "correct-horse-battery"
# Debian's chromium, headless, as the browser tests and the bench's first-load figures run it.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SH = ZoneInfo("Asia/Shanghai")
# A Wednesday morning with no holiday near: clocks are easy to reason about.
T0 = datetime(2026, 11, 25, 9, 0, tzinfo=SH)
# The demo history the tests share (the `demo` fixture): its size and its "today".
DEMO_TODAY = datetime(2026, 11, 20, 10, 0, tzinfo=SH)
DEMO_CASES = 300


def demo_community_seed() -> None:
    """The demo's org tree, residents and catalogue (the seeders of `manage.py demo`)."""
    from catalog.services import catalogue_load_seed
    from orgs.demo import seed_structure
    from residents.demo import seed_residents

    seed_structure()
    seed_residents()
    catalogue_load_seed()


@contextmanager
def demo_community(django_db_blocker, rows: "Snapshot"):
    """The demo community (`rows`, a snapshot of `demo_community_seed`) for a module's tests:
    seed the rest inside the block; rolled back when the module is done."""
    with django_db_blocker.unblock(), transaction.atomic():
        rows.replay()
        yield
        transaction.set_rollback(True)


def make_user(username: str, *, role=None, superuser=False, **scope) -> User:
    user = User(
        username=username, full_name=username.title(), is_superuser=superuser, is_staff=superuser
    )
    user.set_password(PASSWORD)
    user.save()
    if role:
        membership_create(user=user, role=role, **scope)
    return user


def make_resident(*, name: str, mobile: str, household=None, user=None, **fields) -> Resident:
    resident = Resident.objects.create(name=name, mobile=mobile, user=user, **fields)
    if household is not None:
        HouseholdTie.objects.create(
            resident=resident, household=household, relation=HouseholdTie.Relation.OWNER
        )
    return resident


def page_queries(client, url, data=None) -> tuple:
    """The response to a GET and the SQL it ran. One request first warms what is cached per
    process (the calendar, content types), so two measurements start even."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, data)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, data)
    return response, [query["sql"] for query in captured.captured_queries]


def build_world() -> SimpleNamespace:
    w = SimpleNamespace()
    w.S = org_unit_create(kind="subdistrict", name="开平路街道", grid_code="370203012000000")
    w.C1 = org_unit_create(kind="community", name="方城路社区", parent=w.S, abbr="FC")
    w.C2 = org_unit_create(kind="community", name="武定路社区", parent=w.S)
    w.G1 = org_unit_create(kind="grid", name="第一网格", parent=w.C1)
    w.G2 = org_unit_create(kind="grid", name="第二网格", parent=w.C1)
    w.G3 = org_unit_create(kind="grid", name="第三网格", parent=w.C2)
    w.M1 = org_unit_create(kind="microgrid", name="1号微网格", parent=w.G1)
    w.M2 = org_unit_create(kind="microgrid", name="2号微网格", parent=w.G2)
    w.M3 = org_unit_create(kind="microgrid", name="3号微网格", parent=w.G3)
    w.P1 = PropertyCompany.objects.create(name="方圆物业公司", short_name="方圆物业")
    w.P2 = PropertyCompany.objects.create(name="德润物业公司", short_name="德润物业")
    w.E1 = Estate.objects.create(name="方城路小区", code="e1", community=w.C1, company=w.P1)
    w.E2 = Estate.objects.create(name="华城苑", code="e2", community=w.C1, company=w.P2)
    w.E3 = Estate.objects.create(name="武定苑", code="e3", community=w.C2, company=w.P1)
    for n, (estate, microgrid) in enumerate([(w.E1, w.M1), (w.E2, w.M2), (w.E3, w.M3)], 1):
        building = Building.objects.create(estate=estate, name=f"{n}号楼", microgrid=microgrid)
        unit = Unit.objects.create(building=building, name="1单元")
        household = Household.objects.create(unit=unit, number="101", floor=1)
        setattr(w, f"B{n}", building)
        setattr(w, f"H{n}", household)
        setattr(
            w,
            f"R{n}",
            make_resident(
                name=f"居民{n}",
                mobile=f"1390532000{n}",
                household=household,
                id_number=["370203195001010013", "370203198801020029", "370203200003030038"][n - 1],
            ),
        )

    w.admin = make_user("admin", superuser=True)
    w.subdistrict = make_user("jiedao", role=Role.SUBDISTRICT_STAFF, org_unit=w.S)
    w.secretary = make_user("shuji", role=Role.COMMUNITY_SECRETARY, org_unit=w.C1)
    w.community = make_user("shequ", role=Role.COMMUNITY_STAFF, org_unit=w.C1)
    w.grid_worker = make_user("wanggeyuan", role=Role.GRID_WORKER, org_unit=w.G1)
    w.microgrid_leader = make_user("weiwangge", role=Role.MICROGRID_LEADER, org_unit=w.M1)
    w.partner = make_user("hehuoren", role=Role.PARTNER, org_unit=w.C1)
    w.manager = make_user("wuye_jingli", role=Role.PROPERTY_MANAGER, company=w.P1)
    w.property_staff = make_user("wuye_kefu", role=Role.PROPERTY_STAFF, company=w.P1)
    w.technician = make_user("wuye_weixiu", role=Role.TECHNICIAN, company=w.P1)
    w.other_manager = make_user("wuye2_jingli", role=Role.PROPERTY_MANAGER, company=w.P2)
    w.nobody = make_user("nobody")
    return w


def sign_in(page, live_server, user) -> None:
    """Put a signed-in session for the user into a browser page (the sign-in forms have
    their own tests; this keeps other browser tests fast and clear of rate limits)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    page.goto("about:blank")  # the old page's htmx requests stop with it
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def _table_rows() -> dict[type[models.Model], dict[Any, tuple]]:
    """Every row of every table, by model and primary key."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        names = [field.attname for field in model._meta.concrete_fields]
        at = names.index(model._meta.pk.attname)
        rows[model] = {row[at]: row for row in model._base_manager.values_list(*names)}
    return rows


BULK = 1000  # rows of a table that PostgreSQL should plan for with statistics


@dataclass
class Snapshot:
    """The rows a builder writes on the empty test database, recorded once per session and
    written again for each test with one INSERT per table: building the catalogue and the
    world afresh took most of each test's time. Each test still rolls its own writes back.

    The rows come back exactly as recorded (timestamps included). `replay` returns what the
    builder returned, a namespace of rows as fresh instances read from the database (so no
    test sees another's Python objects) or a plain value. A test that already holds rows in
    the way (the same key) gets a real build instead.
    """

    build: Callable[[], Any]
    inserts: list[tuple[type[models.Model], str, list[list]]]
    updates: list[tuple[type[models.Model], Any, dict]]
    names: dict[str, tuple[type[models.Model], Any]] | None
    value: Any

    @classmethod
    def record(cls, build: Callable[[], Any], django_db_blocker, *, on=()) -> "Snapshot":
        """Run `build` once on the snapshots `on` (which each replay must then follow)."""
        with django_db_blocker.unblock(), transaction.atomic():
            for base in on:
                base.replay()
            before = _table_rows()
            result = build()
            after = _table_rows()
            transaction.set_rollback(True)
        inserts, updates = [], []
        quote = connection.ops.quote_name
        for model, rows in after.items():
            fields = model._meta.concrete_fields
            old = before[model]
            new = [row for pk, row in rows.items() if pk not in old]
            if old.keys() - rows.keys() or (new and model._meta.parents):
                raise TypeError(f"{model.__name__}: a snapshot neither deletes nor inherits rows")
            if new:
                sql = "INSERT INTO {} ({}) VALUES ({})".format(
                    quote(model._meta.db_table),
                    ", ".join(quote(field.column) for field in fields),
                    ", ".join(["%s"] * len(fields)),
                )
                params = [
                    [f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)]
                    for row in new
                ]
                inserts.append((model, sql, params))
            for pk, row in rows.items():
                if pk in old and row != old[pk]:
                    changed = zip(fields, row, old[pk], strict=True)
                    updates.append((model, pk, {f.attname: v for f, v, was in changed if v != was}))
        names = value = None
        if isinstance(result, SimpleNamespace):
            names = {name: (type(row), row.pk) for name, row in vars(result).items()}
        elif isinstance(result, models.Model):
            names = {"": (type(result), result.pk)}
        else:
            value = result
        return cls(build, inserts, updates, names, value)

    def replay(self) -> Any:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                for _model, sql, params in self.inserts:
                    cursor.executemany(sql, params)
                for model, pk, fields in self.updates:
                    model._base_manager.filter(pk=pk).update(**fields)
                # PostgreSQL: the sequences move past the copied keys, and a bulk of rows gets
                # its planner statistics as the demo's seeders give it theirs (ANALYZE), which
                # the recording's rollback took away.
                models_ = [model for model, _sql, _params in self.inserts]
                for sql in connection.ops.sequence_reset_sql(no_style(), models_):
                    cursor.execute(sql)
                if connection.vendor == "postgresql":
                    for model, _sql, params in self.inserts:
                        if len(params) >= BULK:
                            cursor.execute(
                                f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}"
                            )
        except IntegrityError:
            return self.build()
        if self.names is None:
            return self.value
        pks = defaultdict(set)
        for model, pk in self.names.values():
            pks[model].add(pk)
        found = {model: model._base_manager.in_bulk(keys) for model, keys in pks.items()}
        rows = {name: found[model][pk] for name, (model, pk) in self.names.items()}
        return rows[""] if "" in rows else SimpleNamespace(**rows)


def photos_chosen(photos, count: int) -> None:
    """Wait until a photos input (a Playwright locator) holds `count` files, shrunk on the
    phone (static/js/app.js marks the input while it works)."""
    photos.page.wait_for_function(
        "([input, count]) => !input.dataset.shrinking && input.files.length === count",
        arg=[photos.element_handle(), count],
    )
