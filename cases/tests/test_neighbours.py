"""我也遇到了: a neighbour with the same problem joins the case instead of filing a new one,
hears of its progress, rates it, and reads nothing of the reporter's own words."""

import pytest
from django.db import connection
from django.urls import reverse

from cases import services
from cases.models import Action, Case, CaseNeighbour, Notification, OutboxMessage, Status
from cases.retention import case_anonymise
from catalog.models import Item
from core.errors import ApplicationError, Forbidden, NotFound
from core.testing import make_resident
from orgs.models import Household, User

pytestmark = pytest.mark.django_db

WORDS = "楼道里堆满了杂物，影响通行，王阿姨家门口最严重，电话13905320001"


@pytest.fixture
def neighbour(world):
    """A resident of another household of the reporter's building (B1 of estate E1)."""
    household = Household.objects.create(unit=world.H1.unit, number="502", floor=5)
    user = User.objects.create(username="neighbour")
    return make_resident(name="邻居", mobile="13905328888", household=household, user=user)


@pytest.fixture
def neighbour_client(neighbour, client_for):
    return client_for(neighbour.user)


def test_joining_adds_the_neighbour_once_and_files_no_new_case(report, neighbour):
    case = report(text=WORDS)

    services.case_join(case=case, user=neighbour.user)
    services.case_join(case=case, user=neighbour.user)  # pressed twice: counted once

    case.refresh_from_db()
    assert Case.objects.count() == 1
    assert case.neighbour_count == 1
    assert list(case.neighbours.values_list("resident", flat=True)) == [neighbour.pk]
    assert case.events.filter(action=Action.JOIN, public=False).count() == 1


def test_a_handler_whose_page_was_open_is_not_stopped_by_a_neighbour_joining(
    report, neighbour, world
):
    case = report(text=WORDS)
    seen = case.version  # the manager's page shows this version

    services.case_join(case=case, user=neighbour.user)
    services.case_accept(case=case, actor=world.manager, expected_version=seen)

    case.refresh_from_db()
    assert (case.status, case.neighbour_count) == (Status.ACCEPTED, 1)


@pytest.mark.parametrize(
    "who, kind, error",
    [
        ("reporter", "own", ApplicationError),
        ("outsider", "other estate", NotFound),
        ("staff", "staff", Forbidden),
    ],
)
def test_who_may_not_join_is_refused_and_nothing_changes(report, world, who, kind, error):
    case = report(text=WORDS)
    outsider = User.objects.create(username="outsider")
    world.R2.user = outsider  # lives in 华城苑 (E2), not where the problem is
    world.R2.save()
    user = {"reporter": world.resident_user, "outsider": outsider, "staff": world.manager}[who]

    with pytest.raises(error):
        services.case_join(case=case, user=user)

    case.refresh_from_db()
    assert (case.neighbour_count, CaseNeighbour.objects.count()) == (0, 0)


def test_a_closed_or_sensitive_case_cannot_be_joined(report, neighbour, world):
    closed = report(text=WORDS)
    services.case_accept(case=closed, actor=world.manager)
    services.case_resolve(case=closed, actor=world.manager, note="已清理")
    services.case_close(case=closed, actor=world.secretary)
    dispute = report(code="RB14", text="楼上邻居天天半夜吵闹", idempotency_key=None)

    with pytest.raises(services.CaseStateError):
        services.case_join(case=closed, user=neighbour.user)
    with pytest.raises(NotFound):
        services.case_join(case=dispute, user=neighbour.user)
    assert CaseNeighbour.objects.count() == 0


def test_the_neighbour_hears_of_progress_and_reads_only_the_handlers_answers(
    report, neighbour, neighbour_client, world, fan_out
):
    case = report(text=WORDS)
    services.case_join(case=case, user=neighbour.user)
    services.case_resident_reply(case=case, user=world.resident_user, text="我家502门口也有")
    services.case_accept(case=case, actor=world.manager)
    services.case_reply(case=case, actor=world.manager, text="保洁下午清理，有事打13900001111")
    fan_out()

    told = OutboxMessage.objects.filter(channel="sms", recipient=neighbour.mobile)
    assert told.filter(body__contains=str(Action.ACCEPT.label)).exists()
    note = Notification.objects.filter(user=neighbour.user, case=case).first()
    assert note is not None
    listing = neighbour_client.get(reverse("cases:notifications")).content.decode()
    link = reverse("cases:mine_detail", args=[case.tracking_no])
    assert link in listing

    page = neighbour_client.get(link)
    html = page.content.decode()
    assert page.status_code == 200
    assert "保洁下午清理" in html and "13900001111" not in html  # the answer, masked
    assert "王阿姨" not in html and "13905320001" not in html  # not the reporter's words
    assert "我家502门口也有" not in html  # nor the reporter's replies
    assert 'data-status="accepted"' in html


def test_my_cases_lists_the_joined_case_without_the_reporters_words(
    report, neighbour, neighbour_client
):
    case = report(text=WORDS)
    services.case_join(case=case, user=neighbour.user)

    html = neighbour_client.get(reverse("cases:mine")).content.decode()

    assert case.tracking_no in html and "data-joined" in html
    assert "王阿姨" not in html


