from django.urls import path

from connect import views

app_name = "connect"
urlpatterns = [
    path("answers/", views.answers_due, name="answers_due"),
    path("answers/today.xlsx", views.answers_today_workbook, name="answers_today"),
    path("orders/<int:order_id>/feedback/", views.feedback_sheet, name="feedback"),
]
