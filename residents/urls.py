from django.urls import path

from residents import views

app_name = "residents"
urlpatterns = [
    path("", views.resident_list, name="list"),
    path("<int:resident_id>/", views.resident_detail, name="detail"),
    path("<int:resident_id>/reveal/", views.resident_reveal, name="reveal"),
]
