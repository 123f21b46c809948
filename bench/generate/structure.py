"""The benchmark's city: the demo subdistrict with more communities, then its residents."""

import random

from django.db import transaction
from django.utils import timezone

from catalog.services import calendar_sync_from_package, catalogue_load_seed
from orgs import demo as orgs_demo
from orgs.models import Estate, OrgUnit
from residents.demo import seed_residents

# Extra communities added to the demo subdistrict: grids (micro-grids each), estates.
EXTRA_COMMUNITIES = 9


def scale_structure(*, communities: int = EXTRA_COMMUNITIES) -> int:
    """The demo subdistrict plus `communities` more, ~4,000 households each; then residents."""
    orgs_demo.seed_structure()
    subdistrict = OrgUnit.objects.get(kind=OrgUnit.Kind.SUBDISTRICT, parent=None)
    companies = list(orgs_demo.PropertyCompany.objects.order_by("id"))
    rng = random.Random(7)
    for c in range(communities):
        code = f"{101 + c:03d}"
        grid_code = f"{orgs_demo.AREA_CODE}012{code}000"
        if OrgUnit.objects.filter(grid_code=grid_code).exists():
            continue
        with transaction.atomic():
            community = orgs_demo._unit(
                kind=OrgUnit.Kind.COMMUNITY,
                name=f"基准第{c + 1}社区",
                parent=subdistrict,
                grid_code=grid_code,
            )
            microgrids = []
            for g in range(1, 5):
                grid = orgs_demo._unit(
                    kind=OrgUnit.Kind.GRID,
                    name=f"基准{c + 1}社区第{g}网格",
                    parent=community,
                    grid_code=f"{orgs_demo.AREA_CODE}012{code}{g:03d}",
                )
                for m in range(1, 5):
                    microgrids.append(
                        orgs_demo.services.org_unit_create(
                            kind=OrgUnit.Kind.MICROGRID, name=f"{grid.name}{m}号微网格", parent=grid
                        )
                    )
            for e in range(4):
                spec = orgs_demo.EstateSpec(
                    f"b{c + 1}e{e + 1}",
                    f"基准{c + 1}区{e + 1}号小区",
                    rng.randrange(len(companies)),
                    "",
                    buildings=25,
                    units=2,
                    floors=rng.choice([6, 7, 11, 18]),
                    per_floor=2,
                )
                estate = Estate.objects.create(
                    name=spec.name,
                    code=spec.code,
                    community=community,
                    company=companies[spec.company],
                )
                orgs_demo._households(estate, spec, microgrids[e * 4 : (e + 1) * 4])
    return seed_residents()


def prepare(*, communities: int = EXTRA_COMMUNITIES) -> None:
    """Calendar, catalogue, org tree and residents (each step reuses what exists)."""
    year = timezone.localdate().year
    calendar_sync_from_package(first_year=year - 2, last_year=year + 1)
    catalogue_load_seed()
    scale_structure(communities=communities)
