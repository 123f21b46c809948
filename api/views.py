from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from api import selectors, services
from core.errors import ApplicationError


@login_required
def tokens(request):
    """The user's API tokens. A new key is shown once, right after it is created."""
    new_key = None
    if request.method == "POST":
        try:
            _token, new_key = services.token_create(
                user=request.user, name=request.POST.get("name", "")
            )
        except ApplicationError:
            messages.error(request, _("Give the token a name."))
    return render(
        request,
        "api/tokens.html",
        {
            "tokens": selectors.tokens_of(user=request.user),
            "new_key": new_key,
        },
    )


@login_required
@require_POST
def revoke(request, token_id):
    services.token_revoke(user=request.user, token_id=token_id)
    messages.success(request, _("The token was revoked."))
    return redirect("api_tokens")
