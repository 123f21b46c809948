"""The guard every case service passes before its first write: the actor's role, the case in
their scope, its state, the version they saw, and what else the action needs."""

from django.utils import timezone
from django.utils.translation import gettext as _

from cases import hooks
from cases.models import (
    NEIGHBOUR_ACTIONS,
    PERMISSIONS,
    RESIDENT_ACTIONS,
    TRANSITIONS,
    Action,
    Case,
    CaseNeighbour,
    Extension,
    Party,
)
from cases.selectors import case_visible_to
from core.errors import ApplicationError, Conflict, Forbidden, NotFound
from orgs.roles import Permission, Role
from orgs.selectors import scope_for
from residents.selectors import homes_of, resident_for_user


class CaseStateError(ApplicationError):
    code = "invalid_transition"
    status = 409


def _refuse(message) -> None:
    raise ApplicationError(message, code="invalid_case")


def party_of(user) -> str:
    """The side a staff member acts for."""
    scope = scope_for(user)
    role = scope.primary_role
    if role in (Role.PROPERTY_MANAGER, Role.PROPERTY_STAFF, Role.TECHNICIAN):
        return Party.PROPERTY_COMPANY
    if role == Role.SUBDISTRICT_STAFF:
        return Party.SUBDISTRICT
    if role == Role.PARTNER:
        return Party.PARTNER
    return Party.COMMUNITY


def _guard(
    case: Case,
    *,
    action: str,
    actor,
    expected_version=None,
    now=None,
    in_scope=None,
    relayed: bool = False,
):
    """Whether the actor may take the action on the case now, checked before anything is
    written: their role (refused as such, which says nothing about the case), the case in
    their scope (else "not found", as if it did not exist), its state, the version they saw,
    and what else the action needs (`PRECONDITIONS`). Returns the party they act for.

    The resident passes on their own case for their own actions, the system (no actor) for
    its own, a connected system for a resident's action it `relayed` (its door checked its
    key and that the case is one it may answer on), and an account without a staff role for
    what an app above vouches for (a connected system's answers on its own orders:
    `_outside_party`). Decided from the loaded case and the actor's cached scope: only a case
    that the actor's unit joined later costs a query (none when the caller knows `in_scope`).
    """
    if relayed:
        if action not in RESIDENT_ACTIONS:
            raise Forbidden()
        party = Party.RESIDENT
    elif actor is None:
        if action in PERMISSIONS or action in RESIDENT_ACTIONS | NEIGHBOUR_ACTIONS:
            raise Forbidden()
        party = Party.SYSTEM
    elif action in RESIDENT_ACTIONS and case.resident_id and case.resident.user_id == actor.pk:
        party = Party.RESIDENT
    elif action in NEIGHBOUR_ACTIONS:
        party = _neighbour_party(case, actor, action)
    elif not any(scope_for(actor).has(p) for p in PERMISSIONS.get(action, ())):
        party = _outside_party(case, actor, action)
        if party is None:
            raise Forbidden(_("Your role may not do this."))
    else:
        if not (case_visible_to(user=actor, case=case) if in_scope is None else in_scope):
            raise NotFound()
        party = party_of(actor)
    if case.status not in TRANSITIONS[action][0]:
        raise CaseStateError(
            _("This case is now “%(status)s”: this step is no longer possible.")
            % {"status": case.get_status_display()}
        )
    if expected_version is not None and expected_version != case.version:
        raise Conflict()
    if action in PRECONDITIONS:
        PRECONDITIONS[action](case, actor, now or timezone.now())
    return party


def _outside_party(case: Case, actor, action: str) -> str | None:
    """The party an actor without a staff role acts for, if an app above vouches for them
    (`hooks.OUTSIDE_ACTORS`: a connected system on the orders it sent)."""
    if scope_for(actor).is_staff:
        return None
    for hook in hooks.OUTSIDE_ACTORS:
        party = hook(case=case, actor=actor, action=action)
        if party:
            return party
    return None


def _neighbour_party(case: Case, actor, action: str) -> str:
    """A resident says "me too" on a problem reported at an estate they live in (never a
    booking or a sensitive item, never their own report), and rates one they joined."""
    resident = resident_for_user(user=actor)
    if resident is None:
        raise Forbidden(_("Only a resident can do this."))
    if action == Action.JOIN:
        households, _buildings = homes_of(resident=resident)
        if (
            case.kind != Case.Kind.APPEAL
            or case.item.is_sensitive
            or not households.filter(unit__building__estate_id=case.estate_id).exists()
        ):
            raise NotFound()
        if case.resident_id == resident.pk:
            _refuse(_("This is your own report: you are already kept informed of it."))
    elif not CaseNeighbour.objects.filter(case=case, resident=resident).exists():
        raise NotFound()
    return Party.RESIDENT


def _extension_may_be_requested(case: Case, actor, now) -> None:
    if now >= case.resolution_due:
        _refuse(_("An extension must be requested before the deadline."))
    if case.extensions.filter(state=Extension.State.PENDING).exists():
        _refuse(_("An extension request is already waiting for approval."))


def _extension_may_be_decided(case: Case, actor, now) -> None:
    pending = case.extensions.filter(state=Extension.State.PENDING).first()
    if pending is None:
        raise CaseStateError(_("No extension is waiting for a decision."))
    if pending.requested_by_id == actor.pk:
        raise Forbidden(_("An extension is approved one level up, not by whoever asked."))


# What an action needs of the case besides its state, for the page to offer it as well.
def _photos_await_approval(case: Case, actor, now) -> None:
    if not case.photos.filter(public_consent=True, published_at__isnull=True).exists():
        raise CaseStateError(_("No photo the resident agreed to publish is waiting."))


def _may_call(case: Case, actor, now) -> None:
    if not case.contact_mobile:
        raise CaseStateError(_("This case has no number to call."))
    if case.assignee_id != actor.pk and not scope_for(actor).has(Permission.REVEAL_PERSONAL_DATA):
        raise Forbidden(_("Only the person the case is assigned to may call from here."))


PRECONDITIONS = {
    Action.PUBLISH_PHOTOS: _photos_await_approval,
    Action.CALL_CONTACT: _may_call,
    Action.EXTENSION_REQUEST: _extension_may_be_requested,
    Action.EXTENSION_APPROVE: _extension_may_be_decided,
    Action.EXTENSION_REJECT: _extension_may_be_decided,
}


def case_actions_allowed(*, case: Case, actor, now=None) -> set[str]:
    """The actions the guard lets the actor take on the case now: what the page offers."""
    in_scope = case_visible_to(user=actor, case=case)
    allowed = set()
    for action in PERMISSIONS.keys() | RESIDENT_ACTIONS:
        try:
            _guard(case, action=action, actor=actor, now=now, in_scope=in_scope)
        except ApplicationError:
            continue
        allowed.add(action)
    return allowed
