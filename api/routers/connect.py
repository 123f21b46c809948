"""Connected systems on REST: the doors another system uses, authenticated by its own key.

Orders coming in: `POST /connect/orders`.
"""

from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import field_validator

from api.api import SYSTEM_AUTH, errors
from connect.intake import (
    ORDER_TYPES,
    PHONE,
    InvalidOrder,
    OrderData,
    local_time,
    order_receive,
)
from connect.models import ExternalOrder
from core.ratelimit import rate_limit_check

router = Router(tags=["connect"], auth=SYSTEM_AUTH)

# ---------------------------------------------------------------------------------------------
# Orders coming in


class OrderIn(Schema):
    number: str = Field(
        ...,
        min_length=1,
        max_length=64,
        description="The order's number in your system (unique per system): a retry with "
        "the same number returns the same case and never files a second one",
    )
    content: str = Field(..., max_length=2000, description="What the citizen asks for")
    called_at: datetime | None = Field(None, description="When the citizen called")
    caller_name: str = Field("", max_length=50)
    caller_phone: str = Field("", max_length=20)
    address: str = Field("", max_length=200, description="The address as text")
    estate_id: int | None = Field(None, ge=1, le=2**62, description="Our estate id, if known")
    building_id: int | None = Field(None, ge=1, le=2**62, description="Our building id")
    household_id: int | None = Field(None, ge=1, le=2**62, description="Our household id")
    category_code: str = Field("", max_length=64, description="Your category code")
    category_label: str = Field("", max_length=200, description="Your category's name")
    order_type: str = Field(
        "", description="咨询/求助/投诉/举报/建议 (or enquiry/help/complaint/tip_off/suggestion)"
    )
    urgency: str = Field("", max_length=20, description="Your urgency, as you name it")
    sign_by: datetime | None = Field(None, description="Sign for (签收) by: your time limit")
    answer_by: datetime | None = Field(None, description="Complete (办结) by: your time limit")

    @field_validator("number")
    @classmethod
    def _number(cls, value: str) -> str:
        value = value.strip()
        if not value or not value.isprintable() or any(c.isspace() for c in value):
            raise ValueError("letters, digits and punctuation, without spaces")
        return value

    @field_validator("caller_phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        value = value.strip()
        if value and not PHONE.fullmatch(value):
            raise ValueError("digits, with - ( ) + and spaces")
        return value

    @field_validator("content")
    @classmethod
    def _content(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value.strip()

    @field_validator("order_type")
    @classmethod
    def _order_type(cls, value: str) -> str:
        value = value.strip()
        if value and value not in ORDER_TYPES:
            raise ValueError("one of 咨询, 求助, 投诉, 举报, 建议")
        return ORDER_TYPES.get(value, "")


class OrderOut(Schema):
    number: str
    state: str = Field(description="filed, or needs_place: waiting for staff to place it")
    tracking_no: str | None = Field(description="Our case's tracking number, once filed")
    case_status: str | None
    received_at: datetime


def _order_out(order: ExternalOrder) -> dict:
    case = order.case
    return {
        "number": order.number,
        "state": order.state,
        "tracking_no": case.tracking_no if case else None,
        "case_status": case.status if case else None,
        "received_at": order.received_at,
    }


@router.post(
    "/orders",
    response={200: OrderOut, 201: OrderOut, 202: OrderOut, **errors(401, 403, 409, 422, 429)},
)
def order_push(request, payload: OrderIn):
    """Push a work order. 201: a case was filed; 202: stored, but its address could not be
    placed, so it waits for the community's staff (state needs_place); 200: this number was
    received before with the same content (the order as it stands now); 409: it was received
    with other content; 422: a field is wrong, or an id is not in your scope."""
    system = request.connected_system
    rate_limit_check(
        key=f"connect-orders:{system.pk}",
        limit=settings.CONNECT_ORDERS_PER_MINUTE,
        window_seconds=60,
    )
    data = OrderData(
        **payload.dict(exclude={"called_at", "sign_by", "answer_by"}),
        called_at=local_time(payload.called_at),
        sign_by=local_time(payload.sign_by),
        answer_by=local_time(payload.answer_by),
    )
    if data.sign_by and data.answer_by and data.answer_by < data.sign_by:
        raise InvalidOrder(
            _("The completion time limit is before the sign-for time limit."),
            code="invalid",
            data={"fields": {"answer_by": ["before sign_by"]}},
        )
    order, created = order_receive(system=system, data=data)
    status = 200 if not created else 201 if order.case_id else 202
    return Status(status, _order_out(order))
