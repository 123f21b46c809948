"""The demo community's structure: org tree, companies, estates down to households, staff.

Deterministic and idempotent: every object is found by its natural key before it is created.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext

from orgs import services
from orgs.models import (
    Building,
    Estate,
    Household,
    OrgUnit,
    PropertyCompany,
    StaffMembership,
    Unit,
    User,
)
from orgs.roles import Role

DEMO_PASSWORD = "hgj-demo-2026"
AREA_CODE = "370203"  # Shibei District, Qingdao

COMPANIES = [
    ("青岛方圆红心物业服务有限公司", "方圆物业", "91370203MA3CFY0011", "0532-83801101"),
    ("青岛德润安居物业管理有限公司", "德润物业", "91370203MA3DRA0022", "0532-83801202"),
    ("青岛鲁华物业服务有限公司", "鲁华物业", "91370203MA3LHW0033", "0532-83801303"),
    ("青岛海港湾物业管理有限公司", "海港湾物业", "91370203MA3HGW0044", "0532-83801404"),
    ("青岛嘉和物业服务有限公司", "嘉和物业", "91370203MA3JHW0055", "0532-83801505"),
]


@dataclass(frozen=True)
class EstateSpec:
    code: str
    name: str
    company: int  # index into COMPANIES
    address: str
    buildings: int
    units: int
    floors: int
    per_floor: int


# community name, tracking-number abbreviation, community code, grids (each a number of micro-grids), estates
COMMUNITIES = [
    (
        "方城路社区",
        "FC",
        "001",
        [4, 4, 4, 4],
        [
            EstateSpec("fcl", "方城路小区", 0, "青岛市市北区方城路 18 号", 22, 2, 18, 3),
            EstateSpec("hcy", "华城苑", 1, "青岛市市北区方城路 66 号", 28, 3, 7, 3),
        ],
    ),
    (
        "武定路社区",
        "WD",
        "002",
        [2, 2],
        [
            EstateSpec("wdy", "武定苑", 2, "青岛市市北区武定路 9 号", 8, 2, 6, 2),
        ],
    ),
    (
        "华阳路社区",
        "HY",
        "003",
        [2, 2],
        [
            EstateSpec("hyjy", "华阳佳园", 3, "青岛市市北区华阳路 27 号", 6, 2, 11, 2),
            EstateSpec("hyxq", "华阳路小区", 4, "青岛市市北区华阳路 35 号", 6, 2, 6, 2),
        ],
    ),
]

# username, full name, role, org unit key or company index
STAFF = [
    ("jiedao", "李建国", Role.SUBDISTRICT_STAFF, "subdistrict"),
    ("shuji", "刘红梅", Role.COMMUNITY_SECRETARY, "community:001"),
    ("shequ", "张晓燕", Role.COMMUNITY_STAFF, "community:001"),
    ("wanggeyuan", "赵志强", Role.GRID_WORKER, "grid:001:1"),
    ("weiwangge", "孙桂英", Role.MICROGRID_LEADER, "microgrid:001:1:1"),
    ("hehuoren", "周慧敏", Role.PARTNER, "community:001"),
    ("wuye_jingli", "王海涛", Role.PROPERTY_MANAGER, 0),
    ("wuye_kefu", "陈静", Role.PROPERTY_STAFF, 0),
    ("wuye_weixiu", "马师傅", Role.TECHNICIAN, 0),
    ("wuye2_jingli", "郑丽华", Role.PROPERTY_MANAGER, 1),
]


def _unit(*, kind, name, parent, grid_code, abbr="") -> OrgUnit:
    existing = OrgUnit.objects.filter(grid_code=grid_code).first()
    return existing or services.org_unit_create(
        kind=kind, name=name, parent=parent, grid_code=grid_code, abbr=abbr
    )


def _households(estate: Estate, spec: EstateSpec, microgrids: list[OrgUnit]) -> int:
    if Household.objects.filter(unit__building__estate=estate).exists():
        return 0
    buildings = Building.objects.bulk_create(
        [
            Building(
                estate=estate,
                name=f"{n}号楼",
                floors=spec.floors,
                microgrid=microgrids[(n - 1) * len(microgrids) // spec.buildings],
            )
            for n in range(1, spec.buildings + 1)
        ]
    )
    units = Unit.objects.bulk_create(
        [Unit(building=b, name=f"{u}单元") for b in buildings for u in range(1, spec.units + 1)]
    )
    households = Household.objects.bulk_create(
        [
            Household(unit=unit, number=f"{floor}{door:02d}", floor=floor)
            for unit in units
            for floor in range(1, spec.floors + 1)
            for door in range(1, spec.per_floor + 1)
        ]
    )
    return len(households)


@transaction.atomic
def seed_structure() -> dict:
    """Create the subdistrict and everything under it; return what was created."""
    companies = []
    for name, short, credit, phone in COMPANIES:
        company, _created = PropertyCompany.objects.get_or_create(
            name=name,
            defaults={
                "short_name": short,
                "credit_code": credit,
                "service_phone": phone,
                "party_branch": f"{short}党支部",
                "is_alliance_member": True,
            },
        )
        companies.append(company)

    sub_code = "012"
    units = {
        "subdistrict": _unit(
            kind=OrgUnit.Kind.SUBDISTRICT,
            name="开平路街道",
            parent=None,
            grid_code=f"{AREA_CODE}{sub_code}000000",
        )
    }
    created_households = 0
    for row in COMMUNITIES:
        created_households += _community(row, units=units, companies=companies, sub_code=sub_code)

    staff = _staff(units, companies)
    return {"households": created_households, "staff": staff}


def _community(row, *, units: dict, companies, sub_code: str) -> int:
    """A community of COMMUNITIES: its grids and micro-grids (into `units`), its estates and
    their households; returns how many households were created."""
    community_name, abbr, c_code, grids, estates = row
    community = _unit(
        kind=OrgUnit.Kind.COMMUNITY,
        name=community_name,
        parent=units["subdistrict"],
        grid_code=f"{AREA_CODE}{sub_code}{c_code}000",
        abbr=abbr,
    )
    units[f"community:{c_code}"] = community
    microgrids = []
    for g, microgrid_count in enumerate(grids, start=1):
        grid = _unit(
            kind=OrgUnit.Kind.GRID,
            name=f"{community_name[:-2]}第{g}网格",
            parent=community,
            grid_code=f"{AREA_CODE}{sub_code}{c_code}{g:03d}",
        )
        units[f"grid:{c_code}:{g}"] = grid
        for m in range(1, microgrid_count + 1):
            # Micro-grids have no official code of their own: keyed by name under the grid.
            microgrid = OrgUnit.objects.filter(parent=grid, name=f"{grid.name}{m}号微网格").first()
            microgrid = microgrid or services.org_unit_create(
                kind=OrgUnit.Kind.MICROGRID,
                name=f"{grid.name}{m}号微网格",
                parent=grid,
            )
            units[f"microgrid:{c_code}:{g}:{m}"] = microgrid
            microgrids.append(microgrid)
    # Estates take the community's micro-grids in order.
    per_estate = len(microgrids) // len(estates)
    created = 0
    for i, spec in enumerate(estates):
        estate, _created = Estate.objects.get_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "community": community,
                "company": companies[spec.company],
                "address": spec.address,
            },
        )
        created += _households(estate, spec, microgrids[i * per_estate : (i + 1) * per_estate])
    return created


def _staff(units: dict, companies: list[PropertyCompany]) -> list[tuple[str, str, str]]:
    logins = []
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        User.objects.create_superuser(
            username="admin", password=DEMO_PASSWORD, full_name="系统管理员", email=""
        )
    logins.append(("admin", "系统管理员", gettext("Administrator")))
    for username, full_name, role, where in STAFF:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, full_name=full_name)
            user.set_password(DEMO_PASSWORD)
            user.save()
        scope = (
            {"company": companies[where]} if isinstance(where, int) else {"org_unit": units[where]}
        )
        if not StaffMembership.objects.filter(user=user, role=role, **scope).exists():
            services.membership_create(user=user, role=role, **scope)
        logins.append((username, full_name, str(Role(role).label)))
    return logins
