from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases import selectors, services
from cases.actions import ACTIONS, action_forms
from cases.forms import (
    BookForm,
    InboxFilterForm,
    NeighbourRateForm,
    RateForm,
    ReportForm,
    ResidentReplyForm,
    StaffIntakeForm,
)
from cases.models import Case, Channel
from catalog.models import Item
from core.errors import ApplicationError, Conflict, NotFound
from core.forms import form_refusal
from core.http import client_ip, is_htmx, page_redirect, post_id, render_error
from orgs.roles import Permission
from orgs.selectors import scope_for
from residents.masking import mask_mobile
from residents.selectors import homes_of, places_for, resident_by_mobile, resident_for_user

# ---------------------------------------------------------------------------------------------
# Residents


def _resident_or_404(request):
    resident = resident_for_user(user=request.user)
    if resident is None:
        raise NotFound()
    return resident


@login_required
def report(request):
    resident = _resident_or_404(request)
    households, buildings = homes_of(resident=resident)
    form = ReportForm(
        request.POST or None,
        request.FILES or None,
        households=households,
        buildings=buildings,
        initial={
            "item": request.GET.get("item"),
            "household": households[0].pk if len(households) == 1 else None,
            "contact_name": resident.name,
            "contact_mobile": resident.mobile,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        item = data["item"] or selectors.item_from_words(
            text=data["description"], estate=_place(data)[0]
        )
        if item is None:
            form.add_error(
                "item", _("We could not tell from your words what it is about: choose the closest.")
            )
        else:
            try:
                case = _file(request, data, item=item, channel=Channel.WEB, resident=resident)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Received. Your tracking number is %(no)s.") % {"no": case.tracking_no},
                )
                return page_redirect(request, reverse("cases:mine_detail", args=[case.tracking_no]))
    template = "cases/report.html#form" if is_htmx(request) else "cases/report.html"
    return render(request, template, {"form": form, "has_home": households.exists()})


def _place(data) -> tuple:
    """The estate and building a report form names: the home's, or the public spot's."""
    household = data["household"]
    if household:
        return household.unit.building.estate, household.unit.building
    return data["estate"], data["building"]


@login_required
@require_GET
def place_fields(request):
    """The public spot's steps of the report or intake form, redrawn for what is chosen so far
    (an estate's buildings, a building's units)."""
    households, buildings = places_for(request.user)
    form = ReportForm(households=households, buildings=buildings, initial=request.GET.dict())
    return render(request, "cases/_place_fields.html#steps", {"form": form})


def _file(request, data, *, item, channel, resident, contact_mobile=None):
    """File what the report or intake form says: the place (a public spot's unit leads its
    words), the words and photos, the contact (a resubmission of the same form returns the
    case filed already)."""
    estate, building = _place(data)
    spot = " ".join(
        part for part in (getattr(data["unit"], "name", ""), data["location_text"]) if part
    )
    return services.case_submit(
        item=item,
        description=data["description"],
        channel=channel,
        created_by=request.user,
        resident=resident,
        estate=estate,
        building=building,
        household=data["household"],
        location_text=spot[:200],
        contact_name=data["contact_name"],
        contact_mobile=contact_mobile or data["contact_mobile"],
        photos=data["photos"],
        photos_public=data["photos_public"],
        idempotency_key=data["idempotency_key"],
        resubmit_window=services.FORM_RESUBMIT_WINDOW,
    )


@login_required
@require_POST
def callback(request):
    """请回电: a resident who cannot type asks to be called back."""
    try:
        requested = services.callback_request(user=request.user, note=request.POST.get("note", ""))
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("cases:report")
    messages.success(
        request,
        _("Received: your community will call you back at %(mobile)s soon.")
        % {"mobile": mask_mobile(requested.mobile)},
    )
    return redirect("home")


@login_required
def book(request, code):
    item = Item.objects.filter(code=code, is_active=True, kind=Item.Kind.SERVICE).first()
    resident = _resident_or_404(request)
    if item is None:
        raise NotFound()
    households, _buildings = homes_of(resident=resident)
    form = BookForm(request.POST or None, item=item, households=households)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        household = data["household"]
        try:
            case = services.case_submit(
                item=item,
                description=data["description"] or item.name,
                channel=Channel.WEB,
                created_by=request.user,
                resident=resident,
                estate=household.unit.building.estate,
                household=household,
                preferred_time=data["preferred_time"],
                idempotency_key=data["idempotency_key"],
                resubmit_window=services.FORM_RESUBMIT_WINDOW,
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Booked. Your tracking number is %(no)s.") % {"no": case.tracking_no}
            )
            return redirect("cases:mine_detail", tracking_no=case.tracking_no)
    return render(request, "cases/book.html", {"form": form, "item": item})


@login_required
def mine(request):
    bookings = request.GET.get("kind") == Case.Kind.SERVICE_REQUEST  # 我的预约
    cases = selectors.followed_cases(user=request.user, kind=request.GET.get("kind"))
    page = Paginator(cases, 20).get_page(request.GET.get("page"))
    resident = resident_for_user(user=request.user)
    context = {"page": page, "me": resident, "bookings": bookings}
    return render(request, "cases/mine.html", context)


@login_required
def mine_detail(request, tracking_no):
    try:
        case = selectors.resident_case_get(user=request.user, tracking_no=tracking_no)
    except NotFound:
        return _followed_detail(request, tracking_no)
    reply_form, rate_form = ResidentReplyForm(), RateForm()
    if request.method == "POST":
        try:
            if "rating" in request.POST:
                rate_form = RateForm(request.POST)
                if rate_form.is_valid():
                    data = rate_form.cleaned_data
                    services.case_rate(
                        case=case,
                        user=request.user,
                        rating=data["rating"],
                        comment=data["comment"],
                        tags=data["tags"],
                        reopen=data["reopen"],
                    )
                    messages.success(request, _("Thank you for your rating."))
                    return redirect("cases:mine_detail", tracking_no=tracking_no)
            elif "reopen" in request.POST:
                services.case_reopen(case=case, user=request.user)
                return redirect("cases:mine_detail", tracking_no=tracking_no)
            else:
                reply_form = ResidentReplyForm(request.POST)
                if reply_form.is_valid():
                    services.case_resident_reply(
                        case=case, user=request.user, text=reply_form.cleaned_data["text"]
                    )
                    return redirect("cases:mine_detail", tracking_no=tracking_no)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("cases:mine_detail", tracking_no=tracking_no)
    return render(
        request,
        "cases/mine_detail.html",
        {
            "case": case,
            "events": selectors.timeline(case=case, public_only=True),
            "reply_form": reply_form,
            "rate_form": rate_form,
        },
    )


def rate_link(request, tracking_no):
    """The short link in the resolved text message: the case page, at the rating (through the
    residents' sign-in when not signed in)."""
    page = reverse("cases:mine_detail", args=[tracking_no]) + "#rate"
    if not request.user.is_authenticated:
        return redirect(f"{reverse('resident_signin')}?{urlencode({'next': page})}")
    return redirect(page)


def _followed_detail(request, tracking_no):
    """A case the resident follows without having reported it (a neighbour's they joined,
    or the one theirs was merged into): its item, place, status and the handlers' answers,
    never the reporter's words; a neighbour rates it here."""
    case, neighbour = selectors.followed_case_get(user=request.user, tracking_no=tracking_no)
    form = NeighbourRateForm(request.POST or None)
    if request.method == "POST" and neighbour is not None and form.is_valid():
        try:
            services.case_neighbour_rate(
                case=case,
                user=request.user,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Thank you for your rating."))
        return redirect("cases:mine_detail", tracking_no=tracking_no)
    context = {
        "case": case,
        "neighbour": neighbour,
        "events": selectors.follower_timeline(case=case),
        "rate_form": form,
    }
    return render(request, "cases/followed_detail.html", context)


@login_required
@require_POST
def join(request, tracking_no):
    """我也遇到了: the resident adds themselves to a neighbour's open case instead of filing
    a new one (the report form's "already reported" box, htmx)."""
    try:
        case = selectors.public_case_get(tracking_no=tracking_no)
        services.case_join(case=case, user=request.user)
    except ApplicationError as error:
        if not is_htmx(request):
            messages.error(request, error.message)
            return redirect("cases:report")
        return render_error(request, error)
    if not is_htmx(request):
        messages.success(request, _("Added: you will be told as it progresses."))
        return redirect("cases:mine_detail", tracking_no=tracking_no)
    return render(request, "cases/_joined.html", {"case": case})


# ---------------------------------------------------------------------------------------------
# Staff


@login_required
def inbox(request):
    scope = scope_for(request.user)
    if not scope.is_staff:
        raise NotFound()
    tab = request.GET.get("tab") if request.GET.get("tab") in selectors.TABS else "pending"
    form = InboxFilterForm(request.GET or None, estates=scope.estates())
    data = form.valid_data()  # a bad filter is dropped and named, the rest still apply
    filters = selectors.InboxFilters(
        tab=tab,
        status=data.get("status") or "",
        query=data.get("q") or "",
        item_id=data["item"].pk if data.get("item") else None,
        domain_code=data["domain"].code if data.get("domain") else "",
        estate_id=data.get("estate"),
        party=data.get("party") or "",
        channel=data.get("channel") or "",
        since=data.get("since"),
        until=data.get("until"),
        mine=bool(data.get("mine")),
    )
    now = timezone.now()
    counts = selectors.tab_counts(user=request.user, now=now)
    paginator = Paginator(selectors.inbox(user=request.user, filters=filters, now=now), 25)
    if not any(data.values()) and tab in counts:
        paginator.count = counts[tab]  # the tab's own count: no second COUNT(*)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = selectors.page_rows(page.object_list)
    context = {
        "form": form,
        "page": page,
        "tab": tab,
        "tabs": selectors.TABS,
        "counts": counts,
    }
    template = "cases/inbox.html#rows" if is_htmx(request) else "cases/inbox.html"
    return render(request, template, context)


def _case_context(request, case, forms=None, revealed=False):
    events = list(selectors.timeline(case=case, public_only=False, user=request.user))
    return {
        "case": case,
        "events": events,
        "seen": max((event.pk for event in events), default=0),
        "participants": case.participants.select_related("org_unit", "company"),
        "forms": forms or action_forms(case=case, user=request.user),
        "revealed": revealed,
        "pending_extension": case.extensions.filter(state="pending").first(),
        "neighbour_ratings": selectors.neighbour_ratings(case=case),
    }


@login_required
def detail(request, case_id):
    case = selectors.case_get_for(user=request.user, case_id=case_id)
    return render(request, "cases/detail.html", _case_context(request, case))


@login_required
@require_POST
def act(request, case_id, action):
    """Every staff action: load in scope, validate the form, call the service, re-render. A
    refusal leaves the page as it was and is shown right after the form that asked (htmx), or
    on the case page (without JavaScript)."""
    case = selectors.case_get_for(user=request.user, case_id=case_id)
    if action not in ACTIONS:
        raise NotFound()
    spec = ACTIONS[action]
    form = spec.form(request.POST, request.FILES, **spec.form_kwargs(case, request.user))
    try:
        if not form.is_valid():
            raise form_refusal(form)
        spec.run(case=case, user=request.user, data=form.cleaned_data)
    except ApplicationError as error:
        if not is_htmx(request):
            messages.error(request, str(error))
            return redirect("cases:detail", case_id=case.pk)
        return _refused(request, case_id, error)
    messages.success(request, _("Done: %(action)s") % {"action": _(spec.label)})
    if not is_htmx(request):
        return redirect("cases:detail", case_id=case.pk)
    case = selectors.case_get_for(user=request.user, case_id=case_id)
    return render(request, "cases/detail.html#case", _case_context(request, case))


def _refused(request, case_id, error):
    """A refusal next to the form. When the page is out of date (a stale version, or a state
    that changed under it) it says what happened since the page was loaded, with a reload."""
    case = selectors.case_get_for(user=request.user, case_id=case_id)
    stale = post_id(request, "version") != case.version
    if not isinstance(error, Conflict) and not (stale and error.status == Conflict.status):
        return render_error(request, error)
    seen = post_id(request, "seen")
    events = selectors.timeline(case=case, public_only=False, user=request.user)
    changes = events.filter(pk__gt=seen) if seen else []
    context = {"case": case, "changes": changes}
    conflict = error if isinstance(error, Conflict) else Conflict()
    return render_error(request, conflict, template="cases/_conflict.html", context=context)


@login_required
@require_POST
def reveal_contact(request, case_id):
    case = selectors.case_get_for(user=request.user, case_id=case_id)
    services.case_reveal_contact(case=case, actor=request.user, ip=client_ip(request))
    context = _case_context(request, case, revealed=True)
    template = "cases/detail.html#contact" if is_htmx(request) else "cases/detail.html"
    return render(request, template, context)


@login_required
def jobs(request):
    """A technician's phone home: today's jobs, the soonest due first."""
    if not scope_for(request.user).is_staff:
        raise NotFound()
    return render(request, "cases/jobs.html", {"jobs": selectors.jobs_for(user=request.user)})


class _Dial(HttpResponseRedirect):
    allowed_schemes = ["tel"]


@login_required
@require_POST
def call_contact(request, case_id):
    """One tap on a job's masked number: the phone's dialler opens with it (recorded)."""
    case = selectors.case_get_for(user=request.user, case_id=case_id)
    mobile = services.case_call_contact(case=case, actor=request.user, ip=client_ip(request))
    if not is_htmx(request):
        return _Dial(f"tel:{mobile}")
    return page_redirect(request, f"tel:{mobile}")


@login_required
def photo(request, photo_id):
    """Photos are served only to people who may see the case."""
    photo = selectors.photo_get_for(user=request.user, photo_id=photo_id)
    response = FileResponse(photo.image.open("rb"))
    response["Cache-Control"] = "private, max-age=3600"
    return response


def public_photo(request, photo_id):
    """A photo shown in public (Open311's media_url): only one the resident agreed to publish
    and a staff member approved; anything else looks missing."""
    photo = selectors.published_photos().filter(pk=photo_id).first()
    if photo is None:
        raise NotFound()
    response = FileResponse(photo.image.open("rb"))
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def notifications(request):
    notes = selectors.unread_notifications(user=request.user)
    if request.method == "POST":
        notes.update(read_at=timezone.now())
        return redirect("cases:notifications")
    return render(request, "cases/notifications.html", {"notes": notes[:100]})


@login_required
def callbacks(request):
    """待回电: the residents waiting to be called back, oldest first."""
    if not selectors.answers_callbacks(request.user):
        raise NotFound()
    return render(
        request,
        "cases/callbacks.html",
        {"callbacks": selectors.callbacks_waiting(user=request.user)},
    )


@login_required
@require_POST
def callback_done(request, callback_id):
    """Called back, and nothing to file (what was asked was answered on the phone)."""
    try:
        callback = selectors.callback_get_for(user=request.user, callback_id=callback_id)
        services.callback_done(callback=callback, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Marked as called back."))
    return redirect("cases:callbacks")


@login_required
def staff_new(request):
    """Staff file a case for a resident who phoned, walked in or was visited, or whom they
    called back (`?callback=`: the request is closed with the case)."""
    scope = scope_for(request.user)
    if not scope.has(Permission.HANDLE_CASES):
        raise NotFound()
    callback = None
    if request.GET.get("callback"):
        callback = selectors.callback_get_for(
            user=request.user, callback_id=request.GET["callback"]
        )
    households = scope.households().select_related("unit__building__estate")
    initial = {}
    if callback is not None:
        initial = {
            "channel": Channel.PHONE,
            "resident_mobile": callback.mobile,
            "household": callback.household_id,
            "description": callback.note,
        }
    form = StaffIntakeForm(
        request.POST or None,
        request.FILES or None,
        households=households,
        buildings=scope.buildings().select_related("estate"),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        resident = (
            resident_by_mobile(mobile=data["resident_mobile"]) if data["resident_mobile"] else None
        )
        try:
            case = _file(
                request,
                data,
                item=data["item"],
                channel=data["channel"],
                resident=resident,
                contact_mobile=data["contact_mobile"] or data["resident_mobile"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            if callback is not None:
                try:
                    services.callback_done(callback=callback, actor=request.user, case=case)
                except ApplicationError as error:  # a colleague called too: the case stays
                    messages.warning(request, error.message)
            messages.success(request, _("Filed as %(no)s.") % {"no": case.tracking_no})
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/staff_new.html", {"form": form, "callback": callback})
