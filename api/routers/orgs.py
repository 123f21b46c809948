from typing import Annotated

from ninja import Field, Query, Router, Schema

from api.api import errors
from orgs.selectors import (
    addresses_search,
    building_get_for,
    estate_buildings_for,
    estate_get_for,
    estate_list_for,
    households_of,
    org_unit_tree_for,
    scope_for,
    unit_get_for,
    units_of,
)

router = Router(tags=["orgs"])
Id = Annotated[int, Field(ge=1, le=2**62)]  # database ids: larger numbers cannot exist


class OrgUnitOut(Schema):
    id: int
    kind: str
    name: str
    parent_id: int | None
    grid_code: str | None


class EstateOut(Schema):
    id: int
    code: str
    name: str
    community_id: int
    company: str | None


class NamedOut(Schema):
    id: int
    name: str


class AddressOut(Schema):
    """Where an address text points, as far down as it could be placed."""

    estate: NamedOut
    building: NamedOut | None
    unit: NamedOut | None
    household: NamedOut | None


@router.get("/units", response={200: list[OrgUnitOut], **errors(401)})
def units(request):
    """The org units in the caller's scope."""
    return org_unit_tree_for(user=request.user)


@router.get("/estates", response={200: list[EstateOut], **errors(401)})
def estates(request):
    return [
        EstateOut(
            id=e.pk,
            code=e.code,
            name=e.name,
            community_id=e.community_id,
            company=str(e.company) if e.company else None,
        )
        for e in estate_list_for(user=request.user)
    ]


@router.get(
    "/estates/{estate_id}/buildings", response={200: list[NamedOut], **errors(401, 404, 422)}
)
def estate_buildings(request, estate_id: Id):
    """The buildings of an estate in your scope."""
    estate = estate_get_for(user=request.user, estate_id=estate_id)
    return [_named(b) for b in estate_buildings_for(user=request.user, estate=estate)]


@router.get(
    "/buildings/{building_id}/units", response={200: list[NamedOut], **errors(401, 404, 422)}
)
def building_units(request, building_id: Id):
    """The units (stairways, 单元) of a building in your scope."""
    building = building_get_for(user=request.user, building_id=building_id)
    return [_named(u) for u in units_of(building=building)]


@router.get("/units/{unit_id}/households", response={200: list[NamedOut], **errors(401, 404, 422)})
def unit_households(request, unit_id: Id):
    """The households of a unit (stairway, 单元) in your scope; a household's name is its
    door number."""
    unit = unit_get_for(user=request.user, unit_id=unit_id)
    return [_named(h) for h in households_of(unit=unit)]


@router.get("/addresses", response={200: list[AddressOut], **errors(401, 422)})
def addresses(request, q: str = Query(..., min_length=1, max_length=200)):
    """The places in your scope that an address text names ("方城路小区 3号楼"): the estate
    and, as far as the text says, its building, unit and household."""
    return [
        {
            "estate": _named(place.estate),
            "building": _named(place.building),
            "unit": _named(place.unit),
            "household": _named(place.household),
        }
        for place in addresses_search(scope=scope_for(request.user), q=q)
    ]


def _named(row) -> dict | None:
    """Id and name (a household's is its door number)."""
    if row is None:
        return None
    return {"id": row.pk, "name": getattr(row, "number", None) or row.name}
