from datetime import datetime

from django.utils import timezone
from ninja import Router, Schema

from api.api import errors, limit_writes
from cases.selectors import unread_notifications

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    text: str
    case: str | None
    link: str
    created_at: datetime


class Marked(Schema):
    marked: int


@router.get("", response={200: list[NotificationOut], **errors(401)})
def unread(request):
    return [
        NotificationOut(
            id=n.pk,
            text=n.text,
            case=n.case.tracking_no if n.case_id else None,
            link=n.link,
            created_at=n.created_at,
        )
        for n in unread_notifications(user=request.user)[:200]
    ]


@router.post("/read", response={200: Marked, **errors(401, 403, 429)})
def mark_read(request):
    limit_writes(request)
    return Marked(marked=unread_notifications(user=request.user).update(read_at=timezone.now()))
