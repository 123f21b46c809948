"""What every part of the demo engagement shares: the community, its venues and its cast."""

import random
from datetime import datetime, time

from django.utils import timezone

from engagement.models import Venue, VolunteerProfile
from orgs.models import User
from residents.demo import DEMO_RESIDENT_MOBILE
from residents.models import Resident

COMMUNITY = "方城路社区"

# name, capacity, opening hours, address
VENUES = [
    ("先锋驿站", 40, "周一至周日 8:30–20:30", "方城路小区 3号楼南侧"),
    ("幸福驿站", 30, "周一至周五 8:30–17:30", "华城苑 物业服务中心二楼"),
    ("赋能港湾", 60, "周一至周六 9:00–21:00", "方城路 18 号 社区党群服务中心"),
]

AFTER_SCHOOL = "“在城长”四点半课堂"
AFTER_SCHOOL_TEXT = (
    "为辖区商户和双职工家庭的孩子提供放学后的看护、作业辅导和兴趣活动，"
    "由党员志愿者和物业党支部轮流值守。"
)


def at(day, hhmm: str) -> datetime:
    hour, minute = (int(p) for p in hhmm.split(":"))
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def resident_user(resident: Resident, now) -> User:
    """The account a resident gets on first sign-in (as `residents.services` creates it)."""
    if resident.user_id:
        return resident.user
    user = User.objects.filter(username=f"resident-{resident.pk}").first()
    if user is None:
        user = User(username=f"resident-{resident.pk}", full_name=resident.name)
        user.set_unusable_password()
        user.save()
    resident.user = user
    resident.consent_at = resident.consent_at or now
    resident.save(update_fields=["user", "consent_at"])
    return user


def venues_seed(community) -> tuple[list[Venue], int]:
    venues, created = [], 0
    for name, capacity, hours, address in VENUES:
        venue, new = Venue.objects.get_or_create(
            community=community,
            name=name,
            defaults={"capacity": capacity, "opening_hours": hours, "address": address},
        )
        venues.append(venue)
        created += new
    return venues, created


def residents_pick(community, rng: random.Random, *, volunteers) -> list[Resident]:
    """Adults of the community (not the volunteers) in a fixed order, the demo resident first."""
    here = Resident.objects.filter(ties__household__unit__building__estate__community=community)
    adults = list(
        here.filter(birth_date__year__lte=2004)
        .exclude(mobile=DEMO_RESIDENT_MOBILE)
        .exclude(pk__in=[v.pk for v in volunteers])
        .distinct()
        .order_by("id")[:400]
    )
    rng.shuffle(adults)
    demo = here.filter(mobile=DEMO_RESIDENT_MOBILE).first()
    return ([demo] if demo else []) + adults


def volunteers_seed(community, now) -> list[Resident]:
    """Party members of the community who show their identity and volunteer."""
    party = list(
        Resident.objects.filter(
            ties__household__unit__building__estate__community=community,
            tags__code="party_member",
        )
        .distinct()
        .order_by("id")[:5]
    )
    skills = ["辅导小学作业", "义诊志愿服务", "家电小修", "书法、读书会", "助老陪护"]
    for resident, skill in zip(party, skills, strict=False):
        resident_user(resident, now)
        VolunteerProfile.objects.get_or_create(
            resident=resident,
            defaults={"skills": skill, "show_party_identity": True, "updated_at": now},
        )
    return party
