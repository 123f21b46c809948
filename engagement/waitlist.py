"""Where a sign-up stands on its activity's waitlist: the one rule, for one sign-up or for a
whole list of them in the list's own query."""

from django.db.models import Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce

from engagement.models import Signup


def with_waitlist_position(signups: QuerySet[Signup]) -> QuerySet[Signup]:
    """Sign-ups with `waitlist_position`: 1 for the first waiting, None when not waitlisted.
    Participants and volunteers queue apart, the earliest sign-up first."""
    ahead = (
        Signup.objects.filter(
            Q(created_at__lt=OuterRef("created_at"))
            | Q(created_at=OuterRef("created_at"), id__lt=OuterRef("pk")),
            activity=OuterRef("activity"),
            status=Signup.Status.WAITLISTED,
            as_volunteer=OuterRef("as_volunteer"),
        )
        .order_by()
        .values("activity")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return signups.annotate(
        waitlist_position=Case(
            When(status=Signup.Status.WAITLISTED, then=Coalesce(Subquery(ahead), 0) + 1),
            default=None,
            output_field=IntegerField(),
        )
    )
