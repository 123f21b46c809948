"""Writes to the org structure. Paths are maintained here and nowhere else."""

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from orgs.models import OrgUnit, StaffMembership, User, WeChatNotice


def _path_for(unit: OrgUnit) -> str:
    prefix = unit.parent.path if unit.parent_id else ""
    return f"{prefix}{unit.pk:07d}."


@transaction.atomic
def org_unit_create(
    *,
    kind: str,
    name: str,
    parent: OrgUnit | None = None,
    grid_code: str | None = None,
    abbr: str = "",
    sort: int = 0,
) -> OrgUnit:
    unit = OrgUnit(
        kind=kind, name=name, parent=parent, grid_code=grid_code or None, abbr=abbr, sort=sort
    )
    unit.path = f"new-{id(unit)}"
    unit.full_clean()
    unit.save()
    unit.path = _path_for(unit)
    unit.save(update_fields=["path"])
    return unit


@transaction.atomic
def org_unit_update(*, unit: OrgUnit, **fields) -> OrgUnit:
    """Change a unit; moving it under another parent rewrites the paths of its whole subtree."""
    old_path = unit.path
    for name, value in fields.items():
        setattr(unit, name, value)
    unit.full_clean()
    unit.save()
    new_path = _path_for(unit)
    if new_path != old_path:
        if unit.parent_id and unit.parent.path.startswith(old_path):
            raise ValueError("An org unit cannot move under its own subtree.")
        for node in OrgUnit.objects.filter(path__startswith=old_path).select_for_update():
            node.path = new_path + node.path[len(old_path) :]
            node.save(update_fields=["path"])
    return unit


def membership_create(
    *, user, role: str, org_unit=None, company=None, title: str = ""
) -> StaffMembership:
    membership = StaffMembership(
        user=user, role=role, org_unit=org_unit, company=company, title=title
    )
    membership.full_clean()
    membership.save()
    return membership


def user_elder_mode_set(*, user, on: bool) -> None:
    """Remember the person's choice of the elder mode, on every device they sign in on."""
    User.objects.filter(pk=user.pk).update(elder_mode=on)
    user.elder_mode = on


@transaction.atomic
def user_wechat_bind(*, user, openid: str) -> None:
    """Link a WeChat openid to the person signed in ("" unlinks). An openid is one person's:
    it leaves any account it was linked to before (the one who proved it last keeps it)."""
    if openid:
        User.objects.filter(wechat_openid=openid).exclude(pk=user.pk).update(
            wechat_openid="", wechat_notices=[]
        )
    notices = user.wechat_notices if openid else []  # notices by WeChat are opted into later
    User.objects.filter(pk=user.pk).update(wechat_openid=openid, wechat_notices=notices)
    user.wechat_openid, user.wechat_notices = openid, notices


def user_wechat_notices_set(*, user, kinds) -> None:
    """Choose the kinds of notice (`WeChatNotice`) the person takes by WeChat; the others go by
    SMS. Only a person whose WeChat is linked can take any."""
    kinds = sorted(set(kinds))
    if kinds and not user.wechat_openid:
        raise ApplicationError(_("Link your WeChat first."), code="wechat_not_linked")
    if not set(kinds) <= set(WeChatNotice.values):
        raise ApplicationError(_("Choose from the kinds of notice listed."), code="invalid")
    User.objects.filter(pk=user.pk).update(wechat_notices=kinds)
    user.wechat_notices = kinds
