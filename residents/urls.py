from django.urls import path

from residents import views

app_name = "residents"
urlpatterns = [
    path("", views.resident_list, name="list"),
    path("<int:resident_id>/", views.resident_detail, name="detail"),
    path("<int:resident_id>/reveal/", views.resident_reveal, name="reveal"),
    path("<int:resident_id>/tags/", views.resident_tags, name="tags"),
    path("<int:resident_id>/consents/", views.resident_consent_record, name="consent_record"),
    path("consents/<int:consent_id>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("me/", views.my_data, name="mine"),
    path("me/export.<str:fmt>", views.my_data_export, name="export"),
    path("requests/", views.rights_queue, name="requests"),
    path("requests/<int:request_id>/", views.rights_request_detail, name="request"),
]
