"""Service definitions: the attributes of a catalogue item, and checking submitted values.

Every item has the same small, predictable set, derived from the catalogue row:

=================  ================  =========  ============================================
code               datatype          variable   meaning
=================  ================  =========  ============================================
``promise``        string            no         the published promise (`promise_text` of the
                                                item's SLA policy), shown as information
``fee``            string            no         the fee and its note; only for items with one
``service_hours``  string            no         when the service is offered; only if set
``building``       string            yes        building, entrance or spot in free text; it is
                                                kept as the case's place and, when it names a
                                                building of the resolved estate, that building
                                                is set on the case
``preferred_time`` datetime          yes        service items only: the preferred visit time
                                                (W3C date-time with a zone)
``keywords``       multivaluelist    yes        only if the item has keywords: the ones that
                                                fit (keys = the keywords themselves); they are
                                                added to the case description
=================  ================  =========  ============================================

None is required, so a client that ignores definitions can still create requests. Values for
codes not listed here (e.g. FixMyStreet's ``fixmystreet_id``) and for the display-only ones are
ignored; a malformed value of a listed attribute is a 400.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from catalog.models import Item
from catalog.selectors import promise_text
from open311.wire import date_in_range, parse_datetime


@dataclass(frozen=True)
class Attribute:
    code: str
    datatype: str  # string, number, datetime, text, singlevaluelist, multivaluelist
    description: str
    variable: bool = True
    required: bool = False
    datatype_description: str = ""
    values: tuple[tuple[str, str], ...] = ()  # (key, name)


@dataclass(frozen=True)
class AttributeValues:
    building: str = ""
    preferred_time: datetime | None = None
    keywords: tuple[str, ...] = ()


def item_keywords(item: Item) -> list[str]:
    return list(dict.fromkeys(item.keywords.split()))


def attributes_for(item: Item) -> list[Attribute]:
    attributes = [Attribute("promise", "string", promise_text(item.sla), variable=False)]
    if item.fee is not None or item.fee_note:
        free = not item.fee
        fee = _("Free of charge") if free else _("Fee: %(fee)s yuan") % {"fee": item.fee}
        text = f"{fee} {item.fee_note}".strip()
        attributes.append(Attribute("fee", "string", text, variable=False))
    if item.service_hours:
        text = _("Service hours: %(hours)s") % {"hours": item.service_hours}
        attributes.append(Attribute("service_hours", "string", text, variable=False))
    attributes.append(
        Attribute(
            "building",
            "string",
            _("Building, entrance or spot"),
            datatype_description=_("Free text, e.g. 3号楼 2单元 楼道"),
        )
    )
    if item.kind == Item.Kind.SERVICE:
        attributes.append(
            Attribute(
                "preferred_time",
                "datetime",
                _("Preferred time for the visit"),
                datatype_description=_("W3C date-time with a time zone, e.g. %(example)s")
                % {"example": "2026-03-05T09:30:00+08:00"},
            )
        )
    keywords = item_keywords(item)
    if keywords:
        attributes.append(
            Attribute(
                "keywords",
                "multivaluelist",
                _("Which of these describe the problem?"),
                values=tuple((word, word) for word in keywords),
            )
        )
    return attributes


def attributes_clean(*, item: Item, raw: dict[str, list[str]]) -> tuple[AttributeValues, list]:
    """The values of the variable attributes, and a message for each malformed one."""
    known = {a.code: a for a in attributes_for(item) if a.variable}
    errors = []
    building = ""
    preferred_time = None
    keywords: tuple[str, ...] = ()
    for code, values in raw.items():
        attribute = known.get(code)
        if attribute is None:
            continue
        if attribute.datatype != "multivaluelist" and len(values) > 1:
            errors.append(_("attribute[%(code)s] takes one value.") % {"code": code})
            continue
        if code == "building":
            if len(values[0]) > 100:
                errors.append(_("attribute[building] may have at most 100 characters."))
            else:
                building = values[0]
        elif code == "preferred_time":
            try:
                preferred_time = parse_datetime(values[0])
                if not date_in_range(preferred_time):
                    raise ValueError(values[0])
            except ValueError:
                errors.append(
                    _("attribute[preferred_time] must be a W3C date-time with a time zone.")
                )
        elif code == "keywords":
            allowed = {key for key, _name in attribute.values}
            if set(values) - allowed:
                errors.append(_("attribute[keywords] must be among the listed values."))
            else:
                keywords = tuple(dict.fromkeys(values))
    for attribute in known.values():
        if attribute.required and attribute.code not in raw:
            errors.append(_("attribute[%(code)s] is required.") % {"code": attribute.code})
    values = AttributeValues(building=building, preferred_time=preferred_time, keywords=keywords)
    return values, errors
