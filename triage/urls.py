from django.urls import path

from triage import views

app_name = "triage"
urlpatterns = [
    path("", views.models_page, name="models"),
    path("suggest/", views.suggest, name="suggest"),
    path("pick/", views.pick, name="pick"),
    path("case/<int:case_id>/", views.case_panel, name="case_panel"),
]
