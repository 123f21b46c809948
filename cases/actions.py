"""The staff actions on a case page: for each, its form, who sees it and the service it calls.

Views stay thin: `views.act` looks the action up here. What a form offers (units, companies,
people) comes from the user's scope. Who may take an action, and when, is answered by the
services' own guard (from `cases.models.PERMISSIONS` and `TRANSITIONS`), for the page as for
the service.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases import forms, services
from cases.models import Action, Case, Extension
from cases.selectors import case_get_for
from core.errors import NotFound
from orgs.models import OrgUnit, User
from orgs.selectors import path_ancestors, scope_for


def _no_kwargs(case, user):
    return {}


def _dispatch_kwargs(case, user):
    scope = scope_for(user)
    return {
        "units": scope.org_units() if not scope.everything else OrgUnit.objects.all(),
        "companies": scope.companies(),
    }


def _whistle_kwargs(case, user):
    # Any unit of the subdistrict can be called in.
    return {"units": OrgUnit.objects.exclude(pk=case.owner_unit_id).order_by("path")}


ASSIGNABLE_ROLES = [
    "technician",
    "property_staff",
    "grid_worker",
    "microgrid_leader",
    "community_staff",
    "partner",
]


def _people_kwargs(case, user):
    """People who work where the case is: its company's staff, or the units above its place."""
    people = (
        User.objects.filter(
            Q(memberships__company_id=case.company_id)
            | Q(memberships__org_unit__path__in=path_ancestors(case.area_path)),
            memberships__is_active=True,
            memberships__role__in=ASSIGNABLE_ROLES,
            is_active=True,
        )
        .distinct()
        .order_by("full_name")
    )
    return {"people": people}


def _v(data) -> dict:
    return {"expected_version": data["version"]}


def _merge(case, user, data):
    into = case_get_for(user=user, case_id=_case_id_of(user, data["into"]))
    services.case_merge(case=case, into=into, actor=user, **_v(data))


def _case_id_of(user, tracking_no: str) -> int:
    from cases.selectors import cases_in_scope

    found = cases_in_scope(user=user).filter(tracking_no=tracking_no.strip()).first()
    return found.pk if found else 0


def _decide(case, user, data):
    extension = Extension.objects.filter(pk=data["extension"], case=case).first()
    if extension is None:
        raise NotFound()
    extension.case = case
    services.case_decide_extension(
        extension=extension, actor=user, approve=data["approve"], **_v(data)
    )


@dataclass(frozen=True)
class ActionSpec:
    label: str  # marked with gettext_noop so makemessages finds it; translated when shown
    form: type
    transition: str  # whose permission and states: cases.models PERMISSIONS, TRANSITIONS
    run: Callable[..., Any]
    form_kwargs: Callable[..., dict] = _no_kwargs


