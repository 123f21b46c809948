from django.urls import path

from orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.structure, name="structure"),
    path("estates/<int:estate_id>/", views.estate_detail, name="estate"),
]
