"""Engagement over REST: activities (public), the token's resident's sign-ups, deliberation
topics and support. The same services, selectors and scope rules as the web pages."""

from datetime import datetime
from typing import Annotated

from ninja import Field, Router, Schema, Status

from api.api import errors, limit_writes
from api.paging import NEXT_CURSOR, cursor_page
from core.errors import Forbidden, NotFound
from engagement import selectors, services
from engagement.models import Activity, Signup
from residents.selectors import resident_for_user

router = Router(tags=["engagement"])
MAX_LIMIT = 100
Id = Annotated[int, Field(ge=1, le=2**62)]


class ActivityOut(Schema):
    id: int
    title: str
    domain: str
    organiser: str
    venue: str
    community: str
    starts_at: datetime
    ends_at: datetime
    audience: str
    capacity: int
    places_left: int
    volunteer_places_left: int
    cancelled: bool
    url: str


class ActivityPage(Schema):
    items: list[ActivityOut]
    next_cursor: str | None = Field(None, description=NEXT_CURSOR)


class SignupOut(Schema):
    id: int
    activity_id: int
    activity: str
    starts_at: datetime
    resident: str
    as_volunteer: bool
    status: str
    waitlist_position: int | None
    code: str | None = Field(None, description="Check-in code, once the place is confirmed.")
    checked_in_at: datetime | None


class SignupPage(Schema):
    items: list[SignupOut]
    next_cursor: str | None = Field(None, description=NEXT_CURSOR)


class SignupIn(Schema):
    resident_id: Id | None = Field(None, description="A member of your household; default you.")
    as_volunteer: bool = False


class TopicOut(Schema):
    id: int
    title: str
    description: str
    community: str
    status: str
    support_count: int
    supported: bool
    decision: str
    actions: int
    actions_done: int
    created_at: datetime


class TopicPage(Schema):
    items: list[TopicOut]
    next_cursor: str | None = Field(None, description=NEXT_CURSOR)


def _activity_out(a: Activity) -> dict:
    return {
        "id": a.pk,
        "title": a.title,
        "domain": a.domain.code,
        "organiser": a.organiser,
        "venue": a.venue.name,
        "community": a.venue.community.name,
        "starts_at": a.starts_at,
        "ends_at": a.ends_at,
        "audience": a.audience,
        "capacity": a.capacity,
        "places_left": a.places_left,
        "volunteer_places_left": a.volunteer_places_left,
        "cancelled": a.is_cancelled,
        "url": f"/engagement/activities/{a.pk}/",
    }


def _signup_out(s: Signup) -> dict:
    return {
        "id": s.pk,
        "activity_id": s.activity_id,
        "activity": s.activity.title,
        "starts_at": s.activity.starts_at,
        "resident": str(s.resident),
        "as_volunteer": s.as_volunteer,
        "status": s.status,
        "waitlist_position": s.waitlist_position,
        "code": s.code if s.status == Signup.Status.CONFIRMED else None,
        "checked_in_at": s.checked_in_at,
    }


def _text(value: str) -> str:
    """Query text as PostgreSQL can compare it (it refuses NUL characters)."""
    return value.replace("\x00", "")


@router.get("/activities", response={200: ActivityPage, **errors(422)}, auth=None)
def list_activities(
    request,
    community_id: Id | None = None,
    domain: str = "",
    cursor: str = "",
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = 50,
):
    """The public calendar: activities not yet over, soonest first. No token needed."""
    domain = _text(domain)[:20]
    activities = selectors.upcoming_activities(community_id=community_id, domain_code=domain)
    rows, next_cursor = cursor_page(
        activities, order=("starts_at", "pk"), cursor=cursor, limit=limit
    )
    return {"items": [_activity_out(a) for a in rows], "next_cursor": next_cursor}


@router.get("/activities/{activity_id}", response={200: ActivityOut, **errors(404, 422)}, auth=None)
def activity_detail(request, activity_id: Id):
    return _activity_out(selectors.activity_get_public(activity_id=activity_id))


@router.post(
    "/activities/{activity_id}/signups",
    response={201: SignupOut, **errors(401, 403, 404, 409, 422, 429)},
)
def sign_up(request, activity_id: Id, payload: SignupIn):
    """Sign up yourself or a member of your household; when full, onto the waitlist
    (`status` tells which). Signing up the same person twice is a 400 `duplicate`."""
    limit_writes(request)
    me = resident_for_user(user=request.user)
    if me is None:
        raise Forbidden("Only residents can sign up.")
    activity = selectors.activity_get_public(activity_id=activity_id)
    resident = me
    if payload.resident_id and payload.resident_id != me.pk:
        resident = selectors.household_members(me).filter(pk=payload.resident_id).first()
        if resident is None:
            raise NotFound()
    signup = services.signup_create(
        activity=activity, resident=resident, user=request.user, as_volunteer=payload.as_volunteer
    )
    signup = selectors.signup_get_for_resident(user=request.user, signup_id=signup.pk)
    return Status(201, _signup_out(signup))


@router.get("/signups", response={200: SignupPage, **errors(401, 422)})
def my_signups(
    request,
    cursor: str = "",
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = 50,
):
    """Sign-ups you made or that are for you, newest first."""
    signups = selectors.resident_signups(user=request.user)
    rows, next_cursor = cursor_page(signups, order=("-pk",), cursor=cursor, limit=limit)
    return {"items": [_signup_out(s) for s in rows], "next_cursor": next_cursor}


@router.post(
    "/signups/{signup_id}/cancel", response={200: SignupOut, **errors(401, 403, 404, 409, 422, 429)}
)
def cancel_signup(request, signup_id: Id):
    """Cancel; a freed place goes to the first on the waitlist, who is notified."""
    limit_writes(request)
    signup = selectors.signup_get_for_resident(user=request.user, signup_id=signup_id)
    services.signup_cancel(signup=signup, user=request.user)
    return _signup_out(selectors.signup_get_for_resident(user=request.user, signup_id=signup.pk))


@router.get("/topics", response={200: TopicPage, **errors(401, 422)})
def list_topics(
    request,
    status: str = "",
    cursor: str = "",
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = 50,
):
    """Deliberation topics: a resident's communities, or a staff member's area."""
    topics = selectors.topic_list_for(user=request.user, status=_text(status)[:16])
    rows, next_cursor = cursor_page(topics, order=("-pk",), cursor=cursor, limit=limit)
    return {"items": [_topic_out(t) for t in rows], "next_cursor": next_cursor}


def _topic_out(t) -> dict:
    return {
        "id": t.pk,
        "title": t.title,
        "description": t.description,
        "community": t.community.name,
        "status": t.status,
        "support_count": t.support_count,
        "supported": bool(getattr(t, "supported", False)),
        "decision": t.decision,
        "actions": getattr(t, "action_count", 0),
        "actions_done": getattr(t, "actions_done", 0),
        "created_at": t.created_at,
    }


@router.post(
    "/topics/{topic_id}/support", response={200: TopicOut, **errors(401, 403, 404, 409, 422, 429)}
)
def support_topic(request, topic_id: Id):
    """Support a topic of your community, once."""
    limit_writes(request)
    topic = selectors.topic_get_for(user=request.user, topic_id=topic_id)
    services.topic_support(topic=topic, user=request.user)
    return _topic_out(selectors.topic_list_for(user=request.user).get(pk=topic.pk))