A = Action
ACTIONS: dict[str, ActionSpec] = {
    "accept": ActionSpec(
        gettext_noop("Accept (sign for)"),
        forms.VersionedForm,
        A.ACCEPT,
        run=lambda case, user, data: services.case_accept(case=case, actor=user, **_v(data)),
    ),
    "first_response": ActionSpec(
        gettext_noop("Record the first contact"),
        forms.NoteForm,
        A.FIRST_RESPONSE,
        run=lambda case, user, data: services.case_first_response(
            case=case, actor=user, note=data["text"], **_v(data)
        ),
    ),
    "reply": ActionSpec(
        gettext_noop("Reply to the resident"),
        forms.NoteForm,
        A.REPLY,
        run=lambda case, user, data: services.case_reply(
            case=case, actor=user, text=data["text"], **_v(data)
        ),
    ),
    "note": ActionSpec(
        gettext_noop("Internal note"),
        forms.NoteForm,
        A.NOTE,
        run=lambda case, user, data: services.case_reply(
            case=case, actor=user, text=data["text"], public=False, **_v(data)
        ),
    ),
    "assign": ActionSpec(
        gettext_noop("Assign"),
        forms.AssignForm,
        A.ASSIGN,
        form_kwargs=_people_kwargs,
        run=lambda case, user, data: services.case_assign(
            case=case, actor=user, assignee=data["assignee"], **_v(data)
        ),
    ),
    "transfer": ActionSpec(
        gettext_noop("Transfer"),
        forms.DispatchForm,
        A.TRANSFER,
        form_kwargs=_dispatch_kwargs,
        run=lambda case, user, data: services.case_transfer(
            case=case,
            actor=user,
            note=data["text"],
            org_unit=data["org_unit"],
            company=data["company"],
            **_v(data),
        ),
    ),
    "return": ActionSpec(
        gettext_noop("Return to the back office"),
        forms.ReturnForm,
        A.RETURN,
        run=lambda case, user, data: services.case_return(
            case=case, actor=user, reason=data["reason"], note=data["text"], **_v(data)
        ),
    ),
    "rule_return": ActionSpec(
        gettext_noop("Rule on the return and dispatch"),
        forms.DispatchForm,
        A.RULE_RETURN,
        form_kwargs=_dispatch_kwargs,
        run=lambda case, user, data: services.case_rule_return(
            case=case,
            actor=user,
            org_unit=data["org_unit"],
            company=data["company"],
            note=data["text"],
            **_v(data),
        ),
    ),
    "whistle": ActionSpec(
        gettext_noop("Whistle: call units in"),
        forms.WhistleForm,
        A.WHISTLE,
        form_kwargs=_whistle_kwargs,
        run=lambda case, user, data: services.case_whistle(
            case=case, actor=user, units=data["units"], note=data["text"], **_v(data)
        ),
    ),
    "extension": ActionSpec(
        gettext_noop("Request an extension"),
        forms.DueForm,
        A.EXTENSION_REQUEST,
        run=lambda case, user, data: services.case_request_extension(
            case=case, actor=user, reason=data["text"], new_due=data["due"], **_v(data)
        ),
    ),
    "decide_extension": ActionSpec(
        gettext_noop("Decide on the extension"),
        forms.DecideForm,
        A.EXTENSION_APPROVE,
        run=_decide,
    ),
    "supervise": ActionSpec(
        gettext_noop("Supervise"),
        forms.DueForm,
        A.SUPERVISE,
        run=lambda case, user, data: services.case_supervise(
            case=case, actor=user, due=data["due"], note=data["text"], **_v(data)
        ),
    ),
    "resolve": ActionSpec(
        gettext_noop("Resolve"),
        forms.ResolveForm,
        A.RESOLVE,
        run=lambda case, user, data: services.case_resolve(
            case=case, actor=user, note=data["text"], photos=data["photos"], **_v(data)
        ),
    ),
    "follow_up": ActionSpec(
        gettext_noop("Record the follow-up call"),
        forms.FollowUpForm,
        A.FOLLOW_UP,
        run=lambda case, user, data: services.case_follow_up(
            case=case, actor=user, solved=data["solved"], note=data["text"], **_v(data)
        ),
    ),
    "reclassify": ActionSpec(
        gettext_noop("Correct the item"),
        forms.ReclassifyForm,
        A.RECLASSIFY,
        run=lambda case, user, data: services.case_reclassify(
            case=case, actor=user, item=data["item"], note=data["text"], **_v(data)
        ),
    ),
    "merge": ActionSpec(
        gettext_noop("Merge into another case"),
        forms.MergeForm,
        A.MERGE,
        run=_merge,
    ),
    "reopen": ActionSpec(
        gettext_noop("Reopen"),
        forms.VersionedForm,
        A.REOPEN,
        run=lambda case, user, data: services.case_reopen(case=case, user=user, **_v(data)),
    ),
    "publish_photos": ActionSpec(
        gettext_noop("Approve the photos for publication"),
        forms.VersionedForm,
        A.PUBLISH_PHOTOS,
        run=lambda case, user, data: services.case_photos_publish(
            case=case, actor=user, **_v(data)
        ),
    ),
    "close": ActionSpec(
        gettext_noop("Close"),
        forms.NoteForm,
        A.CLOSE,
        run=lambda case, user, data: services.case_close(
            case=case, actor=user, note=data["text"], **_v(data)
        ),
    ),
}


def action_forms(*, case: Case, user) -> list[tuple[str, str, Any]]:
    """The actions this user can take on this case now, each with an empty form: those the
    services' own guard would let through. The forms share one page, so each names its fields'
    ids after its action (a label must lead to its own form's field)."""
    allowed = services.case_actions_allowed(case=case, actor=user)
    return [
        (
            name,
            _(spec.label),
            spec.form(
                initial={"version": case.version},
                auto_id=f"id_{name}_%s",
                **spec.form_kwargs(case, user),
            ),
        )
        for name, spec in ACTIONS.items()
        if spec.transition in allowed
    ]
