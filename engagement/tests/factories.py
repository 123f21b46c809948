"""Boring builders for engagement tests; writes that matter go through the services."""

from datetime import timedelta

from catalog.models import Domain
from core.testing import T0, make_resident
from engagement.models import Activity, Venue
from orgs.models import User
from residents.models import HouseholdTie


def resident_user(resident, username=None) -> User:
    user = User.objects.create(username=username or f"resident-{resident.pk}")
    resident.user = user
    resident.save(update_fields=["user"])
    return user


def make_venue(community, *, name="先锋驿站", capacity=50, **fields) -> Venue:
    return Venue.objects.create(community=community, name=name, capacity=capacity, **fields)


def make_activity(
    venue, *, capacity=2, volunteer_capacity=0, starts_at=None, minutes=90, **fields
) -> Activity:
    starts_at = starts_at or T0 + timedelta(days=1)
    values = {
        "title": "亲子武术",
        "organiser": "社区党委",
        "organiser_unit": venue.community,
        "domain": Domain.objects.get(code="orange"),
        "audience": "5–12岁儿童及家长",
        "created_at": T0 - timedelta(days=1),
    }
    values.update(fields)
    return Activity.objects.create(
        venue=venue,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        capacity=capacity,
        volunteer_capacity=volunteer_capacity,
        **values,
    )


def make_household_member(household, *, name, mobile):
    resident = make_resident(name=name, mobile=mobile)
    HouseholdTie.objects.create(
        resident=resident, household=household, relation=HouseholdTie.Relation.FAMILY
    )
    return resident
