from django.urls import path

from cases import views

app_name = "cases"
urlpatterns = [
    path("report/", views.report, name="report"),
    path("report/place/", views.place_fields, name="place_fields"),
    path("book/<str:code>/", views.book, name="book"),
    path("mine/", views.mine, name="mine"),
    path("mine/<str:tracking_no>/", views.mine_detail, name="mine_detail"),
    path("join/<str:tracking_no>/", views.join, name="join"),
    path("r/<str:tracking_no>/", views.rate_link, name="rate_link"),
    path("inbox/", views.inbox, name="inbox"),
    path("jobs/", views.jobs, name="jobs"),
    path("new/", views.staff_new, name="staff_new"),
    path("callback/", views.callback, name="callback"),
    path("callbacks/", views.callbacks, name="callbacks"),
    path("callbacks/<int:callback_id>/done/", views.callback_done, name="callback_done"),
    path("notifications/", views.notifications, name="notifications"),
    path("photo/<int:photo_id>/", views.photo, name="photo"),
    path("photo/<int:photo_id>/public/", views.public_photo, name="public_photo"),
    path("<int:case_id>/", views.detail, name="detail"),
    path("<int:case_id>/act/<str:action>/", views.act, name="act"),
    path("<int:case_id>/contact/", views.reveal_contact, name="reveal_contact"),
    path("<int:case_id>/call/", views.call_contact, name="call_contact"),
]
