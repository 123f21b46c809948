"""Sign-in through a WeChat official account's web authorization (OAuth2, `snsapi_base`).

Inside WeChat, the browser goes to WeChat's authorization page, which sends it straight back
(snsapi_base asks the person nothing) with a one-time code; the code is exchanged here, server
to server, for the person's openid in this official account. Nothing else about them is asked.
"""

import json
import urllib.parse
import urllib.request

from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import ApplicationError


def wechat_sign_in_enabled() -> bool:
    return bool(settings.WECHAT_APP_ID and settings.WECHAT_APP_SECRET)


def authorize_url(*, redirect_uri: str, state: str) -> str:
    query = urllib.parse.urlencode(
        {
            "appid": settings.WECHAT_APP_ID,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": "snsapi_base",
            "state": state,
        }
    )
    return f"{settings.WECHAT_OAUTH_BASE}/connect/oauth2/authorize?{query}#wechat_redirect"


def openid_for_code(code: str) -> str:
    """The openid a one-time code stands for; ApplicationError if WeChat says no or is away."""
    query = urllib.parse.urlencode(
        {
            "appid": settings.WECHAT_APP_ID,
            "secret": settings.WECHAT_APP_SECRET,
            "code": code,
            "grant_type": "authorization_code",
        }
    )
    try:
        url = f"{settings.WECHAT_API_BASE}/sns/oauth2/access_token?{query}"
        with urllib.request.urlopen(url, timeout=10) as response:
            answer = json.loads(response.read())
    except (OSError, ValueError):  # urllib's errors are OSErrors; a body that is no JSON
        answer = {}
    openid = answer.get("openid") if isinstance(answer, dict) else None
    if not openid:
        raise ApplicationError(
            _("WeChat sign-in did not succeed. Please try again, or sign in with a code by SMS."),
            code="wechat_refused",
        )
    return openid
