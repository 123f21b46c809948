from django.urls import path

from care import views

app_name = "care"
urlpatterns = [
    path("", views.recipient_list, name="list"),
    path("today/", views.due_today, name="today"),
    path("enroll/", views.enroll, name="enroll"),
    path("recipients/<int:recipient_id>/", views.recipient_detail, name="recipient"),
    path("recipients/<int:recipient_id>/reveal/", views.recipient_reveal, name="reveal"),
    path("recipients/<int:recipient_id>/leave/", views.recipient_leave, name="leave"),
    path("recipients/<int:recipient_id>/assess/", views.assessment_new, name="assess"),
    path("recipients/<int:recipient_id>/plan/", views.plan_edit, name="plan"),
    path("recipients/<int:recipient_id>/visit/", views.visit_new, name="visit_new"),
    path("assessments/<int:assessment_id>/", views.assessment_detail, name="assessment"),
    path("visits/<int:visit_id>/", views.visit_detail, name="visit"),
    path("visits/<int:visit_id>/case/", views.visit_to_case, name="visit_to_case"),
]
