from django import template
from django.utils.translation import gettext as _

from catalog.selectors import promise_text

register = template.Library()
register.filter("promise", promise_text)


@register.filter
def fee_text(item) -> str:
    if item.fee is None:
        return _("Free")
    price = f"¥{item.fee:.2f}"
    return f"{price} {item.fee_note}".strip()
