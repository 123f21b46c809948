"""Roles and what each may do, declared once."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MICROGRID_LEADER = "microgrid_leader", _("Micro-grid leader")
    GRID_WORKER = "grid_worker", _("Grid worker")
    COMMUNITY_STAFF = "community_staff", _("Community staff")
    COMMUNITY_SECRETARY = "community_secretary", _("Community secretary")
    SUBDISTRICT_STAFF = "subdistrict_staff", _("Subdistrict staff")
    PROPERTY_MANAGER = "property_manager", _("Property manager")
    PROPERTY_STAFF = "property_staff", _("Property staff")
    TECHNICIAN = "technician", _("Technician")
    PARTNER = "partner", _("Partner organisation")


# The org-unit kind a membership of each community-side role is attached to.
ORG_ROLE_KIND = {
    Role.MICROGRID_LEADER: "microgrid",
    Role.GRID_WORKER: "grid",
    Role.COMMUNITY_STAFF: "community",
    Role.COMMUNITY_SECRETARY: "community",
    Role.SUBDISTRICT_STAFF: "subdistrict",
    Role.PARTNER: "community",
}
COMPANY_ROLES = frozenset({Role.PROPERTY_MANAGER, Role.PROPERTY_STAFF, Role.TECHNICIAN})
# The community side that knows households in person (not oversight, companies or partners):
# they read a case's community-only notes, such as the health details of a care visit.
COMMUNITY_SIDE_ROLES = frozenset(
    {Role.MICROGRID_LEADER, Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.COMMUNITY_SECRETARY}
)


class Permission(models.TextChoices):
    VIEW_RESIDENTS = "view_residents", _("View residents")
    REVEAL_PERSONAL_DATA = "reveal_personal_data", _("Reveal personal data")
    # Tags of vulnerable situations and the separate consents they need: the community side
    # that knows the household in person, not the property company.
    MANAGE_RESIDENT_DATA = "manage_resident_data", _("Tag residents and record their consents")
    HANDLE_CASES = "handle_cases", _("Handle cases")
    ROUTE_CASES = "route_cases", _("Route cases (back office)")
    SUPERVISE_CASES = "supervise_cases", _("Supervise cases")
    APPROVE_EXTENSIONS = "approve_extensions", _("Approve extensions")


P = Permission
ROLE_PERMISSIONS = {
    Role.MICROGRID_LEADER: {
        P.VIEW_RESIDENTS,
        P.REVEAL_PERSONAL_DATA,
        P.MANAGE_RESIDENT_DATA,
        P.HANDLE_CASES,
    },
    Role.GRID_WORKER: {
        P.VIEW_RESIDENTS,
        P.REVEAL_PERSONAL_DATA,
        P.MANAGE_RESIDENT_DATA,
        P.HANDLE_CASES,
    },
    Role.COMMUNITY_STAFF: {
        P.VIEW_RESIDENTS,
        P.REVEAL_PERSONAL_DATA,
        P.MANAGE_RESIDENT_DATA,
        P.HANDLE_CASES,
        P.ROUTE_CASES,
        P.APPROVE_EXTENSIONS,
    },
    Role.COMMUNITY_SECRETARY: {
        P.VIEW_RESIDENTS,
        P.REVEAL_PERSONAL_DATA,
        P.MANAGE_RESIDENT_DATA,
        P.HANDLE_CASES,
        P.ROUTE_CASES,
        P.SUPERVISE_CASES,
        P.APPROVE_EXTENSIONS,
    },
    # Oversight sees the directory with personal data masked, supervises and rules.
    Role.SUBDISTRICT_STAFF: {
        P.VIEW_RESIDENTS,
        P.ROUTE_CASES,
        P.SUPERVISE_CASES,
        P.APPROVE_EXTENSIONS,
    },
    Role.PROPERTY_MANAGER: {
        P.VIEW_RESIDENTS,
        P.REVEAL_PERSONAL_DATA,
        P.HANDLE_CASES,
        P.APPROVE_EXTENSIONS,
    },
    Role.PROPERTY_STAFF: {P.VIEW_RESIDENTS, P.HANDLE_CASES},
    Role.TECHNICIAN: {P.HANDLE_CASES},
    Role.PARTNER: {P.HANDLE_CASES},
}

# Which role names a user's navigation and home page when they hold several.
ROLE_PRECEDENCE = [
    Role.SUBDISTRICT_STAFF,
    Role.COMMUNITY_SECRETARY,
    Role.COMMUNITY_STAFF,
    Role.GRID_WORKER,
    Role.MICROGRID_LEADER,
    Role.PROPERTY_MANAGER,
    Role.PROPERTY_STAFF,
    Role.TECHNICIAN,
    Role.PARTNER,
]
