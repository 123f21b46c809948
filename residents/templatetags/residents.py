from django import template

from residents import masking

register = template.Library()
register.filter("mask_mobile", masking.mask_mobile)
register.filter("mask_id_number", masking.mask_id_number)
register.filter("mask_household", masking.mask_household)
