from ninja import Router, Schema

from orgs.selectors import estate_list_for, org_unit_tree_for

router = Router(tags=["orgs"])


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


@router.get("/units", response=list[OrgUnitOut])
def units(request):
    """The org units in the caller's scope."""
    return org_unit_tree_for(user=request.user)


@router.get("/estates", response=list[EstateOut])
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
