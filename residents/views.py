import hmac
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ApplicationError, NotFound
from core.http import client_ip, is_htmx
from orgs.selectors import user_for_wechat
from orgs.services import user_wechat_bind, user_wechat_notices_set
from residents import export, rules, selectors, services, wechat
from residents.forms import (
    CodeForm,
    ConsentRecordForm,
    ConsentWithdrawForm,
    MobileForm,
    ResidentFilterForm,
    RightsAnswerForm,
    RightsRequestForm,
    TagsForm,
    WeChatNoticesForm,
)
from residents.models import Purpose, RightsRequest
from residents.selectors import resident_get_for, resident_list_for

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _next(request) -> str:
    """Where to go after signing in (a link in a text message), if it is a page of this site."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if safe else ""


def resident_signin(request):
    """Residents sign in with their mobile number and a one-time code."""
    code_form = CodeForm(request.POST or None, initial={"mobile": request.GET.get("mobile", "")})
    if request.method == "POST" and code_form.is_valid():
        data = code_form.cleaned_data
        try:
            user = services.otp_verify(
                mobile=data["mobile"],
                code=data["code"],
                ip=client_ip(request),
                consent=data["consent"],
            )
        except ApplicationError as error:
            code_form.add_error("code", error.message)
        else:
            openid = request.session.pop(WECHAT_OPENID, "")
            login(request, user, backend=BACKEND)
            if openid:
                user_wechat_bind(user=user, openid=openid)
                messages.success(
                    request, _("Your WeChat is linked: next time, sign in with WeChat.")
                )
            return redirect(_next(request) or "home")
    return _signin_page(request, code_form)


def _signin_page(request, form, status=200):
    context = {
        "form": form,
        "next": _next(request),
        "wechat": wechat.wechat_sign_in_enabled(),
        "linking_wechat": WECHAT_OPENID in request.session,
    }
    return render(request, "residents/signin.html", context, status=status)


WECHAT_STATE, WECHAT_OPENID = "wechat-sign-in", "wechat-openid"


def wechat_start(request):
    """Off to WeChat's authorization page, which comes back to `wechat_done`."""
    if not wechat.wechat_sign_in_enabled():
        raise Http404
    state = secrets.token_urlsafe(16)
    request.session[WECHAT_STATE] = {"state": state, "next": _next(request)}
    done = request.build_absolute_uri(reverse("wechat_done"))
    return redirect(wechat.authorize_url(redirect_uri=done, state=state))


def wechat_done(request):
    """Back from WeChat with a one-time code: a linked person is signed in, someone signed in
    links their WeChat, anyone else signs in once by SMS code and is linked then."""
    if not wechat.wechat_sign_in_enabled():
        raise Http404
    started = request.session.pop(WECHAT_STATE, None)
    code, state = request.GET.get("code", ""), request.GET.get("state", "")
    if not (started and code and hmac.compare_digest(started["state"].encode(), state.encode())):
        messages.error(request, _("The WeChat sign-in was not started here, or has expired."))
        return redirect("resident_signin")
    try:
        openid = wechat.openid_for_code(code[:128])
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("resident_signin")
    then = started["next"] or reverse("home")
    if request.user.is_authenticated:
        user_wechat_bind(user=request.user, openid=openid)
        messages.success(request, _("Your WeChat is linked: next time, sign in with WeChat."))
        return redirect(then)
    user = user_for_wechat(openid=openid)
    if user is not None:
        login(request, user, backend=BACKEND)
        return redirect(then)
    request.session[WECHAT_OPENID] = openid
    query = urlencode({"next": started["next"]}) if started["next"] else ""
    return redirect(f"{reverse('resident_signin')}?{query}" if query else "resident_signin")


@login_required
@require_POST
def wechat_unlink(request):
    user_wechat_bind(user=request.user, openid="")
    messages.success(request, _("Your WeChat is unlinked."))
    return redirect(_next(request) or "home")


@login_required
@require_POST
def wechat_notices(request):
    form = WeChatNoticesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose from the kinds of notice listed."))
    else:
        try:
            user_wechat_notices_set(user=request.user, kinds=form.cleaned_data["kinds"])
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your choice of WeChat notices is saved."))
    return redirect(_next(request) or "home")


@require_POST
def resident_send_code(request):
    form = MobileForm(request.POST)
    if form.is_valid():
        try:
            services.otp_send(mobile=form.cleaned_data["mobile"], ip=client_ip(request))
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("A code was sent to your phone."))
        query = {"mobile": form.cleaned_data["mobile"]}
        if _next(request):
            query["next"] = _next(request)
        return redirect(f"{reverse('resident_signin')}?{urlencode(query)}")
    code_form = CodeForm(initial={"mobile": request.POST.get("mobile", "")})
    code_form.errors["mobile"] = form.errors["mobile"]
    return _signin_page(request, code_form, status=400)


@login_required
def resident_list(request):
    form = ResidentFilterForm(request.GET or None, tags=selectors.tags_for(user=request.user))
    data = form.cleaned_data if form.is_valid() else {}
    residents = resident_list_for(
        user=request.user,
        query=data.get("q") or "",
        tag=data["tag"].code if data.get("tag") else "",
    )
    page = Paginator(residents, 50).get_page(request.GET.get("page"))
    return render(request, "residents/list.html", {"form": form, "page": page})


