from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from core.http import client_ip, is_htmx
from residents import services
from residents.forms import CodeForm, MobileForm, ResidentFilterForm
from residents.selectors import resident_get_for, resident_list_for

BACKEND = "django.contrib.auth.backends.ModelBackend"


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
            login(request, user, backend=BACKEND)
            return redirect("home")
    return render(request, "residents/signin.html", {"form": code_form})


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
        query = urlencode({"mobile": form.cleaned_data["mobile"]})
        return redirect(f"{reverse('resident_signin')}?{query}")
    code_form = CodeForm(initial={"mobile": request.POST.get("mobile", "")})
    code_form.errors["mobile"] = form.errors["mobile"]
    return render(request, "residents/signin.html", {"form": code_form}, status=400)


@login_required
def resident_list(request):
    form = ResidentFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    residents = resident_list_for(
        user=request.user,
        query=data.get("q") or "",
        tag=data["tag"].code if data.get("tag") else "",
    )
    page = Paginator(residents, 50).get_page(request.GET.get("page"))
    return render(request, "residents/list.html", {"form": form, "page": page})


@login_required
def resident_detail(request, resident_id):
    resident = resident_get_for(user=request.user, resident_id=resident_id)
    return render(request, "residents/detail.html", {"resident": resident, "revealed": False})


@login_required
@require_POST
def resident_reveal(request, resident_id):
    resident = resident_get_for(user=request.user, resident_id=resident_id)
    services.personal_data_reveal(actor=request.user, resident=resident, ip=client_ip(request))
    template = "residents/detail.html#personal" if is_htmx(request) else "residents/detail.html"
    return render(request, template, {"resident": resident, "revealed": True})