def test_a_neighbour_rates_once_and_the_case_keeps_the_reporters_rating(
    report, neighbour, neighbour_client, world, client_for, fan_out
):
    case = report(text=WORDS)
    services.case_join(case=case, user=neighbour.user)
    services.case_accept(case=case, actor=world.manager)
    services.case_resolve(case=case, actor=world.manager, note="已清理")
    services.case_rate(case=case, user=world.resident_user, rating="satisfied")  # closes it
    page = reverse("cases:mine_detail", args=[case.tracking_no])

    neighbour_client.post(page, {"rating": "dissatisfied", "comment": "我家门口还没清"})
    again = neighbour_client.post(page, {"rating": "satisfied"}, follow=True).content.decode()
    fan_out()

    case.refresh_from_db()
    row = CaseNeighbour.objects.get()
    assert (case.status, case.rating) == (Status.CLOSED, "satisfied")
    assert (row.rating, row.rating_comment) == ("dissatisfied", "我家门口还没清")
    assert "您已评价过" in again
    assert Notification.objects.filter(user=world.secretary, event__action="neighbour_rate")
    staff = client_for(world.secretary).get(reverse("cases:detail", args=[case.pk]))
    html = staff.content.decode()
    assert 'data-neighbours="1"' in html and "2 位居民" in html
    assert 'data-neighbour-rating="dissatisfied"' in html and "我家门口还没清" in html


def test_a_merged_cases_neighbours_follow_the_case_it_is_merged_into(report, neighbour, world):
    first = report(text=WORDS)
    other = make_resident(name="邻居二", mobile="13905327777", household=world.H1)
    second = report(resident=other, idempotency_key=None, text="一楼楼道堆了好多纸箱")
    services.case_join(case=second, user=neighbour.user)

    services.case_merge(case=second, into=first, actor=world.secretary)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.neighbour_count, second.neighbour_count) == (1, 0)
    assert CaseNeighbour.objects.get().case == first


def test_the_reporter_of_a_merged_case_can_open_what_they_are_told_about(
    report, world, client_for, fan_out
):
    first = report(text=WORDS)
    user = User.objects.create(username="second-reporter")
    other = make_resident(name="邻居二", mobile="13905327777", household=world.H1, user=user)
    second = report(resident=other, idempotency_key=None, created_by=user, text="纸箱堆满楼道")
    services.case_merge(case=second, into=first, actor=world.secretary)
    services.case_accept(case=first, actor=world.manager)
    fan_out()

    note = Notification.objects.filter(user=user, case=first).first()
    client = client_for(user)
    page = client.get(reverse("cases:mine_detail", args=[note.case.tracking_no]))
    own = client.get(reverse("cases:mine_detail", args=[second.tracking_no])).content.decode()

    assert page.status_code == 200
    assert "王阿姨" not in page.content.decode()
    assert reverse("cases:mine_detail", args=[first.tracking_no]) in own  # a link to follow it


def test_retention_removes_the_neighbours_link_to_the_case(report, neighbour, world):
    case = report(text=WORDS)
    services.case_join(case=case, user=neighbour.user)
    services.case_accept(case=case, actor=world.manager)
    services.case_resolve(case=case, actor=world.manager, note="已清理")
    services.case_close(case=case, actor=world.secretary)
    case.refresh_from_db()

    case_anonymise(case=case, now=case.closed_at)

    assert CaseNeighbour.objects.count() == 0
    assert not case.events.filter(actor=neighbour.user).exists()
    assert not Notification.objects.filter(user=neighbour.user).exists()
    case.refresh_from_db()
    assert case.neighbour_count == 1  # the figure stays


def test_the_own_download_lists_the_joined_case(report, neighbour):
    from residents.export import resident_data

    case = report(text=WORDS)
    services.case_join(case=case, user=neighbour.user)

    data = resident_data(neighbour)

    joined = next(v for v in data.values() if isinstance(v, list) and v and "joined_at" in v[0])
    assert joined[0]["tracking_no"] == case.tracking_no


@pytest.mark.skipif(connection.vendor != "postgresql", reason="writers at the same instant")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_neighbours_joining_at_once_are_both_counted(world, catalogue, neighbour):
    import threading

    from django.db import connections, transaction

    case = services.case_submit(
        item=Item.objects.get(code="RB06"),
        description=WORDS,
        channel="phone",
        created_by=world.grid_worker,
        resident=world.R1,
        estate=world.E1,
        building=world.B1,
    )
    household = Household.objects.create(unit=world.H1.unit, number="602", floor=6)
    second = make_resident(
        name="邻居二",
        mobile="13905327777",
        household=household,
        user=User.objects.create(username="n2"),
    )
    joined, release = threading.Event(), threading.Event()
    seen = [Case.objects.get(pk=case.pk) for _ in range(2)]  # both pages read 0 neighbours

    def first_joins():
        try:
            with transaction.atomic():
                services.case_join(case=seen[0], user=neighbour.user)
                joined.set()
                release.wait(timeout=30)  # still uncommitted while the second joins
        finally:
            connections.close_all()

    def second_joins():
        try:
            services.case_join(case=seen[1], user=second.user)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first_joins), threading.Thread(target=second_joins)]
    threads[0].start()
    assert joined.wait(timeout=30)
    threads[1].start()
    release.set()
    for thread in threads:
        thread.join(timeout=30)

    case.refresh_from_db()
    assert case.neighbour_count == 2
    assert CaseNeighbour.objects.filter(case=case).count() == 2
