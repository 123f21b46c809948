"""The site's URLs plus one view that raises each kind of ApplicationError (middleware tests)."""

from django.urls import path

from config.urls import urlpatterns as site
from core.errors import ApplicationError, Conflict, Forbidden, NotFound, RateLimited

ERRORS = {
    "invalid": lambda: ApplicationError("门牌号不对。"),
    "missing": NotFound,
    "forbidden": Forbidden,
    "conflict": Conflict,
    "limited": RateLimited,
}


def refuse(request, kind):
    raise ERRORS[kind]()


urlpatterns = [*site, path("refuse/<str:kind>/", refuse)]
