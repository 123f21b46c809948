"""Writes for Open311: client applications and their keys, and creating service requests.

A request becomes a case through the one intake, `cases.services.case_submit`, with the
channel "open311" and the client's service account as its creator.
"""

import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Case, CaseEvent, Channel
from cases.services import case_resident_reply, case_submit
from core.errors import ApplicationError, Conflict
from open311 import selectors
from open311.definitions import attributes_clean
from open311.models import ClientApp, key_hash
from open311.wire import InvalidRequest, NewRequest, NewUpdate
from orgs.selectors import building_in_text

KEY_PREFIX = "o311_"
CASE_DESCRIPTION_MAX = 2000  # Case.description


# ---------------------------------------------------------------------------------------------
# Client applications


def _key_new() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


@transaction.atomic
def client_create(
    *, name: str, community, rate_limit_per_minute: int = 30, is_active: bool = True
) -> tuple[ClientApp, str]:
    """Issue a key to a client application. Returns the client and its key: only the key's
    hash is stored, so the key cannot be shown again."""
    name = (name or "").strip()
    if not name:
        raise ApplicationError(_("A client application needs a name."), code="invalid")
    user = get_user_model()(
        username=f"open311-{secrets.token_hex(6)}",
        full_name=f"Open311 · {name}"[:50],
    )
    user.set_unusable_password()
    user.save()
    key = _key_new()
    client = ClientApp(
        name=name,
        community=community,
        user=user,
        key_prefix=key[:12],
        key_hash=key_hash(key),
        rate_limit_per_minute=rate_limit_per_minute,
        is_active=is_active,
    )
    client.full_clean()
    client.save()
    return client, key


@transaction.atomic
def client_key_rotate(*, client: ClientApp) -> str:
    """Replace the client's key; the old one stops working at once."""
    key = _key_new()
    ClientApp.objects.filter(pk=client.pk).update(key_prefix=key[:12], key_hash=key_hash(key))
    client.key_prefix, client.key_hash = key[:12], key_hash(key)
    return key


def client_for_key(*, key: str | None) -> ClientApp | None:
    """The active client application a key belongs to, or None."""
    if not key or not key.startswith(KEY_PREFIX) or len(key) > 100:
        return None
    return (
        ClientApp.objects.select_related("community", "user")
        .filter(key_hash=key_hash(key), is_active=True)
        .first()
    )


# ---------------------------------------------------------------------------------------------
# Creating a service request


def request_submit(*, client: ClientApp, request: NewRequest, photos=()) -> Case:
    """Create the case for a POST /requests of `client`.

    Where: ``address_id`` (building/unit/household id) wins, then ``address_string`` matched
    against the community's estates and buildings, then coordinates alone, which place the
    case in the community's first estate. Coordinates are kept on the case in every form.
    """
    item = selectors.service_get(code=request.service_code)
    community = client.community
    errors = []
    place = None
    if request.address_id:
        place = selectors.place_from_address_id(community=community, address_id=request.address_id)
        if place is None:
            errors.append(_("address_id is not a building (B…), unit (U…) or household (H…) here."))
    elif request.address_string:
        place = selectors.place_from_address_string(
            community=community, address_string=request.address_string
        )
        if place is None and request.latitude is None:
            errors.append(_("address_string names no estate or building we know here."))
    if place is None and not errors:
        place = selectors.place_default(community=community)
        if place is None:
            errors.append(_("This jurisdiction has no estates to place requests in."))
    values, attribute_errors = attributes_clean(item=item, raw=request.attributes)
    errors.extend(attribute_errors)
    if errors:
        raise InvalidRequest(errors)

    building = place.building
    if building is None and values.building:
        building = building_in_text(buildings=place.estate.buildings.all(), text=values.building)
    location_text = " ".join(p for p in (request.address_string, values.building) if p)
    return case_submit(
        item=item,
        description=_description(request, item=item, keywords=values.keywords),
        channel=Channel.OPEN311,
        created_by=client.user,
        estate=place.estate,
        building=building,
        household=place.household,
        location_text=location_text[:200],
        contact_name=request.contact_name,
        contact_mobile=request.contact_mobile,
        photos=photos,
        idempotency_key=request.idempotency_key,
        preferred_time=values.preferred_time,
        latitude=request.latitude,
        longitude=request.longitude,
    )


def _description(request: NewRequest, *, item, keywords) -> str:
    """The text (or the service name when none is sent), then the chosen keywords and the
    media links, which are never fetched. The text is shortened to fit the case."""
    extras = []
    if keywords:
        extras.append(_("Keywords: %(words)s") % {"words": "、".join(keywords)})
    if request.media_urls:
        extras.append(_("Media links:"))
        extras.extend(request.media_urls)
    appendix = "\n".join(extras)
    text = request.description.strip() or item.name
    room = CASE_DESCRIPTION_MAX - (len(appendix) + 2 if appendix else 0)
    if len(text) > room:
        text = text[: max(room - 1, 0)] + "…"
    return f"{text}\n\n{appendix}" if appendix else text


# ---------------------------------------------------------------------------------------------
# Posting an update


def request_update_submit(*, client: ClientApp, update: NewUpdate) -> CaseEvent:
    """A resident's comment on a public request of the client's community, posted by the
    client (FixMyStreet's `post_service_request_update`): the resident's reply on the case's
    timeline. Posted again under the same update id, it adds nothing and answers the first."""
    for attempt in (1, 2):
        case = selectors.request_get(
            community=client.community, tracking_no=update.service_request_id
        )
        earlier = selectors.relayed_reply(client=client, case=case, update_id=update.update_id)
        if earlier is not None:
            return earlier
        try:
            return case_resident_reply(
                case=case,
                user=client.user,
                text=update.description,
                relayed=True,
                data={"open311_update_id": update.update_id},
            )
        except Conflict:
            # The case changed since it was read: perhaps by the same update, sent twice at
            # once. Read it again, once.
            if attempt == 2:
                raise
