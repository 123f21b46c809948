"""Programmes (在城长): enrolment with a guardian's consent, the day's attendance sheet on a
phone, absence follow-up and the termly summary (page and Excel)."""

from datetime import date, timedelta
from io import BytesIO

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ApplicationError, NotFound
from core.http import is_htmx
from core.replica import replica_reads
from engagement import selectors, services
from engagement.forms import (
    FollowUpForm,
    GuardianEnrolForm,
    ProgrammeForm,
    StaffEnrolForm,
)
from engagement.models import Attendance
from orgs.selectors import scope_for
from residents.masking import mask_mobile
from residents.selectors import resident_for_user


@login_required
def programmes(request):
    scope = scope_for(request.user)
    context = {
        "programmes": selectors.programmes_for(user=request.user).order_by("-term_start", "id"),
        "can_manage": scope.is_staff and selectors.can_manage(request.user),
        "today": timezone.localdate(),
    }
    return render(request, "engagement/programmes.html", context)


@login_required
def programme_new(request):
    if not selectors.can_manage(request.user):
        raise NotFound()
    form = ProgrammeForm(
        request.POST or None,
        communities=selectors.staff_communities(request.user),
        venues=selectors.venues_for(user=request.user),
        initial={"name": "在城长", "session_time": "16:30"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Programme created: %(name)s.") % {"name": programme})
            return redirect("engagement:programme", programme_id=programme.pk)
    return render(
        request,
        "engagement/programme_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _children(resident):
    return selectors.household_members(resident).exclude(pk=resident.pk)


def _enrol_form(request, *, can_manage, resident):
    """Staff who manage enrol by the guardian's mobile, a guardian enrols their own child;
    bound on POST, which nobody else may send."""
    data = request.POST if request.method == "POST" else None
    if can_manage:
        return StaffEnrolForm(data)
    if resident is not None:
        return GuardianEnrolForm(data, children=_children(resident))
    if data is not None:
        raise NotFound()
    return None


def _enrol(request, programme, form):
    if isinstance(form, StaffEnrolForm):
        return services.enrol_by_staff(
            actor=request.user,
            programme=programme,
            guardian_mobile=form.cleaned_data["guardian_mobile"],
            child_name=form.cleaned_data["child_name"],
        )
    return services.enrol_by_guardian(
        user=request.user,
        programme=programme,
        child=form.cleaned_data["child"],
        consent=form.cleaned_data["consent"],
    )


@login_required
def programme_detail(request, programme_id):
    programme = selectors.programme_get_for(user=request.user, programme_id=programme_id)
    scope = scope_for(request.user)
    staff = scope.is_staff
    can_manage = staff and selectors.can_manage(request.user)
    resident = None if staff else resident_for_user(user=request.user)
    form = _enrol_form(request, can_manage=can_manage, resident=resident)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = _enrol(request, programme, form)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Enrolled: %(name)s.") % {"name": enrolment.child})
            return redirect("engagement:programme", programme_id=programme.pk)
    enrolments = []
    if staff:
        enrolments = list(selectors.enrolments_active(programme).order_by("child__name", "id"))
        for enrolment in enrolments:
            enrolment.guardian_mobile = mask_mobile(enrolment.guardian.mobile)
    mine = list(selectors.guardian_enrolments(user=request.user, programme=programme))
    context = {
        "programme": programme,
        "staff": staff,
        "can_manage": can_manage,
        "form": form,
        "enrolments": enrolments,
        "mine": mine,
        "follow_ups": list(selectors.open_follow_ups(programme=programme)) if staff else [],
        "follow_up_form": FollowUpForm(),
        "today": timezone.localdate(),
    }
    return render(
        request,
        "engagement/programme.html",
        context,
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_POST
def enrolment_withdraw(request, enrolment_id):
    enrolment = selectors.enrolment_get_for(user=request.user, enrolment_id=enrolment_id)
    try:
        services.enrolment_withdraw(actor=request.user, enrolment=enrolment)
    except NotFound:
        raise  # missing and out of scope: the one 404 answer
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Withdrawn: %(name)s.") % {"name": enrolment.child})
    return redirect("engagement:programme", programme_id=enrolment.programme_id)


def _parse_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _school_day_near(programme, day: date, step: int) -> date | None:
    """The next (step 1) or previous (step -1) school day of the term, if any."""
    for _i in range(40):
        day += timedelta(days=step)
        if not programme.term_start <= day <= programme.term_end:
            return None
        if services.is_school_day(day):
            return day
    return None


def _counts(rows) -> dict:
    marked = [r for r in rows if r.attendance]
    return {
        "counts": {
            mark: sum(1 for r in marked if r.attendance.mark == mark)
            for mark in Attendance.Mark.values
        },
        "unmarked": len(rows) - len(marked),
    }


def _sheet_context(request, programme, day):
    today = timezone.localdate()
    no_session = ""
    try:
        services.session_check(programme, day, timezone.now())
    except ApplicationError as error:
        no_session = error.message
    rows = [] if no_session else selectors.attendance_sheet(programme=programme, day=day)
    previous = _school_day_near(programme, min(day, programme.term_end + timedelta(days=1)), -1)
    following = _school_day_near(programme, max(day, programme.term_start - timedelta(days=1)), 1)
    return {
        "programme": programme,
        "day": day,
        "today": today,
        "rows": rows,
        "no_session": no_session,
        **_counts(rows),
        "previous": previous,
        "following": following if following and following <= today else None,
        "marks": Attendance.Mark.choices,
    }


@login_required
def attendance_today(request, programme_id):
    programme = selectors.programme_get_for_staff(user=request.user, programme_id=programme_id)
    return redirect(
        "engagement:attendance", programme_id=programme.pk, day=timezone.localdate().isoformat()
    )


@login_required
def attendance(request, programme_id, day):
    programme = selectors.programme_get_for_staff(user=request.user, programme_id=programme_id)
    parsed = _parse_day(day)
    if parsed is None:
        raise NotFound()
    return render(request, "engagement/attendance.html", _sheet_context(request, programme, parsed))


@login_required
@require_POST
def attendance_mark(request, enrolment_id):
    enrolment = selectors.enrolment_get_for_staff(user=request.user, enrolment_id=enrolment_id)
    day = _parse_day(request.POST.get("day", ""))
    if day is None:
        raise NotFound()
    error_message = ""
    try:
        enrolment.attendance = services.attendance_mark(
            actor=request.user, enrolment=enrolment, day=day, mark=request.POST.get("mark", "")
        )
    except NotFound:
        raise  # missing and out of scope: the one 404 answer
    except ApplicationError as error:
        error_message = error.message
        enrolment.attendance = selectors.attendance_on(enrolment=enrolment, day=day)
    if is_htmx(request):  # the row, and the day's counts swapped in out of band
        context = {
            "row": enrolment,
            "day": day,
            "row_error": error_message,
            "marks": Attendance.Mark.choices,
            "oob": True,
            **_counts(selectors.attendance_sheet(programme=enrolment.programme, day=day)),
        }
        row = render(request, "engagement/attendance.html#child", context)
        counts = render(request, "engagement/attendance.html#counts", context)
        row.content += counts.content
        return row
    if error_message:
        messages.error(request, error_message)
    return redirect("engagement:attendance", programme_id=enrolment.programme_id, day=day)


@login_required
@require_POST
def follow_up(request, attendance_id):
    attendance = selectors.attendance_get_for_staff(user=request.user, attendance_id=attendance_id)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.absence_follow_up(
                actor=request.user, attendance=attendance, outcome=form.cleaned_data["outcome"]
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Follow-up recorded: %(name)s.") % {"name": attendance.enrolment.child}
            )
    else:
        messages.error(request, "; ".join(form.errors["outcome"]))
    return redirect("engagement:programme", programme_id=attendance.enrolment.programme_id)


@login_required
def summary(request, programme_id):
    programme = selectors.programme_get_for_staff(user=request.user, programme_id=programme_id)
    context = {"summary": selectors.term_summary(programme=programme), "programme": programme}
    return render(request, "engagement/programme_summary.html", context)


@login_required
@replica_reads
def summary_xlsx(request, programme_id):
    programme = selectors.programme_get_for_staff(user=request.user, programme_id=programme_id)
    from openpyxl import Workbook

    term = selectors.term_summary(programme=programme)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Term summary")[:31]
    sheet.append([programme.name, f"{programme.term_start} – {programme.term_end}"])
    sheet.append([_("Sessions held"), term.sessions_held])
    sheet.append([_("Absences"), term.absences])
    sheet.append([_("Absences followed up"), term.followed_up])
    sheet.append([_("Follow-ups open"), term.follow_ups_open])
    sheet.append([])
    sheet.append(
        [
            _("Child"),
            _("Enrolled on"),
            _("Left on"),
            _("Sessions while enrolled"),
            _("Present"),
            _("Absent"),
            _("On leave"),
            _("Attendance rate (%)"),
        ]
    )
    for child in term.children:
        sheet.append(
            [
                str(child.enrolment.child),
                timezone.localdate(child.enrolment.consent_at),
                timezone.localdate(child.enrolment.withdrawn_at)
                if child.enrolment.withdrawn_at
                else None,
                child.sessions,
                child.present,
                child.absent,
                child.leave,
                float(child.rate) if child.rate is not None else None,
            ]
        )
    out = BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="programme-{programme.pk}-term.xlsx"'
    return response
