from django.urls import path

from connect import views

app_name = "connect"
urlpatterns = [
    path("orders/", views.queue, name="queue"),
    path("orders/<int:order_id>/place/", views.place, name="place"),
    path("cases/<int:case_id>/order/", views.case_panel, name="case_panel"),
    path("cases/<int:case_id>/order/confirm/", views.item_confirm, name="item_confirm"),
    path("imports/", views.import_list, name="imports"),
    path("imports/template.xlsx", views.import_template, name="import_template"),
    path("imports/<int:import_id>/", views.import_detail, name="import"),
    path("imports/<int:import_id>/confirm/", views.import_confirm, name="import_confirm"),
    path("answers/", views.answers_due, name="answers_due"),
    path("answers/today.xlsx", views.answers_today_workbook, name="answers_today"),
    path("orders/<int:order_id>/feedback/", views.feedback_sheet, name="feedback"),
]
