"""Staff sign-in: the username checked before anything is looked up, and two lock-outs.

django-axes locks a username after `AXES_FAILURE_LIMIT` failures from any address. An address
is locked after `SIGN_IN_FAILURES_PER_ADDRESS` failures on any accounts (counted here, in the
shared rate counters), so that one machine cannot try a few passwords on every account.
Both last `AXES_COOLOFF_TIME`.
"""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.shortcuts import render

from core.http import client_ip
from core.ratelimit import rate_limit_count, rate_limit_hit


def _address_key(request) -> str:
    return f"sign-in-failures:{client_ip(request)}"


def _cooloff_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def sign_in_failed(sender, credentials=None, request=None, **kwargs) -> None:
    """Count a failed staff sign-in against the address it came from (Django's signal)."""
    if request is not None:
        rate_limit_hit(key=_address_key(request), limit=0, window_seconds=_cooloff_seconds())


class SignInForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django sets only the widget's maxlength here: a longer name would reach the
        # authentication backends (and their 255-character logs) unchecked.
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class SignInView(auth_views.LoginView):
    form_class = SignInForm

    def post(self, request, *args, **kwargs):
        if rate_limit_count(key=_address_key(request)) >= settings.SIGN_IN_FAILURES_PER_ADDRESS:
            return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)
        return super().post(request, *args, **kwargs)
