"""The hotline's answers coming back (`/api/v1/connect/answers/…`): its rulings on return and
extension requests, and its follow-up calls. Only a connected system's own key may call them,
on the orders it sent; each answer is applied once per `answer_id`."""

from datetime import datetime
from typing import Literal

from ninja import Field, Router, Schema

from api.api import SYSTEM_AUTH, errors, limit_writes
from connect import answers

router = Router(tags=["connected systems"], auth=SYSTEM_AUTH)

AnswerId = Field(
    ..., min_length=1, max_length=64, description="The hotline's own id of this answer"
)
OrderNumber = Field(..., min_length=1, max_length=64, description="The order's external number")
Note = Field("", max_length=500)


class ReturnRulingIn(Schema):
    answer_id: str = AnswerId
    order_number: str = OrderNumber
    approved: bool
    note: str = Note


class ExtensionRulingIn(Schema):
    answer_id: str = AnswerId
    order_number: str = OrderNumber
    approved: bool
    new_due: datetime | None = Field(
        None, description="The deadline the hotline grants (default: the one asked for)"
    )
    note: str = Note


class FollowUpCallIn(Schema):
    answer_id: str = AnswerId
    order_number: str = OrderNumber
    rating: Literal["satisfied", "basic", "dissatisfied"] = Field(
        ..., description="满意 / 基本满意 / 不满意"
    )
    solved: bool
    note: str = Note
    new_due: datetime | None = Field(
        None, description="Required when dissatisfied or not solved: the redo's time limit"
    )


class AnswerOut(Schema):
    answer_id: str
    order_number: str
    tracking_no: str
    status: str
    resolution_due: str | None


@router.post("/return", response={200: AnswerOut, **errors(401, 403, 404, 409, 422, 429)})
def return_ruling(request, payload: ReturnRulingIn):
    """退单审核: the hotline's ruling on a return request."""
    limit_writes(request)
    return answers.return_ruling(system=request.connected_system, **payload.dict())


@router.post("/extension", response={200: AnswerOut, **errors(401, 403, 404, 409, 422, 429)})
def extension_ruling(request, payload: ExtensionRulingIn):
    """延期审核: the hotline's ruling on an extension request."""
    limit_writes(request)
    return answers.extension_ruling(system=request.connected_system, **payload.dict())


@router.post("/follow-up", response={200: AnswerOut, **errors(401, 403, 404, 409, 422, 429)})
def follow_up(request, payload: FollowUpCallIn):
    """回访结果: the follow-up call's verdict (dissatisfied or not solved: redone)."""
    limit_writes(request)
    return answers.follow_up_record(system=request.connected_system, **payload.dict())
