from django.urls import path

from insights import views

app_name = "insights"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("screen/", views.screen, name="screen"),
    path("cases/<str:metric>/", views.metric_cases, name="metric_cases"),
    path("rankings/", views.rankings, name="rankings"),
    path("report/", views.monthly_report, name="report"),
    path("hotspots/", views.hotspots, name="hotspots"),
    path("topics/new/", views.topic_new, name="topic_new"),
    path("topics/<int:topic_id>/notes/", views.topic_note, name="topic_note"),
]