def _detail(request, resident, *, revealed=False, tags_form=None, consent_form=None, status=200):
    consented = selectors.consent_valid(resident=resident, purpose=Purpose.VULNERABILITY)
    context = {
        "resident": resident,
        "revealed": revealed,
        "consents": selectors.consents_of(resident),
        "tags_form": tags_form
        or TagsForm(initial={"tags": list(resident.tags.all())}, ask_consent=not consented),
        "consent_form": consent_form or ConsentRecordForm(),
    }
    return render(request, "residents/detail.html", context, status=status)


@login_required
def resident_detail(request, resident_id):
    resident = resident_get_for(user=request.user, resident_id=resident_id)
    return _detail(request, resident)


@login_required
@require_POST
def resident_reveal(request, resident_id):
    resident = resident_get_for(user=request.user, resident_id=resident_id)
    services.personal_data_reveal(actor=request.user, resident=resident, ip=client_ip(request))
    if is_htmx(request):
        return render(
            request, "residents/detail.html#personal", {"resident": resident, "revealed": True}
        )
    return _detail(request, resident, revealed=True)


@login_required
@require_POST
def resident_tags(request, resident_id):
    """Tags; a sensitive one only with the separate consent (ticked here, or on record)."""
    resident = resident_get_for(user=request.user, resident_id=resident_id)
    consented = selectors.consent_valid(resident=resident, purpose=Purpose.VULNERABILITY)
    form = TagsForm(request.POST, ask_consent=not consented)
    if form.is_valid():
        try:
            services.resident_tags_set(
                actor=request.user,
                resident=resident,
                tags=form.cleaned_data["tags"],
                consent=form.consent_given(),
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The tags are saved."))
            return redirect("residents:detail", resident_id=resident.pk)
    return _detail(request, resident, tags_form=form, status=400)


@login_required
@require_POST
def resident_consent_record(request, resident_id):
    resident = resident_get_for(user=request.user, resident_id=resident_id)
    form = ConsentRecordForm(request.POST)
    if form.is_valid():
        try:
            services.consent_give(
                resident=resident,
                purpose=form.cleaned_data["purpose"],
                actor=request.user,
                given=form.consent_given(),
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The separate consent is recorded."))
            return redirect("residents:detail", resident_id=resident.pk)
    return _detail(request, resident, consent_form=form, status=400)


@login_required
@require_POST
def consent_withdraw(request, consent_id):
    """Withdrawn by the resident on their page, or by staff on their behalf with a note."""
    consent = selectors.consent_get_for(user=request.user, consent_id=consent_id)
    form = ConsentWithdrawForm(request.POST)
    own = consent.resident.user_id == request.user.pk
    back = redirect("residents:mine") if own else redirect("residents:detail", consent.resident_id)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.consent_withdraw(consent=consent, actor=request.user, note=note)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The consent is withdrawn."))
    return back


# ---------------------------------------------------------------------------------------------
# A resident's own data and rights


def _own(request):
    resident = selectors.resident_for_user(user=request.user)
    if resident is None:
        raise NotFound()
    return resident


@login_required
def my_data(request):
    """What the platform holds about me, who saw it, my consents and my requests."""
    resident = _own(request)
    form = RightsRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rights_request_submit(user=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your request is sent. You will find the answer here."))
            return redirect("residents:mine")
    context = {
        "resident": resident,
        "consents": selectors.consents_of(resident),
        "accesses": selectors.access_log_of(resident)[:200],
        "requests": selectors.rights_requests_of(resident),
        "form": form,
        "rules": rules.CURRENT,
        "retention": _retention(),
    }
    return render(request, "residents/mine.html", context, status=400 if form.errors else 200)


@login_required
def my_data_export(request, fmt):
    if fmt not in ("json", "xlsx"):
        raise NotFound()
    data = export.resident_data(_own(request))
    day = timezone.localdate().strftime("%Y%m%d")
    if fmt == "json":
        body, kind = export.as_json(data), "application/json; charset=utf-8"
    else:
        body = export.as_workbook(data)
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="my-data-{day}.{fmt}"'
    return response


@login_required
def rights_queue(request):
    """Correction and deletion requests of the residents in scope, nearest deadline first."""
    state = request.GET.get("state", RightsRequest.State.OPEN)
    state = state if state in RightsRequest.State.values else ""
    page = Paginator(selectors.rights_queue_for(user=request.user, state=state), 50).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "state": state, "states": RightsRequest.State, "now": timezone.now()}
    return render(request, "residents/requests.html", context)


@login_required
def rights_request_detail(request, request_id):
    found = selectors.rights_request_get_for(user=request.user, request_id=request_id)
    form = RightsAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rights_request_answer(request=found, actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The answer is recorded and the resident is told."))
            return redirect("residents:requests")
    context = {"found": found, "form": form, "now": timezone.now()}
    status = 400 if form.errors else 200
    return render(request, "residents/request.html", context, status=status)


# ---------------------------------------------------------------------------------------------
# The rules (个人信息处理规则), for everyone


def _retention() -> dict:
    return {
        "case_years": round(settings.CASE_RETENTION_DAYS / 365, 1),
        "case_days": settings.CASE_RETENTION_DAYS,
        "care_days": settings.CARE_RETENTION_DAYS,
        "message_days": settings.MESSAGE_RETENTION_DAYS,
        "request_days": settings.RIGHTS_REQUEST_WORKING_DAYS,
        "contact": settings.PRIVACY_CONTACT,
    }


def privacy_rules(request, version=None):
    shown = rules.rules_get(version) if version else rules.CURRENT
    if shown is None:
        raise Http404
    context = {
        "shown": shown,
        "current": rules.CURRENT,
        "versions": rules.VERSIONS,
        "retention": _retention(),
    }
    return render(request, shown.template, context)
