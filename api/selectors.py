"""Reads of API tokens: each person sees only their own."""

from django.db.models import QuerySet

from api.models import ApiToken


def tokens_of(*, user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)
