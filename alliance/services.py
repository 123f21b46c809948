"""Writes for the alliance: partners, agreements with their file, pledges, activities run."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.models import Agreement, Partner, Pledge
from alliance.selectors import can_manage, manageable_communities
from alliance.uploads import check_agreement_file
from core.errors import ApplicationError, NotFound, validated
from orgs.models import PropertyCompany
from orgs.roles import Role


class AllianceError(ApplicationError):
    code = "invalid"
    status = 400


def _require_manage(actor, partner: Partner) -> None:
    if not can_manage(user=actor, partner=partner):
        raise NotFound()


@transaction.atomic
def partner_create(
    *,
    actor,
    kind: str,
    name: str,
    communities,
    joined_on,
    company: PropertyCompany | None = None,
    members=(),
    party_branch: str = "",
    branch_secretary: str = "",
    party_members: int = 0,
    contact_name: str = "",
    contact_phone: str = "",
    description: str = "",
) -> Partner:
    """A new alliance member. A property company joins as itself (and is flagged a member)."""
    communities = list(communities)
    allowed = manageable_communities(user=actor)
    if not communities or any(not allowed.filter(pk=c.pk).exists() for c in communities):
        raise NotFound()
    if company is not None:
        name = name.strip() or company.name
        party_branch = party_branch or company.party_branch
    members = list(members)
    if any(not m.memberships.filter(role=Role.PARTNER, is_active=True).exists() for m in members):
        raise AllianceError(_("Staff accounts of a partner must hold the partner role."))
    partner = Partner(
        kind=kind,
        name=name.strip(),
        company=company,
        party_branch=party_branch.strip(),
        branch_secretary=branch_secretary.strip(),
        party_members=party_members,
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
        description=description.strip(),
        joined_on=joined_on,
    )
    validated(partner)
    partner.save()
    partner.communities.set(communities)
    partner.members.set(members)
    if company is not None and not company.is_alliance_member:
        PropertyCompany.objects.filter(pk=company.pk).update(is_alliance_member=True)
    return partner


@transaction.atomic
def agreement_create(
    *,
    actor,
    partner: Partner,
    community,
    title: str,
    signed_on,
    starts_on,
    ends_on,
    commitments: str,
    other_parties: str = "",
    upload=None,
    now=None,
) -> Agreement:
    """Record a signed agreement; the attached file is checked before anything is stored."""
    _require_manage(actor, partner)
    if not partner.communities.filter(pk=community.pk).exists():
        raise AllianceError(_("The partner does not serve this community."))
    checked = check_agreement_file(upload=upload) if upload is not None else None
    agreement = Agreement(
        partner=partner,
        community=community,
        title=title.strip(),
        other_parties=other_parties.strip(),
        signed_on=signed_on,
        starts_on=starts_on,
        ends_on=ends_on,
        commitments=commitments.strip(),
        created_by=actor,
        created_at=now or timezone.now(),
    )
    if signed_on and starts_on and signed_on > starts_on:
        raise AllianceError(_("An agreement is signed before its term starts."))
    validated(agreement, exclude=["file"])
    if checked is not None:
        agreement.stored_name = checked.stored_name
        agreement.file_name = checked.original_name
        agreement.file_type = checked.content_type
        agreement.file_size = len(checked.content)
        # Stored last, once everything else is known to be valid.
        agreement.file.save(checked.stored_name, ContentFile(checked.content), save=False)
    agreement.save()
    return agreement


@transaction.atomic
def pledge_create(
    *, actor, partner: Partner, item, commitment: str, times_per_year=None, agreement=None, now=None
) -> Pledge:
    _require_manage(actor, partner)
    if agreement is not None and agreement.partner_id != partner.pk:
        raise NotFound()
    if partner.pledges.filter(item=item).exists():
        raise AllianceError(_("This partner already pledged this service."), code="duplicate")
    pledge = Pledge(
        partner=partner,
        item=item,
        agreement=agreement,
        commitment=commitment.strip(),
        times_per_year=times_per_year,
        created_at=now or timezone.now(),
    )
    validated(pledge)
    pledge.save()
    return pledge


@transaction.atomic
def activity_link(*, actor, partner: Partner, activity) -> None:
    """Record that the partner ran an activity in one of the communities it serves."""
    _require_manage(actor, partner)
    if not partner.communities.filter(pk=activity.venue.community_id).exists():
        raise AllianceError(_("The activity is outside the communities the partner serves."))
    partner.activities.add(activity)
