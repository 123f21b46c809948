from django import template

from residents import masking, wechat
from residents.redaction import public_text

register = template.Library()
register.filter("public_text", public_text)
register.filter("mask_mobile", masking.mask_mobile)
register.filter("mask_id_number", masking.mask_id_number)
register.filter("mask_household", masking.mask_household)
register.simple_tag(wechat.wechat_sign_in_enabled, name="wechat_sign_in_enabled")
