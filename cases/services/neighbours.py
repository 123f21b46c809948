"""Neighbours with the same problem (我也遇到了): a resident joins an open case instead of
filing a new one, hears of its progress and rates it once it is resolved. The case counts once
in every figure; its status and rating stay the reporter's. Neither step gives the case a new
version (`transition._record`): handlers working on it are not interrupted."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Action, Case, CaseNeighbour, Party, Rating
from cases.services.guard import CaseStateError, _guard, _refuse
from cases.services.transition import _record
from residents.selectors import resident_for_user


def case_join(*, case: Case, user, now=None) -> CaseNeighbour:
    """Add the resident to a neighbour's open case. Joining twice counts once."""
    _guard(case, action=Action.JOIN, actor=user)
    resident = resident_for_user(user=user)
    now = now or timezone.now()
    try:
        with transaction.atomic():
            neighbour = CaseNeighbour.objects.create(case=case, resident=resident, joined_at=now)
            Case.objects.filter(pk=case.pk).update(neighbour_count=F("neighbour_count") + 1)
            case.neighbour_count += 1
            _record(case, action=Action.JOIN, actor=user, party=Party.RESIDENT, now=now)
    except IntegrityError:  # joined already (perhaps a moment ago, from another tab)
        return CaseNeighbour.objects.get(case=case, resident=resident)
    return neighbour


@transaction.atomic
def case_neighbour_rate(
    *, case: Case, user, rating: str, comment: str = "", now=None
) -> CaseNeighbour:
    """A neighbour's own verdict on a case they joined, once per resolution. It reaches the
    back office."""
    _guard(case, action=Action.NEIGHBOUR_RATE, actor=user)
    if rating not in Rating.values:
        _refuse(_("Choose a rating."))
    neighbour = CaseNeighbour.objects.select_for_update().get(case=case, resident__user=user)
    if not neighbour.awaiting_rating(case):
        raise CaseStateError(_("You have already rated this case."))
    now = now or timezone.now()
    neighbour.rating, neighbour.rating_comment = rating, (comment or "")[:500]
    neighbour.rated_at = now
    neighbour.save(update_fields=["rating", "rating_comment", "rated_at"])
    _record(
        case,
        action=Action.NEIGHBOUR_RATE,
        actor=user,
        party=Party.RESIDENT,
        now=now,
        note=neighbour.rating_comment,
        data={"rating": rating},
    )
    return neighbour
