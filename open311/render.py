"""Writing GeoReport v2 output: the documents, in XML or JSON by the file extension.

A document is built once as plain Python data and written in either format. JSON follows the
"Spark" convention: a container of one repeated kind is an array (so `services`,
`service_requests` and `errors` are top-level arrays); codes and ids are strings, `lat`/`long`
numbers, error codes numbers (the HTTP status). XML starts with a UTF-8 declaration and uses
exactly the element names of the standard, without namespaces.

What the public sees of a case: no name, phone, e-mail or household; the address is the estate
and building; coordinates are cut to 3 decimals (about 100 m); the description passes the one
redaction of public text (`residents.redaction.public_text`).
"""

import json
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, Party, Status
from catalog.selectors import promise_text
from open311.definitions import Attribute
from orgs.models import OrgUnit
from residents.redaction import public_text

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CONTENT_TYPES = {
    "xml": "text/xml; charset=utf-8",
    "json": "application/json; charset=utf-8",
}
FORMATS = tuple(CONTENT_TYPES)
# XML element name of the items of each list.
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "service_requests_updates": "request_update",
}


def respond(fmt: str, root: str, document, *, status: int = 200, headers=None) -> HttpResponse:
    if fmt == "json":
        body = json.dumps(document, ensure_ascii=False, default=_json_default).encode()
    else:
        fmt = "xml"
        body = _xml(root, document)
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt], headers=headers)


def _json_default(value):
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(type(value).__name__)


def _xml(root: str, document) -> bytes:
    element = ET.Element(root)
    _fill(element, root, document)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(element, encoding="utf-8")


def _fill(element, name: str, value) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), key, child)
    elif isinstance(value, list):
        for child in value:
            _fill(ET.SubElement(element, ITEM_NAMES[name]), ITEM_NAMES[name], child)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = XML_INVALID.sub("", str(value))


# Characters XML 1.0 cannot carry, even escaped.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def datetime_text(value) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


# ---------------------------------------------------------------------------------------------
# Documents


def errors(fmt: str, *, status: int, messages, headers=None) -> HttpResponse:
    document = [{"code": status, "description": str(message)} for message in messages]
    return respond(fmt, "errors", document, status=status, headers=headers)


