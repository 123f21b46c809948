from django.urls import path

from alliance import views

app_name = "alliance"
urlpatterns = [
    path("", views.partner_list, name="list"),
    path("partners/new/", views.partner_new, name="partner_new"),
    path("partners/<int:partner_id>/", views.partner_detail, name="partner"),
    path("partners/<int:partner_id>/agreements/new/", views.agreement_new, name="agreement_new"),
    path("partners/<int:partner_id>/pledges/new/", views.pledge_new, name="pledge_new"),
    path("partners/<int:partner_id>/activities/", views.activity_link, name="activity_link"),
    path("agreements/<int:agreement_id>/file/", views.agreement_file, name="agreement_file"),
]
