"""Staff pages for hotline orders: the answers due, an order's feedback sheet, and the
workbook of today's answers for a hotline that only has a portal."""

from datetime import datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from connect import feedback, selectors
from connect.imports import XLSX
from core.errors import NotFound
from orgs.selectors import scope_for


def _staff(request) -> None:
    if not scope_for(request.user).is_staff:
        raise NotFound()


def _end_of_today() -> datetime:
    tomorrow = timezone.localdate() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(tomorrow, time.min))


@login_required
def answers_due(request):
    _staff(request)
    now, end = timezone.now(), _end_of_today()
    rows = [
        (answer, answer.overdue(now), answer.due is not None and answer.due < end)
        for answer in selectors.answers_due_for(user=request.user)
    ]
    return render(request, "connect/answers_due.html", {"rows": rows})


@login_required
def answers_today_workbook(request):
    _staff(request)
    answers = selectors.answers_due_for(user=request.user, until=_end_of_today())
    response = HttpResponse(feedback.answers_workbook(answers), content_type=XLSX)
    day = timezone.localdate()
    response["Content-Disposition"] = f'attachment; filename="hotline-answers-{day}.xlsx"'
    return response


@login_required
def feedback_sheet(request, order_id):
    _staff(request)
    order = selectors.order_get_for(user=request.user, order_id=order_id)
    return render(request, "connect/feedback.html", {"sheet": feedback.feedback_sheet(order)})
