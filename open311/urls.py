"""GeoReport v2 at /open311/v2/: every path ends in .xml or .json; anything else is a 404
`errors` document in XML (never an HTML page)."""

from django.urls import re_path

from open311 import views

app_name = "open311"

FMT = r"(?:\.(?P<fmt>[^/.]*))?"  # the format extension; validated by the view
ID = r"[^/]+?"

urlpatterns = [
    re_path(rf"^discovery{FMT}$", views.discovery, name="discovery"),
    re_path(rf"^services{FMT}$", views.services_list, name="services"),
    re_path(rf"^services/(?P<code>{ID}){FMT}$", views.service_definition, name="service"),
    # The old PyPI client `open311` asks for /service/{code} (singular).
    re_path(rf"^service/(?P<code>{ID}){FMT}$", views.service_definition, name="service_alias"),
    re_path(rf"^requests{FMT}$", views.requests, name="requests"),
    re_path(rf"^requests/(?P<tracking_no>{ID}){FMT}$", views.request_detail, name="request"),
    re_path(rf"^tokens/(?P<token>{ID}){FMT}$", views.token, name="token"),
    re_path(rf"^servicerequestupdates{FMT}$", views.request_updates, name="updates"),
    re_path(r"^(?P<path>.*)$", views.not_found, name="not_found"),
]
