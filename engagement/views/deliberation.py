"""Resident deliberation: topics, support, and the staff steps of a topic."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ApplicationError, NotFound
from engagement import selectors, services
from engagement.forms import (
    ActionForm,
    ActionProgressForm,
    DecisionForm,
    MeetingForm,
    RecordForm,
    TopicForm,
)
from engagement.models import TopicStatus
from orgs.selectors import scope_for
from residents.selectors import resident_for_user


@login_required
def topics(request):
    status = request.GET.get("status", "")
    status = status if status in TopicStatus.values else ""
    page = Paginator(selectors.topic_list_for(user=request.user, status=status), 20).get_page(
        request.GET.get("page")
    )
    can_propose = scope_for(request.user).is_staff or resident_for_user(user=request.user)
    context = {
        "page": page,
        "status": status,
        "statuses": TopicStatus.choices,
        "can_propose": bool(can_propose),
    }
    return render(request, "engagement/topics.html", context)


@login_required
def topic_new(request):
    if scope_for(request.user).is_staff:
        communities = selectors.staff_communities(request.user)
    else:
        resident = resident_for_user(user=request.user)
        communities = selectors.resident_communities(resident).order_by("path")
    if not communities.exists():
        raise NotFound()
    form = TopicForm(request.POST or None, communities=communities)
    if request.method == "POST" and form.is_valid():
        try:
            topic = services.topic_propose(user=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your topic was proposed."))
            return redirect("engagement:topic", topic_id=topic.pk)
    status = 400 if form.errors else 200
    return render(request, "engagement/topic_form.html", {"form": form}, status=status)


def _topic_forms(topic, bound=None):
    meeting = getattr(topic, "meeting", None)
    venues = topic.community.venues.order_by("name")
    initial = (
        {"starts_at": timezone.localtime(meeting.starts_at), "venue": meeting.venue_id}
        | {"agenda": meeting.agenda}
        if meeting
        else {}
    )
    forms = {
        "schedule": MeetingForm(venues=venues, initial=initial),
        "record": RecordForm(),
        "decide": DecisionForm(),
        "action": ActionForm(),
    }
    forms.update(bound or {})
    return forms


def _render_topic(request, topic, *, bound=None, status=200):
    manage = selectors.can_manage(request.user) and (
        selectors.staff_area(request.user).filter(pk=topic.community_id).exists()
    )
    trace = selectors.topic_trace(user=request.user, topic=topic)
    context = {
        "topic": topic,
        "trace": trace,
        "manage": manage,
        "forms": _topic_forms(topic, bound) if manage else {},
        "is_resident": resident_for_user(user=request.user) is not None,
        "progress_form": ActionProgressForm(),
    }
    return render(request, "engagement/topic.html", context, status=status)


@login_required
def topic_detail(request, topic_id):
    topic = selectors.topic_get_for(user=request.user, topic_id=topic_id)
    return _render_topic(request, topic)


@login_required
@require_POST
def topic_support(request, topic_id):
    topic = selectors.topic_get_for(user=request.user, topic_id=topic_id)
    try:
        services.topic_support(topic=topic, user=request.user)
    except NotFound:
        raise  # missing and out of scope: the one 404 answer
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you for your support."))
    return redirect("engagement:topic", topic_id=topic_id)


def _topic_step(request, topic_id, name, form, run, done_message):
    """A staff step on a topic: load to manage, validate, call the service, redirect."""
    topic = selectors.topic_get_to_manage(user=request.user, topic_id=topic_id)
    form = form(topic)
    status = 400
    if form.is_valid():
        try:
            run(topic, form.cleaned_data)
        except ApplicationError as error:
            # Shown at the top: the step's form may not be on the page in this state.
            messages.error(request, error.message)
            status = error.status
        else:
            messages.success(request, done_message)
            return redirect("engagement:topic", topic_id=topic.pk)
    topic.refresh_from_db()
    return _render_topic(request, topic, bound={name: form}, status=status)


@login_required
@require_POST
def topic_schedule(request, topic_id):
    return _topic_step(
        request,
        topic_id,
        "schedule",
        lambda t: MeetingForm(request.POST, venues=t.community.venues.all()),
        lambda t, d: services.meeting_schedule(topic=t, actor=request.user, **d),
        _("The meeting is scheduled."),
    )


@login_required
@require_POST
def topic_record(request, topic_id):
    return _topic_step(
        request,
        topic_id,
        "record",
        lambda t: RecordForm(request.POST),
        lambda t, d: services.meeting_record(topic=t, actor=request.user, **d),
        _("Attendance and minutes are recorded."),
    )


@login_required
@require_POST
def topic_decide(request, topic_id):
    return _topic_step(
        request,
        topic_id,
        "decide",
        lambda t: DecisionForm(request.POST),
        lambda t, d: services.topic_decide(topic=t, actor=request.user, **d),
        _("The decision is recorded."),
    )


@login_required
@require_POST
def action_add(request, topic_id):
    return _topic_step(
        request,
        topic_id,
        "action",
        lambda t: ActionForm(request.POST),
        lambda t, d: services.action_add(topic=t, actor=request.user, **d),
        _("The follow-up action is added."),
    )


@login_required
@require_POST
def action_update(request, action_id):
    action = selectors.action_get_to_manage(user=request.user, action_id=action_id)
    form = ActionProgressForm(request.POST)
    if form.is_valid():
        try:
            services.action_update(action=action, actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Progress saved."))
    else:
        messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
    return redirect("engagement:topic", topic_id=action.topic_id)