def discovery(fmt: str, *, url: str, changed, endpoint_changed) -> HttpResponse:
    document = {
        "changeset": datetime_text(changed),
        "contact": _("Hongguanjia platform administrators, through your community office."),
        "key_service": _(
            "API keys are issued per client application by the platform administrator "
            "(administration: Open311 client applications)."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": url,
                "changeset": datetime_text(endpoint_changed),
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(fmt, "discovery", document)


def services(fmt: str, *, items) -> HttpResponse:
    document = [
        {
            "service_code": item.code,
            "service_name": item.label,
            "description": item.description,
            "metadata": True,
            "type": "realtime",
            "keywords": ",".join(item.keywords.split()),
            "group": item.category.label,
        }
        for item in items
    ]
    return respond(fmt, "services", document)


def service_definition(fmt: str, *, item, attributes: list[Attribute]) -> HttpResponse:
    rows = []
    for order, attribute in enumerate(attributes, 1):
        row = {
            "variable": attribute.variable,
            "code": attribute.code,
            "datatype": attribute.datatype,
            "required": attribute.required,
            "datatype_description": attribute.datatype_description or None,
            "order": order,
            "description": attribute.description,
        }
        if attribute.datatype in ("singlevaluelist", "multivaluelist"):
            row["values"] = [{"key": key, "name": name} for key, name in attribute.values]
        rows.append(row)
    document = {"service_code": item.code, "attributes": rows}
    return respond(fmt, "service_definition", document)


def created(fmt: str, *, case: Case) -> HttpResponse:
    document = [{"service_request_id": case.tracking_no, "service_notice": promise_text(case.sla)}]
    return respond(fmt, "service_requests", document)


def requests(fmt: str, *, cases, site: str) -> HttpResponse:
    """`site` is the address the photos' links start with (the request's own host)."""
    return respond(fmt, "service_requests", [request_fields(case, site) for case in cases])


# ---------------------------------------------------------------------------------------------
# A case as the public sees it


def request_fields(case: Case, site: str) -> dict:
    status, notes = public_status(case)
    fields = {
        "service_request_id": case.tracking_no,
        "status": status,
        "status_notes": notes,
        "service_name": case.item.label,
        "service_code": case.item.code,
        "description": public_text(case.description),
        "agency_responsible": agency_responsible(case),
        "service_notice": promise_text(case.sla),
        "requested_datetime": datetime_text(case.created_at),
        "updated_datetime": datetime_text(updated_at(case)),
        "expected_datetime": datetime_text(case.resolution_due),
        "address": public_address(case),
    }
    if case.public_photos:  # the resident agreed and a staff member approved
        path = reverse("cases:public_photo", args=[case.public_photos[0].pk])
        fields["media_url"] = site.rstrip("/") + path
    if case.building_id:
        fields["address_id"] = f"B{case.building_id}"
    if case.latitude is not None and case.longitude is not None:
        fields["lat"] = case.latitude.quantize(Decimal("0.001"))
        fields["long"] = case.longitude.quantize(Decimal("0.001"))
    return fields


def public_status(case: Case) -> tuple[str, str]:
    """open = submitted, accepted, in progress, returned, reopened; closed = resolved, closed,
    merged, with the detail in the notes."""
    if case.status == Status.MERGED and case.merged_into_id:
        return "closed", _("Merged into %(tracking)s") % {"tracking": case.merged_into.tracking_no}
    if case.status == Status.RESOLVED:
        return "closed", _("Resolved, awaiting the resident's rating")
    if case.status == Status.CLOSED:
        return "closed", _("Resolved and closed")
    if case.status == Status.RETURNED:
        return "open", _("Being passed to the right handler")
    state = "closed" if case.status == Status.MERGED else "open"
    return state, str(case.get_status_display())


def updated_at(case: Case):
    """For a closed request, the moment it became closed."""
    if case.status == Status.RESOLVED:
        return case.resolved_at or case.updated_at
    if case.status in (Status.CLOSED, Status.MERGED):
        return case.closed_at or case.updated_at
    return case.updated_at


def agency_responsible(case: Case) -> str:
    """The lead party: the property company's short name, else the community-side unit
    that owns the case (the estate's community below community level)."""
    leads = getattr(case, "leads", None)
    lead = leads[0] if leads else None
    if lead is not None and lead.company_id:
        return str(lead.company)
    if lead is None and case.lead_party == Party.PROPERTY_COMPANY and case.company_id:
        return str(case.company)
    if case.owner_unit.kind in (OrgUnit.Kind.COMMUNITY, OrgUnit.Kind.SUBDISTRICT):
        return case.owner_unit.name
    return case.estate.community.name


def public_address(case: Case) -> str:
    return " ".join(
        part for part in (case.estate.name, case.building and case.building.name) if part
    )


# ---------------------------------------------------------------------------------------------
# Updates (mySociety's servicerequestupdates)

# The case's status after an update, in FixMyStreet's extended statuses (its Open311 adapter
# maps them onto its own states). Closed comes only after resolved, so it is fixed too.
UPDATE_STATUSES = {
    Status.SUBMITTED: "OPEN",
    Status.ACCEPTED: "ACTION_SCHEDULED",
    Status.IN_PROGRESS: "IN_PROGRESS",
    Status.RETURNED: "INTERNAL_REFERRAL",
    Status.REOPENED: "OPEN",
    Status.RESOLVED: "FIXED",
    Status.CLOSED: "FIXED",
    Status.MERGED: "DUPLICATE",
}


def updates(fmt: str, *, events, site: str) -> HttpResponse:
    """`site` is the address the photos' links start with (the request's own host)."""
    return respond(fmt, "service_requests_updates", [update_fields(e, site) for e in events])


def update_fields(event, site: str) -> dict:
    fields = {
        "update_id": str(event.pk),
        "service_request_id": event.case.tracking_no,
        "status": UPDATE_STATUSES[event.to_status],
        "external_status_code": event.to_status,
        # What was said in public, or what happened when nothing was said ("Accepted").
        "description": public_text(event.note) if event.note else event.get_action_display(),
        "updated_datetime": datetime_text(event.at),
    }
    if event.public_photo is not None:
        path = reverse("cases:public_photo", args=[event.public_photo.pk])
        fields["media_url"] = site.rstrip("/") + path
    return fields


def update_created(fmt: str, *, event) -> HttpResponse:
    return respond(fmt, "service_requests_updates", [{"update_id": str(event.pk)}])
