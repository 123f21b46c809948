"""请回电: a resident asks to be called; staff of the community call and file what they heard."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import CallbackRequest, Case
from cases.selectors import answers_callbacks, callbacks_of
from cases.services.guard import _refuse
from core.errors import Forbidden, NotFound
from residents.selectors import homes_of, resident_for_user


def callback_request(*, user, note: str = "", now=None) -> CallbackRequest:
    """The resident asks to be called back at their number; asking again while a request is
    waiting returns that one."""
    resident = resident_for_user(user=user)
    if resident is None:
        raise Forbidden(_("Only a resident can do this."))
    waiting = CallbackRequest.objects.filter(resident=resident, called_at__isnull=True).first()
    if waiting is not None:
        return waiting
    households, _buildings = homes_of(resident=resident)
    household = households.first()
    if household is None:
        _refuse(_("No household is linked to your number yet: please call your community office."))
    return CallbackRequest.objects.create(
        resident=resident,
        estate=household.unit.building.estate,
        household=household,
        mobile=resident.mobile,
        note=(note or "").strip()[:200],
        requested_at=now or timezone.now(),
    )


@transaction.atomic
def callback_done(
    *, callback: CallbackRequest, actor, case: Case | None = None, now=None
) -> CallbackRequest:
    """Someone called the resident back (and filed `case`, if there was one to file). Of two
    staff calling at once, the second is told a colleague already did."""
    if not answers_callbacks(actor):
        raise Forbidden(_("Your role may not do this."))
    if not callbacks_of(user=actor).filter(pk=callback.pk).exists():
        raise NotFound()
    now = now or timezone.now()
    done = CallbackRequest.objects.filter(pk=callback.pk, called_at__isnull=True).update(
        called_at=now, called_by=actor, case=case
    )
    if not done:
        _refuse(_("A colleague has already called this resident back."))
    callback.called_at, callback.called_by, callback.case = now, actor, case
    return callback
