from decimal import Decimal

from ninja import Router, Schema

from api.api import errors
from catalog.models import Domain, ServiceList
from catalog.selectors import catalogue_search, promise_text

router = Router(tags=["catalog"], auth=None)


class DomainOut(Schema):
    code: str
    name: str
    color: str
    description: str


class ServiceListOut(Schema):
    code: str
    name: str
    description: str


class ItemOut(Schema):
    code: str
    name: str
    description: str
    list: str
    category: str
    domain: str
    kind: str
    provider: str
    fee: Decimal | None
    fee_note: str
    service_hours: str
    how_to_request: str
    promise: str
    keywords: list[str]


@router.get("/domains", response={200: list[DomainOut], **errors()})
def domains(request):
    return Domain.objects.all()


@router.get("/lists", response={200: list[ServiceListOut], **errors()})
def lists(request):
    return ServiceList.objects.all()


@router.get("/items", response={200: list[ItemOut], **errors()})
def items(request, q: str = "", list: str = "", domain: str = "", category: str = ""):
    """The published items, searchable and filterable like the public page."""
    rows = catalogue_search(
        query=q[:50], list_code=list, domain_code=domain, category_code=category
    )
    return [
        ItemOut(
            code=i.code,
            name=i.name,
            description=i.description,
            list=i.service_list.code,
            category=i.category.code,
            domain=i.domain.code,
            kind=i.kind,
            provider=i.provider,
            fee=i.fee,
            fee_note=i.fee_note,
            service_hours=i.service_hours,
            how_to_request=i.how_to_request,
            promise=promise_text(i.sla),
            keywords=i.keywords.split(),
        )
        for i in rows
    ]
