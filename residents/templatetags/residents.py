from django import template

from orgs.selectors import wechat_messages_enabled
from residents import masking, wechat
from residents.forms import WeChatNoticesForm
from residents.redaction import public_text

register = template.Library()
register.filter("public_text", public_text)
register.filter("mask_mobile", masking.mask_mobile)
register.filter("mask_id_number", masking.mask_id_number)
register.filter("mask_household", masking.mask_household)
register.simple_tag(wechat.wechat_sign_in_enabled, name="wechat_sign_in_enabled")


@register.simple_tag
def wechat_notices_form(user):
    """The choice of notices by WeChat, for a person whose WeChat is linked (else None)."""
    if not (user.wechat_openid and wechat_messages_enabled()):
        return None
    return WeChatNoticesForm(initial={"kinds": user.wechat_notices}, auto_id="id_wechat_%s")
