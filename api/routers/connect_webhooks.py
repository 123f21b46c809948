"""A connected system's own webhooks (`/api/v1/connect/webhooks`): it subscribes to the case
events of its scope, at URLs on its registered endpoint's host, signed with its key."""

from datetime import datetime

from ninja import Field, Router, Schema, Status

from api.api import SYSTEM_AUTH, errors, limit_writes
from connect import selectors, services
from connect.models import WebhookEvent

router = Router(tags=["connected systems"], auth=SYSTEM_AUTH)

EVENTS = "Any of: " + ", ".join(WebhookEvent.values)
Url = Field(..., min_length=1, max_length=200, description="On your endpoint's scheme and host")


class WebhookIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    url: str = Url
    events: list[str] = Field(..., min_length=1, description=EVENTS)
    is_active: bool = True


class WebhookPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    url: str | None = Field(None, min_length=1, max_length=200)
    events: list[str] | None = Field(None, min_length=1, description=EVENTS)
    is_active: bool | None = None


class WebhookOut(Schema):
    id: int
    name: str
    url: str
    events: list[str]
    is_active: bool
    created_at: datetime


class WebhookList(Schema):
    items: list[WebhookOut]


@router.get("", response={200: WebhookList, **errors(401)})
def webhook_list(request):
    """Your webhooks, those set up for you in the admin included."""
    return {"items": list(selectors.webhooks_of(request.connected_system))}


@router.post("", response={201: WebhookOut, **errors(401, 403, 409, 422, 429)})
def webhook_create(request, payload: WebhookIn):
    """Subscribe to case events. 409 `no_endpoint`: your system has no endpoint registered;
    422: a URL off your endpoint's host, or an unknown event."""
    limit_writes(request)
    return Status(201, services.webhook_create(system=request.connected_system, **payload.dict()))


@router.patch("/{webhook_id}", response={200: WebhookOut, **errors(401, 404, 409, 422, 429)})
def webhook_update(request, webhook_id: int, payload: WebhookPatch):
    """Change what is given (e.g. `{"is_active": false}` to pause it)."""
    limit_writes(request)
    system = request.connected_system
    hook = selectors.webhook_of(system, webhook_id)
    services.webhook_update(system=system, hook=hook, **payload.dict(exclude_none=True))
    return hook


@router.delete("/{webhook_id}", response={204: None, **errors(401, 404, 429)})
def webhook_delete(request, webhook_id: int):
    """Remove it: events not yet sent to it are dropped."""
    limit_writes(request)
    services.webhook_delete(hook=selectors.webhook_of(request.connected_system, webhook_id))
    return Status(204, None)
